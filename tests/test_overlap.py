"""shares_memory and may_share_memory against NumPy on the same views."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import ndmem as nm


@st.composite
def slicings(draw, shape):
    """A tuple of random slices (any sign of step) or in-bounds integers
    (negative too), one per axis."""
    key = []
    for length in shape:
        if draw(st.booleans()):
            start = draw(st.none() | st.integers(-8, 8))
            stop = draw(st.none() | st.integers(-8, 8))
            step = draw(st.none() | st.sampled_from([-3, -2, -1, 1, 2, 3]))
            key.append(slice(start, stop, step))
        else:
            key.append(draw(st.integers(-length, length - 1)))
    return tuple(key)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from([(16,), (4, 4), (2, 3, 4)]), st.data())
def test_views_of_one_buffer(shape, data):
    key_a = data.draw(slicings(shape))
    key_b = data.draw(slicings(shape))
    base_np = np.arange(int(np.prod(shape)), dtype=np.int32).reshape(shape)
    base_nm = nm.array(base_np)
    a_np, b_np = base_np[key_a], base_np[key_b]
    a_nm, b_nm = base_nm[key_a], base_nm[key_b]
    if not isinstance(a_np, np.ndarray) or not isinstance(b_np, np.ndarray):
        return
    assert nm.shares_memory(a_nm, b_nm) == np.shares_memory(a_np, b_np)
    assert nm.may_share_memory(a_nm, b_nm) == np.may_share_memory(a_np, b_np)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 7), st.integers(0, 7), st.sampled_from([1, 2, 3, 5]), st.sampled_from([1, 2, 3, 5]))
def test_byte_views_with_odd_offsets(start_a, start_b, step_a, step_b):
    """Element bytes matter: int8 views of an int64 buffer at any offset."""
    raw_np = np.zeros(8, dtype=np.int64).view(np.int8)
    raw_nm = nm.zeros(8, dtype=np.int64).view(nm.int8)
    a_np = raw_np[start_a::step_a]
    b_np = raw_np[start_b::step_b]
    a_nm = raw_nm[start_a::step_a]
    b_nm = raw_nm[start_b::step_b]
    assert nm.shares_memory(a_nm, b_nm) == np.shares_memory(a_np, b_np)


def test_seed_examples():
    """000 and 002: a slice shares, a copy does not."""
    original = nm.array([1, 2, 3, 4, 5])
    view = original[1:4]
    copy = original[1:4].copy()
    assert nm.shares_memory(view, original) is True
    assert nm.shares_memory(copy, original) is False
    assert nm.may_share_memory(view, original) is True


def test_interleaved_slices_bounds_versus_exact():
    a_np, a_nm = np.arange(10), nm.zeros(10, dtype=np.int64)
    assert nm.shares_memory(a_nm[::2], a_nm[1::2]) == np.shares_memory(a_np[::2], a_np[1::2])
    assert nm.may_share_memory(a_nm[::2], a_nm[1::2]) == np.may_share_memory(a_np[::2], a_np[1::2])
    for work in (-1, -2, 1, 5):
        assert (nm.may_share_memory(a_nm[::2], a_nm[1::2], max_work=work)
                == np.may_share_memory(a_np[::2], a_np[1::2], max_work=work))


def test_too_hard_and_invalid_work():
    a_np, a_nm = np.arange(10), nm.zeros(10, dtype=np.int64)
    with pytest.raises(np.exceptions.TooHardError):
        np.shares_memory(a_np, a_np, max_work=0)
    with pytest.raises(nm.exceptions.TooHardError):
        nm.shares_memory(a_nm, a_nm, max_work=0)
    assert issubclass(nm.exceptions.TooHardError, RuntimeError)
    with pytest.raises(ValueError):
        nm.shares_memory(a_nm, a_nm, max_work=-3)


def test_non_arrays_and_empty():
    assert nm.shares_memory([1, 2], [1, 2]) == np.shares_memory([1, 2], [1, 2])
    e_nm = nm.zeros(0)
    assert nm.shares_memory(e_nm, e_nm) == np.shares_memory(np.zeros(0), np.zeros(0))


def test_foreign_buffer_views():
    raw = bytearray(64)
    a_nm = nm.frombuffer(raw, dtype=np.uint8)
    b_nm = nm.frombuffer(raw, dtype=np.uint8, offset=32)
    a_np = np.frombuffer(raw, dtype=np.uint8)
    b_np = np.frombuffer(raw, dtype=np.uint8, offset=32)
    assert nm.shares_memory(a_nm, b_nm) == np.shares_memory(a_np, b_np)
    assert nm.shares_memory(a_nm[:32], b_nm) == np.shares_memory(a_np[:32], b_np)


@pytest.mark.parametrize("step", [7, 13, 64])
def test_large_coprime_strides_are_exact(step):
    """Large problems with coprime strides: exact answers, quickly."""
    a_np = np.zeros(200_000, dtype=np.int8)
    a_nm = nm.zeros(200_000, dtype=np.int8)
    x_np, y_np = a_np[::step], a_np[3::step + 1]
    x_nm, y_nm = a_nm[::step], a_nm[3::step + 1]
    assert nm.shares_memory(x_nm, y_nm) == np.shares_memory(x_np, y_np)


@pytest.mark.parametrize("keys", [(slice(None), slice(None)), (slice(None), slice(1, None)),
                                  (slice(None, None, 2), slice(1, None, 2)),
                                  (slice(5, 10), slice(7, 20))])
@pytest.mark.parametrize("max_work", [1, 2, 5])
def test_small_max_work_on_two_unknowns(keys, max_work):
    """A problem left with two unknowns costs one unit of work, as NumPy's
    diophantine_dfs counts it (the last unknown is solved directly)."""
    def answer(mod):
        a = mod.arange(100)
        try:
            return mod.shares_memory(a[keys[0]], a[keys[1]], max_work=max_work)
        except Exception as exc:  # noqa: BLE001  (the type is compared)
            return type(exc).__name__
    assert answer(nm) == answer(np)
