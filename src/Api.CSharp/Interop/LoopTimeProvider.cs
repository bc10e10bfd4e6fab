namespace Aio;

// A virtual-clock loop's TimeProvider: its time is the loop's virtual time, and its timers are the
// loop's own timers, so `Task.Delay(d, loop.TimeProvider)` in a coroutine follows virtual time (the
// loop jumps to the timer's deadline like to any other). Timers made from other threads are handed to
// the loop's thread.
internal sealed class LoopTimeProvider(Loop loop) : TimeProvider
{
    // Timestamps in nanoseconds of virtual time.
    public override long TimestampFrequency => 1_000_000_000;

    public override long GetTimestamp() => (long)(loop.Time() * TimestampFrequency);

    // Virtual time starts at the Unix epoch.
    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch + TimeSpan.FromSeconds(loop.Time());

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new LoopTimer(loop, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class LoopTimer(Loop loop, TimerCallback callback, object? state) : ITimer
    {
        private TimerHandle? _handle;
        private TimeSpan _period = Timeout.InfiniteTimeSpan;
        private bool _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (_disposed) return false;
            OnLoop(() => Arm(dueTime, period));
            return true;
        }

        private void Arm(TimeSpan dueTime, TimeSpan period)
        {
            _handle?.Cancel();
            _handle = null;
            _period = period;
            if (_disposed || dueTime == Timeout.InfiniteTimeSpan) return;
            _handle = loop.CallLater(dueTime.TotalSeconds, Fire);
        }

        private void Fire()
        {
            _handle = null;
            callback(state);
            if (!_disposed && _period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero) Arm(_period, _period);
        }

        private void OnLoop(Action action)
        {
            if (loop.IsClosed) return;
            if (!loop.IsRunning || ReferenceEquals(Loop.RunningOnThisThread, loop)) action();
            else loop.PostFromOutside(action);
        }

        public void Dispose()
        {
            _disposed = true;
            OnLoop(() =>
            {
                _handle?.Cancel();
                _handle = null;
            });
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
