"""Products of arrays, differential against NumPy: matmul/@, dot, vdot,
inner, outer, tensordot, einsum and einsum_path."""

import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import ndmem as nd

DTYPES = ["bool", "int8", "uint8", "int16", "int32", "uint32", "int64", "uint64",
          "float16", "float32", "float64", "complex64", "complex128"]


def data(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.integers(-4, 5, size=shape) if np.dtype(dtype).kind in "iub" else rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    if np.dtype(dtype).kind == "u":
        x = np.abs(x)
    return x.astype(dtype)


def tol(dtype):
    return {"float16": 2e-2, "float32": 1e-4, "complex64": 1e-4}.get(np.dtype(dtype).name, 1e-10)


def product_bytes_on_one_and_two_threads(a, b):
    """The bytes of a @ b computed on one thread and on two."""
    before = nd.get_num_threads()
    try:
        results = []
        for t in (1, 2):
            nd.set_num_threads(t)
            results.append(np.asarray(a @ b).tobytes())
    finally:
        nd.set_num_threads(before)
    return results


def check(got, want):
    """Same type, dtype and shape; values equal (floats within tolerance)."""
    if isinstance(want, np.ndarray):
        assert isinstance(got, nd.ndarray), type(got)
    else:
        assert not isinstance(got, nd.ndarray) and type(got).__name__ == type(want).__name__
    assert np.dtype(str(got.dtype)) == want.dtype
    assert got.shape == want.shape
    g = np.asarray(got)
    if want.dtype.kind in "fc":
        np.testing.assert_allclose(g, want, rtol=tol(want.dtype), atol=tol(want.dtype) * 10)
    else:
        np.testing.assert_array_equal(g, want)


def both(f, *arrays, **kw):
    """f(module, *arrays) on NumPy and ndmem; same result or same exception type."""
    try:
        want = f(np, *arrays, **kw)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e).__mro__[-4] if type(e).__module__.startswith("numpy") else type(e)):
            f(nd, *[nd.asarray(a) for a in arrays], **kw)
        return None
    got = f(nd, *[nd.asarray(a) for a in arrays], **kw)
    check(got, want)
    return got


# ---------------------------------------------------------------- matmul

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shapes", [((3, 4), (4, 5)), ((4,), (4, 2)), ((3, 4), (4,)), ((5,), (5,)),
                                    ((2, 3, 4), (4, 2)), ((2, 1, 3, 4), (5, 4, 2)),
                                    ((0, 4), (4, 3)), ((3, 0), (0, 2)), ((40, 70), (70, 33))])
def test_matmul_dtypes_shapes(dtype, shapes):
    a, b = data(shapes[0], dtype, 1), data(shapes[1], dtype, 2)
    both(lambda m, x, y: m.matmul(x, y), a, b)
    both(lambda m, x, y: x @ y, a, b)


@pytest.mark.parametrize("n", [1, 7, 64, 131, 300])
@pytest.mark.parametrize("dtype", ["float32", "float64", "complex128", "int64"])
def test_matmul_sizes(n, dtype):
    a, b = data((n, n + 3), dtype, 3), data((n + 3, n - 0 or 1), dtype, 4)
    both(lambda m, x, y: x @ y, a, b)


def test_matmul_large_two_threads():
    a, b = data((257, 300), "float64", 5), data((300, 190), "float64", 6)
    both(lambda m, x, y: x @ y, a, b)
    both(lambda m, x, y: x @ y, a.T.copy().T, b[:, ::-1])


# Sizes around the micro-tiles (14 x 16 doubles / 14 x 32 floats with
# AVX-512, 6 x 8 / 6 x 16 with AVX2, 4 x 4 portable) and the k blocks
# (256 doubles, 512 floats).
EDGE_SIZES = [(1, 1, 1), (1, 40, 33), (40, 1, 33), (13, 15, 17), (14, 16, 8), (15, 17, 9),
              (28, 32, 3), (29, 33, 31), (6, 8, 5), (7, 9, 600), (45, 47, 257), (33, 65, 513),
              (100, 100, 100), (3, 200, 256), (200, 3, 255)]


def ints_as(shape, dtype, seed):
    """Small integers in a float dtype: every product is exact."""
    return np.random.default_rng(seed).integers(-4, 5, size=shape).astype(dtype)


@pytest.mark.parametrize("mnk", EDGE_SIZES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_matmul_kernel_edges_exact(mnk, dtype):
    m, n, k = mnk
    a, b = ints_as((m, k), dtype, m + k), ints_as((k, n), dtype, n + k)
    want = a @ b
    got = nd.asarray(a) @ nd.asarray(b)
    assert str(got.dtype) == dtype and got.shape == want.shape
    np.testing.assert_array_equal(np.asarray(got), want)


@pytest.mark.parametrize("mnk", EDGE_SIZES[2::3])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "complex64", "complex128", "int32"])
def test_matmul_kernel_edges_values(mnk, dtype):
    m, n, k = mnk
    both(lambda mod, x, y: x @ y, data((m, k), dtype, 7), data((k, n), dtype, 8))


@pytest.mark.parametrize("layout", ["F", "T", "sliced", "reversed", "broadcast"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_matmul_kernel_layouts(layout, dtype):
    a, b = ints_as((61, 140), dtype, 1), ints_as((140, 75), dtype, 2)
    views = {
        "F": lambda m, x, y: (m.asfortranarray(x), m.asfortranarray(y)),
        "T": lambda m, x, y: (x.T.copy().T, y.T.copy().T),
        "sliced": lambda m, x, y: (m.repeat(x, 2, axis=1)[:, ::2], m.repeat(y, 3, axis=0)[::3]),
        "reversed": lambda m, x, y: (x[::-1, ::-1], y[:, ::-1]),
        "broadcast": lambda m, x, y: (m.broadcast_to(x[:1], x.shape), m.broadcast_to(y[:, :1], y.shape)),
    }[layout]
    want = np.matmul(*views(np, a, b))
    got = nd.matmul(*views(nd, nd.asarray(a), nd.asarray(b)))
    np.testing.assert_array_equal(np.asarray(got), want)
    # a strided output takes the tile path for every tile
    o_np, o_nd = np.zeros((122, 150), dtype), nd.zeros((122, 150), dtype)
    np.matmul(*views(np, a, b), out=o_np[::2, ::2])
    nd.matmul(*views(nd, nd.asarray(a), nd.asarray(b)), out=o_nd[::2, ::2])
    np.testing.assert_array_equal(np.asarray(o_nd), o_np)


@pytest.mark.parametrize("shape", [(0, 5, 7), (5, 0, 7), (5, 7, 0), (300, 280, 0)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_matmul_empty(shape, dtype):
    m, k, n = shape
    both(lambda mod, x, y: x @ y, data((m, k), dtype), data((k, n), dtype))


@pytest.mark.parametrize("mnk", [(300, 280, 260), (37, 2000, 64), (2000, 30, 64), (70, 70, 1200)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "complex128"])
def test_matmul_bits_independent_of_threads(mnk, dtype):
    m, n, k = mnk
    if dtype in ("int64", "complex128"):  # the slower portable kernel
        k = min(k, 400)
    a, b = nd.asarray(data((m, k), dtype, 11)), nd.asarray(data((k, n), dtype, 12))
    before = nd.get_num_threads()
    try:
        results = []
        for t in (1, 2, 3):
            nd.set_num_threads(t)
            results.append(np.asarray(a @ b).tobytes())
    finally:
        nd.set_num_threads(before)
    assert results[0] == results[1] == results[2]
    check(a @ b, data((m, k), dtype, 11) @ data((k, n), dtype, 12))


LAYOUTS = {
    "C": lambda x, y: (x, y),
    "T": lambda x, y: (x.T.copy().T, y.T.copy().T),
    "strided": lambda x, y: (x[::-1], y[:, ::-1]),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("mnk", [(1, 700, 300), (700, 1, 300), (2, 1500, 300), (1500, 3, 40),
                                 (141, 163, 401), (499, 257, 129)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_matmul_bits_independent_of_threads_layouts(layout, mnk, dtype):
    """Row and column splits, edge tiles and every packing path give one
    thread's bits, which are NumPy's values."""
    m, n, k = mnk
    x, y = LAYOUTS[layout](data((m, k), dtype, 21), data((k, n), dtype, 22))
    a, b = nd.asarray(x), nd.asarray(y)
    one, two = product_bytes_on_one_and_two_threads(a, b)
    assert one == two
    check(a @ b, x @ y)


def test_matmul_batched_two_threads():
    x, y = data((5, 130, 90), "float64", 23), data((90, 170), "float64", 24)
    a, b = nd.asarray(x), nd.asarray(y)
    before = nd.get_num_threads()
    try:
        nd.set_num_threads(1)
        one = np.asarray(a @ b).tobytes()
        nd.set_num_threads(2)
        two = np.asarray(a @ b).tobytes()
    finally:
        nd.set_num_threads(before)
    assert one == two
    check(a @ b, x @ y)


def test_matmul_from_python_threads():
    """Products running at once in several Python threads (each releases the
    GIL, so they race for the kept packing workspace) stay right."""
    import threading
    pairs = [(data((230 + i, 210), "float64", i), data((210, 190 + i), "float64", 50 + i))
             for i in range(4)]
    got = [None] * len(pairs)

    def work(i):
        a, b = nd.asarray(pairs[i][0]), nd.asarray(pairs[i][1])
        for _ in range(5):
            got[i] = np.asarray(a @ b)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(pairs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for (x, y), g in zip(pairs, got):
        np.testing.assert_allclose(g, x @ y, rtol=tol("float64"), atol=tol("float64") * 10)


def traced_peak(f):
    """Peak traced bytes above those already allocated while f() runs."""
    import tracemalloc
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        f()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("shapes", [((100, 100), (100, 100)), ((500, 500), (500, 500)),
                                    ((300, 700), (700, 200)), ((20, 64, 64), (20, 64, 64)),
                                    ((6, 150, 120), (120, 90))])
@pytest.mark.parametrize("dtype", ["float32", "float64", "complex128", "int64", "int32", "bool"])
def test_matmul_peak_is_the_result(shapes, dtype):
    """After a first product, a @ b allocates its result and nothing else,
    as NumPy (whose BLAS keeps its buffers too): the packing panels are kept
    between calls."""
    x, y = data(shapes[0], dtype, 31), data(shapes[1], dtype, 32)
    a, b = nd.asarray(x), nd.asarray(y)
    a @ b
    x @ y
    ours, theirs = traced_peak(lambda: a @ b), traced_peak(lambda: x @ y)
    assert ours <= max(1.1 * theirs, theirs + 4096), (ours, theirs)


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint16", "int32", "uint32", "float16"])
def test_matmul_narrow_dtypes_over_k_blocks(dtype):
    """Dtypes other than the compute type take each tile into C as it is
    done (integers wrap alike added wide or narrow; float16 sums over several
    k blocks still round once, as NumPy's), on one and two threads."""
    x, y = data((70, 1100), dtype, 41), data((1100, 90), dtype, 42)
    if dtype in ("int8", "uint16"):  # large enough sums to wrap
        x, y = (x * 37).astype(dtype), (y * 29).astype(dtype)
    a, b = nd.asarray(x), nd.asarray(y)
    one, two = product_bytes_on_one_and_two_threads(a, b)
    assert one == two
    check(a @ b, x @ y)


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex128", "int64"])
def test_matmul_misaligned_out(dtype):
    x, y = data((130, 450), dtype, 43), data((450, 70), dtype, 44)
    item = np.dtype(dtype).itemsize
    buf_np, buf_nd = bytearray(130 * 70 * item + 1), bytearray(130 * 70 * item + 1)
    o_np = np.frombuffer(buf_np, dtype, offset=1).reshape(130, 70)
    o_nd = nd.frombuffer(buf_nd, dtype, offset=1).reshape(130, 70)
    np.matmul(x, y, out=o_np)
    nd.matmul(nd.asarray(x), nd.asarray(y), out=o_nd)
    check(o_nd, o_np)


def test_matmul_workspace_is_bounded():
    """The packing workspace a first product allocates is a few cache-sized
    panels per thread, not copies of the operands (1500 x 1500 float64:
    18 MB per operand)."""
    script = """
import tracemalloc, ndmem as nd
nd.set_num_threads(2)
a = nd.ones((1500, 1500)) * 0.5
b = nd.ones((1500, 1500))
tracemalloc.start()
c = a @ b
kept, peak = tracemalloc.get_traced_memory()
print(peak - c.nbytes, kept - c.nbytes)
"""
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    extra, kept = map(int, res.stdout.split())
    assert 0 < extra < 2_500_000 and kept == extra


@pytest.mark.parametrize("var", ["NDMEM_GEMM_ISA", "NDMEM_SIMD_ISA"])
@pytest.mark.parametrize("isa", ["avx2", "generic"])
def test_matmul_other_kernels(isa, var):
    """The kernels this CPU would not pick, chosen by NDMEM_GEMM_ISA (or the
    ufuncs' NDMEM_SIMD_ISA) at import."""
    script = f"""
import numpy as np, ndmem as nd
sizes = {EDGE_SIZES!r} + [(300, 280, 260), (37, 2000, 64)]
for dtype in ("float32", "float64"):
    for m, n, k in sizes:
        rng = np.random.default_rng(m * n + k)
        a = rng.integers(-4, 5, size=(m, k)).astype(dtype)
        b = rng.integers(-4, 5, size=(k, n)).astype(dtype)
        for x, y in ((a, b), (a.T.copy().T, b[:, ::-1])):
            want = x @ y
            for t in (1, 2):
                nd.set_num_threads(t)
                got = np.asarray(nd.asarray(x) @ nd.asarray(y))
                assert got.dtype == want.dtype and (got == want).all(), (dtype, m, n, k, t)
print("ok")
"""
    env = dict(os.environ)
    env.pop("NDMEM_GEMM_ISA", None)
    env.pop("NDMEM_SIMD_ISA", None)
    env[var] = isa
    res = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and res.stdout.strip() == "ok", res.stderr


def test_matmul_promotion():
    for da, db in [("int8", "float32"), ("bool", "int16"), ("uint8", "int8"), ("float32", "complex64"),
                   ("int64", "float16"), ("uint64", "int64")]:
        both(lambda m, x, y: m.matmul(x, y), data((3, 4), da), data((4, 2), db))


def test_matmul_lists_and_errors():
    for f in [lambda m: m.matmul([[1, 2], [3, 4]], [5, 6]),
              lambda m: m.matmul(m.ones((2, 3)), m.ones((4, 5))),
              lambda m: m.matmul(m.ones((2, 2, 3)), m.ones((3, 3, 5))),
              lambda m: m.matmul(m.ones((2, 3)), 3),
              lambda m: m.matmul(3, m.ones(3)),
              lambda m: m.matmul(m.ones((2, 3)), m.ones((3, 2)), out=m.ones((2, 2), int)),
              lambda m: m.matmul(m.ones((2, 3)), m.ones((3, 2)), out=m.ones((3, 2))),
              lambda m: m.matmul(m.ones((2, 3)), m.ones((3, 2)), out=m.ones((2, 2, 2))),
              lambda m: m.matmul(m.array(["a"]), m.array(["b"])),
              lambda m: m.matmul(m.ones((2, 3)), m.ones((3, 2)), dtype=m.int32)]:
        try:
            want = f(np)
        except Exception as e:  # noqa: BLE001
            with pytest.raises(TypeError if isinstance(e, TypeError) else type(e)) as info:
                f(nd)
            if isinstance(e, ValueError):
                assert str(info.value) == str(e)
        else:
            check(f(nd), want)


def test_matmul_out_and_inplace():
    a, b = data((3, 4), "float64"), data((4, 4), "float64", 1)
    for out_dtype in ["float64", "complex128", ">f8"]:
        o_np, o_nd = np.zeros((3, 4), out_dtype), nd.zeros((3, 4), out_dtype)
        r = nd.matmul(nd.asarray(a), nd.asarray(b), out=o_nd)
        assert r is o_nd
        np.testing.assert_allclose(np.asarray(o_nd), np.matmul(a, b, out=o_np))
    # out overlapping an operand, non-contiguous out
    x_np, x_nd = a.copy(), nd.asarray(a.copy())
    np.matmul(x_np, b, out=x_np)
    nd.matmul(x_nd, nd.asarray(b), out=x_nd)
    np.testing.assert_allclose(np.asarray(x_nd), x_np)
    big_np, big_nd = np.zeros((6, 8)), nd.zeros((6, 8))
    np.matmul(a, b, out=big_np[::2, ::2])
    nd.matmul(nd.asarray(a), nd.asarray(b), out=big_nd[::2, ::2])
    np.testing.assert_allclose(np.asarray(big_nd), big_np)
    # @=
    y_np, y_nd = a.copy(), nd.asarray(a.copy())
    y_np @= b
    y_nd @= nd.asarray(b)
    np.testing.assert_allclose(np.asarray(y_nd), y_np)
    with pytest.raises(ValueError):
        z = nd.ones((3, 4))
        z @= nd.ones((4, 5))


@st.composite
def matmul_case(draw):
    dtype = draw(st.sampled_from(["float64", "float32", "int32", "complex128", "bool"]))
    m, k, n = (draw(st.integers(0, 9)) for _ in range(3))
    batch_a = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    batch_b = tuple(1 if draw(st.booleans()) else d for d in batch_a)[draw(st.integers(0, len(batch_a))):]
    a = data(batch_a + (m, k), dtype, draw(st.integers(0, 99)))
    b = data(batch_b + (k, n), dtype, draw(st.integers(0, 99)))
    layout = draw(st.sampled_from(["C", "F", "T", "strided"]))
    if layout == "F":
        a, b = np.asfortranarray(a), np.asfortranarray(b)
    elif layout == "T":
        a = np.swapaxes(np.swapaxes(a, -1, -2).copy(), -1, -2)
    elif layout == "strided":
        a = np.repeat(a, 2, axis=-1)[..., ::2]
        b = np.repeat(b, 2, axis=-2)[..., ::2, :]
    vec = draw(st.sampled_from([None, "a", "b"]))
    if vec == "a":
        a = data((2 * k,), dtype, 7)[::2]
    elif vec == "b":
        b = data((k,), dtype, 8)
    return a, b


@settings(max_examples=150, deadline=None)
@given(matmul_case())
def test_matmul_hypothesis(case):
    a, b = case
    both(lambda m, x, y: m.matmul(x, y), a, b)


# ----------------------------------------------------------- dot & co

@pytest.mark.parametrize("shapes", [((), ()), ((), (3,)), ((2, 3), ()), ((4,), (4,)), ((2, 3), (3,)),
                                    ((3,), (3, 2)), ((2, 3), (3, 4)), ((2, 3, 4), (4,)),
                                    ((2, 3, 4), (5, 4, 2)), ((3,), (2, 3, 4)), ((2, 3), (4, 5)),
                                    ((2, 0), (0, 3))])
@pytest.mark.parametrize("dtype", ["int16", "float64", "complex64"])
def test_dot(shapes, dtype):
    both(lambda m, x, y: m.dot(x, y), data(shapes[0], dtype), data(shapes[1], dtype, 1))


def test_dot_method():
    a, b = data((3, 4), "float64"), data((4, 2), "int32", 1)
    both(lambda m, x, y: x.dot(y), a, b)
    both(lambda m, x, y: x.dot(y), a, a)
    o = nd.zeros((3, 2))
    assert nd.asarray(a).dot(nd.asarray(b), out=o) is o
    np.testing.assert_allclose(np.asarray(o), a @ b)


def test_dot_out_and_python_scalars():
    check(nd.dot(3, 4), np.dot(3, 4))
    check(nd.dot(nd.asarray(np.int8([1, 2])), 2), np.dot(np.int8([1, 2]), 2))
    check(nd.dot([1, 2], [3, 4]), np.dot([1, 2], [3, 4]))
    a, b = data((3, 4), "float64"), data((4, 2), "float64", 1)
    o = nd.zeros((3, 2))
    assert nd.dot(nd.asarray(a), nd.asarray(b), out=o) is o
    np.testing.assert_allclose(np.asarray(o), a @ b)
    for bad in [nd.zeros((3, 2), "float32"), nd.zeros((2, 3)).T, nd.zeros((3, 3))]:
        with pytest.raises(ValueError):
            nd.dot(nd.asarray(a), nd.asarray(b), out=bad)


@pytest.mark.parametrize("shapes", [((4,), (4,)), ((2, 3), (3, 2)), ((2, 2), (4,)), ((3,), (4,))])
@pytest.mark.parametrize("dtype", ["int64", "float32", "complex128"])
def test_vdot(shapes, dtype):
    both(lambda m, x, y: m.vdot(x, y), data(shapes[0], dtype), data(shapes[1], dtype, 1))


@pytest.mark.parametrize("shapes", [((), (3,)), ((4,), (4,)), ((2, 3), (3,)), ((2, 3), (4, 3)),
                                    ((2, 1, 3), (4, 3)), ((2, 3), (2, 4))])
def test_inner(shapes):
    both(lambda m, x, y: m.inner(x, y), data(shapes[0], "float64"), data(shapes[1], "float64", 1))


def test_inner_result_owns_its_data():
    for sa, sb, dtype in [((2, 3), (4, 3), "float64"), ((3,), (4, 3), "int32"),
                          ((2, 1, 3), (4, 3), "float32"), ((2, 3), (4, 3), "<f4")]:
        x, y = data(sa, dtype), data(sb, "float64", 1)
        want, got = np.inner(x, y), nd.inner(nd.asarray(x), nd.asarray(y))
        assert got.flags.owndata == want.flags.owndata and got.strides == want.strides


# The small products skip the Python layer (_core._product, and a @ b in
# C); they must give the general path's bits, layout and ownership.
SMALL_PRODUCTS = {
    "dot": (lambda m, x, y: m.dot(x, y), False),
    "method": (lambda m, x, y: x.dot(y), False),
    "matmul": (lambda m, x, y: m.matmul(x, y), False),
    "operator": (lambda m, x, y: x @ y, False),
    "inner": (lambda m, x, y: m.inner(x, y), True),
    "vdot": (lambda m, x, y: m.vdot(x, y), False),
}


def small_product_cases(inner):
    for ra in (1, 2):
        for rb in (1, 2):
            for m, k, n in [(1, 1, 1), (3, 3, 3), (1, 10, 1), (2, 9, 1), (1, 9, 2), (4, 17, 5),
                            (9, 1, 2), (40, 30, 20)]:
                sa = (k,) if ra == 1 else (m, k)
                sb = (k,) if rb == 1 else ((n, k) if inner else (k, n))
                yield sa, sb


@pytest.mark.parametrize("name", sorted(SMALL_PRODUCTS))
@pytest.mark.parametrize("dtype", ["bool", "int32", "float16", "float32", "float64", "complex128"])
def test_small_products_fast_path_is_exact(name, dtype, monkeypatch):
    import ndmem._linalg as L
    f, inner = SMALL_PRODUCTS[name]
    for sa, sb in small_product_cases(inner):
        if name == "vdot":
            sb = sa
        x, y = data(sa, dtype), data(sb, dtype, 1)
        if dtype.startswith("float"):
            # values whose sums round differently in another order
            x, y = x * 1e3 + 1e-3, y / 7
        got = f(nd, nd.asarray(x), nd.asarray(y))
        want = f(np, x, y)
        check(got, want)
        if isinstance(want, np.ndarray):
            assert got.strides == want.strides and got.flags.owndata == want.flags.owndata
        with monkeypatch.context() as mp:
            mp.setattr(L, "_product", lambda a, b, kind: NotImplemented)
            slow = getattr(L, {"method": "dot", "operator": "matmul"}.get(name, name))(
                nd.asarray(x), nd.asarray(y))
        assert type(got) is type(slow)
        assert nd.asarray(got).tobytes() == nd.asarray(slow).tobytes()


@pytest.mark.parametrize("name", sorted(SMALL_PRODUCTS))
def test_small_products_other_layouts(name):
    f, inner = SMALL_PRODUCTS[name]
    a = data((6, 8), "float64")
    b = data((8, 6), "float64", 1)
    cases = [(a[:, ::2], b[::2]), (a.T, b.T), (a[:, :1], b[:1]), (a.astype(">f8"), b),
             (a, b.astype("float32")), (a[0], b[:, 0]), (a[0, ::2], b[::2, 0])]
    for x, y in cases:
        if inner:
            y = y.T
        if name == "vdot" and x.size != y.size:
            continue
        both(f, x, y)
    both(f, np.zeros((0, 3)), np.zeros((3, 2)) if not inner else np.zeros((2, 3)))
    both(f, np.zeros((2, 3)), np.zeros((4, 2)))


def test_small_products_subclass_and_lists():
    class Sub(nd.ndarray):
        pass
    x = nd.arange(6.0).reshape(2, 3).view(Sub)
    y = nd.arange(6.0).reshape(3, 2)
    for r in (x.dot(y), nd.dot(x, y), nd.matmul(x, y), x @ y, y @ x):
        assert type(r) is Sub
    assert type(nd.inner(x, y.T)) is Sub
    check(nd.dot([1.0, 2.0], [3.0, 4.0]), np.dot([1.0, 2.0], [3.0, 4.0]))
    check(nd.matmul([[1, 2]], [[3], [4]]), np.matmul([[1, 2]], [[3], [4]]))


@pytest.mark.parametrize("shapes", [((3,), (4,)), ((2, 2), (3,)), ((), (2,)), ((0,), (3,))])
def test_outer(shapes):
    both(lambda m, x, y: m.outer(x, y), data(shapes[0], "int32"), data(shapes[1], "int32", 1))
    o = nd.zeros((int(np.prod(shapes[0])), int(np.prod(shapes[1]))), "int32")
    assert nd.outer(nd.asarray(data(shapes[0], "int32")), nd.asarray(data(shapes[1], "int32", 1)),
                    out=o) is o


@pytest.mark.parametrize("case", [((3, 4, 5), (4, 5, 2), 2), ((3, 4), (4, 5), 1), ((3,), (4,), 0),
                                  ((3, 4, 5), (5, 3, 2), ([0, 2], [1, 0])), ((2, 3), (3, 2), (1, 0)),
                                  ((2, 3), (3, 2), ([-1], [-2])), ((2, 3), (2, 3), 1),
                                  ((4,), (4,), 1)])
def test_tensordot(case):
    sa, sb, axes = case
    both(lambda m, x, y: m.tensordot(x, y, axes), data(sa, "float64"), data(sb, "float64", 1))


# ----------------------------------------------------------------- einsum

EINSUM_CASES = [
    ("ij,jk->ik", [(3, 4), (4, 5)]), ("ij,jk", [(3, 4), (4, 5)]), ("ii", [(4, 4)]),
    ("ii->i", [(4, 4)]), ("ij->ji", [(2, 3)]), ("ij->", [(2, 3)]), ("i,i", [(5,), (5,)]),
    ("i,j->ij", [(3,), (4,)]), ("i,i->i", [(5,), (5,)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("...ij,...jk->...ik", [(2, 3, 4), (4, 5)]), ("...ii->...i", [(2, 3, 3)]),
    ("i...->...", [(3, 2, 2)]), ("ij...,jk...->ik...", [(2, 3, 4), (3, 2, 1)]),
    ("ij,ij->ij", [(2, 1), (2, 3)]), ("ij,jk", [(2, 1), (3, 4)]), ("iij,jk->ik", [(3, 3, 2), (2, 4)]),
    ("ijk,jil->kl", [(3, 4, 5), (4, 3, 2)]), ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("ea,fb,abcd,gc,hd->efgh", [(2, 3), (2, 3), (3, 3, 3, 3), (2, 3), (2, 3)]),
    ("i,,j", [(3,), (), (2,)]), (",i->i", [(), (3,)]), ("ji,ik->", [(2, 3), (3, 2)]),
    ("Ab,bC->AC", [(2, 3), (3, 4)]), ("ij,kl->", [(2, 3), (3, 4)]), ("iii->i", [(3, 3, 3)]),
    # errors
    ("ij,jk->ik", [(3, 4), (5, 6)]), ("ij->ii", [(3, 3)]), ("ij->k", [(3, 3)]),
    ("ij,jk", [(3, 4)]), ("i", [(3, 3)]), ("ii", [(2, 3)]), ("i->i->i", [(3,)]), ("i$", [(3,)]),
]


@pytest.mark.parametrize("optimize", [False, True, "optimal"])
@pytest.mark.parametrize("sub,shapes", EINSUM_CASES)
def test_einsum(sub, shapes, optimize):
    arrays = [data(s, "float64", i) for i, s in enumerate(shapes)]
    both(lambda m, *xs: m.einsum(sub, *xs, optimize=optimize), *arrays)


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint32", "float32", "complex128"])
def test_einsum_dtypes(dtype):
    a, b = data((3, 4), dtype), data((4, 2), dtype, 1)
    both(lambda m, x, y: m.einsum("ij,jk->ik", x, y), a, b)
    both(lambda m, x: m.einsum("ij->i", x), a)
    both(lambda m, x: m.einsum("ij->", x, dtype="float64"), a)
    both(lambda m, x, y: m.einsum("ij,jk->ik", x, y, dtype="int8"), a, b)


def test_einsum_out_interleaved_noncontig():
    a, b = data((6, 8), "float64")[::2, ::2], np.asfortranarray(data((4, 5), "float64", 1))
    o = nd.zeros((3, 5))
    assert nd.einsum("ij,jk->ik", nd.asarray(a), nd.asarray(b), out=o) is o
    np.testing.assert_allclose(np.asarray(o), a @ b)
    with pytest.raises(TypeError):
        nd.einsum("ij,jk->ik", nd.asarray(a), nd.asarray(b), out=nd.zeros((3, 5), int))
    check(nd.einsum(nd.asarray(a), [0, 1], nd.asarray(b), [1, 2], [0, 2]),
          np.einsum(a, [0, 1], b, [1, 2], [0, 2]))
    for c in (b, b[:, :3]):
        both(lambda m, x, y: m.einsum(x, [Ellipsis, 1], y, [1, Ellipsis]), a, c)


@pytest.mark.parametrize("optimize", ["greedy", "optimal", True, ("greedy", 30), False])
@pytest.mark.parametrize("sub,shapes", [
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("ij,jk,kl,lm->im", [(30, 4), (4, 50), (50, 6), (6, 2)]),
    ("ea,fb,abcd,gc,hd->efgh", [(10, 10), (10, 10), (10, 10, 10, 10), (10, 10), (10, 10)]),
    ("abc,cd,db->a", [(3, 4, 5), (5, 6), (6, 4)]),
    ("ij,ij->", [(3, 4), (3, 4)]),
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("ij,kl->ijkl", [(2, 3), (3, 4)]),
    ("i,j,k->ijk", [(2,), (3,), (4,)]),
])
def test_einsum_path(sub, shapes, optimize):
    arrays = [data(s, "float64", i) for i, s in enumerate(shapes)]
    want = np.einsum_path(sub, *arrays, optimize=optimize)
    got = nd.einsum_path(sub, *[nd.asarray(a) for a in arrays], optimize=optimize)
    assert got[0] == want[0]
    assert got[1] == want[1]
    check(nd.einsum(sub, *[nd.asarray(a) for a in arrays], optimize=got[0]),
          np.einsum(sub, *arrays, optimize=want[0]))


def test_einsum_path_errors():
    a = nd.ones((2, 3))
    with pytest.raises(TypeError):
        nd.einsum_path("ij,jk", a, a.T, optimize=3.5)
    with pytest.raises(KeyError):
        nd.einsum_path("ij,jk,kl", a, a.T, a, optimize="fastest")
    with pytest.raises(RuntimeError):
        nd.einsum_path("ij,jk,kl", a, a.T, a, optimize=["einsum_path", (0, 1)])


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_einsum_hypothesis(draw):
    labels = "abcde"
    sizes = {c: draw.draw(st.integers(1, 4)) for c in labels}
    nops = draw.draw(st.integers(1, 3))
    terms = ["".join(draw.draw(st.lists(st.sampled_from(labels), max_size=3))) for _ in range(nops)]
    used = sorted(set("".join(terms)))
    out = "".join(draw.draw(st.permutations(used))[:draw.draw(st.integers(0, len(used)))])
    sub = ",".join(terms) + "->" + out
    # some axes of size 1 broadcast against the label's size elsewhere
    shapes = [tuple(1 if draw.draw(st.integers(0, 4)) == 0 else sizes[c] for c in t) for t in terms]
    if draw.draw(st.booleans()):
        lead = tuple(draw.draw(st.lists(st.integers(1, 3), max_size=2)))
        shapes = [lead[draw.draw(st.integers(0, len(lead))):] + sh for sh in shapes]
        terms = ["..." + t for t in terms]
        sub = ",".join(terms) + "->..." + out
    arrays = [data(sh, "float64", i) for i, sh in enumerate(shapes)]
    opt = draw.draw(st.sampled_from([False, "greedy"]))
    both(lambda m, *xs: m.einsum(sub, *xs, optimize=opt), *arrays)


def test_subclasses(tmp_path):
    for m in (np, nd):
        class Sub(m.ndarray):
            pass
        s = m.ones((2, 2)).view(Sub)
        mm = m.memmap(tmp_path / f"{m.__name__}.bin", dtype="f8", mode="w+", shape=(2, 2))
        names = [type(f).__name__ for f in (s @ s, m.dot(s, s), m.matmul(s, s), m.inner(s, s),
                                            mm @ mm, m.dot(mm, mm), m.einsum("ij,jk", s, s))]
        if m is np:
            want = names
        else:
            assert names == want
        del mm


EDGE_CASES = [
    lambda m: m.einsum("ij->i", m.ones((2, 2)), out=m.zeros(2, "f4")),
    lambda m: m.einsum("ij->i", m.ones((2, 2)), out=m.zeros(2, "f4"), casting="unsafe"),
    lambda m: m.einsum("ij->i", m.ones((2, 2)), dtype="i4"),
    lambda m: m.einsum("ij->i", m.ones((2, 2)), dtype="i4", casting="unsafe"),
    lambda m: m.einsum("i,i", m.ones(3, bool), m.ones(3, bool)),
    lambda m: m.einsum("i->", m.arange(3, dtype="i1")),
    lambda m: m.einsum("ij,jk", m.ones((2, 3), "i1"), m.ones((3, 2), "f4")),
    lambda m: m.einsum("...", m.float64(3.0)),
    lambda m: m.einsum("", 3),
    lambda m: m.einsum("i", [1, 2, 3]),
    lambda m: m.einsum("ij", m.ones((2, 3)), optimize="greedy"),
    lambda m: m.tensordot(m.ones((2, 3)), m.ones((3, 2)), axes=3),
    lambda m: m.tensordot(m.ones((2, 3)), m.ones((3, 2)), axes=-1),
    lambda m: m.dot(m.ones((2, 3)), m.ones(3), out=m.zeros(2)),
    lambda m: m.matmul(m.ones((2, 3), "i4"), m.ones((3,)), dtype="f4"),
    lambda m: m.matmul(m.ones((2, 3)), m.ones((3,)), casting="no", dtype="f4"),
    lambda m: m.vdot(m.ones((2, 2), complex), m.ones(4)),
    lambda m: m.outer([1, 2], [[3], [4]]),
    lambda m: m.inner(m.ones(3, "u1"), m.ones(3, "i1")),
]


@pytest.mark.parametrize("i", range(len(EDGE_CASES)))
def test_edge_cases(i):
    f = EDGE_CASES[i]
    try:
        want = f(np)
    except Exception as e:  # noqa: BLE001
        builtin = next(c for c in type(e).__mro__ if c.__module__ == "builtins")
        with pytest.raises(builtin):
            f(nd)
        return
    check(f(nd), want)


@pytest.mark.parametrize("optimize", [False, "greedy", "optimal"])
@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("sub,shapes", [
    ("a,a->", lambda n: [(n,), (n,)]), ("a,a,a->", lambda n: [(n,)] * 3),
    ("ab,ab->", lambda n: [(n, 2), (n, 2)]), ("ab,ba->", lambda n: [(n, 2), (2, n)]),
    ("ab,bc,c->", lambda n: [(2, n), (n, 3), (3,)]), ("ab,ab->", lambda n: [(n, 1), (1, n)]),
    ("a,->", lambda n: [(n,), ()]), ("ab,bc,ca->", lambda n: [(n, 2), (2, 3), (3, n)]),
])
def test_einsum_0d_result_type(optimize, n, sub, shapes):
    """NumPy's optimized pairs end in matmul (0-d array) or multiply (scalar)."""
    r1 = np.einsum(sub, *[np.ones(s) for s in shapes(n)], optimize=optimize)
    r2 = nd.einsum(sub, *[nd.ones(s) for s in shapes(n)], optimize=optimize)
    assert type(r2).__name__ == type(r1).__name__ and float(r2) == float(r1)
