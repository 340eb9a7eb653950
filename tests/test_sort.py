"""Sorting, searching and counting against NumPy in the same process:
values (bit for bit, NaN payloads and signed zeros included where NumPy
defines the order), dtypes, shapes, strides, base relations and exception
types."""
import tracemalloc
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import ndmem as nm

DTYPES = ["?", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8",
          "f2", "f4", "f8", "c8", "c16"]
RNG = np.random.default_rng(7)


def data(shape, dtype, special=True, rng=RNG):
    dt = np.dtype(dtype)
    n = int(np.prod(shape))
    if dt.kind == "b":
        x = rng.integers(0, 2, n).astype(dt)
    elif dt.kind in "iu":
        info = np.iinfo(dt)
        x = rng.integers(max(info.min, -50), min(info.max, 50), n, endpoint=True).astype(dt)
        if n > 3:
            x[:2] = [info.min, info.max]
    else:
        x = (rng.standard_normal(n) * 10).round(1)
        if dt.kind == "c":
            x = x + 1j * (rng.standard_normal(n) * 10).round(0)
        x = x.astype(dt)
        if special and n > 6:
            x[rng.integers(0, n, 3)] = np.nan
            x[rng.integers(0, n, 2)] = 0.0
            x[rng.integers(0, n, 2)] = -0.0
            x[rng.integers(0, n, 1)] = np.inf
    return x.reshape(shape)


def pair(x):
    return x, nm.array(x)


def to_np(r):
    if isinstance(r, tuple):
        return tuple(to_np(v) for v in r)
    if isinstance(r, nm.ndarray):
        return np.asarray(r)
    return r


def same(r1, r2, bits=True):
    """NumPy result r1 and ndmem result r2 agree in type, dtype, shape and
    value (bitwise, so signed zeros and NaN payloads count)."""
    if isinstance(r1, tuple):
        assert isinstance(r2, tuple) and len(r1) == len(r2)
        for u, v in zip(r1, r2):
            same(u, v, bits)
        return
    if isinstance(r1, np.ndarray):
        assert isinstance(r2, nm.ndarray), type(r2)
        got = np.asarray(r2)
        assert got.dtype == r1.dtype and got.shape == r1.shape
        if bits:
            assert got.tobytes() == np.ascontiguousarray(r1).tobytes(), (r1, got)
        else:
            np.testing.assert_array_equal(got, r1)
        return
    if isinstance(r1, np.generic):
        assert type(r2).__name__ == type(r1).__name__, (r1, r2)
        assert np.asarray(r2).tobytes() == np.asarray(r1).tobytes() or (r1 != r1 and r2 != r2)
        return
    assert r1 == r2


def both(f, *args, bits=True, **kwargs):
    """Call f on the NumPy arguments and on their ndmem twins; same result
    or same exception type."""
    conv = [nm.array(a) if isinstance(a, np.ndarray) else a for a in args]
    try:
        expected = f(np, *args, **kwargs)
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        with pytest.raises(Exception) as info:
            f(nm, *conv, **kwargs)
        # ndmem's AxisError is its own class with NumPy's bases
        assert type(info.value).__name__ == type(e).__name__, (e, info.value)
        assert isinstance(info.value, type(e).__mro__[1]), (e, info.value)
        return None
    got = f(nm, *conv, **kwargs)
    same(expected, got, bits)
    return got


# ------------------------------------------------------------ sort / argsort

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,axis", [((0,), -1), ((1,), 0), ((37,), -1), ((300,), 0),
                                        ((6, 7), 0), ((6, 7), 1), ((3, 4, 5), 1),
                                        ((3, 4, 5), None), ((2, 0, 3), 1)])
def test_sort_stable_bits(dtype, shape, axis):
    x = data(shape, dtype)
    both(lambda m, a: m.sort(a, axis=axis, kind="stable"), x)
    both(lambda m, a: m.argsort(a, axis=axis, kind="stable"), x)
    both(lambda m, a: m.argsort(a, axis=axis, stable=True), x)


@pytest.mark.parametrize("dtype", DTYPES)
def test_sort_default_kind_values(dtype):
    # NumPy's quicksort leaves equal elements (0.0/-0.0) in any order
    x = data((500,), dtype)
    both(lambda m, a: m.sort(a), x, bits=False)
    s = nm.array(x)
    idx = np.asarray(nm.argsort(s))
    np.testing.assert_array_equal(x[idx], np.sort(x))


def test_sort_large_radix_paths():
    rng = np.random.default_rng(1)
    for dt in ("i8", "u8", "f8", "f4", "i4", "i2", "f2", "u1"):
        x = (rng.standard_normal(20000) * 1e4).astype(dt)
        both(lambda m, a: m.sort(a, kind="stable"), x)
        both(lambda m, a: m.argsort(a, kind="stable"), x)
    x = rng.standard_normal(5000) + 1j * rng.integers(0, 3, 5000)
    both(lambda m, a: m.sort(a), x)


def test_sort_method_in_place_on_views():
    x = data((8, 9), "f8")
    a, b = x.copy(), nm.array(x)
    a[::-1, 1::2].sort(axis=0)
    b[::-1, 1::2].sort(axis=0)
    same(a, b)
    a[2].sort()
    b[2].sort()
    same(a, b)
    a.T.sort(kind="mergesort")
    b.T.sort(kind="mergesort")
    same(a, b)
    assert b.sort() is None


def test_sort_copy_layout():
    x = np.asfortranarray(data((4, 5), "i4"))
    r = both(lambda m, a: m.sort(a, axis=0), x)
    assert r.strides == np.sort(x, axis=0).strides
    assert r.base is None
    r = both(lambda m, a: m.argsort(a.T, axis=0), x)
    assert r.strides == np.argsort(x.T, axis=0).strides


def test_sort_byteswapped():
    x = data((50,), ">f8")
    both(lambda m, a: m.sort(a, kind="stable"), x)
    a, b = x.copy(), nm.array(x)
    a.sort(kind="stable")
    b.sort(kind="stable")
    same(a, b)
    both(lambda m, a: m.argsort(a, kind="stable"), x)


def test_unaligned_operands():
    raw = np.zeros(8 * 40 + 1, dtype=np.uint8)
    x = raw[1:].view(np.float64)
    x[:] = data((40,), "f8", special=False)
    ours = nm.frombuffer(bytearray(raw.tobytes()), dtype=np.uint8)[1:].view(nm.float64)
    assert not ours.flags.aligned
    same(np.sort(x), nm.sort(ours))
    same(np.argsort(x, kind="stable"), nm.argsort(ours))
    same(np.searchsorted(np.sort(x), x), nm.searchsorted(nm.sort(ours), ours))
    same(np.searchsorted(np.sort(x), x[:3]), nm.searchsorted(ours, ours[:3], sorter=nm.argsort(ours)))
    xi = raw[1:].view(np.int64)
    xi[:] = np.arange(40) % 7
    oi = nm.frombuffer(bytearray(raw.tobytes()), dtype=np.uint8)[1:].view(nm.int64)
    same(np.bincount(xi), nm.bincount(oi))


def test_sort_strings():
    x = np.array(["pear", "apple", "fig", "apple"])
    both(lambda m, a: m.sort(a), x)
    both(lambda m, a: m.argsort(a, kind="stable"), x)
    both(lambda m, a: m.unique(a, return_counts=True), x)


@pytest.mark.parametrize("call", [
    lambda m, a: m.sort(a, kind="foo"),
    lambda m, a: m.sort(a, kind="stable", stable=True),
    lambda m, a: m.sort(a, axis=2),
    lambda m, a: m.sort(a, order="x"),
    lambda m, a: m.sort(a[0, 0]),
    lambda m, a: m.argsort(a, axis=-3),
    lambda m, a: m.partition(a, 9),
    lambda m, a: m.partition(a, 1.5),
    lambda m, a: m.searchsorted(a, 1),
    lambda m, a: m.searchsorted(a[0], 1, side="middle"),
    lambda m, a: m.searchsorted(a[0], 1, sorter=[0, 1]),
])
def test_sort_errors(call):
    both(call, np.arange(6).reshape(2, 3))


def test_sort_read_only():
    b = nm.arange(5)[::-1]
    b.flags.writeable = False
    with pytest.raises(ValueError):
        b.sort()


def test_sort_releases_gil_and_threads():
    import threading
    x = data((200000,), "f8")
    ours = nm.array(x)
    results = []
    threads = [threading.Thread(target=lambda: results.append(nm.sort(ours))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        np.testing.assert_array_equal(np.asarray(r), np.sort(x))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(DTYPES).flatmap(lambda dt: hnp.arrays(
    dt, hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=6),
    elements={"allow_subnormal": False} if np.dtype(dt).kind in "fc" else None)),
    st.integers(-3, 2), st.booleans())
def test_hypothesis_sort(x, axis, flip):
    if flip:
        x = x[..., ::-1]
    axis = axis if -x.ndim <= axis < x.ndim else -1
    both(lambda m, a: m.sort(a[..., ::-1] if flip else a, axis=axis, kind="stable"), x)
    both(lambda m, a: m.argsort(a, axis=axis, kind="stable"), x)
    both(lambda m, a: m.sort(a, axis=None, kind="stable"), x)


# ------------------------------------------------------------ partition

# The order inside each part is unspecified, so the checks are what NumPy
# defines: the value at every kth (compared as values, so -0.0 == 0.0 and
# NaN == NaN), the multiset on each side of it, and for argpartition a
# permutation of the lane whose take gives those.

def check_partition(x, kth, axis=-1):
    ax = -1 if axis is None else axis
    flat = x.ravel() if axis is None else x
    got = nm.partition(nm.array(x), kth, axis=axis)
    ref = np.partition(x, kth, axis=axis)
    assert isinstance(got, nm.ndarray)
    g = np.asarray(got)
    assert g.dtype == ref.dtype and g.shape == ref.shape
    idx = nm.argpartition(nm.array(x), kth, axis=axis)
    assert isinstance(idx, nm.ndarray)
    i = np.asarray(idx)
    assert i.dtype == np.int64 and i.shape == flat.shape
    n = flat.shape[ax]
    assert (np.sort(np.moveaxis(i, ax, -1), axis=-1) == np.arange(n)).all()
    srt = np.moveaxis(np.sort(flat, axis=ax), ax, -1)
    ref = np.moveaxis(ref, ax, -1)
    for part in (np.moveaxis(g, ax, -1),
                 np.moveaxis(np.take_along_axis(flat, i, axis=ax), ax, -1)):
        for k in np.atleast_1d(kth) % n:
            np.testing.assert_array_equal(part[..., k], ref[..., k])
            np.testing.assert_array_equal(np.sort(part[..., :k], axis=-1), srt[..., :k])
            np.testing.assert_array_equal(np.sort(part[..., k + 1:], axis=-1), srt[..., k + 1:])


@pytest.mark.parametrize("dtype", DTYPES)
def test_partition(dtype):
    x = data((5, 40), dtype)
    for kth in (0, 7, -1, [3, 20], [39, 0, 20, 20]):
        for axis in (1, -1, 0, None):
            if axis == 0 and np.max(np.atleast_1d(kth)) >= 5:
                continue
            check_partition(x, kth, axis)
    check_partition(x[::2, ::-3], [1, 4])
    check_partition(x.astype(x.dtype.newbyteorder()), [2, 30])


@pytest.mark.parametrize("n", [17, 18, 100, 1001, 20000])
def test_partition_introselect_inputs(n):
    """Long lanes (past the small-range insertion sort), sorted, reversed,
    organ-pipe, few distinct values and NaN-heavy floats."""
    rng = np.random.default_rng(n)
    half = np.arange(n // 2)
    cases = [rng.standard_normal(n), np.arange(n), np.arange(n)[::-1].copy(),
             np.r_[half, half[::-1], [0] * (n % 2)], rng.integers(0, 3, n),
             np.zeros(n), np.where(rng.random(n) < 0.5, np.nan, rng.standard_normal(n)),
             np.full(n, np.nan), (rng.integers(0, 4, n) - 2) * 0.0]
    for x in cases:
        for kth in (0, n // 2, n - 1, [1, n // 3, n // 3 + 1, n - 2]):
            check_partition(x, kth)
    check_partition(rng.standard_normal((3, n)).astype("f4"), [0, n // 2], axis=1)


def test_partition_many_kth():
    """Several kth in one call: each selection starts from the pivots the
    previous ones left in place (lanes just past the insertion-sort size)."""
    rng = np.random.default_rng(3)
    x = rng.integers(-50, 50, (300, 18)).astype("i1")
    for kth in ([1, 6, 6, 16, -1], [0, 17], [2, 3, 4, 5], [9, 8, 16, 1]):
        check_partition(x, kth)
    y = rng.standard_normal((40, 200))
    y[:, ::7] = np.nan
    check_partition(y, list(range(0, 200, 13)) + [-1])


def test_partition_method_in_place():
    x = data((6, 30), "f8")
    a = nm.array(x)
    ptr = a.__array_interface__["data"][0]
    assert a.partition([3, 10]) is None
    assert a.__array_interface__["data"][0] == ptr
    ref = np.partition(x, [3, 10])
    np.testing.assert_array_equal(np.asarray(a)[:, [3, 10]], ref[:, [3, 10]])
    col = nm.array(x)[:, 4]
    col.partition(2)
    np.testing.assert_array_equal(np.asarray(col)[2], np.partition(x[:, 4], 2)[2])
    view = nm.array(x)
    view[1:4, ::2].partition(1, axis=0)
    np.testing.assert_array_equal(np.asarray(view)[2, ::2], np.partition(x[1:4, ::2], 1, axis=0)[1])
    b = nm.arange(5)[::-1]
    b.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        b.partition(1)


def test_partition_small_and_empty():
    for x in (np.array(5.0), np.zeros(0), np.zeros((3, 0)), np.zeros((0, 3)),
              np.array(["b", "a", "c"])):
        both(lambda m, a: m.argpartition(a, 0), x)
        both(lambda m, a: m.partition(a, 0, axis=None), x)
    both(lambda m, a: m.partition(a, 0), np.array(["b", "a", "c"]))
    both(lambda m, a: m.partition(a, 5), np.zeros((0, 3)))
    both(lambda m, a: m.partition(a, []), np.arange(4.0))
    both(lambda m, a: m.partition(a, 0), np.array([2.0]))


@pytest.mark.parametrize("call", [
    lambda m, a: m.partition(a, 5),
    lambda m, a: m.partition(a, -6),
    lambda m, a: m.partition(a, [1, 7]),
    lambda m, a: m.argpartition(a, -9),
    lambda m, a: m.partition(a, 1.0),
    lambda m, a: m.partition(a, [[1]]),
    lambda m, a: m.partition(a, m.array([[1]])),
    lambda m, a: m.partition(a, True),
    lambda m, a: m.argpartition(a, m.array([True])),
    lambda m, a: m.partition(a, "1"),
    lambda m, a: m.partition(a, None),
    lambda m, a: m.partition(a, 10 ** 20),
    lambda m, a: m.partition(a, 2 ** 63),
    lambda m, a: m.partition(a, 1, axis=2),
    lambda m, a: m.partition(a, 1, kind="quick"),
    lambda m, a: m.partition(a, 1, kind=None),
    lambda m, a: m.argpartition(a, 1, kind=3),
    lambda m, a: m.partition(a, 1, order="x"),
    lambda m, a: m.partition(a[0], 0),
    lambda m, a: m.partition(a[0], 0, axis=0),
    lambda m, a: m.argpartition(a[0], 1),
    lambda m, a: m.argpartition(a[0], 0, axis=1),
    lambda m, a: m.partition(m.zeros((2, 3)), 5, axis=0),
    lambda m, a: m.partition(a, 1, axis=1.0),
    lambda m, a: m.argpartition(a, 1, axis=True),
    lambda m, a: m.argsort(a, axis=True),
    lambda m, a: m.sort(a, axis=0.0),
])
def test_partition_errors(call):
    both(call, np.arange(5.0))


def test_axis_type_error_texts():
    """NumPy's sort/partition and argsort/argpartition read axis with two
    converters whose TypeError texts differ."""
    a = np.arange(6).reshape(2, 3)
    for f in (lambda m, x: m.sort(x, axis=1.5), lambda m, x: m.partition(x, 1, axis=1.5),
              lambda m, x: m.argsort(x, axis=1.5), lambda m, x: m.argpartition(x, 1, axis=True),
              lambda m, x: m.argsort(x, axis="a")):
        texts = []
        for m, x in ((np, a), (nm, nm.array(a))):
            with pytest.raises(TypeError) as info:
                f(m, x)
            texts.append(str(info.value))
        assert texts[0] == texts[1]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(DTYPES).flatmap(lambda dt: hnp.arrays(
    dt, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=30))),
    st.data())
def test_hypothesis_partition(x, draw):
    n = x.shape[-1]
    kth = draw.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=4))
    check_partition(x, kth)


# ------------------------------------------------------------ searchsorted

@pytest.mark.parametrize("dtype", DTYPES)
def test_searchsorted(dtype):
    s = np.sort(data((60,), dtype))
    v = data((4, 5), dtype)
    for side in ("left", "right"):
        both(lambda m, a, b: m.searchsorted(a, b, side=side), s, v)
        both(lambda m, a, b: a.searchsorted(b, side), s, v)
        both(lambda m, a: m.searchsorted(a, a[3], side=side), s)


def test_searchsorted_promotion_and_sorter():
    a = np.array([5, 1, 4, 2])
    srt = np.argsort(a)
    both(lambda m, x: m.searchsorted(x, [2.5, 4], sorter=srt), a)
    both(lambda m, x: m.searchsorted(x, 3), np.array([1, 2, 3, 4], dtype=np.uint8))
    both(lambda m, x: m.searchsorted(x, 2.5), np.array([1, 2, 3, 4], dtype=np.int16))
    both(lambda m, x: m.searchsorted(x, np.nan), np.array([1.0, np.nan]))
    both(lambda m, x: m.searchsorted(x, []), np.array([1.0, 2.0]))
    both(lambda m, x: m.searchsorted(x, ["b"]), np.array(["a", "c"]))


# ------------------------------------------------------------ unique and sets

@pytest.mark.parametrize("dtype", DTYPES)
def test_unique(dtype):
    # which of 0.0/-0.0 (and which NaN payload) NumPy keeps depends on its
    # unstable sort: values compare as equal, not bitwise
    x = data((7, 9), dtype)
    both(lambda m, a: m.unique(a), x, bits=False)
    both(lambda m, a: m.unique(a, return_index=True, return_inverse=True,
                               return_counts=True), x)
    both(lambda m, a: m.unique(a, equal_nan=False), x, bits=False)
    both(lambda m, a: m.unique(a[:0]), x)


def test_unique_array_api():
    x = np.array([[3.0, np.nan, 1.0], [3.0, 0.0, np.nan]])
    got = nm.unique_values(nm.array(x))
    same(np.sort(np.unique_values(x)), got)
    for name in ("unique_counts", "unique_inverse", "unique_all"):
        r1, r2 = getattr(np, name)(x), getattr(nm, name)(nm.array(x))
        assert type(r2).__name__ == type(r1).__name__ and r2._fields == r1._fields
        same(tuple(r1), tuple(r2))


def test_unique_axis():
    x = np.array([[1, 0, 0], [1, 0, 0], [2, 3, 4], [0, 0, 9]])
    for axis in (0, 1, -1):
        both(lambda m, a: m.unique(a, axis=axis, return_index=True,
                                   return_inverse=True, return_counts=True), x)


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(st.sampled_from(["i2", "f8", "u1"]), st.integers(0, 30),
                  elements={"allow_subnormal": False}),
       hnp.arrays("i2", st.integers(0, 10)))
def test_hypothesis_sets(a, b):
    both(lambda m, x: m.unique(x, return_index=True, return_inverse=True,
                               return_counts=True), a)
    both(lambda m, x, y: m.intersect1d(x, y), a, b, bits=False)
    both(lambda m, x, y: m.intersect1d(x, y, return_indices=True), a, b, bits=False)
    both(lambda m, x, y: m.union1d(x, y), a, b, bits=False)
    both(lambda m, x, y: m.setdiff1d(x, y), a, b, bits=False)
    both(lambda m, x, y: m.setxor1d(x, y), a, b, bits=False)
    both(lambda m, x, y: m.isin(x, y), a, b)
    both(lambda m, x, y: m.isin(x, y, invert=True), a, b)


def test_in1d_is_flat_isin():
    x, y = np.array([[1, 2], [3, 4]]), np.array([2, 4])
    got = nm.in1d(nm.array(x), nm.array(y))
    same(np.isin(x, y).ravel(), got)


# ------------------------------------------------------------ nonzero family

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(0,), (7,), (3, 4), (2, 3, 4), (2, 0, 3)])
def test_nonzero(dtype, shape):
    x = data(shape, dtype)
    both(lambda m, a: m.nonzero(a), x)
    both(lambda m, a: a.nonzero(), x)
    both(lambda m, a: m.flatnonzero(a), x)
    r = both(lambda m, a: m.argwhere(a), x)
    assert r.strides == np.argwhere(x).strides
    both(lambda m, a: m.where(a), x)
    both(lambda m, a: a[..., ::-1].nonzero(), x)


def test_nonzero_0d():
    both(lambda m, a: m.nonzero(a), np.array(3))
    both(lambda m, a: m.argwhere(a), np.array(3))
    both(lambda m, a: m.argwhere(a), np.array(0))


# ------------------------------------------------------------ order statistics

@pytest.mark.parametrize("dtype", ["?", "i1", "u2", "i8", "f2", "f4", "f8"])
def test_median(dtype):
    x = data((6, 5), dtype, special=False)
    for axis in (None, 0, 1, -1, (0, 1)):
        for keepdims in (False, True):
            both(lambda m, a: m.median(a, axis=axis, keepdims=keepdims), x)
    xn = data((9, 11), "f8")
    both(lambda m, a: m.median(a, axis=1), xn)
    both(lambda m, a: m.median(a), xn)


def test_median_empty_and_out():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        both(lambda m, a: m.median(a), np.array([], dtype="f8"))
    x = data((4, 6), "f8", special=False)
    out = nm.empty(6)
    r = nm.median(nm.array(x), axis=0, out=out)
    assert r is out
    same(np.median(x, axis=0), r)


@pytest.mark.parametrize("dtype", ["i4", "u1", "f2", "f4", "f8"])
def test_percentile_quantile(dtype):
    x = data((7, 6), dtype, special=False)
    for q in (0, 37.5, 50, 100, [10, 90], np.array([25.0, 75.0]),
              np.array([1, 99], dtype=np.float32)):
        for axis in (None, 0, 1, (0, 1)):
            qf = np.true_divide(q, 100)
            qf = qf.tolist() if isinstance(q, (list, int, float)) else qf
            both(lambda m, a, qq: m.percentile(a, qq, axis=axis), x, q)
            both(lambda m, a, qq: m.quantile(a, qq, axis=axis, keepdims=True), x, qf)
    xn = data((9, 11), "f8")
    both(lambda m, a: m.percentile(a, [30, 60], axis=1), xn)
    both(lambda m, a: m.quantile(a, 0.3), xn)
    # a scalar result interpolated in the input's precision (float16 showed
    # the last rounding step being lost)
    h = np.array([-0.5, 0.1], dtype="f2")
    both(lambda m, a: m.percentile(a, 50), h)
    both(lambda m, a: m.quantile(a, 0.75), h.astype(dtype))
    # integer q takes elements in the input dtype, NaN rows give NaN
    for q in (0, 1, [1, 0], np.array([0, 1])):
        both(lambda m, a, qq: m.quantile(a, qq, axis=0), x, q)
        both(lambda m, a, qq: m.quantile(a, qq, axis=1), xn, q)
    both(lambda m, a: m.quantile(a, [0, 1], out=m.empty((2, 6), a.dtype), axis=0), x)


@pytest.mark.parametrize("call", [
    lambda m, a: m.percentile(a, 101),
    lambda m, a: m.quantile(a, -0.1),
    lambda m, a: m.quantile(a.astype(complex), 0.5),
    lambda m, a: m.median(a, axis=3),
    lambda m, a: m.median(a, axis=(0, 0)),
])
def test_order_statistics_errors(call):
    both(call, np.arange(6.0).reshape(2, 3))


@pytest.mark.parametrize("dtype", ["f2", "f4", "f8", "i4"])
def test_nan_order_statistics(dtype):
    x = data((7, 8), dtype, special=False)
    if x.dtype.kind == "f":
        x[RNG.random(x.shape) < 0.3] = np.nan
        x[3] = np.nan
    for axis in (None, 0, 1, (0, 1)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            both(lambda m, a: m.nanmedian(a, axis=axis), x)
            both(lambda m, a: m.nanmedian(a, axis=axis, keepdims=True), x)
            for q in (0, 33, 50, 100, [5, 95]):
                both(lambda m, a, qq: m.nanpercentile(a, qq, axis=axis), x, q)
            both(lambda m, a: m.nanquantile(a, 0.4, axis=axis), x)
    if x.dtype.kind == "f":
        with pytest.warns(RuntimeWarning):
            nm.nanmedian(nm.array(x), axis=1)


def test_lexsort_digitize_sort_complex():
    k1 = np.array([3, 1, 3, 2, 1, 3])
    k2 = np.array([0.5, 0.1, 0.2, 0.9, 0.1, 0.2])
    both(lambda m, a, b: m.lexsort((a, b)), k2, k1)
    both(lambda m, a: m.lexsort(a), np.stack([k2, k1]))
    both(lambda m, a, b: m.lexsort((a, b)), k2.reshape(2, 3), k1.reshape(2, 3))
    both(lambda m, a, b: m.lexsort((a, b), axis=0), k2.reshape(2, 3), k1.reshape(2, 3))
    both(lambda m, a, b: m.lexsort((a, b)), k2, k1[:2])
    both(lambda m: m.lexsort(()))
    bins = np.array([0.0, 1.0, 2.5, 4.0])
    x = np.array([-1, 0, 0.5, 1, 2.5, 3, 4, 9, np.nan])
    for right in (False, True):
        both(lambda m, a, b: m.digitize(a, b, right=right), x, bins)
        both(lambda m, a, b: m.digitize(a, b[::-1], right=right), x, bins)
        both(lambda m, a, b: m.digitize(a[3], b, right=right), x, bins)
    both(lambda m, a, b: m.digitize(a, b[[0, 2, 1]]), x, bins)
    both(lambda m, a, b: m.digitize(a.astype(complex), b), x, bins)
    for dtype in ("i1", "u2", "i8", "f4", "c8"):
        both(lambda m, a: m.sort_complex(a), data((9,), dtype, special=False))


# ------------------------------------------------------------ counting

def test_bincount():
    x = np.array([0, 3, 3, 1, 7])
    both(lambda m, a: m.bincount(a), x)
    both(lambda m, a: m.bincount(a, minlength=12), x)
    both(lambda m, a: m.bincount(a, weights=a * 0.5), x)
    both(lambda m, a: m.bincount(a.astype(np.uint8)), x)
    both(lambda m, a: m.bincount(a[:0]), x)
    both(lambda m, a: m.bincount(a, minlength=-1), x)
    both(lambda m, a: m.bincount(a - 1), x)
    both(lambda m, a: m.bincount(a.reshape(1, 5)), x)
    both(lambda m, a: m.bincount(a[0]), x)
    both(lambda m, a: m.bincount(a, weights=[1, 2]), x)
    both(lambda m, a: m.bincount(a.astype(complex)), x)


@pytest.mark.parametrize("bins", [1, 3, 10, [0.0, 1.0, 2.5, 7.0], np.array([-1, 0, 3, 4])])
@pytest.mark.parametrize("dtype", ["i8", "f8", "f4", "u1"])
def test_histogram(bins, dtype):
    x = data((200,), dtype, special=False)
    both(lambda m, a: m.histogram(a, bins=bins), x)
    both(lambda m, a: m.histogram(a, bins=bins, range=(-5, 5)), x)
    both(lambda m, a: m.histogram(a, bins=bins, density=True), x)
    both(lambda m, a: m.histogram(a, bins=bins, weights=np.arange(200) * 0.25), x)
    both(lambda m, a: m.histogram_bin_edges(a, bins=bins), x)


@pytest.mark.filterwarnings("ignore:The number of bins estimated")
@pytest.mark.parametrize("bins", ["auto", "fd", "doane", "scott", "stone", "rice",
                                  "sturges", "sqrt"])
def test_histogram_estimators(bins):
    x = data((300,), "f8", special=False)
    both(lambda m, a: m.histogram(a, bins=bins), x)
    both(lambda m, a: m.histogram(a, bins=bins, range=(-3, 8)), x)
    both(lambda m, a: m.histogram_bin_edges(a.astype(np.int16), bins=bins), x)


def test_histogram_large_weighted_blocks():
    x = RNG.standard_normal(150_000) * 10     # no ties: NumPy's argsort order is unique
    w = np.linspace(0, 1, 150_000) ** 2
    both(lambda m, a, b: m.histogram(a, bins=7, weights=b), x, w)
    both(lambda m, a, b: m.histogram(a, bins=[-9.0, 0, 1, 30], weights=b), x, w)
    both(lambda m, a, b: m.histogram(a, bins=5, weights=b + 1j), x, w)


def test_histogram_errors():
    x = np.array([1.0, 2.0, np.inf])
    both(lambda m, a: m.histogram(a), x)
    both(lambda m, a: m.histogram(a[:2], bins=0), x)
    both(lambda m, a: m.histogram(a[:2], bins=[3, 1]), x)
    both(lambda m, a: m.histogram(a[:2], range=(3, 1)), x)
    both(lambda m, a: m.histogram(a[:0]), x)
    both(lambda m, a: m.histogram(a[:1]), x)
    both(lambda m, a: m.histogram(a[:2], bins="best"), x)
    both(lambda m, a: m.histogram(a[:2], bins="auto", weights=a[:2]), x)
    both(lambda m, a: m.histogram(a[:2], bins=[[1, 2]]), x)
    both(lambda m, a: m.histogram(a[:2], bins=1.5), x)
    both(lambda m, a: m.histogram(a[:2], bins=10**6, range=(0, 1e-300)), x)


# ------------------------------------------------------------ diff, meshgrid

@pytest.mark.parametrize("dtype", ["?", "u1", "i4", "f4", "c16"])
def test_diff(dtype):
    x = data((4, 6), dtype, special=False)
    for n in (0, 1, 2, 7):
        for axis in (0, 1, -1):
            both(lambda m, a: m.diff(a, n=n, axis=axis), x)
    both(lambda m, a: m.diff(a, prepend=0, append=a[:, :1]), x)
    both(lambda m, a: m.diff(a, axis=0, prepend=a[:1]), x)
    both(lambda m, a: m.diff(a, n=-1), x)
    both(lambda m, a: m.diff(a[0, 0]), x)
    both(lambda m, a: m.diff(a, axis=2), x)


def test_ediff1d():
    x = np.array([[1, 4], [9, 16]], dtype=np.int16)
    both(lambda m, a: m.ediff1d(a), x)
    both(lambda m, a: m.ediff1d(a, to_begin=-99, to_end=[7, 8]), x)
    both(lambda m, a: m.ediff1d(a, to_end=np.array([7], dtype=np.int64)), x)
    both(lambda m, a: m.ediff1d(a, to_begin=1.5), x)
    both(lambda m, a: m.ediff1d(a[:0]), x)
    both(lambda m, a: m.ediff1d(a.astype(np.uint8)), x)


def test_meshgrid():
    x, y, z = np.arange(3), np.linspace(0, 1, 4), np.array([5, 6])
    for indexing in ("xy", "ij"):
        for sparse in (False, True):
            both(lambda m, *v: m.meshgrid(*v, indexing=indexing, sparse=sparse), x, y, z)
            both(lambda m, *v: m.meshgrid(*v, indexing=indexing, sparse=sparse), x, y)
    r = nm.meshgrid(nm.array(x), nm.array(y), copy=False)
    assert isinstance(r, tuple) and r[0].strides == np.meshgrid(x, y, copy=False)[0].strides
    both(lambda m, v: m.meshgrid(v, indexing="yx"), x)
    assert nm.meshgrid() == np.meshgrid()


# ------------------------------------------------------------ diagonals

def test_diagonal_is_read_only_view():
    x = np.arange(24.0).reshape(2, 3, 4)
    a = nm.array(x)
    for offset in (0, 1, -1, 3, -5, 9):
        for ax1, ax2 in ((0, 1), (1, 0), (1, 2), (2, 0), (-1, -2)):
            d = nm.diagonal(a, offset, ax1, ax2)
            ref = np.diagonal(x, offset, ax1, ax2)
            same(ref, d)
            assert d.base is a and d.flags.writeable is False
            assert d.strides == ref.strides
    with pytest.raises(ValueError):
        a.diagonal()[0] = 1
    v = a[:, ::-1, 1:]
    same(x[:, ::-1, 1:].diagonal(1, 1, 2), v.diagonal(1, 1, 2))
    assert v.diagonal().base is a


@pytest.mark.parametrize("call", [
    lambda m, a: m.diagonal(a[0, 0]),
    lambda m, a: m.diagonal(a, axis1=1, axis2=1),
    lambda m, a: m.diagonal(a, axis1=3),
    lambda m, a: m.diag(a),
    lambda m, a: m.diag(a[0, 0, 0]),
])
def test_diagonal_errors(call):
    both(call, np.zeros((2, 3, 4)))


def test_trace_diag_tri():
    x = np.arange(24).reshape(2, 3, 4)
    for args in ((), (1,), (-1, 1, 2), (0, 2, 0)):
        both(lambda m, a: m.trace(a, *args), x)
        both(lambda m, a: a.trace(*args), x)
    both(lambda m, a: m.trace(a, dtype=np.float32), x)
    both(lambda m, a: m.trace(a[0]), x)
    for k in (0, 2, -1):
        both(lambda m, a: m.diag(a, k), np.array([1.5, 2.5, 3.5]))
        both(lambda m, a: m.diag(a, k), x[0])
        both(lambda m: m.tri(3, 5, k))
        both(lambda m: m.tri(4, k=k, dtype=np.int8))
        both(lambda m, a: m.tril(a, k), x)
        both(lambda m, a: m.triu(a, k), x)
        both(lambda m, a: m.triu(a, k), x[0, 0])


# ------------------------------------------------------------ index conversions, take/put

def test_unravel_and_ravel_multi_index():
    both(lambda m: m.unravel_index(22, (7, 6)))
    both(lambda m: m.unravel_index([22, 41, 37], (7, 6)))
    both(lambda m: m.unravel_index([[3, 4]], (7, 6), order="F"))
    both(lambda m: m.unravel_index(5, 6))
    both(lambda m: m.unravel_index(42, (7, 6)))
    both(lambda m: m.unravel_index(-1, (7, 6)))
    both(lambda m: m.unravel_index(1.0, (7, 6)))
    both(lambda m: m.ravel_multi_index(([3, 6, 6], [4, 5, 1]), (7, 6)))
    both(lambda m: m.ravel_multi_index(([3, 6, 6], [4, 5, 1]), (7, 6), order="F"))
    both(lambda m: m.ravel_multi_index((3, 1), (7, 6)))
    both(lambda m: m.ravel_multi_index(([3, 9], [-1, 1]), (7, 6), mode="clip"))
    both(lambda m: m.ravel_multi_index(([3, 9], [-1, 1]), (7, 6), mode=("wrap", "clip")))
    both(lambda m: m.ravel_multi_index(([3, 9], [1, 1]), (7, 6)))
    both(lambda m: m.ravel_multi_index(([3], [1], [0]), (7, 6)))
    both(lambda m: m.ravel_multi_index(([3.0], [1]), (7, 6)))


def test_take_put():
    x = np.arange(12.0).reshape(3, 4)
    idx = np.array([[0, 2], [1, 1]])
    for axis in (None, 0, 1, -1):
        both(lambda m, a: m.take(a, idx, axis=axis), x)
        both(lambda m, a: a.take(idx, axis), x)
        both(lambda m, a: m.take(a, 9, axis=axis, mode="wrap"), x)
        both(lambda m, a: m.take(a, [-7, 50], axis=axis, mode="clip"), x)
    both(lambda m, a: m.take(a, 5), x)
    both(lambda m, a: m.take(a, 12), x)
    both(lambda m, a: m.take(a, [1.0]), x)
    both(lambda m, a: m.take(a, [0], axis=2), x)
    out_n, out_m = np.empty(2), nm.empty(2)
    assert nm.take(nm.array(x), [1, 2], out=out_m) is out_m
    same(np.take(x, [1, 2], out=out_n), out_m)
    for mode, ind, v in (("raise", [0, 5], [-1, -2]), ("wrap", [13, -1], 7),
                         ("clip", [40, -40, 3], [1, 2])):
        a, b = x.copy(), nm.array(x)
        np.put(a, ind, v, mode=mode)
        nm.put(b, ind, v, mode=mode)
        same(a, b)
        a, b = x.T.copy().T, nm.array(x.T.copy().T)
        a.put(ind, v, mode=mode)
        b.put(ind, v, mode=mode)
        same(a, b)
    with pytest.raises(IndexError):
        nm.put(nm.array(x), [12], 1)


def test_take_along_axis():
    x = data((4, 5), "f8")
    idx = np.argsort(x, axis=1, kind="stable")
    both(lambda m, a: m.take_along_axis(a, m.asarray(idx), 1), x)
    both(lambda m, a: m.take_along_axis(a, m.asarray(idx[:1]), 0), x)
    both(lambda m, a: m.take_along_axis(a, m.asarray([3, 1]), None), x)


# ------------------------------------------------------------ peak memory

def traced_peak(f):
    """Peak bytes traced by tracemalloc during f() (both libraries report
    their buffers; ndmem's scratch is PyMem_RawMalloc, traced too)."""
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        r = f()
        peak = tracemalloc.get_traced_memory()[1] - base
        del r
        return peak
    finally:
        tracemalloc.stop()


MEMORY_OPS = {
    "sort": lambda m, a, b: m.sort(a),
    "sort stable": lambda m, a, b: m.sort(a, kind="stable"),
    "method": lambda m, a, b: b.sort(),
    "method stable": lambda m, a, b: b.sort(kind="stable"),
    "argsort": lambda m, a, b: m.argsort(a),
    "argsort stable": lambda m, a, b: m.argsort(a, kind="stable"),
    "unique": lambda m, a, b: m.unique(a),
    "partition": lambda m, a, b: m.partition(a, a.shape[0] // 3),
    "argpartition": lambda m, a, b: m.argpartition(a, [7, a.shape[0] // 2]),
}


def memory_data(dtype, n, rng):
    dt = np.dtype(dtype)
    if dt.kind == "f":
        x = rng.standard_normal(n).astype(dt)
        x[rng.integers(0, n, 5)] = np.nan
        x[rng.integers(0, n, 5)] = 0.0
        x[rng.integers(0, n, 5)] = -0.0
        return x
    if dt.kind == "b":
        return rng.integers(0, 2, n).astype(dt)
    info = np.iinfo(dt)
    return rng.integers(info.min, info.max, n, endpoint=True, dtype=dt)


@pytest.mark.parametrize("op", list(MEMORY_OPS))
@pytest.mark.parametrize("dtype", ["f8", "f4", "i8", "i4", "u1", "?"])
def test_peak_memory_not_above_numpys(op, dtype):
    # NumPy's sorts need no scratch but their output (quicksort kinds), or
    # scratch that tracemalloc does not see (timsort, radix): ndmem's sort
    # needs no more than NumPy's traced peak either way
    n = 200_000
    f = MEMORY_OPS[op]
    x = memory_data(dtype, n, np.random.default_rng(5))
    y = nm.array(x)
    f(np, x[:100].copy(), x[:100].copy())       # first calls import and cache
    f(nm, y[:100].copy(), y[:100].copy())
    x2, y2 = x.copy(), y.copy()
    peak_np = traced_peak(lambda: f(np, x, x2))
    peak_nm = traced_peak(lambda: f(nm, y, y2))
    assert peak_nm <= peak_np + 4096, (peak_nm, peak_np)
    if op.startswith("method"):
        assert np.asarray(y2).tobytes() == np.sort(x, kind="stable").tobytes()


@pytest.mark.parametrize("call", [lambda m, a: m.sort(a, axis=0),
                                  lambda m, a: m.argsort(a, axis=0),
                                  lambda m, a: m.argsort(a[:, ::-3], axis=1)])
def test_peak_memory_strided_lanes(call):
    x = np.random.default_rng(6).standard_normal((2000, 30))
    y = nm.array(x)
    call(np, x[:5]), call(nm, y[:5])
    peak_np = traced_peak(lambda: call(np, x))
    peak_nm = traced_peak(lambda: call(nm, y))
    assert peak_nm <= peak_np + 4096, (peak_nm, peak_np)


def test_sort_allocations():
    # scratch is not array data: the function allocates its result only,
    # the method nothing
    a = nm.array(data((5000,), "f8"))
    a.sort()
    before = nm.memory_stats()["allocations"]
    r = nm.sort(a[::-1])
    assert nm.memory_stats()["allocations"] - before == 1
    before = nm.memory_stats()["allocations"]
    r.sort()
    a[::2].sort(kind="stable")
    assert nm.memory_stats()["allocations"] == before
