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
