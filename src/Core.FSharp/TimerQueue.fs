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

// A persistent pairing heap ordered by TimerKey. Inserting allocates one node, the minimum is at the
// root, and popping it merges the root's children in two passes. Keys are compared field by field:
// never through generic comparison, which would box them.
type private Heap<'T> =
    | Empty
    | Node of key: TimerKey * item: 'T * children: Heap<'T> list

/// A persistent min-queue of timers ordered by TimerKey. Cancelling is lazy, as in asyncio: the key
/// joins a set and its node is dropped when it reaches the top, so the top is never a cancelled timer
/// (SEMANTICS §1.2 step 1 holds by construction); when cancelled timers outnumber live ones, the heap
/// is rebuilt without them, so a storm of cancelled long timers does not pin memory.
// A class, not a struct: the loop state holds it in one reference, so copying the loop state on the
// hot path (every call_soon) costs one write barrier for it, not one per field.
type TimerQueue<'T> =
    private
        {
            Heap: Heap<'T>
            Live: int
            Cancelled: Set<int64>
        }

module TimerQueue =

    let inline private before (a: TimerKey) (b: TimerKey) =
        a.Deadline < b.Deadline || (a.Deadline = b.Deadline && a.Seq < b.Seq)

    let private merge (a: Heap<'T>) (b: Heap<'T>) =
        match a, b with
        | Empty, h
        | h, Empty -> h
        | Node(ka, xa, ca), Node(kb, xb, cb) ->
            if before ka kb then
                Node(ka, xa, b :: ca)
            else
                Node(kb, xb, a :: cb)

    // Two-pass pairing, both passes tail-recursive: a root with very many children must not overflow
    // the stack.
    let private mergePairs (children: Heap<'T> list) =
        let rec pairUp acc hs =
            match hs with
            | a :: b :: rest -> pairUp (merge a b :: acc) rest
            | [ a ] -> a :: acc
            | [] -> acc

        pairUp [] children |> List.fold (fun h p -> merge p h) Empty

    /// No timers.
    let empty<'T> : TimerQueue<'T> =
        {
            Heap = Empty
            Live = 0
            Cancelled = Set.empty
        }

    /// Live (not cancelled) timers.
    let count (q: TimerQueue<'T>) = q.Live

    /// No live timer.
    let isEmpty (q: TimerQueue<'T>) = q.Live = 0

    // Drops cancelled timers from the top, so the top is always live.
    let rec private purge (q: TimerQueue<'T>) =
        match q.Heap with
        | Node(k, _, children) when Set.contains k.Seq q.Cancelled ->
            purge
                { q with
                    Heap = mergePairs children
                    Cancelled = Set.remove k.Seq q.Cancelled
                }
        | _ -> q

    // Every node, in no particular order; an explicit stack, since a heap built from decreasing deadlines
    // is a chain as deep as it has timers.
    let private items (h: Heap<'T>) =
        let rec walk (stack: Heap<'T> list) acc =
            match stack with
            | [] -> acc
            | Empty :: more -> walk more acc
            | Node(k, x, children) :: more -> walk (List.append children more) ((k, x) :: acc)

        walk [ h ] []

    /// True when no node is earlier than its parent: what makes the top the earliest timer.
    let isHeapOrdered (q: TimerQueue<'T>) =
        let rec walk (stack: (TimerKey voption * Heap<'T>) list) =
            match stack with
            | [] -> true
            | (_, Empty) :: more -> walk more
            | (parent, Node(k, _, children)) :: more ->
                match parent with
                | ValueSome p when before k p -> false
                | _ -> walk (List.append (children |> List.map (fun c -> ValueSome k, c)) more)

        walk [ ValueNone, q.Heap ]

    /// Adds a timer; keys are unique (their sequence numbers are).
    let add key (x: 'T) (q: TimerQueue<'T>) =
        { q with
            Heap = merge (Node(key, x, [])) q.Heap
            Live = q.Live + 1
        }

    /// Cancels a timer that is in the queue (the caller knows from the handle's life that it is).
    let remove (key: TimerKey) (q: TimerQueue<'T>) =
        let q =
            purge
                { q with
                    Live = q.Live - 1
                    Cancelled = Set.add key.Seq q.Cancelled
                }

        if q.Cancelled.Count > 64 && q.Cancelled.Count > q.Live then
            let live =
                items q.Heap |> List.filter (fun (k, _) -> not (Set.contains k.Seq q.Cancelled))

            {
                Heap = live |> List.fold (fun h (k, x) -> merge (Node(k, x, [])) h) Empty
                Live = q.Live
                Cancelled = Set.empty
            }
        else
            q

    /// The earliest live timer's key (the top is never a cancelled timer).
    let tryEarliest (q: TimerQueue<'T>) : TimerKey voption =
        match q.Heap with
        | Node(k, _, _) -> ValueSome k
        | Empty -> ValueNone

    let private isDue endTime (h: Heap<'T>) =
        match h with
        | Node(k, _, _) -> k.Deadline < endTime
        | Empty -> false

    /// Removes every timer whose deadline is before `endTime`, returning them in (deadline, seq) order.
    /// The due timers form the top of the heap (a parent is never later than its children), so they are
    /// collected in one walk, sorted, and the subtrees hanging below them merged once: a batch of k due
    /// timers costs O(k log k), not k separate pops. Nothing due: the same queue back, and no allocation.
    let popDue endTime (q: TimerQueue<'T>) : struct ((TimerKey * 'T) list * TimerQueue<'T>) =
        match q.Heap with
        | Node(k, x, children) when not (children |> List.exists (fun c -> isDue endTime c)) && k.Deadline < endTime ->
            // Only the top is due (the usual case with a virtual clock): one pop.
            let q' =
                purge
                    { q with
                        Heap = mergePairs children
                        Live = q.Live - 1
                    }

            struct ([ (k, x) ], q')
        | Node(k, _, _) when k.Deadline < endTime ->
            // An explicit stack of sibling lists: a pairing heap can be a long chain, too deep for recursion.
            let rec walk (current: Heap<'T> list) (stack: Heap<'T> list list) due rest =
                match current with
                | [] ->
                    match stack with
                    | [] -> struct (due, rest)
                    | next :: more -> walk next more due rest
                | Node(k, x, children) :: siblings when k.Deadline < endTime ->
                    walk children (siblings :: stack) ((k, x) :: due) rest
                | Empty :: siblings -> walk siblings stack due rest
                | h :: siblings -> walk siblings stack due (h :: rest)

            let struct (due, rest) = walk [ q.Heap ] [] [] []

            let cancelled, live =
                due |> List.partition (fun (k: TimerKey, _) -> Set.contains k.Seq q.Cancelled)

            let inOrder =
                live
                |> List.sortWith (fun (a, _) (b, _) ->
                    if before a b then -1
                    elif before b a then 1
                    else 0)

            let q' =
                purge
                    {
                        Heap = mergePairs rest
                        Live = q.Live - live.Length
                        Cancelled = cancelled |> List.fold (fun set (k, _) -> Set.remove k.Seq set) q.Cancelled
                    }

            struct (inOrder, q')
        | _ -> struct ([], q)

    /// Live timers in firing order.
    let toList (q: TimerQueue<'T>) =
        items q.Heap
        |> List.filter (fun (k, _) -> not (Set.contains k.Seq q.Cancelled))
        |> List.sortWith (fun (a, _) (b, _) ->
            if before a b then -1
            elif before b a then 1
            else 0)
