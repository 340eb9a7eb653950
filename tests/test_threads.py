"""The worker pool (issue 8): large elementwise ufuncs split over threads.

Every result computed with two threads must be bit-identical to the one
computed with one thread, and agree with NumPy (which is single-threaded).
Sizes sit around the point where a call starts to use the pool.
"""

import ctypes
import functools
import os
import subprocess
import sys
import textwrap
import threading
import warnings

import numpy
import pytest

import ndmem

# The smallest call split over threads: 2 * NDM_THREADS_MIN_CHUNK elements,
# and for memory-bound loops (add, multiply, compare...) the stream threshold
# the fixture below sets.
PAR_MIN = 2 * 65536
STREAM = 1 << 20
SIZES = [PAR_MIN - 1, 3 * 65536 + 7, STREAM + 3 * 65536 + 7]
BINARY_SIZES = [STREAM - 1, STREAM + 3 * 65536 + 7]


@pytest.fixture(autouse=True)
def restore_threads():
    """Restore the thread count; split memory-bound loops from STREAM
    elements (the default, 2**24, would make these tests slow)."""
    before = ndmem.get_num_threads()
    old_stream = ndmem._core._set_stream_threshold(STREAM)
    yield
    ndmem.set_num_threads(before)
    ndmem._core._set_stream_threshold(old_stream)


def with_threads(fn):
    """fn() evaluated with one thread and with two."""
    results = []
    for n in (1, 2):
        ndmem.set_num_threads(n)
        results.append(fn())
    return results


def assert_identical(a, b):
    a, b = numpy.asarray(a), numpy.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    assert a.tobytes() == b.tobytes()


def check(op, make, tol=0.0):
    """op applied to the arrays make(module) returns: 1 vs 2 threads identical
    bit for bit, and equal to NumPy (within tol for transcendental loops)."""
    one, two = with_threads(lambda: op(ndmem, *make(ndmem)))
    assert_identical(one, two)
    expected = op(numpy, *make(numpy))
    got = numpy.asarray(two)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    if tol:
        numpy.testing.assert_allclose(got, expected, rtol=tol, atol=0)
    else:
        numpy.testing.assert_array_equal(got, expected)


def data(xp, n, dtype, seed=0):
    return xp.asarray(_data(n, dtype, seed))


@functools.lru_cache(maxsize=64)
def _data(n, dtype, seed):
    rng = numpy.random.default_rng(seed)
    if numpy.dtype(dtype).kind == "b":
        vals = rng.integers(0, 2, n).astype(bool)
    elif numpy.dtype(dtype).kind in "iu":
        vals = rng.integers(1, 100, n).astype(dtype)
    elif numpy.dtype(dtype).kind == "c":
        vals = (rng.uniform(-3, 3, n) + 1j * rng.uniform(-3, 3, n)).astype(dtype)
    else:
        vals = rng.uniform(-5, 5, n).astype(dtype)
    vals.flags.writeable = False
    return vals


BINARY = ["add", "subtract", "multiply", "true_divide", "maximum", "greater",
          "logical_and"]
UNARY = ["sin", "exp", "sqrt", "negative", "absolute", "floor"]
DTYPES = ["float32", "float64", "int64", "complex128"]
LAYOUTS = {
    "contiguous": lambda a: a,
    "strided": lambda a: a[1::2],
    "negative": lambda a: a[::-2],
}


def skip_unsupported(name, dtype):
    return getattr(numpy, name).types and not any(
        t.startswith(numpy.dtype(dtype).char * getattr(numpy, name).nin)
        for t in getattr(numpy, name).types)


@pytest.mark.parametrize("size", BINARY_SIZES)
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_layouts(size, layout, dtype):
    view = LAYOUTS[layout]
    n = size * 2 if layout != "contiguous" else size
    for name in BINARY:
        if skip_unsupported(name, dtype):
            continue
        check(lambda xp, a, b: getattr(xp, name)(a, b),
              lambda xp: (view(data(xp, n, dtype, 1)), view(data(xp, n, dtype, 2))))


@pytest.mark.parametrize("name", ["add", "negative", "maximum"])
def test_fresh_mapped_output_at_default_threshold(name):
    """A memory-bound loop whose new output is mapped (32 MiB and up)
    splits even below the stream threshold; the pages the workers fault and
    fill hold the single-threaded result."""
    ndmem._core._set_stream_threshold(1 << 24)
    n = (32 << 20) // 8 + 4099
    nin = getattr(numpy, name).nin
    check(lambda xp, *ops: getattr(xp, name)(*ops),
          lambda xp: tuple(data(xp, n, "float64", seed) for seed in range(1, nin + 1)))


FRESH = (32 << 20) // 8 + 4099
FRESH_CASES = {
    "sin": lambda xp, a: xp.sin(a),
    "two outputs": lambda xp, a: xp.divmod(a, 0.75),
    "outputs of two widths": lambda xp, a: xp.frexp(a),
    "cast on the way out": lambda xp, a: xp.exp(a, dtype=xp.float32),
    "transposed": lambda xp, a: xp.sin(a[:FRESH // 2 * 2].reshape(-1, 2).T),
    "reversed": lambda xp, a: xp.negative(a[::-1]),
}


@pytest.mark.parametrize("threads", [2, 3])
@pytest.mark.parametrize("case", sorted(FRESH_CASES))
def test_fresh_output_faulted_ahead(case, threads):
    """With a fresh mapped output, one task faults the output's pages in
    while the others wait for their part and fill it: every layout and
    thread count holds the single-threaded result."""
    op = FRESH_CASES[case]
    make = lambda xp: (data(xp, FRESH, "float64", 7),)
    ndmem.set_num_threads(1)
    one = op(ndmem, *make(ndmem))
    ndmem.set_num_threads(threads)
    many = op(ndmem, *make(ndmem))
    expected = op(numpy, *make(numpy))
    for a, b, want in zip(*(r if isinstance(r, tuple) else (r,) for r in (one, many, expected))):
        assert_identical(a, b)
        got = numpy.asarray(b)
        assert got.dtype == want.dtype and got.shape == want.shape
        assert got.strides == want.strides
        numpy.testing.assert_allclose(got, want, rtol=2e-6 if got.dtype == numpy.float32 else 1e-13)


COPY_CASES = {
    "copy": lambda xp, a: a.copy(),
    "copy of a strided view": lambda xp, a: a[::2].copy(),
    "reversed copy": lambda xp, a: a[::-1].copy(),
    "ones": lambda xp, a: xp.ones(a.size, dtype=xp.complex64),
    "full": lambda xp, a: xp.full(a.size, 2.5),
    "concatenate": lambda xp, a: xp.concatenate([a, a[:9]]),
}


@pytest.mark.parametrize("case", sorted(COPY_CASES))
def test_large_fresh_copy_and_fill(case):
    """Copies and fills into a new array of 32 MiB and up (one thread: a
    second one faulting ahead made them slower, see iter.c): the same
    result whatever the thread count, and NumPy's."""
    op = COPY_CASES[case]
    make = lambda xp: (data(xp, 2 * FRESH, "float64", 5),)
    one, two = with_threads(lambda: op(ndmem, *make(ndmem)))
    assert_identical(one, two)
    want = op(numpy, *make(numpy))
    assert numpy.asarray(two).strides == want.strides
    assert_identical(two, want)


CAST_CASES = {
    "f8 -> f4 with overflow": ("float64", "float32", lambda a: a * 1e300),
    "i8 -> f8": ("int64", "float64", lambda a: (a * 1e6).astype("int64")),
    "f8 -> i4": ("float64", "int32", lambda a: a * 1e3),
    "f8 -> f2": ("float64", "float16", lambda a: a * 1e4),
    "byte-swapped f8 -> f8": (">f8", "float64", lambda a: a),
}


@pytest.mark.parametrize("case", sorted(CAST_CASES))
def test_fresh_cast_output_faulted_ahead(case):
    """astype into a new mapped array (32 MiB and up) faults the output in
    from one task while the others convert: the bytes and warnings of the
    single-threaded cast, and NumPy's."""
    src, dst, scale = CAST_CASES[case]
    n = (32 << 20) // numpy.dtype(dst).itemsize + 4099

    def cast(xp):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = xp.asarray(scale(data(numpy, n, "float64", 3))).astype(src)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            b = a.astype(dst)
        return numpy.asarray(b).tobytes(), sorted({str(w.message) for w in caught})

    one, two = with_threads(lambda: cast(ndmem))
    assert one == two
    assert two == cast(numpy)


@pytest.mark.filterwarnings("ignore:overflow encountered in exp:RuntimeWarning")
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("dtype", ["float32", "float64", "complex128", "int16"])
def test_unary_layouts(size, layout, dtype):
    view = LAYOUTS[layout]
    n = size * 2 if layout != "contiguous" else size
    for name in UNARY:
        if dtype == "complex128" and name == "floor":
            continue
        tol = 2e-6 if dtype in ("float32", "int16") else 1e-13
        if name in ("negative", "floor") or (name == "absolute" and dtype != "complex128"):
            tol = 0.0
        check(lambda xp, a: getattr(xp, name)(a),
              lambda xp: (xp.absolute(view(data(xp, n, dtype))) if name == "sqrt"
                          else view(data(xp, n, dtype)),),
              tol=tol)


@pytest.mark.parametrize("dtype", ["float64", "int64", "float32"])
def test_broadcast_and_nd(dtype):
    def make(xp):
        a = data(xp, 1500 * 800, dtype, 3).reshape(1500, 800)
        b = data(xp, 800, dtype, 4)
        c = data(xp, 1500 * 3, dtype, 5).reshape(1500, 1, 3)
        return a, b, c

    check(lambda xp, a, b, c: xp.add(a, b), make)               # row broadcast
    check(lambda xp, a, b, c: xp.multiply(a.T, b[:, None]), make)  # transposed
    check(lambda xp, a, b, c: xp.subtract(a[::-1, ::2], b[::2]), make)
    check(lambda xp, a, b, c: xp.add(a[:, :, None], c), make)   # 3-d
    check(lambda xp, a, b, c: xp.maximum(a[:, :1], b), make)    # both broadcast
    check(lambda xp, a, b, c: xp.add(a[:2, :, None], a[0]), make)  # short outer dim
    check(lambda xp, a, b, c: xp.sin(a[::-1, ::3]), make, tol=2e-6)


def test_where_out_casting():
    n = STREAM + 5 * 65536 + 3

    def make(xp):
        a = data(xp, n, "float64", 6)
        return a, xp.asarray(numpy.random.default_rng(7).integers(0, 2, n).astype(bool))

    check(lambda xp, a, m: xp.add(a, 1.5, where=m, out=xp.zeros(n)), make)
    check(lambda xp, a, m: xp.sin(a, where=m, out=xp.full(n, -1.0, dtype="f4"),
                                  casting="same_kind"), make, tol=2e-6)
    check(lambda xp, a, m: xp.add(a, a, out=xp.empty(n, dtype="f4"),
                                  casting="same_kind"), make)
    check(lambda xp, a, m: xp.add(a.astype("f4"), a), make)          # input cast
    check(lambda xp, a, m: xp.multiply(a.astype(">f8"), 3.0), make)  # byte-swapped
    check(lambda xp, a, m: xp.add(a.astype("i2"), a.astype("u1")), make)
    check(lambda xp, a, m: xp.sqrt(xp.absolute(a), dtype="f4"), make, tol=2e-6)
    check(lambda xp, a, m: xp.add(a[::-3].astype("i4"), 0.5, where=m[::-3],
                                  out=xp.ones(a[::-3].shape)), make)
    check(lambda xp, a, m: xp.exp(a.astype("f2")), make, tol=1e-3)
    check(lambda xp, a, m: xp.divmod(a, 0.7)[1], make)


def test_in_place_and_overlap():
    n = STREAM + 4 * 65536 + 11

    def inplace(xp, a):
        a = a.copy()
        xp.add(a, 1.0, out=a)
        a *= a
        return a

    def shifted(xp, a):
        a = a.copy()
        xp.add(a[1:], 1.0, out=a[:-1])        # needs the copy NumPy makes
        xp.multiply(a[::-1], 2.0, out=a)      # reversed onto itself
        xp.add(a, a[0], out=a)                # broadcast input inside out
        return a

    make = lambda xp: (data(xp, n, "float64", 8),)
    check(inplace, make)
    check(shifted, make)


# (name, operation, value of the marked elements, value of the others)
OVER = ("overflow", lambda xp, a: xp.exp(a * 1000.0), 3.0, 0.5)
DIVIDE = ("divide by zero", lambda xp, a: xp.divide(1.0, a), 0.0, 2.0)
INVALID = ("invalid value", lambda xp, a: xp.sqrt(a), -1.0, 2.0)
CAST = ("cast overflow", lambda xp, a: xp.multiply(a, 1e300, out=xp.empty(a.shape, "f4"),
                                                   casting="unsafe"), 3.0, 1e-300)


@pytest.mark.parametrize("case", [OVER, DIVIDE, INVALID, CAST], ids=lambda c: c[0])
@pytest.mark.parametrize("where", ["first", "last", "all"])
def test_fpe_flags_from_workers(case, where):
    """The flag raised by any thread (the last element is in a worker's
    chunk) is reported once, as NumPy reports it."""
    _, op, marked, other = case
    n = STREAM + 6 * 65536
    base = numpy.full(n, other)
    if where == "first":
        base[0] = marked
    elif where == "last":
        base[-1] = marked
    else:
        base[:] = marked

    def messages(xp, mode):
        a = xp.asarray(base)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            with xp.errstate(all=mode):
                try:
                    op(xp, a)
                except FloatingPointError as exc:
                    return ["raise", str(exc)]
        return [str(x.message) for x in w if x.category is RuntimeWarning]

    for mode in ("warn", "raise", "ignore"):
        expected = messages(numpy, mode)
        one, two = with_threads(lambda: messages(ndmem, mode))
        assert one == two == expected, (mode, one, two, expected)


def test_fpe_flags_do_not_leak_between_calls():
    ndmem.set_num_threads(2)
    a = ndmem.full(6 * 65536, 1000.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ndmem.exp(a)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ndmem.exp(ndmem.zeros(6 * 65536))
        ndmem.add(ndmem.ones(6 * 65536), 1.0)


def test_many_python_threads():
    ndmem.set_num_threads(2)
    n = STREAM + 4 * 65536 + 5
    base = numpy.random.default_rng(9).uniform(-3, 3, n)
    expected_add = base + 2.5
    ndmem.set_num_threads(1)
    expected_sin = numpy.asarray(ndmem.sin(ndmem.asarray(base)))
    ndmem.set_num_threads(2)
    errors = []

    def work(seed):
        try:
            a = ndmem.asarray(base)
            for _ in range(6):
                numpy.testing.assert_array_equal(numpy.asarray(ndmem.add(a, 2.5)), expected_add)
                assert numpy.asarray(ndmem.sin(a)).tobytes() == expected_sin.tobytes()
                numpy.testing.assert_array_equal(
                    numpy.asarray(ndmem.multiply(a[::-2], float(seed))), base[::-2] * seed)
        except Exception as exc:  # reported in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    assert errors == []


def test_set_num_threads_values():
    for n in (1, 2, 3, 1, True):
        ndmem.set_num_threads(n)
        assert ndmem.get_num_threads() == int(n)
    for bad in (0, -1, 1025, 2**100, -(2**100)):
        with pytest.raises(ValueError, match="between 1 and 1024"):
            ndmem.set_num_threads(bad)
    for bad in (1.5, "2", None, [2], numpy.float64(2.0)):
        with pytest.raises(TypeError):
            ndmem.set_num_threads(bad)
    with pytest.raises(TypeError):
        ndmem.set_num_threads()
    assert ndmem.get_num_threads() == 1
    ndmem.set_num_threads(numpy.int64(2))
    assert ndmem.get_num_threads() == 2


def test_results_with_many_threads():
    """More threads than CPUs and than tasks still computes each element once."""
    def f():
        a = ndmem.arange(3 * 65536 * 7, dtype="f8")
        return ndmem.multiply(a, 3.0), ndmem.sin(a[::7])

    ndmem.set_num_threads(1)
    m1, s1 = f()
    for n in (3, 16, 2, 1024):
        ndmem.set_num_threads(n)
        m, s = f()
        assert_identical(m, m1)
        assert_identical(s, s1)


def run_python(code, env_threads=None, timeout=60):
    env = dict(os.environ)
    env.pop("NDMEM_NUM_THREADS", None)
    if env_threads is not None:
        env["NDMEM_NUM_THREADS"] = env_threads
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr
    return proc


def test_environment_variable():
    code = "import ndmem; print(ndmem.get_num_threads())"
    assert run_python(code, "3").stdout.split() == ["3"]
    assert run_python(code, " 1 ").stdout.split() == ["1"]
    default = str(len(os.sched_getaffinity(0)))
    assert run_python(code).stdout.split() == [default]
    for bad in ("0", "two", "1025"):
        proc = run_python(code, bad)
        assert proc.stdout.split() == [default]
        assert "RuntimeWarning: NDMEM_NUM_THREADS" in proc.stderr
    proc = run_python("import warnings; warnings.simplefilter('error')\n"
                      "try:\n    import ndmem\nexcept RuntimeWarning as e:\n    print('raised')",
                      "zero")
    assert proc.stdout.split() == ["raised"]


def test_pool_starts_lazily_and_shrinks():
    code = """
        import os, time, ndmem
        tasks = lambda: len(os.listdir('/proc/self/task'))
        start = tasks()
        ndmem.set_num_threads(3)
        a = ndmem.ones(1000)
        for _ in range(100):
            ndmem.sin(a + a)
        assert tasks() == start, 'small calls started the pool'
        ndmem.sin(ndmem.ones(1 << 20))
        assert tasks() == start + 2, tasks()
        ndmem.set_num_threads(2)
        for _ in range(500):
            if tasks() == start + 1:
                break
            time.sleep(0.01)
        assert tasks() == start + 1, tasks()
        ndmem.set_num_threads(1)
        for _ in range(500):
            if tasks() == start:
                break
            time.sleep(0.01)
        assert tasks() == start, tasks()
        print('ok')
    """
    assert run_python(code).stdout.split() == ["ok"]


def test_fork_child_gets_a_working_pool():
    code = """
        import os, threading, numpy, ndmem
        ndmem.set_num_threads(2)
        base = numpy.linspace(-4, 4, 1 << 20)
        a = ndmem.asarray(base)
        ndmem.set_num_threads(1)
        want = numpy.asarray(ndmem.sin(a)).tobytes()
        ndmem.set_num_threads(2)
        assert numpy.asarray(ndmem.sin(a)).tobytes() == want   # pool started

        # fork while another thread keeps the pool busy
        stop = False
        def busy():
            while not stop:
                ndmem.sin(a)
        t = threading.Thread(target=busy)
        t.start()
        pids = []
        for _ in range(3):
            pid = os.fork()
            if pid == 0:
                ok = all(numpy.asarray(ndmem.sin(a)).tobytes() == want for _ in range(3))
                ok &= numpy.array_equal(numpy.asarray(ndmem.add(a, 1.0)), base + 1.0)
                ok &= len(os.listdir('/proc/self/task')) == 2
                os._exit(0 if ok else 1)
            pids.append(pid)
        stop = True
        t.join()
        codes = [os.waitpid(p, 0)[1] for p in pids]
        assert codes == [0, 0, 0], codes
        print('ok')
    """
    assert run_python(code).stdout.split() == ["ok"]


def test_exit_with_busy_pool_does_not_hang():
    code = """
        import threading, ndmem
        ndmem.set_num_threads(2)
        a = ndmem.ones(1 << 21)
        def loop():
            while True:
                ndmem.exp(a)
        threading.Thread(target=loop, daemon=True).start()
        ndmem.sin(a)
        print('ok')
    """
    assert run_python(code, timeout=30).stdout.split() == ["ok"]


def test_nested_and_concurrent_jobs_through_the_c_api():
    """A task that calls a parallel ufunc runs it serially in its thread
    (nested), and a job started while another runs does not deadlock."""
    lib = ctypes.CDLL(ndmem._core.__file__)
    task_t = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int)
    ndmem.set_num_threads(2)
    a = ndmem.linspace(-3, 3, 1 << 19)
    ndmem.set_num_threads(1)
    want = numpy.asarray(ndmem.exp(a)).tobytes()
    ndmem.set_num_threads(2)
    seen = []

    def task(ctx, i):
        seen.append((i, numpy.asarray(ndmem.exp(a)).tobytes() == want))

    cb = task_t(task)
    lib.ndm_threads_run.argtypes = [ctypes.c_int, task_t, ctypes.c_void_p]
    lib.ndm_threads_run(6, cb, None)
    assert sorted(seen) == [(i, True) for i in range(6)]


@pytest.mark.parametrize("to", ["float32", "int32", "int8", "float16", ">f8", "uint64",
                                "complex64"])
@pytest.mark.parametrize("layout", ["contiguous", "negative", "byteswapped"])
def test_large_casts(to, layout):
    """astype of large arrays is split over threads; overflow and invalid
    warnings as NumPy's."""
    def make(xp):
        a = data(xp, STREAM + 3 * 65536 + 5, "float64", 10) * 1e5
        a[-1] = 1e300
        a[STREAM] = numpy.nan
        if layout == "negative":
            a = a[::-1]
        elif layout == "byteswapped":
            a = a.astype(">f8")
        return (a,)

    def op(xp, a):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            r = a.astype(to)
        return r, [str(x.message) for x in w]

    (one, w1), (two, w2) = with_threads(lambda: op(ndmem, *make(ndmem)))
    assert_identical(one, two)
    expected, we = op(numpy, *make(numpy))
    assert w1 == w2 == we
    assert numpy.asarray(two).dtype == expected.dtype
    assert numpy.asarray(two).tobytes() == expected.tobytes()


def test_under_tracemalloc():
    """Buffered (casting) loops split over threads while tracemalloc traces."""
    import tracemalloc

    def f():
        a = ndmem.linspace(-2, 2, STREAM + 12345, dtype="f4")
        return ndmem.sin(a, dtype="f8"), ndmem.add(a, 1.5), a.astype("f2")

    want = with_threads(f)[0]
    tracemalloc.start()
    try:
        got = f()
    finally:
        tracemalloc.stop()
    for w, g in zip(want, got):
        assert_identical(w, g)
