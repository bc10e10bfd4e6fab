namespace Aio.Core

type WaitCondition =
    | UntilFirstCompleted
    | UntilFirstException
    | UntilAllCompleted

[<Struct>]
type WaitRelease =
    {
        Release: bool
        RetrieveException: bool
    }

[<Struct>]
type WaitState =
    {
        Remaining: int
        Condition: WaitCondition
        Released: bool
    }

module WaitState =

    let start (count: int) (condition: WaitCondition) =
        {
            Remaining = count
            Condition = condition
            Released = false
        }

    let childDone (outcome: ChildOutcome) (s: WaitState) : struct (WaitState * WaitRelease) =
        let remaining = s.Remaining - 1
        // asyncio's test, in its order: the count first, then the condition; only FIRST_EXCEPTION reads
        // the exception (of a child that was not cancelled).
        let allDone = remaining <= 0

        let retrieve =
            not allDone && s.Condition = UntilFirstException && outcome <> ChildCancelled

        let release =
            allDone
            || s.Condition = UntilFirstCompleted
            || (s.Condition = UntilFirstException && outcome = ChildFailed)

        struct ({ s with
                    Remaining = remaining
                    Released = s.Released || release
                },
                {
                    Release = release
                    RetrieveException = retrieve
                })

    let timedOut (s: WaitState) : struct (WaitState * WaitRelease) =
        struct ({ s with Released = true },
                {
                    Release = true
                    RetrieveException = false
                })
