using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Aio.Awaiters;

// An object that `await` would accept (a public GetAwaiter() whose result has IsCompleted,
// GetResult() and OnCompleted), found at run time: the untyped EnsureFuture's counterpart of
// Python's __await__ protocol. GetAwaiter() is called when the wrapping task awaits it, not before.
internal sealed class AwaiterPattern
{
    private readonly object _awaitable;
    private readonly MethodInfo _getAwaiter;
    private readonly MethodInfo _isCompleted;
    private readonly MethodInfo _getResult;

    private AwaiterPattern(object awaitable, MethodInfo getAwaiter, MethodInfo isCompleted, MethodInfo getResult)
    {
        _awaitable = awaitable;
        _getAwaiter = getAwaiter;
        _isCompleted = isCompleted;
        _getResult = getResult;
    }

    public static AwaiterPattern? TryBind(object? candidate)
    {
        if (candidate is null) return null;
        var getAwaiter = candidate.GetType().GetMethod("GetAwaiter", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        var awaiterType = getAwaiter?.ReturnType;
        if (awaiterType is null || !typeof(INotifyCompletion).IsAssignableFrom(awaiterType)) return null;
        var isCompleted = awaiterType.GetProperty("IsCompleted", BindingFlags.Public | BindingFlags.Instance);
        var getResult = awaiterType.GetMethod("GetResult", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        if (isCompleted?.PropertyType != typeof(bool) || isCompleted.GetMethod is null || getResult is null) return null;
        return new AwaiterPattern(candidate, getAwaiter!, isCompleted.GetMethod, getResult);
    }

    public Awaiter GetAwaiter() => new(this, (INotifyCompletion)Invoke(_getAwaiter, _awaitable)!);

    // Exceptions of the awaitable's own members surface as themselves, as with a compiled await.
    private static object? Invoke(MethodInfo method, object target)
    {
        try
        {
            return method.Invoke(target, null);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    // The awaiter is held boxed, so OnCompleted and GetResult act on the same instance even when
    // it is a struct. Suspension.Await decides how to suspend on it, as for a compiled await.
    internal readonly struct Awaiter(AwaiterPattern pattern, INotifyCompletion inner) : ILoopAwaiter
    {
        public bool IsCompleted => (bool)Invoke(pattern._isCompleted, inner)!;

        public object? GetResult()
        {
            var result = Invoke(pattern._getResult, inner);
            return pattern._getResult.ReturnType == typeof(void) ? null : result;
        }

        public void OnCompleted(Action continuation)
        {
            var awaiter = inner;
            Suspension.Await(ref awaiter, new ActionResumable(continuation));
        }

        public void UnsafeOnCompleted(Action continuation) => OnCompleted(continuation);

        void ILoopAwaiter.Suspend(IResumable coroutine)
        {
            var awaiter = inner;
            Suspension.Await(ref awaiter, coroutine);
        }
    }
}
