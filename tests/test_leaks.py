"""Creating and dropping many arrays leaves memory where it was.

Each kind of array is made and dropped 100,000 times in a fresh interpreter;
afterwards tracemalloc's traced memory, the RSS and ndmem's own live-bytes
counter must be back at their baseline.
"""

import subprocess
import sys
import textwrap

import pytest

KINDS = {
    "zeros": "np.zeros(10)",
    "empty_2d": "np.empty((3, 4), dtype=np.float32)",
    "ones_fortran": "np.ones((3, 4), order='F')",
    "array_from_list": "np.array([1, 2, 3])",
    "array_nested_floats": "np.array([[1.5, 2.5], [3.5, 4.5]])",
    "arange": "np.arange(100)",
    "view": "base[1:7]",
    "copy": "base.copy()",
    "astype": "base.astype(np.float32)",
    "transpose": "base2d.T",
    "scalar": "base[3]",
    "item_and_tolist": "(base.item(2), base2d.tolist())",
    "structured": "np.zeros(4, dtype=[('name', 'U10'), ('age', 'i4')])",
    "unicode": "np.array(['a', 'bcd'])",
    "frombuffer": "np.frombuffer(raw, dtype=np.uint8)",
    "asarray_memoryview": "np.asarray(memoryview(raw))",
    "flags_and_interface": "(base.flags, base.__array_interface__, base.data)",
    "dtype_objects": "np.dtype([('x', '<f8'), ('y', 'i2')])",
    "pickle": "pickle.loads(pickle.dumps(base))",
}

SCRIPT = textwrap.dedent('''
    import gc, os, pickle, sys, tracemalloc
    import ndmem as np
    from ndmem import memory

    base = np.arange(10)
    base2d = np.array([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]])
    raw = bytearray(64)

    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def make():
        return {expr}

    for _ in range(2000):
        make()
    gc.collect()
    tracemalloc.start()
    traced0 = tracemalloc.get_traced_memory()[0]
    live0 = memory.stats()["live_bytes"]
    rss0 = rss()
    for _ in range(100_000):
        make()
    gc.collect()
    traced = tracemalloc.get_traced_memory()[0] - traced0
    live = memory.stats()["live_bytes"] - live0
    grown = rss() - rss0
    print(traced, live, grown)
''')


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_no_leak(kind):
    script = SCRIPT.replace("{expr}", KINDS[kind])
    out = subprocess.run([sys.executable, "-c", script], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    traced, live, grown = map(int, out.stdout.split())
    assert live == 0
    # A leak of even 8 bytes per iteration would show as 800 kB.
    assert traced < 64 * 1024
    assert grown < 2 * 1024 * 1024
