"""ndmem.evaluate: the same expression written with ufuncs (ndmem: exact;
NumPy: exact for arithmetic, a few ulp where libm functions are involved),
out=, errstate, errors, threads and peak memory."""

import math
import tracemalloc
import warnings

import numpy
import pytest

import ndmem

FUNCS = ["sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh",
         "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "exp", "expm1", "exp2",
         "log", "log1p", "log10", "log2", "sqrt", "absolute", "conjugate", "square",
         "reciprocal", "floor", "ceil", "trunc", "fmod", "hypot", "maximum",
         "minimum", "copysign"]
TRANSCENDENTAL = set(FUNCS[:20]) | {"hypot", "abs"}  # complex abs is a hypot

EXPRS = [
    "a + b", "a - 2*b", "a*b + 1", "2*sin(a*b+1)", "a / b", "a // b", "a % b",
    "a ** 2", "a ** b", "b ** -1", "abs(a) ** 0.5", "-a + b", "+a", "~a",
    "abs(a - b)", "a < b", "a >= 1", "(a > 1) & (b < 3)", "(a == b) | (a != 1)",
    "a ^ b", "a << 1", "a >> 1", "a * 2.5 - b", "3 - a", "1j * a + b",
    "sqrt(abs(a)) + exp(-abs(b))", "arctan2(a, b)", "log1p(abs(a))",
    "conj(a) * b", "maximum(a, b) - minimum(a, 1)", "a * 300", "a + 2**40",
    "(a + b) * (a - b) / (abs(b) + 1)", "a - a", "a * 0.0 + b",
    "cos(a) ** 2 + sin(a) ** 2", "a + b * 3 - 1",
    "where(a > b, a, b * 2)", "where(a, b, 3)", "where(b < 2, 300, a)",
    "where(a != 0, 1.5, 2j)", "real(a) * 2 + imag(b)", "imag(a * b) - real(b)",
    "real(a + 1j) + imag(a - 2j)",
]
DTYPES = ["?", "i1", "u1", "i4", "i8", "u8", "f4", "f8", "c16"]


def namespace(mod, arrays):
    ns = {name: getattr(mod, name) for name in FUNCS}
    ns.update(abs=mod.absolute, conj=mod.conjugate, where=mod.where, real=mod.real,
              imag=mod.imag)
    ns.update(arrays)
    return ns


def outcome(fn):
    """The result, or the exception type; with warnings recorded."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            res = fn()
        except Exception as e:  # noqa: BLE001 - compared across libraries
            res = e
    return res, sorted((x.category.__name__, str(x.message)) for x in w)


def as_numpy(x):
    return numpy.asarray(x) if not isinstance(x, ndmem.ndarray) else numpy.array(x)


def make(dtype, shape, seed):
    rng = numpy.random.default_rng(seed)
    n = math.prod(shape)
    if dtype == "?":
        v = rng.integers(0, 2, n).astype(bool)
    elif dtype[0] in "iu":
        v = rng.integers(1, 5, n).astype(dtype)
    elif dtype[0] == "c":
        v = (rng.uniform(-2, 2, n) + 1j * rng.uniform(-2, 2, n)).astype(dtype)
    else:
        v = rng.uniform(-2, 2, n).astype(dtype)
    return v.reshape(shape)


def check_close(got, exp, approx, ctx, rtol=None):
    got = as_numpy(got)
    exp = numpy.asarray(exp)
    assert got.dtype == exp.dtype, ctx
    assert got.shape == exp.shape, ctx
    if not approx or exp.dtype.kind not in "fc":
        numpy.testing.assert_array_equal(got, exp, err_msg=ctx)
        return
    rtol = rtol or (1e-5 if exp.dtype.char in "fF" else 1e-13)
    fin = numpy.isfinite(exp)
    numpy.testing.assert_array_equal(numpy.isfinite(got), fin, err_msg=ctx)
    scale = numpy.abs(exp[fin]).max() if fin.any() else 0
    numpy.testing.assert_allclose(got[fin], exp[fin], rtol=rtol, atol=rtol * scale,
                                  err_msg=ctx)


def compare(expr, np_arrays, nm_arrays, **kw):
    """evaluate == the ndmem ufunc expression (exactly, same warnings) and
    NumPy's (exactly, or within libm tolerance)."""
    got, gw = outcome(lambda: ndmem.evaluate(expr, local_dict=nm_arrays, **kw))
    ref, rw = outcome(lambda: eval(expr, namespace(ndmem, nm_arrays)))
    npr, _ = outcome(lambda: eval(expr, namespace(numpy, np_arrays)))
    ctx = f"{expr} {[(getattr(v, 'dtype', v), numpy.shape(v)) for v in np_arrays.values()]}"
    if isinstance(ref, Exception):
        assert isinstance(got, type(ref)), (ctx, got, ref)
        assert isinstance(npr, Exception), ctx
        return
    assert not isinstance(got, Exception), (ctx, got)
    assert gw == rw, ctx
    assert isinstance(got, ndmem.ndarray)
    check_close(got, as_numpy(ref), False, ctx)
    approx = any(f in expr for f in TRANSCENDENTAL) or "**" in expr or "/" in expr
    single = any(getattr(v, "dtype", None) in (numpy.float32, numpy.complex64)
                 for v in np_arrays.values())
    check_close(got, npr, approx, ctx, 1e-5 if single else None)
    if isinstance(npr, numpy.ndarray):
        assert got.strides == npr.strides, ctx


@pytest.mark.parametrize("dtype", DTYPES)
def test_expressions_by_dtype(dtype):
    na, nb = make(dtype, (7, 5), 1), make(dtype, (7, 5), 2)
    with numpy.errstate(all="ignore"), ndmem.errstate(all="ignore"):
        for expr in EXPRS:
            compare(expr, {"a": na, "b": nb},
                    {"a": ndmem.asarray(na), "b": ndmem.asarray(nb)})


@pytest.mark.parametrize("da,db", [("i4", "f4"), ("u1", "i1"), ("f4", "f8"),
                                   ("?", "i8"), ("i8", "c16"), ("u8", "i8"),
                                   ("f4", "c16"), ("i1", "f4")])
def test_mixed_dtypes(da, db):
    na, nb = make(da, (6,), 3), make(db, (6,), 4)
    with numpy.errstate(all="ignore"), ndmem.errstate(all="ignore"):
        for expr in EXPRS:
            compare(expr, {"a": na, "b": nb},
                    {"a": ndmem.asarray(na), "b": ndmem.asarray(nb)})


def views(dtype):
    """(NumPy, ndmem) pairs of equal arrays in varied layouts."""
    base = make(dtype, (6, 8), 5)
    m = ndmem.asarray(base)
    return [
        (base, m),
        (base[::2, ::-3], m[::2, ::-3]),
        (base.T, m.T),
        (base[:, 1], m[:, 1]),
        (base[::-1], m[::-1]),
    ]


@pytest.mark.parametrize("dtype", ["i4", "f8", "c16"])
@pytest.mark.parametrize("shapes", [
    ((), ()), ((0,), (0,)), ((0, 3), (3,)), ((5,), ()), ((3, 1), (1, 4)),
    ((2, 3, 4), (3, 1)), ((4, 1, 2), (3, 1)), ((1,), (5,)),
])
def test_broadcasting(dtype, shapes):
    na, nb = make(dtype, shapes[0], 6), make(dtype, shapes[1], 7)
    with numpy.errstate(all="ignore"), ndmem.errstate(all="ignore"):
        for expr in ["a + b", "2*sin(a*b+1)", "a * b - 3", "a < b"]:
            compare(expr, {"a": na, "b": nb},
                    {"a": ndmem.asarray(na), "b": ndmem.asarray(nb)})


@pytest.mark.parametrize("dtype", ["u1", "f4", "f8", "c16"])
def test_strided_and_negative_strides(dtype):
    pairs = views(dtype)
    with numpy.errstate(all="ignore"), ndmem.errstate(all="ignore"):
        for i, (na, ma) in enumerate(pairs):
            for nb, mb in pairs[:i + 1]:
                if _broadcastable(na, nb):
                    compare("2*sin(a*b+1) - b", {"a": na, "b": nb}, {"a": ma, "b": mb})


def _broadcastable(x, y):
    try:
        numpy.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        return False
    return True


def test_result_layout_follows_inputs():
    for order in "KCFA":
        for na in [make("f8", (4, 6), 1), numpy.asfortranarray(make("f8", (4, 6), 1)),
                   make("f8", (6, 4), 1).T[::-1], make("f8", (1, 6), 1)]:
            a = ndmem.asarray(na)
            got = ndmem.evaluate("a * s", local_dict={"a": a, "s": ndmem.asarray(2.0)},
                                 order=order)
            exp = numpy.multiply(na, numpy.asarray(2.0), order=order)
            assert got.strides == exp.strides, (order, na.strides)
            assert got.flags.c_contiguous == exp.flags.c_contiguous
            numpy.testing.assert_array_equal(as_numpy(got), exp)


@pytest.mark.parametrize("order", "KCFA")
@pytest.mark.parametrize("shapes", [((3, 1), (1,)), ((3, 1), (1, 3)), ((1, 3), (3, 1)),
                                    ((4, 6), (6,)), ((4, 6), (4, 6)), ((1, 6), (1, 6)),
                                    ((6, 1), ()), ((2, 3, 4), (3, 1))])
@pytest.mark.parametrize("fortran", [False, True])
def test_two_input_layout_as_a_ufunc(shapes, order, fortran):
    """The output of 'a + b' is laid out as numpy.add(a, b, order=order)'s
    (length-1 axes, broadcasting, and order='A' included)."""
    na, nb = (make("f8", shape, seed) for seed, shape in enumerate(shapes, 1))
    if fortran:
        na = numpy.asfortranarray(na)
    got = ndmem.evaluate("a + b", local_dict={"a": ndmem.asarray(na), "b": ndmem.asarray(nb)},
                         order=order)
    exp = numpy.add(na, nb, order=order)
    assert got.strides == exp.strides
    assert (got.flags.c_contiguous, got.flags.f_contiguous) == \
        (exp.flags.c_contiguous, exp.flags.f_contiguous)
    numpy.testing.assert_array_equal(as_numpy(got), exp)


def test_large_arrays_across_blocks_and_threads():
    na = make("f8", (100_003,), 8)
    nb = make("f4", (100_003,), 9)
    a, b = ndmem.asarray(na), ndmem.asarray(nb)
    old = ndmem.get_num_threads()
    try:
        for nt in (1, 2, 3):
            ndmem.set_num_threads(nt)
            got = ndmem.evaluate("2*sin(a*b+1) + b**2")
            ref = 2 * ndmem.sin(a * b + 1) + b ** 2
            numpy.testing.assert_array_equal(as_numpy(got), as_numpy(ref))
            got = ndmem.evaluate("(a > 0.5) | (b < -1)")
            numpy.testing.assert_array_equal(as_numpy(got), (na > 0.5) | (nb < -1))
            # a flag raised only in the last block still reaches the caller
            z = ndmem.ones(300_000)
            z[-1] = 0
            with pytest.warns(RuntimeWarning, match="divide by zero encountered in divide"):
                ndmem.evaluate("1 / z + 1")
            with ndmem.errstate(divide="raise"), pytest.raises(FloatingPointError):
                ndmem.evaluate("1 / z + 1")
    finally:
        ndmem.set_num_threads(old)
    # a 2-d input whose rows are shorter than a block
    nc = make("f8", (3000, 7), 10)[:, ::2]
    c = ndmem.asarray(make("f8", (3000, 7), 10))[:, ::2]
    numpy.testing.assert_array_equal(as_numpy(ndmem.evaluate("c * c - 1")), nc * nc - 1)
    # C and Fortran inputs: the long axis is iterated innermost
    nd = make("f8", (20_000, 3), 11)
    cc, ff = ndmem.array(nd), ndmem.asfortranarray(ndmem.array(nd))
    got = ndmem.evaluate("cc * ff + 1")
    numpy.testing.assert_array_equal(as_numpy(got), nd * nd + 1)
    assert got.strides == (nd * nd + 1).strides


def test_python_scalars_are_weak():
    na = make("f4", (5,), 1)
    a = ndmem.asarray(na)
    x, k = 2.5, 3
    for expr in ["a * x", "a + k", "a * 1e300", "a + (2 * 3)", "a * (1 + 2j)",
                 "a + sin(1.0)", "a + True", "a > 2**70", "a - x * k"]:
        compare(expr, {"a": na, "x": x, "k": k}, {"a": a, "x": x, "k": k})
    ni = make("u1", (5,), 1)
    i = ndmem.asarray(ni)
    for expr in ["i + 300", "i + 255", "i < 300", "i == -1", "i + 1.5", "i // 2"]:
        compare(expr, {"i": ni}, {"i": i})
    s = ndmem.float32(2)
    compare("a * s + 1", {"a": na, "s": numpy.float32(2)}, {"a": a, "s": s})


def test_power_fast_paths_match_the_operator():
    na = numpy.array([-0.0, 0.0, -numpy.inf, 4.0, -1.0, numpy.nan], dtype="f8")
    a = ndmem.asarray(na)
    with numpy.errstate(all="ignore"), ndmem.errstate(all="ignore"):
        for expr in ["a ** 0.5", "a ** 2", "a ** -1", "a ** 2.0", "a ** 3",
                     "(a * 1) ** 0.5"]:
            compare(expr, {"a": na}, {"a": a})
    compare("i ** 2", {"i": numpy.arange(4)}, {"i": ndmem.arange(4)})
    compare("i ** -1", {"i": numpy.arange(1, 4)}, {"i": ndmem.arange(1, 4)})


def test_scalar_and_name_only_expressions():
    na = make("i4", (3, 2), 1)
    a = ndmem.asarray(na)
    r = ndmem.evaluate("a")
    assert not ndmem.shares_memory(r, a)
    numpy.testing.assert_array_equal(as_numpy(r), na)
    r = ndmem.evaluate("1 + 2")
    assert isinstance(r, ndmem.ndarray) and r.shape == () and r.dtype == ndmem.int64
    r = ndmem.evaluate("x * 2", local_dict={"x": ndmem.asarray(1.5)})
    assert isinstance(r, ndmem.ndarray) and r.shape == () and float(r) == 3.0


G = 7


def test_variables_from_the_callers_frame():
    a = ndmem.arange(5.0)
    b = 2
    c = ndmem.ones(5)
    numpy.testing.assert_array_equal(as_numpy(ndmem.evaluate("a * b + c - G")),
                                     numpy.arange(5.0) * 2 + 1 - G)
    assert ndmem.evaluate("a + g", global_dict={"g": 1}).tolist() == [1, 2, 3, 4, 5]
    assert ndmem.evaluate("a + b", local_dict={"a": a}, global_dict={"b": 10})[0] == 10


def test_out():
    na, nb = make("f8", (4, 5), 1), make("f8", (4, 5), 2)
    a, b = ndmem.array(na), ndmem.array(nb)
    out = ndmem.empty((4, 5))
    r = ndmem.evaluate("2*sin(a*b+1)", out=out)
    assert r is out
    numpy.testing.assert_array_equal(as_numpy(out), as_numpy(2 * ndmem.sin(a * b + 1)))
    # out of another dtype, under the casting rule
    out32 = ndmem.empty((4, 5), dtype="f4")
    with pytest.raises(TypeError):
        ndmem.evaluate("a + b", out=out32)
    ndmem.evaluate("a + b", out=out32, casting="same_kind")
    numpy.testing.assert_array_equal(as_numpy(out32), (na + nb).astype("f4"))
    outc = ndmem.empty((4, 5), dtype="c16")
    ndmem.evaluate("a - b", out=outc)
    numpy.testing.assert_array_equal(as_numpy(outc), (na - nb).astype("c16"))
    # a non-contiguous out, and a wrong shape
    big = ndmem.zeros((8, 10))
    ndmem.evaluate("a * b", out=big[::2, ::-2])
    numpy.testing.assert_array_equal(as_numpy(big)[::2, ::-2], na * nb)
    with pytest.raises(ValueError):
        ndmem.evaluate("a * b", out=ndmem.empty((5,)))
    with pytest.raises(ValueError):
        ro = ndmem.empty((4, 5))
        ro.flags.writeable = False
        ndmem.evaluate("a * b", out=ro)


def test_out_aliasing_an_input():
    na = make("f8", (20_000,), 1)
    a = ndmem.array(na)
    exp = as_numpy(2 * ndmem.sin(a * a + 1) - a)
    ndmem.evaluate("2*sin(a*a+1) - a", out=a)
    numpy.testing.assert_array_equal(as_numpy(a), exp)
    # shifted views of one buffer: the input is read before it is overwritten
    nb = make("f8", (20_001,), 2)
    b = ndmem.array(nb)
    ndmem.evaluate("x * 2 + 1", local_dict={"x": b[:-1]}, out=b[1:])
    exp = nb.copy()
    exp[1:] = nb[:-1] * 2 + 1
    numpy.testing.assert_array_equal(as_numpy(b), exp)
    # a broadcast row of the output itself
    nr = make("f8", (300, 50), 4)
    r = ndmem.array(nr)
    ndmem.evaluate("x * y", local_dict={"x": r, "y": r[5]}, out=r)
    numpy.testing.assert_array_equal(as_numpy(r), nr * nr[5])
    c2 = ndmem.asarray(make("f8", (40, 40), 3))
    n2 = numpy.array(c2)
    ndmem.evaluate("x - y", local_dict={"x": c2, "y": c2.T}, out=c2)
    numpy.testing.assert_array_equal(as_numpy(c2), n2 - n2.T)


def test_errstate_and_warnings():
    na = numpy.array([1.0, 0.0, -1.0, 2.0])
    a = ndmem.asarray(na)
    ia = ndmem.asarray(numpy.array([1, 0, 3]))
    for expr, arrs in [("1 / a", {"a": a}), ("log(a) + 1", {"a": a}),
                       ("sqrt(a) * 0 + a / 0", {"a": a}), ("a * 1e308 * 10", {"a": a}),
                       ("ia // 0 + 1", {"ia": ia}), ("ia % ia", {"ia": ia})]:
        np_arrs = {k: as_numpy(v) for k, v in arrs.items()}
        compare(expr, np_arrs, arrs)
        with ndmem.errstate(all="raise"):
            got, _ = outcome(lambda: ndmem.evaluate(expr, local_dict=arrs))
            ref, _ = outcome(lambda: eval(expr, namespace(ndmem, arrs)))
            assert type(got) is type(ref), expr
            if isinstance(ref, Exception):
                assert str(got) == str(ref), expr
        with ndmem.errstate(all="ignore"):
            got, w = outcome(lambda: ndmem.evaluate(expr, local_dict=arrs))
            assert w == [] and not isinstance(got, Exception)


def test_errors():
    a = ndmem.arange(3.0)
    b = ndmem.arange(4.0)
    i = ndmem.arange(3)
    with pytest.raises(KeyError):
        ndmem.evaluate("a + nope")
    with pytest.raises(SyntaxError):
        ndmem.evaluate("a +")
    for bad in ["a.sum()", "a[0]", "a if a else b", "a and b", "not a", "[a]",
                "lambda: a", "a < b < a", "'s' + a", "sin(a, out=a)", "None"]:
        with pytest.raises(ValueError):
            ndmem.evaluate(bad)
    with pytest.raises(TypeError):
        ndmem.evaluate("frobnicate(a)")
    with pytest.raises(TypeError):
        ndmem.evaluate("sin(a, a)")
    with pytest.raises(TypeError):
        ndmem.evaluate(b"a + 1")
    with pytest.raises(ValueError, match="could not be broadcast"):
        ndmem.evaluate("a + b")
    with pytest.raises(TypeError, match="bitwise_and"):
        ndmem.evaluate("a & a")
    with pytest.raises(ValueError, match="Integers to negative integer powers"):
        ndmem.evaluate("i ** (i - 3)")
    with pytest.raises(ValueError):
        ndmem.evaluate("a + 1", order="Q")
    with pytest.raises(ValueError):
        ndmem.evaluate("a + 1", casting="sometimes")


def live():
    return ndmem.memory.stats()["live_bytes"]


@pytest.mark.parametrize("n", [1_000_000, 4_000_000])
def test_peak_is_the_output(n):
    a = ndmem.arange(n, dtype="f8") / n
    b = ndmem.ones(n)
    before = live()
    ndmem.memory.reset_peak()
    r = ndmem.evaluate("2*sin(a*b+1)")
    peak = ndmem.memory.stats()["peak_bytes"] - before
    assert peak <= 1.1 * r.nbytes
    numpy.testing.assert_array_equal(as_numpy(r), as_numpy(2 * ndmem.sin(a * b + 1)))
    del r
    # the plain expression needs temporaries
    before = live()
    ndmem.memory.reset_peak()
    r = 2 * ndmem.sin(a * b + 1)
    assert ndmem.memory.stats()["peak_bytes"] - before > 1.5 * r.nbytes
    del r
    # every byte the call allocates, scratch blocks included
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        r = ndmem.evaluate("2*sin(a*b+1)")
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert peak <= 1.1 * r.nbytes
