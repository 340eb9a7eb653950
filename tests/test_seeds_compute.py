"""The computing examples of ../shared/seeds/ give NumPy's results.

Issue 5's four families: time-series window statistics (000's
process_time_series, 002's as_strided windows and the sliding-window,
cumsum and rolling forms of the same statistics), the einsum family (002's
sections 3.3 and 3.8: einsum, optimize=, einsum_path, and the dot, matmul
and tensordot it stands for), processing in broadcasting chunks (002's
section 5.3 and 3.7, 000's streaming) and normalization (z-score, min-max,
row/column scaling with keepdims, in place, in chunks).

Each snippet runs with ``np`` bound to numpy and to ndmem (``both``); every
array or scalar it leaves in ``R`` is compared: type, dtype, shape, and the
bytes of the values, so float results must match NumPy's summation order
(pairwise along a contiguous axis, sequential elsewhere) bit for bit.  Only
einsum/dot/matmul products that sum are compared with a tolerance: NumPy
hands them to BLAS, whose blocking and FMA order is its own (said at each
place).  The seeds' random inputs are seeded, and sizes the seeds take in the
millions are scaled down where the docstring says so.
"""

import contextlib
import io

import numpy

import ndmem

from conftest import _normalise


def _run(code, module):
    """Run code with ``np`` bound to module: its R dict and what it printed."""
    namespace = {"np": module, "__name__": "__seed__", "R": {}}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<seed>", "exec"), namespace)
    return namespace["R"], _normalise(out.getvalue())


def _plain(x):
    """A numpy view of an ndmem result (values only), or x itself."""
    if isinstance(x, ndmem.ndarray) or type(x).__module__.startswith("ndmem"):
        return numpy.asarray(x)
    return x


def _same(name, want, got, rtol=None):
    tw, tg = type(want), type(got)
    assert tg.__name__ == tw.__name__, (name, tw, tg)
    if isinstance(want, (list, tuple)):
        assert len(got) == len(want), name
        for i, (w, g) in enumerate(zip(want, got)):
            _same(f"{name}[{i}]", w, g, rtol)
        return
    if isinstance(want, dict):
        assert got.keys() == want.keys(), name
        for k in want:
            _same(f"{name}[{k!r}]", want[k], got[k], rtol)
        return
    if not isinstance(want, (numpy.ndarray, numpy.generic)):
        assert got == want, (name, want, got)
        return
    g = _plain(got)
    assert str(got.dtype) == str(want.dtype), (name, want.dtype, got.dtype)
    assert g.shape == want.shape, (name, want.shape, g.shape)
    if rtol is None:
        assert g.tobytes() == want.tobytes(), (name, want, g)
    else:
        numpy.testing.assert_allclose(g, want, rtol=rtol, atol=0, err_msg=name)


def both(code, rtol=None, loose=()):
    """Run code under NumPy and ndmem; compare R and the printed output.
    Names in ``loose`` are compared within rtol, the rest exactly."""
    (want, want_out), (got, got_out) = _run(code, numpy), _run(code, ndmem)
    assert got_out == want_out
    assert got.keys() == want.keys()
    for name in want:
        _same(name, want[name], got[name], rtol if name in loose else None)


# ------------------------------------------------- time-series windows

def test_000_process_time_series_all_windows():
    """000 (lines 395-423) as written (1e5 samples): every window's mean,
    std, min and max equals NumPy's, as NumPy scalars."""
    both('''
def process_time_series(data, window_size=1000, step_size=500):
    n_samples = len(data)
    results = []
    n_windows = (n_samples - window_size) // step_size + 1
    for i in range(0, n_samples - window_size + 1, step_size):
        window = data[i:i+window_size]
        window_stats = {
            'mean': np.mean(window),
            'std': np.std(window),
            'min': np.min(window),
            'max': np.max(window)
        }
        results.append(window_stats)
    return results

np.random.seed(0)
time_series_data = np.random.randn(100000)
stats = process_time_series(time_series_data)
print(f"windows: {len(stats)}")
print(stats[0], stats[-1])
R['stats'] = stats
R['float32'] = process_time_series(time_series_data.astype(np.float32), 999, 333)
R['int16'] = process_time_series((time_series_data * 1000).astype(np.int16), 1000, 700)
''')


def test_000_windows_vectorised_with_sliding_window_view():
    """The same statistics without a loop: sliding_window_view(...)[::step]
    is a view of the series (no copy) and its per-row reductions give the
    loop's numbers."""
    both('''
from numpy.lib.stride_tricks import sliding_window_view
np.random.seed(1)
data = np.random.randn(100000)
w, step = 1000, 500
windows = sliding_window_view(data, w)[::step]
print(windows.shape, windows.strides, windows.base is not None,
      np.shares_memory(windows, data), windows.flags['WRITEABLE'],
      windows.flags['C_CONTIGUOUS'], windows.flags['OWNDATA'])
R['mean'] = windows.mean(axis=1)
R['std'] = windows.std(axis=1)
R['var'] = windows.var(axis=1, ddof=1)
R['min'] = windows.min(axis=1)
R['max'] = windows.max(axis=1)
R['ptp'] = np.ptp(windows, axis=1)
R['median'] = np.median(windows, axis=1)
R['p90'] = np.percentile(windows, 90, axis=1)
loop = [np.mean(data[i:i + w]) for i in range(0, len(data) - w + 1, step)]
print("loop equals rows:", bool((np.array(loop) == R['mean']).all()))
''')


def test_rolling_mean_and_std_by_cumsum_and_windows():
    """Rolling statistics at every step: the cumsum trick (sequential sums,
    so exact), the window view's row means, and a rolling std from the
    cumulative sums of squares."""
    both('''
from numpy.lib.stride_tricks import sliding_window_view
np.random.seed(2)
x = np.random.randn(5000).cumsum()
w = 50
c = np.cumsum(x)
c = np.concatenate(([0.0], c))
R['cumsum_mean'] = (c[w:] - c[:-w]) / w
c2 = np.concatenate(([0.0], np.cumsum(x * x)))
mean = R['cumsum_mean']
R['cumsum_std'] = np.sqrt(np.maximum((c2[w:] - c2[:-w]) / w - mean ** 2, 0))
v = sliding_window_view(x, w)
R['view_mean'] = v.mean(axis=-1)
R['view_std'] = v.std(axis=-1)
R['view_sum_keepdims'] = v.sum(axis=-1, keepdims=True)
R['close'] = bool(np.allclose(R['cumsum_mean'], R['view_mean']))
R['diff'] = np.diff(x, n=2)
R['ewm'] = np.empty_like(x)
alpha = 0.1
R['ewm'][0] = x[0]
for i in range(1, 200):
    R['ewm'][i] = alpha * x[i] + (1 - alpha) * R['ewm'][i - 1]
R['ewm'] = R['ewm'][:200]
ints = np.arange(40, dtype=np.int32) % 7
ci = np.cumsum(ints)
R['int_cumsum'] = ci
R['int_rolling'] = ci[5:] - ci[:-5]
''')


def test_sliding_windows_over_axes():
    """2-d windows: per-column rolling means of a (T, k) series along axis 0
    and 3x3 local means of an image (a reduction over two window axes)."""
    both('''
from numpy.lib.stride_tricks import sliding_window_view
np.random.seed(3)
series = np.random.rand(300, 4)
v = sliding_window_view(series, 20, axis=0)
print(v.shape, v.strides)
R['col_means'] = v.mean(axis=-1)
img = np.random.rand(40, 30).astype(np.float32)
patches = sliding_window_view(img, (3, 3))
print(patches.shape, patches.strides, np.shares_memory(patches, img))
R['local_mean'] = patches.mean(axis=(-2, -1))
R['local_max'] = patches.max(axis=(-2, -1))
R['local_sum'] = patches.sum(axis=(-1, -2))
R['every_other'] = sliding_window_view(img, (3, 3))[::2, ::2].mean(axis=(2, 3))
''')


def test_window_view_arguments():
    """sliding_window_view's window and axis arguments, and the errors a
    wrong window gives, as NumPy's."""
    both('''
from numpy.lib.stride_tricks import sliding_window_view as swv
x = np.arange(6.0)
img = np.arange(12.0).reshape(3, 4)
def show(f):
    try:
        r = f()
        print(r.shape, r.strides, r.flags['WRITEABLE'], type(r.base).__name__)
        return r
    except Exception as e:
        print(type(e).__name__, e)
for f in (lambda: swv(x, 2), lambda: swv(x, 6), lambda: swv(x, 0),
          lambda: swv(x, np.int64(3)), lambda: swv(x, np.array([3])),
          lambda: swv(x, 2, writeable=True), lambda: swv(x[::2], 2),
          lambda: swv(x, (2, 2), axis=(0, 0)), lambda: swv(img, (2, 3), axis=(1, 0)),
          lambda: swv(img, [2, 2], axis=[0, -1]), lambda: swv(x, 7),
          lambda: swv(x, -1), lambda: swv(x, 2.0), lambda: swv(img, 2),
          lambda: swv(img, 2, axis=2), lambda: swv(img, (2, 2), axis=0)):
    r = show(f)
R['pairs'] = swv(img, (2, 3), axis=(1, 0)).copy()
''')


def test_002_as_strided_window_statistics():
    """002 (lines 90-100): as_strided windows of arange(10), then their
    statistics; the same windows over floats (strides from the itemsize)."""
    both('''
from numpy.lib.stride_tricks import as_strided
arr = np.arange(10)
windowed = as_strided(arr, shape=(8, 3), strides=(8, 8))
R['windowed'] = windowed.copy()
R['sums'] = windowed.sum(axis=1)
R['means'] = windowed.mean(axis=1)
R['std'] = windowed.std(axis=1)
f = np.linspace(0, 1, 10)
s = f.strides[0]
fw = as_strided(f, shape=(len(f) - 2, 3), strides=(s, s), writeable=False)
print(fw.flags['WRITEABLE'], fw.base is not None, fw.strides)
R['fmeans'] = fw.mean(axis=1)
R['fmax'] = fw.max(axis=1)
R['argmax'] = fw.argmax(axis=1)
step = as_strided(f, shape=(4, 3), strides=(2 * s, s))
R['stepped'] = step.sum(axis=1)
''')


# ------------------------------------------------- einsum family

def test_002_einsum_outer_of_three():
    """002 (lines 353-368): a*b + c*d, the temporaries version, and
    einsum('i,j,k->ijk'): products only, so exact."""
    both('''
np.random.seed(4)
a, b, c, d = (np.random.rand(6) for _ in range(4))
R['expr'] = a * b + c * d
temp1 = a + b
temp2 = c + d
result = temp1 * temp2
del temp1, temp2
R['temps'] = result
R['ijk'] = np.einsum('i,j,k->ijk', a, b, c)
R['ijk_outer'] = a[:, None, None] * b[None, :, None] * c[None, None, :]
R['same'] = bool((R['ijk'] == R['ijk_outer']).all())
R['ijk_opt'] = np.einsum('i,j,k->ijk', a, b, c, optimize=True)
R['int_ijk'] = np.einsum('i,j,k->ijk', np.arange(3), np.arange(4), np.arange(2))
R['ij_f32'] = np.einsum('i,j->ij', a.astype(np.float32), b.astype(np.float32))
R['ii'] = np.einsum('ii->i', np.arange(16.0).reshape(4, 4))
R['trace'] = np.einsum('ii', np.arange(16).reshape(4, 4))
''')


EINSUM_SEED = '''
np.random.seed(5)
A = np.random.rand(30, 40)
B = np.random.rand(40, 20)
result = np.dot(A, B)
R['dot'] = result
R['einsum_opt'] = np.einsum('ij,jk->ik', A, B, optimize=True)
R['einsum_plain'] = np.einsum('ij,jk->ik', A, B)
R['matmul'] = A @ B
R['tensordot'] = np.tensordot(A, B, axes=1)
Ab = np.random.rand(5, 30, 40)
Bb = np.random.rand(5, 40, 20)
R['bmm'] = np.einsum('bij,bjk->bik', Ab, Bb, optimize=True)
R['bmm_matmul'] = np.matmul(Ab, Bb)
R['bmm_loop'] = np.stack([Ab[i] @ Bb[i] for i in range(5)])
path_info = np.einsum_path('ij,jk->ik', A, B, optimize='optimal')
print(path_info[0])
print(path_info[1])
C = np.random.rand(20, 8)
path3 = np.einsum_path('ij,jk,kl->il', A, B, C, optimize='optimal')
print(path3[0])
print(path3[1])
R['chain'] = np.einsum('ij,jk,kl->il', A, B, C, optimize=path3[0])
R['chain_dot'] = A.dot(B).dot(C)
R['path'] = path3[0]
Ai = (A * 10).astype(np.int64)
Bi = (B * 10).astype(np.int64)
R['int_einsum'] = np.einsum('ij,jk->ik', Ai, Bi, optimize=True)
R['int_dot'] = np.dot(Ai, Bi)
R['int_batch'] = np.einsum('bij,bjk->bik', (Ab * 9).astype(np.int32), (Bb * 9).astype(np.int32))
R['row_dots'] = np.einsum('ij,ij->i', A, A)
R['col_sums'] = np.einsum('ij->j', A)
R['transpose'] = np.einsum('ij->ji', A)
print(R['transpose'].base is A or R['transpose'].base is A.base, R['transpose'].strides)
'''


def test_002_einsum_optimize_and_path():
    """002 (lines 455-470): einsum with optimize=True for a matrix and a
    batched product, einsum_path's path and report (30x40 @ 40x20 and a
    batch of 5, scaled from the seed's unnamed sizes).  Sums of float
    products go to BLAS in NumPy (dot, matmul, and einsum's optimized
    path through tensordot), whose summation order is its own: those are
    compared within 1e-13; integer products and row/column sums are exact."""
    both(EINSUM_SEED, rtol=1e-13,
         loose={'dot', 'einsum_opt', 'einsum_plain', 'matmul', 'tensordot', 'bmm',
                'bmm_matmul', 'bmm_loop', 'chain', 'chain_dot', 'row_dots'})


def test_einsum_one_operand_sums():
    """einsum('ij->j') accumulates rows one after another as NumPy does:
    exact.  Along a contiguous run ('ij->i', 'ij->') NumPy's einsum does
    not use np.sum's pairwise summation but its own SIMD loop
    (einsum_sumprod.c.src, sum_of_arr: four vector accumulators, then a
    horizontal add), whose order depends on the vector width NumPy was
    built for: those are compared within 1e-14, np.sum's exactly."""
    both('''
np.random.seed(6)
A = np.random.rand(64, 33)
R['ij_j'] = np.einsum('ij->j', A)
R['ij_i'] = np.einsum('ij->i', A)
R['ij'] = np.einsum('ij->', A)
R['sum_axis0'] = A.sum(axis=0)
R['sum_axis1'] = A.sum(axis=1)
print(type(R['ij']).__name__, np.einsum('ij->', A, optimize=True).shape)
''', rtol=1e-14, loose={'ij_i', 'ij'})


# ------------------------------------------------- broadcasting chunks

def test_002_broadcast_in_chunks_equals_whole():
    """002 (lines 560-571, n 10000 -> 600): a (n, 1) + (1, n) result built
    chunk by chunk into a preallocated array equals the full broadcast,
    and the chunk temporaries stay chunk-sized."""
    both('''
np.random.seed(7)
n = 600
a = np.random.rand(n, 1)
b = np.random.rand(1, n)
result = a + b
out = np.empty((n, n))
chunk_size = 100
sizes = set()
for i in range(0, n, chunk_size):
    chunk_result = a[i:i+chunk_size] + b
    sizes.add(chunk_result.nbytes)
    out[i:i+chunk_size] = chunk_result
print(sorted(sizes), result.nbytes)
R['full'] = result
R['chunked'] = out
R['row_sums'] = np.concatenate([(a[i:i+chunk_size] + b).sum(axis=1)
                                for i in range(0, n, chunk_size)])
R['row_sums_full'] = result.sum(axis=1)
X = np.random.rand(250, 3)
Y = np.random.rand(40, 3)
full = np.sqrt(((X[:, None, :] - Y[None, :, :]) ** 2).sum(axis=-1))
parts = [np.sqrt(((X[i:i+64, None, :] - Y[None, :, :]) ** 2).sum(axis=-1))
         for i in range(0, len(X), 64)]
R['dist'] = full
R['dist_chunks'] = np.vstack(parts)
R['nearest'] = full.argmin(axis=1)
''')


def test_002_chunk_reductions_and_000_streaming():
    """002 (lines 440-452) with the joblib call as a list comprehension,
    and 000's streamed np.sin(chunk) * 2 + 1 (1e6 -> 1e5): chunk results
    equal the whole-array ones chunk by chunk (printed, so checked under
    both).  np.sin itself is compared within 4e-16: on AVX-512 machines
    NumPy's float64 sin is its own SIMD kernel, not the C library's, and
    the two differ in the last bit for about one value in ten."""
    both('''
np.random.seed(8)
arr = np.random.rand(1000)
def process_chunk(chunk):
    return np.sum(chunk)
results = [process_chunk(arr[i:i+100]) for i in range(0, len(arr), 100)]
R['chunk_sums'] = results
R['reshaped_sums'] = arr.reshape(10, 100).sum(axis=1)
R['total_of_chunks'] = sum(results)
def process_large_data(filename, chunk_size=10000):
    total_size = 100000
    processed_chunks = []
    for i in range(0, total_size, chunk_size):
        chunk = np.random.rand(min(chunk_size, total_size - i))
        processed_chunk = np.sin(chunk) * 2 + 1
        processed_chunks.append(processed_chunk)
    return np.concatenate(processed_chunks)
np.random.seed(9)
R['streamed'] = process_large_data('large_data.dat')
np.random.seed(9)
R['whole'] = np.sin(np.random.rand(100000)) * 2 + 1
R['odd_chunks'] = process_large_data('x', chunk_size=30000)
print("streamed equals whole:", bool((R['streamed'] == R['whole']).all()))
''', rtol=4e-16, loose={'streamed', 'whole', 'odd_chunks'})


# ------------------------------------------------- normalization

def test_normalization_zscore_minmax_keepdims():
    """z-score per column and per row (keepdims), min-max scaling, row
    sums to one, L2 rows, in float64, float32 and from integers."""
    both('''
np.random.seed(10)
X = np.random.rand(200, 7) * 50 - 10
for name, M in (('f8', X), ('f4', X.astype(np.float32)), ('i8', X.astype(np.int64))):
    mu = M.mean(axis=0)
    sd = M.std(axis=0)
    R[name + '_z_cols'] = (M - mu) / sd
    R[name + '_z_rows'] = (M - M.mean(axis=1, keepdims=True)) / M.std(axis=1, keepdims=True)
    mn, mx = M.min(axis=0), M.max(axis=0)
    R[name + '_minmax'] = (M - mn) / (mx - mn)
    R[name + '_minmax_ptp'] = (M - M.min(axis=0)) / np.ptp(M, axis=0)
    R[name + '_rows_to_one'] = M / M.sum(axis=1, keepdims=True)
    R[name + '_l2'] = M / np.sqrt((M * M).sum(axis=1, keepdims=True))
    R[name + '_global'] = (M - M.mean()) / M.std()
    R[name + '_robust'] = (M - np.median(M, axis=0)) / (
        np.percentile(M, 75, axis=0) - np.percentile(M, 25, axis=0))
print(X.mean(axis=1, keepdims=True).shape, X.mean(axis=1).shape)
try:
    X - X.mean(axis=1)
except ValueError as e:
    print(type(e).__name__, e)
''')


def test_normalization_in_place_and_in_chunks():
    """In-place z-score keeps the object and buffer; in-place on integers
    raises NumPy's casting error; out= forms; normalizing row chunks of a
    big array in place equals the whole-array result."""
    both('''
np.random.seed(11)
X = np.random.rand(300, 5) * 4 + 2
ref = X.copy()
ptr = X.__array_interface__['data'][0]
X -= X.mean(axis=0)
X /= X.std(axis=0)
print(X.__array_interface__['data'][0] == ptr, X.flags['OWNDATA'])
R['inplace'] = X
R['fresh'] = (ref - ref.mean(axis=0)) / ref.std(axis=0)
Y = ref.copy()
np.subtract(Y, Y.min(axis=0, keepdims=True), out=Y)
np.divide(Y, Y.max(axis=0, keepdims=True), out=Y)
R['minmax_out'] = Y
F = ref.astype(np.float32)
F -= F.mean(axis=1, keepdims=True)
F /= np.sqrt((F * F).sum(axis=1, keepdims=True))
R['f32_rows'] = F
I = np.arange(12).reshape(3, 4)
try:
    I -= I.mean(axis=0)
except TypeError as e:
    print(type(e).__name__, e)
R['ints_after'] = I
Z = ref.copy()
mu, sd = Z.mean(axis=0), Z.std(axis=0)
for i in range(0, len(Z), 64):
    block = Z[i:i+64]
    block -= mu
    block /= sd
    if i == 0:
        print(block.base is Z, np.shares_memory(block, Z))
R['chunked'] = Z
R['whole'] = (ref - mu) / sd
V = ref.copy()
V[:, 1:3] -= V[:, 1:3].mean(axis=0)
R['column_view'] = V
''')
