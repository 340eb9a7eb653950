"""Differential tests of the small numeric helpers (_numeric.py) against NumPy."""

import numpy as np
import pytest

import ndmem as nm


def outcome(fn, mod):
    try:
        r = fn(mod)
    except Exception as exc:  # noqa: BLE001  (the exception type is compared)
        return ("exc", type(exc).__name__)
    if isinstance(r, (mod.ndarray, mod.generic)):
        kind = "array" if isinstance(r, mod.ndarray) else "scalar"
        values = np.asarray(r).tolist() if kind == "array" else r.item()
        return (kind, str(r.dtype), r.shape, repr(values))  # repr: nan equals nan
    return ("py", type(r).__name__, repr(r))


def same(fn):
    ours, theirs = outcome(fn, nm), outcome(fn, np)
    assert ours == theirs


VALUES = [[1.25, 2.5, -3.5, 15.0, 25.0, -0.5, 0.5, 1e300, np.nan, np.inf]]


@pytest.mark.parametrize("dtype", ["f2", "f4", "f8", "c8", "c16", "i1", "i8", "u2", "?"])
@pytest.mark.parametrize("decimals", [0, 1, 2, -1, -2])
def test_round(dtype, decimals):
    data = [1, 2, 3, 15, 25, 35, 125] if dtype[0] in "iu?" else VALUES[0]
    if dtype == "?":
        data = [True, False]
    with np.errstate(all="ignore"), nm.errstate(all="ignore"):
        same(lambda m: m.round(m.array(data).astype(dtype) if dtype != "?" else m.array(data), decimals))
        same(lambda m: m.array(data).astype(dtype).round(decimals))
        same(lambda m: m.around(m.array(data).astype(dtype)[0], decimals))


def test_round_out_and_0d():
    same(lambda m: m.round(m.array(2.5)))
    same(lambda m: m.array(2.5).round())
    same(lambda m: m.round(2.5))

    def with_out(m):
        out = m.zeros(3)
        r = m.round(m.array([1.26, 2.5, 3.5]), 1, out=out)
        return r is out, out.tolist()
    assert with_out(nm) == with_out(np)


@pytest.mark.parametrize("value", [3, 3.0, 1j, "s", b"b", [1], (1,), None, np.float32(1)])
def test_isscalar(value):
    converted = nm.float32(1) if isinstance(value, np.generic) else value
    assert nm.isscalar(converted) == np.isscalar(value)
    assert nm.isscalar(nm.array(1)) == np.isscalar(np.array(1))


@pytest.mark.parametrize("name", ["ndim", "shape", "size", "real", "imag", "iscomplexobj",
                                  "isrealobj", "iscomplex", "isreal", "fix", "angle",
                                  "nan_to_num", "copy"])
@pytest.mark.parametrize("data", [3, 2.5, [1.5, -2.5], [[1 + 2j, 3]], [np.nan, np.inf, -np.inf]])
def test_helpers(name, data):
    same(lambda m: getattr(m, name)(data))
    same(lambda m: getattr(m, name)(m.array(data)))


@pytest.mark.parametrize("name", ["isposinf", "isneginf"])
def test_inf_predicates(name):
    same(lambda m: getattr(m, name)(m.array([np.inf, -np.inf, 1.0, np.nan])))
    same(lambda m: getattr(m, name)(-np.inf))
    same(lambda m: getattr(m, name)(m.array([1j])))


def test_size_axis_and_astype():
    same(lambda m: m.size(m.zeros((2, 3)), 1))
    same(lambda m: m.astype(m.arange(3), "f4"))
    same(lambda m: m.astype([1, 2], "f4"))


@pytest.mark.parametrize("pair", [("f4", "floating"), ("i8", "integer"), ("u1", "signedinteger"),
                                  ("c8", "complexfloating"), ("f8", "f8"), ("i4", "number")])
def test_issubdtype(pair):
    a, b = pair
    assert nm.issubdtype(a, getattr(nm, b, b)) == np.issubdtype(a, getattr(np, b, b))


def test_constants():
    for name in ["pi", "e", "euler_gamma", "little_endian"]:
        assert getattr(nm, name) == getattr(np, name)
    assert np.isnan(nm.nan) and nm.inf == np.inf
