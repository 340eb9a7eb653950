"""Scalar types against NumPy 2: hierarchy, names, construction, repr/str,
arithmetic (NEP 50, warnings, errors), conversions, hashing, pickling."""

import copy
import itertools
import math
import operator
import pickle
import random
import warnings

import numpy as np
import pytest

import ndmem as nm

NUMERIC = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64",
           "uint64", "float16", "float32", "float64", "complex64", "complex128"]
ABSTRACT = ["generic", "number", "integer", "signedinteger", "unsignedinteger",
            "inexact", "floating", "complexfloating", "flexible", "character"]
FLEXIBLE = ["str_", "bytes_", "void"]
ALL_TYPES = ABSTRACT + NUMERIC + FLEXIBLE


def outcome(f):
    """What running f gives: ('ok', repr, warnings) or ('exc', kind, warnings)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            r = f()
        except Exception as e:  # noqa: BLE001 - the kind is what we compare
            kind = next(k.__name__ for k in (OverflowError, ValueError, TypeError,
                                             ZeroDivisionError, IndexError, KeyError,
                                             Exception) if isinstance(e, k))
            res = ("exc", kind)
        else:
            if isinstance(r, tuple):
                res = ("ok", tuple(repr(x) for x in r))
            elif type(r).__name__ == "ndarray":
                res = ("ok", ("array", repr(r.tolist()), str(r.dtype), r.shape))
            else:
                res = ("ok", repr(r))
    msgs = [(w.category.__name__, str(w.message)) for w in caught]
    return res + (msgs,)


def same(fn_np, fn_nm):
    a = outcome(fn_np)
    b = outcome(fn_nm)
    assert b == a


def _close_repr(ra, rb):
    """Equal reprs, or the same type with values within a few ulps (NumPy's
    SIMD pow loops are not correctly rounded; ours are)."""
    if ra == rb:
        return True
    ta, _, va = ra.partition("(")
    tb, _, vb = rb.partition("(")
    if ta != tb or not (ta.startswith("np.float") or ta.startswith("np.complex")):
        return False
    x, y = complex(va.rstrip(")")), complex(vb.rstrip(")"))
    tol = 1e-6 if ta in ("np.float32", "np.complex64", "np.float16") else 1e-14
    return (abs(x - y) <= tol * max(abs(x), abs(y))) or (x != x and y != y)


def same_op(op, fn_np, fn_nm, ctx):
    a = outcome(fn_np)
    b = outcome(fn_nm)
    if op is operator.pow and a[0] == b[0] == "ok" and a[2] == b[2]:
        assert _close_repr(a[1], b[1]), (ctx, a, b)
        return
    assert b == a, ctx


# ---------------------------------------------------------------- types


@pytest.mark.parametrize("a,b", list(itertools.product(ALL_TYPES, ALL_TYPES)))
def test_hierarchy(a, b):
    assert issubclass(getattr(nm, a), getattr(nm, b)) == issubclass(getattr(np, a), getattr(np, b))


@pytest.mark.parametrize("name", ALL_TYPES + ["bool_"])
def test_names(name):
    t, r = getattr(nm, name), getattr(np, name)
    assert t.__name__ == r.__name__
    assert t.__module__ == "ndmem"
    assert repr(t) == repr(r).replace("numpy.", "ndmem.")


@pytest.mark.parametrize("name", NUMERIC + FLEXIBLE)
def test_python_bases(name):
    t, r = getattr(nm, name), getattr(np, name)
    for py in (float, complex, str, bytes, int):
        assert issubclass(t, py) == issubclass(r, py)
    assert [c.__name__ for c in t.__mro__] == [c.__name__ for c in r.__mro__]


ALIASES = ["byte", "ubyte", "short", "ushort", "intc", "uintc", "int_", "intp", "uintp",
           "long", "ulong", "longlong", "ulonglong", "half", "single", "double",
           "csingle", "cdouble", "bool_"]


@pytest.mark.parametrize("alias", ALIASES)
def test_aliases(alias):
    # longlong/ulonglong are separate classes in NumPy with the int64/uint64
    # layout; here they are the same types (same dtype)
    assert getattr(nm, alias) is getattr(nm, np.dtype(getattr(np, alias)).name)


def test_removed_names():
    for name in ("float_", "complex_", "unicode_", "string_"):
        assert hasattr(nm, name) == hasattr(np, name)


def test_bool_singletons():
    assert nm.bool_(1) is nm.True_ and nm.bool_(0) is nm.False_
    assert nm.bool is nm.bool_
    assert (nm.int8(1) == nm.int8(1)) is nm.True_


@pytest.mark.parametrize("name", ABSTRACT)
def test_abstract_not_instantiable(name):
    same(lambda: getattr(np, name)(), lambda: getattr(nm, name)())


# ---------------------------------------------------------- construction

CONSTRUCT = [
    (), (0,), (1,), (-1,), (5,), (127,), (128,), (255,), (256,), (300,), (-129,),
    (2**31,), (2**32,), (2**63 - 1,), (2**63,), (2**64 - 1,), (2**64,), (-2**63,), (2**70,),
    (True,), (False,), (1.5,), (3.9,), (-3.9,), (3.9e10,), (1e300,), (float("nan"),),
    (float("inf"),), (-0.0,), ("12",), (" 12 ",), ("1.5",), ("x",), ("0x10",), (b"12",),
    (None,), (1 + 2j,), ("1+2j",), (1, 2), (70000,), (65504.0,), (1e-8,), ([1],),
]


@pytest.mark.parametrize("name", NUMERIC)
@pytest.mark.parametrize("args", CONSTRUCT, ids=repr)
def test_construct(name, args):
    same(lambda: getattr(np, name)(*args), lambda: getattr(nm, name)(*args))


@pytest.mark.parametrize("src", ["int8", "uint8", "int64", "uint64", "float16", "float32",
                                 "float64", "complex64", "complex128", "bool"])
@pytest.mark.parametrize("dst", NUMERIC)
def test_construct_from_scalar(src, dst):
    for v in (0, 1, 100, 200, -1, 3.7, -2.5, 1e10, 70000.0):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                x = getattr(np, src)(v)
        except (OverflowError, ValueError):
            continue
        y = getattr(nm, src)(x.item())
        same(lambda: getattr(np, dst)(x), lambda: getattr(nm, dst)(y))


def test_construct_keywords_and_arity():
    same(lambda: np.float64(x=1), lambda: nm.float64(x=1))
    same(lambda: np.int8(1, 2), lambda: nm.int8(1, 2))
    same(lambda: np.float64(1, 2), lambda: nm.float64(1, 2))


@pytest.mark.parametrize("name,arg", [
    ("str_", "abc"), ("str_", ""), ("str_", 5), ("str_", b"x"), ("str_", "h\xe9llo\U0001f600"),
    ("bytes_", b"abc"), ("bytes_", b""), ("bytes_", "abc"), ("bytes_", 3), ("bytes_", "\xe9"),
    ("bytes_", b"a\x00"), ("bytes_", b"\x00a"), ("str_", "a\x00"), ("bytes_", -1), ("bytes_", None),
    ("bytes_", 3.5), ("bytes_", [1, 2]), ("bytes_", bytearray(b"xy")),
])
def test_construct_flexible(name, arg):
    same(lambda: getattr(np, name)(arg), lambda: getattr(nm, name)(arg))
    for f in (str, len, lambda v: v.item(), lambda v: v.tolist(), lambda v: v == arg, hash):
        same(lambda: f(getattr(np, name)(arg)), lambda: f(getattr(nm, name)(arg)))


def test_str_bytes_behave_like_builtins():
    s = nm.str_("abc")
    assert isinstance(s, str) and s == "abc" and s + "d" == "abcd" and s.upper() == "ABC"
    assert hash(s) == hash("abc")
    b = nm.bytes_(b"ab")
    assert isinstance(b, bytes) and b == b"ab" and len(b) == 2
    assert type(s.item()) is str and type(b.item()) is bytes


# ------------------------------------------------------------ repr / str

FLOAT_CORPUS = [0.0, -0.0, 1.0, -1.0, 0.1, 0.2, 0.3, 1.5, 2.5, 1 / 3, 2 / 3, 100000.0,
                123456789.0, 1e15, 9999999999999998.0, 1e16, 1.5e16, 1e17, 1e-4, 9.9e-5,
                1e-5, 1.5e-5, 1e-10, 1e-300, 5e-324, 1e300, 1.7976931348623157e308,
                3.4028234663852886e38, 1.1754943508222875e-38, 1.401298464324817e-45,
                65504.0, 6.103515625e-05, 5.960464477539063e-08, 0.00010001, 12345.678,
                float("nan"), float("inf"), float("-inf"), 16777216.0, 16777217.0,
                3.14159265358979, 2.718281828, 1e22, 1e23, 0.1 + 0.2, 1e-7, 4.35, 0.3 - 0.1]


@pytest.mark.parametrize("name", ["float16", "float32", "float64"])
def test_float_repr_corpus(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for v in FLOAT_CORPUS:
            for s in (v, -v):
                x = getattr(np, name)(s)
                y = getattr(nm, name)(float(x))
                assert repr(y) == repr(x), s
                assert str(y) == str(x), s


def test_float16_repr_every_value():
    bits = np.arange(65536, dtype=np.uint16).view(np.float16)
    for x in bits:
        y = nm.float16(float(x))
        assert repr(y) == repr(x)


def test_float32_repr_random():
    rng = random.Random(5)
    raw = np.array([rng.getrandbits(32) for _ in range(20000)], dtype=np.uint32).view(np.float32)
    small = np.array([rng.randint(0, 2**24) for _ in range(2000)], dtype=np.uint32).view(np.float32)
    # values near powers of two and simple decimals
    near = [np.float32(v) for v in (0.1, 0.2, 0.7, 1.1, 3.3, 1e-3, 2.5e-4, 8e7, 1.6e7)]
    near += [np.nextafter(np.float32(2.0) ** k, np.float32(0)) for k in range(-30, 30)]
    near += [np.float32(2.0) ** k for k in range(-149, 128)]
    for x in list(raw) + list(small) + near:
        y = nm.float32(float(x))
        assert repr(y) == repr(x)


def test_float64_repr_random():
    rng = random.Random(7)
    for _ in range(3000):
        v = rng.choice([rng.random(), rng.uniform(-1e20, 1e20), 10 ** rng.uniform(-30, 30),
                        math.ldexp(rng.random(), rng.randint(-1070, 1020))])
        assert repr(nm.float64(v)) == repr(np.float64(v))
        assert str(nm.float64(v)) == str(np.float64(v))


COMPLEX_CORPUS = [0j, 1 + 2j, -1 - 2j, 2j, -2j, complex(-0.0, 0.0), complex(0.0, -0.0),
                  complex(-0.0, -0.0), 1.5 + 0j, complex(1, float("nan")),
                  complex(float("nan"), 1), complex(float("inf"), -float("inf")),
                  complex(1e20, 1e-20), 0.1 + 0.2j, complex(1e16, 1), complex(0, 1e16),
                  complex(float("nan"), float("nan"))]


@pytest.mark.parametrize("name", ["complex64", "complex128"])
def test_complex_repr_corpus(name):
    for v in COMPLEX_CORPUS:
        x = getattr(np, name)(v)
        y = getattr(nm, name)(complex(x))
        assert repr(y) == repr(x), v
        assert str(y) == str(x), v


@pytest.mark.parametrize("name", NUMERIC[:9])
def test_int_repr(name):
    info = np.iinfo(name) if name != "bool" else None
    vals = [0, 1, 7] + ([info.min, info.max, info.max // 3] if info else [True, False])
    for v in vals:
        x, y = getattr(np, name)(v), getattr(nm, name)(v)
        assert repr(y) == repr(x)
        assert str(y) == str(x)


# ------------------------------------------------------------ arithmetic

SAMPLES = {
    "bool": [True, False],
    "int8": [-128, -7, 0, 3, 100, 127],
    "uint8": [0, 3, 200, 255],
    "int16": [-32768, -5, 0, 7, 32767],
    "uint16": [0, 5, 65535],
    "int32": [-2**31, -3, 0, 9, 2**31 - 1],
    "uint32": [0, 4, 2**32 - 1],
    "int64": [-2**63, -11, 0, 6, 2**63 - 1],
    "uint64": [0, 5, 2**64 - 1],
    "float16": [0.0, -0.0, 1.5, -2.25, 65504.0, float("nan"), float("inf")],
    "float32": [0.0, -0.0, 0.1, -3.5, 3e38, float("nan"), float("-inf")],
    "float64": [0.0, -0.0, 0.1, -7.25, 1e308, float("nan"), float("inf")],
    "complex64": [0j, 1 + 2j, -3.5 - 0.5j, complex(float("nan"), 1)],
    "complex128": [0j, 1 + 2j, -3.5 - 0.5j, complex(1e308, 1e308)],
}
PY_OPERANDS = [True, False, 0, 1, -3, 7, 200, 300, -129, 2**40, 2**63, 2**64, -2**63, 2**70,
               0.0, -0.0, 0.5, -2.5, 1e300, float("nan"), float("inf"), 1j, 1 + 2j, 0j]

BINOPS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv,
          operator.mod, divmod, operator.pow, operator.lshift, operator.rshift,
          operator.and_, operator.or_, operator.xor, operator.eq, operator.ne, operator.lt,
          operator.le, operator.gt, operator.ge]


def _pairs(values_a, values_b, k, seed):
    pairs = list(itertools.product(values_a, values_b))
    random.Random(seed).shuffle(pairs)
    return pairs[:k]


@pytest.mark.parametrize("op", BINOPS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("ta", NUMERIC)
def test_binop_scalar_scalar(op, ta):
    for tb in NUMERIC:
        for va, vb in _pairs(SAMPLES[ta], SAMPLES[tb], 6, hash((ta, tb)) & 0xffff):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                xa, xb = getattr(np, ta)(va), getattr(np, tb)(vb)
            ya, yb = getattr(nm, ta)(xa.item()), getattr(nm, tb)(xb.item())
            same_op(op, lambda: op(xa, xb), lambda: op(ya, yb), (ta, va, tb, vb))


@pytest.mark.parametrize("op", BINOPS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("ta", NUMERIC)
def test_binop_scalar_python(op, ta):
    for va, p in _pairs(SAMPLES[ta], PY_OPERANDS, 30, 11):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            xa = getattr(np, ta)(va)
        ya = getattr(nm, ta)(xa.item())
        same_op(op, lambda: op(xa, p), lambda: op(ya, p), (ta, va, p))
        same_op(op, lambda: op(p, xa), lambda: op(p, ya), (p, ta, va))


def test_binop_documented_cases():
    cases = [
        lambda m: m.int8(1) + 1, lambda m: m.int8(1) + 1.5, lambda m: m.float32(1) + 1.0,
        lambda m: m.uint8(1) + 300, lambda m: m.int64(1) + 1j, lambda m: m.float32(1) + 1j,
        lambda m: m.bool_(True) + 1, lambda m: m.int8(100) + m.int8(100),
        lambda m: m.int8(1) // m.int8(0), lambda m: m.int8(1) % m.int8(0),
        lambda m: m.float64(1) / m.float64(0), lambda m: m.int8(2) ** -1,
        lambda m: m.float16(60000) + m.float16(60000), lambda m: m.float16(0.1) * 3,
        lambda m: m.uint8(100) + 200, lambda m: m.float64(-7.5) // 2, lambda m: m.float64(-7.5) % 2,
        lambda m: divmod(m.int16(-7), m.int16(2)), lambda m: m.complex64(1 + 1j) ** 3,
        lambda m: m.complex128(1 + 1j) ** 0.5, lambda m: m.complex128(1) / m.complex128(0),
        lambda m: m.int8(-128) // m.int8(-1), lambda m: m.float64(0) // m.float64(0),
        lambda m: m.int64(2 ** 53 + 1) == m.uint64(2 ** 53), lambda m: m.int8(1) == None,  # noqa: E711
        lambda m: m.int8(1) < "a", lambda m: m.int8(1) + "a", lambda m: m.float64(1) + [1],
        lambda m: m.bool_(True) / m.bool_(False), lambda m: pow(m.int64(2), 3, 5),
        lambda m: m.float32(2) ** m.float32(200), lambda m: m.int8(2) ** m.int8(7),
        lambda m: m.int8(1) / 300,
        lambda m: [1, 2] * m.int64(2), lambda m: m.uint8(2) * (1, 2), lambda m: m.int8(2) * "ab",
        lambda m: m.float64(2) * [1, 2], lambda m: m.bool_(True) * [1],
        lambda m: m.float16(1) < 1e300, lambda m: m.float32(1) > 1e300,
        lambda m: m.int8(1) / 2**70, lambda m: m.int8(1) ** 300,
    ]
    for c in cases:
        same(lambda: c(np), lambda: c(nm))


FAST_OPS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow,
            operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge]
FAST_EXTRA = {"float64": [1.5, -1e-300, 5e-324, 2.0, 1e200, float("-inf")],
              "int64": [1, -1, 2**31, 3037000500, -2**62]}
FAST_PY = [0, 1, -3, 2**53 + 1, 2**62, 2**63, -2**63, -2**63 - 1, 2**70, True, 0.0, -0.0,
           0.5, -2.5, 1e300, 1e-300, float("nan"), float("inf"), float("-inf")]


@pytest.mark.parametrize("mode", ["warn", "raise", "ignore"])
@pytest.mark.parametrize("t", ["float64", "int64"])
def test_binop_common_kinds(t, mode):
    """float64 and int64 with their own type and Python scalars (the
    operations scalar code does most), every pair, under each errstate."""
    values = SAMPLES[t] + FAST_EXTRA[t]
    for op in FAST_OPS:
        for va in values:
            xa, ya = getattr(np, t)(va), getattr(nm, t)(va)
            others = [(getattr(np, t)(v), getattr(nm, t)(v)) for v in values]
            others += [(p, p) for p in FAST_PY]
            for xb, yb in others:
                with np.errstate(all=mode), nm.errstate(all=mode):
                    same_op(op, lambda: op(xa, xb), lambda: op(ya, yb), (t, va, yb))
                    same_op(op, lambda: op(xb, xa), lambda: op(yb, ya), (yb, t, va))


UFUNC_SCALARS = ["float64", "float32", "float16", "int64", "uint8", "bool", "complex128"]
UFUNC_VALUES = [0, 1, -2, 0.5, 1e300, float("nan"), float("-inf")]


def _ufunc_names():
    return sorted(n for n in dir(np) if isinstance(getattr(np, n), np.ufunc)
                  and isinstance(getattr(nm, n, None), nm.ufunc)
                  and getattr(np, n).nout == 1 and getattr(np, n).nin <= 2)


@pytest.mark.parametrize("mode", ["warn", "raise"])
@pytest.mark.parametrize("name", _ufunc_names())
def test_ufunc_on_scalars(name, mode):
    """Every one-output ufunc on ndmem and Python scalars: the value, its
    type and the floating-point warnings, as NumPy."""
    fn, fm = getattr(np, name), getattr(nm, name)
    pairs = []
    for t in UFUNC_SCALARS:
        for v in UFUNC_VALUES:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                x = np.array(v).astype(t)[()]
            pairs.append((x, getattr(nm, t)(x.item())))
    pairs += [(v, v) for v in (2.5, -3, True, 1j)]
    for xa, ya in pairs:
        others = [(xa, ya), (2.0, 2.0), (3, 3)] if fn.nin == 2 else [(None, None)]
        for xb, yb in others:
            args_np = (xa,) if fn.nin == 1 else (xa, xb)
            args_nm = (ya,) if fn.nin == 1 else (ya, yb)
            # (underflow as by default: the loops' own flags for it differ)
            with np.errstate(all=mode, under="ignore"), nm.errstate(all=mode, under="ignore"):
                # transcendental loops may differ by an ulp (as pow's do)
                same_op(operator.pow, lambda: fn(*args_np), lambda: fm(*args_nm),
                        (name, args_nm))


UNOPS = [operator.neg, operator.pos, abs, operator.invert]


@pytest.mark.parametrize("op", UNOPS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("t", NUMERIC)
def test_unary(op, t):
    for v in SAMPLES[t]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            x = getattr(np, t)(v)
        y = getattr(nm, t)(x.item())
        same(lambda: op(x), lambda: op(y))


UNDERFLOW_VALUES = {
    "float16": [1e-4, -1e-4, 3e-5, 2.0**-14, 2.0**-24, 1e-7, 0.1, 3.0, -3.0, 1e4, 65000.0, 0.0],
    "float32": [1e-20, -1e-20, 1e-30, 2.0**-126, 1e-40, 1e-45, 0.5, 3.0, 1e30, 0.0],
    "float64": [1e-160, -1e-160, 1e-200, 2.0**-1022, 1e-310, 5e-324, 0.5, 3.0, 1e300, 0.0],
}
UNDERFLOW_OPS = [operator.add, operator.sub, operator.mul, operator.truediv,
                 operator.floordiv, operator.mod, divmod, operator.pow]


def _fpe_outcome(f):
    """The result's repr, or the exception's type and text, with the warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = ("ok", repr(f()))
        except Exception as e:  # noqa: BLE001 - the kind is what we compare
            res = ("exc", type(e).__name__, str(e))
    return res + ([(w.category.__name__, str(w.message)) for w in caught],)


@pytest.mark.parametrize("mode", ["warn", "raise", "ignore"])
@pytest.mark.parametrize("t", ["float16", "float32", "float64"])
def test_binop_underflow(t, mode):
    """Products, quotients, remainders and powers that round into the
    subnormals or to zero report underflow as NumPy's scalar math does
    (float16 rounds each float result to half, both halves of divmod for
    // and % as npy_half_divmod), under each errstate."""
    values = UNDERFLOW_VALUES[t]
    xs = [(getattr(np, t)(v), getattr(nm, t)(v)) for v in values]
    for op in UNDERFLOW_OPS:
        for (xa, ya), (xb, yb) in itertools.product(xs, xs):
            with np.errstate(all=mode), nm.errstate(all=mode):
                a = _fpe_outcome(lambda: op(xa, xb))
                b = _fpe_outcome(lambda: op(ya, yb))
            assert b == a, (t, op.__name__, xa, xb)


@pytest.mark.parametrize("mode", ["warn", "raise"])
def test_binop_underflow_mixed(mode):
    """Underflow with a Python operand or a scalar of another type (the
    result type's rounding reports it; a Python float's conversion does not)."""
    ops = [operator.mul, operator.truediv, operator.pow, operator.mod]
    for t in ("float16", "float32"):
        for v in (1e-4, 1e-20, 3.0):
            others = [1e-5, 1e-30, 1e-310, 3, 2.0**-20]
            others += [(getattr(np, u)(1e-5), getattr(nm, u)(1e-5))
                       for u in ("float16", "float32", "float64")]
            for o in others:
                xb, yb = o if isinstance(o, tuple) else (o, o)
                xa, ya = getattr(np, t)(v), getattr(nm, t)(v)
                for op in ops:
                    with np.errstate(all=mode), nm.errstate(all=mode):
                        for fa, fb in ((lambda: op(xa, xb), lambda: op(ya, yb)),
                                       (lambda: op(xb, xa), lambda: op(yb, ya))):
                            assert _fpe_outcome(fb) == _fpe_outcome(fa), (t, v, op, yb)
    for t in ("float16", "float32", "float64"):
        for op in (operator.neg, operator.pos, abs):
            for v in UNDERFLOW_VALUES[t]:
                with np.errstate(all=mode), nm.errstate(all=mode):
                    assert (_fpe_outcome(lambda: op(getattr(nm, t)(v)))
                            == _fpe_outcome(lambda: op(getattr(np, t)(v))))


def test_float_math_exact():
    rng = random.Random(3)
    for t in ("float16", "float32", "float64"):
        for _ in range(300):
            a = rng.uniform(-100, 100)
            b = rng.uniform(-100, 100)
            xa, xb = getattr(np, t)(a), getattr(np, t)(b)
            ya, yb = getattr(nm, t)(float(xa)), getattr(nm, t)(float(xb))
            for op in (operator.add, operator.sub, operator.mul, operator.truediv,
                       operator.floordiv, operator.mod):
                assert repr(op(ya, yb)) == repr(op(xa, xb))


# ------------------------------------------------ conversions and methods

VALUES = [("bool", True), ("int8", -5), ("uint8", 200), ("int32", -7), ("uint64", 2**64 - 1),
          ("int64", 3), ("float16", 2.5), ("float32", 0.1), ("float64", 1.5),
          ("float64", float("nan")), ("float64", -3.5), ("float32", 2.0), ("complex64", 1 + 2j),
          ("complex128", 3 - 4j), ("float64", 1e300)]


@pytest.mark.parametrize("t,v", VALUES, ids=repr)
def test_conversions(t, v):
    x = getattr(np, t)(v)
    y = getattr(nm, t)(x.item())
    for f in (int, float, complex, bool, operator.index, lambda s: s.item(), lambda s: s.tolist(),
              lambda s: type(s.item()), lambda s: s.itemsize, lambda s: s.nbytes,
              lambda s: s.shape, lambda s: s.ndim, lambda s: s.size, lambda s: s.strides,
              lambda s: s.real, lambda s: s.imag, lambda s: s.conjugate(), round,
              lambda s: round(s, 1), lambda s: round(s, -1), lambda s: s.is_integer(),
              lambda s: s.dtype.name, lambda s: s.item(0), lambda s: s.item(()),
              lambda s: s.item(1), lambda s: s.as_integer_ratio(), copy.copy, copy.deepcopy):
        same(lambda: f(x), lambda: f(y))


@pytest.mark.parametrize("t,v", VALUES, ids=repr)
def test_hash(t, v):
    x = getattr(np, t)(v)
    y = getattr(nm, t)(x.item())
    if isinstance(x.item(), float) and math.isnan(x.item()):
        assert hash(y) == hash(y)
    else:
        assert hash(y) == hash(x) == hash(x.item())
    assert {y: 1}[y] == 1


@pytest.mark.parametrize("t,v", VALUES + [("str_", "abc"), ("bytes_", b"xy")], ids=repr)
def test_pickle(t, v):
    y = getattr(nm, t)(v)
    for proto in range(pickle.HIGHEST_PROTOCOL + 1):
        z = pickle.loads(pickle.dumps(y, proto))
        assert type(z) is type(y)
        assert repr(z) == repr(y)


@pytest.mark.parametrize("t,v", VALUES, ids=repr)
@pytest.mark.parametrize("to", NUMERIC)
def test_astype(t, v, to):
    x = getattr(np, t)(v)
    y = getattr(nm, t)(x.item())
    same(lambda: x.astype(to), lambda: y.astype(to))
    same(lambda: x.astype(getattr(np, to)), lambda: y.astype(getattr(nm, to)))


def test_astype_string():
    same(lambda: np.float64(1.5).astype("U5"), lambda: nm.float64(1.5).astype("U5"))
    same(lambda: np.int64(12).astype("S3"), lambda: nm.int64(12).astype("S3"))


def test_dtype_attribute():
    for t in NUMERIC:
        assert getattr(nm, t)(0).dtype == nm.dtype(t)
        assert nm.dtype(t).type is getattr(nm, t)
    assert nm.str_("abc").dtype == nm.dtype("U3")
    assert nm.bytes_(b"ab").dtype == nm.dtype("S2")


# ------------------------------------------------------------------ void

def _people(m):
    return m.array([("Alice", 25, 85.5), ("Bob", 30, 90.0)],
                   dtype=[("name", "U10"), ("age", "i4"), ("score", "f4")])


def test_void_structured():
    a, b = _people(np), _people(nm)
    x, y = a[0], b[0]
    assert type(y) is nm.void
    assert repr(y) == repr(x)
    assert str(y) == str(x)
    for key in ("name", "age", "score", 0, 1, 2, -1):
        assert repr(y[key]) == repr(x[key])
    for key in ("nope", 3, -4):
        same(lambda: x[key], lambda: y[key])
    assert len(y) == len(x)
    assert y.item() == x.item()
    assert y.dtype == nm.dtype([("name", "U10"), ("age", "i4"), ("score", "f4")])
    x["age"] = 31
    y["age"] = 31
    assert b[0]["age"] == a[0]["age"] == 31
    assert repr(b[0]) == repr(a[0])


def test_void_unstructured():
    for arg in (3, b"ab", b"\x00\xff"):
        same(lambda: np.void(arg), lambda: nm.void(arg))
        same(lambda: str(np.void(arg)), lambda: str(nm.void(arg)))
        same(lambda: np.void(arg).item(), lambda: nm.void(arg).item())


def test_void_pickle():
    y = _people(nm)[1]
    z = pickle.loads(pickle.dumps(y))
    assert repr(z) == repr(y)


@pytest.mark.parametrize("t,v", VALUES, ids=repr)
def test_format_and_subscript(t, v):
    x = getattr(np, t)(v)
    y = getattr(nm, t)(x.item())
    for spec in ("", ".2f", "10", "g", "03d", ".1e"):
        same(lambda: format(x, spec), lambda: format(y, spec))
        same(lambda: f"{x}", lambda: f"{y}")
    same(lambda: x[()], lambda: y[()])
    same(lambda: x[0], lambda: y[0])


@pytest.mark.parametrize("t,v", VALUES, ids=repr)
def test_array_methods(t, v):
    x = getattr(np, t)(v)
    y = getattr(nm, t)(x.item())
    for f in (lambda s: s.tobytes(), lambda s: s.sum(), lambda s: s.copy(),
              lambda s: s.reshape(1), lambda s: s.ravel(), lambda s: s.flags.writeable,
              lambda s: s[...], lambda s: s.max(), lambda s: s.any()):
        same(lambda: f(x), lambda: f(y))


@pytest.mark.parametrize("fmt,raw", [
    (">i4", b"\x00\x00\x01\x02"), ("<i4", b"\x00\x00\x01\x02"), (">f8", b"?\xf8" + b"\x00" * 6),
    (">c8", b"?\x80\x00\x00@\x00\x00\x00"), (">U2", b"\x00\x00\x00a\x00\x00\x00\x00"),
    ("<U2", b"a\x00\x00\x00b\x00\x00\x00"), ("S3", b"ab\x00"), (">u2", b"\xff\x00"), (">f2", b"<\x00"),
])
def test_from_data_byteorder(fmt, raw):
    x = np.frombuffer(raw, dtype=fmt)[0]
    y = nm.frombuffer(raw, dtype=fmt)[0]
    assert repr(y) == repr(x)
    assert type(y).__name__ == type(x).__name__
