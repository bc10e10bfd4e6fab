using Aio.Benchmarks.Systems;
using BenchmarkDotNet.Attributes;

namespace Aio.Benchmarks.Micro;

// The hot paths under BenchmarkDotNet. Each invocation performs a batch of operations, so the loop's
// per-iteration work is shared by the batch the way a busy loop shares it; BenchmarkDotNet divides
// time and allocations by OperationsPerInvoke. Each has the same operation on the raw
// SynchronizationContext beside it, as the floor for C# async code on one thread.

/// <summary>Runs loop iterations, each one exactly (Stop() before RunForever()), until a condition holds.</summary>
internal static class Iterate
{
    public static void Once(Loop loop)
    {
        loop.Stop();
        loop.RunForever();
    }

    public static void Until(Loop loop, Func<bool> done)
    {
        while (!done()) Once(loop);
    }

    public static void Until(SingleThreadContext context, Func<bool> done)
    {
        while (!done()) context.RunOnce();
    }
}

/// <summary>loop.CallSoon(callback) and the dispatch that runs it.</summary>
public class CallSoonDispatch
{
    public const int Batch = 1000;
    private Loop _loop = null!;
    private RawQueueLoop _queue = null!;
    private SingleThreadContext _context = null!;
    private Action _increment = null!;
    private Action _postBatch = null!;
    private readonly Workloads.Counter _counter = new();

    [GlobalSetup]
    public void Setup()
    {
        _loop = new Loop();
        _queue = new RawQueueLoop();
        _context = new SingleThreadContext();
        _increment = _counter.Increment;
        SendOrPostCallback post = static c => ((Workloads.Counter)c!).Increment();
        _postBatch = () =>
        {
            for (var i = 0; i < Batch; i++) _context.Post(post, _counter);
        };
    }

    [GlobalCleanup]
    public void Cleanup() => _loop.Close();

    [Benchmark(OperationsPerInvoke = Batch)]
    public void Aio()
    {
        for (var i = 0; i < Batch; i++) _loop.CallSoon(_increment);
        Iterate.Once(_loop);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public void RawQueue()
    {
        for (var i = 0; i < Batch; i++) _queue.CallSoon(_increment);
        _queue.Run();
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public void RawSyncContext()
    {
        _context.Invoke(_postBatch);
        _context.RunOnce();
    }
}

/// <summary>One step of a task that loops on <c>await Sleep(0)</c> (Task.Yield on the context).</summary>
public class SleepZeroStep
{
    public const int Tasks = 1000;
    private Loop _loop = null!;
    private LoopTask[] _tasks = null!;
    private SingleThreadContext _context = null!;
    private Task[] _contextTasks = null!;
    private bool _stopping;

    [GlobalSetup]
    public void Setup()
    {
        _stopping = false;
        _loop = new Loop();
        _tasks = [.. Enumerable.Range(0, Tasks).Select(_ => _loop.CreateTask(YieldForever()))];
        Iterate.Once(_loop);
        _context = new SingleThreadContext();
        _context.Invoke(() => _contextTasks = [.. Enumerable.Range(0, Tasks).Select(_ => YieldForeverTask())]);
    }

    private async Coroutine YieldForever()
    {
        while (!_stopping) await Asyncio.Sleep(0);
    }

    private async Task YieldForeverTask()
    {
        while (!_stopping) await Task.Yield();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stopping = true;
        Iterate.Until(_loop, () => _tasks.All(t => t.Done));
        _loop.Close();
        Iterate.Until(_context, () => _contextTasks.All(t => t.IsCompleted));
    }

    [Benchmark(OperationsPerInvoke = Tasks)]
    public void Aio() => Iterate.Once(_loop);

    [Benchmark(OperationsPerInvoke = Tasks)]
    public void RawSyncContext() => _context.RunOnce();
}

/// <summary>Completing the future a task waits on, up to the task parked again on a new one.</summary>
public class FutureWakeup
{
    public const int Tasks = 1000;
    private Loop _loop = null!;
    private LoopTask[] _tasks = null!;
    private Future<int>[] _slots = null!;
    private SingleThreadContext _context = null!;
    private Task[] _contextTasks = null!;
    private TaskCompletionSource<int>[] _contextSlots = null!;
    private Action _completeContextSlots = null!;
    private int _parked;
    private bool _stopping;

    [GlobalSetup]
    public void Setup()
    {
        _stopping = false;
        _loop = new Loop();
        _slots = new Future<int>[Tasks];
        _tasks = [.. Enumerable.Range(0, Tasks).Select(i => _loop.CreateTask(Waiter(i)))];
        Iterate.Once(_loop);
        _context = new SingleThreadContext();
        _contextSlots = new TaskCompletionSource<int>[Tasks];
        _context.Invoke(() => _contextTasks = [.. Enumerable.Range(0, Tasks).Select(WaiterTask)]);
        _completeContextSlots = () =>
        {
            foreach (var slot in _contextSlots) slot.SetResult(0);
        };
    }

    private async Coroutine Waiter(int i)
    {
        while (!_stopping)
        {
            var slot = _loop.CreateFuture<int>();
            _slots[i] = slot;
            _parked++;
            await slot;
        }
    }

    private async Task WaiterTask(int i)
    {
        while (!_stopping)
        {
            var slot = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            _contextSlots[i] = slot;
            _parked++;
            await slot.Task;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stopping = true;
        foreach (var slot in _slots) slot.SetResult(0);
        Iterate.Until(_loop, () => _tasks.All(t => t.Done));
        _loop.Close();
        _context.Invoke(_completeContextSlots);
        Iterate.Until(_context, () => _contextTasks.All(t => t.IsCompleted));
    }

    [Benchmark(OperationsPerInvoke = Tasks)]
    public void Aio()
    {
        _parked = 0;
        foreach (var slot in _slots) slot.SetResult(0);
        while (_parked < Tasks) Iterate.Once(_loop);
    }

    [Benchmark(OperationsPerInvoke = Tasks)]
    public void RawSyncContext()
    {
        _parked = 0;
        _context.Invoke(_completeContextSlots);
        while (_parked < Tasks) _context.RunOnce();
    }
}

/// <summary>
/// task.Cancel() on a task parked on a future, up to its coroutine catching the CancelledException
/// and parking again (the context's version: CancellationTokenSource.Cancel() on a Task.Delay).
/// </summary>
public class CancelDelivery
{
    public const int Tasks = 1000;
    private Loop _loop = null!;
    private LoopTask[] _tasks = null!;
    private SingleThreadContext _context = null!;
    private Task[] _contextTasks = null!;
    private CancellationTokenSource[] _sources = null!;
    private Action _cancelSources = null!;
    private int _parked;
    private bool _stopping;

    [GlobalSetup]
    public void Setup()
    {
        _stopping = false;
        _loop = new Loop();
        _tasks = [.. Enumerable.Range(0, Tasks).Select(_ => _loop.CreateTask(Parker()))];
        Iterate.Once(_loop);
        _context = new SingleThreadContext();
        _sources = new CancellationTokenSource[Tasks];
        _context.Invoke(() => _contextTasks = [.. Enumerable.Range(0, Tasks).Select(ParkerTask)]);
        _cancelSources = () =>
        {
            foreach (var source in _sources) source.Cancel();
        };
    }

    private async Coroutine Parker()
    {
        while (!_stopping)
        {
            var never = _loop.CreateFuture<int>();
            _parked++;
            try
            {
                await never;
            }
            catch (CancelledException)
            {
                // Swallowing a cancellation: withdraw the request, as asyncio code must.
                Asyncio.CurrentTask()!.Uncancel();
            }
        }
    }

    private async Task ParkerTask(int i)
    {
        while (!_stopping)
        {
            // Never disposed: without a timer a CancellationTokenSource holds nothing Dispose frees, and
            // disposing it here would run inside its own Cancel() when the continuation runs inline.
            var source = new CancellationTokenSource();
            _sources[i] = source;
            _parked++;
            try
            {
                await Task.Delay(Timeout.Infinite, source.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stopping = true;
        foreach (var task in _tasks) task.Cancel();
        Iterate.Until(_loop, () => _tasks.All(t => t.Done));
        _loop.Close();
        _context.Invoke(_cancelSources);
        Iterate.Until(_context, () => _contextTasks.All(t => t.IsCompleted));
    }

    [Benchmark(OperationsPerInvoke = Tasks)]
    public void Aio()
    {
        _parked = 0;
        foreach (var task in _tasks) task.Cancel();
        while (_parked < Tasks) Iterate.Once(_loop);
    }

    [Benchmark(OperationsPerInvoke = Tasks)]
    public void RawSyncContext()
    {
        _parked = 0;
        _context.Invoke(_cancelSources);
        while (_parked < Tasks) _context.RunOnce();
    }
}

/// <summary>
/// An uncontended <c>await lock.Acquire()</c> + <c>Release()</c>, inside a task that runs a batch of them
/// per step and then yields, so each invocation is one loop iteration. SemaphoreSlim beside it.
/// </summary>
public class LockUncontended
{
    public const int Batch = 1000;
    private Loop _loop = null!;
    private LoopTask _task = null!;
    private readonly AsyncLock _lock = new();
    private readonly SemaphoreSlim _slim = new(1, 1);
    private bool _stopping;

    [GlobalSetup]
    public void Setup()
    {
        _stopping = false;
        _loop = new Loop();
        _task = _loop.CreateTask(Pairs());
        Iterate.Once(_loop);
    }

    private async Coroutine Pairs()
    {
        while (!_stopping)
        {
            for (var i = 0; i < Batch; i++)
            {
                await _lock.Acquire();
                _lock.Release();
            }
            await Asyncio.Sleep(0);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stopping = true;
        Iterate.Until(_loop, () => _task.Done);
        _loop.Close();
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public void Aio() => Iterate.Once(_loop);

    [Benchmark(OperationsPerInvoke = Batch)]
    public void SemaphoreSlim()
    {
        for (var i = 0; i < Batch; i++)
        {
            _slim.Wait();
            _slim.Release();
        }
    }
}

/// <summary>
/// <c>await queue.Put(x)</c> + <c>await queue.Get()</c> on a queue that has room and an item, a batch per
/// task step. A Channel beside it.
/// </summary>
public class QueuePutGet
{
    public const int Batch = 1000;
    private Loop _loop = null!;
    private LoopTask _task = null!;
    private readonly AsyncQueue<int> _queue = new(maxSize: 16);
    private readonly System.Threading.Channels.Channel<int> _channel = System.Threading.Channels.Channel.CreateBounded<int>(16);
    private bool _stopping;

    [GlobalSetup]
    public void Setup()
    {
        _stopping = false;
        _loop = new Loop();
        _queue.PutNowait(0);
        _task = _loop.CreateTask(Pairs());
        Iterate.Once(_loop);
        _channel.Writer.TryWrite(0);
    }

    private async Coroutine Pairs()
    {
        while (!_stopping)
        {
            for (var i = 0; i < Batch; i++)
            {
                await _queue.Put(i);
                await _queue.Get();
            }
            await Asyncio.Sleep(0);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stopping = true;
        Iterate.Until(_loop, () => _task.Done);
        _loop.Close();
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public void Aio() => Iterate.Once(_loop);

    [Benchmark(OperationsPerInvoke = Batch)]
    public void Channel()
    {
        for (var i = 0; i < Batch; i++)
        {
            _channel.Writer.TryWrite(i);
            _channel.Reader.TryRead(out _);
        }
    }
}
