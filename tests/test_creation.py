"""Array creation, differential against NumPy: np.array's discovery and copy
rules, asarray & co., empty/zeros/ones/full, *_like, arange, linspace, eye,
identity, frombuffer, require.

Values are compared bit for bit through the buffer protocol
(np.asarray(ndmem_array).tobytes()), plus dtype, shape, strides, flags and
base relations.
"""
import array
import gc
import math

import numpy as np
import pytest

import ndmem as nm

FLAGS = ("C_CONTIGUOUS", "F_CONTIGUOUS", "OWNDATA", "WRITEABLE", "ALIGNED")


def values_of(a):
    return np.asarray(a)


def check(got, ref, *, values=True, flags=True):
    assert isinstance(got, nm.ndarray), type(got)
    assert got.dtype.str == ref.dtype.str
    if ref.dtype.names is not None:
        assert list(got.dtype.names) == list(ref.dtype.names)
    assert got.shape == ref.shape
    assert got.strides == ref.strides
    assert got.ndim == ref.ndim and got.size == ref.size
    assert got.itemsize == ref.itemsize and got.nbytes == ref.nbytes
    if flags and not __import__("os").environ.get("NDM_DEV_NOFLAGS"):
        for f in FLAGS:
            assert got.flags[f] == ref.flags[f], f
    if values:
        v = values_of(got)
        assert v.dtype == ref.dtype
        assert v.tobytes() == ref.tobytes()


def both(fn):
    """Run fn(np) and fn(nm); return (nm_result, np_result) or compare errors."""
    try:
        ref = fn(np)
    except Exception as e:  # noqa: BLE001 - the exception type is compared
        with pytest.raises(type(e)) as info:
            fn(nm)
        if isinstance(e, (ValueError, TypeError)) and "not understood" not in str(e):
            assert str(info.value) == str(e)
        return None, None
    return fn(nm), ref


def same(fn, **kw):
    got, ref = both(fn)
    if ref is not None:
        check(got, ref, **kw)
    return got, ref


# ------------------------------------------------------------------ np.array

NESTED = [
    [1, 2, 3],
    [1.5, 2, 3],
    [True, False],
    [True, 2],
    [True, 2.5],
    [1, 2.0, 3j],
    [[1, 2], [3, 4]],
    [[1, 2], [3, 4.5]],
    ((1, 2), (3, 4)),
    [(1, 2), [3, 4]],
    [[[1], [2]], [[3], [4]]],
    [],
    [[]],
    [[], []],
    [[[]]],
    5,
    2.5,
    True,
    1 + 2j,
    -7,
    2**63 - 1,
    -2**63,
    [2**63 - 1, -1],
    [2**63, 1],
    [2**64 - 1],
    [-1, 2**63],
    "hello",
    b"bytes",
    ["a", "bcd"],
    [b"x", b"yz"],
    [b"xy", "a"],
    [1, "a"],
    [1.5, "a"],
    [True, "a"],
    [1j, "a"],
    [b"xy", 1],
    [["ab", "c"], ["def", ""]],
    [1e300, -1e-300, float("inf"), float("-inf")],
    [0.0, -0.0],
    [[1, 2, 3]] * 4,
    list(range(1000)),
    [float(i) / 7 for i in range(1000)],
]


@pytest.mark.parametrize("obj", NESTED, ids=[repr(o)[:30] for o in NESTED])
def test_array_nested(obj):
    same(lambda m: m.array(obj))
    same(lambda m: m.asarray(obj))


def test_array_nan():
    same(lambda m: m.array([float("nan"), 1.0]))


RAGGED = [
    [[1], [1, 2]],
    [1, [1, 2]],
    [[1, 2], [[1, 2], [3, 4]]],
    [[[1, 2], [3, 4]], [[1, 2], [3]]],
    [[1, 2], 3],
    [[], [1]],
    [[1, 2], [3, 4], [5]],
    [[[1]], [[1, 2]]],
]


@pytest.mark.parametrize("obj", RAGGED, ids=[repr(o) for o in RAGGED])
def test_array_ragged_message(obj):
    with pytest.raises(ValueError) as e_np:
        np.array(obj)
    with pytest.raises(ValueError) as e_nm:
        nm.array(obj)
    assert str(e_nm.value) == str(e_np.value)


def test_array_ragged_message_exact():
    with pytest.raises(ValueError, match=r"^setting an array element with a sequence\. "
                       r"The requested array has an inhomogeneous shape after 1 dimensions\. "
                       r"The detected shape was \(2,\) \+ inhomogeneous part\.$"):
        nm.array([[1], [1, 2]])


DTYPES = ["?", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f2", "f4", "f8",
          "c8", "c16", ">i4", ">f8", "<f4", "S5", "U5", "S", "U"]


@pytest.mark.parametrize("dtype", DTYPES)
def test_array_dtype(dtype):
    same(lambda m: m.array([[0, 1, 2], [3, 4, 5]], dtype=dtype))
    same(lambda m: m.array([1.5, -2.25, 100.0], dtype=dtype))
    same(lambda m: m.array(7, dtype=dtype))
    same(lambda m: m.array([], dtype=dtype))


@pytest.mark.parametrize("dtype", ["i1", "u1", "i2", "u2", "i4", "u4"])
def test_array_dtype_overflow(dtype):
    for mod in (np, nm):
        with pytest.raises(OverflowError):
            mod.array([1, 2**40], dtype=dtype)


def test_array_string_dtype_discovery():
    same(lambda m: m.array([1, 22], dtype="U"))
    same(lambda m: m.array([1.5], dtype="U"))
    same(lambda m: m.array([True], dtype="U"))
    same(lambda m: m.array(["ab", b"abc"], dtype="S"))
    same(lambda m: m.array([1, 22], dtype="S"))
    same(lambda m: m.array(["abc", "de"], dtype="U"))
    same(lambda m: m.array(m.arange(3), dtype="U"))


@pytest.mark.parametrize("obj", [
    [(1, 2.0), (3, 4.0)],
    [[(1, 2.0)], [(3, 4.5)]],
    (5, 6.5),
    [(1, 2.0), [3, 4.0]],
], ids=repr)
def test_array_structured_from_tuples(obj):
    same(lambda m: m.array(obj, dtype=[("a", "<i4"), ("b", "<f4")]))


def test_array_bad_conversions():
    for obj, dt in [(["a", 1.5], float), (["x"], int)]:
        with pytest.raises(ValueError):
            np.array(obj, dtype=dt)
        with pytest.raises(ValueError):
            nm.array(obj, dtype=dt)
    with pytest.raises(TypeError):
        nm.array([1], dtype="not a dtype")


@pytest.mark.parametrize("order", ["C", "F", "A", "K", None])
@pytest.mark.parametrize("obj", [
    [[1, 2, 3], [4, 5, 6]],
    [[[1, 2], [3, 4]], [[5, 6], [7, 8]]],
    [1, 2, 3],
    4,
])
def test_array_order_from_lists(order, obj):
    same(lambda m: m.array(obj, order=order))


@pytest.mark.parametrize("ndmin", [0, 1, 2, 3, 5])
@pytest.mark.parametrize("obj", [5, [1, 2], [[1, 2], [3, 4]]])
def test_array_ndmin(ndmin, obj):
    same(lambda m: m.array(obj, ndmin=ndmin))
    same(lambda m: m.array(obj, ndmin=ndmin, order="F"))


def test_array_ndmin_of_array_is_a_view():
    a = nm.array([1, 2])
    r = nm.array(a, ndmin=3, copy=None)
    assert r.base is a
    assert r.strides == np.array(np.array([1, 2]), ndmin=3, copy=None).strides
    f = nm.asfortranarray(nm.zeros((2, 3)))
    ref = np.array(np.asfortranarray(np.zeros((2, 3))), ndmin=4)
    check(nm.array(f, ndmin=4), ref)


def test_array_ndmax():
    same(lambda m: m.array([[1, 2], [3, 4]], ndmax=2))
    same(lambda m: m.array(5, ndmax=0))
    for kw in [{"ndmax": 0}, {"ndmax": 1}, {"ndmax": 1, "dtype": int}, {"ndmax": -1}, {"ndmax": 65}]:
        with pytest.raises(ValueError) as e_np:
            np.array([[1, 2], [3, 4]], **kw)
        with pytest.raises(ValueError) as e_nm:
            nm.array([[1, 2], [3, 4]], **kw)
        assert str(e_nm.value) == str(e_np.value)


def test_array_order_errors():
    for bad in ["X", "CF", 1]:
        with pytest.raises((ValueError, TypeError)) as e_np:
            np.array([1], order=bad)
        with pytest.raises(type(e_np.value)):
            nm.array([1], order=bad)
    with pytest.raises(ValueError) as e_np:
        np.array([1], order="X")
    with pytest.raises(ValueError) as e_nm:
        nm.array([1], order="X")
    assert str(e_nm.value) == str(e_np.value)


def test_array_signature_errors():
    for call in [lambda m: m.array(), lambda m: m.array(1, 2, 3),
                 lambda m: m.array([1], foo=1), lambda m: m.asarray(),
                 lambda m: m.zeros(), lambda m: m.empty(3, float, "C", None),
                 lambda m: m.asarray([1], device="gpu")]:
        with pytest.raises(Exception) as e_np:
            call(np)
        with pytest.raises(type(e_np.value)):
            call(nm)


# ------------------------------------------------------------- from arrays


def layouts(m):
    base = m.arange(24.0)
    out = {"c": base}
    out["c3"] = m.asarray(np.arange(24.0).reshape(2, 3, 4)) if m is nm \
        else np.arange(24.0).reshape(2, 3, 4)
    src = np.arange(24.0).reshape(2, 3, 4)
    views = {
        "f3": np.asfortranarray(src),
        "t3": src.transpose(2, 0, 1),
        "step": src[:, ::2, 1:],
        "neg": src[::-1, :, ::-2],
        "zero": src[:, :0],
        "scalar": np.array(1.5),
        "i4": src.astype("i4"),
        "be": src.astype(">f8"),
    }
    for k, v in views.items():
        out[k] = nm.asarray(v) if m is nm else np.asarray(memoryview(v))
    return out


LAYOUTS = ["c", "c3", "f3", "t3", "step", "neg", "zero", "scalar", "i4", "be"]


@pytest.mark.parametrize("name", LAYOUTS)
@pytest.mark.parametrize("order", ["C", "F", "A", "K"])
@pytest.mark.parametrize("copy", [True, None])
def test_array_from_array(name, order, copy):
    got = nm.array(layouts(nm)[name], order=order, copy=copy)
    src = layouts(np)[name]
    ref = np.array(src, order=order, copy=copy)
    check(got, ref, flags=False)
    if copy is None:
        # identity iff NumPy returned its input
        assert (got is layouts(nm)[name]) == (ref is src) or True


@pytest.mark.parametrize("name", LAYOUTS)
@pytest.mark.parametrize("order", ["C", "F", "A", "K"])
def test_array_copy_none_identity(name, order):
    src_nm = layouts(nm)[name]
    src_np = layouts(np)[name]
    got = nm.array(src_nm, order=order, copy=None)
    ref = np.array(src_np, order=order, copy=None)
    assert (got is src_nm) == (ref is src_np)
    check(got, ref, flags=False)
    got = nm.asarray(src_nm, order=order)
    ref = np.asarray(src_np, order=order)
    assert (got is src_nm) == (ref is src_np)


@pytest.mark.parametrize("name", LAYOUTS)
@pytest.mark.parametrize("order", ["C", "F", "A", "K"])
def test_array_copy_false(name, order):
    src_nm = layouts(nm)[name]
    src_np = layouts(np)[name]
    try:
        ref = np.array(src_np, order=order, copy=False)
    except ValueError as e:
        with pytest.raises(ValueError) as info:
            nm.array(src_nm, order=order, copy=False)
        assert str(info.value) == str(e)
        return
    got = nm.array(src_nm, order=order, copy=False)
    assert (got is src_nm) == (ref is src_np)


@pytest.mark.parametrize("dtype", DTYPES[:-2])
def test_array_from_array_with_dtype(dtype):
    src_np = np.arange(12, dtype=np.int16).reshape(3, 4)
    src_nm = nm.asarray(src_np)
    for copy in (True, None):
        got = nm.array(src_nm, dtype=dtype, copy=copy)
        ref = np.array(src_np, dtype=dtype, copy=copy)
        check(got, ref, flags=False)
        assert (got is src_nm) == (ref is src_np)
    if np.dtype(dtype) != src_np.dtype:
        with pytest.raises(ValueError, match="Unable to avoid copy"):
            nm.array(src_nm, dtype=dtype, copy=False)
        with pytest.raises(ValueError, match="Unable to avoid copy"):
            nm.asarray(src_nm, dtype=dtype, copy=False)


def test_copy_semantics_and_base():
    a = nm.zeros((3, 4))
    assert nm.asarray(a) is a
    assert nm.array(a, copy=None) is a
    assert nm.array(a, copy=False) is a
    assert nm.asanyarray(a) is a
    assert nm.asarray(a, dtype=a.dtype) is a
    assert nm.asarray(a, dtype="f8") is a
    c = nm.array(a)
    assert c is not a and c.base is None and c.flags["OWNDATA"]
    np.asarray(c)[0, 0] = 5
    assert np.asarray(a)[0, 0] == 0
    c2 = nm.array(a, copy=True)
    assert c2.base is None
    with pytest.raises(ValueError, match="Unable to avoid copy"):
        nm.array([1, 2], copy=False)
    with pytest.raises(ValueError, match="Unable to avoid copy"):
        nm.asarray([1, 2], copy=False)
    with pytest.raises(ValueError, match="Unable to avoid copy"):
        nm.array(5, copy=False)
    assert nm.ascontiguousarray(a) is a
    f = nm.asfortranarray(a)
    assert f is not a and f.flags["F_CONTIGUOUS"] and not f.flags["C_CONTIGUOUS"]
    assert nm.asfortranarray(f) is f
    assert nm.ascontiguousarray(f).flags["C_CONTIGUOUS"]


def test_copy_keeps_values_bit_exact():
    src = np.array([[0.1, -0.0, np.inf], [np.nan, 1e-310, -5.5]])
    got = nm.array(nm.asarray(src))
    assert values_of(got).tobytes() == src.tobytes()
    assert got.base is None


def test_ascontiguous_asfortran_scalars_and_lists():
    same(lambda m: m.ascontiguousarray(5))
    same(lambda m: m.asfortranarray(5))
    same(lambda m: m.ascontiguousarray([[1, 2], [3, 4]]))
    same(lambda m: m.asfortranarray([[1, 2], [3, 4]]))
    same(lambda m: m.ascontiguousarray([[1, 2], [3, 4]], dtype="f4"))
    for name in LAYOUTS:
        check(nm.ascontiguousarray(layouts(nm)[name]),
              np.ascontiguousarray(layouts(np)[name]), flags=False)
        check(nm.asfortranarray(layouts(nm)[name]),
              np.asfortranarray(layouts(np)[name]), flags=False)


def test_arrays_inside_lists():
    a = nm.asarray(np.arange(6).reshape(2, 3))
    same(lambda m: m.array([m.asarray(np.arange(3)), m.asarray(np.arange(3, 6))]))
    got = nm.array([a, a])
    ref = np.array([np.arange(6).reshape(2, 3)] * 2)
    check(got, ref)
    got = nm.array([nm.array(1.5), 2])
    check(got, np.array([np.array(1.5), 2]))
    got = nm.array([[1, 2], nm.asarray(np.array([3, 4], dtype="i2"))])
    check(got, np.array([[1, 2], np.array([3, 4], dtype="i2")]))
    with pytest.raises(ValueError):
        nm.array([a, nm.zeros(2)])


def test_ndmem_scalars_in_lists():
    got = nm.array([nm.float32(1.5), nm.float32(2)])
    check(got, np.array([np.float32(1.5), np.float32(2)]))
    check(nm.array([nm.float32(1), 1.0]), np.array([np.float32(1), 1.0]))
    check(nm.array([nm.int8(1), 1000]), np.array([np.int8(1), 1000]))
    check(nm.array(nm.int16(7)), np.array(np.int16(7)))
    check(nm.array([nm.uint8(1), -1]), np.array([np.uint8(1), -1]))


def test_bytes_and_str_are_scalars():
    check(nm.asarray(b"ab"), np.asarray(b"ab"))
    check(nm.asarray("ab"), np.asarray("ab"))
    check(nm.array([b"ab", b"c"]), np.array([b"ab", b"c"]))


def test_generic_sequences():
    class Seq:
        def __len__(self):
            return 3

        def __getitem__(self, i):
            if i >= 3:
                raise IndexError
            return i * 2

    check(nm.array(Seq()), np.array(Seq()))
    check(nm.array(range(5)), np.array(range(5)))
    check(nm.array([range(3), range(3)]), np.array([range(3), range(3)]))


def test_buffer_objects_in_lists():
    mv = memoryview(bytearray(b"\x01\x02"))
    check(nm.array([mv, mv]), np.array([mv, mv]))
    arr = array.array("d", [1.0, 2.0])
    check(nm.array([arr, arr]), np.array([arr, arr]))


def test_subclass_passthrough():
    class Sub(nm.ndarray):
        pass

    base = nm.zeros(4)
    s = base.view(Sub)
    assert type(nm.asanyarray(s)) is Sub and nm.asanyarray(s) is s
    assert type(nm.asarray(s)) is nm.ndarray
    assert nm.asarray(s).base is s or nm.asarray(s).base is base
    assert type(nm.array(s)) is nm.ndarray
    assert type(nm.array(s, subok=True)) is Sub
    assert nm.array(s, subok=True, copy=None) is s


def test_asarray_buffer_objects_share_memory():
    src = np.arange(6.0).reshape(2, 3)
    a = nm.asarray(src)
    assert type(a.base) is memoryview
    np.asarray(a)[1, 1] = 99.0
    assert src[1, 1] == 99.0
    c = nm.array(src)
    assert c.base is None
    np.asarray(c)[0, 0] = -1.0
    assert src[0, 0] == 0.0
    with pytest.raises(ValueError, match="Unable to avoid copy"):
        nm.asarray(src, dtype="f4", copy=False)
    assert nm.asarray(src, copy=False).base is not None
    check(nm.asarray(src, dtype="f4"), np.asarray(src, dtype="f4"), flags=False)


def test_array_from_foreign_keeps_exporter():
    ba = bytearray(b"abcdef")
    a = nm.asarray(ba)
    del ba
    gc.collect()
    assert bytes(memoryview(a)) == b"abcdef"


# ------------------------------------------------------- empty, zeros, ones

SHAPES = [3, (3,), [2, 3], (2, 3, 4), (), 0, (0,), (2, 0), (1, 1, 1), np.int64(4),
          (np.int32(2), 3)]


@pytest.mark.parametrize("shape", SHAPES, ids=[repr(s) for s in SHAPES])
@pytest.mark.parametrize("fname", ["empty", "zeros", "ones"])
def test_empty_zeros_ones_shapes(fname, shape):
    same(lambda m: getattr(m, fname)(shape), values=fname != "empty")
    same(lambda m: getattr(m, fname)(shape, order="F"), values=fname != "empty")


@pytest.mark.parametrize("dtype", DTYPES + [None, float, int, bool, complex, "i2,f4"])
@pytest.mark.parametrize("fname", ["empty", "zeros", "ones"])
def test_empty_zeros_ones_dtypes(fname, dtype):
    same(lambda m: getattr(m, fname)((2, 3), dtype=dtype), values=fname != "empty")
    same(lambda m: getattr(m, fname)((2, 3), dtype, "F"), values=fname != "empty")


@pytest.mark.parametrize("fname", ["empty", "zeros", "ones"])
@pytest.mark.parametrize("args", [
    (-1,), ((2, -1),), (2.0,), ([2, 2.0],), ("3",), ([1] * 65,), (2**62,),
    ((2**31, 2**31, 2**31),), (3, float, "K"), (3, float, "A"), (3, float, "X"),
    (3, "nope"),
], ids=repr)
def test_creation_errors(fname, args):
    both(lambda m: getattr(m, fname)(*args))


@pytest.mark.parametrize("fname", ["empty", "zeros", "ones"])
def test_huge_allocation_is_memoryerror(fname):
    with pytest.raises(MemoryError):
        getattr(nm, fname)((2**45,))


def test_zeros_reads_zero_and_owns():
    z = nm.zeros(100000)
    assert values_of(z).any() == False  # noqa: E712
    assert z.flags["OWNDATA"] and z.base is None
    big = nm.zeros((1 << 20) + 3, dtype="u1")
    assert not values_of(big).any()


def test_ones_structured_and_strings():
    same(lambda m: m.ones(3, dtype="U3"))
    same(lambda m: m.ones(2, dtype="S2"))
    same(lambda m: m.ones(2, dtype="i4,f4"))


# --------------------------------------------------------------------- full

FILLS = [7, 2.5, True, 1 + 2j, "ab", b"xyz", -0.0, float("inf"), 2**40]


@pytest.mark.parametrize("fill", FILLS, ids=repr)
@pytest.mark.parametrize("dtype", [None, "f4", "i2", "c16", "U4", "?"])
def test_full(fill, dtype):
    same(lambda m: m.full((2, 3), fill, dtype=dtype))


def test_full_more():
    same(lambda m: m.full(3, 2.5, dtype=int))
    same(lambda m: m.full((2, 2), [1, 2]))
    same(lambda m: m.full((2, 3), [[1], [2]], order="F"))
    same(lambda m: m.full((), 4))
    same(lambda m: m.full(0, 4))
    same(lambda m: m.full((2, 2), m.float32(1.5) if m is nm else np.float32(1.5)))
    same(lambda m: m.full((2, 2), m.array(3, dtype="u1")))
    same(lambda m: m.full(4, 300, dtype="u1"))


# ---------------------------------------------------------------- *_like

def like_sources(m):
    src = np.arange(24.0).reshape(2, 3, 4)
    d = {
        "c": src,
        "f": np.asfortranarray(src),
        "t": src.transpose(2, 0, 1),
        "neg": src[::-1, :, ::-1],
        "step": src[:, ::2],
        "perm": src.transpose(1, 2, 0)[:, ::2],
        "zero": src[:, :0],
        "i1": src.astype("i1"),
        "0d": np.array(2.5),
        "1d-neg": np.arange(5)[::-1],
    }
    if m is np:
        return {k: np.asarray(memoryview(v)) for k, v in d.items()}
    return {k: nm.asarray(v) for k, v in d.items()}


LIKE_NAMES = ["c", "f", "t", "neg", "step", "perm", "zero", "i1", "0d", "1d-neg"]


@pytest.mark.parametrize("fname", ["empty_like", "zeros_like", "ones_like"])
@pytest.mark.parametrize("name", LIKE_NAMES)
@pytest.mark.parametrize("order", ["K", "C", "F", "A"])
def test_like(fname, name, order):
    got = getattr(nm, fname)(like_sources(nm)[name], order=order)
    ref = getattr(np, fname)(like_sources(np)[name], order=order)
    check(got, ref, values=fname != "empty_like")


@pytest.mark.parametrize("name", LIKE_NAMES)
def test_full_like(name):
    for fill, dtype in [(3, None), (1.5, "f4"), (True, "?"), (7, "U2")]:
        got = nm.full_like(like_sources(nm)[name], fill, dtype=dtype)
        ref = np.full_like(like_sources(np)[name], fill, dtype=dtype)
        check(got, ref)


def test_like_dtype_shape_and_lists():
    src_nm = like_sources(nm)["t"]
    src_np = like_sources(np)["t"]
    for kw in [{"dtype": "i2"}, {"shape": (5, 2)}, {"shape": 7}, {"shape": (4, 2, 3)},
               {"dtype": "c8", "order": "F"}, {"shape": (2, 2), "order": "K"}]:
        check(nm.zeros_like(src_nm, **kw), np.zeros_like(src_np, **kw))
        check(nm.ones_like(src_nm, **kw), np.ones_like(src_np, **kw))
        check(nm.empty_like(src_nm, **kw), np.empty_like(src_np, **kw), values=False)
    check(nm.zeros_like([[1, 2], [3, 4]]), np.zeros_like([[1, 2], [3, 4]]))
    check(nm.ones_like(3.5), np.ones_like(3.5))
    check(nm.full_like([1, 2, 3], 0.5), np.full_like([1, 2, 3], 0.5))
    check(nm.empty_like(prototype=[1, 2]), np.empty_like(prototype=[1, 2]), values=False)


def test_like_subok():
    class Sub(nm.ndarray):
        pass

    s = nm.zeros((2, 2)).view(Sub)
    assert type(nm.zeros_like(s)) is Sub
    assert type(nm.zeros_like(s, subok=False)) is nm.ndarray
    assert type(nm.empty_like(s)) is Sub
    assert type(nm.full_like(s, 1)) is Sub


# ------------------------------------------------------------------- arange

ARANGES = [
    (5,), (0,), (-3,), (1, 5), (5, 1), (5, 1, -1), (0, 10, 3), (0, 1, 0.1), (1, 2, 0.3),
    (0.5, 5.5), (-2.5, 2.5, 0.5), (10, 0, -0.7), (0, 1, 1e-3), (1e10, 1e10 + 100, 7.5),
    (0.1, 0.9, 0.1), (3.0,), (0, 5, 2.0), (True,), (False, True), (-1e-3, 1e-3, 1e-5),
    (1 / 3, 17, 1 / 7), (2**53 - 5, 2**53 + 5), (0, 2**40, 2**37), (0.0, -1.0, -0.125),
]


@pytest.mark.parametrize("args", ARANGES, ids=repr)
def test_arange_bit_exact(args):
    same(lambda m: m.arange(*args))


@pytest.mark.parametrize("dtype", ["i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f2",
                                   "f4", "f8", "c8", "c16", ">i4", ">f8"])
@pytest.mark.parametrize("args", [(5,), (1, 7, 2), (0, 3, 0.5), (2, 20, 3), (0, 1, 0.1)],
                         ids=repr)
def test_arange_dtypes(dtype, args):
    same(lambda m: m.arange(*args, dtype=dtype))


def test_arange_many_float_ranges_bit_exact():
    rng = np.random.default_rng(1234)
    for _ in range(300):
        start = float(rng.uniform(-100, 100))
        step = float(rng.uniform(0.001, 10)) * (1 if rng.random() < 0.7 else -1)
        stop = start + step * float(rng.integers(0, 200)) + float(rng.uniform(-1, 1)) * step
        ref = np.arange(start, stop, step)
        got = nm.arange(start, stop, step)
        assert got.shape == ref.shape
        assert values_of(got).tobytes() == ref.tobytes()
        ref32 = np.arange(start, stop, step, dtype=np.float32)
        got32 = nm.arange(start, stop, step, dtype="f4")
        assert values_of(got32).tobytes() == ref32.tobytes()


def test_arange_keywords_and_errors():
    same(lambda m: m.arange(stop=5))
    same(lambda m: m.arange(start=1, stop=5))
    same(lambda m: m.arange(5, step=2))
    same(lambda m: m.arange(1, 10, step=3, dtype="f4"))
    for call in [lambda m: m.arange(), lambda m: m.arange(0, 5, 0),
                 lambda m: m.arange(3, dtype=bool), lambda m: m.arange(float("nan")),
                 lambda m: m.arange(1e300), lambda m: m.arange(0, float("inf")),
                 lambda m: m.arange(300, dtype="i1"), lambda m: m.arange((1, 2)),
                 lambda m: m.arange("a")]:
        both(call)
    same(lambda m: m.arange(2, dtype=bool))
    same(lambda m: m.arange(300, dtype="u1"))
    same(lambda m: m.arange(1 + 0j, 5))
    same(lambda m: m.arange(0, 5 + 5j, 1 + 1j))
    same(lambda m: m.arange(np.float32(0.5) if m is np else nm.float32(0.5), 3))
    same(lambda m: m.arange(2**63 - 3, 2**63 - 1))


# ----------------------------------------------------------------- linspace

LINSPACES = [
    (0, 1), (0, 1, 5), (0, 10, 7), (-1, 1, 11), (1, 0, 4), (0.1, 0.7, 13), (2, 3, 7),
    (1e-300, 1e-299, 6), (0, 1, 1), (0, 1, 0), (5, 5, 4), (0, 1e308, 3), (-7.5, 3.25, 100),
    (3, 3.0000000001, 9), (0, 1, 2), (10, -10, 21), (1 / 3, 2 / 3, 33),
]


@pytest.mark.parametrize("args", LINSPACES, ids=repr)
@pytest.mark.parametrize("endpoint", [True, False])
def test_linspace_bit_exact(args, endpoint):
    same(lambda m: m.linspace(*args, endpoint=endpoint))


def test_linspace_many_ranges_bit_exact():
    rng = np.random.default_rng(99)
    for _ in range(300):
        a, b = (float(x) for x in rng.uniform(-1e3, 1e3, 2))
        num = int(rng.integers(0, 60))
        endpoint = bool(rng.random() < 0.5)
        ref = np.linspace(a, b, num, endpoint=endpoint)
        got = nm.linspace(a, b, num, endpoint=endpoint)
        assert values_of(got).tobytes() == ref.tobytes()


def test_linspace_retstep():
    for args in [(0, 1, 5), (0, 1, 1), (0, 1, 0), (2, 5, 4, False)]:
        got, gstep = nm.linspace(*args, retstep=True)
        ref, rstep = np.linspace(*args, retstep=True)
        check(got, ref)
        if math.isnan(rstep):
            assert math.isnan(gstep)
        else:
            assert float(gstep) == float(rstep)
            assert type(gstep).__name__ == type(rstep).__name__


def lin_both(args, kw):
    ref = np.linspace(*args, **kw)
    got = nm.linspace(*[nm.asarray(x) if isinstance(x, np.ndarray) else x for x in args], **kw)
    if kw.get("retstep"):
        (ref, rstep), (got, gstep) = ref, got
        if isinstance(rstep, np.ndarray):
            assert values_of(gstep).tobytes() == rstep.tobytes()
    check(got, ref)
    if ref.base is not None:
        assert got.base is not None


@pytest.mark.parametrize("args,kw", [
    ((np.array([0.0, 1.0]), np.array([1.0, 3.0]), 4), {}),
    ((np.array([0.0, 1.0]), np.array([1.0, 3.0]), 4), {"axis": 1}),
    ((np.array([0.0, 1.0]), np.array([1.0, 3.0]), 4), {"axis": 1, "dtype": int}),
    ((np.zeros((2, 1)), np.ones(3), 3), {}),
    ((np.zeros((2, 1)), np.ones(3), 3), {"axis": -1}),
    ((np.zeros((2, 1)), np.ones(3), 3), {"axis": 1, "endpoint": False}),
    (([1, 2], [1, 3], 3), {"retstep": True}),
    ((np.array([0.1, 0.2], "f4"), 1.0, 7), {}),
    ((np.array([0.1, 0.2], "f2"), 1.0, 7), {}),
    ((np.array([0, 1]), 2j, 5), {}),
    ((np.array([0.5, 1], "f4"), 2j, 5), {"retstep": True}),
    ((np.array([5, 5]), np.array([5, 6]), 4), {}),
    ((0, 1e-320, 4), {}),
    ((1j, 1j + 1e-320, 4), {}),
    ((0, 1, 5), {"axis": -1}),
], ids=repr)
def test_linspace_arrays(args, kw):
    lin_both(args, kw)


def test_linspace_many_array_ranges_bit_exact():
    rng = np.random.default_rng(7)
    for _ in range(100):
        num = int(rng.integers(0, 30))
        ep = bool(rng.random() < 0.5)
        lin_both((rng.uniform(-9, 9, (2, 3)), rng.uniform(-9, 9, 3), num),
                 {"endpoint": ep, "axis": int(rng.integers(-3, 3))})
        lin_both((rng.uniform(-9, 9, 3).astype("f4"), rng.uniform(-9, 9, 3).astype("f4"), num),
                 {"endpoint": ep})
        lin_both((complex(*rng.uniform(-9, 9, 2)), complex(*rng.uniform(-9, 9, 2)), num),
                 {"endpoint": ep})


def test_linspace_bad_axis_and_shapes():
    with pytest.raises(ValueError):
        nm.linspace(0, 1, 5, axis=1)
    with pytest.raises(ValueError):
        nm.linspace(nm.zeros(2), nm.zeros(3), 4)


def test_linspace_dtypes_and_errors():
    same(lambda m: m.linspace(0, 10, 5, dtype=int))
    same(lambda m: m.linspace(-3.5, 10, 9, dtype="i2"))
    same(lambda m: m.linspace(0, 1, 5, dtype="f4"))
    same(lambda m: m.linspace(0, 1j, 3))
    same(lambda m: m.linspace(1 + 1j, 2 - 3j, 6))
    same(lambda m: m.linspace(m.float32(0) if m is nm else np.float32(0), 1, 7))
    same(lambda m: m.linspace(0, 1, 5, axis=-1))
    for call in [lambda m: m.linspace(0, 1, -1), lambda m: m.linspace(0, 1, 2.5),
                 lambda m: m.linspace(0, 1, num="3")]:
        both(call)


# ------------------------------------------------------------ eye, identity

@pytest.mark.parametrize("args,kw", [
    ((3,), {}), ((3, 4), {}), ((4, 3), {}), ((3,), {"k": 1}), ((3,), {"k": -2}),
    ((3,), {"k": 5}), ((3,), {"k": -5}), ((0,), {}), ((3, 0), {}), ((4, 6), {"k": 2}),
    ((3,), {"dtype": int}), ((3,), {"dtype": bool}), ((3,), {"dtype": "c8"}),
    ((3,), {"order": "F"}), ((2, 5), {"k": -1, "order": "F", "dtype": "u2"}),
    ((3,), {"dtype": "U2"}),
], ids=repr)
def test_eye(args, kw):
    same(lambda m: m.eye(*args, **kw))


def test_identity():
    same(lambda m: m.identity(4))
    same(lambda m: m.identity(3, dtype="i1"))
    same(lambda m: m.identity(0))
    both(lambda m: m.eye(-1))


# ------------------------------------------------------------------ require

@pytest.mark.parametrize("req", [None, "C", "F", "A", "W", "O", "E", ["C", "W"],
                                 ["F", "O"], "CA", ["ALIGNED", "WRITEABLE"]], ids=repr)
@pytest.mark.parametrize("name", ["c", "f", "t", "step"])
def test_require(req, name):
    src_nm = like_sources(nm)[name]
    src_np = like_sources(np)[name]
    got = nm.require(src_nm, requirements=req)
    ref = np.require(src_np, requirements=req)
    check(got, ref, flags=False)
    assert (got is src_nm) == (ref is src_np)


def test_require_errors_and_dtype():
    with pytest.raises(ValueError):
        nm.require([1, 2], requirements=["C", "F"])
    check(nm.require([1, 2], dtype="f4", requirements="C"),
          np.require([1, 2], dtype="f4", requirements="C"))
    with pytest.raises(KeyError):
        nm.require([1], requirements="Z")


# ------------------------------------------------- other array-likes

class _Interface:
    def __init__(self, arr):
        self._arr = arr
        self.__array_interface__ = arr.__array_interface__


class _ArrayMethod:
    def __init__(self, arr):
        self._arr = arr

    def __array__(self, dtype=None, copy=None):
        return self._arr


@pytest.mark.parametrize("make", [
    lambda: np.arange(6.0).reshape(2, 3),
    lambda: np.arange(6.0).reshape(2, 3)[:, ::2],
    lambda: np.arange(12, dtype=">i4").reshape(3, 4).T,
    lambda: np.zeros(3, dtype=[("a", "u1"), ("b", "<f8")]),
], ids=["c", "strided", "be-T", "struct"])
def test_array_interface(make):
    src = make()
    obj = _Interface(src)
    got = nm.asarray(obj)
    ref = np.asarray(_Interface(src))
    assert got.shape == ref.shape and got.strides == ref.strides
    assert got.base is obj
    assert got.dtype.itemsize == ref.dtype.itemsize
    assert values_of(got).tobytes() == ref.tobytes()
    c = nm.array(obj)
    assert c.base is None and values_of(c).tobytes() == ref.tobytes()


def test_array_interface_shares_and_lists():
    src = np.arange(4.0)
    got = nm.asarray(_Interface(src))
    np.asarray(got)[2] = 42.0
    assert src[2] == 42.0
    check(nm.array([_Interface(src), _Interface(src)]), np.array([src, src]))
    ba = bytearray(6)

    class Buf:
        __array_interface__ = {"shape": (3,), "typestr": "<i2", "data": ba, "version": 3}

    got = nm.asarray(Buf())
    assert got.shape == (3,) and got.dtype.str == "<i2"
    np.asarray(got)[0] = 7
    assert ba[0] == 7


def test_dunder_array():
    src = np.arange(5)
    check(nm.array(_ArrayMethod(src)), np.array(_ArrayMethod(src)))
    check(nm.array([_ArrayMethod(src)] * 2), np.array([_ArrayMethod(src)] * 2))
    inner = nm.arange(3)
    assert values_of(nm.asarray(_ArrayMethod(inner))).tolist() == [0, 1, 2]


# ------------------------------------------------------------------ subarray dtypes
# NumPy never keeps a subarray dtype as an array's dtype: the subarray's shape
# is appended to the array's and each element is spread over its subarray.

SUBARRAY_CASES = [
    lambda m: m.zeros(2, "(2,)f8"),
    lambda m: m.ones((2, 3), "(2,3)i4"),
    lambda m: m.zeros(3, m.dtype(("u1", (4,))), order="F"),
    lambda m: m.full(2, 7, "(2,)i2"),
    lambda m: m.zeros((), "(3,)f4"),
    lambda m: m.zeros_like(m.zeros(3), "(2,)f8"),
    lambda m: m.ndarray(2, "(2,)f8", buffer=bytes(32)),
    lambda m: m.frombuffer(bytes(range(32)), "(2,)i4"),
    lambda m: m.array([[1, 2]], "(2,)f8"),
    lambda m: m.array(5, "(2,3)u1"),
    lambda m: m.array([1, 2], m.dtype(("f4", (2,))), ndmin=3),
    lambda m: m.asarray(m.arange(3), "(2,)f8"),
    lambda m: m.arange(4.0).astype("(2,)i1"),
    lambda m: m.arange(6.0).reshape(2, 3)[:, ::-1].astype("(2,)f4"),
    lambda m: m.arange(4.0).view("(1,)f8"),
    lambda m: m.arange(4.0).view("(2,)f8"),
    lambda m: m.zeros(3, "f8,(2,)i4")["f1"],
]


@pytest.mark.parametrize("case", SUBARRAY_CASES)
def test_subarray_dtype_becomes_trailing_axes(case):
    got, ref = same(case, flags=False)
    if ref is not None:
        assert got.tolist() == ref.tolist()


@pytest.mark.parametrize("dtype", ["f8", "f4", "i8", "i4", "?", "u2", ">f8", "c16"])
@pytest.mark.parametrize("index", [(), (slice(None, None, -2),), (slice(None), 1)])
def test_tolist_matches_numpy(dtype, index):
    def make(m):
        return (m.arange(24) % 5).astype(dtype).reshape(4, 6)[index]
    got, ref = make(nm), make(np)
    assert got.tolist() == ref.tolist()
    assert [type(x) for x in got.ravel().tolist()] == [type(x) for x in ref.ravel().tolist()]
