"""Peak memory and time of sort, argsort, unique and partition: ndmem
against NumPy in one process.

    python benchmarks/sort_memory.py [--sizes 1e6,1e7] [--dtypes f8,i4] [--ops sort,argsort]
                                     [--repeats N] [--rss]

Peak bytes: tracemalloc's peak during one call, less what was traced before
it (both libraries report their array buffers to tracemalloc; ndmem's
scratch comes from PyMem_RawMalloc, which is traced too).  NumPy's sort
scratch (timsort's run buffer, radix sort's copy) comes from plain malloc and
is not traced: --rss adds a column with the rise of the peak resident set
size of a fresh subprocess over one call (VmHWM after clear_refs, with a
fixed mmap threshold so that large blocks go back to the system when freed),
which counts every allocation of both libraries.

Time: the median over repeats of one call, NumPy and ndmem interleaved; the
ratio is ndmem / NumPy (below 1.0: ndmem is faster).  In-place sorts time
the sort of a fresh copy, not the copy.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import tracemalloc

import numpy

import ndmem

OPS = {
    "np.sort": lambda m, a, b: m.sort(a),
    "np.sort stable": lambda m, a, b: m.sort(a, kind="stable"),
    "a.sort()": lambda m, a, b: b.sort(),
    "a.sort stable": lambda m, a, b: b.sort(kind="stable"),
    "np.argsort": lambda m, a, b: m.argsort(a),
    "np.argsort stable": lambda m, a, b: m.argsort(a, kind="stable"),
    "np.unique": lambda m, a, b: m.unique(a),
    "np.partition": lambda m, a, b: m.partition(a, a.shape[0] // 2),
}
IN_PLACE = {"a.sort()", "a.sort stable"}


def make_data(dtype, n, seed=0):
    """Random data of the kind each dtype usually holds."""
    rng = numpy.random.default_rng(seed)
    dt = numpy.dtype(dtype)
    if dt.kind == "f":
        return rng.standard_normal(n).astype(dt)
    if dt.kind == "b":
        return rng.integers(0, 2, n).astype(dt)
    info = numpy.iinfo(dt)
    return rng.integers(info.min, info.max, n, endpoint=True, dtype=dt)


def call(op, mod, a):
    """Run op once on mod's array a; the seconds the operation took."""
    b = a.copy() if op in IN_PLACE else None
    t = time.perf_counter()
    OPS[op](mod, a, b)
    return time.perf_counter() - t


def traced_peak(op, mod, a):
    b = a.copy() if op in IN_PLACE else None
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        r = OPS[op](mod, a, b)
        peak = tracemalloc.get_traced_memory()[1] - base
        del r
        return peak
    finally:
        tracemalloc.stop()


def _status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def rss_child(op, lib, dtype, n):
    """In a fresh process: the peak RSS rise of one call, printed."""
    mod = numpy if lib == "numpy" else ndmem
    a = make_data(dtype, n)
    a = a if mod is numpy else ndmem.array(a)
    b = a.copy() if op in IN_PLACE else None
    OPS[op](mod, a[:1000].copy(), a[:1000].copy())   # first-call imports
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    base = _status("VmRSS")
    r = OPS[op](mod, a, b)
    print(_status("VmHWM") - base)
    del r


def rss_peak(op, lib, dtype, n):
    env = dict(os.environ, MALLOC_MMAP_THRESHOLD_="65536", MALLOC_TRIM_THRESHOLD_="65536")
    out = subprocess.run([sys.executable, __file__, "--child", op, lib, dtype, str(n)],
                         env=env, capture_output=True, text=True, check=True)
    return int(out.stdout)


def fmt(nbytes):
    return f"{nbytes / 1e6:8.2f}"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1e6,1e7")
    p.add_argument("--dtypes", default="f8,f4,i8,i4,u1,?")
    p.add_argument("--ops", default=",".join(OPS))
    p.add_argument("--repeats", type=int, default=0, help="default: 9 for 1e6, 3 for 1e7")
    p.add_argument("--rss", action="store_true")
    p.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        op, lib, dtype, n = args.child
        rss_child(op, lib, dtype, int(n))
        return
    ops = args.ops.split(",")
    cols = "op                  dtype       n    np MB   nm MB  np ms   nm ms  ratio"
    print(cols + ("   np rss  nm rss" if args.rss else ""))
    for n in (int(float(s)) for s in args.sizes.split(",")):
        repeats = args.repeats or (9 if n <= 2_000_000 else 3)
        for dtype in args.dtypes.split(","):
            x = make_data(dtype, n)
            y = ndmem.array(x)
            for op in ops:
                pk = (traced_peak(op, numpy, x), traced_peak(op, ndmem, y))
                tn, tm = [], []
                for _ in range(repeats):
                    tn.append(call(op, numpy, x))
                    tm.append(call(op, ndmem, y))
                mn, mm = statistics.median(tn), statistics.median(tm)
                line = (f"{op:18s} {dtype:>5s} {n:9.0e} {fmt(pk[0])} {fmt(pk[1])}"
                        f" {mn * 1e3:6.1f} {mm * 1e3:7.1f} {mm / mn:6.2f}")
                if args.rss:
                    line += "".join(f" {fmt(rss_peak(op, lib, dtype, n))}"
                                    for lib in ("numpy", "ndmem"))
                print(line, flush=True)


if __name__ == "__main__":
    main()
