"""ufunc.__call__, attributes, outer and errstate, differential against NumPy."""

import contextvars
import itertools
import json
import subprocess
import sys
import threading
import warnings

import numpy
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ndmem

MODULES = (numpy, ndmem)
CHARS = "?bBhHiIlLefdFD"
DTYPES = [numpy.dtype(c).name for c in CHARS]
PY_SCALARS = {"int": 3, "float": 1.5, "complex": 2 - 1j, "negint": -2}
BINARY = ["add", "subtract", "multiply", "divide", "greater", "bitwise_and",
          "maximum", "power", "floor_divide"]


# ---------------------------------------------------------------- helpers

def to_nd(a):
    """An ndmem copy of a NumPy array (same dtype, shape and values)."""
    return ndmem.array(a)


def outcome(fn, m):
    """fn(m) as comparable data, or the exception type and message."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            r = fn(m)
        except Exception as e:  # noqa: BLE001  (the type is the result)
            return ("exc", type(e).__name__, str(e))
    return ("ok", describe(r, m))


def describe(r, m):
    if isinstance(r, tuple):
        return tuple(describe(x, m) for x in r)
    if isinstance(r, m.ndarray):
        return ("array", type(r).__name__, str(r.dtype), r.shape, r.strides, values(r))
    return ("scalar", type(r).__name__, str(m.asarray(r).dtype), values(m.asarray(r)))


def values(a):
    data = a.tolist()
    return data


def same_values(x, y):
    if isinstance(x, list):
        return len(x) == len(y) and all(same_values(p, q) for p, q in zip(x, y))
    if isinstance(x, complex) or isinstance(y, complex):
        return same_values(complex(x).real, complex(y).real) and \
            same_values(complex(x).imag, complex(y).imag)
    if isinstance(x, float) or isinstance(y, float):
        if x != x:
            return y != y
        return x == y or abs(x - y) <= 1e-6 * max(abs(x), abs(y))
    return x == y


def same(a, b):
    if a[0] != b[0]:
        return False
    if a[0] == "exc":
        return a[1] == b[1]
    return same_desc(a[1], b[1])


def same_desc(p, q):
    if isinstance(p, tuple) and p and isinstance(p[0], tuple):
        return len(p) == len(q) and all(same_desc(x, y) for x, y in zip(p, q))
    return p[:-1] == q[:-1] and same_values(p[-1], q[-1])


def check(fn, messages=False):
    """Run fn with numpy and ndmem; results (or exception types) must match."""
    a, b = (outcome(fn, m) for m in MODULES)
    assert same(a, b), (a, b)
    if messages and a[0] == "exc":
        assert a[2] == b[2]
    return a


def make(m, dtype, shape, start=1):
    """Deterministic non-zero values of dtype with the given shape."""
    n = int(numpy.prod(shape))
    base = (numpy.arange(n) % 5 + start).astype(dtype).reshape(shape)
    return base if m is numpy else to_nd(base)


# ---------------------------------------------------------------- attributes

# (ndmem's matmul is the linalg room's function, not a ufunc)
UFUNC_NAMES = sorted(n for n in dir(numpy) if isinstance(getattr(numpy, n), numpy.ufunc)
                     and isinstance(getattr(ndmem, n, None), ndmem.ufunc))


def test_type_and_repr():
    assert type(ndmem.add).__name__ == "ufunc"
    assert ndmem.ufunc is type(ndmem.add)
    assert repr(ndmem.add) == repr(numpy.add)
    assert isinstance(ndmem.sqrt, ndmem.ufunc)


@pytest.mark.parametrize("name", UFUNC_NAMES)
def test_attributes(name):
    u, v = getattr(numpy, name), getattr(ndmem, name)
    for attr in ("__name__", "nin", "nout", "nargs", "identity", "signature"):
        assert getattr(u, attr) == getattr(v, attr), attr
    assert v.ntypes == len(v.types)
    assert repr(u) == repr(v)
    assert v.__doc__.split("\n")[0] == u.__doc__.split("\n")[0]
    # ndmem's loops are NumPy's, in NumPy's order, for the dtypes ndmem has
    # (NumPy's long long 'q'/'Q' loops are ndmem's int64/uint64 'l'/'L')
    mine = []
    for t in u.types:
        if "q" in t or "Q" in t:
            t = t.replace("q", "l").replace("Q", "L")
            if t in mine:
                continue
        if set(t.replace("->", "")) <= set(CHARS):
            mine.append(t)
    assert v.types == mine


def test_aliases():
    for name in dir(numpy):
        u = getattr(numpy, name)
        if isinstance(u, numpy.ufunc) and u.__name__ != name and hasattr(ndmem, u.__name__):
            assert getattr(ndmem, name) is getattr(ndmem, u.__name__), name


# ---------------------------------------------------------------- type resolution

@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(name=st.sampled_from(BINARY),
       t1=st.sampled_from(DTYPES + list(PY_SCALARS)),
       t2=st.sampled_from(DTYPES + list(PY_SCALARS)),
       nd1=st.integers(0, 2), nd2=st.integers(0, 2))
def test_binary_dtype_pairs(name, t1, t2, nd1, nd2):
    def operand(m, t, nd):
        if t in PY_SCALARS:
            return PY_SCALARS[t]
        return make(m, t, (3,) * nd)

    check(lambda m: getattr(m, name)(operand(m, t1, nd1), operand(m, t2, nd2)))


@pytest.mark.parametrize("name", ["negative", "sqrt", "absolute", "invert", "sign",
                                  "positive", "logical_not", "isnan"])
@pytest.mark.parametrize("t", DTYPES + ["int", "float", "complex"])
def test_unary_dtypes(name, t):
    def run(m):
        x = PY_SCALARS[t] if t in PY_SCALARS else make(m, t, (4,))
        return getattr(m, name)(x)

    check(run)


def test_nep50_examples():
    check(lambda m: m.add(m.zeros(3, m.int16), 10))
    check(lambda m: m.add(m.zeros(3, m.float32), 3.0))
    check(lambda m: m.add(m.zeros(3, m.int64), 1.0))
    check(lambda m: m.add(m.zeros(3, m.bool_), m.zeros(3, m.bool_)))
    check(lambda m: m.divide(m.ones(3, m.int32), m.ones(3, m.int32)))
    check(lambda m: m.add(m.ones(3, m.uint8), 200))
    check(lambda m: m.add(m.ones(3, m.uint8), m.int64(5)))
    check(lambda m: m.add(m.int8(1), 1))
    check(lambda m: m.add(m.int8(1), 1.0))
    check(lambda m: m.add(1, 2))
    check(lambda m: m.add(1.5, 2))
    check(lambda m: m.add(2 ** 63, 1))
    check(lambda m: m.multiply(m.ones(2, m.float16), 1j))


def test_overflowing_python_int():
    r = check(lambda m: m.add(m.ones(3, m.uint8), 300), messages=True)
    assert r[1] == "OverflowError"
    check(lambda m: m.add(m.ones(3, m.int8), -129), messages=True)


@pytest.mark.parametrize("name", ["equal", "not_equal", "less", "less_equal",
                                  "greater", "greater_equal"])
@pytest.mark.parametrize("dtype", ["uint8", "int8", "int64", "uint64", "bool"])
@pytest.mark.parametrize("value", [300, -1, -129, 2 ** 63, 2 ** 64, -2 ** 70, 5])
def test_comparison_with_any_python_int(name, dtype, value):
    check(lambda m: getattr(m, name)(make(m, dtype, (4,), start=0), value))
    check(lambda m: getattr(m, name)(value, make(m, dtype, (4,), start=0)))


def test_no_loop_errors():
    check(lambda m: m.bitwise_and(1.0, 2), messages=True)
    check(lambda m: m.bitwise_and(m.ones(2), m.ones(2, m.int8)), messages=True)
    check(lambda m: m.add(m.array(["a"]), 1), messages=True)
    check(lambda m: m.subtract(m.ones(2, bool), m.ones(2, bool)), messages=True)
    check(lambda m: m.negative(m.ones(2, bool)), messages=True)


def test_python_sequences():
    check(lambda m: m.add([1, 2, 3], [[1], [2]]))
    check(lambda m: m.multiply((1.5, 2), 2))
    check(lambda m: m.add([True, False], [True, True]))
    check(lambda m: m.add([1, 2], [1, 2, 3]), messages=True)


# ---------------------------------------------------------------- keywords

def test_dtype_and_signature():
    a = lambda m: make(m, "uint8", (3,))  # noqa: E731
    check(lambda m: m.add(a(m), 1, dtype=m.float32))
    check(lambda m: m.add(a(m), 1, signature="ff->f"))
    check(lambda m: m.add(a(m), 1, signature=("f", "f", "f")))
    check(lambda m: m.add(a(m), 1, signature=(None, None, "f")))
    check(lambda m: m.add(a(m), 1, dtype="f8", signature="ff->f"), messages=True)
    check(lambda m: m.add(a(m), 1, dtype=m.int8, casting="safe"), messages=True)
    check(lambda m: m.add(m.ones(3), 1, dtype=m.int64), messages=True)
    check(lambda m: m.add(a(m), 1, casting="unsafe", dtype=m.int8))
    check(lambda m: m.add(m.ones(2), 1, signature=(None, None, "l")), messages=True)
    check(lambda m: m.add(m.ones(2), 1, signature="dd->F"), messages=True)
    check(lambda m: m.ldexp(m.ones(2, complex), 2.0, dtype="d"), messages=True)
    check(lambda m: m.add(m.ones(2, m.int8), 1.5, dtype=m.int8), messages=True)
    check(lambda m: m.add(m.ones(2, m.uint8), m.ones(2, m.int8), dtype=m.int8))
    check(lambda m: m.sqrt(m.ones(2), dtype="l"), messages=True)
    check(lambda m: m.gcd(m.ones(2), 1))
    check(lambda m: m.lcm(m.ones(2, m.int8), 2.5))


def test_casting_keyword():
    i8, i16 = (lambda m: make(m, "int8", (3,))), (lambda m: make(m, "int16", (3,)))
    check(lambda m: m.add(i8(m), i16(m), casting="no"), messages=True)
    check(lambda m: m.add(i8(m), i8(m), casting="no"))
    check(lambda m: m.add(i8(m), i16(m), casting="equiv"), messages=True)
    check(lambda m: m.add(i8(m), 1, casting="bad"), messages=True)
    check(lambda m: m.add(i8(m), 1, casting="equiv"), messages=True)
    check(lambda m: m.add(i8(m), 1, casting="no"))
    check(lambda m: m.add(m.ones(2), 1.0, casting="equiv"))
    check(lambda m: m.arctan2(1, 1, casting="no"))
    check(lambda m: m.cosh(1, casting="equiv"), messages=True)
    check(lambda m: m.fmod(1, 1.5, casting="equiv"), messages=True)
    check(lambda m: m.add(i8(m), 1.5, out=m.zeros(3, m.int8)), messages=True)
    check(lambda m: m.add(i8(m), 1.5, out=m.zeros(3, m.int8), casting="unsafe"))
    check(lambda m: m.divmod(m.ones(3), 2, out=(m.zeros(3, m.int64), None)), messages=True)


def test_keyword_errors():
    a = lambda m: m.ones(3)  # noqa: E731
    for fn in (lambda m: m.add(a(m), 1, axis=0),
               lambda m: m.add(a(m), 1, foo=0),
               lambda m: m.add(1, 2, 3, 4),
               lambda m: m.add(1),
               lambda m: m.sqrt(),
               lambda m: m.add(a(m), 1, out=[None]),
               lambda m: m.add(a(m), 1, out=5),
               lambda m: m.add(a(m), 1, a(m), out=a(m)),
               lambda m: m.add(a(m), 1, out=(a(m), a(m))),
               lambda m: m.divmod(a(m), 1, out=a(m)),
               lambda m: m.add(a(m), 1, order="X"),
               lambda m: m.add(a(m), 1, subok=2)):
        check(fn, messages=True)


def test_read_only_output():
    def run(m):
        x = m.ones(3)
        x.flags.writeable = False
        return m.add(x, 1, out=x)

    check(run, messages=True)


def test_order_keyword():
    for order in ("C", "F", "A", "K", None):
        check(lambda m: m.add(make(m, "float64", (2, 3)).T, 1, order=order))
        check(lambda m: m.add(make(m, "float64", (2, 3, 4)).transpose(1, 0, 2), 1,
                              order=order))


def test_subok_keyword():
    class Sub(ndmem.ndarray):
        pass

    x = ndmem.ones(3).view(Sub)
    assert type(ndmem.add(x, 1)) is Sub
    assert type(ndmem.add(x, 1, subok=False)) is ndmem.ndarray


# ---------------------------------------------------------------- out= and where=

def test_out_identity():
    for m in MODULES:
        a = m.arange(5.0)
        assert m.add(a, 2, out=a) is a
        assert m.add(a, 2, a) is a
        o = m.zeros(5, m.float32)
        assert m.add(a, 2, out=(o,)) is o
        q, r = m.zeros(5), m.zeros(5)
        res = m.divmod(a, 2, out=(q, r))
        assert res[0] is q and res[1] is r
        res = m.divmod(a, 2, q)
        assert res[0] is q and isinstance(res[1], m.ndarray)
        z = m.zeros(())
        assert m.add(1, 2, out=z) is z
    check(lambda m: m.add(m.arange(3.0), 1, out=m.zeros(3, m.float32)))
    check(lambda m: m.add(m.arange(3.0), 1, out=m.zeros(3, ">f8")))
    check(lambda m: m.add(m.arange(3.0), 1, out=m.zeros(3, m.complex64)))
    check(lambda m: m.add(m.arange(3.0), 1, out=None))
    check(lambda m: m.add(m.arange(3.0), 1, out=(None,)))


def test_out_broadcasting():
    check(lambda m: m.add(m.ones(3), m.ones(3), out=m.zeros((2, 3))))
    check(lambda m: m.add(m.ones((2, 3)), m.ones(3), out=m.zeros(3)), messages=True)
    check(lambda m: m.add(m.ones((2, 3)), m.ones(4), out=m.zeros((2, 3))), messages=True)
    check(lambda m: m.add(m.ones(2), 1, out=m.zeros(3)), messages=True)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(mask=st.lists(st.booleans(), min_size=6, max_size=6),
       dtype=st.sampled_from(["float64", "int16", "float32", ">i4"]),
       out_dtype=st.sampled_from(["float64", "int64", "float32", "<f8", ">f8"]))
def test_where_with_out(mask, dtype, out_dtype):
    def run(m):
        out = m.full((2, 6), -7, dtype=out_dtype)
        a = make(m, dtype, (2, 6))
        m.add(a, 2, out=out, where=mask, casting="unsafe")
        return out

    check(run)


def test_where_without_out():
    for m in MODULES:
        with pytest.warns(UserWarning, match="'where' used without 'out'"):
            m.add(m.ones(3), 1, where=[True, False, True])
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            m.add(m.ones(3), 1, where=[True, False, True], out=None)
            m.add(m.ones(3), 1, where=True)
    check(lambda m: m.add(m.ones(3), 1, where=[True, False]), messages=True)
    check(lambda m: m.add(m.ones(3), 1, where=m.ones(3, bool), out=None))


# ---------------------------------------------------------------- layout

@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(shape=st.lists(st.integers(0, 4), min_size=0, max_size=3),
       perm_seed=st.integers(0, 5), flip=st.booleans(), step=st.integers(1, 2),
       bshape=st.integers(0, 2), dt=st.sampled_from(["float64", "int32", "uint8"]))
def test_strided_and_broadcast_layouts(shape, perm_seed, flip, step, bshape, dt):
    nd = len(shape)
    perms = [p for p in __import__("itertools").permutations(range(nd))]
    perm = perms[perm_seed % len(perms)]

    def operand(m):
        a = make(m, dt, tuple(s * step for s in shape))
        a = a[tuple(slice(None, None, step) for _ in shape)]
        if flip and nd:
            a = a[::-1]
        return a.transpose(perm)

    def other(m):
        full = tuple(shape[p] for p in perm)
        return make(m, "float32", full[len(full) - min(bshape, nd):])

    check(lambda m: m.add(operand(m), other(m)))
    check(lambda m: m.multiply(other(m), operand(m)))


def test_output_layout_rules():
    check(lambda m: m.add(m.zeros((2, 3), order="F"), m.zeros((2, 3))))
    check(lambda m: m.add(m.zeros((2, 3)), m.zeros((2, 3), order="F")))
    check(lambda m: m.add(m.zeros((2, 3), order="F"), 1))
    check(lambda m: m.add(m.zeros((0, 3)).T, 1))
    check(lambda m: m.add(m.zeros((3, 4))[::-1, ::2], 1))
    check(lambda m: m.add(m.zeros((3, 1, 4)).transpose(2, 1, 0), m.zeros(3)))


LAYOUT_SHAPES = [(), (1,), (1, 1), (3, 1), (1, 3), (1, 1, 1), (2, 3), (0,), (1, 0)]


def _layout(m, shape, kind):
    """A float64 array of shape: C, Fortran-ordered, or a strided view."""
    if kind == "F":
        return m.asfortranarray(m.full(shape, 2.0))
    if kind == "S":
        return m.full(tuple(2 * n for n in shape), 2.0)[tuple(slice(None, None, 2)
                                                              for _ in shape)]
    return m.full(shape, 2.0)


def _flags_outcome(fn, m):
    try:
        r = fn(m)
    except Exception as e:  # noqa: BLE001 - the type is the result
        return type(e).__name__
    return [(x.shape, x.strides, x.flags.c_contiguous, x.flags.f_contiguous, str(x.dtype))
            for x in (r if isinstance(r, tuple) else (r,))]


@pytest.mark.parametrize("order", ["K", "A", "C", "F"])
@pytest.mark.parametrize("name", ["power", "add", "divmod"])
def test_output_layout_of_small_shapes(name, order):
    """The strides and flags of new outputs for one-element and length-1
    axis operands: the trivial loop's C/F choice, and order='A' as NumPy's
    iterator takes it: Fortran when every operand (inputs, 0-d ones, given
    outputs, the where= mask) is F_CONTIGUOUS, length-1 axes ignored, so
    add(ones((3, 1)), ones((1, 3)), order='A') is Fortran-ordered."""
    for sa in LAYOUT_SHAPES:
        for sb in LAYOUT_SHAPES:
            for la in "CFS":
                for lb in "CF":
                    for extra in ("", "where", "scalar", "out"):
                        def call(m):
                            f = getattr(m, name)
                            a, b = _layout(m, sa, la), _layout(m, sb, lb)
                            kw = {"order": order}
                            if extra == "where":
                                kw["where"] = _layout(m, sb, lb) > 0
                            elif extra == "scalar":
                                b = 2.5
                            elif extra == "out" and f.nout == 2:
                                kw["out"] = (m.empty(numpy.broadcast_shapes(sa, sb)), None)
                            with warnings.catch_warnings():
                                warnings.simplefilter("ignore")
                                return f(a, b, **kw)
                        assert _flags_outcome(call, ndmem) == _flags_outcome(call, numpy), \
                            (sa, sb, la, lb, extra)


def test_zero_d_and_scalars():
    check(lambda m: m.add(m.zeros(()), m.zeros(())))
    check(lambda m: m.add(m.float32(1), 1.0))
    check(lambda m: m.add(m.zeros(()), 1, out=m.zeros(())))
    check(lambda m: m.sqrt(4))
    check(lambda m: m.divmod(7.0, 2))
    check(lambda m: m.add(m.zeros((1,)), 1))
    check(lambda m: m.add(m.zeros((0,)), m.zeros((3, 0))))


# ---------------------------------------------------------------- casting in chunks

@pytest.mark.parametrize("n", [1, 8191, 8192, 8193, 20000])
def test_buffered_casts(n):
    check(lambda m: m.add(make(m, "int8", (n,)), make(m, "float32", (n,))))
    check(lambda m: m.add(make(m, ">f8", (n,)), make(m, "<f8", (n,))))
    check(lambda m: m.multiply(make(m, "float64", (n,))[::-1], 2,
                               out=m.zeros(n, m.float32)))
    check(lambda m: m.add(make(m, "int16", (n, 1)), make(m, "float32", (1, 3))))


def test_where_and_casts_across_chunks():
    def run(m):
        n = 20000
        mask = (m.arange(n) % 3) != 1
        out = m.full(n, -1.0, dtype=m.float32)
        m.multiply(make(m, "int16", (n,)), 1.5, out=out, where=mask)
        return out

    check(run)


def test_threads_share_nothing():
    a = ndmem.arange(200000.0)
    results = [None] * 4

    def work(i):
        results[i] = ndmem.multiply(a, i + 1.0, out=ndmem.empty(a.shape, ndmem.float32))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = numpy.arange(200000.0)
    for i, r in enumerate(results):
        assert numpy.array_equal(numpy.asarray(r.tolist(), dtype=numpy.float32),
                                 (expected * (i + 1.0)).astype(numpy.float32))


def test_scalar_operands_allocate_nothing():
    x = ndmem.ones(1000)
    with ndmem.memory.track() as t:
        y = ndmem.multiply(x, 2)
    assert (t.allocations, t.peak_bytes) == (1, y.nbytes)
    with ndmem.memory.track() as t:
        ndmem.add(ndmem.float64(1.0), 2)
    assert t.allocations == 0


def test_unaligned_input():
    def run(m):
        raw = m.zeros(8 * 100 + 1, m.uint8)
        a = raw[1:].view(m.float64)
        a[...] = m.arange(100.0)
        assert not a.flags.aligned
        return m.add(a, 1)

    check(run)


def test_casting_uses_no_full_size_temporary():
    n = 1 << 20
    a = ndmem.ones(n, ndmem.int8)
    b = ndmem.ones(n, ndmem.float32)
    with ndmem.memory.track() as t:
        r = ndmem.add(a, b)
    assert r.dtype == ndmem.float32
    # only the result is array data; the casts went through small buffers
    assert t.peak_bytes == r.nbytes


# ---------------------------------------------------------------- overlap

def test_overlap_inputs_are_copied():
    def shifted(m):
        a = m.arange(10)
        m.add(a[1:], a[:-1], out=a[1:])
        return a

    def reversed_(m):
        a = m.arange(10.0)
        m.add(a, a[::-1], out=a)
        return a

    def same_elements(m):
        a = m.arange(10.0)
        m.multiply(a, a, out=a)
        return a

    def broadcast_row(m):
        a = m.arange(12.0).reshape(3, 4)
        m.add(a, a[0], out=a)
        return a

    def mask_overlap(m):
        a = m.array([1, 0, 1, 0], dtype=bool)
        m.logical_not(a, out=a, where=a)
        return a

    for fn in (shifted, reversed_, same_elements, broadcast_row, mask_overlap):
        check(fn)


# ---------------------------------------------------------------- wrapping

def test_subclass_results():
    seen = []

    class Sub(ndmem.ndarray):
        def __array_finalize__(self, obj):
            seen.append(type(obj).__name__)

    x = ndmem.zeros(3).view(Sub)
    seen.clear()
    r = ndmem.add(x, 1)
    assert type(r) is Sub
    assert type(r.base) is ndmem.ndarray
    assert seen == ["ndarray"]
    r0 = ndmem.add(x[0:1].reshape(()), 1)
    assert type(r0) is Sub and r0.shape == ()

    class Wrapped(ndmem.ndarray):
        def __array_wrap__(self, arr, context=None, return_scalar=False):
            calls.append((context[0].__name__, context[2], return_scalar))
            return "wrapped"

    calls = []
    w = ndmem.ones(2).view(Wrapped)
    assert ndmem.add(w, 1) == "wrapped"
    assert calls == [("add", 0, False)]
    out = ndmem.zeros(2)
    assert ndmem.add(w, 1, out=out) is out


def test_array_ufunc_overrides():
    def run(m):
        class A:
            def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
                return ("A", ufunc.__name__, method, len(inputs),
                        {k: (type(v).__name__, len(v)) if k == "out" else v
                         for k, v in kwargs.items()})

        class B(A):
            def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
                return "B"

        class N:
            __array_ufunc__ = None

        class NI:
            def __array_ufunc__(self, *args, **kwargs):
                return NotImplemented

        res = []
        for fn in (lambda: m.add(A(), 1), lambda: m.add(1, A(), out=None),
                   lambda: m.add(m.ones(2), A(), out=m.ones(2)),
                   lambda: m.add(m.ones(2), 1, out=(A(),)),
                   lambda: m.add(m.ones(2), 1, A()),
                   lambda: m.divmod(m.ones(2), 1, None, A()),
                   lambda: m.add(A(), B()), lambda: m.add(N(), 1),
                   lambda: m.add.outer(A(), 1),
                   lambda: m.add(A(), 1, casting="unsafe", where=True),
                   lambda: m.add(NI(), 1), lambda: m.add(1, 2, out=(NI(),))):
            try:
                res.append(fn())
            except TypeError as e:
                res.append(("TypeError", str(e).split(":")[-1]))
        return res

    assert run(numpy) == run(ndmem)


def test_subclass_array_ufunc_through_super():
    def run(m):
        class MyArray(m.ndarray):
            def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
                args = [i.view(m.ndarray) if isinstance(i, MyArray) else i for i in inputs]
                out = kwargs.pop("out", None)
                if out:
                    kwargs["out"] = tuple(o.view(m.ndarray) if isinstance(o, MyArray) else o
                                          for o in out)
                r = super().__array_ufunc__(ufunc, method, *args, **kwargs)
                if r is NotImplemented:
                    return r
                return ("wrapped", type(r).__name__, m.asarray(r).tolist())

        class Bad(m.ndarray):
            def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
                return super().__array_ufunc__(ufunc, method, *inputs, **kwargs)

        class Pri(m.ndarray):
            __array_priority__ = 10

        x = m.arange(3.0).view(MyArray)
        res = [m.add(x, 1), x + 1, 1 + x, m.add.outer(x, [1, 2]),
               m.multiply(x, x, out=(m.zeros(3).view(MyArray),))]
        try:
            m.add(m.arange(3.0).view(Bad), 1)
        except TypeError as e:
            res.append(("TypeError", str(e).split(":")[-1]))
        p = m.ones(2).view(Pri)
        res += [type(m.ones(2) + p).__name__, type(p + m.ones(2)).__name__,
                m.ndarray.__array_ufunc__(m.ones(2), m.add, "__call__", m.ones(2), 1).tolist()]
        return res

    assert run(numpy) == run(ndmem)


def test_pickle_by_name():
    import pickle
    assert pickle.loads(pickle.dumps(ndmem.add)) is ndmem.add
    assert pickle.loads(pickle.dumps(ndmem.abs)) is ndmem.absolute


def test_wrap_priority():
    def run(m):
        class W:
            __array_priority__ = 5

            def __init__(self):
                self.v = m.arange(3.0)

            def __array__(self, dtype=None, copy=None):
                return self.v

            def __array_wrap__(self, arr, context=None, return_scalar=False):
                return ("W", type(arr).__name__, arr.tolist(), context[0].__name__,
                        context[2], return_scalar)

        class S(m.ndarray):
            pass

        class T(m.ndarray):
            __array_priority__ = -5

        s, t = m.ones(3).view(S), m.ones(3).view(T)
        return [m.add(W(), 1), m.add(m.ones(3), W()), m.sqrt(W()),
                type(m.add(s, m.ones(3))).__name__, type(m.add(m.ones(3), s)).__name__,
                type(m.add(m.ones(3), t)).__name__, type(m.add(t, 1)).__name__,
                type(m.add(t, s)).__name__, type(m.add(1.0, t)).__name__]

    assert run(numpy) == run(ndmem)


# ---------------------------------------------------------------- outer

def test_outer():
    check(lambda m: m.add.outer(m.arange(3), m.arange(4.0)))
    check(lambda m: m.multiply.outer(m.arange(6).reshape(2, 3), [1, 2]))
    check(lambda m: m.add.outer(m.array([1], m.int8), 1))
    check(lambda m: m.add.outer(1, 2))
    check(lambda m: m.subtract.outer(m.arange(3), m.arange(2), out=m.zeros((3, 2))))
    check(lambda m: m.add.outer(m.arange(3), m.arange(2), dtype=m.float32))
    check(lambda m: m.sqrt.outer(m.arange(3), m.arange(2)), messages=True)


# ---------------------------------------------------------------- errstate

def caught(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            fn()
            err = None
        except Exception as e:  # noqa: BLE001
            err = (type(e).__name__, str(e))
    return [(x.category.__name__, str(x.message)) for x in w], err


def test_default_errstate():
    assert ndmem.geterr() == numpy.geterr()
    for m in MODULES:
        assert m.geterrcall() is None
    for op in (lambda m: m.divide(m.ones(2), 0.0),
               lambda m: m.divide(m.zeros(2), 0.0),
               lambda m: m.sqrt(m.array([-1.0])),
               lambda m: m.multiply(m.array([1e300]), 1e300),
               lambda m: m.multiply(m.array([1e-300]), 1e-300),
               lambda m: m.float64(1.0) / m.float64(0.0)):
        assert caught(lambda: op(numpy)) == caught(lambda: op(ndmem))


@pytest.mark.parametrize("mode", ["ignore", "warn", "raise"])
def test_errstate_modes(mode):
    for op in (lambda m: m.divide(m.ones(2), 0.0),
               lambda m: m.divide(m.array([0.0, 1.0]), 0.0),
               lambda m: m.multiply(m.array([1e-300]), 1e-300),
               lambda m: m.float64(0.0) / m.float64(0.0)):
        res = []
        for m in MODULES:
            with m.errstate(all=mode):
                res.append(caught(lambda: op(m)))
        assert res[0] == res[1]


def test_seterr_and_geterr():
    for m in MODULES:
        old = m.seterr(divide="raise", under="warn")
        try:
            assert old == numpy.geterr() or m is numpy
            with pytest.raises(FloatingPointError, match="divide by zero encountered in divide"):
                m.divide(m.ones(1), 0.0)
        finally:
            m.seterr(**old)
    check(lambda m: m.seterr(divide="foo"), messages=True)
    for m in MODULES:
        with m.errstate(over="ignore", all="raise"):
            assert m.geterr() == {"divide": "raise", "over": "ignore",
                                  "under": "raise", "invalid": "raise"}


def test_errstate_call_and_log():
    for_modules = []
    for m in MODULES:
        calls = []

        class Log:
            def write(self, msg):
                calls.append(("log", msg))

        with m.errstate(all="call", call=lambda what, flag: calls.append((what, flag))):
            m.divide(m.array([0.0, 1.0]), 0.0)
            assert m.geterrcall() is not None
        with m.errstate(divide="log", call=Log()):
            m.divide(m.ones(1), 0.0)
        for_modules.append(calls)
    assert for_modules[0] == for_modules[1]
    check(lambda m: m.seterrcall(5), messages=True)
    for m in MODULES:
        old = m.seterrcall(print)
        assert m.seterrcall(old) is print
        assert m.geterrcall() is old


def test_errstate_decorator_and_reentry():
    for m in MODULES:
        @m.errstate(divide="raise")
        def f():
            return m.divide(m.ones(1), 0.0)

        with pytest.raises(FloatingPointError):
            f()
        assert m.geterr()["divide"] == "warn"
        e = m.errstate(all="ignore")
        with e:
            with pytest.raises(TypeError, match="Cannot enter"):
                with e:
                    pass
        with pytest.raises(TypeError, match="Cannot enter"):
            with e:
                pass


def test_bufsize():
    assert ndmem.getbufsize() == numpy.getbufsize()
    for value in (-1, 4, 5, 100, 10 ** 7 + 1, True, 2.5, "x"):
        check(lambda m: m.setbufsize(value), messages=True)
    for m in MODULES:
        with m.errstate():
            assert m.setbufsize(4096) == 8192
            assert m.getbufsize() == 4096
        assert m.getbufsize() == 8192
    with ndmem.errstate():
        ndmem.setbufsize(16)
        r = ndmem.add(ndmem.arange(1000, dtype=ndmem.int8), ndmem.ones(1000, ndmem.float32),
                      where=ndmem.arange(1000) % 7 != 0, out=ndmem.zeros(1000))
    x = numpy.zeros(1000)
    numpy.add(numpy.arange(1000, dtype=numpy.int8), numpy.ones(1000, numpy.float32),
              where=numpy.arange(1000) % 7 != 0, out=x)
    assert r.tolist() == x.tolist()


def test_errstate_is_context_local():
    seen = {}

    def other():
        seen["mode"] = ndmem.geterr()["divide"]

    with ndmem.errstate(divide="raise"):
        t = threading.Thread(target=other)
        t.start()
        t.join()
        ctx_mode = contextvars.Context().run(lambda: ndmem.geterr()["divide"])
    assert seen["mode"] == "warn" and ctx_mode == "warn"


@pytest.mark.parametrize("casting", [None, "no", "equiv", "safe", "same_kind", "unsafe"])
@pytest.mark.parametrize("dtype", ["u1", "i1", "i8", "u8", "?", ">i2"])
def test_integer_comparison_with_python_int_under_casting(dtype, casting):
    """NumPy compares integer arrays with Python ints without casting either
    side, so every casting rule accepts it (found by test_fuzz), except that
    a byte-swapped array is still cast to native order: casting='no' refuses."""
    kw = {} if casting is None else {"casting": casting}
    for value in (-1, 5, 300, 2**70, -2**70):
        for name in ("less", "equal", "greater_equal", "not_equal"):
            def call(m):
                return getattr(m, name)(m.array([0, 1, 200], dtype), value, **kw)
            try:
                want = call(np)
            except Exception as exc:  # noqa: BLE001 - the type is compared
                with pytest.raises(Exception) as got:
                    call(nm)
                assert type(got.value).__name__ == type(exc).__name__
                continue
            got = call(nm)
            assert got.tolist() == want.tolist() and str(got.dtype) == str(want.dtype)


LOGICAL_KWARGS = [
    {}, {"casting": "no"}, {"casting": "equiv"}, {"casting": "safe"}, {"casting": "unsafe"},
    {"dtype": "?"}, {"dtype": "?", "casting": "no"}, {"dtype": "u1"}, {"dtype": "f8"},
    {"signature": "??->?"}, {"signature": (None, None, "?")}, {"signature": ("u1", "u1", "?")},
    {"signature": (None, None, "u1")},
    {"out": "u1"}, {"out": "f4"}, {"out": "?"}, {"out": "u1", "casting": "safe"},
    {"out": "u1", "casting": "no"}, {"out": "?", "casting": "no"},
]


@pytest.mark.parametrize("name", ["logical_and", "logical_or", "logical_xor"])
@pytest.mark.parametrize("dtype", ["?", "u1", "i1", "u8", "f2", "f8", "c8"])
def test_logical_with_python_scalars(name, dtype):
    """NumPy's logical_* promote mixed operands to bool (its
    logical_ufunc_promoter): logical_and(uint8, -1) runs the bool loop, and
    the inputs go there whatever the casting rule; only an output cast or a
    signature fixing other types is checked.  A Python scalar in a slot the
    signature fixes is converted to that type first (OverflowError for -1
    into uint8, int(2.5) for an integer type)."""
    for value in (-1, 0, 300, 2.5, float("nan"), 1j, True, 2**63 - 1, 2**70, -2**70):
        for kw in LOGICAL_KWARGS:
            for reverse in (False, True):
                def call(m, value=value, kw=kw, reverse=reverse):
                    a = m.array([0, 1, 2]).astype(dtype)
                    k = dict(kw)
                    if "out" in k:
                        k["out"] = m.zeros(3, k["out"])
                    args = (value, a) if reverse else (a, value)
                    return getattr(m, name)(*args, **k)
                check(call)


@pytest.mark.parametrize("name", ["logical_and", "logical_xor"])
@pytest.mark.parametrize("casting", ["no", "safe", "same_kind"])
def test_logical_mixed_arrays(name, casting):
    """Two arrays of different types meet in the bool loop, unchecked; the
    same type keeps its own 'XX->?' loop."""
    for t1 in ("?", "u1", "i8", "f4", "c16"):
        for t2 in ("?", "i1", "u8", "f8", "c8"):
            check(lambda m: getattr(m, name)(m.array([0, 1, 2], t1), m.array([2, 0, 1], t2),
                                             casting=casting))
            check(lambda m: getattr(m, name)(m.array([0, 1, 2], t1), m.array([2, 0, 1], t2),
                                             out=m.zeros(3, t2), casting=casting))
    check(lambda m: getattr(m, name)(-1, 2.5))
    check(lambda m: getattr(m, name)(2**70, 1))
    check(lambda m: getattr(m, name)(m.float32(2), -1, casting="no"))


def test_python_scalar_fixed_by_signature():
    """A Python scalar whose slot the signature fixes is converted to that
    type as item assignment does, then it is an operand of that type."""
    u1 = lambda m: m.array([0, 1, 2], "u1")  # noqa: E731
    for value in (0, -1, 2.5, 1j, 2**70):
        check(lambda m: m.add(u1(m), value, signature=("u1", "u1", "u1")), messages=True)
        check(lambda m: m.add(u1(m), value, signature=(None, "f8", None)))
        check(lambda m: m.multiply(value, u1(m), signature=("f4", None, None)))


def signature_outcome(fn, m):
    """Result dtype and values, or 'TypeError' for any TypeError: which
    TypeError subclass NumPy raises for a missing loop depends on what its
    dispatch cache saw earlier in the process."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ComplexWarning of an unsafe cast
            r = fn(m)
    except TypeError:
        return "TypeError"
    except Exception as e:  # noqa: BLE001 - the type is the result
        return type(e).__name__
    # values to 5 decimals: float32 arctan2 is NumPy's SVML, an ulp apart
    return str(r.dtype), numpy.asarray(r).astype(complex).round(5).tolist()


@pytest.mark.parametrize("name", ["add", "less", "arctan2"])
def test_signature_search(name):
    """NumPy's signature= resolution: the loop of exactly the operand types
    with the fixed ones in place; else its legacy type-tuple search, which
    takes free inputs only where they cast safely whatever casting= says
    (add(uint8, uint8, signature=(None, 'i1', None)) finds no loop even
    unsafe), the call's rule then judged on the loop found; the
    homogeneous retry only when the outputs are fixed to one type and any
    fixed input is that type too."""
    sigs = [(None, "i1", None), ("i1", None, None), (None, "f4", None), ("f8", "f8", None),
            (None, None, "i1"), (None, "f8", "f8"), ("i4", None, "i4")]
    for t1 in ("?", "u1", "i1", "u8", "f4", "c8"):
        for t2 in ("?", "u1", "i1", "f8"):
            for sig in sigs:
                for casting in ("same_kind", "unsafe", "no"):
                    def call(m):
                        return getattr(m, name)(m.ones(2, t1), m.ones(2, t2), signature=sig,
                                                casting=casting)
                    assert signature_outcome(call, ndmem) == signature_outcome(call, numpy), \
                        (t1, t2, sig, casting)


def test_python_scalar_under_a_signature():
    """The loop is resolved before a signature-fixed Python scalar is
    converted (add(uint8, 300, signature=(None, 'i1', None)) finds no loop
    rather than overflowing); a free Python scalar stays weak (fits the
    loop's type, value-checked); comparisons keep NumPy's exact integer
    loops for a free Python int under an output-only signature."""
    cases = [
        lambda m: m.add(m.ones(2, "u1"), 300, signature=(None, "i1", None)),
        lambda m: m.add(300, m.ones(2, "u1"), signature=("i1", None, None)),
        lambda m: m.add(m.ones(2, "i1"), 300, signature=(None, "i1", None)),
        lambda m: m.add(m.ones(2, "?"), -1, signature=(None, None, "i1"), casting="safe"),
        lambda m: m.add(m.ones(2, "?"), 300, signature=(None, None, "i1")),
        lambda m: m.add(m.ones(2, "?"), 2.5, signature=(None, None, "f4"), casting="safe"),
        lambda m: m.add(m.ones(2, "u1"), 2.5, signature=(None, None, "f4"), casting="safe"),
        lambda m: m.less(m.ones(2, "u1"), -1, signature=(None, None, "?")),
        lambda m: m.less(300, m.ones(2, "u1"), signature=(None, "i1", None)),
        lambda m: m.less(300, m.ones(2, "u1"), signature=(None, "i1", None), casting="safe"),
        lambda m: m.maximum(m.ones(2, "f4"), 1j, signature=("f4", None, None)),
    ]
    for fn in cases:
        assert signature_outcome(fn, ndmem) == signature_outcome(fn, numpy)


# ------------------------------------------- comparisons under a signature
#
# NumPy caches its dispatch by the operand DTypes with the signature's in
# place, not by the signature: after less(bool_arr, uint8_arr,
# signature=(None, 'u1', '?')) has cached the 'BB->?' loop for (Bool,
# UInt8, Bool), less(bool_arr, uint8_arr, signature=('?', None, '?'),
# casting='unsafe') meets that entry, rejects it as incompatible with its
# fixed Bool input and raises "did not contain a loop", where a fresh
# process returns the '??->?' result.  ndmem answers as a fresh NumPy, so
# these grids take NumPy's answers from a new interpreter, where no earlier
# call has filled the cache.

_COMPARE_CASE = '''
import warnings
VALUES = [True, 0, -1, 5, 300, 2**63, 2**70, -2**70, 2.5, float("nan"), 1e300, 1j, 2 + 0j]


def compare_outcome(m, case):
    name, dtype, other, kw, reverse = case
    # dtype ["py", i]: the Python scalar VALUES[i] instead of an array
    a = VALUES[dtype[1]] if isinstance(dtype, list) else m.array([0, 1, 2]).astype(dtype)
    if isinstance(other, int):
        b = VALUES[other]
    else:
        kind, t = other
        b = m.array([2, 1, 0]).astype(t)
        b = b[0] if kind == "scalar" else b[0:1].reshape(()) if kind == "0d" else b
    kw = {k: tuple(v) if isinstance(v, list) else v for k, v in kw.items()}
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            r = getattr(m, name)(*((b, a) if reverse else (a, b)), **kw)
    except TypeError:
        return "TypeError"  # (NumPy's subclass depends on its cache too)
    except Exception as e:  # noqa: BLE001 - the type is the result
        return type(e).__name__
    return [str(r.dtype), m.asarray(r).tolist(),
            sorted({w.category.__name__ for w in caught})]
'''
exec(_COMPARE_CASE)  # compare_outcome and VALUES, the same code NumPy runs below

_FRESH_NUMPY = _COMPARE_CASE + '''
import json, sys
import numpy
print(json.dumps([compare_outcome(numpy, c) for c in json.load(sys.stdin)]))
'''


def fresh_numpy_outcomes(cases):
    """compare_outcome of each case in a new interpreter's NumPy."""
    done = subprocess.run([sys.executable, "-c", _FRESH_NUMPY], input=json.dumps(cases),
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def _same_as_fresh_numpy(cases):
    want = fresh_numpy_outcomes(cases)
    for case, w in zip(cases, want):
        got = json.loads(json.dumps(compare_outcome(ndmem, case)))
        assert got == w, case


COMPARISONS = ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal"]
CMP_DTYPES = ["?", "u1", "i1", "i8", "u8", "f2", "f4", "f8", "c8", "c16"]
CMP_SIG_TYPES = ["?", "u1", "i1", "i8", "u8", "f4", "f8", "c16"]
CASTINGS = [None, "no", "equiv", "safe", "same_kind", "unsafe"]


def _signature_kwargs(t, scalar_slot):
    """dtype=, an output-only signature and signatures fixing the scalar's
    slot, the array's slot, both, both and the output."""
    slot = [None, None, None]
    slot[scalar_slot] = t
    other = [None, None, None]
    other[1 - scalar_slot] = t
    return [{"dtype": t}, {"signature": [None, None, t]}, {"signature": slot},
            {"signature": other}, {"signature": [t, t, None]}, {"signature": [t, t, "?"]}]


@pytest.mark.parametrize("name", COMPARISONS)
def test_comparison_python_scalar_under_signature(name):
    """Comparisons of an array with a Python scalar under dtype=,
    signature= and casting= as NumPy 2 dispatches them: the loop of exactly
    the signature's and the array's types; a free Python int against an
    integer type takes NumPy's exact Python-int loop (equal(bool_arr, -1,
    signature=('u1', None, None)) is all False); otherwise the type-tuple
    search, a free scalar judged weak when the array's kind is at least its
    own; a scalar in a plain loop is converted to that loop's type, which
    casting='equiv' refuses unless it is the scalar's default type (before
    the conversion could overflow), while the array is checked under the
    casting rule."""
    cases = []
    for dtype in CMP_DTYPES:
        for v in range(len(VALUES)):
            for reverse in (False, True):
                kws = [{}] + [k for t in CMP_SIG_TYPES
                              for k in _signature_kwargs(t, 0 if reverse else 1)]
                for kw in kws:
                    for casting in CASTINGS:
                        full = dict(kw, casting=casting) if casting else dict(kw)
                        cases.append([name, dtype, v, full, reverse])
    # every second case for two comparisons, a fifth for the others (their
    # dispatch is the same code)
    step = 2 if name in ("equal", "less") else 5
    cases = cases[COMPARISONS.index(name) % step::step]
    _same_as_fresh_numpy(cases)


@pytest.mark.parametrize("name", ["less", "equal"])
def test_comparison_arrays_under_signature(name):
    """Array, NumPy scalar and 0-d operands under signatures: as above,
    and NumPy's mixed 'qQ->?'/'Qq->?' loops (longlong DTypes) are reached
    by its promoter, so by an output-only signature, never by one fixing
    an input (equal(int64_arr, uint64_arr, signature=('i8', 'u8', None))
    finds no loop)."""
    types = ["?", "u1", "i1", "i8", "u8", "f4", "f8", "c8", ">i2"]
    sigs = [None, "?", "u1", "i8", "u8", "f4", "f8"]
    cases = []
    for k, (t1, t2, s0, s1, s2, casting) in enumerate(itertools.product(
            types, types, sigs, sigs, [None, "?", "f8"], ["same_kind", "no", "equiv", "unsafe"])):
        kind = ("array", "scalar", "0d")[k % 3]
        cases.append([name, t1, [kind, t2], {"signature": [s0, s1, s2], "casting": casting},
                      False])
    _same_as_fresh_numpy(cases[::3])


def _uninitialised_in_numpy(i, j, sig):
    """NumPy's Python-int loop takes the free int, and the other Python
    scalar, whose slot the signature fixes to an integer type, is left
    uninitialised (its result is whatever that memory holds)."""
    fixed = [k for k in (0, 1) if sig[k] is not None]
    return (len(fixed) == 1 and type(VALUES[(i, j)[1 - fixed[0]]]) is int
            and sig[fixed[0]] in ("u1", "i1", "i8", "u8") and sig[2] in (None, "?"))


@pytest.mark.parametrize("name", ["less", "equal"])
def test_comparison_two_python_scalars_under_signature(name):
    """Two Python scalars: nothing is weak (no array to be weak against),
    so a free one must cast safely from its default type
    (less(0, 2, signature=('f4', None, None)) finds no loop).  NumPy's
    uninitialised-operand case (_uninitialised_in_numpy) is left out of the
    comparison with NumPy; ndmem converts that scalar to the signature's
    type as item assignment does (test below)."""
    cases = []
    for i, j in itertools.product(range(len(VALUES)), repeat=2):
        for t in CMP_SIG_TYPES:
            for sig in ([t, None, None], [None, t, None], [t, t, None], [t, t, "?"]):
                if _uninitialised_in_numpy(i, j, sig):
                    continue
                for casting in (None, "no", "equiv", "unsafe"):
                    kw = {"signature": sig, **({"casting": casting} if casting else {})}
                    cases.append([name, ["py", i], j, kw, False])
    _same_as_fresh_numpy(cases[::3])


def test_comparison_fixed_python_scalar_against_python_int_loop():
    """The case NumPy leaves uninitialised: the fixed scalar is converted
    to the signature's type (OverflowError out of its range, as item
    assignment), the free int compared exactly."""
    assert ndmem.less(0, 2, signature=("i8", None, None)) == (0 < 2)
    assert ndmem.equal(7, 2, signature=("i8", None, None)) == (7 == 2)
    assert ndmem.greater(2**70, 5, signature=(None, "u1", None)) == (2**70 > 5)
    assert ndmem.less(5, -2**70, signature=("u8", None, None)) == (5 < -2**70)
    with pytest.raises(OverflowError):
        numpy.zeros(1, "u1")[0] = 300
    with pytest.raises(OverflowError):
        ndmem.less(300, 2, signature=("u1", None, None))


def test_comparison_signature_ignores_earlier_calls():
    """The NumPy dispatch-cache case in the comment above: ndmem's answer
    does not depend on what ran before."""
    def second(m):
        b, u = m.array([0, 1, 2]).astype("?"), m.array([2, 1, 0], "u1")
        m.less(b, u, signature=(None, "u1", "?"), casting="unsafe")
        return m.less(b, u, signature=("?", None, "?"), casting="unsafe").tolist()
    fresh = fresh_numpy_outcomes([["less", "?", ["array", "u1"],
                                   {"signature": ["?", None, "?"], "casting": "unsafe"},
                                   False]])[0]
    assert ["bool", second(ndmem), []] == fresh
