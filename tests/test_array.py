"""The ndarray object itself, differential against NumPy: the constructor,
attributes, the flags object, writeability rules, protocols (len, iter,
bool, int/float/complex/index), copy/view/astype, item/tolist/fill/tobytes,
transpose, conj, getsizeof and pickling."""
import copy
import pickle
import sys

import numpy as np
import pytest

import ndmem as nm


def shaped(m, shape, dtype="f8"):
    """arange laid out in shape (without reshape)."""
    n = 1
    for s in shape:
        n *= s
    a = m.arange(n, dtype=dtype)
    a.shape = shape
    return a


# Each layout builds the same array in either module.
LAYOUTS = {
    "c1d": lambda m: m.arange(6.0),
    "c3d": lambda m: shaped(m, (2, 3, 4)),
    "f2d": lambda m: shaped(m, (3, 4)).T,
    "noncontig": lambda m: shaped(m, (4, 6))[:, ::2],
    "negative": lambda m: shaped(m, (3, 4))[::-1],
    "negative2": lambda m: shaped(m, (3, 4))[:, ::-2],
    "zero_d": lambda m: m.array(5.0),
    "size0": lambda m: m.zeros((0, 3)),
    "size0b": lambda m: m.zeros((3, 0, 2), dtype="i2"),
    "size1": lambda m: m.ones((1, 1)),
    "int8": lambda m: m.arange(10, dtype="i1")[1:8:3],
    "bigend": lambda m: m.arange(6, dtype=">i4"),
    "complex": lambda m: m.array([1 + 2j, 3 - 4j, 5j]),
    "c64_be": lambda m: m.array([1 + 2j, 3 - 4j], dtype=">c8"),
    "unicode": lambda m: m.array(["ab", "cde"]),
    "bytes": lambda m: m.array([b"ab", b"c"]),
    "bool": lambda m: m.array([True, False, True]),
    "struct": lambda m: m.zeros(3, dtype=[("a", "<i4"), ("b", "S3")]),
    "nd6": lambda m: shaped(m, (1, 2, 1, 2, 1, 2)),
    "readonly": lambda m: m.frombuffer(b"abcdefgh", dtype="u1"),
}


def flags_dict(a):
    f = a.flags
    return {k: f[k] for k in ("C", "F", "O", "W", "A", "X", "FNC", "FORC", "B", "CA", "FA")}


def describe(a):
    ai = a.__array_interface__
    ai = dict(ai)
    ai["data"] = (None, ai["data"][1])
    return dict(shape=a.shape, strides=a.strides, ndim=a.ndim, size=a.size,
                itemsize=a.itemsize, nbytes=a.nbytes, dtype=str(a.dtype),
                flags=flags_dict(a), flagstr=str(a.flags), flagrepr=repr(a.flags),
                num=a.flags.num, tolist=a.tolist(), iface=ai,
                sizeof=sys.getsizeof(a), base_none=a.base is None,
                priority=a.__array_priority__)


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_attributes(name):
    make = LAYOUTS[name]
    assert describe(make(nm)) == describe(make(np))


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_T_and_transpose(name):
    make = LAYOUTS[name]
    a, b = make(nm), make(np)
    assert describe(a.T) == describe(b.T)
    assert (a.T.base is a) == (b.T.base is b)
    assert (a.T.base is a.base) == (b.T.base is b.base)
    assert describe(a.transpose()) == describe(b.transpose())
    if a.ndim >= 2:
        axes = list(range(a.ndim))[::-1][1:] + [a.ndim - 1]
        assert describe(a.transpose(*axes)) == describe(b.transpose(*axes))
        assert describe(a.transpose(axes)) == describe(b.transpose(axes))


@pytest.mark.parametrize("name", sorted(LAYOUTS))
@pytest.mark.parametrize("order", ["C", "F", "A", "K"])
def test_copy(name, order):
    make = LAYOUTS[name]
    a, b = make(nm), make(np)
    ca, cb = a.copy(order), b.copy(order)
    assert describe(ca) == describe(cb)
    assert ca.base is None
    assert a.tobytes(order) == b.tobytes(order)


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_dunder_copy_and_pickle(name):
    make = LAYOUTS[name]
    a, b = make(nm), make(np)
    for f in (copy.copy, copy.deepcopy):
        assert describe(f(a)) == describe(f(b))
    for proto in (2, 4, 5):
        pa = pickle.loads(pickle.dumps(a, protocol=proto))
        pb = pickle.loads(pickle.dumps(b, protocol=proto))
        assert type(pa) is nm.ndarray
        assert describe(pa) == describe(pb)


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_view_same_dtype(name):
    make = LAYOUTS[name]
    a, b = make(nm), make(np)
    va, vb = a.view(), b.view()
    assert describe(va) == describe(vb)
    assert (va.base is a) == (vb.base is b)
    assert (va.base is a.base) == (vb.base is b.base)


def test_base_relations():
    for m in (nm, np):
        a = m.arange(6.0)
        assert a.view().base is a
        assert a.copy().base is None
        assert a[1:].view().base is a
        assert a[1:][1:].base is a
        assert a.T.base is a


def test_sizeof():
    for make in (lambda m: m.zeros(3), lambda m: m.zeros((2, 3))[:, 1],
                 lambda m: m.array(1.0), lambda m: shaped(m, (2, 1, 2, 1, 3)),
                 lambda m: m.zeros((0, 4))):
        a, b = make(nm), make(np)
        assert sys.getsizeof(a) == sys.getsizeof(b)
        assert a.__sizeof__() == b.__sizeof__()


# -- constructor -------------------------------------------------------

CTOR_CASES = [
    ((2, 3), {}),
    (3, {"dtype": "i2"}),
    ((), {}),
    ([2, 3], {"order": "F"}),
    ((2, 2), {"order": "A"}),
    ((2, 2), {"order": "K"}),
    ((2, 2), {"dtype": "u1", "strides": (1, 2)}),
    ((0, 3), {}),
    (3, {"dtype": "u1", "buffer": b"abcd", "offset": 1}),
    ((2, 2), {"dtype": "u1", "buffer": bytearray(b"abcd"), "strides": (1, 2)}),
    ((2, 2), {"dtype": "u1", "buffer": bytearray(b"abcd"), "offset": 2, "strides": (-2, 1)}),
    ((2,), {"dtype": "u1", "buffer": b"1234", "strides": (2,)}),
    ((2, 2), {"dtype": "u1", "buffer": b"1234", "order": "F"}),
    ((0,), {"dtype": "u1", "buffer": b""}),
    ((2,), {"dtype": ">i2", "buffer": bytearray(b"\x00\x01\x00\x02")}),
]


@pytest.mark.parametrize("shape,kw", CTOR_CASES)
def test_constructor(shape, kw):
    a = nm.ndarray(shape, **kw)
    b = np.ndarray(shape, **kw)
    assert a.shape == b.shape and a.strides == b.strides
    assert str(a.dtype) == str(b.dtype)
    assert flags_dict(a) == flags_dict(b)
    if "buffer" in kw:
        assert a.tolist() == b.tolist()
        # NumPy keeps the exporter itself; ndmem may hold it through a
        # memoryview (the export stays acquired while the array lives)
        assert a.base is not None and b.base is not None
        assert a.base is kw["buffer"] or type(a.base) is memoryview


CTOR_ERRORS = [
    (3, {"buffer": b"abc"}),
    (3, {"dtype": "u1", "buffer": b"abc", "offset": 1}),
    ((2, 2), {"dtype": "u1", "buffer": bytearray(b"abcd"), "strides": (2, 2)}),
    ((2, 2), {"dtype": "u1", "buffer": bytearray(b"abcd"), "strides": (-2, 1)}),
    ((2, 2), {"dtype": "u1", "strides": (1,)}),
    ((2, 2), {"dtype": "u1", "strides": (4, 8)}),
    ((2, 2), {"order": "X"}),
    (-1, {}),
    ("a", {}),
    (2.0, {}),
    (None, {}),
    (3, {"buffer": 3}),
    ((0,), {"dtype": "u1", "buffer": b"12", "offset": 5}),
    (3, {"dtype": "not a dtype"}),
]


@pytest.mark.parametrize("shape,kw", CTOR_ERRORS)
def test_constructor_errors(shape, kw):
    with pytest.raises(Exception) as eb:
        np.ndarray(shape, **kw)
    with pytest.raises(eb.type) as ea:
        nm.ndarray(shape, **kw)
    if eb.type is not TypeError or "dtype" not in kw:
        assert str(ea.value) == str(eb.value)


def test_constructor_buffer_shares_and_readonly():
    buf = bytearray(b"\x00" * 8)
    a = nm.ndarray((2,), dtype="u1", buffer=buf, offset=3)
    a[0] = 7
    assert buf[3] == 7
    assert a.flags.writeable
    r = nm.ndarray((2,), dtype="u1", buffer=b"ab")
    assert not r.flags.writeable
    with pytest.raises(ValueError, match="cannot set WRITEABLE flag to True of this array"):
        r.flags.writeable = True


# -- shape setting -------------------------------------------------------

@pytest.mark.parametrize("make,new", [
    (lambda m: m.arange(6.0), (2, 3)),
    (lambda m: m.arange(6.0), (3, -1)),
    (lambda m: m.arange(6.0), 6),
    (lambda m: shaped(m, (2, 3)), (6,)),
    (lambda m: shaped(m, (2, 3)), (1, 2, 1, 3, 1)),
    (lambda m: shaped(m, (2, 3)).T, (3, 1, 2)),
    (lambda m: shaped(m, (4, 6))[:, ::2], (4, 3, 1)),
    (lambda m: shaped(m, (4, 6))[::2], (2, 1, 6)),
    (lambda m: shaped(m, (4, 6))[:, ::2], (12,)),
    (lambda m: m.arange(6.0), (2, -3)),
    (lambda m: m.zeros((0, 3)), (3, 0)),
    (lambda m: m.array(3.0), (1, 1)),
    (lambda m: m.arange(1.0), ()),
    (lambda m: shaped(m, (2, 3)), (1, 1, 1, 1, 1, 6)),
])
def test_set_shape(make, new):
    a, b = make(nm), make(np)
    a.shape = new
    b.shape = new
    assert describe(a) == describe(b)


@pytest.mark.parametrize("make,new", [
    (lambda m: m.arange(6.0), (4,)),
    (lambda m: shaped(m, (2, 3)).T, (6,)),
    (lambda m: shaped(m, (4, 5))[:, ::2], (12,)),
    (lambda m: m.arange(6.0), (-1, -1)),
    (lambda m: m.arange(6.0), (-1, 4)),
    (lambda m: m.arange(6.0), (4, -1, 5)),
    (lambda m: m.arange(6.0), (4, 5)),
    (lambda m: m.arange(6.0), None),
])
def test_set_shape_errors(make, new):
    a, b = make(nm), make(np)
    with pytest.raises(Exception) as eb:
        b.shape = new
    with pytest.raises(eb.type) as ea:
        a.shape = new
    assert str(ea.value) == str(eb.value)
    assert a.shape == b.shape


def test_del_shape():
    with pytest.raises(AttributeError):
        del nm.arange(3).shape


# -- flags -----------------------------------------------------------------

def test_flags_keys_and_attributes():
    for make in LAYOUTS.values():
        a, b = make(nm), make(np)
        fa, fb = a.flags, b.flags
        for attr in ("c_contiguous", "f_contiguous", "owndata", "writeable", "aligned",
                     "writebackifcopy", "fnc", "forc", "behaved", "carray", "farray",
                     "contiguous", "fortran", "num"):
            assert getattr(fa, attr) == getattr(fb, attr), attr
        for key in ("C_CONTIGUOUS", "CONTIGUOUS", "F_CONTIGUOUS", "FORTRAN", "OWNDATA",
                    "WRITEABLE", "ALIGNED", "WRITEBACKIFCOPY", "BEHAVED", "CARRAY",
                    "FARRAY"):
            assert fa[key] == fb[key], key


@pytest.mark.parametrize("key", ["c", "fnc", "Q", "", "writeable"])
def test_flags_unknown_key(key):
    for m in (np, nm):
        with pytest.raises(KeyError):
            m.arange(3).flags[key]
        with pytest.raises(KeyError):
            m.arange(3).flags[key] = True


def test_flags_readonly_attributes():
    for name in ("c_contiguous", "owndata", "fnc", "num"):
        with pytest.raises(AttributeError):
            setattr(np.arange(3).flags, name, True)
        with pytest.raises(AttributeError):
            setattr(nm.arange(3).flags, name, True)
    with pytest.raises(KeyError):
        nm.arange(3).flags["C"] = True
    with pytest.raises(AttributeError, match="Cannot delete flags writeable attribute"):
        del nm.arange(3).flags.writeable


def test_flags_equality_and_hash():
    for m in (np, nm):
        assert m.arange(3).flags == m.arange(4).flags
        assert not (m.arange(3).flags != m.arange(4).flags)
        assert m.arange(3).flags != m.arange(3)[::2].flags
        assert not (m.arange(3).flags == 3)
        with pytest.raises(TypeError):
            hash(m.arange(3).flags)


def writeable_story(m):
    out = []
    a = m.arange(4.0)
    v = a[1:]
    out.append(v.flags.writeable)
    a.flags.writeable = False
    out.append((a.flags.writeable, v.flags.writeable))
    w = a[:2]
    out.append(w.flags.writeable)
    try:
        w.flags.writeable = True
        out.append("ok")
    except ValueError as e:
        out.append(str(e))
    a.flags.writeable = True
    out.append(a.flags.writeable)
    # a view of a now-writeable owner may become writeable
    w.flags.writeable = True
    out.append(w.flags.writeable)
    v.flags["W"] = False
    out.append(v.flags.writeable)
    v.flags["WRITEABLE"] = True
    out.append(v.flags.writeable)
    v.setflags(write=False)
    out.append(v.flags.writeable)
    try:
        v[0] = 1
    except ValueError as e:
        out.append(str(e))
    try:
        v.fill(1)
    except ValueError as e:
        out.append(str(e))
    v.setflags(write=True)
    out.append(v.flags.writeable)
    # read-only buffers
    r = m.frombuffer(b"abcdefgh", dtype="u1")
    try:
        r.flags.writeable = True
    except ValueError as e:
        out.append(str(e))
    r2 = m.frombuffer(bytearray(b"abcdefgh"), dtype="u1")
    r2.flags.writeable = False
    r2.flags.writeable = True
    out.append(r2.flags.writeable)
    # aligned and writebackifcopy
    a.flags.aligned = False
    out.append(a.flags.aligned)
    a.flags.aligned = True
    out.append(a.flags.aligned)
    try:
        a.flags.writebackifcopy = True
    except ValueError as e:
        out.append(str(e))
    a.flags.writebackifcopy = False
    try:
        a.setflags(uic=True)
    except ValueError as e:
        out.append(str(e))
    a.setflags(write=0, align=1)
    out.append(flags_dict(a))
    u = m.zeros(9, dtype="u1")[1:].view("i4")
    out.append(u.flags.aligned)
    try:
        u.flags.aligned = True
    except ValueError as e:
        out.append(str(e))
    # a snapshot: a flags object taken before a change keeps its values
    s = m.arange(3)
    f = s.flags
    s.flags.writeable = False
    out.append((f.writeable, s.flags.writeable))
    return out


def test_writeable_rules():
    assert writeable_story(nm) == writeable_story(np)


def test_setflags_errors():
    for m in (np, nm):
        with pytest.raises(TypeError):
            m.arange(3).setflags(write=False, align=None, uic=None, foo=1)


# -- real / imag / data / interface / ctypes ----------------------------

@pytest.mark.parametrize("name", ["complex", "c64_be", "c1d", "int8", "negative", "zero_d"])
def test_real_imag(name):
    make = LAYOUTS[name]
    a, b = make(nm), make(np)
    assert describe(a.real) == describe(b.real)
    assert describe(a.imag) == describe(b.imag)
    assert (a.real is a) == (b.real is b)
    assert (a.imag.base is None) == (b.imag.base is None)


def test_set_real_imag():
    for m in (np, nm):
        c = m.array([1 + 2j, 3 - 4j])
        c.real = 5
        c.imag = [1, 2]
        assert c.tolist() == [5 + 1j, 5 + 2j]
        r = m.arange(3.0)
        r.real = 7
        assert r.tolist() == [7.0, 7.0, 7.0]
    with pytest.raises(TypeError, match="array does not have imaginary part to set"):
        nm.arange(3.0).imag = 1
    c = nm.array([1j])
    c.flags.writeable = False
    with pytest.raises(ValueError):
        c.real = 1


def test_data_memoryview():
    for make in LAYOUTS.values():
        a, b = make(nm), make(np)
        ma, mb = a.data, b.data
        assert (ma.format, ma.shape, ma.strides, ma.readonly) == \
            (mb.format, mb.shape, mb.strides, mb.readonly)


def test_array_interface_address():
    a = nm.arange(5.0)
    assert a.__array_interface__["data"][0] == a[2:].__array_interface__["data"][0] - 16
    assert a.__array_interface__["data"][0] == a.ctypes.data


def test_ctypes():
    import ctypes
    a, b = nm.arange(6.0), np.arange(6.0)
    a.shape = b.shape = (2, 3)
    assert isinstance(a.ctypes.data, int)
    assert type(a.ctypes._as_parameter_) is type(b.ctypes._as_parameter_)
    assert a.ctypes._as_parameter_.value == a.ctypes.data
    assert list(a.ctypes.shape) == list(b.ctypes.shape)
    assert list(a.ctypes.strides) == list(b.ctypes.strides)
    p = a.ctypes.data_as(ctypes.POINTER(ctypes.c_double))
    assert p[4] == 4.0


# -- protocols -------------------------------------------------------------

def outcome(f):
    try:
        r = f()
    except Exception as e:  # noqa: BLE001
        return (type(e).__name__, str(e))
    if isinstance(r, (list, tuple)):
        return [x.item() if hasattr(x, "item") and not isinstance(x, (int, float)) else x
                for x in r]
    return (type(r).__name__, r)


PROTOCOL_CASES = [
    lambda m: len(m.array(3)),
    lambda m: len(m.zeros((4, 2))),
    lambda m: len(m.zeros((0,))),
    lambda m: iter(m.array(3)),
    lambda m: list(m.arange(3)),
    lambda m: [x.tolist() for x in shaped(m, (2, 3))],
    lambda m: bool(m.array([])),
    lambda m: bool(m.array([1, 2])),
    lambda m: bool(m.array([[0]])),
    lambda m: bool(m.array(2.5)),
    lambda m: bool(m.array("")),
    lambda m: int(m.array([2.5])),
    lambda m: int(m.array(2.5)),
    lambda m: int(m.array(-7, dtype="i1")),
    lambda m: float(m.array([1, 2])),
    lambda m: float(m.array(3, dtype="u2")),
    lambda m: complex(m.array([[1]])),
    lambda m: complex(m.array(1 + 2j)),
    lambda m: complex(m.array(3.0)),
    lambda m: float(m.array(1j)),
    lambda m: int(m.array("12")),
    lambda m: float(m.array(b"1.5")),
    lambda m: int(m.array([], dtype=int)),
    lambda m: [1, 2, 3][m.array(1)],
    lambda m: [1, 2, 3][m.array([1])],
    lambda m: [1, 2, 3][m.array(1.0)],
    lambda m: [1, 2, 3][m.array(True)],
    lambda m: [1, 2, 3][m.array(2, dtype="u1")],
    lambda m: m.array(5).__index__(),
]


@pytest.mark.parametrize("case", range(len(PROTOCOL_CASES)))
def test_protocols(case):
    f = PROTOCOL_CASES[case]
    got, want = outcome(lambda: f(nm)), outcome(lambda: f(np))
    if isinstance(want, tuple) and want[0] == "iterator":
        want = ("iterator", None)
        got = ("iterator", None) if got[0] == "iterator" else got
    assert got == want


def test_iter_yields_views():
    a = shaped(nm, (2, 3))
    rows = list(a)
    assert all(r.base is a for r in rows)
    assert [r.tolist() for r in rows] == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]


def test_repr_str():
    for make in LAYOUTS.values():
        a, b = make(nm), make(np)
        assert repr(a) == repr(b)
        assert str(a) == str(b)


def test_array_finalize_default():
    assert nm.arange(3).__array_finalize__(None) is None
    assert np.arange(3).__array_finalize__(None) is None


# -- methods -----------------------------------------------------------------

VIEW_CASES = [
    (lambda m: shaped(m, (2, 3)), "i4"),
    (lambda m: shaped(m, (2, 3)), "c16"),
    (lambda m: shaped(m, (2, 3)), "u1"),
    (lambda m: shaped(m, (2, 3)).T, "i4"),
    (lambda m: shaped(m, (2, 3))[:, :2], "i4"),
    (lambda m: shaped(m, (2, 3)), "S5"),
    (lambda m: m.array(1.0), "i4"),
    (lambda m: m.array(1.0), "i8"),
    (lambda m: m.zeros(3, "i1")[::2], "i2"),
    (lambda m: m.zeros((3, 0), "i1"), "i2"),
    (lambda m: m.zeros((3, 1), "i1")[::2], "i2"),
    (lambda m: m.zeros(6, "i1"), "i4"),
    (lambda m: m.zeros(8, "i1"), "i4"),
    (lambda m: m.zeros(4, "u1"), [("a", "u1"), ("b", "u1")]),
    (lambda m: m.arange(3), "not a dtype"),
    (lambda m: m.arange(6.0), ">f8"),
]


@pytest.mark.parametrize("case", range(len(VIEW_CASES)))
def test_view_dtype(case):
    make, dt = VIEW_CASES[case]
    a, b = make(nm), make(np)
    try:
        vb = b.view(dt)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)) as ea:
            a.view(dt)
        if type(e) is ValueError:
            assert str(ea.value) == str(e)
        return
    va = a.view(dt)
    assert describe(va) == describe(vb)
    assert va.base is (a if a.base is None else a.base)


def test_view_type():
    class Sub(nm.ndarray):
        pass

    class NSub(np.ndarray):
        pass

    a = nm.arange(3)
    s = a.view(Sub)
    assert type(s) is Sub and s.base is a
    assert type(a.view(type=Sub)) is Sub
    with pytest.raises(ValueError, match="Cannot specify output type twice."):
        np.arange(3).view(np.ndarray, "i4")
    with pytest.raises(ValueError, match="Cannot specify output type twice."):
        a.view(nm.ndarray, "i4")
    assert a.view(dtype="i4", type=nm.ndarray).shape == (6,)
    with pytest.raises(ValueError, match="Cannot specify output type twice."):
        a.view(Sub, type=Sub)
    with pytest.raises(ValueError, match="Type must be a sub-type of ndarray type"):
        a.view(type=list)
    assert type(s.copy()) is Sub
    assert type(np.arange(3).view(NSub).copy()) is NSub


def test_subclass_finalize_called():
    seen = []

    class Sub(nm.ndarray):
        def __array_finalize__(self, obj):
            seen.append(type(obj).__name__)

    a = nm.arange(3).view(Sub)
    a.view()
    a.T
    assert seen == ["ndarray", "Sub", "Sub"]
    del seen[:]
    a.copy()
    a.astype("f4")
    a.imag
    Sub((2,))
    Sub((2,), dtype="u1", buffer=b"ab")
    assert seen == ["Sub", "Sub", "Sub", "NoneType", "NoneType"]


ASTYPE_CASES = [
    ("i8", {}),
    ("i8", {"casting": "safe"}),
    ("f4", {"casting": "same_kind"}),
    ("f4", {"casting": "safe"}),
    ("c16", {"casting": "safe"}),
    ("f8", {"copy": False}),
    ("f8", {"copy": False, "order": "F"}),
    ("f8", {"copy": False, "order": "C"}),
    ("f8", {"copy": False, "order": "A"}),
    ("f8", {"copy": None}),
    ("=f8", {"copy": False}),
    ("f8", {"order": "F"}),
    ("f8", {"order": "K"}),
    ("f8", {"order": "A"}),
    ("i4", {"order": "Q"}),
    ("U32", {}),
    ("S5", {}),
    ("?", {}),
    (">f8", {"copy": False}),
    ("f8", {"casting": "no"}),
    ("f8", {"casting": "bogus"}),
]


@pytest.mark.parametrize("case", range(len(ASTYPE_CASES)))
@pytest.mark.parametrize("layout", ["c3d", "f2d", "negative2", "zero_d"])
def test_astype(case, layout):
    dt, kw = ASTYPE_CASES[case]
    a, b = LAYOUTS[layout](nm), LAYOUTS[layout](np)
    try:
        rb = b.astype(dt, **kw)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)) as ea:
            a.astype(dt, **kw)
        if "Cannot cast" in str(e) or "order" in str(e):
            assert str(ea.value) == str(e)
        return
    ra = a.astype(dt, **kw)
    assert describe(ra) == describe(rb)
    assert (ra is a) == (rb is b)


def test_astype_subok():
    class Sub(nm.ndarray):
        pass

    s = nm.arange(3).view(Sub)
    assert type(s.astype("f4")) is Sub
    assert type(s.astype("f4", subok=False)) is nm.ndarray
    assert s.astype(s.dtype, copy=False) is s
    assert s.astype(s.dtype, copy=False, subok=False) is not s


ITEM_CASES = [
    (lambda m: shaped(m, (2, 3)), ()),
    (lambda m: shaped(m, (2, 3)), (7,)),
    (lambda m: shaped(m, (2, 3)), (-1,)),
    (lambda m: shaped(m, (2, 3)), (4,)),
    (lambda m: shaped(m, (2, 3)), (1, 2)),
    (lambda m: shaped(m, (2, 3)), ((1, 2),)),
    (lambda m: shaped(m, (2, 3)), (1, 3)),
    (lambda m: shaped(m, (2, 3)), (1, -3)),
    (lambda m: shaped(m, (2, 3)), (1, 2, 3)),
    (lambda m: shaped(m, (2, 3)), (1.0,)),
    (lambda m: shaped(m, (2, 3)).T, (1,)),
    (lambda m: shaped(m, (3, 4))[::-1, ::2], (3,)),
    (lambda m: m.arange(5), (-6,)),
    (lambda m: m.arange(5), (5,)),
    (lambda m: m.arange(5), (2,)),
    (lambda m: m.array(5.5), ()),
    (lambda m: m.array(5.5), (0,)),
    (lambda m: m.array(5.5), ((),)),
    (lambda m: m.ones((1, 1, 1)), ()),
    (lambda m: m.zeros(0), ()),
    (lambda m: m.array(["ab", "c"]), (1,)),
    (lambda m: m.array([1 + 2j]), ()),
    (lambda m: m.array([True]), (0,)),
    (lambda m: m.zeros(2, dtype=[("a", "i4"), ("b", "U2")]), (1,)),
]


@pytest.mark.parametrize("case", range(len(ITEM_CASES)))
def test_item(case):
    make, args = ITEM_CASES[case]
    got = outcome(lambda: make(nm).item(*args))
    want = outcome(lambda: make(np).item(*args))
    assert got == want


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_tolist_types(name):
    a, b = LAYOUTS[name](nm), LAYOUTS[name](np)

    def types(x):
        if isinstance(x, list):
            return [types(y) for y in x]
        if isinstance(x, tuple):
            return tuple(types(y) for y in x)
        return type(x).__name__

    la, lb = a.tolist(), b.tolist()
    assert la == lb
    assert types(la) == types(lb)


@pytest.mark.parametrize("value", [3, 2.5, "7", True, [1.0], (1,), [[1]], 1 + 0j])
def test_fill(value):
    for layout in ("c3d", "f2d", "negative2", "zero_d", "size0", "int8"):
        a, b = LAYOUTS[layout](nm), LAYOUTS[layout](np)
        ra, rb = outcome(lambda: a.fill(value)), outcome(lambda: b.fill(value))
        assert ra == rb
        assert a.tolist() == b.tolist()


def test_fill_arrays():
    for m in (np, nm):
        a = m.zeros(3)
        a.fill(m.array(2.0))
        assert a.tolist() == [2.0] * 3
        with pytest.raises(ValueError, match="setting an array element with a sequence"):
            a.fill(m.array([1.0]))
        a.flags.writeable = False
        with pytest.raises(ValueError, match="read-only"):
            a.fill(1)


@pytest.mark.parametrize("order", ["C", "F", "A", "K", None, "Z"])
def test_tobytes_order(order):
    for layout in ("c3d", "f2d", "negative2", "struct", "unicode"):
        a, b = LAYOUTS[layout](nm), LAYOUTS[layout](np)
        assert outcome(lambda: a.tobytes(order)) == outcome(lambda: b.tobytes(order))


TRANSPOSE_ERRORS = [(0,), (0, 0), (0, 2), (0, 1, 2), ((0, -3),), ("a", 0)]


@pytest.mark.parametrize("axes", TRANSPOSE_ERRORS)
def test_transpose_errors(axes):
    a, b = shaped(nm, (2, 3)), shaped(np, (2, 3))
    with pytest.raises(Exception) as eb:
        b.transpose(*axes)
    with pytest.raises(Exception) as ea:
        a.transpose(*axes)
    assert type(ea.value).__name__ == type(eb.value).__name__
    assert str(ea.value) == str(eb.value)


def test_axis_error_class():
    assert issubclass(nm.exceptions.AxisError, ValueError)
    assert issubclass(nm.exceptions.AxisError, IndexError)
    assert hasattr(nm, "AxisError") == hasattr(np, "AxisError")
    with pytest.raises(nm.exceptions.AxisError) as info:
        nm.zeros((2, 3)).sum(axis=5)
    assert str(info.value) == "axis 5 is out of bounds for array of dimension 2"


def test_transpose_forms():
    a, b = shaped(nm, (2, 3, 4)), shaped(np, (2, 3, 4))
    for args in [(), (None,), ((1, 0, 2),), ([2, 0, 1],), (-1, 0, 1), (2, 1, 0)]:
        assert describe(a.transpose(*args)) == describe(b.transpose(*args))


@pytest.mark.parametrize("name", ["complex", "c64_be", "c1d", "negative", "zero_d"])
def test_conj(name):
    a, b = LAYOUTS[name](nm), LAYOUTS[name](np)
    ca, cb = a.conj(), b.conj()
    assert describe(ca) == describe(cb)
    assert (ca is a) == (cb is b)
    assert describe(a.conjugate()) == describe(b.conjugate())


# -- pickling ----------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda m: m.array([("a", 1.5), ("bc", -2.0)], dtype=[("x", "U3"), ("y", ">f4")]),
    lambda m: m.array([b"x", b"yz"]),
    lambda m: shaped(m, (2, 3)).T.copy(order="F"),
    lambda m: m.array(3, dtype="u2"),
    lambda m: m.zeros((2, 0)),
])
def test_pickle_round_trip(make):
    a, b = make(nm), make(np)
    pa, pb = pickle.loads(pickle.dumps(a)), pickle.loads(pickle.dumps(b))
    assert describe(pa) == describe(pb)
    assert pa.dtype == a.dtype


def test_reduce_shape():
    a, b = shaped(nm, (2, 3)), shaped(np, (2, 3))
    ra, rb = a.__reduce__(), b.__reduce__()
    assert ra[0].__name__ == rb[0].__name__ == "_reconstruct"
    assert ra[1][1:] == rb[1][1:]
    sa, sb = ra[2], rb[2]
    assert (sa[0], sa[1], str(sa[2]), sa[3], sa[4]) == (sb[0], sb[1], str(sb[2]), sb[3], sb[4])


def test_setstate_errors_and_subclass():
    a = nm.arange(3.0)
    with pytest.raises(ValueError, match="buffer size does not match array size"):
        a.__setstate__((1, (2, 3), nm.dtype("f8"), False, b"\0" * 40))
    a.__setstate__((1, (2, 3), nm.dtype("f8"), False, b"\0" * 48))
    assert a.shape == (2, 3) and a.flags.owndata and a.tolist() == [[0.0] * 3] * 2
    s = nm.arange(4).view(PickleSub)
    p = pickle.loads(pickle.dumps(s))
    assert type(p) is PickleSub and p.tolist() == [0, 1, 2, 3]


class PickleSub(nm.ndarray):
    pass


# -- dtype and strides setters ------------------------------------------------

def setter_story(m):
    import warnings
    out = []

    def attempt(f):
        try:
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                f()
            out.append([type(x.message).__name__ for x in w])
        except Exception as e:  # noqa: BLE001
            out.append((type(e).__name__, str(e)))

    a = m.arange(6.0)
    attempt(lambda: setattr(a, "strides", (16,)))
    b = m.arange(6.0)[::2]
    attempt(lambda: setattr(b, "strides", (16,)))
    out.append((b.strides, b.tolist()))
    attempt(lambda: setattr(b, "strides", (24,)))
    attempt(lambda: setattr(b, "strides", (8, 8)))
    c = m.frombuffer(b"abcdefgh", dtype="u1")[2:4]
    attempt(lambda: setattr(c, "strides", (-1,)))
    out.append(c.tolist())
    attempt(lambda: setattr(c, "strides", (-3,)))
    d = m.arange(6.0)
    attempt(lambda: setattr(d, "dtype", "i4"))
    out.append((str(d.dtype), d.shape, d.strides, flags_dict(d)))
    attempt(lambda: setattr(m.arange(6.0)[::2], "dtype", "i8"))
    attempt(lambda: setattr(m.array(1.0), "dtype", "i4"))
    e = m.arange(4, dtype="u1")
    attempt(lambda: setattr(e, "dtype", "<u2"))
    out.append((str(e.dtype), e.shape, e.tolist()))
    return out


def test_setters():
    assert setter_story(nm) == setter_story(np)


def test_dumps_dump_and_class_getitem(tmp_path):
    from typing import Any
    a, b = shaped(nm, (2, 3)), shaped(np, (2, 3))
    assert describe(pickle.loads(a.dumps())) == describe(pickle.loads(b.dumps()))
    path = tmp_path / "a.pkl"
    a.dump(str(path))
    with open(path, "rb") as f:
        assert pickle.load(f).tolist() == b.tolist()
    a.dump(path)
    with open(path, "rb") as f:
        assert pickle.load(f).tolist() == b.tolist()
    assert repr(nm.ndarray[Any, Any]) == repr(np.ndarray[Any, Any]).replace("numpy.", "ndmem.")
    with pytest.raises(TypeError):
        nm.ndarray[int, int, int]


def test_pickle_out_of_band_shares_memory():
    for m in (np, nm):
        a = shaped(m, (2, 3)).T
        bufs = []
        data = pickle.dumps(a, protocol=5, buffer_callback=bufs.append)
        b = pickle.loads(data, buffers=bufs)
        assert len(bufs) == 1
        assert b.tolist() == a.tolist() and b.strides == a.strides
        b[0, 0] = 99
        assert a[0, 0] == 99


@pytest.mark.parametrize("dtype", ["i1", "i2", "f4", "f8", "c16", "U3", "f8,i2"])
@pytest.mark.parametrize("make", [
    lambda m, a: a.copy(order="F"),
    lambda m, a: a.T.copy(),
    lambda m, a: a[::-1, ::3].T.copy(),
    lambda m, a: a[:77, 5:50].T.copy(),
    lambda m, a: m.ascontiguousarray(a[::2].T),
    lambda m, a: m.asfortranarray(a[:, ::-1]),
])
def test_transposing_copies_match_numpy(dtype, make):
    """2-d copies that transpose the memory order (done tile by tile)."""
    def build(m):
        return make(m, (m.arange(97 * 130) % 251).astype(dtype).reshape(97, 130))
    got, ref = build(nm), build(np)
    assert got.shape == ref.shape and got.strides == ref.strides
    assert got.tobytes() == ref.tobytes()
