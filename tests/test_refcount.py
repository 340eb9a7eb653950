"""Every public C entry point gives back the references it takes (issue 9).

Each case calls one entry point many times, on its success path or on an
error path, and checks that the reference counts of everything it touched
(dtypes, scalar types, shape and axis tuples, keys, input and out arrays,
Python scalars) are where they were, and that the number of objects the
garbage collector tracks has not grown.  A leaked reference per call shows
as a count off by the number of calls; test_leaks.py watches bytes instead.
"""
import gc
import io
import pickle
import sys

import pytest

import ndmem as nm

CALLS = 200


def _objects():
    """What the cases use; built once so their counts can be watched."""
    o = {}
    o["f8"] = nm.dtype("float64")
    o["i4"] = nm.dtype("int32")
    o["rec"] = nm.dtype([("x", "<f8"), ("y", "i2")])
    o["u"] = nm.dtype("<U3")
    o["float64"] = nm.float64
    o["int64"] = nm.int64
    o["shape"] = (3, 4)
    o["bad_shape"] = (-1, -1)
    o["axes"] = (0, 1)
    o["bad_axes"] = (0, 0)
    o["perm"] = (1, 0)
    o["fill"] = 2.5e300
    o["big"] = 2**70
    o["nested"] = [[1.5, 2.5], [3.5, 4.5]]
    o["ragged"] = [[1], [1, 2]]
    # owners, not views of dropped temporaries: those would show in every
    # later test's memory.pinned() (the module is imported at collection)
    o["a"] = nm.arange(12.0).reshape(3, 4).copy()
    o["b"] = nm.arange(12, dtype="int32").reshape(4, 3).copy()
    o["v"] = nm.arange(3.0)
    o["rec_a"] = nm.zeros(3, dtype=o["rec"])
    o["out"] = nm.zeros((3, 4))
    o["out_i"] = nm.zeros((3, 4), dtype="int8")
    o["out_r"] = nm.zeros(4)
    o["key"] = (slice(None, None, -1), 1)
    o["fancy"] = nm.array([2, 0, 1])
    o["mask"] = nm.array([True, False, True])
    o["bad_key"] = (0, 0, 0)
    o["raw"] = bytes(range(48))
    o["npy"] = _npy(o["a"])
    o["junk"] = b"\x93NUMPY\x01\x00\x10\x00{'descr': 'x'}"
    o["pickled"] = pickle.dumps(o["a"])
    return o


def _npy(array):
    buf = io.BytesIO()
    nm.save(buf, array)
    return buf.getvalue()


O = _objects()


def _setitem(a, key, value):
    a[key] = value


def _export(a):
    with memoryview(a) as view:
        return view.tobytes()


CASES = {
    # creation
    "array": lambda o: nm.array(o["nested"], dtype=o["f8"]),
    "array_ragged_bad": lambda o: nm.array(o["ragged"], dtype=o["f8"]),
    "array_overflow_bad": lambda o: nm.array([o["big"]], dtype=o["i4"]),
    "zeros": lambda o: nm.zeros(o["shape"], dtype=o["rec"]),
    "zeros_bad": lambda o: nm.zeros(o["bad_shape"], dtype=o["f8"]),
    "empty_unicode": lambda o: nm.empty(o["shape"], dtype=o["u"]),
    "full": lambda o: nm.full(o["shape"], o["fill"], dtype=o["f8"]),
    "arange": lambda o: nm.arange(0, o["fill"] / 1e299, 0.5),
    "frombuffer": lambda o: nm.frombuffer(o["raw"], dtype=o["i4"]),
    "frombuffer_bad": lambda o: nm.frombuffer(o["raw"], dtype=o["rec"]),
    "asarray_buffer": lambda o: nm.asarray(memoryview(o["raw"])),
    "scalar": lambda o: o["float64"](o["fill"]),
    "load": lambda o: nm.load(io.BytesIO(o["npy"])),
    "load_bad": lambda o: nm.load(io.BytesIO(o["junk"])),
    # indexing
    "getitem_view": lambda o: o["a"][o["key"]],
    "getitem_scalar": lambda o: o["a"][1, 2],
    "getitem_fancy": lambda o: o["a"][o["fancy"]],
    "getitem_mask": lambda o: o["a"][o["mask"]],
    "getitem_field": lambda o: o["rec_a"]["x"],
    "getitem_bad": lambda o: o["a"][o["bad_key"]],
    "setitem_slice": lambda o: _setitem(o["out"], o["key"], o["fill"]),
    "setitem_fancy": lambda o: _setitem(o["out"], o["fancy"], o["v"][:, None]),
    "setitem_bad": lambda o: _setitem(o["out"], o["bad_key"], o["fill"]),
    "setitem_value_bad": lambda o: _setitem(o["out"], 0, o["nested"]),
    # ufuncs
    "ufunc_call": lambda o: nm.add(o["a"], o["v"][:, None], out=o["out"]),
    "ufunc_scalar": lambda o: nm.multiply(o["a"], o["fill"]),
    "ufunc_dtype": lambda o: nm.add(o["a"], o["a"], dtype=o["f8"]),
    "ufunc_cast_error": lambda o: nm.add(o["a"], o["a"], out=o["out_i"]),
    "ufunc_shape_error": lambda o: nm.add(o["a"], o["b"]),
    "ufunc_reduce": lambda o: nm.add.reduce(o["a"], axis=o["axes"]),
    "ufunc_reduce_out": lambda o: nm.add.reduce(o["a"], axis=0, out=o["out_r"]),
    "ufunc_reduce_bad": lambda o: nm.add.reduce(o["a"], axis=o["bad_axes"]),
    "ufunc_accumulate": lambda o: nm.multiply.accumulate(o["a"], axis=1),
    "ufunc_outer": lambda o: nm.subtract.outer(o["v"], o["v"]),
    "operators": lambda o: (o["a"] + o["fill"]) * o["a"] < o["a"],
    "inplace": lambda o: o["out"].__iadd__(o["a"]),
    # reductions
    "sum_axes": lambda o: o["a"].sum(axis=o["axes"], dtype=o["f8"], keepdims=True),
    "mean": lambda o: nm.mean(o["a"], axis=1),
    "max_bad": lambda o: o["a"].max(axis=5),
    "argmax": lambda o: o["a"].argmax(axis=0),
    "std": lambda o: o["a"].std(),
    # shape functions
    "reshape": lambda o: o["a"].reshape(o["shape"][::-1]),
    "reshape_bad": lambda o: o["a"].reshape(o["bad_shape"]),
    "transpose": lambda o: o["a"].transpose(o["perm"]),
    "transpose_bad": lambda o: o["a"].transpose(o["bad_axes"]),
    "ravel": lambda o: o["a"].T.ravel(),
    "concatenate": lambda o: nm.concatenate([o["a"], o["a"]], axis=1),
    "concatenate_bad": lambda o: nm.concatenate([o["a"], o["b"]], axis=0),
    "stack": lambda o: nm.stack([o["v"], o["v"]]),
    "broadcast_to": lambda o: nm.broadcast_to(o["v"], o["shape"][:1] + (3,)),
    # sort, linear algebra
    "sort": lambda o: nm.sort(o["a"][::-1], axis=0),
    "argsort": lambda o: o["a"].argsort(axis=1),
    "matmul": lambda o: nm.matmul(o["a"], o["b"]),
    "matmul_bad": lambda o: nm.matmul(o["a"], o["a"]),
    "dot": lambda o: nm.dot(o["v"], o["v"]),
    "einsum": lambda o: nm.einsum("ij,jk->ik", o["a"], o["b"]),
    "einsum_bad": lambda o: nm.einsum("ij,jk->iq", o["a"], o["b"]),
    # conversions, export, pickling
    "astype": lambda o: o["a"].astype(o["i4"]),
    "astype_bad": lambda o: o["a"].astype(o["rec"], casting="safe"),
    "tolist": lambda o: o["rec_a"].tolist(),
    "item": lambda o: o["a"].item(5),
    "buffer_export": lambda o: _export(o["a"]),
    "array_interface": lambda o: o["a"].__array_interface__,
    "pickle_dumps": lambda o: pickle.dumps(o["a"]),
    "pickle_loads": lambda o: pickle.loads(o["pickled"]),
    "repr": lambda o: repr(o["rec_a"]),
    "copy": lambda o: o["a"].copy(order="F"),
}


def _call(fn):
    """fn's exception, if any: the error paths are cases too."""
    try:
        fn(O)
    except Exception as exc:  # noqa: BLE001
        return exc
    return None


@pytest.fixture(scope="module")
def frozen_heap():
    """Move the objects alive now out of the collector's reach, so that
    gc.collect() and gc.get_objects() see only what the cases make."""
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


@pytest.mark.parametrize("name", sorted(CASES))
def test_references_balance(name, frozen_heap):
    fn = CASES[name]
    error = _call(fn)
    # a case named *_bad or *_error is an error path; the others must succeed
    assert (error is not None) == name.endswith(("_bad", "_error")), error
    for _ in range(2):                 # caches and lazy imports fill here
        _call(fn)
    gc.collect()
    before = {k: sys.getrefcount(v) for k, v in O.items()}
    tracked = len(gc.get_objects())
    for _ in range(CALLS):
        _call(fn)
    gc.collect()
    after = {k: sys.getrefcount(v) for k, v in O.items()}
    assert {k: after[k] - before[k] for k in O if after[k] != before[k]} == {}
    # a per-call leak of a tracked object would show as CALLS more
    assert len(gc.get_objects()) - tracked < CALLS // 4
