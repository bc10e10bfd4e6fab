using System.Runtime.CompilerServices;
using Aio.Core;

namespace Aio;

/// <summary>
/// Futures in the order they finish (asyncio's <c>as_completed</c>, made by
/// <see cref="Asyncio.AsCompleted{T}(IEnumerable{Future{T}}, double?)"/>). Plain iteration gives one
/// coroutine per input: awaiting the k-th returns the result of the k-th future to finish (or raises
/// its exception). Async iteration (<c>await foreach</c>) gives the original futures themselves, in
/// the order they finish. After the timeout, every remaining one raises <see cref="TimeoutException"/>;
/// nothing is cancelled.
/// </summary>
/// <typeparam name="T">The futures' result type.</typeparam>
/// <example>
/// <code>
/// foreach (var next in Asyncio.AsCompleted(tasks)) Console.WriteLine(await next);
/// await foreach (var task in Asyncio.AsCompleted(tasks)) Console.WriteLine(task.Result());
/// </code>
/// </example>
public sealed class AsCompletedIterator<T> : IEnumerable<Coroutine<T>>, IAsyncEnumerable<Future<T>>
{
    private readonly Future<T>[] _inputs;
    // Which input finished, found in O(1): searching the array made each completion O(n).
    private readonly Dictionary<Future, int> _indexOf;
    private readonly Loop _loop;
    private readonly Action<Future> _onDone;
    // The readers' futures, by the ids the core's line of readers names them with.
    private readonly SyncWaiters _readers;
    private readonly TimerHandle? _timeout;
    private AsCompletedState _state;

    internal AsCompletedIterator(Loop loop, Future<T>[] inputs, double? timeout)
    {
        _loop = loop;
        _inputs = inputs;
        _indexOf = new Dictionary<Future, int>(inputs.Length, ReferenceEqualityComparer.Instance);
        for (var i = 0; i < inputs.Length; i++) _indexOf.TryAdd(inputs[i], i);
        _state = AsCompletedStateModule.start(inputs.Length, timeout is not null);
        _onDone = OnDone;
        _readers = new SyncWaiters(id => _state = AsCompletedStateModule.readerWithdrawn(id, _state));
        foreach (var f in inputs) f.AddDoneCallbackNoContext(_onDone);
        if (timeout is { } seconds && inputs.Length > 0) _timeout = loop.CallLater(seconds, OnTimeout);
    }

    /// <summary>
    /// One coroutine per input, in completion order: the k-th returns the k-th finished future's result,
    /// or raises its exception, or <see cref="TimeoutException"/> after the timeout.
    /// </summary>
    public IEnumerator<Coroutine<T>> GetEnumerator()
    {
        while (true)
        {
            var (state, more) = AsCompletedStateModule.next(_state);
            _state = state;
            if (!more) yield break;
            yield return NextResult();
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The original futures in completion order, for <c>await foreach</c> inside a coroutine.</summary>
    public AsyncEnumerator GetAsyncEnumerator() => new(this);

    // For code that takes an IAsyncEnumerable: each MoveNextAsync runs the waiting coroutine as a task
    // of the loop and hands back its TPL view. `await foreach` in a coroutine uses GetAsyncEnumerator above
    // instead (C# prefers the pattern), with no task and no TPL bridge.
    IAsyncEnumerator<Future<T>> IAsyncEnumerable<Future<T>>.GetAsyncEnumerator(CancellationToken cancellationToken) =>
        new TplEnumerator(this, cancellationToken);

    private sealed class TplEnumerator(AsCompletedIterator<T> owner, CancellationToken token) : IAsyncEnumerator<Future<T>>
    {
        private readonly AsyncEnumerator _inner = owner.GetAsyncEnumerator();

        public Future<T> Current => _inner.Current;

        public ValueTask<bool> MoveNextAsync() =>
            new(owner._loop.CreateTask(_inner.MoveNextAsync(), cancellationToken: token).AsTask());

        public ValueTask DisposeAsync() => default;
    }

    /// <summary>
    /// What <c>await foreach</c> drives: <see cref="MoveNextAsync"/> is a coroutine, so the loop task
    /// suspends on it like on any other await.
    /// </summary>
    public sealed class AsyncEnumerator
    {
        private readonly AsCompletedIterator<T> _owner;

        internal AsyncEnumerator(AsCompletedIterator<T> owner) => _owner = owner;

        /// <summary>The future that finished last, after <see cref="MoveNextAsync"/> returned true.</summary>
        public Future<T> Current { get; private set; } = null!;

        /// <summary>Waits for the next future to finish; false once every input was handed out.</summary>
        /// <exception cref="TimeoutException">The timeout passed first.</exception>
        public async Coroutine<bool> MoveNextAsync()
        {
            var (state, more) = AsCompletedStateModule.next(_owner._state);
            _owner._state = state;
            if (!more) return false;
            Current = await _owner.NextFuture();
            return true;
        }
    }

    private async Coroutine<T> NextResult() => (await NextFuture()).Result();

    // The next finished input, in completion order: asyncio's _wait_for_one.
    private async Coroutine<Future<T>> NextFuture()
    {
        while (true)
        {
            var (state, take) = AsCompletedStateModule.take(_state);
            _state = state;
            if (take.IsTake)
            {
                if (take.item.IsCompletedInput) return _inputs[take.item.index];
                throw new TimeoutException("as_completed's timeout passed before this future finished.");
            }
            var id = take.reader;
            var reader = _readers.Add(_loop, id);
            try
            {
                await reader;
            }
            catch (CancelledException)
            {
                var woken = reader.WasWoken;
                _readers.Remove(id);
                Apply(AsCompletedStateModule.readerLeft(id, woken, _state));
                throw;
            }
            _readers.Remove(id);
        }
    }

    [AsyncioName("_AsCompletedIterator._handle_completion")]
    private void OnDone(Future f) => Apply(AsCompletedStateModule.completed(_indexOf[f], _state));

    private void OnTimeout() => Apply(AsCompletedStateModule.timedOut(_state));

    private void Apply(Tuple<AsCompletedState, Microsoft.FSharp.Collections.FSharpList<AsCompletedCommand>> transition)
    {
        _state = transition.Item1;
        foreach (var command in transition.Item2)
        {
            switch (command)
            {
                case AsCompletedCommand.WakeReader wake:
                    _readers.Wake(wake.reader);
                    break;
                case var c when c.IsCancelTimeoutHandle:
                    _timeout?.Cancel();
                    break;
                case AsCompletedCommand.Unwatch unwatch:
                    foreach (var i in unwatch.indices) _inputs[i].RemoveDoneCallback(_onDone);
                    break;
            }
        }
    }
}
