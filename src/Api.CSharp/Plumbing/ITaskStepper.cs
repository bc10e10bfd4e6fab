using Aio.Awaiters;
using Aio.Core;
using Microsoft.FSharp.Core;

namespace Aio;

// The part of a task the awaiters talk to while its step runs, whatever the task's result type.
internal interface ITaskStepper : ILoopTask
{
    void Suspend(Future waiter, IResumable continuation, WaiterKind kind);

    void SuspendYield(IResumable continuation);

    // Takes back the suspension a coroutine made in this step, for plain async code to drive it instead.
    void ReleaseSuspension();

    // The suspension just made waits on a foreign operation whose await can be made to raise.
    void ArmInterrupt(PendingInterrupt interrupt);

    Exception? TakePendingThrow();

    void QueueWakeup();

    // cancel(), as CancelPropagation walks it: the core's answer for this task; when the core passes the
    // cancel on to a task this one awaits, that task is returned to walk on to and this one is Forwarding
    // until CancelAnswered; any other command is carried out here.
    bool PassCancel(FSharpOption<string>? message, out ITaskStepper? deeper);

    void CancelAnswered(WaiterAnswer answer, FSharpOption<string>? message);

    // The cancel was accepted and answered: the task's own CancellationToken follows.
    void CancelTaken();

    // TaskRegistry's bookkeeping: the creation order, the task's slot (negative: strong, until the first
    // park; positive: weak; 0: done), and what a "destroyed but pending" report names once it is gone.
    long Seq { get; set; }

    int RegistrySlot { get; set; }

    string? ExplicitName { get; }

    long Number { get; }

    object CoroutineNameSource { get; }

    // False for a task that run_until_complete or gather made for a coroutine (asyncio's
    // _log_destroy_pending = False): collected while pending, it goes without a report.
    bool ReportIfDestroyedPending { get; }


    void DoNotReportIfDestroyedPending();
}
