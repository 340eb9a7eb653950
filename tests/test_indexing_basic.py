"""Indexing and assignment, differential against NumPy.

Basic indexing (integers, slices, Ellipsis, newaxis) must give views whose
shape, strides, flags and base match NumPy's; full integer indexing gives a
scalar; advanced (integer / boolean array) indexing gives copies laid out as
NumPy lays them out; assignment broadcasts, casts and survives overlap.
"""
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ndmem as nm

FLAGS = ("C_CONTIGUOUS", "F_CONTIGUOUS", "OWNDATA", "WRITEABLE", "ALIGNED")


# ---------------------------------------------------------------- helpers

def make(shape, dtype="int64", order="C", flip=()):
    """The same array in NumPy and ndmem: arange values, C or F layout, and
    optionally reversed along some axes (negative strides).  Returns
    (np_owner, np_array, nm_owner, nm_array)."""
    size = math.prod(shape)
    a = np.array(np.arange(size).astype(dtype).reshape(shape), order=order)
    b = nm.array(a, order=order)
    assert b.strides == a.strides
    key = tuple(slice(None, None, -1) if i in flip else slice(None)
                for i in range(len(shape)))
    if flip:
        return a, a[key], b, b[key]
    return a, a, b, b


def values(x):
    return np.asarray(x)


def assert_same_array(r_np, r_nm, owner_np=None, owner_nm=None):
    assert isinstance(r_nm, nm.ndarray), type(r_nm)
    assert r_nm.shape == r_np.shape
    assert r_nm.dtype.str == r_np.dtype.str
    if r_np.size:
        assert r_nm.strides == r_np.strides
    for flag in FLAGS:
        assert r_nm.flags[flag] == r_np.flags[flag], flag
    np.testing.assert_array_equal(values(r_nm), r_np)
    if owner_np is not None:
        assert (r_np.base is owner_np) == (r_nm.base is owner_nm)
        assert (r_np.base is None) == (r_nm.base is None)


def assert_same_result(r_np, r_nm, owner_np=None, owner_nm=None):
    if isinstance(r_np, np.ndarray):
        assert_same_array(r_np, r_nm, owner_np, owner_nm)
    else:
        assert not isinstance(r_nm, nm.ndarray)
        assert type(r_nm).__name__ == type(r_np).__name__
        assert repr(r_nm) == repr(r_np)


def outcome(fn):
    try:
        return fn(), None
    except Exception as exc:  # noqa: BLE001 - compared below
        return None, exc


def assert_same_error(e_np, e_nm):
    assert e_nm is not None, f"ndmem did not raise {e_np!r}"
    assert type(e_nm) is type(e_np), (e_np, e_nm)
    assert str(e_nm) == str(e_np)


def to_nm(key):
    """The same key for ndmem: NumPy arrays inside it become ndmem arrays."""
    if isinstance(key, tuple):
        return tuple(to_nm(k) for k in key)
    if isinstance(key, np.ndarray):
        return nm.array(key)
    return key


def check_get(a_np, v_np, a_nm, v_nm, key):
    r_np, e_np = outcome(lambda: v_np[key])
    r_nm, e_nm = outcome(lambda: v_nm[to_nm(key)])
    if e_np is not None:
        assert_same_error(e_np, e_nm)
        return
    assert e_nm is None, e_nm
    assert_same_result(r_np, r_nm, a_np, a_nm)


def check_set(shape, key, value, dtype="int64", order="C", flip=(), nm_value=None):
    a_np, v_np, a_nm, v_nm = make(shape, dtype, order, flip)
    if nm_value is None:
        nm_value = value
    _, e_np = outcome(lambda: v_np.__setitem__(key, value))
    _, e_nm = outcome(lambda: v_nm.__setitem__(to_nm(key), nm_value))
    if e_np is not None:
        assert_same_error(e_np, e_nm)
    else:
        assert e_nm is None, e_nm
    np.testing.assert_array_equal(values(a_nm), a_np)


# ---------------------------------------------------------------- strategies

LAYOUTS = st.sampled_from(["C", "F", "neg"])


@st.composite
def basic_case(draw):
    nd = draw(st.integers(0, 4))
    shape = tuple(draw(st.lists(st.integers(0, 5), min_size=nd, max_size=nd)))
    layout = draw(LAYOUTS)
    flip = ()
    order = "C"
    if layout == "F":
        order = "F"
    elif layout == "neg" and nd:
        flip = tuple(draw(st.sets(st.integers(0, nd - 1), min_size=1)))
    parts = []
    consumed = 0
    ellipsis = False
    n = draw(st.integers(0, nd + 2))
    for _ in range(n):
        kind = draw(st.sampled_from(["int", "slice", "slice", "none", "ellipsis"]))
        if kind in ("int", "slice") and consumed >= nd:
            kind = "none"
        if kind == "ellipsis" and ellipsis:
            kind = "none"
        if kind == "int":
            size = shape[consumed]
            lo, hi = -size - 1, size
            parts.append(draw(st.integers(lo, hi)))
            consumed += 1
        elif kind == "slice":
            bound = st.one_of(st.none(), st.integers(-7, 7))
            step = st.one_of(st.none(), st.sampled_from([-3, -2, -1, 1, 2, 3]))
            parts.append(slice(draw(bound), draw(bound), draw(step)))
            consumed += 1
        elif kind == "none":
            parts.append(None)
        else:
            parts.append(Ellipsis)
            ellipsis = True
    if len(parts) == 1 and draw(st.booleans()):
        key = parts[0]
    else:
        key = tuple(parts)
    return shape, order, flip, key


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(basic_case(), st.sampled_from(["int64", "float64", "int8", "complex128", "<f4", ">i4"]))
def test_basic_index_differential(case, dtype):
    shape, order, flip, key = case
    a_np, v_np, a_nm, v_nm = make(shape, dtype, order, flip)
    check_get(a_np, v_np, a_nm, v_nm, key)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(basic_case(), st.integers(-50, 50))
def test_basic_setitem_scalar_differential(case, value):
    shape, order, flip, key = case
    check_set(shape, key, value, order=order, flip=flip)


# ---------------------------------------------------------------- basic, explicit

KEYS_2D = [
    0, -1, 2, (1, 2), (-1, -4), (slice(None), 1), (1, slice(None)),
    slice(1, None), slice(None, None, -1), slice(None, None, -2), slice(5, 1, -1),
    (slice(None, None, 2), slice(None, None, -3)), (Ellipsis, 1), (1, Ellipsis),
    (Ellipsis,), Ellipsis, (), (None,), None, (None, 1, None, slice(1, 3)),
    (Ellipsis, None), (slice(3, 3),), slice(10, 20), slice(-10, -20, -1),
    (1, 2, Ellipsis), (slice(0, 0), Ellipsis, None),
]


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("key", KEYS_2D, ids=repr)
def test_basic_keys(order, key):
    a_np, v_np, a_nm, v_nm = make((3, 4), "float64", order)
    check_get(a_np, v_np, a_nm, v_nm, key)


def test_view_chain_base_collapses():
    a_np, _, a_nm, _ = make((4, 5))
    v_np = a_np[1:][:, ::2][0]
    v_nm = a_nm[1:][:, ::2][0]
    assert_same_array(v_np, v_nm, a_np, a_nm)
    assert v_nm.base is a_nm


def test_zero_d():
    a_np, _, a_nm, _ = make(())
    for key in [(), Ellipsis, None, (None, Ellipsis), (Ellipsis, None)]:
        check_get(a_np, a_np, a_nm, a_nm, key)
    for key in [0, (0,), [0], slice(None)]:
        check_get(a_np, a_np, a_nm, a_nm, key)


def test_scalar_types_and_repr():
    for dtype in ["int64", "int32", "uint8", "float64", "float32", "complex128", "bool"]:
        a_np, _, a_nm, _ = make((2, 3), dtype)
        for key in [(1, 2), (-1, 0), (0, -3)]:
            check_get(a_np, a_np, a_nm, a_nm, key)


def test_integer_like_keys():
    a_np, _, a_nm, _ = make((5, 3))
    for k_np, k_nm in [
        (np.int64(2), nm.int64(2)),
        (np.uint8(1), nm.uint8(1)),
        (np.array(3), nm.array(3)),
        ((np.int32(1), np.array(2)), (nm.int32(1), nm.array(2))),
    ]:
        r_np, r_nm = a_np[k_np], a_nm[k_nm]
        assert_same_result(r_np, r_nm, a_np, a_nm)


class _Index:
    def __init__(self, v):
        self.v = v

    def __index__(self):
        return self.v


def test_dunder_index_key():
    a_np, _, a_nm, _ = make((5,))
    assert_same_result(a_np[_Index(-2)], a_nm[_Index(-2)])
    assert_same_result(a_np[_Index(1):_Index(4)], a_nm[_Index(1):_Index(4)], a_np, a_nm)


@pytest.mark.parametrize("key", [
    5, -6, (0, 4), (0, -5), (1, 2, 3), (0, 0, 0), (Ellipsis, Ellipsis),
    (Ellipsis, 1, Ellipsis), 1.0, "a", (slice(None), 1.5), {}, 2 ** 70, -2 ** 70,
    slice(None, None, 0), (None,) * 70, [1.0], [[2 ** 70]], object(),
])
def test_basic_errors(key):
    a_np, _, a_nm, _ = make((5, 4))
    check_get(a_np, a_np, a_nm, a_nm, key)


def test_error_messages_exact():
    a_nm = nm.zeros(3)
    with pytest.raises(IndexError, match=r"^index 5 is out of bounds for axis 0 with size 3$"):
        a_nm[5]
    with pytest.raises(IndexError, match=r"^too many indices for array: array is 1-dimensional, but 2 were indexed$"):
        a_nm[0, 0]
    with pytest.raises(IndexError, match=r"single ellipsis"):
        a_nm[..., ...]


# ---------------------------------------------------------------- flags

def test_views_inherit_readonly():
    a_np, _, a_nm, _ = make((3, 4))
    a_np.flags.writeable = False
    a_nm.flags.writeable = False
    v_np, v_nm = a_np[1:, ::2], a_nm[1:, ::2]
    assert_same_array(v_np, v_nm, a_np, a_nm)
    assert not v_nm.flags.writeable
    for key, value in [(0, 1), ((0, 0), 1), (slice(None), 2), ([0], 1),
                       (a_np > 2, 0), ("x", 1), (Ellipsis, [1, 2, 3, 4])]:
        nm_key = nm.array(key) if isinstance(key, np.ndarray) else key
        _, e_np = outcome(lambda: a_np.__setitem__(key, value))
        _, e_nm = outcome(lambda: a_nm.__setitem__(nm_key, value))
        assert_same_error(e_np, e_nm)
    with pytest.raises(ValueError, match="assignment destination is read-only"):
        v_nm[0, 0] = 5


def test_size_zero_views_have_numpy_strides():
    a_np, _, a_nm, _ = make((4, 3))
    for key in [slice(2, 2), (slice(None), slice(3, 1)), (slice(None, None, -1), slice(0, 0))]:
        r_np, r_nm = a_np[key], a_nm[key]
        assert r_nm.shape == r_np.shape
        assert r_nm.strides == r_np.strides


# ---------------------------------------------------------------- setitem

@pytest.mark.parametrize("key,value", [
    (0, 7),
    (-1, -7),
    ((1, 2), 9),
    (slice(None), 3),
    (slice(None, None, -1), [1, 2, 3, 4]),
    (1, [10, 20, 30, 40]),
    ((slice(None), 1), [1, 2, 3]),
    (Ellipsis, [[1], [2], [3]]),
    (Ellipsis, [5, 6, 7, 8]),
    ((slice(None), slice(None, None, 2)), [[1, 2]]),
    (0, 2.9),
    (0, -2.9),
    (slice(None), 1.5),
    ((0, 0), True),
    (slice(0, 2), [[1, 2, 3]]),
    (slice(0, 2), [1, 2, 3]),
    (slice(0, 0), 5),
    (0, [1, 2]),
    ((0, 0), [1, 2]),
    ((0, 0), [1]),
    (5, 1),
    (0, "abc"),
    (0, "12"),
    (0, None),
    (slice(None), 2 ** 70),
])
def test_setitem_cases(key, value):
    check_set((3, 4), key, value)


def test_setitem_from_arrays_with_broadcast_and_cast():
    for value in [np.arange(4.0) + 0.5, np.arange(3)[:, None], np.array(7.9), np.ones((1, 1, 4))]:
        check_set((3, 4), Ellipsis, value, nm_value=nm.array(value))
        check_set((3, 4), (slice(1, None), slice(None)), value, nm_value=nm.array(value))


def test_setitem_bad_broadcast_message():
    check_set((2,), slice(None), np.ones(3), dtype="float64", nm_value=nm.ones(3))
    check_set((2, 3), slice(None), np.ones((4, 3)), dtype="float64", nm_value=nm.ones((4, 3)))


def test_setitem_uint8_overflow():
    check_set((3,), slice(None), 300, dtype="uint8")
    check_set((3,), 0, -1, dtype="uint8")
    check_set((3,), slice(None), [300], dtype="uint8")
    check_set((3,), slice(None), [255], dtype="uint8")


@pytest.mark.parametrize("dst,src", [
    (slice(1, None), slice(None, -1)),
    (slice(None, -1), slice(1, None)),
    (slice(None, None, -1), slice(None)),
    (slice(2, None), slice(None, None, -1)),
    (slice(None, None, 2), slice(1, None, 2)),
])
def test_overlapping_assignment(dst, src):
    a = np.arange(10)
    b = nm.arange(10)
    a[dst] = a[src][: len(a[dst])] if len(a[src]) != len(a[dst]) else a[src]
    n = len(range(*dst.indices(10)))
    b[dst] = b[src][:n] if len(range(*src.indices(10))) != n else b[src]
    np.testing.assert_array_equal(values(b), a)


def test_overlapping_assignment_2d():
    a = np.arange(20).reshape(4, 5)
    b = nm.array(a)
    a[1:, :] = a[:-1, :]
    b[1:, :] = b[:-1, :]
    np.testing.assert_array_equal(values(b), a)
    a[:, :-1] = a[:, 1:]
    b[:, :-1] = b[:, 1:]
    np.testing.assert_array_equal(values(b), a)
    a[...] = a[::-1]
    b[...] = b[::-1]
    np.testing.assert_array_equal(values(b), a)


def test_setitem_float_into_int_truncates():
    a = np.zeros(4, dtype=np.int64)
    b = nm.zeros(4, dtype=nm.int64)
    a[:] = np.array([1.7, -1.7, 2.5, -0.2])
    b[:] = nm.array([1.7, -1.7, 2.5, -0.2])
    np.testing.assert_array_equal(values(b), a)
    a[1] = 9.99
    b[1] = 9.99
    np.testing.assert_array_equal(values(b), a)


# ---------------------------------------------------------------- copyto

def test_copyto():
    a = np.zeros((2, 3))
    b = nm.zeros((2, 3))
    np.copyto(a, np.arange(3))
    nm.copyto(b, nm.arange(3))
    np.testing.assert_array_equal(values(b), a)
    np.copyto(a, 5, where=np.array([[True, False, True]]))
    nm.copyto(b, 5, where=nm.array([[True, False, True]]))
    np.testing.assert_array_equal(values(b), a)
    i_np, i_nm = np.zeros(3, np.int64), nm.zeros(3, nm.int64)
    for src_np, src_nm, kw in [
        (np.ones(3), nm.ones(3), {}),
        (1.5, 1.5, {}),
        ([1.5], [1.5], {}),
        (np.ones(4), nm.ones(4), {}),
        (np.ones(3), nm.ones(3), {"casting": "unsafe"}),
        (np.ones(3), nm.ones(3), {"casting": "bad"}),
        (7, 7, {}),
    ]:
        _, e_np = outcome(lambda: np.copyto(i_np, src_np, **kw))
        _, e_nm = outcome(lambda: nm.copyto(i_nm, src_nm, **kw))
        if e_np is not None:
            assert_same_error(e_np, e_nm)
        else:
            assert e_nm is None, e_nm
        np.testing.assert_array_equal(values(i_nm), i_np)
    u_np, u_nm = np.zeros(3, np.uint8), nm.zeros(3, nm.uint8)
    _, e_np = outcome(lambda: np.copyto(u_np, 300))
    _, e_nm = outcome(lambda: nm.copyto(u_nm, 300))
    assert_same_error(e_np, e_nm)
    with pytest.raises(TypeError):
        nm.copyto([1], nm.zeros(1))


def test_broadcast_shapes():
    for shapes in [((2, 3), (3,)), ((1,), (4, 1), ()), (3, (2, 1)), ((0, 1), (5,))]:
        assert nm.broadcast_shapes(*shapes) == np.broadcast_shapes(*shapes)
    _, e_np = outcome(lambda: np.broadcast_shapes((2, 3), (4,)))
    _, e_nm = outcome(lambda: nm.broadcast_shapes((2, 3), (4,)))
    assert_same_error(e_np, e_nm)


# ---------------------------------------------------------------- structured

def structured_pair():
    dt = [("a", "<i4"), ("b", "<f8"), ("c", "S3")]
    a = np.zeros(4, dtype=dt)
    a["a"] = [1, 2, 3, 4]
    a["b"] = [0.5, 1.5, 2.5, 3.5]
    a["c"] = [b"x", b"yy", b"zzz", b""]
    b = nm.array(a)
    return a, b


def test_structured_field_views():
    a, b = structured_pair()
    for name in ["a", "b", "c"]:
        assert_same_array(a[name], b[name], a, b)
    assert_same_array(a[1:]["b"], b[1:]["b"], a, b)
    _, e_np = outcome(lambda: a["x"])
    _, e_nm = outcome(lambda: b["x"])
    assert_same_error(e_np, e_nm)
    _, e_np = outcome(lambda: a[0, "a"])
    _, e_nm = outcome(lambda: b[0, "a"])
    assert_same_error(e_np, e_nm)


def test_structured_multi_field():
    a, b = structured_pair()
    for names in (["b", "a"], ["c"], ["a", "b", "c"]):
        r_np, r_nm = a[names], b[names]
        assert repr(r_nm.dtype) == repr(r_np.dtype)
        assert r_nm.strides == r_np.strides
        assert r_nm.base is b
        assert values(r_nm).tobytes() == r_np.tobytes()
    for bad in (["a", "a"], ["a", "x"], ["a", 1]):
        _, e_np = outcome(lambda: a[bad])
        _, e_nm = outcome(lambda: b[bad])
        assert_same_error(e_np, e_nm)


def test_structured_assignment():
    a, b = structured_pair()
    a["a"] = 9
    b["a"] = 9
    a["b"][1:] = [7.0, 8.0, 9.0]
    b["b"][1:] = [7.0, 8.0, 9.0]
    a[2] = (5, 6.5, b"q")
    b[2] = (5, 6.5, b"q")
    assert values(b).tobytes() == a.tobytes()
    assert repr(b[2]) == repr(a[2])


# ---------------------------------------------------------------- advanced

ADV_KEYS_3D = [
    [0, 2],
    [[0], [1]],
    ([0, 1], [1, 2]),
    (slice(None), [0, 2]),
    (slice(None), [0, 2], [1, 3]),
    ([0, 1], slice(None), [1, 3]),
    (0, slice(None), [0, 1]),
    ([0, 1], slice(None), 0),
    (slice(None), 0, [0, 1]),
    (Ellipsis, [0, 1]),
    (None, [0, 1]),
    ([0, 1], None),
    (slice(None), None, [0, 1]),
    ([1], Ellipsis, [0, 1]),
    (slice(None), [1], Ellipsis, [0, 1]),
    ([-1, -2, 0],),
    ([],),
    ([[]],),
    (True,),
    (False,),
    (slice(None), True),
    (Ellipsis, True),
    ([0, 1], True),
    ([True, False],),
    ([True, False, True],),
    (slice(None), [True, False, True, False]),
    ([5],),
    ([0, 1], [0, 1, 2]),
    (slice(None), [-4]),
    (slice(1, None), [0, 0, 1], slice(None, None, -1)),
]


@pytest.mark.parametrize("layout", ["C", "F", "neg"])
@pytest.mark.parametrize("key", ADV_KEYS_3D, ids=repr)
def test_advanced_keys(layout, key):
    order = "F" if layout == "F" else "C"
    flip = (0, 2) if layout == "neg" else ()
    a_np, v_np, a_nm, v_nm = make((3, 4, 5), "int64", order, flip)
    check_get(a_np, v_np, a_nm, v_nm, key)


def test_advanced_with_array_keys():
    a_np, _, a_nm, _ = make((4, 5))
    for k in [np.array([0, 3, -1]), np.array([[1, 2], [3, 0]], dtype=np.int32),
              np.array([1, 2], dtype=np.uint8), np.array([True, False, True, True])]:
        r_np, r_nm = a_np[k], a_nm[nm.array(k)]
        assert_same_array(r_np, r_nm, a_np, a_nm)
    mask_np = a_np % 3 == 0
    mask_nm = nm.array(mask_np)
    assert_same_array(a_np[mask_np], a_nm[mask_nm], a_np, a_nm)
    assert a_nm[mask_nm].base is None
    assert a_nm[nm.array([0, 1])].base is None
    assert_same_array(a_np[mask_np[:, 0]], a_nm[mask_nm[:, 0]], a_np, a_nm)
    assert_same_array(a_np[:, mask_np[0]], a_nm[:, mask_nm[0]], a_np, a_nm)
    _, e_np = outcome(lambda: a_np[np.array([1.0])])
    _, e_nm = outcome(lambda: a_nm[nm.array([1.0])])
    assert_same_error(e_np, e_nm)
    _, e_np = outcome(lambda: a_np[np.zeros(3, bool)])
    _, e_nm = outcome(lambda: a_nm[nm.zeros(3, bool)])
    assert_same_error(e_np, e_nm)
    _, e_np = outcome(lambda: a_np[np.array([10])])
    _, e_nm = outcome(lambda: a_nm[nm.array([10])])
    assert_same_error(e_np, e_nm)


@st.composite
def adv_case(draw):
    nd = draw(st.integers(1, 4))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=nd, max_size=nd)))
    parts = []
    ax = 0
    while ax < nd:
        kind = draw(st.sampled_from(["int", "slice", "list", "list", "none", "stop"]))
        if kind == "stop":
            break
        if kind == "int":
            parts.append(draw(st.integers(-shape[ax], shape[ax] - 1)))
            ax += 1
        elif kind == "slice":
            parts.append(slice(draw(st.sampled_from([None, 1, -1])), None,
                               draw(st.sampled_from([None, -1, 2]))))
            ax += 1
        elif kind == "list":
            n = draw(st.integers(0, 3))
            parts.append(draw(st.lists(st.integers(-shape[ax], shape[ax] - 1),
                                       min_size=n, max_size=n)))
            ax += 1
        else:
            parts.append(None)
    if not any(isinstance(p, list) for p in parts):
        parts.append([0] if ax < nd else None)
    return shape, tuple(parts)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(adv_case(), LAYOUTS)
def test_advanced_differential(case, layout):
    shape, key = case
    order = "F" if layout == "F" else "C"
    flip = (0,) if layout == "neg" else ()
    a_np, v_np, a_nm, v_nm = make(shape, "int64", order, flip)
    check_get(a_np, v_np, a_nm, v_nm, key)
    # setitem with a scalar and with the values just read (reversed)
    check_set(shape, key, -5, order=order, flip=flip)
    r_np, e_np = outcome(lambda: v_np[key])
    if e_np is None:
        val = (r_np * 10)[::-1] if r_np.ndim else r_np * 10
        check_set(shape, key, val, order=order, flip=flip, nm_value=nm.array(val))


def test_advanced_setitem():
    cases = [
        ([0, 2], [7, 8]),
        ([0, 0, 1], [1, 2, 3]),
        ([0, 7], 1),
        ([0, 7], [1, 2]),
        ([True, False, True, False, True], 0),
        ([True, False, True, False, True], [1, 2, 3]),
        ([True, False, True, False, True], [1, 2]),
        ([1, 2], [1, 2, 3]),
        ([-1], 2.7),
    ]
    for key, value in cases:
        check_set((5,), key, value)
    a_np = np.arange(12).reshape(3, 4)
    a_nm = nm.array(a_np)
    mask = a_np > 5
    a_np[mask] = 0
    a_nm[nm.array(mask)] = 0
    np.testing.assert_array_equal(values(a_nm), a_np)
    check_set((3, 4), (slice(None), [0, 1]), [[1, 2]] * 3)
    check_set((3, 4), (slice(None), [0, 1]), np.ones((2, 3)), nm_value=nm.ones((2, 3)))
    check_set((3, 4), np.zeros((3, 4), bool), np.ones(3), nm_value=nm.ones(3))
    # overlap: the value is a view of the target
    a_np = np.arange(6)
    a_nm = nm.arange(6)
    a_np[[1, 2, 3]] = a_np[0:3]
    a_nm[[1, 2, 3]] = a_nm[0:3]
    np.testing.assert_array_equal(values(a_nm), a_np)


COPYTO_CASES = [
    # (dst shape, dst dtype, src, kwargs)
    ((2, 3), "float64", ("arange", 3), {"where": ("array", [[True], [False]])}),
    ((2, 3), "float64", 7.0, {"where": ("array", [True, False, True])}),
    ((2, 3), "float64", ("arange", 3), {"where": ("array", [1, 0, 1])}),
    ((2, 3), "float64", ("arange", 3), {"where": [True, False]}),
    ((2, 3), "int64", ("array", [[0.5, 1.5, 2.5], [3.5, 4.5, 5.5]]),
     {"casting": "unsafe", "where": [True, False, True]}),
    ((3,), "uint8", -1, {}),
    ((3,), "uint8", 300, {"casting": "unsafe"}),
    ((3,), "int64", True, {}),
    ((3,), "int64", True, {"casting": "no"}),
    ((3,), "bool", 1, {}),
    ((3,), "float64", 1j, {}),
    ((3,), "float64", ("array", [1, 2, 3]), {"casting": "no"}),
    ((3,), "float64", 2, {"casting": "no"}),
    ((3,), "int8", 2, {"casting": "no"}),
    ((3,), "float32", 2.5, {"casting": "no"}),
    ((3,), "int64", 2.5, {"casting": "unsafe"}),
    ((2, 3), "float64", ("array", [[1.0], [2.0]]), {}),
]


def _build(mod, spec):
    if isinstance(spec, tuple) and spec and spec[0] == "arange":
        return mod.arange(spec[1])
    if isinstance(spec, tuple) and spec and spec[0] == "array":
        return mod.array(spec[1])
    return spec


@pytest.mark.parametrize("shape,dtype,src,kw", COPYTO_CASES)
def test_copyto_cases(shape, dtype, src, kw):
    out = {}
    for mod in (np, nm):
        dst = mod.zeros(shape, dtype=dtype)
        kwargs = {k: _build(mod, v) for k, v in kw.items()}
        _, err = outcome(lambda: mod.copyto(dst, _build(mod, src), **kwargs))
        out[mod] = (dst, err)
    (d_np, e_np), (d_nm, e_nm) = out[np], out[nm]
    if e_np is not None:
        assert_same_error(e_np, e_nm)
    else:
        assert e_nm is None, e_nm
    np.testing.assert_array_equal(values(d_nm), d_np)


def test_cast_warnings_on_assignment():
    for mod in (np, nm):
        a = mod.zeros(3, dtype="int64")
        with pytest.warns(RuntimeWarning, match="invalid value encountered in cast"):
            a[:] = mod.array([np.nan, 1.0, 2.0])
        b = mod.zeros(3)
        with pytest.warns(Warning, match="discards the imaginary part"):
            b[:] = mod.array([1j, 2, 3])


def test_large_assignments_release_the_gil_and_match():
    src_np = np.arange(100_000, dtype=np.float64).reshape(250, 400)
    src_nm = nm.array(src_np)
    for key in [Ellipsis, (slice(None, None, -1), slice(None, None, 2)), (slice(1, None), slice(None))]:
        d_np = np.zeros((250, 400), dtype=np.int32)
        d_nm = nm.zeros((250, 400), dtype=nm.int32)
        d_np[key] = src_np[key] * 1.5
        d_nm[key] = nm.array(src_np[key] * 1.5)
        np.testing.assert_array_equal(values(d_nm), d_np)
    t_np, t_nm = src_np.copy(), nm.array(src_np)
    t_np[1:] = t_np[:-1]
    t_nm[1:] = t_nm[:-1]
    np.testing.assert_array_equal(values(t_nm), t_np)
    t_np[:, :-3] = t_np[:, 3:]
    t_nm[:, :-3] = t_nm[:, 3:]
    np.testing.assert_array_equal(values(t_nm), t_np)
