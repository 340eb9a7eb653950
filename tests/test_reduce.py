"""Reductions against NumPy in the same process: ufunc.reduce/accumulate,
the reduction functions and methods.  Float sums must match bit for bit
(ndmem iterates in NumPy's order); dtypes, shapes, strides, scalar types
and exception types must match too."""

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import ndmem as nm

RNG = np.random.default_rng(1234)

DTYPES = ["?", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8",
          "f2", "f4", "f8", "c8", "c16"]


def data(shape, dtype, nan=False, rng=RNG):
    """NumPy test data of wide dynamic range (so summation order shows)."""
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return rng.random(shape) < 0.5
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        lo = max(info.min, -1000)
        return rng.integers(lo, min(info.max, 1000), shape, endpoint=True).astype(dtype)
    x = rng.standard_normal(shape) * 10.0 ** rng.integers(-3, 4, shape)
    if dtype.kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    x = x.astype(dtype)
    if nan and x.size:
        x.flat[rng.integers(0, x.size, max(1, x.size // 5))] = np.nan
    return x


LAYOUTS = {
    "C": lambda a: a,
    "F": np.asfortranarray,
    "T": lambda a: a.T,
    "rev": lambda a: a[::-1] if a.ndim else a,
    "step": lambda a: a[..., ::2] if a.ndim else a,
    "negstep": lambda a: a[..., ::-3] if a.ndim else a,
}


def to_np(r):
    if isinstance(r, nm.ndarray):
        return np.asarray(r)
    return np.asarray(nm.asarray(r))


def same_value(r1, r2):
    """Same type, dtype, shape and values (floats exact, NaN where NumPy
    has NaN, zeros with NumPy's sign)."""
    assert type(r2).__name__ == type(r1).__name__, (r1, r2)
    a, b = np.asarray(r1), to_np(r2)
    assert a.dtype == b.dtype and a.shape == b.shape, (a, b)
    assert np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"), (a, b)
    if a.dtype.kind in "fc":
        ok = ~np.isnan(a)
        assert (np.signbit(a.real[ok]) == np.signbit(b.real[ok])).all()
    if isinstance(r1, np.ndarray):
        assert r2.strides == r1.strides, (r1.strides, r2.strides)


def kind(exc):
    name = type(exc).__name__
    return "TypeError" if name == "UFuncTypeError" else name


def same(f, a1, a2, compare=same_value):
    """Run f on both arrays: same result or same exception type."""
    with warnings.catch_warnings(record=True) as w1:
        warnings.simplefilter("always")
        try:
            r1 = f(np, a1)
        except Exception as e:  # noqa: BLE001 - the type is what we compare
            r1 = e
    with warnings.catch_warnings(record=True) as w2:
        warnings.simplefilter("always")
        try:
            r2 = f(nm, a2)
        except Exception as e:  # noqa: BLE001
            r2 = e
    if isinstance(r1, Exception) or isinstance(r2, Exception):
        # NumPy's no-loop error in reductions is a TypeError or its
        # UFuncTypeError subclass depending on its dispatch cache
        assert kind(r2) == kind(r1), (r1, r2)
        return None, None
    compare(r1, r2)
    assert sorted(str(x.message) for x in w2) == sorted(str(x.message) for x in w1)
    return r1, r2


def np_dtype(mod, d):
    return mod.dtype(d) if d is not None else None


# ---------------------------------------------------------------- sums


SUM_SHAPES = [(1000,), (3, 300), (300, 3), (4, 5, 200), (2, 1, 130), (3, 4000),
              (5, 3000), (3, 2, 1500), (20000,), (0, 3), (3, 0), ()]


@pytest.mark.parametrize("shape", SUM_SHAPES)
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_float_sum_bit_exact(shape, layout):
    """Pairwise summation over inner axes, row accumulation over outer
    ones, NumPy's buffered cores for layouts that do not coalesce."""
    a1 = LAYOUTS[layout](data(shape, "f8"))
    a2 = nm.asarray(a1)
    assert a2.strides == a1.strides or a1.size == 0
    b = LAYOUTS[layout](np.ascontiguousarray(data(shape, "f8")))
    axes = [None, 0, -1, ()] + list(itertools.combinations(range(a1.ndim), 2))
    for ax in axes:
        for kd in (False, True):
            same(lambda m, x: m.add.reduce(x, axis=ax, keepdims=kd), a1, a2)
            same(lambda m, x: x.sum(axis=ax, keepdims=kd), a1, a2)
            same(lambda m, x: m.sum(x.astype(m.float32), axis=ax, dtype=m.float64), b, nm.asarray(b))
    ints = LAYOUTS[layout](RNG.integers(-2**62, 2**62, shape))
    same(lambda m, x: m.mean(x), ints, nm.asarray(ints))
    same(lambda m, x: m.mean(x, axis=-1) if x.ndim else m.mean(x), ints, nm.asarray(ints))


def test_strided_views_keep_layout():
    """Reductions over ndmem's own strided and reversed views."""
    base = data((6, 4001), "f8")
    nb = nm.array(base)
    for key in [(slice(None, None, -1),), (slice(None), slice(None, None, 3)),
                (slice(1, None, 2), slice(None, None, -2))]:
        v1, v2 = base[key], nb[key]
        assert v1.strides == v2.strides
        for ax in (None, 0, 1):
            same(lambda m, x: x.sum(axis=ax), v1, v2)
            same(lambda m, x: x.mean(axis=ax), v1, v2)
            same(lambda m, x: x.var(axis=ax), v1, v2)


@pytest.mark.parametrize("dtype", DTYPES)
def test_dtype_rules(dtype):
    a = data((4, 5), dtype)
    b = nm.asarray(a)
    for f in (lambda m, x: x.sum(), lambda m, x: x.prod(axis=0), lambda m, x: m.sum(x, axis=1),
              lambda m, x: m.add.reduce(x), lambda m, x: m.multiply.reduce(x, axis=1),
              lambda m, x: m.add.accumulate(x), lambda m, x: x.cumsum(), lambda m, x: x.cumprod(axis=1),
              lambda m, x: x.mean(), lambda m, x: x.mean(axis=0), lambda m, x: x.max(),
              lambda m, x: x.min(axis=1), lambda m, x: x.any(), lambda m, x: x.all(axis=0),
              lambda m, x: m.maximum.reduce(x, axis=None), lambda m, x: x.sum(dtype=m.float32),
              lambda m, x: x.sum(axis=0, dtype=m.int8), lambda m, x: x.argmax(), lambda m, x: x.argmin(axis=0),
              lambda m, x: m.ptp(x, axis=1), lambda m, x: m.count_nonzero(x),
              lambda m, x: m.count_nonzero(x, axis=0)):
        same(f, a, b)


@pytest.mark.parametrize("dtype", ["?", "i1", "u2", "i8", "u8", "f2", "f4", "f8", "c8", "c16"])
@pytest.mark.parametrize("ddof", [0, 1])
def test_var_std(dtype, ddof):
    for shape, layout in [((50, 37), "C"), ((50, 37), "F"), ((3, 300), "rev"),
                          ((4, 5, 60), "step"), ((1000,), "negstep")]:
        a = LAYOUTS[layout](data(shape, dtype) + (5 if dtype not in "?" else 0))
        b = nm.asarray(a)
        for ax in [None, 0, -1, (0, 1)][: 2 + a.ndim]:
            for kd in (False, True):
                same(lambda m, x: x.var(axis=ax, ddof=ddof, keepdims=kd), a, b)
                same(lambda m, x: m.std(x, axis=ax, ddof=ddof, keepdims=kd), a, b)


def test_var_special_cases():
    a = data((20, 30), "f8")
    b = nm.asarray(a)
    same(lambda m, x: x.var(axis=0, dtype=m.float32), a, b)
    same(lambda m, x: x.astype(m.float32).var(dtype=m.float64), a, b)
    same(lambda m, x: x.var(axis=1, where=m.greater(x, 0)), a, b)
    same(lambda m, x: m.var(x, correction=1), a, b)
    same(lambda m, x: x[:1].var(axis=0, ddof=1), a, b)          # ddof >= n warns
    same(lambda m, x: m.var(x[:0]), a, b)                       # empty warns
    with_inf = a.copy()
    with_inf[3, 4] = np.inf
    same(lambda m, x: x.var(axis=1), with_inf, nm.asarray(with_inf))


def test_var_no_full_size_temporary():
    """The fused pass allocates no array the size of the input."""
    for dtype in ("f8", "f2", "i4", "c8"):
        scale = 0.05 if dtype == "f2" else 4    # float16 sums of squares must not overflow
        a = nm.asarray((RNG.standard_normal((400, 500)) * scale).astype(dtype))
        nm.var(a)     # warm up lazily built state
        for ax in (None, 0, 1):
            with nm.memory.track() as t:
                nm.std(a, axis=ax)
            assert t.peak_bytes < a.nbytes // 4, (dtype, ax, t.peak_bytes, a.nbytes)


# ------------------------------------------------------- axes and errors


@pytest.mark.parametrize("call", [
    lambda m, x: x.sum(axis=2), lambda m, x: x.sum(axis=-3), lambda m, x: x.sum(axis=(0, 0)),
    lambda m, x: x.sum(axis=(0, 5)), lambda m, x: x.sum(axis=1.0), lambda m, x: x.max(axis=7),
    lambda m, x: m.add.reduce(x, axis=9), lambda m, x: m.add.accumulate(x, axis=None),
    lambda m, x: m.add.accumulate(x, axis=(0, 1)), lambda m, x: m.add.accumulate(x[0, 0]),
    lambda m, x: m.subtract.reduce(x, axis=None), lambda m, x: m.subtract.reduce(x, axis=(0, 1)),
    lambda m, x: m.sqrt.reduce(x), lambda m, x: m.maximum.reduce(x[:0], axis=0),
    lambda m, x: x[:0].max(), lambda m, x: x[:, :0].min(axis=1), lambda m, x: m.amax(x[:0], axis=None),
    lambda m, x: m.maximum.reduce(x, where=m.greater(x, 0)), lambda m, x: x.argmax(axis=2),
    lambda m, x: x[:0].argmin(), lambda m, x: x[:0].argmax(axis=0),
    lambda m, x: m.add.reduce(x, out=m.zeros(3)), lambda m, x: x.sum(axis=0, out=m.zeros((1, 4))),
    lambda m, x: m.equal.reduce(x), lambda m, x: m.cumsum(x, axis=3),
])
def test_errors(call):
    a = data((3, 4), "f8")
    same(call, a, nm.asarray(a))


def test_axis_error_class():
    with pytest.raises(nm.exceptions.AxisError) as e:
        nm.ones((2, 3)).sum(axis=2)
    assert isinstance(e.value, ValueError) and isinstance(e.value, IndexError)
    assert str(e.value) == "axis 2 is out of bounds for array of dimension 2"


@pytest.mark.parametrize("call", [
    lambda m, x: m.maximum.reduce(x[:0], axis=1), lambda m, x: m.add.reduce(x[:0], axis=0),
    lambda m, x: x[:0].sum(), lambda m, x: x[:0].prod(axis=0), lambda m, x: x[:, :0].sum(axis=1),
    lambda m, x: m.maximum.reduce(x[:0], initial=-5.0), lambda m, x: x[:0].max(initial=3, axis=0),
    lambda m, x: x.sum(initial=10.0), lambda m, x: x.max(where=m.greater(x, 0), initial=-1),
    lambda m, x: x.sum(where=m.asarray([True, False, True, False])),
    lambda m, x: x.sum(axis=1, where=m.greater(x, 0), keepdims=True),
    lambda m, x: m.add.reduce(x, initial=None), lambda m, x: x.any(where=False),
    lambda m, x: x[:0].all(), lambda m, x: m.logical_and.reduce(x),
    lambda m, x: m.bitwise_and.reduce(x.astype(m.uint8)), lambda m, x: m.bitwise_or.reduce(x.astype(m.int16), axis=1),
    lambda m, x: m.add.reduce(m.ones(())), lambda m, x: m.add.reduce(m.ones(()), axis=0),
    lambda m, x: m.add.reduce([1, 2, 3]), lambda m, x: m.sum(5), lambda m, x: m.mean([1, 2]),
    lambda m, x: m.subtract.reduce(x, axis=1), lambda m, x: m.subtract.accumulate(x, axis=1),
    lambda m, x: m.maximum.accumulate(x), lambda m, x: m.multiply.accumulate(x, dtype=m.float32),
    lambda m, x: m.add.reduce(x, axis=0, dtype=m.int64), lambda m, x: m.minimum.reduce(x, axis=(0, 1)),
    lambda m, x: m.add.reduce(x, (0, 1)), lambda m, x: x.mean(axis=(0, 1), keepdims=True),
    lambda m, x: m.add.reduce(x, keepdims=None), lambda m, x: m.add.reduce(x, keepdims=1.5),
    lambda m, x: m.add.reduce(x, keepdims=2), lambda m, x: m.add.reduce(x, axis=True),
    lambda m, x: m.add.reduce(x, where=[[1, 0, 1, 0]]), lambda m, x: m.add.reduce(x, where=m.ones(4, "i8")),
    lambda m, x: m.add.reduce(x, where=m.ones(5, bool)), lambda m, x: m.add.reduce(x, out=[1, 2]),
    lambda m, x: m.add.reduce(x.astype(m.complex128), dtype=m.float64, axis=0),
    lambda m, x: m.logaddexp.reduce(x[:0], axis=0), lambda m, x: m.logaddexp.reduce(x, axis=1),
    lambda m, x: m.add.reduce(x, axis=0, out=m.zeros(4, "i2")), lambda m, x: m.maximum.reduce(x, initial="a"),
    lambda m, x: m.true_divide.reduce(x, axis=1), lambda m, x: m.add.reduce(m.asarray(["a", "b"])),
    lambda m, x: m.add.accumulate(x, out=m.zeros((3, 5))), lambda m, x: m.add.accumulate(x, dtype=m.int32),
    lambda m, x: m.count_nonzero(m.asarray(["", "a", "bb"])), lambda m, x: m.argmax(m.asarray([b"ab", b"b"])),
    lambda m, x: m.argmin(m.asarray([["b", "ab"], ["", "zz"]]), axis=1),
    lambda m, x: x.any(0, None), lambda m, x: x.all(0, m.bool_, None, True), lambda m, x: x.any(dtype=m.bool_),
    lambda m, x: x.max(0, None, False), lambda m, x: x.max(dtype=m.float64), lambda m, x: x.sum(0, None, None, True),
    lambda m, x: x.min(axis=0, axis2=1), lambda m, x: x.sum(0, None, None, False, 0, True, 7),
])
def test_reduce_cases(call):
    a = data((3, 4), "f8")
    same(call, a, nm.asarray(a))


# ------------------------------------------------------------- out=


def test_out_identity():
    a = data((3, 4), "f8")
    b = nm.asarray(a)
    for f, shape, dt in [("sum", (4,), "f8"), ("sum", (4,), "f4"), ("max", (4,), "f8"),
                         ("prod", (4,), "i8"), ("mean", (4,), "f4"), ("std", (4,), "f8"),
                         ("min", (), "f8"), ("any", (4,), "?"), ("cumsum", (3, 4), "f8")]:
        o1, o2 = np.zeros(shape, dt), nm.zeros(shape, dt)
        if f == "cumsum":
            r1, r2 = a.cumsum(axis=0, out=o1), b.cumsum(axis=0, out=o2)
        elif f == "min":
            r1, r2 = a.min(out=o1), b.min(out=o2)
        else:
            r1, r2 = getattr(a, f)(axis=0, out=o1), getattr(b, f)(axis=0, out=o2)
        assert r1 is o1 and r2 is o2
        same_value(o1, o2)
    o1, o2 = np.zeros((), "i8"), nm.zeros((), "i8")
    r1, r2 = np.add.reduce(a, axis=None, out=o1), nm.add.reduce(b, axis=None, out=o2)
    assert r2 is o2
    same_value(r1, r2)
    o1, o2 = np.zeros((3,), "i8"), nm.zeros((3,), "i8")
    assert nm.argmax(b, axis=1, out=o2) is o2
    np.argmax(a, axis=1, out=o1)
    same_value(o1, o2)
    # out= overlapping the input: the input is read before it is written.
    a2, b2 = a.copy(), nm.asarray(a.copy())
    np.add.reduce(a2, axis=0, out=a2[0])
    nm.add.reduce(b2, axis=0, out=b2[0])
    same_value(a2, b2)
    a2, b2 = a.copy(), nm.asarray(a.copy())
    same_value(np.add.accumulate(a2, axis=1, out=a2), nm.add.accumulate(b2, axis=1, out=b2))


# ------------------------------------------------------------ argmin/max


@pytest.mark.parametrize("dtype", ["?", "i1", "u8", "f2", "f4", "f8", "c8", "c16"])
def test_argext(dtype):
    a = data((6, 7), dtype, nan=True)
    if dtype in ("i1", "u8"):
        a[2, 3] = a.max()
        a[4, 1] = a.max()
    b = nm.asarray(a)
    for f in ("argmax", "argmin"):
        for ax in (None, 0, 1, -1):
            for kd in (False, True):
                same(lambda m, x: getattr(x, f)(axis=ax, keepdims=kd), a, b)
                same(lambda m, x: getattr(m, f)(x.T, axis=ax, keepdims=kd), a, b)
                same(lambda m, x: getattr(m, f)(x[::-1, ::2], axis=ax), a, b)
    same(lambda m, x: m.argmax(x[0, 0]), a, b)
    same(lambda m, x: m.argmax([3, 1, 3]), a, b)


# ------------------------------------------------------------ NaN funcs


def test_nan_functions():
    a = data((5, 6), "f8", nan=True)
    a[2] = np.nan
    b = nm.asarray(a)
    for f in ("nansum", "nanmean", "nanmin", "nanmax", "nanprod", "nanargmin", "nanargmax",
              "nancumsum", "nancumprod", "nanvar", "nanstd"):
        for ax in (None, 0, 1):
            same(lambda m, x: getattr(m, f)(x, axis=ax), a, b)
            same(lambda m, x: getattr(m, f)(x.T, axis=ax, keepdims=True), a, b)
    ints = np.arange(12).reshape(3, 4)
    for f in ("nansum", "nanmean", "nanmin", "nanmax", "nanprod", "nanargmax", "nancumsum", "nanvar"):
        same(lambda m, x: getattr(m, f)(x, axis=0), ints, nm.asarray(ints))
    f4 = a.astype("f4")
    same(lambda m, x: m.nanmean(x, axis=1), f4, nm.asarray(f4))
    same(lambda m, x: m.nanvar(x, axis=1, ddof=1), f4, nm.asarray(f4))
    same(lambda m, x: m.nanstd(x, axis=0, ddof=4), a, b)
    same(lambda m, x: m.nanvar(x.astype(m.complex128), axis=0), a, b)
    same(lambda m, x: m.nanstd(x[0]), a, b)
    same(lambda m, x: m.nansum(x, dtype=m.float64), f4, nm.asarray(f4))


# ------------------------------------------------------------ scalars


def test_scalar_results():
    a = data((3, 4), "i4")
    b = nm.asarray(a)
    for f in ("sum", "prod", "mean", "std", "var", "max", "min", "any", "all", "argmax", "argmin"):
        r1, r2 = getattr(a, f)(), getattr(b, f)()
        assert repr(r2) == repr(r1)
        assert type(r2).__name__ == type(r1).__name__
    assert repr(nm.asarray([1.0, 2.0]).sum()) == repr(np.asarray([1.0, 2.0]).sum())
    same(lambda m, x: m.count_nonzero(x), a, b)
    assert repr(nm.ones(3, "f2").mean()) == repr(np.ones(3, "f2").mean())


def test_float16_mean_chunks():
    """float16 means sum in float32 through 8192-element buffers."""
    a = (RNG.standard_normal(30000) * 100).astype("f2")
    same(lambda m, x: x.mean(), a, nm.asarray(a))
    same(lambda m, x: x.reshape(3, 10000).mean(axis=1), a, nm.asarray(a))
    f32 = RNG.standard_normal(20000).astype("f4")
    same(lambda m, x: x.sum(dtype=m.float64), f32, nm.asarray(f32))


def test_overflow_warning():
    a = np.array([1e308, 1e308])
    same(lambda m, x: m.add.reduce(x), a, nm.asarray(a))
    same(lambda m, x: m.add.accumulate(x), a, nm.asarray(a))


def test_byteswapped_and_unaligned():
    a = data((40, 30), ">f8")
    same(lambda m, x: x.sum(axis=0), a, nm.asarray(a))
    same(lambda m, x: x.sum(), a, nm.asarray(a))
    same(lambda m, x: x.cumsum(axis=1), a, nm.asarray(a))
    same(lambda m, x: x.argmax(axis=1), a, nm.asarray(a))
    same(lambda m, x: x.var(axis=1), a, nm.asarray(a))


# ----------------------------------------------------------- hypothesis


@st.composite
def cases(draw):
    nd = draw(st.integers(0, 3))
    shape = tuple(draw(st.lists(st.integers(0, 6), min_size=nd, max_size=nd)))
    dtype = draw(st.sampled_from(DTYPES))
    layout = draw(st.sampled_from(sorted(LAYOUTS)))
    axis = draw(st.one_of(
        st.none(), st.integers(-nd - 1, nd),
        st.lists(st.integers(-nd, max(nd - 1, 0)), max_size=nd, unique=True).map(tuple)))
    keepdims = draw(st.booleans())
    nan = draw(st.booleans())
    seed = draw(st.integers(0, 2**32 - 1))
    return shape, dtype, layout, axis, keepdims, nan, seed


FUNCS = {
    "sum": lambda m, x, ax, kd: x.sum(axis=ax, keepdims=kd),
    "prod": lambda m, x, ax, kd: m.prod(x, axis=ax, keepdims=kd),
    "mean": lambda m, x, ax, kd: x.mean(axis=ax, keepdims=kd),
    "var": lambda m, x, ax, kd: x.var(axis=ax, keepdims=kd),
    "std1": lambda m, x, ax, kd: m.std(x, axis=ax, keepdims=kd, ddof=1),
    "max": lambda m, x, ax, kd: x.max(axis=ax, keepdims=kd),
    "amin": lambda m, x, ax, kd: m.amin(x, axis=ax, keepdims=kd),
    "any": lambda m, x, ax, kd: x.any(axis=ax, keepdims=kd),
    "all": lambda m, x, ax, kd: m.all(x, axis=ax, keepdims=kd),
    "ptp": lambda m, x, ax, kd: m.ptp(x, axis=ax, keepdims=kd),
    "cnz": lambda m, x, ax, kd: m.count_nonzero(x, axis=ax, keepdims=kd),
    "nansum": lambda m, x, ax, kd: m.nansum(x, axis=ax, keepdims=kd),
    "nanmax": lambda m, x, ax, kd: m.nanmax(x, axis=ax, keepdims=kd),
    "sum_initial": lambda m, x, ax, kd: x.sum(axis=ax, keepdims=kd, initial=1),
    "max_initial": lambda m, x, ax, kd: m.max(x, axis=ax, keepdims=kd, initial=0),
    "argmax": lambda m, x, ax, kd: x.argmax(axis=ax if not isinstance(ax, tuple) else None),
    "cumsum": lambda m, x, ax, kd: x.cumsum(axis=ax if not isinstance(ax, tuple) else None),
    "cumprod_acc": lambda m, x, ax, kd: m.multiply.accumulate(x, axis=ax if ax is not None else 0),
    "sum_where": lambda m, x, ax, kd: x.sum(axis=ax, keepdims=kd, where=_mask(m, x)),
    "mean_where": lambda m, x, ax, kd: m.mean(x, axis=ax, keepdims=kd, where=_mask(m, x)),
    "max_where": lambda m, x, ax, kd: x.max(axis=ax, keepdims=kd, where=_mask(m, x), initial=1),
    "sum_f8": lambda m, x, ax, kd: m.add.reduce(x, axis=ax, keepdims=kd, dtype=m.float64),
}


def _mask(m, x):
    """A where= mask that broadcasts along the first axis."""
    pattern = (np.arange(x.shape[-1]) % 3 != 1) if x.ndim else True
    return m.asarray(pattern)


@settings(max_examples=250, deadline=None, derandomize=True)
@given(cases(), st.sampled_from(sorted(FUNCS)))
def test_hypothesis(case, fname):
    shape, dtype, layout, axis, keepdims, nan, seed = case
    a = LAYOUTS[layout](data(shape, dtype, nan=nan, rng=np.random.default_rng(seed)))
    f = FUNCS[fname]
    same(lambda m, x: f(m, x, axis, keepdims), a, nm.asarray(a))


def test_scalar_array_methods_pass():
    """tests/test_scalar.py::test_array_methods relies on these."""
    for t, v in [("float64", 1.5), ("int8", -3), ("bool_", True), ("complex64", 1 + 2j)]:
        x = getattr(np, t)(v)
        y = getattr(nm, t)(x.item())
        for f in (lambda s: s.sum(), lambda s: s.max(), lambda s: s.any()):
            assert repr(f(y)) == repr(f(x))


def test_subclass_and_memmap_results(tmp_path):
    """Subclasses come back through __array_wrap__ (0-d arrays, not
    scalars); memmaps give plain arrays and scalars, as NumPy."""
    calls = [lambda m, x: x.sum(axis=0), lambda m, x: x.sum(), lambda m, x: m.add.accumulate(x),
             lambda m, x: x.mean(axis=0), lambda m, x: x.mean(), lambda m, x: x.std(axis=0),
             lambda m, x: x.var(), lambda m, x: x.argmax(axis=0), lambda m, x: x.argmax(),
             lambda m, x: m.nansum(x, axis=0), lambda m, x: x.cumsum(axis=1), lambda m, x: x.max()]
    for m in (np, nm):
        mm = m.memmap(str(tmp_path / m.__name__), dtype="f8", mode="w+", shape=(3, 4))
        mm[...] = m.arange(12.0).reshape(3, 4)

        class Sub(m.ndarray):
            pass

        sub = m.arange(12.0).reshape(3, 4).view(Sub)
        if m is np:
            expected = [[type(f(m, x)).__name__ for f in calls] for x in (mm, sub)]
        else:
            got = [[type(f(m, x)).__name__ for f in calls] for x in (mm, sub)]
    assert got == expected


@pytest.mark.parametrize("axis", [(0,), (0, 3), (3,), (0, 1), (1, 2)])
def test_strided_out(axis):
    """out= views with their own strides receive the same values."""
    a = data((5, 4, 3, 7), "f8")
    shape = [s for i, s in enumerate(a.shape) if i not in axis]
    results = []
    for m, x in ((np, a), (nm, nm.asarray(a))):
        big = m.zeros([2 * s for s in shape])
        out = big[tuple(slice(None, None, 2) for _ in shape)][::-1]
        assert m.add.reduce(x, axis=axis, out=out) is out
        results.append(out)
    same_value(results[0], results[1])
    acc = []
    for m, x in ((np, a), (nm, nm.asarray(a))):
        out = m.zeros((10, 4, 3, 7))[::2].transpose(0, 2, 1, 3).transpose(0, 2, 1, 3)
        m.multiply.accumulate(x, axis=axis[0], out=out)
        acc.append(out)
    same_value(acc[0], acc[1])


@pytest.mark.parametrize("dtype", ["f4", "f8"])
def test_argext_long_blocks(dtype):
    """Long contiguous runs (the blocked SIMD path): ties across blocks,
    NaNs at block edges, infinities, signed zeros."""
    rng = np.random.default_rng(7)
    for trial in range(40):
        n = int(rng.integers(1, 6000))
        a = rng.integers(-5, 6, n).astype(dtype)
        if trial % 4 == 1:
            a[int(rng.integers(0, n))] = np.nan
        if trial % 4 == 2:
            a[min(n - 1, 1024 * int(rng.integers(0, 5)))] = np.nan
        if trial % 5 == 3:
            a[int(rng.integers(0, n))] = np.inf
            a[int(rng.integers(0, n))] = -np.inf
        if trial % 7 == 0:
            a[:] = -0.0
            a[int(rng.integers(0, n))] = 0.0
        b = nm.asarray(a)
        for f in ("argmax", "argmin"):
            same(lambda m, x: getattr(x, f)(), a, b)
            same(lambda m, x: getattr(x[1:], f)(), a, b)
            same(lambda m, x: getattr(x[::-1], f)(), a, b)


@pytest.mark.parametrize("call", [
    lambda m: m.zeros(0, "c8").sum(dtype="f8"), lambda m: m.zeros((0, 3), "c16").sum(axis=0, dtype="f4"),
    lambda m: m.add.reduce(m.zeros(0, "c8"), dtype="f8"), lambda m: m.zeros(0, "c8").sum(dtype="?"),
])
def test_empty_complex_to_real_reduction_warns_as_numpy(call):
    """NumPy warns when it sets up the cast, even with no elements."""
    caught = []
    for m in (np, nm):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            call(m)
        caught.append([str(x.message) for x in w])
    assert caught[1] == caught[0]


@pytest.mark.parametrize("axis", [(0, 0, 3), (0, 0), (3, 0, 0), (0, -3), (1, 5, 1), (-4, 0)])
def test_axis_tuple_bounds_before_duplicates(axis):
    """NumPy checks every axis of a tuple against ndim before duplicates."""
    with pytest.raises(Exception) as want:
        np.zeros((0, 0, 0)).sum(axis=axis)
    with pytest.raises(Exception) as got:
        nm.zeros((0, 0, 0)).sum(axis=axis)
    assert type(got.value).__name__ == type(want.value).__name__
    assert str(got.value) == str(want.value)
