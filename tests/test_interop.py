"""NumPy and ndmem objects mixed in one expression (a notebook imports both)."""

import numpy as np
import pytest

import ndmem as nm


def test_ndmem_ufunc_takes_numpy_arrays_and_scalars():
    r = nm.true_divide(np.array([25.0, 50.0]), 100)
    assert type(r) is nm.ndarray and r.tolist() == [0.25, 0.5]
    s = nm.sqrt(np.float64(4.0))
    assert type(s) is nm.float64 and s == 2.0
    assert type(nm.add(np.float32(1), 2)) is nm.float32
    assert nm.sum(np.arange(4)) == 6


def test_numpy_ufunc_takes_ndmem_arrays_through_the_buffer_protocol():
    a = nm.arange(3.0)
    r = np.sin(a)
    assert type(r) is np.ndarray and r.tolist() == np.sin(np.arange(3.0)).tolist()
    mixed = np.arange(3) + nm.arange(3)
    assert type(mixed) is np.ndarray and mixed.tolist() == [0, 2, 4]
    ours = nm.arange(3) + np.arange(3)
    assert type(ours) is nm.ndarray and ours.tolist() == [0, 2, 4]


def test_numpy_cannot_write_into_ndmem_out():
    with pytest.raises(TypeError):
        np.add(np.arange(3), 1, out=nm.zeros(3))


@pytest.mark.parametrize("value", [1.5, -3, 1 + 2j, True])
def test_scalar_array_interface_keeps_its_memory(value):
    """A scalar's __array_interface__ points into the scalar's own value,
    which numpy.asarray keeps alive with the scalar (it pointed into a
    temporary array before: a use-after-free found by the ASan job)."""
    scalar = nm.asarray(value)[()]
    interface = scalar.__array_interface__
    assert set(interface) == set(np.asarray(value)[()].__array_interface__)
    del interface
    got = np.asarray(scalar)
    del scalar
    want = np.asarray(value)
    assert got.dtype == want.dtype and got.tobytes() == want.tobytes()


def outcome(fn, lib):
    """fn(lib) described for comparison, or the exception type and message."""
    try:
        src, r = fn(lib)
    except Exception as e:  # noqa: BLE001 - the type is the result
        return type(e).__name__, str(e)
    return (type(r).__name__, str(r.dtype), r.shape, r.strides, r.flags.c_contiguous,
            r.flags.owndata, r.flags.writeable, r is src, r.base is src, r.tolist())


def fortran(lib):
    return lib.asfortranarray(lib.arange(6.0).reshape(2, 3))


ARRAY_PROTOCOL = {
    "self": lambda m: (lambda a: (a, a.__array__()))(m.arange(6.0).reshape(2, 3)),
    "dtype None": lambda m: (lambda a: (a, a.__array__(None)))(fortran(m)),
    "same dtype": lambda m: (lambda a: (a, a.__array__(float)))(fortran(m)),
    "strided": lambda m: (lambda a: (a, a.__array__()))(m.arange(8.0)[::2]),
    "copy True": lambda m: (lambda a: (a, a.__array__(copy=True)))(fortran(m)),
    "copy False": lambda m: (lambda a: (a, a.__array__(copy=False)))(fortran(m)),
    "copy 0": lambda m: (lambda a: (a, a.__array__(copy=0)))(m.arange(3.0)),
    "cast": lambda m: (lambda a: (a, a.__array__("f4")))(fortran(m)),
    "cast strided": lambda m: (lambda a: (a, a.__array__("i2")))(m.arange(8.0)[::2]),
    "cast no copy": lambda m: (lambda a: (a, a.__array__("f4", copy=False)))(m.arange(3.0)),
    "same, no copy": lambda m: (lambda a: (a, a.__array__("f8", copy=False)))(m.arange(3.0)),
    "byte order": lambda m: (lambda a: (a, a.__array__("<f8")))(m.zeros(3, ">f8")),
    "byte order, no copy": lambda m: (lambda a: (a, a.__array__("<f8", copy=False)))(
        m.zeros(3, ">f8")),
    "read-only": lambda m: (lambda a: (a, a.__array__()))(m.zeros(3)[::-1].view()),
    "0-d": lambda m: (lambda a: (a, a.__array__("i4")))(m.array(2.5)),
    "two positional": lambda m: (lambda a: (a, a.__array__("f4", False)))(m.arange(3.0)),
    "bad keyword": lambda m: (lambda a: (a, a.__array__(foo=1)))(m.arange(3.0)),
    "bad dtype": lambda m: (lambda a: (a, a.__array__("foo")))(m.arange(3.0)),
    "copy string": lambda m: (lambda a: (a, a.__array__(copy="x")))(m.arange(3.0)),
    "scalar": lambda m: (None, m.float64(2.5).__array__()),
    "scalar cast": lambda m: (None, m.float64(2.5).__array__("i4")),
    "scalar None": lambda m: (None, m.int16(-3).__array__(None)),
    "bool scalar": lambda m: (None, m.bool_(True).__array__("u1")),
    "scalar dtype keyword": lambda m: (None, m.float64(2.5).__array__(dtype="f4")),
    "scalar copy keyword": lambda m: (None, m.float64(2.5).__array__(copy=True)),
    "scalar two positional": lambda m: (None, m.int8(2).__array__("f4", 1)),
}


@pytest.mark.parametrize("case", sorted(ARRAY_PROTOCOL))
def test_dunder_array(case):
    """ndarray.__array__(dtype=None, /, *, copy=None) as NumPy 2: self
    without a dtype change or copy, else a C-order copy; ValueError for
    copy=False when a copy is needed.  A scalar's __array__([dtype]) makes a
    fresh writeable 0-d array and takes no keywords."""
    fn = ARRAY_PROTOCOL[case]
    assert outcome(fn, nm) == outcome(fn, np)


def test_dunder_array_of_a_subclass_is_a_base_class_view():
    class Sub(nm.ndarray):
        pass

    class NpSub(np.ndarray):
        pass

    for lib, cls in ((nm, Sub), (np, NpSub)):
        owner = lib.arange(3.0)
        v = owner.view(cls)
        r = v.__array__()
        assert type(r) is lib.ndarray and r.base is owner and r.tolist() == [0.0, 1.0, 2.0]
        assert type(v.__array__(copy=True)) is lib.ndarray
