"""Differential tests of shape manipulation against NumPy."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import ndmem as nm
from ndmem.lib import stride_tricks as nst


def make(mod, kind):
    a = mod.arange(24, dtype="f8").reshape(2, 3, 4)
    if kind == "C":
        return a
    if kind == "F":
        return mod.asarray(a, order="F")
    if kind == "noncontig":
        return mod.arange(96, dtype="f8").reshape(4, 6, 4)[::2, ::2, :]
    if kind == "neg":
        return a[::-1, :, ::-1]
    if kind == "readonly":
        b = a.copy()
        b.flags.writeable = False
        return b
    raise AssertionError(kind)


KINDS = ["C", "F", "noncontig", "neg", "readonly"]


def base_rel(r, a):
    if r.base is None:
        return "none"
    if r.base is a:
        return "a"
    if r.base is a.base:
        return "abase"
    return "other"


def check(r1, r2, a1=None, a2=None):
    assert type(r1).__name__ == "ndarray"
    assert r1.tolist() == r2.tolist()
    assert r1.shape == r2.shape
    assert r1.dtype.str == r2.dtype.str
    assert r1.strides == r2.strides
    for f in ("C_CONTIGUOUS", "F_CONTIGUOUS", "OWNDATA", "WRITEABLE"):
        assert r1.flags[f] == r2.flags[f], f
    if a1 is not None:
        assert base_rel(r1, a1) == base_rel(r2, a2)
        assert nm.may_share_memory(r1, a1) == np.may_share_memory(r2, a2)


FUNCS = {
    "reshape_m": lambda m, a: a.reshape(6, 4),
    "reshape_tuple": lambda m, a: a.reshape((4, -1)),
    "reshape_F": lambda m, a: a.reshape((4, 6), order="F"),
    "reshape_A": lambda m, a: a.reshape((3, 8), order="A"),
    "reshape_f": lambda m, a: m.reshape(a, (-1,)),
    "reshape_same": lambda m, a: a.reshape(2, 3, 4),
    "reshape_split": lambda m, a: a.reshape(2, 3, 2, 2),
    "reshape_copy": lambda m, a: m.reshape(a, (24,), copy=True),
    "ravel": lambda m, a: a.ravel(),
    "ravel_F": lambda m, a: a.ravel("F"),
    "ravel_A": lambda m, a: a.ravel("A"),
    "ravel_K": lambda m, a: m.ravel(a, order="K"),
    "flatten": lambda m, a: a.flatten(),
    "flatten_F": lambda m, a: a.flatten("F"),
    "transpose": lambda m, a: m.transpose(a),
    "transpose_axes": lambda m, a: m.transpose(a, (1, 0, 2)),
    "T": lambda m, a: a.T,
    "swapaxes": lambda m, a: a.swapaxes(0, -1),
    "swapaxes_f": lambda m, a: m.swapaxes(a, 1, 2),
    "moveaxis": lambda m, a: m.moveaxis(a, 0, -1),
    "moveaxis_multi": lambda m, a: m.moveaxis(a, [0, 1], [-1, -2]),
    "rollaxis": lambda m, a: m.rollaxis(a, 2),
    "squeeze": lambda m, a: m.squeeze(a[:, :1, :]),
    "squeeze_axis": lambda m, a: a[:1, :, :1].squeeze(axis=(0, 2)),
    "expand_dims": lambda m, a: m.expand_dims(a, 1),
    "expand_dims_multi": lambda m, a: m.expand_dims(a, (0, -1)),
    "flip": lambda m, a: m.flip(a),
    "flip_axis": lambda m, a: m.flip(a, 1),
    "flipud": lambda m, a: m.flipud(a),
    "fliplr": lambda m, a: m.fliplr(a),
    "broadcast_to": lambda m, a: m.broadcast_to(a[:, :1, :], (5, 2, 3, 4)),
    "concatenate0": lambda m, a: m.concatenate([a, a], 0),
    "concatenate2": lambda m, a: m.concatenate([a, a[:, :, :1]], axis=2),
    "concatenate_none": lambda m, a: m.concatenate([a, a], axis=None),
    "concatenate_dtype": lambda m, a: m.concatenate([a, m.arange(12).reshape(1, 3, 4)]),
    "stack": lambda m, a: m.stack([a, a], axis=1),
    "stack_last": lambda m, a: m.stack([a, a], axis=-1),
    "vstack": lambda m, a: m.vstack([a[0], a[1]]),
    "hstack": lambda m, a: m.hstack([a, a]),
    "hstack1d": lambda m, a: m.hstack([a[0, 0], a[1, 1]]),
    "dstack": lambda m, a: m.dstack([a[0], a[1]]),
    "column_stack": lambda m, a: m.column_stack([a[0, 0], a[1, 1]]),
    "tile": lambda m, a: m.tile(a, 2),
    "tile2": lambda m, a: m.tile(a[0], (2, 1, 3)),
    "repeat": lambda m, a: m.repeat(a, 2),
    "repeat_axis": lambda m, a: a.repeat([1, 0, 2], axis=1),
    "roll": lambda m, a: m.roll(a, 5),
    "roll_axis": lambda m, a: m.roll(a, -1, axis=2),
    "roll_multi": lambda m, a: m.roll(a, (1, 2), axis=(0, 2)),
    "pad": lambda m, a: m.pad(a, 1),
    "pad_widths": lambda m, a: m.pad(a, ((0, 1), (2, 0), (1, 1)), constant_values=7),
    "atleast_1d": lambda m, a: m.atleast_1d(a),
    "atleast_2d": lambda m, a: m.atleast_2d(a[0, 0]),
    "atleast_3d": lambda m, a: m.atleast_3d(a[0]),
    "atleast_3d_1d": lambda m, a: m.atleast_3d(a[0, 0]),
    "as_strided": lambda m, a: m.lib.stride_tricks.as_strided(a, (2, 2), (a.strides[0], a.strides[2])),
    "sliding": lambda m, a: m.lib.stride_tricks.sliding_window_view(a, (2, 2), axis=(1, 2)),
    "sliding_all": lambda m, a: m.lib.stride_tricks.sliding_window_view(a, (1, 2, 3)),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", sorted(FUNCS))
def test_differential(name, kind):
    a1, a2 = make(nm, kind), make(np, kind)
    r1, r2 = FUNCS[name](nm, a1), FUNCS[name](np, a2)
    if name.startswith(("as_strided", "sliding")):
        # NumPy's base is a DummyArray wrapper; ndmem's is the owner
        check(r1, r2)
        assert nm.may_share_memory(r1, a1) and np.may_share_memory(r2, a2)
    else:
        check(r1, r2, a1, a2)


RESHAPE_SOURCES = {
    "1d": lambda m: m.arange(12.0),
    "0d": lambda m: m.asarray(5.0),
    "ones": lambda m: m.arange(6).reshape(1, 6, 1),
    "empty": lambda m: m.zeros((0, 3)),
    "readonly": lambda m: m.broadcast_to(m.arange(3), (2, 3)).copy().reshape(6)[::1],
    "view": lambda m: m.arange(24).reshape(4, 6)[1:3],
}
RESHAPE_ARGS = [(12,), (3, 4), ((4, 3),), ([2, 6],), (-1,), (2, -1, 3), (1, 12, 1), (6,),
                ((1, 6, 1),), (1, 6, 1), ((),), (1,), (-1, 1), (0,), (0, -1), (-1, -1),
                (5,), (2**62, 2**62), (2**70,), (True,), (6.0,), ((2, "3"),), (-3,)]


@pytest.mark.parametrize("args", RESHAPE_ARGS, ids=repr)
@pytest.mark.parametrize("src", sorted(RESHAPE_SOURCES))
def test_reshape_method_forms(src, args):
    """Every way of passing the shape positionally, the valid and the bad,
    on the layouts the method's C path takes (and those it hands on)."""
    a1, a2 = RESHAPE_SOURCES[src](nm), RESHAPE_SOURCES[src](np)
    if src == "readonly":
        a1.flags.writeable = a2.flags.writeable = False
    try:
        r2 = a2.reshape(*args)
    except Exception as e:  # noqa: BLE001 - the kind is compared
        with pytest.raises(type(e)) as e1:
            a1.reshape(*args)
        assert str(e1.value) == str(e)
        return
    check(a1.reshape(*args), r2, a1, a2)
    check(a1.ravel(), a2.ravel(), a1, a2)


AXES_CALLS = {
    "swap": lambda a: a.swapaxes(0, -1),
    "swap_same": lambda a: a.swapaxes(1, 1),
    "swap_out": lambda a: a.swapaxes(0, 3),
    "swap_neg_out": lambda a: a.swapaxes(-4, 0),
    "swap_bool": lambda a: a.swapaxes(True, 0),
    "swap_float": lambda a: a.swapaxes(0.0, 1),
    "swap_huge": lambda a: a.swapaxes(2**70, 0),
    "swap_wide": lambda a: a.swapaxes(0, 2**40),
    "swap_wide_neg": lambda a: a.swapaxes(-2**40, 0),
    "squeeze": lambda a: a.squeeze(),
    "squeeze_twice": lambda a: a.squeeze().squeeze(),
    "squeeze_kw": lambda a: a.squeeze(axis=None),
}


@pytest.mark.parametrize("src", ["ones", "neg", "0d", "plain"])
@pytest.mark.parametrize("call", sorted(AXES_CALLS))
def test_swapaxes_squeeze_forms(call, src):
    make_src = {"ones": lambda m: m.arange(6.0).reshape(1, 3, 1, 2),
                "neg": lambda m: m.arange(24).reshape(2, 3, 4)[::-1, :1],
                "0d": lambda m: m.asarray(3),
                "plain": lambda m: m.arange(6).reshape(2, 3)}[src]
    a1, a2 = make_src(nm), make_src(np)
    try:
        r2 = AXES_CALLS[call](a2)
    except Exception as e:  # noqa: BLE001 - the kind is compared
        with pytest.raises(Exception) as e1:
            AXES_CALLS[call](a1)
        assert type(e1.value).__name__ == type(e).__name__
        assert str(e1.value) == str(e)
        return
    r1 = AXES_CALLS[call](a1)
    check(r1, r2, a1, a2)
    assert (r1 is a1) == (r2 is a2)


REPEAT_SOURCES = {
    "strided3d": lambda m: m.arange(24).reshape(2, 3, 4)[:, ::2],
    "empty": lambda m: m.arange(0),
    "0d": lambda m: m.asarray(5),
    "f8": lambda m: m.arange(3.0),
    "empty2d": lambda m: m.zeros((2, 0)),
}
REPEAT_ARGS = [(2,), (0,), (-1,), ([-1],), ([-1, 1],), (3, 1), (2, -1), (1, 0), ([1, 0], 1),
               ([2],), ((2,), 0), ([1, 2, 3],), (2, 5), (2.0,)]


@pytest.mark.parametrize("args", REPEAT_ARGS, ids=repr)
@pytest.mark.parametrize("src", sorted(REPEAT_SOURCES))
def test_repeat_forms(src, args):
    a1, a2 = REPEAT_SOURCES[src](nm), REPEAT_SOURCES[src](np)
    try:
        r2 = np.repeat(a2, *args)
    except Exception as e:  # noqa: BLE001 - the kind is compared
        with pytest.raises(Exception) as e1:
            nm.repeat(a1, *args)
        assert type(e1.value).__name__ == type(e).__name__
        assert str(e1.value) == str(e)
        return
    check(nm.repeat(a1, *args), r2)


# C-contiguous numeric arrays with an int count take _core._repeat (and
# the method its C path): same layout, dtype spelling and bytes as the
# general path and as NumPy.
FAST_REPEAT_SOURCES = {
    "f8": lambda m: m.arange(10.0),
    "2d": lambda m: m.arange(6, dtype="i2").reshape(2, 3),
    "3d_c16": lambda m: (m.arange(24) * 1j).reshape(2, 3, 4),
    "be": lambda m: m.arange(5, dtype=">f8"),
    "q": lambda m: m.arange(4, dtype="q"),
    "bool": lambda m: m.arange(4) > 1,
    "one": lambda m: m.ones((1, 1), "f2"),
    "empty": lambda m: m.zeros((2, 0), "u1"),
}


@pytest.mark.parametrize("src", sorted(FAST_REPEAT_SOURCES))
def test_repeat_fast_path(src, monkeypatch):
    import ndmem._shape as shp
    a1, a2 = FAST_REPEAT_SOURCES[src](nm), FAST_REPEAT_SOURCES[src](np)
    for r in (0, 1, 3):
        for axis in [None] + list(range(-a1.ndim, a1.ndim)):
            fast, method = nm.repeat(a1, r, axis), a1.repeat(r, axis)
            check(fast, np.repeat(a2, r, axis))
            check(method, a2.repeat(r, axis))
            assert fast.dtype.char == a2.dtype.char
            with monkeypatch.context() as mp:
                mp.setattr(shp, "_repeat", lambda *args: NotImplemented)
                slow = nm.repeat(a1, r, axis)
            check(fast, slow)
            assert fast.tobytes() == slow.tobytes() == method.tobytes()
        for reps in (r, (r, 2), (2, 1, r)):
            t1, t2 = nm.tile(a1, reps), np.tile(a2, reps)
            check(t1, t2)
            assert (t1.base is None) == (t2.base is None)


CONCAT_CASES = {
    "1d": lambda m: ((m.arange(10.0), m.arange(10.0) + 1), {}),
    "list": lambda m: ([m.arange(3), m.arange(4), m.arange(0)], {}),
    "2d_axis1": lambda m: ([m.ones((2, 3), "f4"), m.zeros((2, 1), "f4")], {"axis": 1}),
    "neg_axis": lambda m: ((m.ones((2, 3, 2), "c16"), m.ones((2, 1, 2), "c16")), {"axis": -2}),
    "bool": lambda m: ((m.arange(4) > 1, m.arange(2) > 0), {}),
    "f2": lambda m: ((m.arange(4, dtype="f2"),) * 3, {}),
    "empty": lambda m: ((m.zeros((0, 3)), m.zeros((0, 3))), {}),
    "one": lambda m: ([m.arange(5)], {}),
    "big": lambda m: ((m.arange(300_000.0).reshape(1000, 300),) * 2, {"axis": 1}),
    "mixed": lambda m: ((m.arange(3), m.arange(3.0)), {}),
    "noncontig": lambda m: ((m.arange(6)[::2], m.arange(3)), {}),
    "swapped": lambda m: ((m.arange(3, dtype=">i4"), m.arange(3, dtype=">i4")), {}),
    "str": lambda m: ((m.array(["a", "bc"]), m.array(["d"])), {}),
    "bad_shape": lambda m: ((m.zeros((2, 2)), m.zeros((3, 3))), {}),
    "bad_ndim": lambda m: ((m.zeros(2), m.zeros((1, 2))), {}),
    "bad_axis": lambda m: ((m.zeros(2), m.zeros(2)), {"axis": 1}),
    "axis_none": lambda m: ((m.zeros((2, 2)), m.zeros(3)), {"axis": None}),
    "huge_axis": lambda m: ((m.zeros(2), m.zeros(2)), {"axis": 2**70}),
    "wide_axis": lambda m: ((m.zeros(2), m.zeros(2)), {"axis": 2**40}),
    "float_axis": lambda m: ((m.zeros(2), m.zeros(2)), {"axis": 0.0}),
    "scalar": lambda m: ((m.asarray(1.0), m.asarray(2.0)), {}),
}


@pytest.mark.parametrize("name", sorted(CONCAT_CASES))
def test_concatenate_cases(name):
    (a1, k1), (a2, k2) = CONCAT_CASES[name](nm), CONCAT_CASES[name](np)
    try:
        r2 = np.concatenate(a2, **k2)
    except Exception as e:  # noqa: BLE001 - the kind is compared
        with pytest.raises(Exception) as e1:
            nm.concatenate(a1, **k1)
        assert type(e1.value).__name__ == type(e).__name__
        assert str(e1.value) == str(e)
        return
    check(nm.concatenate(a1, **k1), r2)


@pytest.mark.parametrize("kind", KINDS)
def test_split(kind):
    a1, a2 = make(nm, kind), make(np, kind)
    for args in [(2,), ([1, 3], 2), (3, 1)]:
        s1, s2 = nm.split(a1, *args), np.split(a2, *args)
        assert len(s1) == len(s2)
        for x, y in zip(s1, s2):
            check(x, y, a1, a2)
    for args in [(3,), (5, 2), ([0, 10], 2)]:
        s1, s2 = nm.array_split(a1, *args), np.array_split(a2, *args)
        assert len(s1) == len(s2)
        for x, y in zip(s1, s2):
            check(x, y)


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.parametrize("kind", KINDS)
def test_broadcast_arrays(kind):
    a1, a2 = make(nm, kind), make(np, kind)
    r1 = nm.broadcast_arrays(a1, a1[:1, :, :1], nm.arange(4.0))
    r2 = np.broadcast_arrays(a2, a2[:1, :, :1], np.arange(4.0))
    for x, y in zip(r1, r2):
        check(x, y)


def test_reshape_copy_false():
    a1, a2 = make(nm, "noncontig"), make(np, "noncontig")
    with pytest.raises(ValueError):
        np.reshape(a2, -1, copy=False)
    with pytest.raises(ValueError):
        nm.reshape(a1, -1, copy=False)
    r1, r2 = nm.reshape(a1[0], (3, 2, 2), copy=False), np.reshape(a2[0], (3, 2, 2), copy=False)
    check(r1, r2, a1, a2)


def test_reshape_hidden_copy():
    a1, a2 = make(nm, "F"), make(np, "F")
    r1, r2 = a1.reshape(24), a2.reshape(24)
    check(r1, r2)
    assert r1.base is not None and r2.base is not None
    assert not nm.may_share_memory(r1, a1)


def test_views_write_through():
    a1, a2 = make(nm, "C"), make(np, "C")
    for m, a in ((nm, a1), (np, a2)):
        a.reshape(6, 4)[1, 1] = -1
        m.flip(a)[0, 0, 0] = -2
        m.swapaxes(a, 0, 2)[1, 1, 1] = -3
        m.lib.stride_tricks.as_strided(a, (3,), (8,))[2] = -4
    assert a1.tolist() == a2.tolist()


def test_broadcast_to_readonly():
    b = nm.broadcast_to(nm.arange(3), (2, 3))
    assert not b.flags.writeable
    assert b.strides == (0, 8)
    with pytest.raises(ValueError):
        b[0, 0] = 1


@pytest.mark.parametrize("call", [
    lambda m: m.arange(6).reshape(4),
    lambda m: m.arange(6).reshape(-1, -1),
    lambda m: m.arange(6).reshape(4, -1),
    lambda m: m.squeeze(m.zeros((2, 1)), 0),
    lambda m: m.broadcast_to(m.arange(3), (4,)),
    lambda m: m.concatenate([m.zeros((2, 2)), m.zeros((3, 3))]),
    lambda m: m.concatenate([m.zeros((2, 2)), m.zeros(3)]),
    lambda m: m.concatenate([]),
    lambda m: m.stack([m.zeros(2), m.zeros(3)]),
    lambda m: m.split(m.arange(5), 2),
    lambda m: m.moveaxis(m.zeros((2, 2)), [0, 0], [0, 1]),
])
def test_value_errors(call):
    with pytest.raises(ValueError) as e2:
        call(np)
    with pytest.raises(ValueError) as e1:
        call(nm)
    assert str(e1.value) == str(e2.value)


@pytest.mark.parametrize("call", [
    lambda m: m.squeeze(m.zeros((2, 1)), 2),
    lambda m: m.swapaxes(m.zeros((2, 2)), 0, 2),
    lambda m: m.moveaxis(m.zeros((2, 2)), 0, -3),
    lambda m: m.expand_dims(m.zeros((2, 2)), 4),
    lambda m: m.concatenate([m.zeros(2), m.zeros(2)], axis=1),
    lambda m: m.flip(m.zeros(2), 1),
])
def test_axis_errors(call):
    with pytest.raises(np.exceptions.AxisError) as e2:
        call(np)
    with pytest.raises(nm.exceptions.AxisError) as e1:
        call(nm)
    assert isinstance(e1.value, ValueError) and isinstance(e1.value, IndexError)
    assert str(e1.value) == str(e2.value)


def test_axis_error_class():
    assert nm.exceptions.AxisError.__mro__[1:3] == (ValueError, IndexError)
    assert str(nm.exceptions.AxisError(2, 2)) == str(np.exceptions.AxisError(2, 2))
    assert str(nm.exceptions.AxisError("x")) == "x"


shapes = st.lists(st.integers(1, 4), min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(shapes, st.sampled_from(["C", "F", "A", "K"]), st.sampled_from(KINDS[:4]),
       st.randoms(use_true_random=False))
def test_hypothesis_reshape_ravel(shape, order, kind, rnd):
    size = 1
    for s in shape:
        size *= s
    pieces = {"C": lambda m: m.arange(size, dtype="i8").reshape(shape),
              "F": lambda m: m.asarray(m.arange(size, dtype="i8").reshape(shape), order="F"),
              "noncontig": lambda m: m.arange(2 * size, dtype="i8").reshape(shape[:-1] + [2 * shape[-1]])[..., ::2],
              "neg": lambda m: m.arange(size, dtype="i8").reshape(shape)[::-1]}
    a1, a2 = pieces[kind](nm), pieces[kind](np)
    check(a1.ravel(order), a2.ravel(order), a1, a2)
    new = list(shape)
    rnd.shuffle(new)
    if len(new) > 1 and rnd.random() < 0.5:
        new = [new[0] * new[1]] + new[2:]
    if order != "K":
        check(a1.reshape(new, order=order), a2.reshape(new, order=order), a1, a2)
        check(a1.T.reshape(new, order=order), a2.T.reshape(new, order=order))


@pytest.mark.parametrize("kind", KINDS)
def test_flat(kind):
    a1, a2 = make(nm, kind), make(np, kind)
    f1, f2 = a1.flat, a2.flat
    assert len(f1) == len(f2)
    assert f1.base is a1 and f2.base is a2
    assert [float(x) for x in f1] == [float(x) for x in f2]
    assert f1.index == f2.index
    for key in [0, 5, -1, slice(2, 17, 3), slice(None, None, -2), [1, 0, -3], Ellipsis]:
        r1, r2 = a1.flat[key], a2.flat[key]
        if isinstance(r2, np.ndarray):
            check(r1, r2)
        else:
            assert float(r1) == float(r2)
    check(f1.copy(), f2.copy())
    with pytest.raises(IndexError):
        a2.flat[24]
    with pytest.raises(IndexError):
        a1.flat[24]


@pytest.mark.parametrize("kind", ["C", "F", "noncontig", "neg"])
def test_flat_setitem(kind):
    a1, a2 = make(nm, kind), make(np, kind)
    for a in (a1, a2):
        a.flat[3] = -1
        a.flat[5:20:4] = [7, 8]
        a.flat[[0, -1]] = 9
    assert a1.tolist() == a2.tolist()
    a1.flat = [1, 2, 3]
    a2.flat = [1, 2, 3]
    assert a1.tolist() == a2.tolist()
    r1, r2 = make(nm, "readonly"), make(np, "readonly")
    with pytest.raises(ValueError):
        r2.flat[0] = 1
    with pytest.raises(ValueError):
        r1.flat[0] = 1


def test_reshape_method_copy_kw():
    a1, a2 = make(nm, "C"), make(np, "C")
    check(a1.reshape(4, 6, copy=True), a2.reshape(4, 6, copy=True))
    t1, t2 = make(nm, "neg"), make(np, "neg")
    with pytest.raises(ValueError):
        t2.reshape(-1, copy=False)
    with pytest.raises(ValueError):
        t1.reshape(-1, copy=False)


def test_squeeze_nothing_returns_self():
    for m in (np, nm):
        a = m.arange(3.0)
        assert m.squeeze(a) is a and a.squeeze() is a
        assert a.squeeze(axis=()) is a
        b = m.zeros((1, 3))
        assert b.squeeze(axis=()) is b and b.squeeze(0).base is b
