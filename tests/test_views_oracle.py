"""Random indexing against NumPy, in the style of NumPy's multi-index tests.

Hypothesis draws an array (shape up to 5-d with empty and length-1 axes, a
layout: C, F, transposed, reversed, a strided slice of a larger buffer, or a
read-only broadcast) and a key mixing integers, slices, Ellipsis, None,
integer arrays and lists, boolean masks and 0-d booleans.  The same recipe
builds the array in NumPy and in ndmem; the key is applied to both and the
outcomes must agree: values, dtype, shape, strides, flags, memory sharing,
what ``base`` is, and the exception type and message for a bad key.
Assignment is checked the same way, with values of broadcastable shapes and
other dtypes, and with sources that overlap the destination.  Every shape
function of the views issue (reshape, ravel, transpose, ..., pad, flat,
as_strided) runs on the same random layouts with random arguments.
"""
import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ndmem as nm

FLAGS = ("C_CONTIGUOUS", "F_CONTIGUOUS", "OWNDATA", "WRITEABLE", "ALIGNED")
DTYPES = ["int64", "float64", "int8", "uint16", ">i4", "complex64", "bool", "float16", "<U3", "S2"]
SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


# ---------------------------------------------------------------- arrays

@st.composite
def recipes(draw):
    """A shape and the steps that build an array of that shape with a random
    layout; the same steps run on either library (see ``build``)."""
    ndim = draw(st.integers(0, 5))
    dims = st.sampled_from([0, 1, 1, 2, 2, 3, 3, 4, 5]) if ndim <= 3 else st.sampled_from([1, 2, 2, 3])
    shape = tuple(draw(dims) for _ in range(ndim))
    dtype = draw(st.sampled_from(DTYPES))
    layout = draw(st.sampled_from(["C", "F", "T", "neg", "slice", "bcast"]))
    steps = []
    if layout == "C" or ndim == 0:
        steps.append(("arange", shape))
    elif layout == "F":
        steps += [("arange", shape[::-1]), ("T", None)]
    elif layout == "T":
        perm = tuple(draw(st.permutations(range(ndim))))
        inverse = tuple(np.argsort(perm))
        steps += [("arange", tuple(shape[p] for p in perm)), ("transpose", inverse)]
    elif layout == "neg":
        flips = draw(st.lists(st.booleans(), min_size=ndim, max_size=ndim))
        steps += [("arange", shape),
                  ("index", tuple(slice(None, None, -1) if f else slice(None) for f in flips))]
    elif layout == "slice":
        key, big = [], []
        for n in shape:
            step = draw(st.sampled_from([1, 2, 3, -1, -2]))
            start = draw(st.integers(0, 2))
            big.append(start + max(n, 1) * abs(step) + draw(st.integers(0, 1)))
            if step > 0:
                key.append(slice(start, start + n * step, step))
            else:
                first = big[-1] - 1 - start
                key.append(slice(first, first + n * step if first + n * step >= 0 else None, step))
        steps += [("arange", tuple(big)), ("index", tuple(key))]
    else:
        small = tuple(n if draw(st.booleans()) else 1 for n in shape)
        steps += [("arange", small), ("broadcast_to", shape)]
    return shape, dtype, steps


def build(lib, dtype, steps):
    """Run a recipe: (owner, array)."""
    owner = array = None
    for op, arg in steps:
        if op == "arange":
            size = math.prod(arg)
            owner = array = lib.arange(size).astype(dtype).reshape(arg)
        elif op == "T":
            array = array.T
        elif op == "transpose":
            array = array.transpose(arg)
        elif op == "index":
            array = array[arg]
        elif op == "broadcast_to":
            array = lib.broadcast_to(array, arg)
    return owner, array


def arrays_of(recipe):
    shape, dtype, steps = recipe
    o_np, a_np = build(np, dtype, steps)
    o_nm, a_nm = build(nm, dtype, steps)
    assert a_np.shape == shape
    assert_same_array(a_np, a_nm)
    return o_np, a_np, o_nm, a_nm


# ---------------------------------------------------------------- keys

@st.composite
def int_arrays(draw, length, shape):
    """An integer index for an axis of ``length`` with ``shape``, mostly in
    bounds (negative too), sometimes out of bounds."""
    size = math.prod(shape)
    if length and draw(st.integers(0, 9)):
        values = st.integers(-length, length - 1)
    else:
        values = st.integers(-length - 2, length + 1)
    flat = draw(st.lists(values, min_size=size, max_size=size))
    kind = draw(st.sampled_from(["intp", "intp", "int32", "uint8", "int8", "list"]))
    if kind == "list" or (kind == "uint8" and min(flat, default=0) < 0):
        kind = "intp" if kind == "uint8" else kind
    if kind == "list":
        return np.array(flat, dtype=np.intp).reshape(shape).tolist()
    return np.array(flat, dtype=kind).reshape(shape)


@st.composite
def keys(draw, shape):
    """A random key for an array of ``shape``; the caller's rules decide
    whether it is valid, NumPy decides what it means."""
    ndim = len(shape)
    nfancy = st.sampled_from([(), (0,), (1,), (2,), (3,), (2, 1), (1, 3), (2, 3)])
    fancy_shape = draw(nfancy)
    parts = []
    axis = 0
    ellipsis = False
    count = draw(st.integers(0, ndim + 2))
    for _ in range(count):
        kinds = ["int", "slice", "slice", "none", "ellipsis", "array", "bool", "bool0"]
        kind = draw(st.sampled_from(kinds))
        if axis >= ndim and kind in ("int", "slice", "array", "bool") and draw(st.integers(0, 9)):
            kind = "none"
        length = shape[axis] if axis < ndim else 0
        if kind == "int":
            if length and draw(st.integers(0, 9)):
                value = draw(st.integers(-length, length - 1))
            else:
                value = draw(st.integers(-length - 2, length + 1))
            # a Python int, a NumPy integer scalar or a 0-d integer array
            # (the last makes the result a copy)
            wrap = draw(st.sampled_from([int, int, int, np.intp, np.int8, np.array]))
            parts.append(wrap(value) if wrap is not np.int8 or -128 <= value < 128 else value)
            axis += 1
        elif kind == "slice":
            bound = st.one_of(st.none(), st.integers(-2 * length - 2, 2 * length + 2))
            step = st.one_of(st.none(), st.sampled_from([-3, -2, -1, 1, 2, 3, 0]
                                                        if not draw(st.integers(0, 30))
                                                        else [-3, -2, -1, 1, 2, 3]))
            parts.append(slice(draw(bound), draw(bound), draw(step)))
            axis += 1
        elif kind == "none":
            parts.append(None)
        elif kind == "ellipsis":
            if ellipsis and draw(st.integers(0, 9)):
                continue
            parts.append(Ellipsis)
            ellipsis = True
            axis = max(axis, ndim - (count - len(parts)))
        elif kind == "array":
            # broadcastable with the other index arrays, or sometimes not
            fshape = fancy_shape
            if fshape and draw(st.booleans()):
                fshape = tuple(1 if draw(st.booleans()) else n for n in fshape)
                fshape = fshape[draw(st.integers(0, len(fshape))):]
            if not draw(st.integers(0, 19)):
                fshape = draw(nfancy)
            parts.append(draw(int_arrays(length, fshape)))
            axis += 1
        elif kind == "bool":
            span = draw(st.integers(0, max(0, min(2, ndim - axis))))
            mshape = shape[axis:axis + span]
            if not draw(st.integers(0, 19)):
                mshape = tuple(n + 1 for n in mshape)
            flat = draw(st.lists(st.booleans(), min_size=math.prod(mshape),
                                 max_size=math.prod(mshape)))
            mask = np.array(flat, dtype=bool).reshape(mshape)
            if span == 1 and draw(st.integers(0, 3)) == 0:
                mask = mask.tolist()
            parts.append(mask)
            axis += span
        else:
            parts.append(draw(st.sampled_from([True, False, np.True_, np.False_])))
    if len(parts) == 1 and draw(st.booleans()):
        return parts[0]
    return tuple(parts)


def to_nm(key):
    """The same key for ndmem: NumPy arrays and scalars become ndmem ones."""
    if isinstance(key, tuple):
        return tuple(to_nm(k) for k in key)
    if isinstance(key, np.ndarray):
        return nm.array(key)
    if isinstance(key, np.bool_):
        return nm.True_ if key else nm.False_
    if isinstance(key, np.generic):
        return getattr(nm, type(key).__name__)(key.item())
    return key


# ---------------------------------------------------------------- checks

def outcome(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result, error = fn(), None
        except Exception as exc:  # noqa: BLE001 - compared by the caller
            result, error = None, exc
    return result, error, sorted({w.category.__name__ for w in caught})


def assert_same_outcome(np_out, nm_out):
    (_, e_np, w_np), (_, e_nm, w_nm) = np_out, nm_out
    assert w_nm == w_np
    if e_np is not None:
        assert e_nm is not None, f"ndmem did not raise {e_np!r}"
        assert type(e_nm).__name__ == type(e_np).__name__, (e_np, e_nm)
        assert str(e_nm) == str(e_np)
    else:
        assert e_nm is None, e_nm


def assert_same_array(r_np, r_nm):
    assert isinstance(r_nm, nm.ndarray), type(r_nm)
    assert r_nm.shape == r_np.shape
    assert r_nm.dtype.str == r_np.dtype.str
    assert r_nm.strides == r_np.strides
    for flag in FLAGS:
        assert r_nm.flags[flag] == r_np.flags[flag], flag
    np.testing.assert_array_equal(np.asarray(r_nm), r_np)


def relation(obj, known):
    """What ``obj.base`` is, told by name among ``known`` objects; for an
    unnamed base, its shape, ownership and its own relation."""
    base = obj.base
    if base is None:
        return None
    for name, candidate in known.items():
        if base is candidate:
            return name
    if hasattr(base, "flags"):
        return ("hidden", base.shape, base.flags["OWNDATA"], relation(base, known))
    return ("foreign", type(base).__name__)


def compare_get(arrays, key):
    o_np, a_np, o_nm, a_nm = arrays
    np_out = outcome(lambda: a_np[key])
    nm_out = outcome(lambda: a_nm[to_nm(key)])
    assert_same_outcome(np_out, nm_out)
    r_np, r_nm = np_out[0], nm_out[0]
    if np_out[1] is not None:
        return
    if not isinstance(r_np, np.ndarray):
        assert not isinstance(r_nm, nm.ndarray), type(r_nm)
        assert type(r_nm).__name__ == type(r_np).__name__
        assert repr(r_nm) == repr(r_np)
        return
    assert_same_array(r_np, r_nm)
    assert nm.shares_memory(r_nm, a_nm) == np.shares_memory(r_np, a_np)
    known_np = {"owner": o_np, "source": a_np, "source.base": a_np.base}
    known_nm = {"owner": o_nm, "source": a_nm, "source.base": a_nm.base}
    assert relation(r_nm, known_nm) == relation(r_np, known_np)
    assert (r_nm is a_nm) == (r_np is a_np)


@settings(max_examples=1500, **SETTINGS)
@given(st.data())
def test_getitem_oracle(data):
    recipe = data.draw(recipes())
    arrays = arrays_of(recipe)
    compare_get(arrays, data.draw(keys(recipe[0])))


@settings(max_examples=300, **SETTINGS)
@given(st.data())
def test_getitem_chains(data):
    """A key applied to the result of another key: views of views collapse
    ``base`` as NumPy, fancy results of views own their data."""
    recipe = data.draw(recipes())
    o_np, a_np, o_nm, a_nm = arrays_of(recipe)
    first = data.draw(keys(recipe[0]))
    try:
        b_np = a_np[first]
    except (IndexError, ValueError, TypeError):
        return
    if not isinstance(b_np, np.ndarray):
        return
    b_nm = a_nm[to_nm(first)]
    compare_get((o_np, b_np, o_nm, b_nm), data.draw(keys(b_np.shape)))


BAD_KEYS = [
    1.0, "a", b"a", [1.0], [[1, 2], 3], object(), {1: 2}, {0}, (1.5,), [None],
    (slice(1.0),), (slice(0, 2, 0),), (Ellipsis, Ellipsis), [Ellipsis],
    np.array([1.5]), np.array(["a"]), [object()], [[0], [None]], [True, 1],
    (0, 0, 0, 0), (np.array([0, 1]), np.array([0, 1, 0])), np.array(1.0),
    (slice(None), [5]), (slice(None), [-6]), [[True, False]], [],
    np.zeros((2, 2), dtype=bool), np.zeros(3, dtype=bool), np.array([], dtype=float),
    (None, 5), (-4,), (0, -6), np.int64(7), np.uint64(2), np.array([[1], [2]]),
    2**63, 2**63 - 1, 2**64, -2**63 - 1, (0, 2**63), (2**70, 0), [2**63], np.uint64(2**63),
    (None,) * 65, (None,) * 62, slice(2**70, None), slice(-2**70, 2**70, 2**70),
    slice(None, None, -2**63), (Ellipsis, 0, 0, 0), np.zeros((1,) * 33, dtype=np.intp),
]


@pytest.mark.parametrize("key", BAD_KEYS, ids=repr)
def test_bad_keys(key):
    """Rejected keys raise NumPy's exception type with NumPy's message; keys
    NumPy accepts give its result."""
    arrays = arrays_of(((3, 5), "int64", [("arange", (3, 5))]))
    compare_get(arrays, key)
    # the same on a 0-d and on an empty array
    compare_get(arrays_of(((), "float64", [("arange", ())])), key)
    compare_get(arrays_of(((0, 2), "int8", [("arange", (0, 2))])), key)


# ---------------------------------------------------------------- setitem

@st.composite
def values_for(draw, target_shape):
    """A value to assign: a Python scalar, a list, or an array whose shape
    broadcasts to ``target_shape`` (sometimes not), of a random dtype."""
    kind = draw(st.sampled_from(["int", "float", "bool", "complex", "array", "array", "list"]))
    if kind == "int":
        return draw(st.integers(-3, 120))
    if kind == "float":
        return draw(st.sampled_from([2.5, -1.75, 0.0, 7.0]))
    if kind == "bool":
        return draw(st.booleans())
    if kind == "complex":
        return draw(st.sampled_from([1 + 2j, 3 + 0j]))
    shape = tuple(1 if draw(st.integers(0, 3)) == 0 else n for n in target_shape)
    shape = shape[draw(st.integers(0, len(shape))):]
    if not draw(st.integers(0, 9)):
        shape = draw(st.sampled_from([(2,), (3, 1), (4,)]))
    size = math.prod(shape)
    dtype = draw(st.sampled_from(["int64", "float64", "int8", "bool", "float32", "uint8", ">i2",
                                  "complex128"]))
    flat = draw(st.lists(st.integers(-2, 99), min_size=size, max_size=size))
    value = (np.array(flat) * (1.25 if dtype.startswith("float") else 1)).astype(dtype).reshape(shape)
    if kind == "list":
        return value.tolist()
    return value


def compare_set(arrays, key, value, nm_value=None):
    o_np, a_np, o_nm, a_nm = arrays
    if nm_value is None:
        nm_value = nm.array(value) if isinstance(value, np.ndarray) else value
    np_out = outcome(lambda: a_np.__setitem__(key, value))
    nm_out = outcome(lambda: a_nm.__setitem__(to_nm(key), nm_value))
    assert_same_outcome(np_out, nm_out)
    np.testing.assert_array_equal(np.asarray(o_nm), o_np)


@settings(max_examples=1000, **SETTINGS)
@given(st.data())
def test_setitem_oracle(data):
    recipe = data.draw(recipes())
    arrays = arrays_of(recipe)
    key = data.draw(keys(recipe[0]))
    try:
        target = arrays[1][key]
        target_shape = getattr(target, "shape", ())
    except (IndexError, ValueError, TypeError):
        target_shape = recipe[0]
    if recipe[0] and not data.draw(st.integers(0, 4)):
        # the value is the array's own mirror image under the same key: for
        # a basic key it overlaps the destination
        flip = (slice(None, None, -1),) * data.draw(st.integers(1, len(recipe[0])))
        o_np, a_np, o_nm, a_nm = arrays
        try:
            value = a_np[flip][key]
        except (IndexError, ValueError, TypeError):
            return
        compare_set(arrays, key, value, a_nm[flip][to_nm(key)])
        return
    compare_set(arrays, key, data.draw(values_for(target_shape)))


@st.composite
def same_length_slices(draw, length):
    """Two slices selecting the same number of elements of an axis."""
    step_a = draw(st.sampled_from([1, 1, 2, -1, -2, 3]))
    start_a = draw(st.integers(0, length - 1))
    count_max = len(range(start_a, length if step_a > 0 else -1, step_a))
    count = draw(st.integers(0, count_max))
    step_b = draw(st.sampled_from([1, 1, 2, -1, -2, 3]))
    room = length - 1 - (count - 1) * abs(step_b) if count else length - 1
    if room < 0:
        step_b, room = (1 if step_b > 0 else -1), length - count
    offset = draw(st.integers(0, max(room, 0)))
    start_b = offset if step_b > 0 else length - 1 - offset

    def make(start, step):
        stop = start + count * step
        return slice(start, stop if stop >= 0 else None, step)

    return make(start_a, step_a), make(start_b, step_b)


@settings(max_examples=400, **SETTINGS)
@given(st.data())
def test_overlapping_setitem(data):
    """``a[s] = a[t]`` where the two views overlap: NumPy copies the source
    first when needed, so the result is as if from a copy."""
    ndim = data.draw(st.integers(1, 3))
    shape = tuple(data.draw(st.integers(1, 6)) for _ in range(ndim))
    axis = data.draw(st.integers(0, ndim - 1))
    dtype = data.draw(st.sampled_from(["int64", "int16", "float32"]))
    layout = data.draw(st.sampled_from(["arange", "F", "neg"]))
    steps = {"arange": [("arange", shape)],
             "F": [("arange", shape[::-1]), ("T", None)],
             "neg": [("arange", shape), ("index", (slice(None, None, -1),) * ndim)]}[layout]
    o_np, a_np, o_nm, a_nm = arrays_of((shape, dtype, steps))
    dst, src = data.draw(same_length_slices(shape[axis]))
    lead = (slice(None),) * axis
    dst_key, src_key = lead + (dst,), lead + (src,)
    if data.draw(st.booleans()):
        # the source also moved along another axis or reversed wholesale
        src_key = src_key + (slice(None, None, -1),) * (ndim - axis - 1)
    a_np[dst_key] = a_np[src_key]
    a_nm[dst_key] = a_nm[src_key]
    np.testing.assert_array_equal(np.asarray(o_nm), o_np)


@pytest.mark.parametrize("statement", [
    "a[1:] = a[:-1]", "a[:-1] = a[1:]", "a[::-1] = a", "a[::2] = a[:3]",
    "a[[0, 1, 2]] = a[1:4]", "a[a_mask] = a[:3]", "a[1:4] = a[[0, 0, 1]]",
    "a[[3, 2, 1, 0]] = a[:4]", "b[1:, :] = b[:-1, :]", "b[:, 1:] = b[:, :-1]",
    "b[...] = b.T[:2, :2].T", "b[:] = b[::-1, ::-1]", "b[[0, 1]] = b[[1, 0]]",
    "b[b_mask] = b.T.ravel()[:2]", "a[[0, 0, 0]] = [1, 2, 3]", "a[[1, -5]] = 9",
])
def test_overlap_statements(statement):
    """Hand-picked overlapping and repeated-index assignments."""
    spaces = []
    for lib in (np, nm):
        a = lib.arange(5)
        b = lib.arange(4).reshape(2, 2)
        a_mask = lib.array([True, False, True, False, True])
        b_mask = lib.array([[True, False], [False, True]])
        space = {"a": a, "b": b, "a_mask": a_mask, "b_mask": b_mask}
        exec(statement, space)
        spaces.append(space)
    for name in ("a", "b"):
        np.testing.assert_array_equal(np.asarray(spaces[1][name]), spaces[0][name])


# ---------------------------------------------------------------- structured

RECORD = [("id", "i4"), ("score", "f8"), ("name", "U5"), ("pair", "i2", (2,))]


def records(lib):
    s = lib.zeros(5, dtype=RECORD)
    s["id"] = lib.arange(5)
    s["score"] = lib.arange(5) * 0.5 if lib is np else lib.array([0.0, 0.5, 1.0, 1.5, 2.0])
    s["name"] = ["a", "bb", "ccc", "dddd", "eeeee"]
    s["pair"] = lib.arange(10).reshape(5, 2)
    return s


@pytest.mark.parametrize("statement", [
    "s['id'] = 7", "s['score'] = s['id']", "s['id'][1:3] = [40, 50]",
    "s[1:3]['id'] = [40, 50]", "s[[0, 2]]['id'] = 99", "s[1]['score'] = 3.25",
    "s['pair'][:, 1] = -1", "s['pair'] = [8, 9]", "s[2] = (1, 2.0, 'x', (3, 4))",
    "s[::-2]['name'] = 'zz'", "s[['id', 'score']][0] = (5, 6.5)",
    "s[s['id'] > 2]['id'] = 0", "s[2:] = s[:3]", "s['id'] = s['score'] * 3",
    "s[[True, False, True, False, True]] = s[0]", "s['nope'] = 1", "s[['id', 'id']]",
])
def test_structured_field_assignment(statement):
    """Fields are strided views; writing to a field of a view reaches the
    array, writing to a field of a fancy copy does not."""
    got = []
    for lib in (np, nm):
        s = records(lib)
        space = {"s": s}
        got.append(outcome(lambda: exec(statement, space)) + (s,))
    assert_same_outcome(got[0][:3], got[1][:3])
    s_np, s_nm = got[0][3], got[1][3]
    for field, *_ in RECORD:
        np.testing.assert_array_equal(np.asarray(s_nm[field]), s_np[field])


@settings(max_examples=200, **SETTINGS)
@given(st.data())
def test_structured_field_views(data):
    """Field views of random basic and fancy selections of a record array."""
    s_np, s_nm = records(np), records(nm)
    key = data.draw(keys((5,)))
    field = data.draw(st.sampled_from(["id", "score", "name", "pair", ["id", "pair"]]))
    before = data.draw(st.booleans())
    np_out = outcome(lambda: s_np[field][key] if before else s_np[key][field])
    nm_out = outcome(lambda: s_nm[field][to_nm(key)] if before else s_nm[to_nm(key)][field])
    assert_same_outcome(np_out, nm_out)
    r_np, r_nm = np_out[0], nm_out[0]
    if isinstance(r_np, np.ndarray):
        assert r_nm.shape == r_np.shape and r_nm.strides == r_np.strides
        assert r_nm.dtype == r_np.dtype if not isinstance(field, list) else True
        assert nm.shares_memory(r_nm, s_nm) == np.shares_memory(r_np, s_np)
        assert (r_nm.base is s_nm) == (r_np.base is s_np)
        for flag in FLAGS:
            assert r_nm.flags[flag] == r_np.flags[flag], flag
    elif np_out[1] is None:
        assert repr(r_nm) == repr(r_np)


# ---------------------------------------------------------------- shape functions

def _axis(data, ndim, extra=0):
    """An axis of an ndim-d array, negative too, sometimes out of range."""
    bound = max(ndim, 1) + extra
    return data.draw(st.integers(-bound, bound - 1))


def _new_shape(data, shape):
    """A shape with the same size: the axes shuffled or merged, one -1, or
    (rarely) a wrong size."""
    dims = list(shape)
    dims = data.draw(st.permutations(dims)) if dims else dims
    if len(dims) > 1 and data.draw(st.booleans()):
        i = data.draw(st.integers(0, len(dims) - 2))
        dims[i:i + 2] = [dims[i] * dims[i + 1]]
    if data.draw(st.booleans()):
        dims = [d for d in dims if d != 1] + [1] * data.draw(st.integers(0, 2))
    if dims and data.draw(st.booleans()) and 0 not in dims:
        dims[data.draw(st.integers(0, len(dims) - 1))] = -1
    if not data.draw(st.integers(0, 19)):
        dims.append(2)
    return tuple(dims)


def _draw_call(data, shape):
    """(name, function of (lib, a)) for a random shape function and random
    arguments that suit an array of ``shape``."""
    nd = len(shape)
    draw = data.draw
    name = draw(st.sampled_from([
        "reshape", "reshape_method", "ravel", "flatten", "transpose", "T",
        "swapaxes", "moveaxis", "rollaxis", "squeeze", "expand_dims", "flip",
        "flipud", "fliplr", "broadcast_to", "broadcast_arrays", "concatenate",
        "stack", "vstack", "hstack", "dstack", "column_stack", "split",
        "array_split", "tile", "repeat", "roll", "pad", "atleast_1d",
        "atleast_2d", "atleast_3d", "view", "view_dtype", "flat", "as_strided",
        "sliding_window_view"]))
    if name == "reshape":
        new, order = _new_shape(data, shape), draw(st.sampled_from("CFA"))
        copy = draw(st.sampled_from([None, None, True, False]))
        return name, lambda m, a: m.reshape(a, new, order=order, copy=copy)
    if name == "reshape_method":
        new = _new_shape(data, shape)
        return name, lambda m, a: a.reshape(*new) if new else a.reshape(())
    if name in ("ravel", "flatten"):
        order = draw(st.sampled_from("CFAK"))
        return name, lambda m, a: getattr(a, name)(order)
    if name == "transpose":
        axes = tuple(draw(st.permutations(range(nd)))) if draw(st.booleans()) else None
        if axes and not draw(st.integers(0, 9)):
            axes = axes[:-1]
        return name, lambda m, a: m.transpose(a, axes)
    if name == "T":
        return name, lambda m, a: a.T
    if name == "swapaxes":
        i, j = _axis(data, nd, 1), _axis(data, nd)
        return name, lambda m, a: m.swapaxes(a, i, j)
    if name == "moveaxis":
        k = draw(st.integers(0, min(nd, 2)))
        src = draw(st.lists(st.integers(-nd, nd - 1), min_size=k, max_size=k, unique=True)) if nd else []
        dst = draw(st.lists(st.integers(-nd, nd - 1), min_size=k, max_size=k, unique=True)) if nd else []
        return name, lambda m, a: m.moveaxis(a, src, dst)
    if name == "rollaxis":
        i, start = _axis(data, nd), draw(st.integers(-nd, nd))
        return name, lambda m, a: m.rollaxis(a, i, start)
    if name == "squeeze":
        ones = [i for i, n in enumerate(shape) if n == 1]
        axis = None
        if nd and draw(st.booleans()):
            axis = tuple(draw(st.lists(st.sampled_from(ones), unique=True))) if ones else _axis(data, nd)
        return name, lambda m, a: m.squeeze(a, axis)
    if name == "expand_dims":
        axis = _axis(data, nd + 1) if draw(st.booleans()) else (0, -1)
        return name, lambda m, a: m.expand_dims(a, axis)
    if name == "flip":
        axis = None if draw(st.booleans()) else _axis(data, nd)
        return name, lambda m, a: m.flip(a, axis)
    if name in ("flipud", "fliplr"):
        return name, lambda m, a: getattr(m, name)(a)
    if name == "broadcast_to":
        new = tuple(draw(st.sampled_from([n, 3]) if n == 1 else st.just(n)) for n in shape)
        new = tuple(draw(st.lists(st.integers(0, 3), max_size=2))) + new
        return name, lambda m, a: m.broadcast_to(a, new)
    if name == "broadcast_arrays":
        return name, lambda m, a: m.broadcast_arrays(a, m.arange(shape[-1] if nd else 1),
                                                     m.zeros((2,) + (1,) * nd))
    if name in ("concatenate", "stack"):
        axis = None if name == "concatenate" and not draw(st.integers(0, 4)) else \
            _axis(data, nd + (name == "stack"))
        return name, lambda m, a: getattr(m, name)([a, a[...]], axis=axis)
    if name in ("vstack", "hstack", "dstack", "column_stack"):
        return name, lambda m, a: getattr(m, name)((a, a))
    if name in ("split", "array_split"):
        axis = _axis(data, nd)
        parts = draw(st.sampled_from([1, 2, 3, [1], [0, 2], [3, 1]]))
        return name, lambda m, a: getattr(m, name)(a, parts, axis=axis)
    if name == "tile":
        reps = draw(st.sampled_from([1, 2, (2, 1), (1, 1, 2), (0,), ()]))
        return name, lambda m, a: m.tile(a, reps)
    if name == "repeat":
        axis = None if draw(st.booleans()) else _axis(data, nd)
        reps = draw(st.sampled_from([0, 1, 2]))
        return name, lambda m, a: m.repeat(a, reps, axis=axis)
    if name == "roll":
        shift = draw(st.integers(-5, 5))
        axis = None if draw(st.booleans()) else _axis(data, nd)
        return name, lambda m, a: m.roll(a, shift, axis=axis)
    if name == "pad":
        width = draw(st.sampled_from([0, 1, (1, 2), ((0, 1),) * nd]))
        return name, lambda m, a: m.pad(a, width, constant_values=7)
    if name.startswith("atleast"):
        return name, lambda m, a: getattr(m, name)(a)
    if name == "view":
        return name, lambda m, a: a.view()
    if name == "view_dtype":
        dtype = draw(st.sampled_from(["int8", "uint16", "float64", "<i4", "complex128"]))
        return name, lambda m, a: a.view(dtype)
    if name == "flat":
        key = draw(st.one_of(st.integers(-3, 3), st.just(slice(None, None, 2)),
                             st.just([0, -1]), st.just(Ellipsis)))
        return name, lambda m, a: a.flat[key]
    if name == "as_strided":
        return name, lambda m, a: m.lib.stride_tricks.as_strided(a)
    window = tuple(draw(st.integers(0, n)) for n in shape)
    return name, lambda m, a: m.lib.stride_tricks.sliding_window_view(a, window)


def compare_results(r_np, r_nm, known_np, known_nm, source_np, source_nm):
    if isinstance(r_np, (tuple, list)):
        assert type(r_nm).__name__ == type(r_np).__name__
        assert len(r_nm) == len(r_np)
        for x_np, x_nm in zip(r_np, r_nm):
            compare_results(x_np, x_nm, known_np, known_nm, source_np, source_nm)
        return
    if not isinstance(r_np, np.ndarray):
        assert not isinstance(r_nm, nm.ndarray)
        assert repr(r_nm) == repr(r_np)
        return
    assert_same_array(r_np, r_nm)
    assert nm.shares_memory(r_nm, source_nm) == np.shares_memory(r_np, source_np)
    assert relation(r_nm, known_nm) == relation(r_np, known_np)
    assert (r_nm is source_nm) == (r_np is source_np)


@pytest.mark.filterwarnings("ignore:future versions will not create a writeable array")
@settings(max_examples=1200, **SETTINGS)
@given(st.data())
def test_shape_functions_oracle(data):
    """Every shape function of the issue on random layouts (empty and
    length-1 axes, F, transposed, reversed, strided, broadcast read-only):
    values, strides, flags, sharing and ``base`` as NumPy; errors too."""
    recipe = data.draw(recipes())
    o_np, a_np, o_nm, a_nm = arrays_of(recipe)
    name, call = _draw_call(data, recipe[0])
    np_out = outcome(lambda: call(np, a_np))
    nm_out = outcome(lambda: call(nm, a_nm))
    assert_same_outcome(np_out, nm_out)
    if np_out[1] is None:
        known_np = {"owner": o_np, "source": a_np, "source.base": a_np.base}
        known_nm = {"owner": o_nm, "source": a_nm, "source.base": a_nm.base}
        compare_results(np_out[0], nm_out[0], known_np, known_nm, a_np, a_nm)
