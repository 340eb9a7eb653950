"""``python -m ndmem``: the memory tour.

Each step runs one of the experiments NumPy users run in tutorials and prints
the NumPy-style facts (``base``, flags, ``nbytes``) beside ndmem's exact
figures: the live bytes of array data and the process's resident set size.
"""

import gc
import os

import ndmem as np
from ndmem import memory

_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss():
    """Resident set size of this process in bytes (Linux /proc)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE


def mib(n):
    return f"{n / 2**20:8.1f} MiB"


def live():
    return memory.stats()["live_bytes"]


def report(label):
    print(f"  {label:<44} live {mib(live())}   RSS {mib(rss())}")


def heading(title):
    print()
    print(title)
    print("-" * len(title))


def views_and_copies():
    heading("1. Views share memory, copies do not")
    arr = np.array([1, 2, 3, 4, 5])
    view = arr[1:4]
    copy = arr[1:4].copy()
    view[0] = 100
    print(f"  arr = {arr}    view = arr[1:4] = {view}    copy = {copy}")
    print(f"  view.base is arr: {view.base is arr}    "
          f"view.flags['OWNDATA']: {view.flags['OWNDATA']}")
    print(f"  copy.base is None: {copy.base is None}    "
          f"copy.flags['OWNDATA']: {copy.flags['OWNDATA']}")
    chain = arr[1:][1:]
    print(f"  arr[1:][1:].base is arr (the base chain collapses): {chain.base is arr}")


def small_view_pins_big_buffer():
    heading("2. A 10-element view keeps an 800 MB buffer alive")
    gc.collect()
    report("start")
    big = np.arange(100_000_000)
    report(f"big = np.arange(100_000_000)  ({big.nbytes:,} B)")
    small = big[:10]
    del big
    report("small = big[:10]; del big")
    print(f"  small.nbytes = {small.nbytes} but small.base.nbytes = {small.base.nbytes:,}")
    small = small.copy()
    report("small = small.copy()  (the view is dropped)")
    print(f"  small.base is None: {small.base is None}")


def dtype_sizes():
    heading("3. The dtype decides the bytes")
    for dtype in (np.int8, np.int16, np.int32, np.int64,
                  np.float32, np.float64, np.complex128):
        arr = np.zeros(1000, dtype=dtype)
        print(f"  {dtype.__name__:<10} {arr.nbytes:>6} bytes, {arr.itemsize:>2} per element")
    names = np.array(["Alice", "Bob", "Charlie"], dtype="U10")
    ages = np.array([25, 30, 35], dtype=np.int32)
    scores = np.array([85.5, 90.0, 78.5], dtype=np.float32)
    record = np.zeros(3, dtype=[("name", "U10"), ("age", "i4"), ("score", "f4")])
    record["name"] = names
    record["age"] = ages
    record["score"] = scores
    print(f"  three arrays: {names.nbytes + ages.nbytes + scores.nbytes} bytes;"
          f" one structured array: {record.nbytes} bytes")
    print(f"  {record!r}")


def zeros_are_lazy():
    heading("4. zeros() is calloc'd: pages arrive when touched")
    gc.collect()
    report("start")
    z = np.zeros(50_000_000)
    report("z = np.zeros(50_000_000)  (400 MB, untouched)")
    z[::512] = 1.0
    report("z[::512] = 1.0  (one write per 4 KiB page)")
    del z
    gc.collect()
    report("del z  (mapped buffers go back at once)")


def main():
    print("ndmem memory tour: NumPy's facts, ndmem's exact figures")
    views_and_copies()
    small_view_pins_big_buffer()
    dtype_sizes()
    zeros_are_lazy()
    print()
    print(f"peak live array data during the tour: {mib(memory.stats()['peak_bytes'])}")


if __name__ == "__main__":
    main()
