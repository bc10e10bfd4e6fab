using System.Runtime.CompilerServices;
using Aio.Awaiters;
using Aio.Core;

namespace Aio;

/// <summary>
/// A first-in first-out queue between tasks on one loop (asyncio's <c>Queue</c>). <see cref="Put"/> waits
/// while the queue is full, <see cref="Get"/> while it is empty, each in the order they started waiting;
/// <see cref="TaskDone"/> and <see cref="Join"/> count the items not yet processed; <see cref="Shutdown"/>
/// (asyncio 3.13) stops it. <see cref="AsyncPriorityQueue{T}"/> and <see cref="AsyncLifoQueue{T}"/> hand out
/// the smallest or the newest item instead. Not thread-safe: use it from its loop's thread.
/// </summary>
/// <typeparam name="T">The items' type.</typeparam>
/// <example>
/// <code>
/// var jobs = new AsyncQueue&lt;string&gt;(maxSize: 10);
/// async Coroutine Worker() { while (true) { var job = await jobs.Get(); await Handle(job); jobs.TaskDone(); } }
/// await jobs.Put("first");
/// await jobs.Join();   // every item was processed
/// </code>
/// </example>
public class AsyncQueue<T>
{
    private QueueState _state;
    private LoopBinding _binding;
    private readonly SyncWaiters _getters;
    private readonly SyncWaiters _putters;
    private readonly AsyncEvent _finished = new();
    private readonly SyncOperation<T> _get;

    /// <summary>Creates a queue of at most <paramref name="maxSize"/> items (0 or less: unbounded).</summary>
    /// <param name="maxSize">The bound, or 0 for none.</param>
    public AsyncQueue(int maxSize = 0)
    {
        _state = QueueStateModule.create(maxSize);
        _finished.Set();
        _get = new GetOperation(this);
        _getters = new SyncWaiters(id => _state = QueueStateModule.withdrawGetter(id, _state));
        _putters = new SyncWaiters(id => _state = QueueStateModule.withdrawPutter(id, _state));
    }

    // ---- the store: which item comes out next is the only thing the kinds of queue change ----------

    private readonly Queue<T> _fifo = new();

    /// <summary>Adds an item to the store.</summary>
    private protected virtual void Store(T item) => _fifo.Enqueue(item);

    /// <summary>Takes the next item out of the store.</summary>
    private protected virtual T Take() => _fifo.Dequeue();

    /// <summary>The stored items, in the order they would come out (for the repr).</summary>
    private protected virtual IEnumerable<T> Items => _fifo;

    // ---- the public surface ------------------------------------------------------------------------

    /// <summary>The bound given at creation (0 or less: unbounded).</summary>
    public int MaxSize => _state.MaxSize;

    /// <summary>The number of items in the queue (asyncio's <c>qsize()</c>).</summary>
    public int Qsize => _state.Count;

    /// <summary>True when the queue holds no item.</summary>
    public bool Empty => _state.Count == 0;

    /// <summary>True when a bounded queue holds <see cref="MaxSize"/> items.</summary>
    public bool Full => QueueStateModule.isFull(_state);

    /// <summary>
    /// Adds <paramref name="item"/>, waiting while the queue is full (the item joins the queue only when
    /// this putter runs).
    /// </summary>
    /// <exception cref="QueueShutDownException">The queue was shut down.</exception>
    public PutAwaitable Put(T item) => new(this, item);

    /// <summary>Adds <paramref name="item"/> without waiting.</summary>
    /// <exception cref="QueueFullException">The queue is full.</exception>
    /// <exception cref="QueueShutDownException">The queue was shut down.</exception>
    public void PutNowait(T item)
    {
        _binding.CheckThread();
        var result = QueueStateModule.putNowait(_state);
        if (result.IsError) throw Refused(result.ErrorValue);
        var (state, effects) = result.ResultValue;
        Store(item);
        _state = state;
        Carry(effects, _getters);
    }

    /// <summary>
    /// Removes and returns the next item, waiting while the queue is empty. A woken getter takes whatever
    /// item is next when it runs.
    /// </summary>
    /// <exception cref="QueueShutDownException">The queue was shut down and is empty.</exception>
    public SyncAwaitable<T> Get() => new(_get);

    /// <summary>Removes and returns the next item without waiting.</summary>
    /// <exception cref="QueueEmptyException">The queue is empty.</exception>
    /// <exception cref="QueueShutDownException">The queue was shut down and is empty.</exception>
    public T GetNowait()
    {
        _binding.CheckThread();
        var result = QueueStateModule.getNowait(_state);
        if (result.IsError) throw Refused(result.ErrorValue);
        var (state, effects) = result.ResultValue;
        var item = Take();
        _state = state;
        Carry(effects, _putters);
        return item;
    }

    /// <summary>Marks one item taken from the queue as processed; see <see cref="Join"/>.</summary>
    /// <exception cref="ArgumentException">More calls than items put (<c>task_done() called too many times</c>).</exception>
    public void TaskDone()
    {
        _binding.CheckThread();
        var result = QueueStateModule.taskDone(_state);
        if (result.IsError) throw new ArgumentException("task_done() called too many times");
        var (state, effects) = result.ResultValue;
        _state = state;
        Carry(effects, _getters);
    }

    /// <summary>Waits until every item put has been marked processed with <see cref="TaskDone"/>.</summary>
    public async Coroutine Join()
    {
        if (QueueStateModule.joinWaits(_state)) await _finished.Wait();
    }

    /// <summary>
    /// Shuts the queue down (asyncio 3.13): puts raise <see cref="QueueShutDownException"/>, gets drain the
    /// remaining items and then raise, and every blocked caller is woken to see it. With
    /// <paramref name="immediate"/> the items are dropped too, each counting as processed for <see cref="Join"/>.
    /// </summary>
    /// <param name="immediate">Drop the items now.</param>
    public void Shutdown(bool immediate = false)
    {
        _binding.CheckThread();
        var (state, dropped, getters, putters, finished) = QueueStateModule.shutdown(immediate, _state);
        for (var i = 0; i < dropped; i++) Take();
        _state = state;
        if (finished) _finished.Set();
        _getters.Wake(getters);
        _putters.Wake(putters);
    }

    /// <summary>asyncio's repr: <c>&lt;AsyncQueue maxsize=2 _queue=['a'] _getters[1] tasks=1&gt;</c>.</summary>
    public override string ToString()
    {
        var parts = $" maxsize={_state.MaxSize}";
        if (_state.Count > 0) parts += $" _queue=[{string.Join(", ", Items.Select(i => Repr.Of(i)))}]";
        var getters = WaiterQueueModule.count(_state.Getters);
        var putters = WaiterQueueModule.count(_state.Putters);
        if (getters > 0) parts += $" _getters[{getters}]";
        if (putters > 0) parts += $" _putters[{putters}]";
        if (_state.Unfinished > 0) parts += $" tasks={_state.Unfinished}";
        if (_state.IsShutDown) parts += " shutdown";
        return $"<{GetType().Name.Split('`')[0]}{parts}>";
    }

    private static Exception Refused(QueueRefusal refusal) => refusal switch
    {
        var r when r.IsQueueIsEmpty => new QueueEmptyException(),
        var r when r.IsQueueIsFull => new QueueFullException(),
        _ => new QueueShutDownException(),
    };

    private void Carry(QueueEffects effects, SyncWaiters line)
    {
        if (effects.ClearFinished) _finished.Clear();
        if (effects.SetFinished) _finished.Set();
        line.Wake(effects.Wake);
    }

    private bool TryGetNow(out T item)
    {
        _binding.CheckThread();
        var (_, step) = QueueStateModule.startGet(_state);
        if (!step.IsProceed)
        {
            item = default!;
            return false;
        }
        item = GetNowait();
        return true;
    }

    private async Coroutine<T> GetWaiting()
    {
        while (true)
        {
            var (state, step) = QueueStateModule.startGet(_state);
            _state = state;
            if (step.IsProceed) return GetNowait();
            if (step.IsRefuseShutDown) throw new QueueShutDownException();
            var id = step.waiter;
            var getter = _getters.Add(_binding.Bind(this), id);
            try
            {
                await getter;
            }
            catch (CancelledException)
            {
                getter.Cancel();
                var (left, effects) = QueueStateModule.getterFailed(id, getter.WasWoken, _state);
                _state = left;
                _getters.Remove(id);
                Carry(effects, _getters);
                throw;
            }
            _getters.Remove(id);
        }
    }

    private bool TryPutNow(T item)
    {
        _binding.CheckThread();
        var (_, step) = QueueStateModule.startPut(_state);
        if (!step.IsProceed) return false;
        PutNowait(item);
        return true;
    }

    private async Coroutine<VoidResult> PutWaiting(T item)
    {
        while (true)
        {
            var (state, step) = QueueStateModule.startPut(_state);
            _state = state;
            if (step.IsProceed)
            {
                PutNowait(item);
                return default;
            }
            if (step.IsRefuseShutDown) throw new QueueShutDownException();
            var id = step.waiter;
            var putter = _putters.Add(_binding.Bind(this), id);
            try
            {
                await putter;
            }
            catch (CancelledException)
            {
                putter.Cancel();
                var (left, effects) = QueueStateModule.putterFailed(id, putter.WasWoken, _state);
                _state = left;
                _putters.Remove(id);
                Carry(effects, _putters);
                throw;
            }
            _putters.Remove(id);
        }
    }

    private sealed class GetOperation(AsyncQueue<T> owner) : SyncOperation<T>
    {
        public override bool TryNow(out T result) => owner.TryGetNow(out result);

        public override Coroutine<T> Waiting() => owner.GetWaiting();
    }

    /// <summary>What <see cref="Put"/> returns: adds at once when there is room, without allocating.</summary>
    public readonly struct PutAwaitable
    {
        private readonly AsyncQueue<T> _queue;
        private readonly T _item;

        internal PutAwaitable(AsyncQueue<T> queue, T item)
        {
            _queue = queue;
            _item = item;
        }

        /// <summary>The awaiter.</summary>
        public PutAwaiter GetAwaiter() => new(_queue, _item);
    }

    /// <summary>Awaits a <see cref="PutAwaitable"/> inside a coroutine.</summary>
    public struct PutAwaiter : ICriticalNotifyCompletion, ILoopAwaiter
    {
        private readonly AsyncQueue<T> _queue;
        private readonly T _item;
        private Coroutine<VoidResult>? _waiting;

        internal PutAwaiter(AsyncQueue<T> queue, T item)
        {
            _queue = queue;
            _item = item;
            _waiting = null;
        }

        /// <summary>Adds the item at once if there is room; otherwise starts waiting in line.</summary>
        public bool IsCompleted
        {
            get
            {
                if (_queue.TryPutNow(_item)) return true;
                _waiting = _queue.PutWaiting(_item);
                return _waiting.GetAwaiter().IsCompleted;
            }
        }

        /// <summary>Returns once the item is in the queue; raises what the wait raised.</summary>
        public void GetResult() => _waiting?.GetAwaiter().GetResult();

        /// <inheritdoc />
        public void OnCompleted(Action continuation) => _waiting!.GetAwaiter().OnCompleted(continuation);

        /// <inheritdoc />
        public void UnsafeOnCompleted(Action continuation) => _waiting!.GetAwaiter().UnsafeOnCompleted(continuation);

        void ILoopAwaiter.Suspend(IResumable coroutine) => ((ILoopAwaiter)_waiting!.GetAwaiter()).Suspend(coroutine);
    }
}

/// <summary>
/// A queue that hands out its smallest item first (asyncio's <c>PriorityQueue</c>, a binary heap ordered
/// as Python's <c>heapq</c>; equal items come out in no promised order: add a sequence number to break
/// ties). Everything else is <see cref="AsyncQueue{T}"/>'s.
/// </summary>
/// <typeparam name="T">The items' type; compared with <paramref name="comparer"/> or the default comparer.</typeparam>
/// <example><code>var q = new AsyncPriorityQueue&lt;(int Priority, string Job)&gt;(); q.PutNowait((2, "b")); q.PutNowait((1, "a"));</code></example>
public sealed class AsyncPriorityQueue<T>(int maxSize = 0, IComparer<T>? comparer = null) : AsyncQueue<T>(maxSize)
{
    private readonly List<T> _heap = [];
    private readonly IComparer<T> _comparer = comparer ?? Comparer<T>.Default;

    private protected override void Store(T item)
    {
        _heap.Add(item);
        SiftTowardRoot(0, _heap.Count - 1);
    }

    private protected override T Take()
    {
        var last = _heap[^1];
        _heap.RemoveAt(_heap.Count - 1);
        if (_heap.Count == 0) return last;
        var smallest = _heap[0];
        _heap[0] = last;
        SiftTowardLeaves(0);
        return smallest;
    }

    private protected override IEnumerable<T> Items => _heap;

    // heapq's _siftdown: the item at `position` moves up while it is smaller than its parent.
    private void SiftTowardRoot(int start, int position)
    {
        var item = _heap[position];
        while (position > start)
        {
            var parent = (position - 1) >> 1;
            if (_comparer.Compare(item, _heap[parent]) >= 0) break;
            _heap[position] = _heap[parent];
            position = parent;
        }
        _heap[position] = item;
    }

    // heapq's _siftup: the hole at `position` moves down along the smaller children to a leaf, then the
    // item placed there moves back up (fewer comparisons than stopping early).
    private void SiftTowardLeaves(int position)
    {
        var end = _heap.Count;
        var start = position;
        var item = _heap[position];
        var child = 2 * position + 1;
        while (child < end)
        {
            var right = child + 1;
            if (right < end && _comparer.Compare(_heap[child], _heap[right]) >= 0) child = right;
            _heap[position] = _heap[child];
            position = child;
            child = 2 * position + 1;
        }
        _heap[position] = item;
        SiftTowardRoot(start, position);
    }
}

/// <summary>A queue that hands out its newest item first (asyncio's <c>LifoQueue</c>).</summary>
/// <typeparam name="T">The items' type.</typeparam>
/// <example><code>var stack = new AsyncLifoQueue&lt;int&gt;(); stack.PutNowait(1); stack.PutNowait(2); // GetNowait() gives 2</code></example>
public sealed class AsyncLifoQueue<T>(int maxSize = 0) : AsyncQueue<T>(maxSize)
{
    private readonly Stack<T> _stack = new();

    private protected override void Store(T item) => _stack.Push(item);

    private protected override T Take() => _stack.Pop();

    // Oldest first, as asyncio's repr lists the LifoQueue's underlying list.
    private protected override IEnumerable<T> Items => _stack.Reverse();
}
