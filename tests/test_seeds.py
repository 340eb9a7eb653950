"""The examples of ../shared/seeds/ run under NumPy and ndmem print the same.

Each snippet is taken from a seed (file named in the test) and run twice, with
``np`` bound to numpy and to ndmem; the printed text must match once memory
addresses are hidden.
"""

ARRAY_INFO = '''
def array_info(array, array_name="Noname"):
  print("*" * 60)
  print("<<<array_info func:{0}>>>".format(array_name))
  print("-" * 60)
  print("array=", array)
  print("type=", type(array))
  print("ndim:", array.ndim)
  print("shape:", array.shape)
  print("dtype:", array.dtype)
  print("size:", array.size)
  print("itemsize:", array.itemsize)
  print("nbytes:", array.nbytes)
  print("strides:", array.strides)
  print("*" * 60)
'''

DEBUG_ARRAY = '''
def debug_array(arr, name='arr'):
    print(f"{name}:")
    print(f"  shape: {arr.shape}")
    print(f"  dtype: {arr.dtype}")
    print(f"  strides: {arr.strides}")
    print(f"  C-contiguous: {arr.flags['C_CONTIGUOUS']}")
    print(f"  F-contiguous: {arr.flags['F_CONTIGUOUS']}")
    print(f"  memory: {arr.nbytes / 1024**2:.2f} MB")
    print(f"  base: {arr.base is not None}")
'''


def test_001_array_info(same_output):
    """001: array_info over arrays of every layout the tutorial meets."""
    same_output(ARRAY_INFO + '''
arrays = {
    "ints": np.array([1, 2, 3]),
    "matrix": np.array([[1, 2], [3, 4]]),
    "fortran": np.array([[1, 2, 3], [4, 5, 6]], order='F'),
    "floats": np.arange(0, 1, 0.125),
    "slice": np.arange(0, 1_000_000)[:500_000],
    "big": np.arange(0, 2000),
    "strings": np.array(['Alice', 'Bob', 'Charlie'], dtype='U10'),
    "complex": np.zeros((2, 2), dtype=np.complex64),
    "empty": np.empty((0, 3)),
    "scalar": np.array(3.5),
    "bools": np.array([True, False, True]),
    "int8": np.array([1, 2, 3], dtype=np.int8),
}
for name, arr in arrays.items():
    array_info(arr, name)
''')


def test_001_base_and_copies(same_output):
    """001: aliases, copy(), slicing views and np.array(copy=True)."""
    same_output('''
a = np.array([[1,2], [3,4]])
b = a
print(a is b, a is b.base)
b[0] = 999
print(a)
print(b)
f = np.array([4,5,6,7,8])
e = f.copy()
print(e.base is None)
g = f[:]
print(g.base)
print(g.base is f)
g[1] = 99999
print(g)
print(f)
h = f.view()
print(h)
print(h.base is f)
a = np.array([1,2,5,7])
b = np.array(a, copy=True)
print(b.base is None)
c = np.array(a)
print(c.base is None)
arr = np.array([1, 2, 3])
view = arr[:]
view[0] = 17
print(repr(view), repr(arr))
arr2 = arr[:]
print(arr2.base is arr)
small_slice = np.arange(0, 1000)[:10]
print(repr(small_slice))
print(small_slice.base)
copied = np.arange(0, 1000)[:10].copy()
print(copied.base)
''')


def test_000_memory_layout(same_output):
    """000: C and Fortran order flags and sizes."""
    same_output('''
arr_c = np.array([[1, 2, 3], [4, 5, 6]], order='C')
print(arr_c.flags['C_CONTIGUOUS'])
print(arr_c.flags['F_CONTIGUOUS'])
arr_f = np.array([[1, 2, 3], [4, 5, 6]], order='F')
print(arr_f.flags['C_CONTIGUOUS'])
print(arr_f.flags['F_CONTIGUOUS'])
print(f"C order size: {arr_c.nbytes} bytes")
print(f"F order size: {arr_f.nbytes} bytes")
''')


def test_000_dtype_loop(same_output):
    """000: bytes per element of every common dtype."""
    same_output('''
dtypes = [np.int8, np.int16, np.int32, np.int64,
          np.float32, np.float64, np.complex128]
for dtype in dtypes:
    arr = np.zeros(1000, dtype=dtype)
    print(f"{dtype.__name__}: {arr.nbytes} bytes, {arr.itemsize} per element")
''')


def test_000_structured_array(same_output):
    """000: three arrays against one structured array."""
    same_output('''
names = np.array(['Alice', 'Bob', 'Charlie'], dtype='U10')
ages = np.array([25, 30, 35], dtype=np.int32)
scores = np.array([85.5, 90.0, 78.5], dtype=np.float32)
print(f"separate arrays: {names.nbytes + ages.nbytes + scores.nbytes} bytes")
dtype = [('name', 'U10'), ('age', 'i4'), ('score', 'f4')]
structured_array = np.zeros(3, dtype=dtype)
structured_array['name'] = names
structured_array['age'] = ages
structured_array['score'] = scores
print(f"structured array: {structured_array.nbytes} bytes")
print(f"ratio: {(names.nbytes + ages.nbytes + scores.nbytes) / structured_array.nbytes}")
print(repr(structured_array))
print(structured_array)
print(structured_array[1])
print(structured_array['name'])
''')


def test_002_metadata_and_debug_array(same_output):
    """002: metadata, flags, data pointers and debug_array."""
    same_output(DEBUG_ARRAY + '''
arr = np.array([[1, 2, 3], [4, 5, 6]])
print(arr.shape)
print(arr.strides)
print(arr.dtype)
print(arr.flags)
print(arr.data)
print(arr.__array_interface__['data'])
arr_f = np.array([[1, 2, 3], [4, 5, 6]], order='F')
print(arr_f.flags['F_CONTIGUOUS'])
print(arr_f.strides)
arr = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int64)
print(arr.strides)
debug_array(arr)
debug_array(arr_f, 'arr_f')
debug_array(arr[:, 1:], 'sliced')
debug_array(arr.T, 'transposed')
debug_array(np.zeros((1000, 1000)), 'big')
''')


def test_002_views_and_alignment(same_output):
    """002: slicing views, base, and alignment checks."""
    same_output('''
arr = np.array([1, 2, 3, 4, 5])
view = arr[1:4]
view[0] = 99
print(arr)
print(view.base is arr)
copy = arr.copy()
copy[0] = 99
print(arr)
arr = np.zeros(100, dtype=np.float64)
print(arr.flags['ALIGNED'])
print(arr.ctypes.data % arr.dtype.alignment)
aligned = np.require(arr, requirements=['A'])
print(aligned.flags['ALIGNED'], aligned is arr)
arr_default = np.array([1, 2, 3])
arr_opt = np.array([1, 2, 3], dtype=np.int8)
print(arr_default.nbytes)
print(arr_opt.nbytes)
''')
