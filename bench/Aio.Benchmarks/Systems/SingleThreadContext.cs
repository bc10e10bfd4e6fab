using System.Collections.Concurrent;

namespace Aio.Benchmarks.Systems;

/// <summary>
/// The practical limit for running C# <c>async Task</c> code on one thread: a SynchronizationContext
/// whose posts from its own thread go to a plain queue (no lock), and whose posts from other threads
/// (timer and cancellation completions) go to a concurrent inbox that wakes it. Each
/// <see cref="RunOnce"/> runs what was queued when it started, as an asyncio iteration does.
/// </summary>
internal sealed class SingleThreadContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _local = new();
    private readonly ConcurrentQueue<(SendOrPostCallback Callback, object? State)> _inbox = new();
    private readonly ManualResetEventSlim _signal = new(false);

    // The thread running the context right now (0 when none): only its posts may skip the inbox.
    private int _runningOn;

    public override void Post(SendOrPostCallback d, object? state)
    {
        if (Environment.CurrentManagedThreadId == _runningOn)
        {
            _local.Enqueue((d, state));
            return;
        }
        _inbox.Enqueue((d, state));
        _signal.Set();
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("The benchmark context only posts.");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs <paramref name="main"/> in a new context until its task completes.</summary>
    public static void Run(Func<Task> main)
    {
        var context = new SingleThreadContext();
        Task? task = null;
        context.Invoke(() => task = main());
        context.RunUntil(task!);
        task!.GetAwaiter().GetResult();
    }

    /// <summary>Runs <paramref name="main"/> in a new context and returns its result.</summary>
    public static T Run<T>(Func<Task<T>> main)
    {
        var context = new SingleThreadContext();
        Task<T>? task = null;
        context.Invoke(() => task = main());
        context.RunUntil(task!);
        return task!.GetAwaiter().GetResult();
    }

    /// <summary>Calls <paramref name="action"/> as code running on the context (its awaits capture it).</summary>
    public void Invoke(Action action)
    {
        var previous = Enter();
        try
        {
            action();
        }
        finally
        {
            Exit(previous);
        }
    }

    /// <summary>One iteration: moves the inbox over, then runs what is queued; false if nothing was.</summary>
    public bool RunOnce()
    {
        var previous = Enter();
        try
        {
            return RunQueued();
        }
        finally
        {
            Exit(previous);
        }
    }

    private SynchronizationContext? Enter()
    {
        var previous = Current;
        SetSynchronizationContext(this);
        _runningOn = Environment.CurrentManagedThreadId;
        return previous;
    }

    private void Exit(SynchronizationContext? previous)
    {
        _runningOn = 0;
        SetSynchronizationContext(previous);
    }

    private bool RunQueued()
    {
        while (_inbox.TryDequeue(out var item)) _local.Enqueue(item);
        var count = _local.Count;
        for (var i = 0; i < count; i++)
        {
            var (callback, state) = _local.Dequeue();
            callback(state);
        }
        return count > 0;
    }

    private void RunUntil(Task task)
    {
        var previous = Enter();
        try
        {
            while (!task.IsCompleted)
            {
                if (RunQueued()) continue;
                // Reset before the last look at the inbox: a post that lands after it sets the signal again.
                _signal.Reset();
                if (_inbox.IsEmpty && !task.IsCompleted) _signal.Wait();
            }
        }
        finally
        {
            Exit(previous);
        }
    }
}
