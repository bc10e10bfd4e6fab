using System.Globalization;
using Aio.Core;
using Microsoft.FSharp.Core;

namespace Aio;

/// <summary>
/// A deadline for a block of code in the current task (asyncio's <c>Timeout</c>, made by
/// <see cref="Asyncio.Timeout(double?)"/> or <see cref="Asyncio.TimeoutAt(double?)"/>). When the
/// deadline passes while the block runs, the task is cancelled at its current await; when the block
/// ends with that cancellation, <see cref="Run(Func{Coroutine})"/> raises <see cref="TimeoutException"/>
/// instead. A cancellation from anyone else passes through unchanged. States: <c>[created]</c>,
/// <c>[active]</c>, <c>[expiring]</c>, <c>[expired]</c>, <c>[finished]</c>.
/// </summary>
/// <remarks>
/// The block is a lambda given to <see cref="Run(Func{Coroutine})"/> rather than an <c>await using</c>
/// scope: a disposer cannot see whether the block ended with a cancellation, and the timeout must
/// (asyncio's <c>__aexit__</c> receives the exception). The block runs inline in the calling task.
/// </remarks>
/// <example>
/// <code>
/// var cm = Asyncio.Timeout(0.5);
/// try { await cm.Run(async () => await SlowCall()); }
/// catch (TimeoutException) { Console.WriteLine($"gave up; expired = {cm.Expired}"); }
/// </code>
/// </example>
public sealed class TimeoutScope
{
    private readonly Loop _loop;
    private TimeoutState _state;
    private ILoopTask? _task;
    private Handle? _handler;

    internal TimeoutScope(Loop loop, double? when)
    {
        _loop = loop;
        _state = TimeoutStateModule.create(when is { } w ? FSharpValueOption<double>.NewValueSome(w) : FSharpValueOption<double>.ValueNone);
    }

    /// <summary>The deadline on the loop's clock (<see cref="Loop.Time"/>), or null for none.</summary>
    public double? When => _state.When.IsSome ? _state.When.Value : null;

    /// <summary>True once the deadline fired (also while the block is still unwinding).</summary>
    public bool Expired => TimeoutStateModule.expired(_state);

    /// <summary>
    /// Moves the deadline of an active timeout: null disables it, a time in the past fires it in the
    /// next iteration.
    /// </summary>
    /// <param name="when">The new deadline on the loop's clock, or null.</param>
    /// <exception cref="InvalidOperationException">The timeout is not active (not entered yet, expired or finished).</exception>
    public void Reschedule(double? when)
    {
        var result = TimeoutStateModule.reschedule(
            when is { } w ? FSharpValueOption<double>.NewValueSome(w) : FSharpValueOption<double>.ValueNone, _loop.Time(), _state);
        if (result.IsError) throw new InvalidOperationException(TimeoutStateModule.misuseMessage(result.ErrorValue));
        Apply(result.ResultValue.Item1, result.ResultValue.Item2);
    }

    /// <summary>
    /// Runs <paramref name="body"/> inline in the current task under this deadline (asyncio's
    /// <c>async with timeout:</c>). A timeout is entered once.
    /// </summary>
    /// <param name="body">The block.</param>
    /// <exception cref="TimeoutException">The deadline cancelled the block (its cause is that cancellation).</exception>
    /// <exception cref="InvalidOperationException">Not inside a task, or entered before.</exception>
    public Coroutine Run(Func<Coroutine> body) => RunVoid(body);

    /// <summary>Runs <paramref name="body"/> under this deadline and returns its result; see <see cref="Run(Func{Coroutine})"/>.</summary>
    public async Coroutine<T> Run<T>(Func<Coroutine<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        Enter();
        T result;
        try
        {
            result = await body();
        }
        catch (CancelledException cancelled)
        {
            Exit(BlockEnd.BlockCancelled, cancelled);
            throw;
        }
        catch (Exception)
        {
            Exit(BlockEnd.BlockRaised, null);
            throw;
        }
        Exit(BlockEnd.BlockReturned, null);
        return result;
    }

    private async Coroutine RunVoid(Func<Coroutine> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        await Run<VoidResult>(body);
    }

    private void Enter()
    {
        var task = Loop.RunningOnThisThread == _loop ? _loop.CurrentTask : null;
        var result = TimeoutStateModule.enter(
            task is null ? FSharpValueOption<int>.ValueNone : FSharpValueOption<int>.NewValueSome(task.Cancelling()), _loop.Time(), _state);
        if (result.IsError) throw new InvalidOperationException(TimeoutStateModule.misuseMessage(result.ErrorValue));
        _task = task;
        Apply(result.ResultValue.Item1, result.ResultValue.Item2);
    }

    private void Exit(BlockEnd end, CancelledException? cancelled)
    {
        var (state, commands, outcome) = TimeoutStateModule.exit(end, _task!.Cancelling(), _state);
        Apply(state, commands);
        if (outcome.IsExitRaiseTimeout) throw new TimeoutException("The timeout expired: its deadline cancelled the block.", cancelled);
    }

    private void OnTimeout()
    {
        var (state, commands) = TimeoutStateModule.fire(_state);
        Apply(state, commands);
    }

    private void Apply(TimeoutState state, Microsoft.FSharp.Collections.FSharpList<TimeoutCommand> commands)
    {
        _state = state;
        foreach (var command in commands)
        {
            switch (command)
            {
                case var c when c.IsCancelTimeoutHandle:
                    _handler?.Cancel();
                    _handler = null;
                    break;
                case var c when c.IsCallTimeoutSoon:
                    _handler = _loop.CallSoon(OnTimeout);
                    break;
                case TimeoutCommand.CallTimeoutAt at:
                    _handler = _loop.CallAt(at.when, OnTimeout);
                    break;
                case var c when c.IsCancelTheTask:
                    _task!.Cancel();
                    break;
                case var c when c.IsUncancelTheTask:
                    _task!.Uncancel();
                    break;
            }
        }
    }

    /// <summary>asyncio's repr: <c>&lt;Timeout [active] when=1.5&gt;</c>, <c>&lt;Timeout [expired]&gt;</c>.</summary>
    public override string ToString()
    {
        var when = _state.Phase.IsTimeoutActive
            ? " when=" + (When is { } w ? Repr.Of(Math.Round(w, 3)) : "None")
            : "";
        return string.Create(CultureInfo.InvariantCulture, $"<Timeout [{TimeoutStateModule.phaseWord(_state.Phase)}]{when}>");
    }
}
