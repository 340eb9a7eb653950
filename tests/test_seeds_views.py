"""Every view/copy example of ../shared/seeds/ gives NumPy's answers.

Each test runs a seed's snippet with ``np`` bound to numpy and to ndmem and
compares what it prints (``same_output`` in conftest.py).  The snippets are
the seeds' own code; where a seed allocates hundreds of megabytes or loops a
million times in Python the sizes are scaled down (said in the docstring),
and lines that only print timings are left out.  Prints are added where the
seed shows a result in a comment (``# True``) or in a notebook cell output,
so the answer the seed teaches is what gets compared.
"""

SHOW = '''
def show(name, x, owner=None):
    print(name, repr(x), x.shape, x.strides, x.dtype,
          x.flags['C_CONTIGUOUS'], x.flags['F_CONTIGUOUS'],
          x.flags['OWNDATA'], x.flags['WRITEABLE'],
          x.base is None, owner is not None and x.base is owner)
'''


# ---------------------------------------------------------------- seed 000

def test_000_view_versus_copy(same_output):
    """000: a slice is a view (writes reach the original), .copy() is not."""
    same_output('''
original = np.array([1, 2, 3, 4, 5])
view = original[1:4]
print(f"original: {original}")
print(f"view: {view}")
view[0] = 100
print(f"original after writing the view: {original}")
print(f"view after writing the view: {view}")
copy = original[1:4].copy()
print(f"copy: {copy}")
copy[0] = 200
print(f"original after writing the copy: {original}")
print(f"copy after writing the copy: {copy}")
print(f"view shares: {np.shares_memory(view, original)}")
print(f"copy shares: {np.shares_memory(copy, original)}")
print(view.base is original, copy.base is None)
''')


def test_000_explicit_and_implicit_copies(same_output):
    """000: copy(), slicing and reshape views, fancy and boolean copies."""
    same_output(SHOW + '''
arr = np.array([1, 2, 3, 4, 5])
explicit_copy = arr.copy()
print(f"explicit copy shares: {np.shares_memory(arr, explicit_copy)}")
arr = np.array([1, 2, 3, 4, 5])
slice_view = arr[1:4]
reshape_view = arr.reshape(5, 1)
show("slice_view", slice_view, arr)
show("reshape_view", reshape_view, arr)
print(np.shares_memory(arr, slice_view), np.shares_memory(arr, reshape_view))
arr = np.array([1, 2, 3, 4, 5])
fancy_indexed = arr[[0, 2, 4]]
boolean_indexed = arr[arr > 2]
show("fancy_indexed", fancy_indexed, arr)
show("boolean_indexed", boolean_indexed, arr)
print(f"fancy indexing shares: {np.shares_memory(arr, fancy_indexed)}")
print(f"boolean indexing shares: {np.shares_memory(arr, boolean_indexed)}")
''')


def test_000_inplace_out(same_output):
    """000: np.add / np.multiply with out= write into the array itself."""
    same_output('''
arr = np.array([1, 2, 3, 4, 5])
before = arr
np.add(arr, 2, out=arr)
print(f"after in-place add: {arr}")
np.multiply(arr, 2, out=arr)
print(f"after in-place multiply: {arr}")
print(arr is before, arr.flags['OWNDATA'])
a = np.arange(6.0)
a_copy = a.copy()
a_copy += a
print(a_copy, np.shares_memory(a, a_copy))
''')


def test_000_memory_saving_expression(same_output):
    """000: the step-by-step and the fused expression agree (size 1e5)."""
    same_output('''
np.random.seed(0)
size = 100_000
a = np.random.rand(size)
b = np.random.rand(size)
c1 = a * b
c2 = c1 + 1
c3 = c2 * 2
result1 = np.sin(c3)
result2 = 2 * np.sin(a * b + 1)
print(f"same result: {np.allclose(result1, result2)}")
print(c1.base is None, c2.base is None, result1.shape, result2.dtype)
''')


def test_000_memmap_subset_is_a_view(tmp_path, same_output):
    """000: a slice of a memmap is a view of the file; writes through an r+
    mapping show in an r mapping (the seed's 10000x10000 file is 200x200)."""
    name = str(tmp_path / "large_array.dat")
    same_output(f'''
large_array = np.arange(200 * 200, dtype='float64').reshape(200, 200) / 7
filename = {name!r}
large_array.tofile(filename)
mmap_array = np.memmap(filename, dtype='float64', mode='r', shape=(200, 200))
subset = mmap_array[100:150, 100:150]
print(f"subset shape: {{subset.shape}}")
print(type(subset).__name__, subset.base is mmap_array, subset.flags['WRITEABLE'],
      subset.strides, np.shares_memory(subset, mmap_array))
mmap_writable = np.memmap(filename, dtype='float64', mode='r+', shape=(200, 200))
mmap_writable[0, 0] = 999.0
mmap_writable.flush()
print(f"changed value: {{mmap_array[0, 0]}}")
print(repr(subset[:2, :3]))
''')


def test_000_sizes_of_arrays(same_output):
    """000: nbytes and getsizeof of arrays of growing size."""
    same_output('''
import sys
sizes = [100, 1000, 10000, 100000]
for size in sizes:
    arr = np.random.rand(size)
    array_memory = arr.nbytes
    total_memory = sys.getsizeof(arr) + array_memory
    print(f"size {size}: data {array_memory} bytes, total {total_memory} bytes")
    view = arr[: size // 2]
    print(sys.getsizeof(view), view.nbytes, view.base is arr)
''')


def test_000_row_assignment_into_preallocated(same_output):
    """000: arr[i] = row fills a preallocated array (1000x10000 -> 100x1000)."""
    same_output('''
np.random.seed(1)
def memory_efficient_example():
    arr = np.empty((100, 1000))
    for i in range(100):
        arr[i] = np.random.rand(1000)
    return arr
out = memory_efficient_example()
print(out.shape, out.flags['OWNDATA'], out[3, :4].base is out)
np.random.seed(1)
rows = [np.random.rand(1000) for _ in range(100)]
print(all((out[i] == rows[i]).all() for i in range(100)))
''')


def test_000_view_keeps_base_alive(same_output):
    """000: deleting the array leaves the view's base alive (1000x1000 ->
    100x100)."""
    same_output('''
import gc
arr = np.random.rand(100, 100)
view = arr[50:, 50:]
base = view.base
del arr
gc.collect()
print(f"the view still exists: {view.nbytes} bytes")
print(view.base is base, base.shape, base.flags['OWNDATA'], view.strides)
del view
gc.collect()
''')


def test_000_chunked_processing(same_output):
    """000: chunks processed and joined with concatenate (1e6 -> 1e5)."""
    same_output('''
np.random.seed(2)
def process_large_data(filename, chunk_size=10000):
    total_size = 100000
    processed_chunks = []
    for i in range(0, total_size, chunk_size):
        chunk = np.random.rand(min(chunk_size, total_size - i))
        processed_chunk = np.sin(chunk) * 2 + 1
        processed_chunks.append(processed_chunk)
    return np.concatenate(processed_chunks)
result = process_large_data('large_data.dat')
print(f"processed size: {result.shape}")
print(result.flags['OWNDATA'], result.base is None, result.strides)
''')


def test_000_lazy_array_subset(same_output):
    """000: a slice of a computed array is a view (10000x10000 -> 300x300)."""
    same_output('''
class LazyArray:
    def __init__(self, shape, compute_func):
        self.shape = shape
        self.compute_func = compute_func
        self._computed = None

    @property
    def array(self):
        if self._computed is None:
            self._computed = self.compute_func()
        return self._computed

    def __getitem__(self, index):
        return self.array[index]

def expensive_computation():
    return np.random.rand(300, 300) * 100

lazy_array = LazyArray((300, 300), expensive_computation)
print("created (not computed yet)")
subset = lazy_array[0:100, 0:100]
print(f"subset shape: {subset.shape}")
print(subset.base is lazy_array.array, subset.strides, subset.flags['C_CONTIGUOUS'])
''')


def test_000_image_batch_with_flip(same_output):
    """000: np.flip views assigned into a preallocated batch (100 images of
    256x256x3 -> 20 images of 16x16x3)."""
    same_output('''
np.random.seed(3)
def process_images_batch(image_files, batch_size=10):
    results = []
    for i in range(0, len(image_files), batch_size):
        batch_files = image_files[i:i+batch_size]
        batch = np.empty((len(batch_files), 16, 16, 3), dtype=np.uint8)
        for j, file in enumerate(batch_files):
            image = np.random.randint(0, 256, (16, 16, 3), dtype=np.uint8)
            processed_image = np.flip(image, axis=0)
            if i == 0 and j == 0:
                print(processed_image.base is image, processed_image.strides,
                      processed_image.flags['C_CONTIGUOUS'])
            batch[j] = processed_image
        results.append(batch)
    return results
image_files = [f'image_{i}.jpg' for i in range(20)]
batch_results = process_images_batch(image_files)
print(f"batches: {len(batch_results)}")
print(f"batch shape: {batch_results[0].shape}")
print(repr(batch_results[1][2, :2, :2]))
''')


def test_000_time_series_windows(same_output):
    """000: windows are slices (views); their statistics (1e5 samples)."""
    same_output('''
np.random.seed(4)
def process_time_series(data, window_size=1000, step_size=500):
    n_samples = len(data)
    results = []
    for i in range(0, n_samples - window_size + 1, step_size):
        window = data[i:i+window_size]
        if i == 0:
            print(window.base is data, np.shares_memory(window, data))
        window_stats = {
            'mean': np.mean(window),
            'std': np.std(window),
            'min': np.min(window),
            'max': np.max(window)
        }
        results.append(window_stats)
    return results
time_series_data = np.random.randn(100000)
stats = process_time_series(time_series_data)
print(f"windows: {len(stats)}")
print(stats[0]['min'], stats[7]['max'])
''')


# ---------------------------------------------------------------- seed 001

def test_001_slicing_views_and_leaks(same_output):
    """001: a slice is a view (no new memory); a small slice pins its base;
    .copy() does not (the 100_000_000 arange is 100_000)."""
    same_output('''
arr = np.arange(0, 1_000_000)
view = arr[:500_000]
print(view.base is arr, view.nbytes, np.shares_memory(view, arr))
arr = np.arange(0, 100_000)
small_slice = arr[:10]
del arr
print(repr(small_slice))
print(repr(small_slice.base))
print(small_slice.base.shape, small_slice.base.flags['OWNDATA'])
arr = np.arange(0, 100_000)
small_slice = arr[:10].copy()
del arr
print(small_slice.base)
xrrs = np.arange(0, 100_000)
xrrs_small_slice = xrrs[:10]
del xrrs
print(xrrs_small_slice.base.size)
''')


def test_001_unexpected_mutation(same_output):
    """001: writing a view changes the array; a boolean-list copy does not."""
    same_output('''
arr = np.array([1, 2, 3])
view = arr[:]
view[0] = 17
print(repr(view))
print(repr(arr))
arr = np.array([1, 2, 3])
arr2 = arr[:]
print(arr2.base is arr)
arr3 = arr[[True, False, True]]
print(arr3)
print(arr3.base is arr, arr3.base is None, arr3.flags['OWNDATA'])
arr3[0] = 4
print(arr3)
print(repr(arr))
''')


def test_001_alias_copy_view(same_output):
    """001: an alias is the same object (no base); copy() and np.array()
    own their data; f[:] and f.view() have base f."""
    same_output('''
a = np.array([[1,2], [3,4]])
b = a
print(repr(b))
print(a is b, a is b.base)
b[0] = 999
print(repr(a))
print(repr(b))
print(a is b.base)
f = np.array([4,5,6,7,8])
e = f.copy()
print(e.base is None)
g = f[:]
print(repr(g.base))
print(g.base is f)
print(np.may_share_memory(g,f))
g[1] = 99999
print(repr(g))
print(repr(f))
h = f.view()
print(repr(h))
print(h.base is f)
print(np.may_share_memory(h,f))
a = np.array([1,2,5,7])
b = np.array(a, copy=True)
print(b.base is None)
c = np.array(a)
print(c.base is None)
''')


# ---------------------------------------------------------------- seed 002

def test_002_as_strided_windows(same_output):
    """002: as_strided builds overlapping windows over one buffer."""
    same_output(SHOW + '''
as_strided = np.lib.stride_tricks.as_strided
arr = np.arange(10)
windowed = as_strided(arr, shape=(8, 3), strides=(8, 8))
show("windowed", windowed, arr)
print(np.shares_memory(windowed, arr), np.shares_memory(windowed[0], windowed[1]))
print(np.shares_memory(windowed[0], windowed[3]))
sliding = np.lib.stride_tricks.sliding_window_view(arr, 3)
show("sliding", sliding, arr)
print((sliding == windowed).all())
''')


def test_002_views_and_shares_memory(same_output):
    """002: slice view, shares_memory, may_share_memory, base."""
    same_output('''
arr = np.array([1, 2, 3, 4, 5])
view = arr[1:4]
view[0] = 99
print(arr)
print(np.shares_memory(arr, view))
print(np.may_share_memory(arr, view))
print(view.base is arr)
arr = np.array([1, 2, 3, 4, 5])
copy = arr.copy()
copy[0] = 99
print(arr)
print(np.shares_memory(arr, copy))
''')


def test_002_common_view_and_copy_operations(same_output):
    """002: the seed's lists of view operations (slice, .T, reshape, ravel,
    view) and copy operations (copy, fancy, boolean, flatten, arithmetic,
    np.array), with its is_view helper."""
    same_output(SHOW + '''
def is_view(arr, other):
    return other.base is arr or (
        other.base is not None and other.base is arr.base
    )
for arr in (np.arange(12).reshape(3, 4), np.arange(12).reshape(3, 4).T,
            np.arange(24).reshape(4, 6)[::2, 1::2]):
    views = {"arr[1:4]": arr[1:4], "arr.T": arr.T, "arr.reshape(-1)": arr.reshape(-1),
             "arr.reshape(2, -1)": arr.reshape(2, -1), "arr.ravel()": arr.ravel(),
             "arr.view()": arr.view()}
    copies = {"arr.copy()": arr.copy(), "arr[[0, 1]]": arr[[0, 1]],
              "arr[arr > 2]": arr[arr > 2], "arr.flatten()": arr.flatten(),
              "arr + 0": arr + 0, "np.array(arr)": np.array(arr)}
    for name, other in {**views, **copies}.items():
        show(name, other, arr)
        print("  is_view", is_view(arr, other), "shares", np.shares_memory(arr, other))
''')


def test_002_alignment_and_require(same_output):
    """002: aligned arrays; require returns the array itself when it fits."""
    same_output('''
arr = np.zeros(100, dtype=np.float64)
print(arr.flags['ALIGNED'])
print(arr.ctypes.data % arr.dtype.alignment)
aligned = np.require(arr, requirements=['A'])
print(aligned is arr, aligned.flags['ALIGNED'])
sliced = arr[1::3]
print(sliced.flags['ALIGNED'], np.require(sliced, requirements=['A']) is sliced)
contiguous = np.require(sliced, requirements=['C'])
print(contiguous is sliced, contiguous.base is None, contiguous.flags['C_CONTIGUOUS'])
''')


def test_002_inplace_operations(same_output):
    """002: arr = arr + 1 makes a new array; arr += 1 and out= do not."""
    same_output('''
arr = np.arange(5)
first = arr
arr = arr + 1
arr = arr * 2
print(arr is first, repr(arr), repr(first))
arr = np.arange(5)
first = arr
arr += 1
arr *= 2
print(arr is first, repr(arr))
np.add(arr, 1, out=arr)
np.multiply(arr, 2, out=arr)
print(arr is first, repr(arr))
view = arr[::2]
view += 100
print(repr(arr))
''')


def test_002_views_instead_of_copies(same_output):
    """002: arr[100:200] is a view, .copy() is not."""
    same_output(SHOW + '''
arr = np.arange(1000)
subset = arr[100:200].copy()
show("copy", subset[:3], subset)
subset = arr[100:200]
print(subset.base is arr, np.shares_memory(subset, arr), subset.strides)
''')


def test_002_memmap_rows(tmp_path, same_output):
    """002: writing a row of a w+ memmap (1000000x100 -> 1000x100)."""
    name = str(tmp_path / "large_data.dat")
    same_output(f'''
fp = np.memmap({name!r}, dtype='float32', mode='w+', shape=(1000, 100))
fp[0, :] = 1.0
row = fp[0]
print(type(row).__name__, row.base is fp, row.strides, repr(fp[0, :4]), repr(fp[1, :4]))
fp.flush()
del fp, row
back = np.fromfile({name!r}, dtype='float32').reshape(1000, 100)
print(repr(back[0, :3]), back[1:].max())
''')


def test_002_generator_of_rows(same_output):
    """002: arr[i] in a generator gives row views."""
    same_output('''
arr = np.arange(12.0).reshape(4, 3)
def process(x):
    return x * 2
def data_generator(arr):
    for i in range(len(arr)):
        yield process(arr[i])
rows = [arr[i] for i in range(len(arr))]
print([r.base is arr for r in rows], [r.strides for r in rows])
for item in data_generator(arr):
    print(repr(item))
''')


def test_002_broadcasting_with_newaxis(same_output):
    """002: arr1[:, np.newaxis] + arr2[np.newaxis, :] instead of a double
    loop (1000x1000 -> 30x40)."""
    same_output(SHOW + '''
arr1 = np.arange(30.0)
arr2 = np.arange(40.0) * 10
result = np.zeros((30, 40))
for i in range(30):
    for j in range(40):
        result[i, j] = arr1[i] + arr2[j]
col = arr1[:, np.newaxis]
row = arr2[np.newaxis, :]
show("col", col[:3], None)
print(col.shape, col.strides, col.base is arr1, row.shape, row.strides, row.base is arr2)
fast = arr1[:, np.newaxis] + arr2[np.newaxis, :]
also = arr1[:, None] + arr2
print((fast == result).all(), (also == result).all(), fast.shape, fast.strides)
''')


def test_002_fancy_rows_are_a_copy(same_output):
    """002 (pitfalls): arr[[0, 1], :] looks like a view but is a copy."""
    same_output(SHOW + '''
arr = np.array([[1, 2, 3], [4, 5, 6]])
subset = arr[[0, 1], :]
print(subset.base is None)
show("subset", subset, arr)
subset[0, 0] = 100
print(repr(arr))
cols = arr[:, [0, 2]]
show("cols", cols, arr)
print(cols.base is None, cols.flags['OWNDATA'])
''')


def test_002_promotion_and_broadcast_chunks(same_output):
    """002 (pitfalls): int32 + float64 is float64; a (n, 1) + (1, n) sum
    broadcasts to (n, n), so the seed works in row chunks (n 10000 -> 100)."""
    same_output('''
arr_int = np.array([1, 2, 3], dtype=np.int32)
arr_float = np.array([1.0, 2.0, 3.0], dtype=np.float64)
result = arr_int + arr_float
print(result.dtype, repr(result))
result = arr_int.astype(np.float32) + arr_float.astype(np.float32)
print(result.dtype)
np.random.seed(5)
a = np.random.rand(100, 1)
b = np.random.rand(1, 100)
result = a + b
print(result.shape, result.nbytes)
chunk_size = 10
total = 0.0
for i in range(0, 100, chunk_size):
    chunk_result = a[i:i+chunk_size] + b
    if i == 0:
        print(a[i:i+chunk_size].base is a, chunk_result.shape)
    total += chunk_result.sum()
print(np.allclose(total, result.sum()))
''')


def test_002_contiguous_conversions_and_flat(same_output):
    """002: ascontiguousarray/asfortranarray copy only when needed; .flat
    walks in C order."""
    same_output(SHOW + '''
arr = np.arange(12).reshape(3, 4)
for name, x in (("C", arr), ("F", np.asfortranarray(arr)), ("T", arr.T),
                ("strided", arr[:, ::2])):
    arr_c = np.ascontiguousarray(x)
    arr_f = np.asfortranarray(x)
    show(name + " ascontiguousarray", arr_c, x)
    show(name + " asfortranarray", arr_f, x)
    print(arr_c is x, arr_f is x)
    print([int(e) for e in arr_c.flat], [int(e) for e in x.flat])
    flat = x.flat
    print(flat.base is x, flat[3], repr(flat[1:4]))
''')


def test_002_cache_friendly_loops(same_output):
    """002: element-wise increments in row and column order (1000x1000 ->
    60x60) give the same array."""
    same_output('''
arr = np.zeros((60, 60))
for j in range(60):
    for i in range(60):
        arr[i, j] += 1
for i in range(60):
    for j in range(60):
        arr[i, j] += 1
print(arr.sum(), arr[5, 7], arr.flags['C_CONTIGUOUS'])
''')


def test_002_debug_array_on_views(same_output):
    """002: the seed's debug_array on views and copies."""
    same_output('''
def debug_array(arr, name='arr'):
    print(f"{name}:")
    print(f"  shape: {arr.shape}")
    print(f"  dtype: {arr.dtype}")
    print(f"  strides: {arr.strides}")
    print(f"  C-contiguous: {arr.flags['C_CONTIGUOUS']}")
    print(f"  F-contiguous: {arr.flags['F_CONTIGUOUS']}")
    print(f"  memory: {arr.nbytes / 1024**2:.2f} MB")
    print(f"  base: {arr.base is not None}")
arr = np.arange(24, dtype=np.int64).reshape(4, 6)
for name, x in (("arr", arr), ("row", arr[1]), ("col", arr[:, 1]),
                ("reversed", arr[::-1, ::-2]), ("T", arr.T), ("ravel T", arr.T.ravel()),
                ("reshape T", arr.T.reshape(-1)), ("fancy", arr[[0, 3]]),
                ("mask", arr[arr % 5 == 0]), ("newaxis", arr[:, None, 2]),
                ("broadcast", np.broadcast_to(arr[0], (3, 6)))):
    debug_array(x, name)
''')


# ---------------------------------------------------------------- seed 003

def test_003_array_versus_numpy(same_output):
    """003: values held in a typed array module array and in an ndarray; the
    ndarray over the array's buffer is a view of it."""
    same_output('''
import array
values = array.array('i', range(100))
arr = np.array(values)
view = np.frombuffer(values, dtype=np.int32)
print(arr.nbytes, arr.dtype, arr.base is None, view.base is not None)
print(type(view.base).__name__, np.shares_memory(view, np.frombuffer(values, dtype=np.int32)))
values[0] = 42
print(view[0], arr[0], view.flags['WRITEABLE'])
''')


# ---------------------------------------------------------------- seed 004

def test_004_weakref_to_an_array(same_output):
    """004: a weak reference to an array does not keep it alive."""
    same_output('''
import sys
import weakref
a = np.array([1,2,3])
b = weakref.ref(a)
print(b() is a)
print(b())
print(sys.getrefcount(a))
view = a[1:]
a = None
print(b() is not None, view.base is b())
del view
print(b())
''')


def test_004_dezero_square_chain(same_output):
    """004: Variable/Function with weak outputs; square(square(square(x)))
    and backward (randn(10000) -> randn(100))."""
    same_output('''
import weakref

def as_array(x):
    if np.isscalar(x):
        return np.array(x)
    return x

class Variable:
    def __init__(self, data):
        if data is not None:
            if not isinstance(data, np.ndarray):
                raise TypeError(f"{type(data)} is not supported")
        self.data = data
        self.grad = None
        self.creator = None
        self.generation = 0

    def set_creator(self, func):
        self.creator = func
        self.generation = func.generation + 1

    def backward(self):
        if self.grad is None:
            self.grad = np.ones_like(self.data)
        funcs = [self.creator]
        while funcs:
            f = funcs.pop()
            gys = [output().grad for output in f.outputs]
            gxs = f.backward(*gys)
            if not isinstance(gxs, tuple):
                gxs = (gxs,)
            for x, gx in zip(f.inputs, gxs):
                if x.grad is None:
                    x.grad = gx
                else:
                    x.grad = x.grad + gx
                if x.creator is not None:
                    funcs.append(x.creator)

class Function:
    def __call__(self, *inputs):
        xs = [x.data for x in inputs]
        ys = self.forward(*xs)
        if not isinstance(ys, tuple):
            ys = (ys,)
        outputs = [Variable(as_array(y)) for y in ys]
        self.generation = max([x.generation for x in inputs])
        for output in outputs:
            output.set_creator(self)
        self.inputs = inputs
        self.outputs = [weakref.ref(output) for output in outputs]
        return outputs if len(outputs) > 1 else outputs[0]

class Square(Function):
    def forward(self, x):
        return x ** 2
    def backward(self, gy):
        x = self.inputs[0].data
        return 2 * x * gy

def square(x):
    return Square()(x)

np.random.seed(6)
for i in range(10):
    x = Variable(np.random.randn(100))
    y = square(square(square(x)))
print(y.data.shape, y.data.dtype)
x = Variable(np.array(2.0))
y = square(square(x))
y.backward()
print(repr(y.data), repr(x.grad), type(x.grad).__name__)
print(np.isscalar(3.0), np.isscalar(np.float64(3.0)), np.isscalar(np.array(3.0)))
print(repr(as_array(np.float64(1.5))), repr(np.ones_like(np.arange(3.0)[::2])))
''')
