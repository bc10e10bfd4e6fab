#!/usr/bin/env python3
"""W1-W8 of issue 5 on CPython's asyncio (or uvloop), for the side-by-side table in docs/benchmarks.md.

    python3 bench/python/workloads.py --out FILE [--loop asyncio|uvloop] [--quick]

Writes JSON lines in the shape bench/Aio.Benchmarks reads (Reporting/Records.cs): one "meta" record,
then one "cell" record per workload with the value of each measured run (seconds, or bytes per
parked task for W8). Standard library only; `dotnet fsi build.fsx bench` runs it when python3 exists.
"""

import argparse
import asyncio
import gc
import json
import platform
import sys
import time
import tracemalloc

MASK = (1 << 64) - 1
DELAY_SEED = 5
MAX_DELAY = 0.050


def delays(count):
    """splitmix64 from a fixed seed scaled to [0, 50 ms): the same sequence as Workloads/Shared.cs."""
    out = []
    state = DELAY_SEED
    for _ in range(count):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
        out.append((z >> 11) * (1.0 / (1 << 53)) * MAX_DELAY)
    return out


def check(expected, actual, what):
    # A run that computed the wrong thing is not a measurement.
    if expected != actual:
        raise SystemExit(f"{what}: expected {expected}, got {actual}; the workload is broken, not slow")


# ---- the workloads: each takes a fresh loop and a size and returns its measurement --------------


def w1_call_soon_batch(loop, n):
    count = 0

    def increment():
        nonlocal count
        count += 1

    start = time.perf_counter()
    for _ in range(n):
        loop.call_soon(increment)
    # FIFO: the stop runs after every callback queued before it.
    loop.call_soon(loop.stop)
    loop.run_forever()
    elapsed = time.perf_counter() - start
    check(n, count, "W1")
    return elapsed


def w2_call_soon_chain(loop, n):
    count = 0

    def step():
        nonlocal count
        count += 1
        if count == n:
            loop.stop()
        else:
            loop.call_soon(step)

    start = time.perf_counter()
    loop.call_soon(step)
    loop.run_forever()
    elapsed = time.perf_counter() - start
    check(n, count, "W2")
    return elapsed


async def return_at_once():
    return 1


async def w3_main(n):
    loop = asyncio.get_running_loop()
    tasks = [loop.create_task(return_at_once()) for _ in range(n)]
    return sum(await asyncio.gather(*tasks))


async def w4_main(n):
    i = 0
    while i < n:
        await asyncio.sleep(0)
        i += 1
    return i


class Court:
    """Each side waits on a mailbox future the other completes; the receiver replaces its mailbox first."""

    def __init__(self, loop):
        self.to_ping = None
        self.to_pong = loop.create_future()


async def ping(loop, court, n):
    rounds = 0
    for i in range(n):
        mine = loop.create_future()
        court.to_ping = mine
        court.to_pong.set_result(i)
        if await mine == i:
            rounds += 1
    court.to_pong.set_result(-1)
    return rounds


async def pong(loop, court):
    while True:
        token = await court.to_pong
        court.to_pong = loop.create_future()
        if token < 0:
            return
        court.to_ping.set_result(token)


async def w5_main(n):
    loop = asyncio.get_running_loop()
    court = Court(loop)
    pong_task = loop.create_task(pong(loop, court))
    ping_task = loop.create_task(ping(loop, court, n))
    rounds = await ping_task
    await pong_task
    return rounds


async def w6_main(sleeps):
    loop = asyncio.get_running_loop()
    tasks = [loop.create_task(asyncio.sleep(d)) for d in sleeps]
    await asyncio.gather(*tasks)
    return len(tasks)


async def w7_main(n):
    loop = asyncio.get_running_loop()
    tasks = [loop.create_task(asyncio.sleep(3600)) for _ in range(n)]
    # One iteration: every task takes its first step and parks in its sleep.
    await asyncio.sleep(0)
    for t in tasks:
        t.cancel()
    cancelled = 0
    for t in tasks:
        try:
            await t
        except asyncio.CancelledError:
            cancelled += 1
    return cancelled


async def park_on(never):
    return await never


def w8_parked_bytes(loop, n):
    never = loop.create_future()

    async def spawn():
        # The future's callback list holds each task, so no list of our own is needed to keep them.
        for _ in range(n):
            loop.create_task(park_on(never))
        await asyncio.sleep(0)

    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        loop.run_until_complete(spawn())
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    check(n, len(never._callbacks), "W8 parked tasks")
    never.cancel()
    loop.run_until_complete(asyncio.gather(*asyncio.all_tasks(loop), return_exceptions=True))
    return (after - before) / n


def timed(main):
    def run(loop, n):
        start = time.perf_counter()
        result = loop.run_until_complete(main(n))
        return time.perf_counter() - start, result

    return run


def workloads(quick):
    def size(full):
        return full // 10 if quick else full

    def expect(what, main):
        def run(loop, n):
            elapsed, result = timed(main)(loop, n)
            check(n, result, what)
            return elapsed

        return run

    w6_delays = delays(size(100_000))

    def w6(loop, n):
        start = time.perf_counter()
        result = loop.run_until_complete(w6_main(w6_delays))
        elapsed = time.perf_counter() - start
        check(n, result, "W6")
        return elapsed

    return [
        ("W1", size(1_000_000), "s", w1_call_soon_batch),
        ("W2", size(1_000_000), "s", w2_call_soon_chain),
        ("W3", size(100_000), "s", expect("W3", w3_main)),
        ("W4", size(1_000_000), "s", expect("W4", w4_main)),
        ("W5", size(200_000), "s", expect("W5", w5_main)),
        ("W6", size(100_000), "s", w6),
        ("W7", size(100_000), "s", expect("W7", w7_main)),
        ("W8", size(100_000), "B/task", w8_parked_bytes),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()

    if args.loop == "uvloop":
        import uvloop

        new_loop = uvloop.new_event_loop
        system = "CPython uvloop"
        loop_note = f"uvloop {uvloop.__version__}"
    else:
        new_loop = asyncio.new_event_loop
        system = "CPython asyncio"
        loop_note = "asyncio (default selector loop)"

    runs = 3 if args.quick else 5
    warmups = 1
    with open(args.out, "w") as out:

        def emit(record):
            out.write(json.dumps(record) + "\n")
            out.flush()

        emit(
            {
                "kind": "meta",
                "source": "python",
                "info": {
                    "python": f"{platform.python_implementation()} {platform.python_version()}",
                    "loop": loop_note,
                    "runs per cell": f"{runs} measured after {warmups} warm-up",
                },
            }
        )
        for workload, n, unit, run in workloads(args.quick):
            values = []
            for i in range(warmups + runs):
                gc.collect()
                loop = new_loop()
                asyncio.set_event_loop(loop)
                try:
                    value = run(loop, n)
                finally:
                    asyncio.set_event_loop(None)
                    loop.close()
                if i >= warmups:
                    values.append(value)
                    print(f"{workload:<4} {system:<18} run {i - warmups + 1}/{runs}: {value:.4g} {unit}", file=sys.stderr)
            emit(
                {
                    "kind": "cell",
                    "workload": workload,
                    "system": system,
                    "size": n,
                    "unit": unit,
                    "values": values,
                    "allocPerOp": None,
                }
            )


if __name__ == "__main__":
    main()
