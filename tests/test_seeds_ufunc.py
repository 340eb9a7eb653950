"""The in-place and out= examples of ../shared/seeds/ under NumPy and ndmem.

Each snippet follows a seed (file and lines named in the test) with the
random inputs replaced by deterministic ones; it runs with ``np`` bound to
numpy and to ndmem and must print the same, identities included.  The last
test runs many in-place iterations in a subprocess and checks that the
resident set size does not grow.
"""

import os
import subprocess
import sys
import textwrap


def test_000_inplace_vs_new(same_output):
    """000 (lines 97-125, seeded and 10x smaller): a + b makes a new array,
    a_copy += b and np.add/np.multiply(..., out=arr) write into the
    existing one."""
    same_output('''
np.random.seed(0)
size = 1000000
a = np.random.rand(size)
b = np.random.rand(size)
c = a + b
a_copy = a.copy()
before = (id(a_copy), a_copy.__array_interface__['data'][0])
a_copy += b
after = (id(a_copy), a_copy.__array_interface__['data'][0])
print("same object and buffer after +=:", before == after)
print("c equals a_copy:", bool((c == a_copy).all()), c.dtype, a_copy.dtype)
print("c is a new array:", c.base is None, c is not a)

arr = np.array([1, 2, 3, 4, 5])
r = np.add(arr, 2, out=arr)
print(f"in-place add: {arr}", r is arr)
r = np.multiply(arr, 2, out=arr)
print(f"in-place multiply: {arr}", r is arr, arr.dtype)
''')


def test_002_inplace_operators(same_output):
    """002 (lines 214-229): arr = arr + 1 rebinds to a new array; arr += 1,
    arr *= 2 and the out= forms keep the same one."""
    same_output('''
arr = np.arange(10, dtype=np.float64)
first = arr
arr = arr + 1
arr = arr * 2
print("new object after arr = arr + 1:", arr is not first, first[:3])
second = id(arr)
ptr = arr.__array_interface__['data'][0]
arr += 1
arr *= 2
print("same object after +=, *=:", id(arr) == second, arr.__array_interface__['data'][0] == ptr)
np.add(arr, 1, out=arr)
np.multiply(arr, 2, out=arr)
print(arr, id(arr) == second)

ints = np.arange(5)
try:
    ints *= 2.5
except TypeError as e:
    print(type(e).__name__, e)
print(ints)
ints *= 2
print(ints, ints.dtype)
''')


def test_002_process_functions(same_output):
    """002 (lines 232-247): a function returning arr * 2 makes a new array,
    one doing arr *= 2 modifies (and returns) its argument."""
    same_output('''
def process(arr):
    return arr * 2

def process_inplace(arr):
    arr *= 2
    return arr

x = np.arange(6).reshape(2, 3)
y = process(x)
print(y, y is x, np.shares_memory(x, y))
z = process_inplace(x)
print(z is x, x)
v = x[:, 1]
process_inplace(v)
print(x, np.shares_memory(v, x))
''')


def test_002_elementwise_increments(same_output):
    """002 (lines 388-398): arr[i, j] += 1 in column and row order (smaller)."""
    same_output('''
arr = np.zeros((60, 40))
for j in range(40):
    for i in range(60):
        arr[i, j] += 1
for i in range(60):
    for j in range(40):
        arr[i, j] += 1
print(arr[0, :3], arr[-1, -3:], arr.dtype)
total = 0
x = np.arange(1000)
for i in range(len(x)):
    total += x[i] ** 2
print(total % 1000003, type(total).__name__)
''')


def test_004_grad_accumulation_aliasing(same_output):
    """004 (lines 190-199): why x.grad = x.grad + gx and not x.grad += gx:
    the in-place form writes into the array another name still refers to."""
    same_output('''
class Variable:
    def __init__(self, data):
        self.data = data
        self.grad = None

gy = np.array([1.0, 2.0])
x = Variable(np.array([3.0]))
x.grad = gy
x.grad = x.grad + np.array([10.0, 10.0])
print("rebinding:", gy, x.grad, x.grad is gy)

gy = np.array([1.0, 2.0])
x.grad = gy
x.grad += np.array([10.0, 10.0])
print("in place:", gy, x.grad, x.grad is gy)
''')


def test_out_argument_forms(same_output):
    """out= as keyword, as a tuple and into a view, with the returned object."""
    same_output('''
a = np.arange(6.0).reshape(2, 3)
out = np.empty((2, 3))
r = np.add(a, 1, out=out)
print(r is out, out)
r = np.multiply(a, a, out=(out,))
print(r is out, out)
col = np.zeros((3, 2))
r = np.add(a.T, 0.5, out=col)
print(r is col, col)
v = a[:, ::2]
r = np.multiply(v, 10, out=v)
print(r is v, a)
''')


RSS_SCRIPT = textwrap.dedent('''
    import gc, sys
    import ndmem as np

    def rss():
        try:
            import psutil
            return psutil.Process().memory_info().rss
        except ImportError:
            with open("/proc/self/statm") as f:
                return int(f.read().split()[1]) * 4096

    a = np.zeros(1_000_000)
    b = np.ones(1_000_000)
    refs = sys.getrefcount(a)
    for _ in range(20):                      # warm up
        a += b
        a *= 1.0
        np.add(a, 1, out=a)
        np.multiply(a, b, out=a)
        a -= 2
    gc.collect()
    start = rss()
    for _ in range(400):
        a += b
        a *= 1.0
        np.add(a, 1, out=a)
        np.multiply(a, b, out=a)
        a -= 2
        a /= 1.0
    gc.collect()
    grown = rss() - start
    print(grown, sys.getrefcount(a) - refs)
''')


def test_inplace_rss_does_not_grow():
    """Many in-place iterations over an 8 MB array: no new memory, no leaked
    references to the operand (each += returns a new reference to it)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    res = subprocess.run([sys.executable, "-c", RSS_SCRIPT], capture_output=True, text=True,
                         env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    grown, leaked_refs = map(int, res.stdout.split())
    assert leaked_refs == 0
    assert grown < 1 << 20, f"RSS grew by {grown} bytes"
