"""Buffer protocol, both ways, differential against NumPy.

Export: memoryview(ndmem array) must look exactly like memoryview(numpy
array) (format, shape, strides, itemsize, ndim, readonly) for every dtype
and layout, and honour the request flags as NumPy does.  Import:
ndmem.asarray / ndmem.frombuffer over bytes, bytearray, array.array, mmap,
memoryview and numpy arrays get NumPy's dtype, shape, strides, base rule and
share memory.
"""
import array
import ctypes
import gc
import mmap
import struct
import sys

import _testbuffer
import numpy as np
import pytest

import ndmem as nm

DTYPES = ["?", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f2", "f4", "f8",
          "c8", "c16", "S1", "S3", "U1", "U3", ">i2", ">u4", ">i8", ">f4", ">f8", ">c16",
          ">U2", "<i4", "=f8"]

STRUCTS = [
    [("a", "u1"), ("b", "<i4")],
    [("name", "U10"), ("age", "<i4"), ("score", "<f4")],
    [("a", "u1"), ("b", ">f8")],
    "i2,f4",
    np.dtype([("a", "i1"), ("b", "i4")], align=True),
    np.dtype({"names": ["a", "b"], "formats": ["u1", "<i4"], "offsets": [0, 8],
              "itemsize": 16}),
    [("x", "S3"), ("y", "c8"), ("z", "?")],
    [("inner", [("p", "u1"), ("q", "<i4")]), ("r", "<f8")],
]


def np_sample(dtype, shape=(2, 3)):
    """A numpy array with distinct bytes in every element."""
    dt = np.dtype(dtype)
    n = int(np.prod(shape))
    raw = (np.arange(n * dt.itemsize, dtype=np.uint64) * 7 + 3) % 251
    a = np.frombuffer(raw.astype(np.uint8).tobytes(), dtype=dt).reshape(shape).copy()
    if dt.kind == "b":
        a = (np.arange(n).reshape(shape) % 3 == 0).astype(dt)
    if dt.kind in "fc":
        a = (np.arange(n).reshape(shape) * 1.25 - 2).astype(dt)
    return np.array(a, dtype=dt)


def mv_info(m):
    return (m.format, m.itemsize, m.ndim, m.shape, m.strides, m.readonly,
            m.c_contiguous, m.f_contiguous, m.contiguous, m.nbytes)


def assert_same_view(n_arr, np_arr):
    assert mv_info(memoryview(n_arr)) == mv_info(memoryview(np_arr))
    assert memoryview(n_arr).tobytes() == memoryview(np_arr).tobytes()


# ---------------------------------------------------------------- export


@pytest.mark.parametrize("dtype", DTYPES)
def test_export_format_every_dtype(dtype):
    a = np_sample(dtype)
    b = nm.asarray(a)
    assert_same_view(b, a)
    assert np.asarray(b).dtype == a.dtype


@pytest.mark.parametrize("dtype", STRUCTS, ids=range(len(STRUCTS)))
def test_export_format_structured(dtype):
    a = np.zeros(3, dtype=dtype)
    a.view(np.uint8)[...] = np.arange(a.nbytes, dtype=np.uint8).reshape(a.view(np.uint8).shape)
    b = nm.asarray(a)
    assert memoryview(b).format == memoryview(a).format
    assert_same_view(b, a)
    try:
        expected = np.asarray(memoryview(a))
    except RuntimeError:  # NumPy cannot read back its own padded export
        with pytest.raises(RuntimeError):
            np.asarray(b)
        return
    back = np.asarray(b)
    assert back.dtype == expected.dtype
    assert back.tobytes() == a.tobytes()


@pytest.mark.parametrize("shape", [(), (0,), (5,), (2, 3), (2, 0, 3), (1, 4, 1), (2, 3, 4)])
@pytest.mark.parametrize("dtype", ["f8", "i2", "c16", "U2"])
def test_export_shapes(shape, dtype):
    a = np_sample(dtype, shape)
    assert_same_view(nm.asarray(a), a)


def layouts():
    base = np.arange(2 * 3 * 4, dtype=np.float64).reshape(2, 3, 4)
    return {
        "C": base,
        "F": np.asfortranarray(base),
        "T": base.T,
        "step": base[:, ::2, 1:],
        "neg": base[::-1, :, ::-2],
        "transposed-slice": base.transpose(1, 0, 2)[:, :, ::3],
        "zero-size": base[:, :0],
        "single": base[:1, :1, :1],
        "1d-step": base.ravel()[::5],
    }


@pytest.mark.parametrize("name", list(layouts()))
def test_export_layouts(name):
    a = layouts()[name]
    b = nm.asarray(a)
    # an import sees the strides of the export (NumPy normalises contiguous ones)
    ref = np.asarray(memoryview(a))
    assert b.shape == ref.shape and b.strides == ref.strides
    assert_same_view(b, a)


def test_export_unaligned_uses_standard_sizes():
    raw = np.zeros(17, dtype=np.uint8)
    for dt in ["<i4", "<f8", "<i8", "<u8"]:
        a = raw[1:1 + np.dtype(dt).itemsize * 2].view(dt)
        assert not a.flags.aligned
        b = nm.asarray(a)
        assert memoryview(b).format == memoryview(a).format


GETBUF = {
    "SIMPLE": _testbuffer.PyBUF_SIMPLE,
    "WRITABLE": _testbuffer.PyBUF_WRITABLE,
    "ND": _testbuffer.PyBUF_ND,
    "STRIDES": _testbuffer.PyBUF_STRIDES,
    "C_CONTIGUOUS": _testbuffer.PyBUF_C_CONTIGUOUS,
    "F_CONTIGUOUS": _testbuffer.PyBUF_F_CONTIGUOUS,
    "ANY_CONTIGUOUS": _testbuffer.PyBUF_ANY_CONTIGUOUS,
    "FULL": _testbuffer.PyBUF_FULL,
    "FULL_RO": _testbuffer.PyBUF_FULL_RO,
    "RECORDS_RO": _testbuffer.PyBUF_RECORDS_RO,
    "CONTIG": _testbuffer.PyBUF_CONTIG,
}


def getbuf(obj, flags):
    try:
        v = _testbuffer.ndarray(obj, getbuf=flags)
    except Exception as e:  # noqa: BLE001 - the type and message are compared
        return (type(e).__name__, str(e))
    return (v.shape, v.strides, v.format, v.ndim, v.itemsize, v.readonly, v.tobytes())


@pytest.mark.parametrize("flag", list(GETBUF))
@pytest.mark.parametrize("name", list(layouts()))
def test_export_request_flags(name, flag):
    a = layouts()[name]
    b = nm.asarray(a)
    assert getbuf(b, GETBUF[flag]) == getbuf(a, GETBUF[flag])


@pytest.mark.parametrize("flag", list(GETBUF))
def test_export_request_flags_readonly(flag):
    a = np.frombuffer(bytes(range(48)), dtype=np.float64).reshape(2, 3)
    b = nm.asarray(a)
    assert getbuf(b, GETBUF[flag]) == getbuf(a, GETBUF[flag])


def test_export_writable_request_on_readonly():
    data = bytes(range(16))
    a = np.frombuffer(data, dtype=np.uint8)
    b = nm.frombuffer(data, dtype="u1")
    assert memoryview(b).readonly is True
    with pytest.raises(TypeError) as e_np:
        ctypes.c_char.from_buffer(a)
    with pytest.raises(TypeError) as e_nm:
        ctypes.c_char.from_buffer(b)
    assert str(e_nm.value) == str(e_np.value)


def test_export_simple_request_needs_c_contiguous():
    a = np.arange(12.0).reshape(3, 4)[:, ::2]
    b = nm.asarray(a)
    for obj in (a, b):
        with pytest.raises(ValueError, match="ndarray is not C-contiguous"):
            array.array("b").frombytes(obj)
    c = nm.asarray(np.arange(4, dtype=np.uint8))
    out = array.array("b")
    out.frombytes(c)
    assert out.tobytes() == bytes([0, 1, 2, 3])
    assert bytes(b) == a.tobytes()


def test_export_numpy_sees_ndmem_memory():
    b = nm.zeros((3, 4))
    v = np.asarray(b)
    assert v.shape == (3, 4) and v.dtype == np.float64
    v[1, 2] = 42.0
    again = np.asarray(b)
    assert again[1, 2] == 42.0
    assert np.shares_memory(v, again)
    w = np.asarray(b)
    assert w.ctypes.data == v.ctypes.data


def test_export_writes_from_numpy_visible_in_ndmem():
    b = nm.arange(6)
    v = np.asarray(b)
    v[:] = [5, 4, 3, 2, 1, 0]
    assert bytes(memoryview(b)) == np.array([5, 4, 3, 2, 1, 0]).tobytes()


def test_export_keeps_array_alive():
    b = nm.arange(10)
    before = sys.getrefcount(b)
    m = memoryview(b)
    assert sys.getrefcount(b) == before + 1
    v = np.asarray(b)
    del b
    gc.collect()
    assert v.tolist() == list(range(10))
    assert m.tolist() == list(range(10))
    m.release()


def test_export_release_restores_refcount():
    b = nm.zeros((2, 2))
    before = sys.getrefcount(b)
    for _ in range(100):
        with memoryview(b) as m:
            assert m.shape == (2, 2)
    assert sys.getrefcount(b) == before


def test_export_many_views_live_at_once():
    b = nm.asarray(np.arange(24.0).reshape(2, 3, 4).transpose(2, 0, 1))
    views = [memoryview(b) for _ in range(50)]
    for m in views:
        assert m.shape == (4, 2, 3) and m.strides == b.strides
    for m in views:
        m.release()


def test_export_zero_dim():
    a = np.array(3.5)
    b = nm.asarray(a)
    assert_same_view(b, a)
    assert memoryview(b).shape == ()


# ---------------------------------------------------------------- import


@pytest.mark.parametrize("dtype", DTYPES)
def test_import_numpy_every_dtype(dtype):
    a = np_sample(dtype)
    b = nm.asarray(a)
    assert b.shape == a.shape and b.strides == a.strides
    assert b.dtype.str == a.dtype.str
    assert type(b.base) is memoryview
    assert np.asarray(b).tobytes() == a.tobytes()


@pytest.mark.parametrize("dtype", STRUCTS, ids=range(len(STRUCTS)))
def test_import_numpy_structured(dtype):
    a = np.zeros(2, dtype=dtype)
    b = nm.asarray(a)
    assert b.dtype.itemsize == a.dtype.itemsize
    assert list(b.dtype.names) == list(a.dtype.names)
    for name in a.dtype.names:
        assert b.dtype.fields[name][1] == a.dtype.fields[name][1]


@pytest.mark.parametrize("name", list(layouts()))
def test_import_shares_memory_with_numpy(name):
    a = layouts()[name].copy(order="K") if name == "C" else layouts()[name]
    src = a.base if a.base is not None else a
    src_before = np.array(src, copy=True)
    b = nm.asarray(a)
    ref = np.asarray(memoryview(a))
    assert b.shape == ref.shape and b.strides == ref.strides
    if a.size:
        back = np.asarray(b)
        assert np.shares_memory(back, a)
        back[(0,) * a.ndim] = -1.0
        assert a[(0,) * a.ndim] == -1.0
    src[...] = src_before


@pytest.mark.parametrize("typecode", list("bBhHiIlLqQfd"))
def test_import_array_array(typecode):
    src = array.array(typecode, [1, 2, 3, 4])
    b = nm.asarray(src)
    ref = np.asarray(src)
    assert b.dtype.str == ref.dtype.str
    assert b.shape == ref.shape and b.strides == ref.strides
    assert type(b.base) is memoryview
    assert bytes(memoryview(b)) == src.tobytes()
    np.asarray(b)[0] = 9
    assert src[0] == 9


def test_import_bytearray_writeable_shared():
    ba = bytearray(b"abcd")
    b = nm.asarray(ba)
    ref = np.asarray(ba)
    assert b.dtype.str == ref.dtype.str == "|u1"
    assert b.flags["WRITEABLE"] == ref.flags["WRITEABLE"]
    np.asarray(b)[0] = ord("z")
    assert ba == bytearray(b"zbcd")


def test_import_readonly_memoryview():
    mv = memoryview(b"abcd")
    b = nm.asarray(mv)
    ref = np.asarray(mv)
    assert b.flags["WRITEABLE"] == ref.flags["WRITEABLE"] is False
    assert type(b.base) is memoryview and b.base is not mv
    assert memoryview(b).readonly


def test_import_memoryview_cast_shape():
    mv = memoryview(bytearray(range(24))).cast("B", (2, 3, 4))
    b = nm.asarray(mv)
    ref = np.asarray(mv)
    assert b.shape == ref.shape and b.strides == ref.strides
    mvd = memoryview(bytearray(48)).cast("d", (2, 3))
    assert nm.asarray(mvd).dtype.str == np.asarray(mvd).dtype.str == "<f8"


def test_import_mmap(tmp_path):
    p = tmp_path / "data.bin"
    p.write_bytes(bytes(range(16)))
    with open(p, "r+b") as f:
        mm = mmap.mmap(f.fileno(), 16)
        b = nm.frombuffer(mm, dtype="u1")
        ref = np.frombuffer(mm, dtype=np.uint8)
        assert type(b.base) is type(ref.base) is memoryview
        assert b.flags["WRITEABLE"] == ref.flags["WRITEABLE"]
        np.asarray(b)[3] = 200
        assert mm[3] == 200
        with pytest.raises(BufferError):
            mm.close()
        del b, ref
        gc.collect()
        mm.close()


def test_import_keeps_exporter_alive():
    ba = bytearray(b"\x01\x02\x03\x04")
    b = nm.asarray(ba)
    with pytest.raises(BufferError):
        ba.extend(b"x")
    del ba
    gc.collect()
    assert bytes(memoryview(b)) == b"\x01\x02\x03\x04"
    src = np.arange(5.0)
    c = nm.asarray(src)
    del src
    gc.collect()
    assert np.asarray(c).tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_import_releases_exporter_when_array_dies():
    ba = bytearray(8)
    b = nm.asarray(ba)
    del b
    gc.collect()
    ba.extend(b"ok")  # no export left
    assert len(ba) == 10


def struct_exporter(fmt, n=3):
    """A buffer exporting n items under the struct-module format fmt."""
    size = struct.calcsize(fmt)
    raw = bytes((7 * i + 1) % 251 for i in range(size * n))
    items = [struct.unpack_from(fmt, raw, i * size) for i in range(n)]
    items = [it[0] if len(it) == 1 else it for it in items]
    return _testbuffer.ndarray(items, shape=[n], format=fmt), raw


@pytest.mark.parametrize("fmt", ["<i", ">h", "=q", "!d", "@L", "<l", "l", "3s", "?",
                                 "e", "<e", "B", "bi", "xxi", "ib", "hd", "<hd",
                                 ">if", "2h", "N", "n"])
def test_import_format_parser_matches_numpy(fmt):
    exp, raw = struct_exporter(fmt)
    try:
        ref = np.asarray(exp)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            nm.asarray(exp)
        return
    b = nm.asarray(exp)
    assert b.shape == ref.shape and b.strides == ref.strides
    assert b.dtype.itemsize == ref.dtype.itemsize
    if ref.dtype.names is None:
        assert b.dtype.str == ref.dtype.str
    else:
        assert list(b.dtype.names) == list(ref.dtype.names)
        for name in ref.dtype.names:
            assert b.dtype.fields[name][1] == ref.dtype.fields[name][1]
    assert bytes(memoryview(b).cast("B")) == ref.tobytes()


def test_import_bad_format_raises():
    # longdouble has no ndmem dtype: NumPy accepts it, ndmem raises cleanly
    a = np.zeros(2, dtype=np.longdouble)
    with pytest.raises((ValueError, TypeError)):
        nm.asarray(a)


# ---------------------------------------------------------------- frombuffer


@pytest.mark.parametrize("make", [
    lambda: b"abcdefghijklmnop",
    lambda: bytearray(b"abcdefghijklmnop"),
    lambda: array.array("b", range(16)),
    lambda: memoryview(b"abcdefghijklmnop"),
    lambda: memoryview(bytearray(16)),
    lambda: np.arange(16, dtype=np.uint8),
], ids=["bytes", "bytearray", "array", "mv-bytes", "mv-bytearray", "numpy"])
@pytest.mark.parametrize("dtype,count,offset", [
    ("u1", -1, 0), ("i2", -1, 0), ("f8", -1, 0), ("u1", 3, 2), ("i4", 2, 4),
    ("S4", -1, 0), ("u1", -1, 16), ("c8", 1, 8),
])
def test_frombuffer_matches_numpy(make, dtype, count, offset):
    src = make()
    ref = np.frombuffer(src, dtype=dtype, count=count, offset=offset)
    b = nm.frombuffer(src, dtype=dtype, count=count, offset=offset)
    assert b.dtype.str == ref.dtype.str
    assert b.shape == ref.shape and b.strides == ref.strides
    assert b.flags["WRITEABLE"] == ref.flags["WRITEABLE"]
    assert type(b.base) is type(ref.base)
    if not isinstance(ref.base, memoryview):
        assert b.base is src
    assert bytes(memoryview(b)) == ref.tobytes()


def test_frombuffer_default_dtype_and_sharing():
    ba = bytearray(16)
    b = nm.frombuffer(ba)
    assert b.dtype.str == "<f8" and b.shape == (2,)
    np.asarray(b)[1] = 1.5
    assert np.frombuffer(ba)[1] == 1.5


@pytest.mark.parametrize("args,kw", [
    ((b"abc",), {}),
    ((b"abcdefgh",), {"offset": 9}),
    ((b"abcdefgh",), {"offset": -1}),
    ((b"abcdefgh",), {"count": 2}),
    ((b"abcdefgh",), {"dtype": "u1", "count": 9}),
    ((1,), {}),
    (("text",), {}),
])
def test_frombuffer_errors(args, kw):
    with pytest.raises(Exception) as e_np:
        np.frombuffer(*args, **kw)
    with pytest.raises(Exception) as e_nm:
        nm.frombuffer(*args, **kw)
    assert type(e_nm.value) is type(e_np.value)
    if isinstance(e_np.value, ValueError):
        assert str(e_nm.value) == str(e_np.value)


def test_frombuffer_bytes_exporter_kept():
    data = bytes(range(8))
    b = nm.frombuffer(data, dtype="u1")
    assert b.base is data
    del data
    gc.collect()
    assert bytes(memoryview(b)) == bytes(range(8))


def test_frombuffer_readonly_write_fails():
    b = nm.frombuffer(b"\x00" * 8, dtype="u1")
    assert not b.flags["WRITEABLE"]
    with pytest.raises(ValueError):
        np.asarray(b)[0] = 1


def test_numpy_frombuffer_of_ndmem():
    b = nm.arange(4)
    v = np.frombuffer(b, dtype=np.int64)
    assert v.tolist() == [0, 1, 2, 3]
    # ndmem arrays release buffers (per-export shape/strides), so NumPy keeps
    # them through a memoryview, as it does for bytearray
    assert type(v.base) is memoryview and v.base.obj is b
    np.asarray(b)[0] = 7
    assert v[0] == 7
