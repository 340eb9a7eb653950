"""Cost of the allocator's counters: two builds of ndmem side by side.

    python benchmarks/bench_counters.py BUILD_WITH BUILD_WITHOUT [--n 1000000]

BUILD_WITH is a directory holding an ``ndmem`` package built normally,
BUILD_WITHOUT one built with ``-DNDMEM_NO_COUNTERS`` (no counters,
tracemalloc reports, live-buffer list or view rings).  This script builds
nothing: it times, in a fresh process per build and interleaved, making and
freeing n small arrays (owners, and views that join and leave a ring), and
prints the median of each and the ratio with / without.
"""

import argparse
import os
import statistics
import subprocess
import sys

WORKER = """
import sys, timeit
import ndmem as np
from ndmem import _core
n = int(sys.argv[1])
stmt = sys.argv[2]
a = np.arange(16)
assert _core._alloc_counters == int(sys.argv[3])
print(min(timeit.repeat(stmt, globals=globals(), number=n, repeat=3)))
"""

CASES = [
    ("empty(4) alloc+free", "np.empty(4)"),
    ("zeros(4) alloc+free", "np.zeros(4)"),
    ("a[2:5] view make+free", "a[2:5]"),
]


def run(build, n, stmt, counters):
    env = dict(os.environ, PYTHONPATH=build)
    out = subprocess.run([sys.executable, "-c", WORKER, str(n), stmt, str(counters)],
                         capture_output=True, text=True, env=env, check=True)
    return float(out.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("with_counters")
    parser.add_argument("without_counters")
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"{'case':<26}{'with':>10}{'without':>10}{'ratio':>8}")
    for name, stmt in CASES:
        on, off = [], []
        for _ in range(args.rounds):
            on.append(run(args.with_counters, args.n, stmt, 1))
            off.append(run(args.without_counters, args.n, stmt, 0))
        t_on, t_off = statistics.median(on), statistics.median(off)
        print(f"{name:<26}{t_on:>9.3f}s{t_off:>9.3f}s{t_on / t_off:>8.3f}")


if __name__ == "__main__":
    main()
