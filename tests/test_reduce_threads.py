"""Reductions split across the worker pool give one thread's bits.

Large reductions run in pieces on several threads (src/reduce_minmax.c):
float sums along NumPy's pairwise tree, exact operations in equal pieces,
max/min lanes folded in order, argmax/argmin pieces taken in order, outer
axis sums split by columns.  Each case runs with 1, 2 and 3 threads and
compares the bytes with each other and with NumPy's (every case here is
one NumPy answers exactly: integers, max/min/arg*, and float sums whose
order ndmem follows).  Sizes sit around the split threshold (two chunks
of NDM_THREADS_MIN_CHUNK = 65536 elements; for the max/min/argmax scans,
SCAN_SPLIT_MIN = 2**21 elements).
"""

import itertools

import numpy as np
import pytest

import ndmem as nm

CHUNK = 1 << 16
SIZES = [2 * CHUNK - 1, 2 * CHUNK, 2 * CHUNK + 1, 3 * CHUNK + 129, 4 * CHUNK + 8]
SCAN = 1 << 21
SCAN_SIZES = [SCAN - 1, SCAN, SCAN + 3 * CHUNK + 129]
SCANS = ("max", "min", "fmax", "fmin", "argmax", "argmin")
THREADS = (1, 2, 3)


@pytest.fixture(autouse=True)
def restore_threads():
    before = nm.get_num_threads()
    yield
    nm.set_num_threads(before)


def data(n, dtype, seed=0, kind="normal"):
    rng = np.random.default_rng(seed)
    if kind == "zeros":
        # signed zeros and negatives: which zero max/min return depends on
        # the order of the comparisons
        x = rng.choice([0.0, -0.0, -1.0], size=n)
    else:
        # float16's squares must stay finite for var's fused pass
        x = rng.standard_normal(n) * (0.1 if dtype == "f2" else 1000)
    if np.dtype(dtype).kind == "b":
        return x > 500
    return x.astype(dtype)


def bits(x):
    x = np.asarray(x)
    return x.dtype.str, x.shape, x.tobytes()


def check(f, a, view=None):
    """f(module, array) with every thread count against NumPy's bytes;
    view(module, base) makes the layout from a contiguous base."""
    want = bits(f(np, a if view is None else view(np, a)))
    b = nm.asarray(a)
    if view is not None:
        b = view(nm, b)
    for t in THREADS:
        nm.set_num_threads(t)
        assert bits(f(nm, b)) == want, (t, a.dtype, a.shape)


REDUCTIONS = {
    "sum": lambda m, x: x.sum(),
    "prod": lambda m, x: x.prod(),
    "max": lambda m, x: x.max(),
    "min": lambda m, x: x.min(),
    "fmax": lambda m, x: m.fmax.reduce(x),
    "fmin": lambda m, x: m.fmin.reduce(x),
    "any": lambda m, x: x.any(),
    "all": lambda m, x: x.all(),
    "argmax": lambda m, x: x.argmax(),
    "argmin": lambda m, x: x.argmin(),
    "mean": lambda m, x: x.mean(),
}
DTYPES = ["f8", "f4", "i8", "i4", "u1", "?"]


# float products overflow to inf with a warning; fmax/fmin have no bool loop
CASES = [(name, dtype) for name in sorted(REDUCTIONS) for dtype in DTYPES
         if not (name == "prod" and dtype[0] == "f")
         and not (name in ("fmax", "fmin") and dtype == "?")]


@pytest.mark.parametrize("name,dtype", CASES)
def test_contiguous_sizes(name, dtype):
    for n in SIZES + (SCAN_SIZES if name in SCANS else []):
        check(REDUCTIONS[name], data(n, dtype, seed=n))


@pytest.mark.parametrize("name", ["sum", "max", "min", "argmax", "argmin", "fmax"])
@pytest.mark.parametrize("dtype", ["f8", "f4", "i8"])
@pytest.mark.parametrize("step", [2, -1, -3])
def test_strided(name, dtype, step):
    n = (SCAN if name in SCANS else 2 * CHUNK) * abs(step) + 5
    check(REDUCTIONS[name], data(n, dtype, seed=abs(step)),
          lambda m, x: x[::step])


@pytest.mark.parametrize("name", ["max", "min", "fmax", "fmin", "argmax", "argmin"])
@pytest.mark.parametrize("dtype", ["f8", "f4"])
def test_signed_zeros_and_nan(name, dtype):
    f = REDUCTIONS[name]
    for n in SIZES[:3] + SCAN_SIZES:
        check(f, data(n, dtype, seed=n, kind="zeros"))
    # NaNs: in the first piece, the last piece, at the split, and late
    # with a NaN of the other sign
    n = SCAN + 3 * CHUNK + 17
    for positions in ([5], [n - 1], [n // 2, n // 2 + 1], [n - 40, 70000]):
        a = data(n, dtype, seed=len(positions))
        for k, p in enumerate(positions):
            a[p] = np.nan if k % 2 == 0 else -np.nan
        check(f, a)
    a = data(n, dtype)
    a[n // 3] = np.inf
    check(f, a)


def test_signed_zeros_small_lengths():
    # Every length around NumPy's vector and unroll sizes, both layouts.
    rng = np.random.default_rng(5)
    for dtype, n, step, name in itertools.product(
            ["f8", "f4"], range(1, 80), [1, 2, -1],
            ["max", "min", "fmax", "fmin"]):
        x = rng.choice([0.0, -0.0, np.nan, -1.0], size=n * abs(step))
        check(REDUCTIONS[name], x.astype(dtype), lambda m, y: y[::step])


@pytest.mark.parametrize("dtype", ["f8", "f4", "i8"])
@pytest.mark.parametrize("shape", [(3, CHUNK), (1000, 1000), (2 * CHUNK + 3, 2),
                                   (7, 3 * CHUNK // 7 + 1)])
@pytest.mark.parametrize("axis", [0, 1, None])
def test_axes(dtype, shape, axis):
    a = data(shape[0] * shape[1], dtype, seed=shape[0]).reshape(shape)
    for f in (lambda m, x: x.sum(axis=axis), lambda m, x: x.max(axis=axis),
              lambda m, x: x.mean(axis=axis), lambda m, x: x.argmax(axis=axis)):
        check(f, a)
    check(lambda m, x: x.sum(axis=axis), a, lambda m, x: m.asfortranarray(x))


@pytest.mark.parametrize("dtype", ["f8", "f4", "f2", "i8", "c16", "c8"])
def test_std_var(dtype):
    for n in SIZES:
        a = data(n, dtype, seed=n)
        if dtype[0] == "c":
            a = a + 1j * data(n, "f8", seed=n + 1)[::-1]
        check(lambda m, x: x.var(), a)
        check(lambda m, x: x.std(), a)
    a = data(3 * CHUNK, dtype).reshape(3, CHUNK)
    check(lambda m, x: x.std(axis=0), a)
    check(lambda m, x: x.var(), a)


def test_out_and_where_unchanged():
    # where= and out= take the serial paths; they agree with NumPy too
    a = data(3 * CHUNK, "f8")
    mask = np.arange(a.size) % 3 != 0
    check(lambda m, x: m.add.reduce(x, where=m.asarray(mask)), a)
    check(lambda m, x: m.maximum.reduce(x, where=m.asarray(mask), initial=-5.0), a)
