"""Differential tests of every ufunc kernel (loops.c, loops_math.c) against
NumPy: each loop of each ufunc on special and random values of its dtypes,
contiguous, strided and broadcast, with the floating-point warnings."""
import itertools
import warnings

import numpy as np
import pytest

import ndmem

OK_CHARS = set("?bBhHiIlLefdFD")

EXACT = """add subtract multiply divide floor_divide remainder fmod divmod
negative positive absolute fabs sign square reciprocal conjugate sqrt
floor ceil trunc rint copysign nextafter spacing modf frexp ldexp maximum
minimum fmax fmin equal not_equal less less_equal greater greater_equal
logical_and logical_or logical_xor logical_not bitwise_and bitwise_or
bitwise_xor invert left_shift right_shift bitwise_count gcd lcm isnan isinf
isfinite signbit heaviside clip deg2rad rad2deg degrees radians""".split()

# libm (or NumPy's SIMD) functions: compared within a few ulp.
APPROX = """power float_power cbrt exp exp2 expm1 log log2 log10 log1p
logaddexp logaddexp2 sin cos tan arcsin arccos arctan arctan2 sinh cosh
tanh arcsinh arccosh arctanh hypot""".split()

# Complex results NumPy computes with its own formulas: relative error.
COMPLEX_APPROX = {"absolute", "sign", "reciprocal", "divide", "square",
                  "multiply"}

ULP = {"e": 1, "f": 4, "d": 2}

RNG = np.random.default_rng(1234)


def np_ufunc(name):
    u = getattr(np, name, None)
    return u if isinstance(u, np.ufunc) else getattr(np._core.umath, name)


def nd_ufunc(name):
    u = getattr(ndmem, name, None)
    return u if isinstance(u, ndmem.ufunc) else getattr(ndmem._core, name)


def np_types(name):
    """NumPy's loops for ndmem's dtypes; its long long 'q'/'Q' loops are
    ndmem's int64/uint64 'l'/'L' ones (kept where they add a signature)."""
    mine = []
    for t in np_ufunc(name).types:
        if "q" in t or "Q" in t:
            t = t.replace("q", "l").replace("Q", "L")
            if t in mine:
                continue
        if set(t.replace("->", "")) <= OK_CHARS:
            mine.append(t)
    return mine


def real_specials(c):
    dt = np.dtype(c)
    if c == "?":
        return np.array([False, True])
    if dt.kind in "iu":
        info = np.iinfo(dt)
        vals = [0, 1, 2, 3, 7, 64, info.max, info.max - 1]
        if dt.kind == "i":
            vals += [-1, -2, -3, -7, -64, info.min, info.min + 1]
        vals += list(RNG.integers(info.min, info.max, 6, dtype=dt, endpoint=True))
        return np.array(vals, dtype=dt)
    fi = np.finfo(dt)
    vals = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 0.5, -0.5, 1.5,
            -2.5, 2.5, 3.0, -3.0, 0.1, 10.0, -10.0, 100.0, 0.999, -0.75,
            fi.tiny, fi.smallest_subnormal, -fi.smallest_subnormal, fi.max,
            -fi.max, fi.eps]
    vals += list(RNG.uniform(-5, 5, 6))
    return np.array(vals).astype(dt)


def specials(c):
    if c in "FD":
        part = real_specials("f" if c == "F" else "d")
        sub = part[[0, 1, 2, 3, 4, 5, 6, 7, 11, 16, 22, 26]]
        re, im = np.meshgrid(sub, sub)
        z = np.empty(re.size, dtype=c)
        z.real = re.ravel()
        z.imag = im.ravel()
        return z
    return real_specials(c)


def operands(name, sig):
    """Input arrays (NumPy) for one loop: cartesian products of specials."""
    ins = sig.split("->")[0]
    if len(ins) == 1:
        return [specials(ins)]
    if name == "ldexp":
        x = specials(ins[0])
        e = np.array([-1100, -150, -30, -1, 0, 1, 5, 30, 200, 1100],
                     dtype=ins[1])
        a, b = np.meshgrid(x, e)
        return [a.ravel(), b.ravel()]
    if len(ins) == 3:
        x = specials(ins[0])
        lo, hi = specials(ins[1])[:6], specials(ins[2])[:6]
        lo, hi = np.meshgrid(lo, hi)
        n = lo.size
        xs = np.resize(x, n * 3)
        return [xs, np.resize(lo.ravel(), n * 3), np.resize(hi.ravel(), n * 3)]
    a = specials(ins[0])
    b = specials(ins[1])
    if name == "power" and ins[1] in "bhilBHIL":
        b = b[(b >= 0) & (b < 40)]
    aa, bb = np.meshgrid(a, b)
    return [aa.ravel(), bb.ravel()]


def to_nd(a):
    return ndmem.array(a)


def catch(fn):
    """Result (or exception) and the warnings fn raised under 'warn'."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            res = fn()
        except Exception as e:  # noqa: BLE001 - compared with NumPy's
            res = e
    return res, sorted((x.category.__name__, str(x.message)) for x in w)


def ulp_diff(x, y):
    """Ulp distance of two same-dtype float arrays (nan == nan)."""
    dt = x.dtype
    ity = {2: np.int16, 4: np.int32, 8: np.int64}[dt.itemsize]
    xi = x.view(ity).astype(np.int64)
    yi = y.view(ity).astype(np.int64)
    big = np.int64(1) << (dt.itemsize * 8 - 1)
    xi = np.where(xi < 0, -(xi + big), xi)
    yi = np.where(yi < 0, -(yi + big), yi)
    d = np.abs(xi - yi)
    both_nan = np.isnan(x) & np.isnan(y)
    return np.where(both_nan, 0, d)


def assert_same(name, got, exp, approx, ctx):
    got = np.asarray(got)
    assert got.dtype == exp.dtype, ctx
    assert got.shape == exp.shape, ctx
    if exp.dtype.kind not in "fc":
        np.testing.assert_array_equal(got, exp, err_msg=ctx)
        return
    if exp.dtype.kind == "c":
        if approx:
            rtol = 1e-5 if exp.dtype.char == "F" else 1e-13
            atol = np.finfo(exp.real.dtype).tiny
            np.testing.assert_array_equal(np.isnan(got), np.isnan(exp), ctx)
            fin = np.isfinite(exp)
            err = np.abs(got[fin] - exp[fin])
            bad = ~(err <= rtol * np.abs(exp[fin]) + atol)
            assert not bad.any(), (ctx, got[fin][bad][:5], exp[fin][bad][:5])
            return
        for part in ("real", "imag"):
            assert_same(name, getattr(got, part), getattr(exp, part),
                        False, ctx + " " + part)
        return
    if approx:
        d = ulp_diff(got, exp)
        bad = d > ULP[exp.dtype.char]
        assert not bad.any(), (ctx, got[bad][:5], exp[bad][:5])
        return
    np.testing.assert_array_equal(np.isnan(got), np.isnan(exp), err_msg=ctx)
    np.testing.assert_array_equal(got, exp, err_msg=ctx)
    if name not in ("fmax", "fmin", "clip"):  # NumPy: +-0 ties vary by layout
        zero = (exp == 0) & (got == 0)
        np.testing.assert_array_equal(np.signbit(got[zero]),
                                      np.signbit(exp[zero]), err_msg=ctx)


def run_loop(name, sig, layout):
    nu, u = nd_ufunc(name), np_ufunc(name)
    arrs = operands(name, sig)
    if layout == "strided":
        arrs = [np.repeat(a, 2)[::2] for a in arrs]
        nds = [to_nd(np.repeat(a, 2))[::2] for a in arrs]
    elif layout == "scalar":
        arrs = [arrs[0][:1]] + arrs[1:] if len(arrs) > 1 else arrs
        nds = [to_nd(a) for a in arrs]
    elif layout == "scalar2":
        arrs = [arrs[0]] + [a[:1] for a in arrs[1:]]
        nds = [to_nd(a) for a in arrs]
    else:
        nds = [to_nd(a) for a in arrs]
    approx = name in APPROX or (name in COMPLEX_APPROX and
                                set(sig) & set("FD"))
    with np.errstate(all="warn", under="ignore"):
        exp, wexp = catch(lambda: u(*arrs))
    with ndmem.errstate(all="warn", under="ignore"):
        got, wgot = catch(lambda: nu(*nds))
    ctx = f"{name} {sig} {layout}"
    if isinstance(exp, Exception):
        assert type(got) is type(exp), (ctx, got)
        assert str(got) == str(exp), ctx
        return
    assert not isinstance(got, Exception), (ctx, got)
    if isinstance(exp, tuple):
        assert isinstance(got, tuple) and len(got) == len(exp), ctx
        for g, e in zip(got, exp):
            assert_same(name, g, e, approx, ctx)
    else:
        assert_same(name, got, exp, approx, ctx)
    assert wgot == wexp, ctx


ALL = EXACT + APPROX
CASES = [(n, s) for n in ALL for s in dict.fromkeys(np_types(n))]


@pytest.mark.parametrize("name", ALL)
def test_types_and_identity(name):
    nu, u = nd_ufunc(name), np_ufunc(name)
    assert nu.types == np_types(name)
    assert (nu.nin, nu.nout) == (u.nin, u.nout)
    assert nu.identity == u.identity
    assert type(nu.identity) is type(u.identity)


@pytest.mark.parametrize("name,sig", CASES)
def test_loop(name, sig):
    for layout in ("contiguous", "strided", "scalar", "scalar2"):
        if layout.startswith("scalar") and len(sig.split("->")[0]) == 1:
            continue
        run_loop(name, sig, layout)


@pytest.mark.parametrize("c", "bhilBHIL")
def test_integer_power_negative_exponent(c):
    a = np.array([2, 3, 4], dtype=c)
    b = np.array([1, 2, -1] if c.islower() else [1, 2, 3], dtype=c)
    exp, _ = catch(lambda: np.power(a, b))
    got, _ = catch(lambda: ndmem.power(to_nd(a), to_nd(b)))
    if isinstance(exp, Exception):
        assert type(got) is type(exp) and str(got) == str(exp)
    else:
        np.testing.assert_array_equal(np.asarray(got), exp)


@pytest.mark.parametrize("c", "efdFD")
@pytest.mark.parametrize("n", [0, 1, 5, 7, 8, 9, 16, 17, 127, 128, 129, 255,
                               256, 1000, 1031, 5000])
def test_add_reduce_pairwise(c, n):
    a = RNG.standard_normal(n) * 10 ** RNG.uniform(-3, 3, n)
    if c in "FD":
        a = a + 1j * RNG.standard_normal(n)
    a = a.astype(c)
    for x, y in ((a, to_nd(a)), (np.repeat(a, 3)[::3], to_nd(np.repeat(a, 3))[::3])):
        got = np.asarray(ndmem.add.reduce(y))
        exp = np.add.reduce(x)
        assert got.tobytes() == np.asarray(exp).tobytes(), (c, n, got, exp)


@pytest.mark.parametrize("name", ["multiply", "maximum", "minimum", "fmax",
                                  "fmin", "subtract"])
@pytest.mark.parametrize("c", "bhlLefdFD")
def test_other_reduce(name, c):
    if c not in "".join(t[0] for t in np_types(name)):
        return
    a = specials(c)
    if name in ("maximum", "minimum") and c in "efd":
        a = a[~np.isnan(a)]     # NaN propagation checked below
    with np.errstate(all="ignore"), ndmem.errstate(all="ignore"):
        for arr in (a, a[::-1], np.concatenate([a, [np.nan]]).astype(c)
                    if c in "efdFD" else a):
            exp = getattr(np, name).reduce(arr)
            got = getattr(ndmem, name).reduce(to_nd(arr))
            np.testing.assert_array_equal(np.asarray(got), exp)


@pytest.mark.parametrize("c", "efd")
def test_float16_reduce_accumulates_in_float32(c):
    a = np.full(300, 0.1, dtype=c)
    for name in ("add", "multiply", "subtract"):
        got = np.asarray(getattr(ndmem, name).reduce(to_nd(a)))
        exp = getattr(np, name).reduce(a)
        assert got.tobytes() == np.asarray(exp).tobytes(), name


def test_in_place_and_out():
    a = RNG.standard_normal(100)
    x = to_nd(a.copy())
    ndmem.multiply(x, x, out=x)
    np.testing.assert_array_equal(np.asarray(x), a * a)
    ndmem.sqrt(x, out=x)
    np.testing.assert_array_equal(np.asarray(x), np.sqrt(a * a))


@pytest.mark.parametrize("c", "bBhHiIlL")
@pytest.mark.parametrize("name", ["floor_divide", "remainder", "divmod"])
def test_integer_division_without_special_divisors(c, name):
    # no 0 or -1 divisor: the kernels' unchecked (vectorized) paths
    info = np.iinfo(c)
    a = np.concatenate([RNG.integers(info.min, info.max, 300, dtype=c,
                                     endpoint=True),
                        np.array([info.min, info.max, 0, 1], dtype=c)])
    b = RNG.integers(info.min, info.max, a.size, dtype=c, endpoint=True)
    b[::4] = RNG.integers(1, 10, b[::4].size)
    b[(b == 0) | (b == -1 if info.min < 0 else b == 0)] = 3
    nu, u = nd_ufunc(name), np_ufunc(name)
    cases = [(a, b)] + [(a, b[k:k + 1]) for k in range(12)]
    for x, y in cases:
        exp = u(x, y)
        got = nu(to_nd(x), to_nd(y))
        for g, e in zip(got if name == "divmod" else [got],
                        exp if name == "divmod" else [exp]):
            np.testing.assert_array_equal(np.asarray(g), e)
            assert np.asarray(g).dtype == e.dtype


def raised(lib, fn):
    """fn under errstate(all='raise'): the result's bytes or the FP error text."""
    with lib.errstate(all="raise"):
        try:
            r = fn()
        except FloatingPointError as e:
            return "raised", str(e)
    return np.asarray(r).dtype.str, np.asarray(r).tobytes()


POWER_BASES = [5e-324, -5e-324, 1e-310, 1e-300, 0.0, -0.0, 1.0, -1.0, 4.0, 1e300,
               np.inf, -np.inf, np.nan, 1e-40, 1e-45]


@pytest.mark.parametrize("c", "fd")
@pytest.mark.parametrize("exponent", [-1.0, 0.0, 0.5, 1.0, 2.0, 3.0])
def test_power_with_a_broadcast_exponent(c, exponent):
    """NumPy's float32/float64 power loops take a broadcast exponent of -1,
    0, 0.5, 1 or 2 as 1/x, 1, sqrt(x), x, x*x (POWER_FAST_PATH): no
    underflow for power(5e-324, 1), power(-0.0, 0.5) is -0.0 and
    power(-inf, 0.5) nan with 'invalid'.  An exponent array of the same
    length goes through pow.  (A one-element array with a one-element
    exponent array is left out: NumPy passes it to pow, ndmem's iterator
    gives it stride 0 like a broadcast one.)"""
    with np.errstate(all="ignore"):
        x = np.array(POWER_BASES).astype(c)
    e = np.full(1, exponent, c)
    cases = [
        lambda m: m.power(m.asarray(x), m.asarray(e)),           # broadcast array
        lambda m: m.power(m.asarray(x), exponent),               # Python scalar
        lambda m: m.power(m.asarray(x)[::-1], m.asarray(e)[0]),  # strided, 0-d exponent
        lambda m: m.asarray(x) ** exponent,
    ]
    if c == "d":  # float32 pow differs from NumPy's SVML by an ulp here and there
        cases.append(lambda m: m.power(m.asarray(x), m.asarray(np.full(x.size, exponent, c))))
    for k in range(x.size):  # one value at a time: each its own flags
        cases.append(lambda m, k=k: m.power(m.asarray(x[k:k + 1]), exponent))
    for case in cases:
        assert raised(ndmem, lambda: case(ndmem)) == raised(np, lambda: case(np))


def test_power_without_fast_path():
    """float_power and float16 power always call pow (NumPy's float16 loop:
    powf, so 0 ** -inf is inf without a divide-by-zero flag)."""
    with np.errstate(all="ignore"):
        x = np.array(POWER_BASES)
    for exponent in (0.5, 1.0, -np.inf):
        for c in "ed":
            ufunc = "power" if c == "e" else "float_power"
            with np.errstate(all="ignore"):
                xc = x.astype(c)
            for k in range(xc.size):
                got = raised(ndmem, lambda: getattr(ndmem, ufunc)(ndmem.asarray(xc[k:k + 1]),
                                                                  xc.dtype.type(exponent)))
                exp = raised(np, lambda: getattr(np, ufunc)(xc[k:k + 1], xc.dtype.type(exponent)))
                assert got == exp, (ufunc, c, xc[k], exponent)


@pytest.mark.parametrize("c", "efd")
def test_spacing_flags(c):
    """spacing(+-0) is the smallest subnormal with no underflow flag (NumPy);
    a subnormal input still raises it, inf gives nan ('invalid' for float16
    only), the largest finite value overflows."""
    info = np.finfo(c)
    values = [0.0, -0.0, info.smallest_subnormal, -info.smallest_subnormal,
              info.smallest_normal, 1.0, -1.0, info.max, -info.max, np.inf, -np.inf, np.nan]
    for v in values:
        a = np.array([v], c)
        for make in (lambda m: m.asarray(a), lambda m: m.asarray(np.repeat(a, 20))[::2],
                     lambda m: m.asarray(a)[0]):
            assert raised(ndmem, lambda: ndmem.spacing(make(ndmem))) == \
                raised(np, lambda: np.spacing(make(np))), (c, v)


def zero_layouts(m, dt, n, swap):
    """fmax/fmin operands of +0.0 and -0.0 in the layouts NumPy's loops
    tell apart: contiguous, strided, broadcast, negative strides, 2-d."""
    a, b = m.zeros(4 * n + 8, dt), -m.zeros(4 * n + 8, dt)
    if swap:
        a, b = b, a
    return {
        "contiguous": (a[:n], b[:n], {}),
        "in place": (a[:n], b[:n], {"out": a[:n]}),
        "a strided": (a[:2 * n:2], b[:n], {}),
        "out strided": (a[:n], b[:n], {"out": m.empty(2 * n, dt)[::2]}),
        "b broadcast": (a[:n], b[:1], {}),
        "a negative": (a[:n][::-1], b[:n], {}),
        "2-d": (a[:2 * n].reshape(2, n), b[:2 * n].reshape(2, n), {}),
        "2-d transposed": (a[:2 * n].reshape(n, 2).T, b[:2 * n].reshape(n, 2).T, {}),
    }


@pytest.mark.parametrize("name", ["fmax", "fmin", "maximum", "minimum"])
@pytest.mark.parametrize("c", "efd")
def test_signed_zero_ties(name, c):
    """Which zero fmax(+0.0, -0.0) returns: NumPy's AVX-512 loops give b
    from the vector instruction and a from GCC's scalar code for part of
    the tail after the last whole vector, by position (contiguous float32:
    tail element 0; float64: 0, 1, 2, 4, 5; float64 strided or broadcast:
    0; float32 strided or any negative stride: none).  Measured on this
    project's AMD Zen 4 (avx512f/dq/bw/vl), not a rule NumPy documents.
    maximum/minimum give b, float16 a.  n = 1 is left out: NumPy passes a
    one-element array with its stride, ndmem's iterator with 0."""
    for n in list(range(2, 40)) + [63, 64, 65, 100]:
        for swap in (False, True):
            lay_np, lay_nd = zero_layouts(np, c, n, swap), zero_layouts(ndmem, c, n, swap)
            for key in lay_np:
                x, y, kw = lay_np[key]
                xn, yn, kwn = lay_nd[key]
                exp = np.signbit(getattr(np, name)(x, y, **kw))
                got = np.signbit(np.asarray(getattr(ndmem, name)(xn, yn, **kwn)))
                assert got.tolist() == exp.tolist(), (key, n, swap)


@pytest.mark.parametrize("name", ["fmax", "fmin"])
@pytest.mark.parametrize("c", "fd")
def test_two_nans(name, c):
    """Two NaNs of opposite sign: the vector lanes keep a, the scalar tail
    positions take b (the same positions as the zero ties)."""
    for n in (7, 9, 15, 17, 23):
        def layouts(m):
            a = m.full(3 * n, np.nan, c)
            b = -a
            return (a[:n], b[:n]), (a[::3], b[:n]), (b[:n], a[:n])
        for (x, y), (xn, yn) in zip(layouts(np), layouts(ndmem)):
            exp = np.signbit(getattr(np, name)(x, y))
            got = np.signbit(np.asarray(getattr(ndmem, name)(xn, yn)))
            assert got.tolist() == exp.tolist(), n
