using System.Runtime.CompilerServices;
using Aio.Core;

namespace Aio;

/// <summary>
/// A callback scheduled on a <see cref="Loop"/> by <see cref="Loop.CallSoon(Action)"/>; it can be
/// cancelled until it runs.
/// </summary>
/// <example>
/// <code>
/// var h = loop.CallSoon(() => Console.WriteLine("never printed"));
/// h.Cancel();
/// </code>
/// </example>
public class Handle : ILoopEntry
{
    // Action (no argument), Action<object?> (an internal callback and its argument) or Action<Future>
    // (a done callback; the argument is the future).
    private readonly Delegate _callback;
    private HandleLife _life = HandleLife.Queued;

    // No reference to the loop, no argument and no context: a handle is the per-callback allocation of
    // call_soon (32 bytes), which a batch of callbacks keeps alive until it runs. Only a timer needs its
    // loop (to leave the timer queue when cancelled); handles with an argument are ArgumentHandle or
    // TimerHandle; one scheduled from a non-default ExecutionContext is a ContextHandle.
    internal Handle(Delegate callback) => _callback = callback;

    // call_soon's handle for the context captured with the callback: the default context (the usual
    // case) needs no field for it.
    internal static Handle For(Action callback, ExecutionContext? context) =>
        ReferenceEquals(context, InContext.Default) ? new Handle(callback) : new ContextHandle(callback, context);

    // What the callback is called with; null for a plain Action.
    private protected virtual object? Argument => null;

    // The ExecutionContext captured when the callback was scheduled (null: flow was suppressed, so the
    // callback runs in whatever context the loop's thread has).
    private protected virtual ExecutionContext? Context => InContext.Default;

    /// <summary>
    /// The ExecutionContext the callback runs in, captured when it was scheduled (asyncio's
    /// <c>Handle.get_context()</c>); null when flow was suppressed then. A custom exception handler
    /// runs in it when the callback fails.
    /// </summary>
    public ExecutionContext? GetContext() => Context;

    /// <summary>True once <see cref="Cancel"/> was called (as in asyncio, also after the callback ran).</summary>
    public bool Cancelled => HandleState.isCancelled(_life);

    internal bool ShouldRun => HandleState.shouldRun(_life);

    /// <summary>
    /// Prevents the callback from running. Idempotent; once the callback ran it only marks the handle
    /// <see cref="Cancelled"/>, as asyncio's does.
    /// </summary>
    public void Cancel()
    {
        // A timer lives in its loop's timer queue: only the loop's thread may take it out.
        if (this is TimerHandle owned) owned.Loop.CheckThread();
        var (life, mustUnqueue) = HandleState.cancel(_life);
        _life = life;
        if (mustUnqueue && this is TimerHandle timer) timer.Loop.Unschedule(timer.Key);
    }

    // A timer moved to the ready queue: cancelling it now only skips it there.
    internal void FallDue() => _life = HandleState.fallDue(_life);

    // Runs the callback in the execution context captured when it was scheduled. The loop's
    // interpreter calls this and routes any exception to the exception handler.
    internal void Run()
    {
        _life = HandleState.run(_life);
        InContext.Run(Context, s_invoke, this);
    }

    bool ILoopEntry.ShouldRun => ShouldRun;

    void ILoopEntry.Run() => Run();

    private static readonly ContextCallback s_invoke = static h => Invoke((Handle)h!);

    // A plain Action never carries an argument; the rest take one. The exact-type test avoids the
    // variance-aware cast helper that a type pattern on a generic delegate costs on every callback (an
    // Action<object> passed as an Action<Future> is called the same way either branch).
    private static void Invoke(Handle h)
    {
        var callback = h._callback;
        var argument = h.Argument;
        if (argument is null) Unsafe.As<Action>(callback)();
        else if (callback.GetType() == typeof(Action<object?>)) Unsafe.As<Action<object?>>(callback)(argument);
        else Unsafe.As<Action<Future>>(callback)(Unsafe.As<Future>(argument));
    }

    /// <summary>
    /// asyncio's repr: <c>&lt;Handle name()&gt;</c> (a done callback shows its future as the
    /// argument), <c>&lt;TimerHandle when=1.5 name()&gt;</c>, or, once cancelled,
    /// <c>&lt;Handle cancelled&gt;</c> and <c>&lt;TimerHandle cancelled when=1.5&gt;</c>.
    /// </summary>
    public override string ToString()
    {
        // asyncio's class names: an ArgumentHandle is a plain Handle there.
        if (this is not TimerHandle timer) return Cancelled ? "<Handle cancelled>" : $"<Handle {CallbackSource}>";
        var when = $"when={Repr.Of(timer.When)}";
        return Cancelled ? $"<TimerHandle cancelled {when}>" : $"<TimerHandle {when} {CallbackSource}>";
    }

    // The callback and its argument as asyncio's _format_callback_source writes them (without the
    // source location): "name()" or, for a done callback, "name(<Future finished result=1>)".
    internal string CallbackSource => $"{Repr.CallbackName(_callback)}({(Argument is { } argument ? Repr.Of(argument) : "")})";
}

/// <summary>A <see cref="Handle"/> for a callback scheduled at a deadline (<see cref="Loop.CallAt(double, Action)"/>).</summary>
public sealed class TimerHandle : Handle, ITimerEntry
{
    private readonly object? _argument;
    private readonly ExecutionContext? _context;

    internal TimerHandle(Loop loop, Delegate callback, object? argument, ExecutionContext? context)
        : base(callback)
    {
        Loop = loop;
        _argument = argument;
        _context = context;
    }

    private protected override object? Argument => _argument;

    private protected override ExecutionContext? Context => _context;

    /// <summary>The loop this timer is scheduled on.</summary>
    public Loop Loop { get; }

    /// <summary>The absolute deadline, on the loop's clock (<see cref="Loop.Time"/>).</summary>
    public double When => Key.Deadline;

    // The queue's key, set as the core scheduled the timer (before anyone can see the handle); its
    // deadline is the one asked for, so it is also When (a timer is the most numerous object of a
    // sleeping workload, and one field fewer is 8 bytes a sleeper).
    internal TimerKey Key;

    void ITimerEntry.FallDue() => FallDue();
}

// A ready callback called with an argument: a future's done callback (called with the future).
internal sealed class ArgumentHandle(Delegate callback, object argument, ExecutionContext? context) : Handle(callback)
{
    private protected override object? Argument => argument;

    private protected override ExecutionContext? Context => context;
}

// A call_soon callback scheduled from a context of its own (an AsyncLocal set): it runs in that context.
internal sealed class ContextHandle(Action callback, ExecutionContext? context) : Handle(callback)
{
    private protected override ExecutionContext? Context => context;
}
