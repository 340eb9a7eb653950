"""ndmem.memory: exact counters, tracemalloc, holders/pinned, no_copy, track,
warn_pins and explain.  Where NumPy has the same fact (nbytes, base, whether
an operation copies, what tracemalloc sees) the test runs both and compares."""

import gc
import os
import pickle
import subprocess
import sys
import textwrap
import tracemalloc
import warnings

import numpy
import pytest

import ndmem
from ndmem import memory

NUMPY_TRACEMALLOC_DOMAIN = 389047   # numpy/core/include/numpy/ndarraytypes.h


@pytest.fixture(autouse=True)
def no_gc():
    """No collection may free an earlier test's arrays mid-measurement."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def live():
    return memory.stats()["live_bytes"]


# ---------------------------------------------------------------------------
# counters


@pytest.mark.parametrize("n", [0, 1, 7, 1000, 5_000_000])
@pytest.mark.parametrize("dtype", ["i1", "f8", "c16", "U3", [("a", "i4"), ("b", "f8")]])
def test_zeros_raises_live_bytes_by_nbytes(n, dtype):
    expected = numpy.zeros(n, dtype=dtype).nbytes
    before = memory.stats()
    a = ndmem.zeros(n, dtype=dtype)
    after = memory.stats()
    assert a.nbytes == expected
    assert after["live_bytes"] - before["live_bytes"] == expected
    assert after["live_buffers"] - before["live_buffers"] == 1
    assert after["total_allocated"] - before["total_allocated"] == expected
    assert after["allocations"] - before["allocations"] == 1
    del a
    final = memory.stats()
    assert final["live_bytes"] == before["live_bytes"]
    assert final["live_buffers"] == before["live_buffers"]
    assert final["total_freed"] - before["total_freed"] == expected


def test_views_allocate_nothing_and_keep_the_buffer():
    a = ndmem.arange(1000)
    before = live()
    v = a[10:20]
    w = v[::2]
    assert live() == before
    del a, v
    assert live() == before          # w still holds the whole buffer
    del w
    assert live() == before - numpy.arange(1000).nbytes


def test_heap_and_mapped_split():
    small_before = memory.stats()
    s = ndmem.ones(100)
    small_after = memory.stats()
    assert small_after["live_heap_bytes"] - small_before["live_heap_bytes"] == s.nbytes
    assert small_after["live_mapped_bytes"] == small_before["live_mapped_bytes"]
    big = ndmem.empty(40 * 2**20, dtype="u1")   # above glibc's largest mmap threshold
    after = memory.stats()
    assert after["live_mapped_bytes"] - small_after["live_mapped_bytes"] == big.nbytes
    assert after["live_heap_bytes"] == small_after["live_heap_bytes"]
    del big, s
    assert memory.stats()["live_mapped_bytes"] == small_before["live_mapped_bytes"]


def _minor_faults(make):
    """Fewest page faults one call of make() took filling a new array."""
    import resource
    counts = []
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        a = make()
        counts.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
        del a
    return min(counts)


def _transparent_huge_pages():
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            return "[never]" not in f.read()
    except OSError:
        return False


def test_mapped_data_on_huge_page_boundary():
    """A mapped buffer's data starts on a 2 MiB boundary, so where the kernel
    has transparent huge pages all of it is backed by them: filling it takes
    about one page fault per 2 MiB (an unaligned start left up to 2 MiB in
    4 KiB pages, ~500 faults more), and RSS grows by the data alone."""
    import psutil
    n = 5 * 2**20 + 123
    big = ndmem.ones(n)
    assert big.__array_interface__["data"][0] % (2 << 20) == 0
    del big
    if _transparent_huge_pages():
        faults = _minor_faults(lambda: ndmem.ones(n))
        assert faults <= n * 8 // (2 << 20) + 16, faults
    rss = psutil.Process().memory_info().rss
    big = ndmem.ones(n)
    grown = psutil.Process().memory_info().rss - rss
    assert big.nbytes <= grown < big.nbytes + (1 << 20), grown


def test_peak_and_reset_peak():
    memory.reset_peak()
    base = live()
    a = ndmem.ones(10_000)
    b = ndmem.ones(20_000)
    del a, b
    assert memory.stats()["peak_bytes"] == base + numpy.ones(30_000).nbytes
    previous = memory.reset_peak()
    assert previous == base + numpy.ones(30_000).nbytes
    assert memory.stats()["peak_bytes"] == live()


def test_memory_stats_at_top_level():
    assert ndmem.memory_stats()["live_bytes"] == live()
    assert "numpy" not in sys.modules or ndmem.memory_stats.__module__ == "ndmem.memory"


# ---------------------------------------------------------------------------
# tracemalloc


@pytest.mark.parametrize("shape, dtype", [((1000,), "f8"), ((3, 5), "i2"), ((123_457,), "c8")])
def test_tracemalloc_sees_array_data(shape, dtype):
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        a = ndmem.empty(shape, dtype=dtype)
        moved = tracemalloc.get_traced_memory()[0] - before
        snap = tracemalloc.take_snapshot()
        b = numpy.empty(shape, dtype=dtype)
        nsnap = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()

    def domain_total(snapshot, domain):
        traces = snapshot.filter_traces([tracemalloc.DomainFilter(True, domain)])
        return sum(t.size for t in traces.traces)

    assert domain_total(snap, memory.tracemalloc_domain) == a.nbytes
    # NumPy reports the same bytes under its own domain
    assert domain_total(nsnap, NUMPY_TRACEMALLOC_DOMAIN) == b.nbytes == a.nbytes
    # the total moves by the data plus the array object's own small header
    assert a.nbytes <= moved < a.nbytes + 1024
    del a


# ---------------------------------------------------------------------------
# holders and pinned


def test_small_view_pins_buffer_holders_and_pinned():
    a = ndmem.arange(1_000_000)
    na = numpy.arange(1_000_000)
    v = a[:10]
    nv = na[:10]
    assert (v.base is a) == (nv.base is na)
    roles = sorted(h.role for h in memory.holders(v))
    assert roles == ["owner", "view"]
    assert memory.pinned() == []
    del a, na
    held = memory.holders(v)
    assert [h.array for h in held] == [v]
    (h,) = held
    assert (h.role, h.shape, h.dtype, h.offset) == ("view", nv.shape, nv.dtype, 0)
    assert h.nbytes == h.span == nv.nbytes
    assert h.pinned == nv.base.nbytes
    pins = memory.pinned()
    assert len(pins) == 1
    assert pins[0].nbytes == nv.base.nbytes
    assert pins[0].covered == nv.nbytes
    assert pins[0].waste == nv.base.nbytes - nv.nbytes
    assert [x.array for x in pins[0].holders] == [v]
    del held, h, pins                           # they refer to v too
    before = live()
    v = v.copy()                                # NumPy's advice: copy the slice
    assert memory.pinned() == []
    assert before - live() == nv.base.nbytes - nv.nbytes


def test_holders_offsets_spans_and_union():
    a = ndmem.arange(100, dtype="i4").reshape(10, 10)
    na = numpy.arange(100, dtype="i4").reshape(10, 10)
    keys = [(slice(2, 4),), (slice(None), 3), (slice(None, None, -1), slice(5, 7))]
    views = [a[k] for k in keys]
    nviews = [na[k] for k in keys]
    del a, na
    held = {id(h.array): h for h in memory.holders(views[0])}
    assert set(held) == {id(v) for v in views}
    for v, nv in zip(views, nviews):
        h = held[id(v)]
        start = nv.__array_interface__["data"][0] - nv.base.__array_interface__["data"][0]
        assert h.offset == start
        assert h.nbytes == nv.nbytes
        lo, hi = numpy.lib.array_utils.byte_bounds(nv)
        assert h.span == hi - lo
    (p,) = memory.pinned()
    covered = numpy.zeros(400, bool)
    base = nviews[0].base.__array_interface__["data"][0]
    for nv in nviews:
        lo, hi = numpy.lib.array_utils.byte_bounds(nv)
        covered[lo - base:hi - base] = True
    assert p.covered == covered.sum()
    assert p.waste == 400 - covered.sum()


def test_holders_of_foreign_memory_is_empty():
    a = ndmem.frombuffer(b"abcdefgh", dtype="u1")
    assert memory.holders(a) == []
    with pytest.raises(TypeError):
        memory.holders([1, 2, 3])


def test_frombuffer_over_an_ndmem_array_holds_its_buffer():
    a = ndmem.arange(100, dtype="u1")
    f = ndmem.frombuffer(a, dtype="u1")
    assert any(h.array is f for h in memory.holders(a))


def test_setstate_keeps_old_data_for_existing_views():
    a = ndmem.arange(10)
    v = a[2:5]
    state = ndmem.arange(3).__reduce__()[2]
    a.__setstate__(state)
    assert v.tolist() == [2, 3, 4]               # the old buffer lives on with v
    assert [h.array for h in memory.holders(v)] == [v]
    w = v[1:]                                   # a view of v lives there too
    del v
    assert w.tolist() == [3, 4]
    assert [h.array for h in memory.holders(w)] == [w]
    before = live()
    del w
    assert before - live() == numpy.arange(10).nbytes


def test_pickle_roundtrip_counts():
    a = ndmem.arange(50)
    before = live()
    b = pickle.loads(pickle.dumps(a))
    assert live() - before == a.nbytes
    del b
    assert live() == before


# ---------------------------------------------------------------------------
# warn_pins


def test_pin_warning_when_only_small_views_remain():
    memory.warn_pins(threshold=0.5)
    try:
        a = ndmem.arange(1000)
        half = a[:600]
        small = a[:10]
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            del a
            memory.check_pins()               # half covers 60%: no warning
        with pytest.warns(memory.PinWarning, match="8000 bytes"):
            del half                          # checked as an array is freed
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            memory.check_pins()               # once per buffer
        b = ndmem.arange(1000)
        s = b[:3]
        del b
        with pytest.warns(memory.PinWarning):
            ndmem.zeros(1)                    # checked at the next array
        del small, s
    finally:
        memory.warn_pins(None)


def test_pin_warning_off_by_default():
    a = ndmem.arange(1000)
    v = a[:1]
    del a
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        memory.check_pins()
        ndmem.zeros(1)
    del v


# ---------------------------------------------------------------------------
# no_copy


VIEW_OR_COPY = [
    lambda a: a[::2],
    lambda a: a[1:3, ::-1],
    lambda a: a[None, ..., 0],
    lambda a: a.T,
    lambda a: a.reshape(6, 4),
    lambda a: a.ravel(),
    lambda a: a.T.ravel(),
    lambda a: a.T.reshape(24),
    lambda a: a.view("i4"),
    lambda a: a[[0, 1]],
    lambda a: a[:, [True, False, True, False, True, False]],
    lambda a: a.copy(),
    lambda a: a.flatten(),
    lambda a: a.astype("f8"),
    lambda a: a.astype("i8", copy=False),
    lambda a: a.swapaxes(0, 1),
    lambda a: a.squeeze(),
    lambda a: a.reshape(2, 2, 6)[:, 1],
]


@pytest.mark.parametrize("op", range(len(VIEW_OR_COPY)))
def test_no_copy_raises_exactly_when_numpy_copies(op):
    f = VIEW_OR_COPY[op]
    na = numpy.arange(24).reshape(4, 6)
    a = ndmem.arange(24).reshape(4, 6)
    numpy_copies = not numpy.shares_memory(f(na), na)
    if numpy_copies:
        with pytest.raises(memory.CopyError):
            with memory.no_copy():
                f(a)
    else:
        with memory.no_copy():
            r = f(a)
        assert numpy.array_equal(numpy.asarray(r.tolist()), f(na))


def test_no_copy_acceptance_and_exception_class():
    a = ndmem.arange(10)
    with memory.no_copy():
        b = a[::2]
    assert b.base is a
    with pytest.raises(memory.CopyError, match="no_copy"):
        with memory.no_copy():
            a[[0, 1]]
    assert issubclass(memory.CopyError, RuntimeError)
    with memory.no_copy():
        with memory.no_copy():
            pass
        with pytest.raises(memory.CopyError):
            ndmem.zeros(1)
    assert ndmem.zeros(3).shape == (3,)        # allocations work again


def test_no_copy_is_per_thread():
    import threading
    shapes = []
    with memory.no_copy():
        t = threading.Thread(target=lambda: shapes.append(ndmem.zeros(3).shape))
        t.start()
        t.join()
        with pytest.raises(memory.CopyError):
            ndmem.zeros(3)
    assert shapes == [numpy.zeros(3).shape]


# ---------------------------------------------------------------------------
# track


def test_track_net_peak_allocations():
    with memory.track() as t:
        a = ndmem.ones(1000)
        b = ndmem.ones(500)
        del b
        c = a[::2].copy()
    n = numpy.ones(1000)
    assert t.net_bytes == n.nbytes + n[::2].nbytes
    assert t.peak_bytes == n.nbytes + n[:500].nbytes + n[::2].nbytes - n[:500].nbytes
    assert t.allocations == 3
    assert t.allocated_bytes == n.nbytes + n[:500].nbytes + n[::2].nbytes
    assert sorted(b.nbytes for b in t.survivors) == sorted([a.nbytes, c.nbytes])
    assert t.log is None
    assert isinstance(t.rss_delta, int)
    assert "net +12,000 B" in repr(t)


def numpy_peak(f):
    """NumPy's peak over the block, from tracemalloc (array data dominates)."""
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        r = f()
        return tracemalloc.get_traced_memory()[1] - base, r
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("expr, temporaries", [
    ("(x * y) + (y * w)", 2),        # the second add reuses the first temporary
    ("x * y + y * w + w * x", 2),
    ("-x", 1),
])
def test_peak_counts_temporaries_as_numpy(expr, temporaries):
    n = 1_000_000                     # past NumPy's 256 KiB elision threshold
    code = compile(expr, "<expr>", "eval")
    nx, ny, nw = numpy.ones(n), numpy.ones(n), numpy.ones(n)
    x, y, w = ndmem.ones(n), ndmem.ones(n), ndmem.ones(n)
    with memory.track() as t:
        r = eval(code)
    one = nx.nbytes
    assert t.peak_bytes == temporaries * one
    assert t.net_bytes == one
    peak, nr = numpy_peak(lambda: eval(code, {"x": nx, "y": ny, "w": nw}))
    assert temporaries * one <= peak < temporaries * one + 65536
    assert r.tolist() == nr.tolist()


def test_inplace_and_out_allocate_nothing():
    x, y = ndmem.ones(1000), ndmem.ones(1000)
    with memory.track() as t:
        x += y
        ndmem.multiply(x, y, out=x)
    assert (t.peak_bytes, t.allocations) == (0, 0)
    with memory.no_copy():
        x *= y


def test_track_nested_keeps_the_outer_peak():
    memory.reset_peak()
    with memory.track() as outer:
        a = ndmem.ones(2000)
        del a
        with memory.track() as inner:
            b = ndmem.ones(100)
        del b
    assert inner.peak_bytes == numpy.ones(100).nbytes
    assert outer.peak_bytes == numpy.ones(2000).nbytes
    assert memory.stats()["peak_bytes"] >= live() + numpy.ones(2000).nbytes


def test_track_log_records_shape_dtype_and_line():
    with memory.track(log=True) as t:
        a = ndmem.zeros((3, 4), dtype="i2"); line = sys._getframe().f_lineno  # noqa: E702
        b = ndmem.identity(2)
    first, second = t.log
    assert (first.shape, first.dtype, first.nbytes) == ((3, 4), numpy.dtype("i2"), 24)
    assert first.filename == __file__ and first.lineno == line
    assert "ndmem.zeros" in first.op
    assert second.op == "identity" and second.lineno == line + 1
    assert "(3, 4)" in repr(t)
    del a, b


def test_log_hook_is_off_outside_track():
    from ndmem import _core
    with memory.track(log=True):
        pass
    assert _core._alloc_set_hook(None) is None


# ---------------------------------------------------------------------------
# explain


def test_explain_text_matches_numpy_facts():
    a = ndmem.arange(24, dtype="i4").reshape(4, 6)
    na = numpy.arange(24, dtype="i4").reshape(4, 6)
    v, nv = a[::-1, 1::2], na[::-1, 1::2]
    text = memory.explain(v)
    assert isinstance(text, str)
    assert f"OWNDATA={nv.flags['OWNDATA']}" in text
    assert f"WRITEABLE={nv.flags['WRITEABLE']}" in text
    assert f"strides {nv.strides}" in text
    assert f"{nv.base.nbytes:,} B" in text
    lo, hi = numpy.lib.array_utils.byte_bounds(nv)
    base = nv.base.__array_interface__["data"][0]
    assert f"window: bytes [{lo - base:,}, {hi - base:,})" in text
    html = text._repr_html_()
    assert html.startswith("<svg") and "</svg>" in html
    del a
    assert "only views keep it" in memory.explain(v)
    owned = memory.explain(ndmem.ones(3))
    assert "OWNDATA=True" in owned and "owns the buffer" in owned


def test_explain_foreign_memory():
    text = memory.explain(ndmem.frombuffer(b"abcd", dtype="u1"))
    assert "not ndmem's array data" in text and "WRITEABLE=False" in text


# ---------------------------------------------------------------------------
# RSS (in a fresh process: the allocator's behaviour, not this process's)


RSS_SCRIPT = """
import sys
from ndmem import memory
np = __import__(sys.argv[1])
base = memory.rss()
a = np.ones(50_000_000)          # 400 MB, touched
grown = memory.rss() - base
v = a[:10]
del a
pinned = memory.rss() - base
v = v.copy()
released = memory.rss() - base
print(grown, pinned, released)
"""


@pytest.mark.parametrize("module", ["numpy", "ndmem"])
def test_rss_returns_when_the_big_buffer_goes(module):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(RSS_SCRIPT), module],
                         capture_output=True, text=True, env=env, check=True).stdout
    grown, pinned, released = map(int, out.split())
    assert grown > 350_000_000
    assert pinned > 350_000_000           # the 10-element view keeps it all
    assert released < 50_000_000
