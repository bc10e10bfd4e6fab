namespace Aio.Core

open System

/// A timer's place in the queue: by deadline, then by registration sequence, which makes equal
/// deadlines run in registration order for any number of timers (SEMANTICS §1.3 [stricter]).
[<Struct; CustomEquality; CustomComparison>]
type TimerKey =
    {
        Deadline: float
        Seq: int64
    }

    override k.Equals(o) =
        match o with
        | :? TimerKey as t -> k.Deadline = t.Deadline && k.Seq = t.Seq
        | _ -> false

    override k.GetHashCode() = HashCode.Combine(k.Deadline, k.Seq)

    interface IComparable<TimerKey> with
        member k.CompareTo t =
            let c = k.Deadline.CompareTo t.Deadline
            if c <> 0 then c else k.Seq.CompareTo t.Seq

    interface IComparable with
        member k.CompareTo o =
            match o with
            | :? TimerKey as t -> (k :> IComparable<TimerKey>).CompareTo t
            | _ -> invalidArg "o" "a TimerKey compares only with a TimerKey"

/// A persistent min-queue of timers ordered by TimerKey. Cancelling removes a timer outright,
/// so the head is never a cancelled timer (SEMANTICS §1.2 step 1 holds by construction).
type TimerQueue<'T> = private { Items: Map<TimerKey, 'T> }

module TimerQueue =

    let empty<'T> : TimerQueue<'T> = { Items = Map.empty }

    let count (q: TimerQueue<'T>) = q.Items.Count

    let isEmpty (q: TimerQueue<'T>) = q.Items.IsEmpty

    let add key x (q: TimerQueue<'T>) = { Items = Map.add key x q.Items }

    let contains key (q: TimerQueue<'T>) = Map.containsKey key q.Items

    let remove key (q: TimerQueue<'T>) = { Items = Map.remove key q.Items }

    let tryEarliest (q: TimerQueue<'T>) : TimerKey voption =
        if q.Items.IsEmpty then
            ValueNone
        else
            let struct (k, _) = Map.minKeyValue q.Items |> fun (k, v) -> struct (k, v)
            ValueSome k

    /// Removes every timer whose deadline is before `endTime`, returning them in (deadline, seq) order.
    let popDue endTime (q: TimerQueue<'T>) : struct ((TimerKey * 'T) list * TimerQueue<'T>) =
        let rec go acc (items: Map<TimerKey, 'T>) =
            if items.IsEmpty then
                struct (List.rev acc, items)
            else
                let (k, v) = Map.minKeyValue items

                if k.Deadline < endTime then
                    go ((k, v) :: acc) (Map.remove k items)
                else
                    struct (List.rev acc, items)

        let struct (due, rest) = go [] q.Items
        struct (due, { Items = rest })

    /// Timers in firing order.
    let toList (q: TimerQueue<'T>) = q.Items |> Map.toList
