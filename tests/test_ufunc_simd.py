"""The vectorized float32/float64 exp, log, sin and cos (src/loops_simd.c,
src/loops_simd_avx512.c) against a high-precision reference and against
NumPy: every result within 4 ulp of the libm/double reference, special
values bit for bit as NumPy's, the same floating-point warnings, on
contiguous, strided, unaligned, in-place and short (tail) operands.  The
whole file runs again with NDMEM_SIMD_ISA capping the kernels (AVX2, libm)
so that every path is checked on an AVX-512 machine."""
import math
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import ndmem

FUNCS = ["exp", "log", "sin", "cos"]
DTYPES = [np.float32, np.float64]
MAX_ULP = 4.0
ISA = os.environ.get("NDMEM_SIMD_ISA", "")
RNG = np.random.default_rng(20261128)


def reference(name, x):
    """Results in float64 from Python's math (glibc, below 1 ulp in double;
    for float32 data a reference far more precise than the result), NaN
    where math refuses (domain errors and overflow: those are compared
    with NumPy exactly instead)."""
    fn = getattr(math, name)
    out = np.empty(x.size)
    for i, v in enumerate(x.tolist()):
        try:
            out[i] = fn(v)
        except (ValueError, OverflowError):
            out[i] = np.nan
    return out


def ulp_error(got, ref, dtype):
    """|got - ref| in units of the spacing of dtype at ref."""
    spacing = np.spacing(np.abs(ref).astype(dtype)).astype(np.float64)
    return np.abs(got.astype(np.float64) - ref) / spacing


def inputs(name, dtype):
    """Random values over the whole range of each function plus the
    neighbourhoods where the vector code switches paths."""
    big = np.finfo(dtype).max
    tiny = float(np.finfo(dtype).smallest_normal)
    sub = float(np.finfo(dtype).smallest_subnormal)
    logmag = np.exp(RNG.uniform(math.log(sub), math.log(float(big)), 3000))
    signs = RNG.choice([-1.0, 1.0], logmag.size)
    parts = [signs * logmag, [0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan,
                              sub, -sub, tiny, -tiny, big, -big, 1.0, -1.0,
                              2.0 ** -26, 2.0 ** -27, 2.0 ** -54, 2.0 ** -55]]
    if name == "exp":
        parts += [RNG.uniform(-760, 760, 3000), RNG.uniform(-110, 100, 3000),
                  RNG.uniform(-1, 1, 1000),
                  [708.0, -708.0, 708.1, -708.1, 709.78, 709.79, -745.2,
                   -745.1, 88.7, 88.71, 88.73, -87.3, -87.34, -103.97, -104.0]]
    elif name == "log":
        parts += [RNG.uniform(0, 4, 3000), RNG.uniform(0.7, 1.5, 3000),
                  1 + RNG.uniform(-1e-6, 1e-6, 500), RNG.uniform(-10, 0, 100),
                  [math.sqrt(2), math.sqrt(0.5), 1 + 2 ** -52, 1 - 2 ** -53]]
    else:
        parts += [RNG.uniform(-10, 10, 3000), RNG.uniform(-1e5, 1e5, 3000),
                  RNG.uniform(-2 ** 25, 2 ** 25, 1000),
                  np.exp(RNG.uniform(20, 700, 300)),
                  np.arange(-200, 200) * (math.pi / 2),
                  [2.0 ** 24, 2.0 ** 24 + 2, 1e22, 1e300, 6381956970095103.0 * 2 ** 797]]
    with np.errstate(over="ignore"):
        x = np.concatenate([np.asarray(p, dtype=np.float64) for p in parts]).astype(dtype)
    return x


def check_values(name, x, got):
    """Within MAX_ULP of the reference where it is finite in the dtype
    (subnormal results in units of the smallest subnormal), else equal to
    NumPy's (inf, NaN); the sign as NumPy's everywhere but NaN."""
    with np.errstate(all="ignore"):
        want = getattr(np, name)(x)
        ref = reference(name, x.astype(np.float64))
        finite = np.isfinite(ref) & np.isfinite(ref.astype(x.dtype))
    err = ulp_error(got[finite], ref[finite], x.dtype)
    if err.size:
        worst = int(np.argmax(err))
        assert err[worst] <= MAX_ULP, (name, x.dtype, x[finite][worst], got[finite][worst],
                                       ref[finite][worst], err[worst])
    np.testing.assert_array_equal(got[~finite], want[~finite])
    signed = ~np.isnan(want)
    np.testing.assert_array_equal(np.signbit(got[signed]), np.signbit(want[signed]))


def run(name, arr, **kw):
    with np.errstate(all="ignore"), ndmem.errstate(all="ignore"):
        return getattr(ndmem, name)(arr, **kw)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", FUNCS)
def test_accuracy_contiguous(name, dtype):
    x = inputs(name, dtype)
    got = np.asarray(run(name, ndmem.asarray(x)))
    assert got.dtype == x.dtype
    check_values(name, x, got)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", FUNCS)
def test_layouts(name, dtype):
    """Strided, negative-step, unaligned, in-place and out= operands give
    the contiguous results within the same bound."""
    x = inputs(name, dtype)[:4001]
    n = x.size
    base = ndmem.asarray(np.repeat(x, 3))
    check_values(name, x, np.asarray(run(name, base[::3])))
    check_values(name, x[::-1], np.asarray(run(name, ndmem.asarray(x)[::-1])))
    raw = ndmem.zeros(n * x.itemsize + 8, dtype=np.uint8)
    view = raw[4:4 + n * x.itemsize].view(np.dtype(dtype).name)
    view[...] = ndmem.asarray(x)
    check_values(name, x, np.asarray(run(name, view)))
    inplace = ndmem.asarray(x.copy())
    res = run(name, inplace, out=inplace)
    assert res is inplace
    check_values(name, x, np.asarray(inplace))
    out = ndmem.empty(2 * n, dtype=np.dtype(dtype).name)[::2]
    run(name, ndmem.asarray(x), out=out)
    check_values(name, x, np.asarray(out))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", FUNCS)
def test_overlapping_out(name, dtype):
    """Output overlapping the input a few elements away, both directions,
    contiguous and strided: NumPy's results (as if the input were copied)."""
    x = RNG.uniform(0.1, 3.0, 600).astype(dtype)
    for shift in (1, 3, 5):
        for step in (1, 2):
            for reverse in (False, True):
                want, got = x.copy(), ndmem.asarray(x.copy())
                src = np.s_[shift::step] if not reverse else np.s_[:-shift:step]
                dst = np.s_[:-shift:step] if not reverse else np.s_[shift::step]
                getattr(np, name)(want[src], out=want[dst])
                getattr(ndmem, name)(got[src], out=got[dst])
                np.testing.assert_allclose(np.asarray(got), want, rtol=4e-7 if dtype == np.float32 else 1e-15)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", FUNCS)
def test_short_and_tails(name, dtype):
    """Every length around the vector widths, the special values at every
    position of a vector (vector lanes, tails and libm lanes mixed)."""
    x = inputs(name, dtype)
    for n in range(0, 35):
        part = x[-n:] if n else x[:0]
        check_values(name, part, np.asarray(run(name, ndmem.asarray(part))))
    specials = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, -1.0, 1e30], dtype=dtype)
    for pos in range(9):
        arr = np.full(17, 0.5, dtype=dtype)
        arr[pos::7] = specials[pos % specials.size]
        check_values(name, arr, np.asarray(run(name, ndmem.asarray(arr))))


def caught(module, name, arr):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        with module.errstate(all="warn"):
            res = getattr(module, name)(arr)
    return np.asarray(res), sorted(str(w.message) for w in rec)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", FUNCS)
def test_warnings_as_numpy(name, dtype):
    """Each special value alone in a vector-sized array and mixed with
    ordinary values: NumPy's warnings (overflow, underflow, divide by
    zero, invalid) and NumPy's values.  (Left out: float32 exp between
    -103.97 and -87.33, where NumPy's SIMD code reports underflow for some
    subnormal results and not for others; and on the libm path, float32
    exp and cos of a subnormal, where NumPy's SIMD code reports underflow
    and libm, like NumPy built without it, does not.)"""
    info = np.finfo(dtype)
    values = [0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 800.0, -800.0,
              100.0, -100.0, 88.8, -95.0, 709.9, -708.5, -745.0,
              float(info.smallest_subnormal), float(info.smallest_normal) / 2,
              float(info.max), 1e30, -1e30, 2.0 ** 30]
    for v in values:
        if (ISA == "generic" and dtype == np.float32 and name in ("exp", "cos")
                and 0 < abs(v) < float(info.smallest_normal)):
            continue
        for arr in (np.full(21, v, dtype=dtype),
                    np.array([0.5, v, 0.25, 2.0, v, 3.0, 1.5, 0.75, v], dtype=dtype)):
            want, want_w = caught(np, name, arr)
            got, got_w = caught(ndmem, name, ndmem.asarray(arr))
            assert got_w == want_w, (name, dtype, v, got_w, want_w)
            check_values(name, arr, got)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", FUNCS)
def test_raise_mode(name, dtype):
    """errstate(all='raise') raises where NumPy raises, and the error type
    is the same."""
    for v in (np.inf, -1.0, 0.0, 1000.0, -1000.0, 0.5):
        arr = np.full(12, v, dtype=dtype)
        outcome = []
        for module, a in ((np, arr), (ndmem, ndmem.asarray(arr))):
            with module.errstate(all="raise"):
                try:
                    getattr(module, name)(a)
                    outcome.append(None)
                except FloatingPointError as exc:
                    outcome.append(str(exc))
        assert outcome[0] == outcome[1], (name, dtype, v, outcome)


@pytest.mark.parametrize("isa", ["avx2", "generic"])
def test_capped_isa(isa):
    """This file's checks on the kernels this CPU would not pick, chosen by
    NDMEM_SIMD_ISA at import (a no-op cap where the CPU lacks the ISA)."""
    env = dict(os.environ, NDMEM_SIMD_ISA=isa)
    res = subprocess.run([sys.executable, "-m", "pytest", __file__, "-q", "-x",
                          "-p", "no:cacheprovider", "-k", "not test_capped_isa"],
                         env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
