namespace Aio.Benchmarks.Systems;

/// <summary>
/// The floor for callback scheduling: a single-threaded <see cref="Queue{T}"/> of delegates with no
/// ordering rules beyond FIFO, no cancellation, no exception routing and no clock. It can run only
/// the callback workloads (W1, W2); anything awaiting needs a <see cref="SingleThreadContext"/>.
/// </summary>
internal sealed class RawQueueLoop
{
    private readonly Queue<Action> _ready = new();

    public void CallSoon(Action callback) => _ready.Enqueue(callback);

    // Runs until nothing is queued, including what the callbacks queue themselves.
    public void Run()
    {
        while (_ready.TryDequeue(out var callback)) callback();
    }
}
