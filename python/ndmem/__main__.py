"""``python -m ndmem``: the memory tour.

Each step runs one of the experiments NumPy users run in tutorials and prints
the NumPy-style facts (``base``, flags, ``nbytes``, ``shares_memory``) beside
what only ndmem knows exactly: the live bytes of array data, the peak, which
arrays hold a buffer, and the process's resident set size.
"""

import gc
import os
import tempfile

import ndmem as np
from ndmem import memory


def mib(n):
    return f"{n / 2**20:8.1f} MiB"


def rss():
    value = memory.rss()
    return "n/a" if value is None else mib(value)


def report(label):
    print(f"  {label:<54} live {mib(memory.stats()['live_bytes'])}   RSS {rss()}")


def heading(title):
    print()
    print(title)
    print("-" * len(title))


def views_and_copies():
    heading("1. Views share memory, copies do not")
    arr = np.array([1, 2, 3, 4, 5])
    with memory.track() as t:
        view = arr[1:4]
    copy = arr[1:4].copy()
    view[0] = 100
    print(f"  arr = {arr}    view = arr[1:4] = {view}    copy = {copy}")
    print(f"  view.base is arr: {view.base is arr}    "
          f"view.flags['OWNDATA']: {view.flags['OWNDATA']}    "
          f"np.shares_memory(view, arr): {np.shares_memory(view, arr)}")
    print(f"  copy.base is None: {copy.base is None}    "
          f"copy.flags['OWNDATA']: {copy.flags['OWNDATA']}")
    print(f"  arr[1:][1:].base is arr (the base chain collapses): "
          f"{arr[1:][1:].base is arr}")
    print(f"  ndmem: making the view allocated {t.allocated_bytes} bytes; "
          f"arr's buffer is held by {len(memory.holders(arr))} arrays:")
    for h in memory.holders(arr):
        print(f"    {h!r}")
    print("  ndmem.memory.no_copy() proves which operations are views:")
    mask = np.array([1, 0, 1, 0, 1], bool)
    for text, op in [("arr[::2]", lambda: arr[::2]),
                     ("arr.reshape(5, 1)", lambda: arr.reshape(5, 1)),
                     ("arr[[0, 2, 4]]", lambda: arr[[0, 2, 4]]),
                     ("arr[mask]", lambda: arr[mask])]:
        try:
            with memory.no_copy():
                op()
            verdict = "view (no data allocated)"
        except memory.CopyError as e:
            verdict = f"copy ({e.args[0].split('allocated ')[1]})"
        print(f"    {text:<20} {verdict}")


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
    print(f"  memory.holders(small): {memory.holders(small)}")
    print(f"  memory.pinned():       {memory.pinned()}")
    print("  memory.explain(small):")
    for line in str(memory.explain(small)).splitlines():
        print(f"    {line}")
    small = small.copy()
    report("small = small.copy()  (the view is dropped)")
    print(f"  small.base is None: {small.base is None}    memory.pinned(): {memory.pinned()}")


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
    report("del z  (big buffers go back to the system at once)")


def _has_arithmetic():
    try:
        np.ones(1) * np.ones(1)
    except TypeError:
        return False
    return True


def temporaries():
    heading("5. Temporaries and in-place operations")
    if not _has_arithmetic():
        print("  (array arithmetic is not in this build yet)")
        return
    n = 10_000_000
    x, y, w = np.ones(n), np.ones(n), np.ones(n)
    one = x.nbytes
    cases = [
        ("r = (x * y) + (y * w)", lambda: (x * y) + (y * w)),
        ("r = x * y; r += y * w", lambda: _inplace(x, y, w)),
        ("np.multiply(x, y, out=x)", lambda: np.multiply(x, y, out=x)),
        ("x += y", lambda: _iadd(x, y)),
    ]
    for text, op in cases:
        gc.collect()
        with memory.track() as t:
            r = op()
        print(f"  {text:<28} peak {t.peak_bytes / one:4.1f} arrays of {one / 2**20:.0f} MiB,"
              f" {t.allocations} allocation(s), net {t.net_bytes / one:+.1f},"
              f" RSS {'n/a' if t.rss_delta is None else mib(t.rss_delta)}")
        del r


def _inplace(x, y, w):
    r = x * y
    r += y * w
    return r


def _iadd(x, y):
    x += y
    return None


def memmap_files():
    heading("6. memmap: file pages, not array data")
    if not hasattr(np, "memmap"):
        print("  (memmap is not in this build yet)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data.dat")
        report("start")
        m = np.memmap(path, dtype="float64", mode="w+", shape=(10_000_000,))
        stats = memory.stats()
        report("m = np.memmap(path, mode='w+', shape=(10_000_000,))")
        print(f"  type(m).__name__ = {type(m).__name__}, m.nbytes = {m.nbytes:,}; "
              f"ndmem: {stats['live_file_mapped_bytes']:,} B of file mapped, "
              f"array data unchanged")
        m[::512] = 1.0
        report("m[::512] = 1.0  (one write per 4 KiB page)")
        m.flush()
        view = m[:10]
        print(f"  view = m[:10]: view.base is m: {view.base is m}")
        del view, m
        gc.collect()
        report("del view, m  (the mapping is gone)")
        print(f"  file size on disk: {os.path.getsize(path):,} B")


def main():
    print("ndmem memory tour: NumPy's facts, ndmem's exact figures")
    memory.reset_peak()
    views_and_copies()
    small_view_pins_big_buffer()
    dtype_sizes()
    zeros_are_lazy()
    temporaries()
    memmap_files()
    print()
    print(f"peak live array data during the tour: {mib(memory.stats()['peak_bytes'])}")


if __name__ == "__main__":
    main()
