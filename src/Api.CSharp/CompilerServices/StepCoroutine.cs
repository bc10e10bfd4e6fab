using System.ComponentModel;
using System.Runtime.CompilerServices;
using Aio.Awaiters;

namespace Aio.CompilerServices;

/// <summary>
/// The body of a coroutine written without C#'s async methods (F#'s <c>coroutine { }</c> builder in
/// Aio.FSharp is one): the loop calls <see cref="Step"/> to start it and after every suspension.
/// </summary>
/// <typeparam name="T">The result type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ICoroutineBody<T>
{
    /// <summary>
    /// Runs the body until it ends (returns true, with <paramref name="result"/>) or suspends (returns
    /// false, after calling <see cref="CoroutineSteps.Suspend{TAwaiter}(ref TAwaiter)"/> exactly once).
    /// An exception it throws ends the coroutine with that exception.
    /// </summary>
    bool Step(out T result);
}

/// <summary>
/// Builds coroutines from an <see cref="ICoroutineBody{T}"/>, for languages that cannot write
/// <c>async Coroutine&lt;T&gt;</c> methods. Like any coroutine, one made here is lazy: nothing runs until a
/// loop task (or an awaiting coroutine) starts it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CoroutineSteps
{
    [ThreadStatic] private static IResumable? s_stepping;

    /// <summary>A lazy coroutine over <paramref name="body"/>, shown as <paramref name="name"/> in reprs.</summary>
    public static Coroutine<T> Create<T>(ICoroutineBody<T> body, string name)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(name);
        return new StepCoroutine<T>(body, name);
    }

    /// <summary>
    /// Suspends the coroutine whose step is running on <paramref name="awaiter"/>, exactly as an
    /// <c>await</c> in a C# coroutine would (a loop awaitable parks the task; any other awaitable is
    /// bridged back to the loop). Call it only from <see cref="ICoroutineBody{T}.Step"/>, then return false.
    /// </summary>
    /// <exception cref="InvalidOperationException">No coroutine step is running on this thread.</exception>
    public static void Suspend<TAwaiter>(ref TAwaiter awaiter) where TAwaiter : INotifyCompletion
    {
        var coroutine = s_stepping ?? throw new InvalidOperationException("CoroutineSteps.Suspend is called outside a coroutine step: call it from ICoroutineBody.Step only.");
        s_stepping = null;
        Suspension.Await(ref awaiter, coroutine);
    }

    private sealed class StepCoroutine<T>(ICoroutineBody<T> body, string name) : Coroutine<T>
    {
        private protected override Type MachineType => typeof(StepCoroutine<T>);

        private protected override string? OwnName => name;

        private protected override void MoveNext()
        {
            var outer = s_stepping;
            s_stepping = this;
            bool finished;
            T result;
            try
            {
                finished = body.Step(out result);
            }
            catch (Exception e)
            {
                s_stepping = outer;
                SetException(e);
                return;
            }
            // Suspend cleared the marker; a body that returned false without suspending is a bug in it.
            var suspended = s_stepping is null;
            s_stepping = outer;
            if (finished) SetResult(result);
            else if (!suspended) SetException(new InvalidOperationException($"Coroutine {name} gave control back without finishing or awaiting anything."));
        }
    }
}
