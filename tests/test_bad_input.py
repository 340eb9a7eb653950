"""Bad-input catalogue: every case raises NumPy's exception type and leaves
the arrays that existed before the call untouched.

Each case is run on numpy and on ndmem in the same process. A case gets a
fresh namespace of arrays from its setup; their bytes, shape and dtype are
recorded before the bad call and compared after it.
"""
import gc
import operator
import pickle
import sys
import threading
import types
import warnings

import numpy
import pytest

import ndmem
from ndmem.lib import stride_tricks as ndm_stride_tricks
from numpy.lib import stride_tricks as np_stride_tricks


def _default(np):
    return {"a": np.arange(24, dtype=np.float64).reshape(4, 6),
            "i": np.arange(10, dtype=np.int64)}


def _readonly_flag(np):
    a = np.arange(12, dtype=np.int32).reshape(3, 4)
    a.flags.writeable = False
    return {"a": a}


def _broadcast(np):
    a = np.arange(4, dtype=np.float64)
    return {"src": a, "a": np.broadcast_to(a, (3, 4))}


def _frombytes(np):
    return {"a": np.frombuffer(bytes(range(16)), dtype=np.uint8)}


def _readonly_view(np):
    a = np.arange(12, dtype=np.float64)
    a.flags.writeable = False
    return {"a": a, "v": a[2:8]}


# (id, call, setup). call(np, v) must raise; v holds the setup's arrays.
CASES = [
    # sizes
    ("shape-product-overflow", lambda np, v: np.empty((2**40, 2**40)), _default),
    ("shape-product-overflow-zeros", lambda np, v: np.zeros((2**32, 2**32, 4)), _default),
    # a zero step is an error even when start == stop (found by test_fuzz)
    ("arange-zero-step-empty", lambda np, v: np.arange(0, 0, 0), _default),
    ("arange-zero-float-step-empty", lambda np, v: np.arange(1.5, 1.5, 0.0), _default),
    ("shape-overflow-itemsize", lambda np, v: np.empty(2**62, dtype=np.float64), _default),
    ("shape-dim-too-big", lambda np, v: np.empty(2**64), _default),
    ("negative-dim", lambda np, v: np.empty(-1), _default),
    ("negative-dim-2d", lambda np, v: np.zeros((3, -2)), _default),
    ("negative-dim-ones", lambda np, v: np.ones((-5,)), _default),
    ("negative-dim-full", lambda np, v: np.full((2, -1), 1.0), _default),
    ("huge-empty", lambda np, v: np.empty(2**50), _default),
    ("huge-zeros", lambda np, v: np.zeros(2**50, dtype=np.uint8), _default),
    ("huge-ones", lambda np, v: np.ones((2**25, 2**25)), _default),
    ("shape-float", lambda np, v: np.empty(3.0), _default),
    ("shape-str", lambda np, v: np.zeros("3"), _default),
    ("shape-nested", lambda np, v: np.zeros(((2, 3), 4)), _default),
    ("shape-too-many-dims", lambda np, v: np.zeros((1,) * 65), _default),
    # dtypes
    ("dtype-unknown-string", lambda np, v: np.zeros(3, dtype="float99"), _default),
    ("dtype-misspelled", lambda np, v: np.zeros(3, dtype="flaot64"), _default),
    ("dtype-bad-object", lambda np, v: np.dtype(3.5), _default),
    ("dtype-bad-code", lambda np, v: np.dtype("q9"), _default),
    ("astype-unknown", lambda np, v: v.a.astype("int3"), _default),
    ("arange-bad-dtype", lambda np, v: np.arange(3, dtype="nope"), _default),
    ("view-itemsize-mismatch", lambda np, v: v.a[:, :5].view(np.complex128), _default),
    ("promote-types-bad", lambda np, v: np.promote_types("f8", "bogus"), _default),
    # axes
    ("sum-axis-too-big", lambda np, v: v.a.sum(axis=2), _default),
    ("sum-axis-negative", lambda np, v: v.a.sum(axis=-3), _default),
    ("sum-axis-duplicate", lambda np, v: v.a.sum(axis=(0, 0)), _default),
    ("sum-axis-float", lambda np, v: v.a.sum(axis=1.0), _default),
    ("mean-axis-too-big", lambda np, v: np.mean(v.a, axis=5), _default),
    ("argmax-axis", lambda np, v: v.a.argmax(axis=2), _default),
    ("cumsum-axis", lambda np, v: np.cumsum(v.a, axis=3), _default),
    ("swapaxes-bad", lambda np, v: v.a.swapaxes(0, 2), _default),
    ("transpose-bad-perm", lambda np, v: v.a.transpose(0, 0), _default),
    ("transpose-wrong-len", lambda np, v: v.a.transpose(1, 0, 2), _default),
    ("moveaxis-bad", lambda np, v: np.moveaxis(v.a, 0, 4), _default),
    ("expand-dims-bad", lambda np, v: np.expand_dims(v.a, 4), _default),
    ("squeeze-non-one", lambda np, v: v.a.squeeze(axis=0), _default),
    ("concatenate-axis", lambda np, v: np.concatenate([v.a, v.a], axis=2), _default),
    ("stack-axis", lambda np, v: np.stack([v.a, v.a], axis=4), _default),
    ("ufunc-reduce-axis", lambda np, v: np.add.reduce(v.a, axis=7), _default),
    # out=
    ("ufunc-out-wrong-shape", lambda np, v: np.add(v.a, 1, out=np.empty((3, 6))), _default),
    ("ufunc-out-wrong-dtype", lambda np, v: np.add(v.a, 1.5, out=np.empty((4, 6), dtype=np.int64)), _default),
    ("ufunc-out-not-array", lambda np, v: np.add(v.a, 1, out=[0] * 24), _default),
    ("ufunc-out-tuple-len", lambda np, v: np.add(v.a, 1, out=(v.a, v.a)), _default),
    ("ufunc-out-readonly", lambda np, v: np.add(v.a, 1, out=np.broadcast_to(np.zeros(6), (4, 6))), _default),
    ("sum-out-wrong-shape", lambda np, v: v.a.sum(axis=0, out=np.empty(5)), _default),
    ("sum-out-wrong-ndim", lambda np, v: np.sum(v.a, axis=1, out=np.empty((4, 1))), _default),
    ("max-out-wrong-shape", lambda np, v: np.max(v.a, axis=0, out=np.empty(4)), _default),
    ("reduce-out-wrong-ndim", lambda np, v: np.add.reduce(v.a, axis=0, out=np.empty((1, 6))), _default),
    # read-only targets
    ("readonly-setitem", lambda np, v: v.a.__setitem__(0, 5), _readonly_flag),
    ("readonly-slice-set", lambda np, v: v.a.__setitem__((slice(None), 1), 5), _readonly_flag),
    ("readonly-fill", lambda np, v: v.a.fill(0), _readonly_flag),
    ("readonly-iadd", lambda np, v: v.a.__iadd__(1), _readonly_flag),
    ("readonly-ufunc-out", lambda np, v: np.multiply(v.a, 2, out=v.a), _readonly_flag),
    ("readonly-sort", lambda np, v: v.a.sort(), _readonly_flag),
    ("readonly-view-set", lambda np, v: v.v.__setitem__(0, 1.0), _readonly_view),
    ("readonly-make-writeable-view", lambda np, v: setattr(v.v.flags, "writeable", True), _readonly_view),
    ("broadcast-setitem", lambda np, v: v.a.__setitem__((0, 0), 9.0), _broadcast),
    ("broadcast-iadd", lambda np, v: v.a.__iadd__(1.0), _broadcast),
    ("broadcast-out", lambda np, v: np.negative(v.src, out=v.a), _broadcast),
    ("frombuffer-bytes-set", lambda np, v: v.a.__setitem__(0, 7), _frombytes),
    ("frombuffer-bytes-writeable", lambda np, v: setattr(v.a.flags, "writeable", True), _frombytes),
    ("frombuffer-bytes-fill", lambda np, v: v.a.fill(1), _frombytes),
    ("copyto-readonly", lambda np, v: np.copyto(v.a, 0), _readonly_flag),
    ("put-readonly", lambda np, v: np.put(v.a, [0], [1]), _readonly_flag),
    # indices
    ("index-float", lambda np, v: v.a[1.0], _default),
    ("index-none-tuple-float", lambda np, v: v.a[0, 1.5], _default),
    ("index-str", lambda np, v: v.a["x"], _default),
    ("index-object", lambda np, v: v.a[object()], _default),
    ("index-list-float", lambda np, v: v.i[[0.0, 1.0]], _default),
    ("index-too-many", lambda np, v: v.a[0, 0, 0], _default),
    ("index-too-many-ellipsis", lambda np, v: v.a[..., 0, ...], _default),
    ("index-out-of-bounds", lambda np, v: v.a[4], _default),
    ("index-negative-oob", lambda np, v: v.i[-11], _default),
    ("index-array-oob", lambda np, v: v.i[np.array([0, 10])], _default),
    ("index-bool-wrong-len", lambda np, v: v.i[np.ones(3, dtype=bool)], _default),
    ("index-float-array", lambda np, v: v.i[np.array([1.0])], _default),
    ("setitem-float-index", lambda np, v: v.i.__setitem__(2.0, 1), _default),
    ("setitem-shape-mismatch", lambda np, v: v.a.__setitem__(slice(None), np.ones(5)), _default),
    ("setitem-oob", lambda np, v: v.i.__setitem__(10, 1), _default),
    ("setitem-str-value", lambda np, v: v.i.__setitem__(0, "abc"), _default),
    ("slice-step-zero", lambda np, v: v.i[::0], _default),
    ("take-oob", lambda np, v: np.take(v.i, [20]), _default),
    # reshape
    ("reshape-bad-size", lambda np, v: v.a.reshape(5, 5), _default),
    ("reshape-two-unknown", lambda np, v: v.a.reshape(-1, -1), _default),
    ("reshape-unknown-not-divisible", lambda np, v: v.a.reshape(-1, 5), _default),
    ("reshape-two-negative", lambda np, v: v.a.reshape(-2, -3), _default),
    ("reshape-float", lambda np, v: v.a.reshape(4.0, 6), _default),
    ("reshape-order-bad", lambda np, v: v.a.reshape(24, order="Z"), _default),
    ("shape-assign-bad", lambda np, v: setattr(v.a, "shape", (5, 5)), _default),
    # casting=
    ("casting-bad-string", lambda np, v: np.add(v.a, 1, casting="sometimes"), _default),
    ("casting-same-kind-out", lambda np, v: np.add(v.a, 1, out=np.empty((4, 6), dtype=np.int32), casting="same_kind"), _default),
    ("astype-casting-bad", lambda np, v: v.a.astype(np.int8, casting="nope"), _default),
    ("astype-casting-safe", lambda np, v: v.a.astype(np.int8, casting="safe"), _default),
    ("can-cast-bad-casting", lambda np, v: np.can_cast(np.int8, np.int16, casting="xyz"), _default),
    ("copyto-casting-safe", lambda np, v: np.copyto(np.zeros(6, dtype=np.int32), v.a[0], casting="safe"), _default),
    # conversions
    ("ragged-list", lambda np, v: np.array([[1, 2], [3]]), _default),
    ("ragged-float", lambda np, v: np.array([[1.0], [2.0, 3.0]], dtype=np.float64), _default),
    ("ragged-deep", lambda np, v: np.array([[[1], [2]], [[3], [4, 5]]]), _default),
    ("str-to-float", lambda np, v: np.array(["1.5", "abc"], dtype=np.float64), _default),
    ("str-to-int", lambda np, v: np.array(["12x"], dtype=np.int64), _default),
    ("asarray-str-float", lambda np, v: np.asarray("hello", dtype=np.float64), _default),
    ("int-overflow-uint8", lambda np, v: np.array([300], dtype=np.uint8), _default),
    ("int-overflow-add", lambda np, v: np.add(np.arange(3, dtype=np.uint8), 300), _default),
    ("float-array-dict", lambda np, v: np.array({"a": 1}, dtype=np.float64), _default),
    ("float-none", lambda np, v: np.array([1.0, None], dtype=np.int64), _default),
    ("copy-false-needs-copy", lambda np, v: np.array(v.a, dtype=np.int32, copy=False), _default),
    # shape functions
    ("concatenate-mismatch", lambda np, v: np.concatenate([v.a, np.ones((4, 5))]), _default),
    ("concatenate-ndim", lambda np, v: np.concatenate([v.a, v.i]), _default),
    ("concatenate-empty", lambda np, v: np.concatenate([]), _default),
    ("stack-mismatch", lambda np, v: np.stack([v.a, v.a.T]), _default),
    ("vstack-mismatch", lambda np, v: np.vstack([v.a, v.i]), _default),
    ("broadcast-to-bad", lambda np, v: np.broadcast_to(v.a, (4, 5)), _default),
    ("broadcast-to-negative", lambda np, v: np.broadcast_to(v.i, (-1, 10)), _default),
    ("broadcast-shapes-bad", lambda np, v: np.broadcast_shapes((2, 3), (4,)), _default),
    ("ufunc-broadcast-bad", lambda np, v: np.add(v.a, v.i), _default),
    ("split-unequal", lambda np, v: np.split(v.i, 3), _default),
    ("repeat-negative", lambda np, v: np.repeat(v.i, -1), _default),
    ("tile-bad", lambda np, v: np.tile(v.i, 1.5), _default),
    # linalg
    ("matmul-mismatch", lambda np, v: np.matmul(v.a, v.a), _default),
    ("matmul-scalar", lambda np, v: np.matmul(v.a, 2.0), _default),
    ("matmul-op-mismatch", lambda np, v: v.a @ np.ones(5), _default),
    ("dot-mismatch", lambda np, v: np.dot(v.a, np.ones(5)), _default),
    ("einsum-bad-char", lambda np, v: np.einsum("i#,j", v.a, v.i), _default),
    ("einsum-too-many-operands", lambda np, v: np.einsum("ij", v.a, v.a), _default),
    ("einsum-dim-mismatch", lambda np, v: np.einsum("ij,ij->i", v.a, v.a.T), _default),
    ("einsum-subscripts-len", lambda np, v: np.einsum("ijk", v.a), _default),
    ("einsum-output-unknown", lambda np, v: np.einsum("ij->k", v.a), _default),
    ("einsum-output-repeat", lambda np, v: np.einsum("ij->ii", v.a), _default),
    ("tensordot-mismatch", lambda np, v: np.tensordot(v.a, v.a, axes=([1], [1, 0])), _default),
    # sorting
    ("searchsorted-bad-side", lambda np, v: np.searchsorted(v.i, 3, side="middle"), _default),
    ("searchsorted-bad-side-method", lambda np, v: v.i.searchsorted(3, side=1), _default),
    ("sort-bad-axis", lambda np, v: np.sort(v.a, axis=2), _default),
    ("sort-bad-kind", lambda np, v: np.sort(v.a, kind="bogo"), _default),
    ("argsort-bad-axis", lambda np, v: np.argsort(v.a, axis=-3), _default),
    ("inplace-sort-bad-kind", lambda np, v: v.a.sort(kind="nope"), _default),
    ("partition-kth-oob", lambda np, v: np.partition(v.i, 10), _default),
    ("argpartition-kth-oob", lambda np, v: np.argpartition(v.i, -11), _default),
    # random
    ("random-normal-negative-scale", lambda np, v: np.random.default_rng(0).normal(0, -1.0, size=3), _default),
    ("random-integers-empty-range", lambda np, v: np.random.default_rng(0).integers(5, 5), _default),
    ("random-uniform-bad-size", lambda np, v: np.random.default_rng(0).uniform(size=-1), _default),
    ("random-choice-too-many", lambda np, v: np.random.default_rng(0).choice(3, size=5, replace=False), _default),
    ("random-choice-bad-p", lambda np, v: np.random.default_rng(0).choice(3, p=[0.5, 0.5]), _default),
    ("random-choice-empty", lambda np, v: np.random.default_rng(0).choice(0), _default),
    ("random-randint-low-high", lambda np, v: np.random.randint(10, 5), _default),
    ("random-exponential-negative", lambda np, v: np.random.default_rng(0).exponential(-2.0), _default),
    ("random-seed-negative", lambda np, v: np.random.default_rng(-1), _default),
    ("random-seed-float", lambda np, v: np.random.seed(1.5), _default),
    ("random-rand-negative", lambda np, v: np.random.rand(-3), _default),
    ("random-integers-bad-dtype", lambda np, v: np.random.default_rng(0).integers(0, 5, dtype=np.float64), _default),
    # printoptions
    ("printoptions-precision-str", lambda np, v: np.set_printoptions(precision="x"), _default),
    ("printoptions-threshold-str", lambda np, v: np.set_printoptions(threshold="many"), _default),
    ("printoptions-floatmode", lambda np, v: np.set_printoptions(floatmode="wide"), _default),
    ("printoptions-sign", lambda np, v: np.set_printoptions(sign="*"), _default),
    ("printoptions-threshold-nan", lambda np, v: np.set_printoptions(threshold=float("nan")), _default),
    ("printoptions-precision-float", lambda np, v: np.set_printoptions(precision=1.5), _default),
    ("printoptions-unknown-kw", lambda np, v: np.set_printoptions(colour=True), _default),
    # pickling
    ("setstate-no-args", lambda np, v: v.a.__setstate__(()), _default),
    ("setstate-not-tuple", lambda np, v: v.a.__setstate__(5), _default),
    ("setstate-short-tuple", lambda np, v: v.a.__setstate__((1, (2,))), _default),
    ("pickle-truncated", lambda np, v: pickle.loads(pickle.dumps(v.a)[:-20]), _default),
    # as_strided: bad argument types only (bad strides may read anywhere)
    ("as-strided-shape-str", lambda np, v: _stride_tricks(np).as_strided(v.i, shape="ab"), _default),
    ("as-strided-strides-float", lambda np, v: _stride_tricks(np).as_strided(v.i, shape=(2,), strides=(1.5,)), _default),
    ("as-strided-shape-len", lambda np, v: _stride_tricks(np).as_strided(v.i, shape=(2, 2), strides=(8,)), _default),
    ("sliding-window-too-big", lambda np, v: _stride_tricks(np).sliding_window_view(v.i, 11), _default),
    ("sliding-window-negative", lambda np, v: _stride_tricks(np).sliding_window_view(v.i, -1), _default),
    # creation, functions, methods and conversions at large
    ("zeros-order-bad", lambda np, v: np.zeros((2,3), order="X"), _default),
    ("arange-step-zero", lambda np, v: np.arange(0, 10, 0), _default),
    ("arange-nan", lambda np, v: np.arange(float("nan")), _default),
    ("arange-inf", lambda np, v: np.arange(0, float("inf")), _default),
    ("linspace-negative", lambda np, v: np.linspace(0, 1, -1), _default),
    ("linspace-float-num", lambda np, v: np.linspace(0, 1, num=2.5), _default),
    ("eye-negative", lambda np, v: np.eye(-1), _default),
    ("full-str-fill", lambda np, v: np.full((2,), "x", dtype=np.float64), _default),
    ("frombuffer-not-multiple", lambda np, v: np.frombuffer(b"abc", dtype=np.float64), _default),
    ("frombuffer-offset-negative", lambda np, v: np.frombuffer(b"abcdefgh", offset=-1), _default),
    ("frombuffer-count-too-big", lambda np, v: np.frombuffer(b"abcdefgh", dtype=np.uint8, count=20), _default),
    ("frombuffer-offset-past", lambda np, v: np.frombuffer(b"abcdefgh", offset=9), _default),
    ("frombuffer-not-buffer", lambda np, v: np.frombuffer(5), _default),
    ("item-oob", lambda np, v: v.a.item(100), _default),
    ("item-too-many", lambda np, v: v.a.item(0, 0, 0), _default),
    ("flat-oob", lambda np, v: v.a.flat[100], _default),
    ("where-one-arg", lambda np, v: np.where(v.a, 1), _default),
    ("view-dtype-assign", lambda np, v: setattr(v.a[:, :5], "dtype", np.complex128), _default),
    ("shape-assign-two-unknown", lambda np, v: setattr(v.a, "shape", (-1, -1)), _default),
    ("ravel-multi-index-oob", lambda np, v: np.ravel_multi_index((10,), (5,)), _default),
    ("unravel-index-oob", lambda np, v: np.unravel_index(100, (3, 3)), _default),
    ("diag-3d", lambda np, v: np.diag(np.ones((2, 2, 2))), _default),
    ("trace-1d", lambda np, v: np.trace(np.ones(3)), _default),
    ("pad-negative", lambda np, v: np.pad(v.a, -1), _default),
    ("pad-bad-mode", lambda np, v: np.pad(v.a, 1, mode="nope"), _default),
    ("histogram-negative-bins", lambda np, v: np.histogram(v.i, bins=-1), _default),
    ("bincount-negative", lambda np, v: np.bincount(np.array([-1])), _default),
    ("bincount-float", lambda np, v: np.bincount(np.array([1.5])), _default),
    ("percentile-over-100", lambda np, v: np.percentile(v.i, 150), _default),
    ("quantile-over-1", lambda np, v: np.quantile(v.i, 2), _default),
    ("array-split-zero", lambda np, v: np.array_split(v.i, 0), _default),
    ("diff-negative-n", lambda np, v: np.diff(v.i, n=-1), _default),
    ("take-along-axis-ndim", lambda np, v: np.take_along_axis(v.a, v.i, axis=0), _default),
    ("lexsort-mismatch", lambda np, v: np.lexsort((np.arange(3), np.arange(4))), _default),
    ("unique-axis", lambda np, v: np.unique(v.a, axis=3), _default),
    ("iinfo-float", lambda np, v: np.iinfo(np.float64), _default),
    ("finfo-int", lambda np, v: np.finfo(np.int64), _default),
    ("round-float-decimals", lambda np, v: v.a.round(decimals=1.5), _default),
    ("left-shift-float", lambda np, v: np.left_shift(v.a, 1), _default),
    ("bitwise-and-float", lambda np, v: np.bitwise_and(v.a, v.a), _default),
    ("invert-float", lambda np, v: np.invert(v.a), _default),
    ("gcd-float", lambda np, v: np.gcd(v.a, v.a), _default),
    ("ufunc-too-many-args", lambda np, v: np.add(1, 2, 3, 4), _default),
    ("ufunc-too-few-args", lambda np, v: np.add(v.a), _default),
    ("ufunc-dtype-bad", lambda np, v: np.add(v.a, 1, dtype="xx"), _default),
    ("ufunc-unknown-kw", lambda np, v: np.add(v.a, 1, bogus=1), _default),
    ("accumulate-axis", lambda np, v: np.add.accumulate(v.a, axis=5), _default),
    ("minimum-reduce-empty", lambda np, v: np.minimum.reduce(np.array([])), _default),
    ("max-empty", lambda np, v: np.max(np.array([])), _default),
    ("argmax-empty", lambda np, v: np.argmax(np.array([])), _default),
    ("dot-str", lambda np, v: np.dot(v.a, "x"), _default),
    ("einsum-trace-nonsquare", lambda np, v: np.einsum("ii", v.a), _default),
    ("einsum-ellipsis-mismatch", lambda np, v: np.einsum("...v.i,...i", np.ones((2, 3)), np.ones((4, 3))), _default),
    ("einsum-no-operands", lambda np, v: np.einsum("i"), _default),
    ("einsum-bad-type", lambda np, v: np.einsum(5, v.a), _default),
    ("vdot-mismatch", lambda np, v: np.vdot(v.a, v.i), _default),
    ("inner-mismatch", lambda np, v: np.inner(v.a, np.ones(5)), _default),
    ("copyto-broadcast", lambda np, v: np.copyto(v.a, np.ones(5)), _default),
    ("put-oob", lambda np, v: np.put(v.i, [100], 1), _default),
    ("put-bad-mode", lambda np, v: np.put(v.i, [0], 1, mode="x"), _default),
    ("take-bad-mode", lambda np, v: np.take(v.i, [1], mode="nope"), _default),
    ("repeat-mismatch", lambda np, v: np.repeat(v.a, [1, 2], axis=0), _default),
    ("meshgrid-indexing", lambda np, v: np.meshgrid(v.i, v.i, indexing="x"), _default),
    ("stack-empty", lambda np, v: np.stack([]), _default),
    ("hstack-empty", lambda np, v: np.hstack([]), _default),
    ("split-axis", lambda np, v: np.split(v.i, [3], axis=2), _default),
    ("squeeze-axis", lambda np, v: np.squeeze(v.a, axis=5), _default),
    ("flip-axis", lambda np, v: np.flip(v.a, axis=3), _default),
    ("rollaxis-bad", lambda np, v: np.rollaxis(v.a, 5), _default),
    ("ndarray-negative", lambda np, v: np.ndarray(shape=(-1,)), _default),
    ("ndarray-buffer-small", lambda np, v: np.ndarray((3,), dtype=np.float64, buffer=bytes(8)), _default),
    ("ndarray-bad-order", lambda np, v: np.ndarray((3,), order="Q"), _default),
    ("dtype-duplicate-field", lambda np, v: np.dtype([("a", "f8"), ("a", "i4")]), _default),
    ("dtype-U-negative", lambda np, v: np.dtype("U-1"), _default),
    ("result-type-none", lambda np, v: np.result_type(), _default),
    ("can-cast-bad-dtype", lambda np, v: np.can_cast(v.a, "x"), _default),
    ("view-bad-dtype", lambda np, v: v.a.view(dtype="xx"), _default),
    ("rng-integers-too-big", lambda np, v: np.random.default_rng(0).integers(0, 2**70), _default),
    ("rng-normal-huge", lambda np, v: np.random.default_rng(0).normal(size=(2**40, 2**40)), _default),
    ("rng-shuffle-int", lambda np, v: np.random.default_rng(0).shuffle(5), _default),
    ("rng-permutation-axis", lambda np, v: np.random.default_rng(0).permutation(v.a, axis=5), _default),
    ("seed-too-big", lambda np, v: np.random.seed(2**40), _default),
    ("randomstate-str", lambda np, v: np.random.RandomState("x"), _default),
    ("set-state-str", lambda np, v: np.random.set_state("x"), _default),
    ("uniform-str", lambda np, v: np.random.default_rng(0).uniform(low="x"), _default),
    ("rng-standard-normal-dtype", lambda np, v: np.random.default_rng(0).standard_normal(dtype=np.int32), _default),
    ("errstate-bad", lambda np, v: np.errstate(all="bogus").__enter__(), _default),
    ("seterr-bad", lambda np, v: np.seterr(divide="x"), _default),
    ("array2string-bad", lambda np, v: np.array2string(v.a, max_line_width="x"), _default),
    ("format-float-array", lambda np, v: np.format_float_positional(v.a), _default),
    ("index-complex", lambda np, v: v.a[1j], _default),
    ("index-ragged-list", lambda np, v: v.a[[[0, 1], [0]]], _default),
    ("index-bool-2d-mismatch", lambda np, v: v.a[np.array([[True]])], _default),
    ("index-two-ellipsis", lambda np, v: v.a[..., ...], _default),
    ("index-newaxis-oob", lambda np, v: v.a[None, None, ..., 7], _default),
    ("index-fancy-broadcast", lambda np, v: v.a[:, [0, 1], [0, 1, 2]], _default),
    ("index-np-int-oob", lambda np, v: v.a[np.int64(10)], _default),
    ("index-uint64-huge", lambda np, v: v.i[np.uint64(2**63)], _default),
    ("index-python-huge", lambda np, v: v.i[2**70], _default),
    ("index-slice-float", lambda np, v: v.a[0:1.5], _default),
    ("setitem-row-wrong-len", lambda np, v: v.a.__setitem__(0, [1, 2]), _default),
    ("setitem-fancy-mismatch", lambda np, v: v.a.__setitem__([0, 1], np.ones((3, 6))), _default),
    ("setitem-none-int", lambda np, v: v.i.__setitem__(0, None), _default),
    ("setitem-complex-to-float", lambda np, v: v.a.__setitem__(0, 1j), _default),
    ("len-0d", lambda np, v: len(np.array(5)), _default),
    ("iter-0d", lambda np, v: iter(np.array(5)), _default),
    ("int-of-array", lambda np, v: int(v.a), _default),
    ("float-of-array", lambda np, v: float(np.ones(2)), _default),
    ("bool-of-array", lambda np, v: bool(np.ones(2)), _default),
    ("index-of-float", lambda np, v: operator.index(np.array(1.5)), _default),
    ("getitem-0d", lambda np, v: np.array(5)[0], _default),
    ("hash-array", lambda np, v: hash(v.a), _default),
    ("add-str", lambda np, v: v.a + "x", _default),
    ("add-none", lambda np, v: v.a + None, _default),
    ("compare-str", lambda np, v: v.a < "x", _default),
    ("sum-bad-dtype", lambda np, v: v.a.sum(dtype="x"), _default),
    ("mean-axis-str", lambda np, v: v.a.mean(axis="x"), _default),
    ("var-ddof-str", lambda np, v: v.a.var(ddof="x"), _default),
    ("reshape-two-tuples", lambda np, v: v.a.reshape((2,), (3,)), _default),
    ("take-method-oob", lambda np, v: v.a.take(200), _default),
    ("repeat-method-negative", lambda np, v: v.a.repeat(-1), _default),
    ("setflags-frombuffer", lambda np, v: np.frombuffer(b"abcd", dtype=np.uint8).setflags(write=True), _default),
    ("partition-method-oob", lambda np, v: v.i.partition(100), _default),
    ("diagonal-same-axes", lambda np, v: v.a.diagonal(0, 0, 0), _default),
    ("fromfile-missing", lambda np, v: np.fromfile("/nonexistent/x.bin"), _default),
    ("nonzero-0d", lambda np, v: np.nonzero(np.array(5)), _default),
    ("argwhere-bad", lambda np, v: np.argwhere(), _default),
    ("cumprod-bad-dtype", lambda np, v: np.cumprod(v.a, dtype="x"), _default),
    ("count-nonzero-axis", lambda np, v: np.count_nonzero(v.a, axis=5), _default),
    ("nansum-axis", lambda np, v: np.nansum(v.a, axis=5), _default),
    ("median-axis", lambda np, v: np.median(v.a, axis=5), _default),
    ("std-axis", lambda np, v: np.std(v.a, axis=(0, 3)), _default),
    ("all-axis", lambda np, v: np.all(v.a, axis=2), _default),
    ("any-out-shape", lambda np, v: np.any(v.a, axis=0, out=np.empty(3, dtype=bool)), _default),
    ("tril-0d", lambda np, v: np.tril(np.array(5)), _default),
    ("isclose-str", lambda np, v: np.isclose(v.a, "x"), _default),
    ("allclose-shape", lambda np, v: np.allclose(v.a, v.i), _default),
    ("array-equal-bad", lambda np, v: np.array_equal(), _default),
    ("astype-str-dtype-bad", lambda np, v: v.a.astype("U-3"), _default),
    ("digitize-bins-2d", lambda np, v: np.digitize(v.i, np.ones((2, 2))), _default),
    ("searchsorted-2d", lambda np, v: np.searchsorted(v.a, 1), _default),
    ("matmul-out-shape", lambda np, v: np.matmul(v.a, v.a.T, out=np.empty((3, 3))), _default),
    ("matmul-0d", lambda np, v: np.matmul(np.array(1.0), v.a), _default),
    ("tensordot-axes-bad", lambda np, v: np.tensordot(v.a, v.a, axes=5), _default),
    ("set-state-bad-dict", lambda np, v: np.random.set_state({"x": 1}), _default),
    # sizes past memory, dtypes, attributes, pickling, out= and random, second pass
    ("ones-too-many-dims", lambda np, v: np.ones((1,) * 70), _default),
    ("reshape-too-many-dims", lambda np, v: v.a.reshape((1,) * 70 + (24,)), _default),
    ("as-strided-shape-too-long", lambda np, v: _stride_tricks(np).as_strided(v.i, shape=(1,) * 70, strides=(0,) * 70), _default),
    ("as-strided-shape-none-strides-str", lambda np, v: _stride_tricks(np).as_strided(v.i, strides="ab"), _default),
    ("expand-dims-many", lambda np, v: np.expand_dims(v.i, tuple(range(70))), _default),
    ("frombuffer-memoryview-noncontig", lambda np, v: np.frombuffer(memoryview(bytes(16))[::2]), _default),
    ("array-bytes-float", lambda np, v: np.array([b"abc"], dtype=np.float64), _default),
    ("asarray-set", lambda np, v: np.asarray({1, 2}, dtype=np.float64), _default),
    ("array-nan-int", lambda np, v: np.array([float("nan")], dtype=np.int64), _default),
    ("int-overflow-python", lambda np, v: np.array([2**64], dtype=np.int64), _default),
    ("int-overflow-neg-uint", lambda np, v: np.array([-1], dtype=np.uint64), _default),
    ("full-overflow-int8", lambda np, v: np.full(3, 1000, dtype=np.int8), _default),
    ("zeros-like-bad-shape", lambda np, v: np.zeros_like(v.a, shape=(-1,)), _default),
    ("empty-like-bad-dtype", lambda np, v: np.empty_like(v.a, dtype="nope"), _default),
    ("arange-huge", lambda np, v: np.arange(2**62), _default),
    ("arange-str", lambda np, v: np.arange("a"), _default),
    ("linspace-huge", lambda np, v: np.linspace(0, 1, 2**62), _default),
    ("eye-huge", lambda np, v: np.eye(2**32), _default),
    ("identity-float", lambda np, v: np.identity(2.5), _default),
    ("zeros-huge-1d-uint8", lambda np, v: np.zeros((2**31, 2**31, 2**2), dtype=np.uint8), _default),
    ("empty-product-exact-overflow", lambda np, v: np.empty((2**31, 2**32)), _default),
    ("empty-product-itemsize-overflow", lambda np, v: np.empty((2**30, 2**30), dtype=np.complex128), _default),
    ("broadcast-to-huge", lambda np, v: np.broadcast_to(v.i[:1], (2**62, 2**62)), _default),
    ("broadcast-to-ok-huge-copy", lambda np, v: np.broadcast_to(v.i[:1], (2**40,)).copy(), _default),
    ("ones-like-huge", lambda np, v: np.tile(v.i, 2**60), _default),
    ("repeat-huge", lambda np, v: np.repeat(v.i, 2**60), _default),
    ("concatenate-huge", lambda np, v: np.concatenate([np.broadcast_to(v.i[:1], (2**61,))] * 8), _default),
    ("outer-huge", lambda np, v: np.outer(np.broadcast_to(v.i[:1], (2**32,)), np.broadcast_to(v.i[:1], (2**32,))), _default),
    ("meshgrid-huge", lambda np, v: np.meshgrid(np.broadcast_to(v.i[:1], (2**32,)), np.broadcast_to(v.i[:1], (2**32,))), _default),
    ("astype-huge", lambda np, v: np.broadcast_to(v.i[:1], (2**40,)).astype(np.float32), _default),
    ("add-huge", lambda np, v: np.add(np.broadcast_to(v.i[:1], (2**40,)), 1), _default),
    ("sum-huge-keep", lambda np, v: np.broadcast_to(v.a[:1, :1], (2**40, 2**40)).sum(axis=0), _default),
    ("matmul-huge", lambda np, v: np.matmul(np.broadcast_to(v.a[:1, :1], (2**20, 1)), np.broadcast_to(v.a[:1, :1], (1, 2**30))), _default),
    ("einsum-huge", lambda np, v: np.einsum("i,j->ij", np.broadcast_to(v.i[:1], (2**32,)), np.broadcast_to(v.i[:1], (2**32,))), _default),
    ("dtype-struct-bad", lambda np, v: np.dtype([("a",)]), _default),
    ("dtype-struct-offsets", lambda np, v: np.dtype({"names": ["a"], "formats": ["f8"], "offsets": [-1]}), _default),
    ("dtype-S-huge", lambda np, v: np.dtype("S99999999999999999999"), _default),
    ("dtype-V-negative", lambda np, v: np.dtype("V-4"), _default),
    ("dtype-int-huge", lambda np, v: np.dtype((np.float64, (2**40,))), _default),
    ("unicode-array-float", lambda np, v: np.array(["a"]).astype(np.float64), _default),
    ("bytes-array-int", lambda np, v: np.array([b"12a"]).astype(np.int64), _default),
    ("str-array-add", lambda np, v: np.array(["a"]) + 1, _default),
    ("tobytes-order-bad", lambda np, v: v.a.tobytes(order="Q"), _default),
    ("copy-order-bad", lambda np, v: v.a.copy(order="Q"), _default),
    ("ravel-order-bad", lambda np, v: v.a.ravel(order="Q"), _default),
    ("flatten-order-bad", lambda np, v: v.a.flatten(order="Q"), _default),
    ("astype-order-bad", lambda np, v: v.a.astype(np.int64, order="Q"), _default),
    ("asarray-order-bad", lambda np, v: np.asarray(v.a, order="Q"), _default),
    ("require-bad-req", lambda np, v: np.require(v.a, requirements=["Z"]), _default),
    ("ctypes-data-as-bad", lambda np, v: v.a.ctypes.data_as(5), _default),
    ("setflags-align-bad", lambda np, v: v.a.setflags(align=True, uic=True), _default),
    ("flags-bad-key", lambda np, v: v.a.flags["BOGUS"], _default),
    ("flags-setitem-bad", lambda np, v: v.a.flags.__setitem__("C_CONTIGUOUS", False), _default),
    ("flags-owndata-set", lambda np, v: setattr(v.a.flags, "owndata", True), _default),
    ("base-set", lambda np, v: setattr(v.a, "base", None), _default),
    ("strides-str", lambda np, v: setattr(v.a, "strides", "x"), _default),
    ("data-set", lambda np, v: setattr(v.a, "data", b"x"), _default),
    ("size-set", lambda np, v: setattr(v.a, "size", 3), _default),
    ("ndim-set", lambda np, v: setattr(v.a, "ndim", 3), _default),
    ("itemsize-set", lambda np, v: setattr(v.a, "itemsize", 3), _default),
    ("real-set-shape", lambda np, v: setattr(v.a, "real", np.ones(5)), _default),
    ("imag-set-real", lambda np, v: setattr(v.a, "imag", 1.0), _default),
    ("flat-set-str", lambda np, v: setattr(v.a, "flat", "abc"), _default),
    ("fill-str", lambda np, v: v.a.fill("abc"), _default),
    ("fill-array", lambda np, v: v.a.fill(np.ones(3)), _default),
    ("tolist-args", lambda np, v: v.a.tolist(1), _default),
    ("item-float", lambda np, v: v.a.item(1.5), _default),
    ("reduce-ex-bad", lambda np, v: v.a.__reduce_ex__("x"), _default),
    ("setstate-bad-dtype", lambda np, v: v.a.__setstate__((1, (3,), "f8", False, bytes(24))), _default),
    ("setstate-short-data", lambda np, v: v.a.__setstate__((1, (3,), np.dtype(np.float64), False, bytes(8))), _default),
    ("setstate-bad-shape", lambda np, v: v.a.__setstate__((1, (-3,), np.dtype(np.float64), False, bytes(24))), _default),
    ("setstate-shape-str", lambda np, v: v.a.__setstate__((1, "ab", np.dtype(np.float64), False, bytes(24))), _default),
    ("setstate-data-int", lambda np, v: v.a.__setstate__((1, (3,), np.dtype(np.float64), False, 7)), _default),
    ("array-function-kw", lambda np, v: np.sum(v.a, bogus=1), _default),
    ("ufunc-out-kw-and-pos", lambda np, v: np.add(v.a, 1, v.a, out=v.a), _default),
    ("ufunc-outer-kw", lambda np, v: np.add.outer(v.a, v.a, axis=0), _default),
    ("ufunc-nin-attr-set", lambda np, v: setattr(np.add, "nin", 3), _default),
    ("power-negative-int", lambda np, v: np.power(v.i, -1), _default),
    ("modf-out-len", lambda np, v: np.modf(v.a, out=(np.empty((4, 6)),)), _default),
    ("clip-out-shape", lambda np, v: np.clip(v.a, 0, 1, out=np.empty(3)), _default),
    ("cumsum-out-shape", lambda np, v: np.cumsum(v.a, axis=0, out=np.empty(3)), _default),
    ("argmax-out-dtype", lambda np, v: np.argmax(v.a, axis=0, out=np.empty(6)), _default),
    ("argmax-out-shape", lambda np, v: np.argmax(v.a, axis=0, out=np.empty(5, dtype=np.int64)), _default),
    ("mean-out-shape", lambda np, v: np.mean(v.a, axis=0, out=np.empty(5)), _default),
    ("var-out-shape", lambda np, v: np.var(v.a, axis=0, out=np.empty(5)), _default),
    ("dot-out-shape", lambda np, v: np.dot(v.a, v.a.T, out=np.empty((3, 3))), _default),
    ("dot-out-dtype", lambda np, v: np.dot(v.a, v.a.T, out=np.empty((4, 4), dtype=np.float32)), _default),
    ("dot-out-noncontig", lambda np, v: np.dot(v.a, v.a.T, out=np.empty((4, 8))[:, ::2]), _default),
    ("where-mismatch", lambda np, v: np.where(a > 1, v.a, np.ones(5)), _default),
    ("nonzero-args", lambda np, v: np.count_nonzero(v.a, axis=(0, 0)), _default),
    ("take-axis", lambda np, v: np.take(v.a, [0], axis=3), _default),
    ("put-along-bad", lambda np, v: np.take_along_axis(v.a, np.zeros((4, 6)), axis=0), _default),
    ("sort-axis-none-inplace", lambda np, v: v.a.sort(axis=None), _default),
    ("sort-order-bad", lambda np, v: np.sort(v.a, order="x"), _default),
    ("searchsorted-sorter-len", lambda np, v: np.searchsorted(v.i, 3, sorter=np.arange(3)), _default),
    ("searchsorted-sorter-oob", lambda np, v: np.searchsorted(v.i, 3, sorter=np.arange(10) + 5), _default),
    ("argsort-kind-bad", lambda np, v: np.argsort(v.i, kind=5), _default),
    ("partition-kth-float", lambda np, v: np.partition(v.i, 1.5), _default),
    ("unique-bad-axis-type", lambda np, v: np.unique(v.a, axis="x"), _default),
    ("histogram-range-bad", lambda np, v: np.histogram(v.i, range=(5, 1)), _default),
    ("histogram-bins-str", lambda np, v: np.histogram(v.i, bins="nope"), _default),
    ("histogram-nonmonotonic", lambda np, v: np.histogram(v.i, bins=[3, 1, 2]), _default),
    ("percentile-method-bad", lambda np, v: np.percentile(v.i, 50, method="nope"), _default),
    ("quantile-nan-q", lambda np, v: np.quantile(v.i, float("nan")), _default),
    ("digitize-nonmonotonic", lambda np, v: np.digitize(v.i, [3, 1, 2]), _default),
    ("rng-choice-2d", lambda np, v: np.random.default_rng(0).choice(np.ones((2, 2, 2)), axis=5), _default),
    ("rng-choice-p-negative", lambda np, v: np.random.default_rng(0).choice(3, p=[1.5, -0.5, 0.0]), _default),
    ("rng-choice-p-nan", lambda np, v: np.random.default_rng(0).choice(2, p=[float("nan"), 1.0]), _default),
    ("rng-integers-high-none-neg", lambda np, v: np.random.default_rng(0).integers(-5), _default),
    ("rng-size-float", lambda np, v: np.random.default_rng(0).random(size=2.5), _default),
    ("rng-size-huge", lambda np, v: np.random.default_rng(0).random(size=2**50), _default),
    ("rng-uniform-inf", lambda np, v: np.random.default_rng(0).uniform(0, float("inf")), _default),
    ("rng-exponential-array-neg", lambda np, v: np.random.default_rng(0).exponential(np.array([1.0, -1.0])), _default),
    ("rng-bad-seed-str", lambda np, v: np.random.default_rng("abc"), _default),
    ("rng-seedsequence-neg", lambda np, v: np.random.SeedSequence(-1), _default),
    ("rng-pcg-str", lambda np, v: np.random.PCG64("x"), _default),
    ("rng-permutation-0d", lambda np, v: np.random.default_rng(0).permutation(np.array(5.0)), _default),
    ("rng-shuffle-readonly", lambda np, v: np.random.default_rng(0).shuffle(np.frombuffer(bytes(8), dtype=np.uint8)), _default),
    ("rs-randint-dtype", lambda np, v: np.random.randint(0, 5, dtype=np.float64), _default),
    ("rs-uniform-size-neg", lambda np, v: np.random.uniform(size=-2), _default),
    ("rs-normal-scale-neg", lambda np, v: np.random.normal(0, -1), _default),
    ("rs-choice-empty", lambda np, v: np.random.choice([]), _default),
    ("rs-randn-float", lambda np, v: np.random.randn(2.5), _default),
    ("rs-permutation-str", lambda np, v: np.random.permutation("abc"), _default),
    ("rs-shuffle-tuple", lambda np, v: np.random.shuffle((1, 2, 3)), _default),
    ("deep-nesting", lambda np, v: np.array(_deep_list()), _default),
    ("self-referencing-list", lambda np, v: np.array(_self_list()), _default),
    ("transpose-str", lambda np, v: v.a.transpose("x"), _default),
    ("transpose-float", lambda np, v: v.a.transpose(1.0), _default),
    ("transpose-list-str", lambda np, v: v.a.transpose([0, "x"]), _default),
    ("reshape-negative-not-divisible", lambda np, v: v.a.reshape(-2, 5), _default),
    ("argmin-out-uint64", lambda np, v: np.argmin(v.a, axis=0, out=np.empty(6, dtype=np.uint64)), _default),
    ("sort-kind-int", lambda np, v: np.sort(v.i, kind=1), _default),
    ("frombuffer-noncontiguous-array", lambda np, v: np.frombuffer(v.a[:, ::2]), _default),
    ("frombuffer-transposed-array", lambda np, v: np.frombuffer(v.a.T), _default),
    ("ndarray-buffer-noncontiguous", lambda np, v: np.ndarray((3,), buffer=v.a[:, ::2]), _default),
    # where=, reduce/accumulate/outer, einsum, structured and string dtypes, printing, shape functions
    ("ufunc-where-float-array", lambda np, v: np.add(v.a, 1, where=np.ones((4, 6)), out=np.zeros((4, 6))), _default),
    ("ufunc-where-int-array", lambda np, v: np.add(v.a, 1, where=np.ones(6, dtype=np.int64), out=np.zeros((4, 6))), _default),
    ("ufunc-where-shape", lambda np, v: np.add(v.a, 1, where=np.ones(5, dtype=bool)), _default),
    ("reduce-where-shape", lambda np, v: np.add.reduce(v.a, axis=0, where=np.ones(5, dtype=bool)), _default),
    ("reduce-where-no-initial", lambda np, v: np.maximum.reduce(v.a, axis=0, where=np.zeros((4, 6), dtype=bool)), _default),
    ("reduce-initial-str", lambda np, v: np.add.reduce(v.a, initial="x"), _default),
    ("reduce-keepdims-out", lambda np, v: np.add.reduce(v.a, axis=0, keepdims=True, out=np.empty(6)), _default),
    ("accumulate-out-shape", lambda np, v: np.add.accumulate(v.a, out=np.empty(3)), _default),
    ("accumulate-tuple-axis", lambda np, v: np.add.accumulate(v.a, axis=(0, 1)), _default),
    ("outer-out-shape", lambda np, v: np.multiply.outer(v.a[0], v.a[0], out=np.empty(3)), _default),
    ("reduce-binary-only", lambda np, v: np.sin.reduce(v.a), _default),
    ("accumulate-unary", lambda np, v: np.negative.accumulate(v.a), _default),
    ("outer-unary", lambda np, v: np.sqrt.outer(v.a, v.a), _default),
    ("reduce-dtype-bad", lambda np, v: np.add.reduce(v.a, dtype="nope"), _default),
    ("copyto-where-shape", lambda np, v: np.copyto(v.a, 1.0, where=np.ones(5, dtype=bool)), _default),
    ("copyto-where-float", lambda np, v: np.copyto(v.a, 1.0, where=np.ones((4, 6))), _default),
    ("copyto-src-str", lambda np, v: np.copyto(v.a, "x"), _default),
    ("einsum-out-shape", lambda np, v: np.einsum("ij->i", v.a, out=np.empty(3)), _default),
    ("einsum-out-dtype", lambda np, v: np.einsum("ij->i", v.a, out=np.empty(4, dtype=np.int32)), _default),
    ("einsum-int-list-bad", lambda np, v: np.einsum(v.a, [0, "x"]), _default),
    ("einsum-arrow-twice", lambda np, v: np.einsum("i->j->k", v.a[0]), _default),
    ("einsum-ellipsis-bad", lambda np, v: np.einsum("..i->i", v.a[0]), _default),
    ("einsum-uppercase-mismatch", lambda np, v: np.einsum("iI,Ij", v.a, v.a), _default),
    ("einsum-path-bad", lambda np, v: np.einsum_path("ij,jk", v.a, v.a), _default),
    ("tensordot-axes-str", lambda np, v: np.tensordot(v.a, v.a, axes="x"), _default),
    ("matmul-1d-mismatch", lambda np, v: np.matmul(v.a[0], np.ones(5)), _default),
    ("matmul-out-dtype", lambda np, v: np.matmul(v.a, v.a.T, out=np.empty((4, 4), dtype=np.int64)), _default),
    ("matmul-3d-broadcast", lambda np, v: np.matmul(np.ones((2, 3, 4)), np.ones((3, 4, 5))), _default),
    ("inner-0d-ok-then-bad", lambda np, v: np.inner(v.a, np.ones((3, 5))), _default),
    ("outer-out-wrong", lambda np, v: np.outer(v.a[0], v.a[0], out=np.empty(3)), _default),
    ("vdot-size", lambda np, v: np.vdot(np.ones(3), np.ones(4)), _default),
    ("trace-axis-same", lambda np, v: np.trace(v.a, axis1=0, axis2=0), _default),
    ("diagonal-axis-oob", lambda np, v: np.diagonal(v.a, axis1=0, axis2=5), _default),
    ("struct-field-missing", lambda np, v: np.zeros(2, dtype=[("x", "f8")])["y"], _default),
    ("struct-field-int-oob", lambda np, v: np.zeros(2, dtype=[("x", "f8")])[["x", "y"]], _default),
    ("struct-set-wrong", lambda np, v: np.zeros(2, dtype=[("x", "f8")]).__setitem__("x", np.ones(3)), _default),
    ("struct-add", lambda np, v: np.zeros(2, dtype=[("x", "f8")]) + 1, _default),
    ("str-array-sum", lambda np, v: np.array(["a", "b"]).sum(), _default),
    ("str-array-mean", lambda np, v: np.array(["a", "b"]).mean(), _default),
    ("str-array-astype-int", lambda np, v: np.array(["1", "x"]).astype(np.int64), _default),
    ("bool-subtract", lambda np, v: np.subtract(np.ones(2, dtype=bool), np.ones(2, dtype=bool)), _default),
    ("bool-negative", lambda np, v: np.negative(np.ones(2, dtype=bool)), _default),
    ("complex-floor", lambda np, v: np.floor(np.ones(2, dtype=np.complex128)), _default),
    ("complex-to-int", lambda np, v: np.ones(2, dtype=np.complex128).astype(np.int64, casting="same_kind"), _default),
    ("float-remainder-complex", lambda np, v: np.remainder(np.ones(2, dtype=np.complex128), 1), _default),
    ("int-power-negative-array", lambda np, v: np.power(v.i[:6], -np.ones(6, dtype=np.int64)), _default),
    ("float16-out-bad", lambda np, v: np.add(np.ones(2, dtype=np.float16), 1, out=np.empty(2, dtype=np.int8)), _default),
    ("array2string-threshold-neg", lambda np, v: np.array2string(v.a, threshold=float("nan")), _default),
    ("array2string-sign", lambda np, v: np.array2string(v.a, sign="x"), _default),
    ("array2string-floatmode", lambda np, v: np.array2string(v.a, floatmode="x"), _default),
    ("array2string-formatter-bad", lambda np, v: np.array2string(v.a, formatter={"float": 5}), _default),
    ("array-repr-bad-precision", lambda np, v: np.array_repr(v.a, precision="x"), _default),
    ("format-float-bad-precision", lambda np, v: np.format_float_positional(1.5, precision=-1), _default),
    ("format-float-sci-bad", lambda np, v: np.format_float_scientific(1.5, exp_digits=-1), _default),
    ("format-float-array-bad", lambda np, v: np.format_float_scientific(v.a), _default),
    ("printoptions-ctx-bad", lambda np, v: np.printoptions(precision="x").__enter__(), _default),
    ("errstate-call-bad", lambda np, v: np.seterrcall(5), _default),
    ("shares-memory-max-work", lambda np, v: np.shares_memory(v.a, v.a, max_work="x"), _default),
    ("may-share-bad-args", lambda np, v: np.may_share_memory(v.a), _default),
    ("broadcast-arrays-bad", lambda np, v: np.broadcast_arrays(v.a, v.a[0][:5]), _default),
    ("broadcast-arrays-kw", lambda np, v: np.broadcast_arrays(v.a, bogus=1), _default),
    ("atleast-bad", lambda np, v: np.atleast_2d(v.a, bogus=1), _default),
    ("require-dtype-bad", lambda np, v: np.require(v.a, dtype="nope"), _default),
    ("ascontig-dtype-bad", lambda np, v: np.ascontiguousarray(v.a, dtype="nope"), _default),
    ("array-ndmin-huge", lambda np, v: np.array(v.a, ndmin=70), _default),
    ("array-subok-bad", lambda np, v: np.array(v.a, bogus=1), _default),
    ("array-order-K-bad", lambda np, v: np.array(v.a, order="Z"), _default),
    ("zeros-like-order-bad", lambda np, v: np.zeros_like(v.a, order="Z"), _default),
    ("full-like-str", lambda np, v: np.full_like(v.a, "x"), _default),
    ("empty-like-shape-huge", lambda np, v: np.empty_like(v.a, shape=(2**40, 2**40)), _default),
    ("arange-too-many", lambda np, v: np.arange(1, 2, 3, 4, 5), _default),
    ("eye-k-str", lambda np, v: np.eye(3, k="x"), _default),
    ("diag-k-str", lambda np, v: np.diag(v.a[0], k="x"), _default),
    ("tril-k-str", lambda np, v: np.tril(v.a, k="x"), _default),
    ("where-x-none", lambda np, v: np.where(a > 1, v.a), _default),
    ("nonzero-too-many", lambda np, v: np.nonzero(v.a, 1), _default),
    ("unique-return-bad", lambda np, v: np.unique(v.a, return_bogus=True), _default),
    ("isin-kind-bad", lambda np, v: np.isin(v.a[0], v.a[0], kind="nope"), _default),
    ("pad-width-bad", lambda np, v: np.pad(v.a, ((1, 2, 3),)), _default),
    ("pad-width-str", lambda np, v: np.pad(v.a, "x"), _default),
    ("roll-axis-oob", lambda np, v: np.roll(v.a, 1, axis=5), _default),
    ("flip-axis-dup", lambda np, v: np.flip(v.a, axis=(0, 0)), _default),
    ("moveaxis-len", lambda np, v: np.moveaxis(v.a, [0, 1], [0]), _default),
    ("moveaxis-dup", lambda np, v: np.moveaxis(v.a, [0, 0], [0, 1]), _default),
    ("swapaxes-str", lambda np, v: np.swapaxes(v.a, "x", 0), _default),
    ("array-split-sections-neg", lambda np, v: np.array_split(v.a[0], -1), _default),
    ("split-indices-float", lambda np, v: np.split(v.a[0], [1.5]), _default),
    ("stack-out-shape", lambda np, v: np.stack([v.a[0], v6], out=np.empty(3)), _default),
    ("concatenate-out-shape", lambda np, v: np.concatenate([v.a[0], v6], out=np.empty(3)), _default),
    ("concatenate-dtype-and-out", lambda np, v: np.concatenate([v.a[0], v6], out=np.empty(12), dtype=np.float64), _default),
    ("concatenate-casting-bad", lambda np, v: np.concatenate([v.a[0], v6], casting="nope"), _default),
    ("concatenate-axis-none-bad", lambda np, v: np.concatenate([v.a, a], axis=None, out=np.empty(3)), _default),
    ("concatenate-scalar", lambda np, v: np.concatenate([1, 2]), _default),
    ("column-stack-mismatch", lambda np, v: np.column_stack([v.a[0], np.ones(5)]), _default),
    ("dstack-mismatch", lambda np, v: np.dstack([v.a, np.ones((3, 6))]), _default),
    ("meshgrid-sparse-str", lambda np, v: np.meshgrid(v.a[0], indexing=5), _default),
    ("put-along-mismatch", lambda np, v: np.take_along_axis(v.a, np.zeros((4, 6), dtype=np.int64) + 9, axis=0), _default),
    ("ravel-multi-index-mode", lambda np, v: np.ravel_multi_index((1,), (5,), mode="x"), _default),
    ("ravel-multi-index-dims-neg", lambda np, v: np.ravel_multi_index((1,), (-5,)), _default),
    ("unravel-index-neg", lambda np, v: np.unravel_index(-1, (3, 3)), _default),
    ("unravel-index-float", lambda np, v: np.unravel_index(1.5, (3, 3)), _default),
    ("unravel-order-bad", lambda np, v: np.unravel_index(1, (3, 3), order="Q"), _default),
    # scalars, dtypes, flat, ctypes, foreign objects
    ("scalar-float-str", lambda np, v: np.float64("abc"), _default),
    ("scalar-int-str", lambda np, v: np.int64("1.5"), _default),
    ("scalar-int-overflow", lambda np, v: np.int8(300), _default),
    ("scalar-uint-negative", lambda np, v: np.uint8(-1), _default),
    ("scalar-int-float-nan", lambda np, v: np.int64(float("nan")), _default),
    ("scalar-int-inf", lambda np, v: np.int64(float("inf")), _default),
    ("scalar-complex-str", lambda np, v: np.complex128("x"), _default),
    ("scalar-index-float", lambda np, v: operator.index(np.float64(1.0)), _default),
    ("scalar-getitem", lambda np, v: np.float64(1.0)[0], _default),
    ("scalar-setattr", lambda np, v: setattr(np.float64(1.0), "real", 2), _default),
    ("scalar-astype-bad", lambda np, v: np.float64(1.0).astype("nope"), _default),
    ("scalar-reshape-bad", lambda np, v: np.float64(1.0).reshape(2), _default),
    ("scalar-item-bad", lambda np, v: np.float64(1.0).item(1), _default),
    ("scalar-round-float", lambda np, v: round(np.float64(1.5), 1.5), _default),
    ("scalar-int-pow-neg", lambda np, v: np.int64(2) ** -1, _default),
    ("scalar-int-shift-float", lambda np, v: np.int64(1) << 1.5, _default),
    ("scalar-format-bad", lambda np, v: format(np.float64(1.5), "Z"), _default),
    ("scalar-int-format-bad", lambda np, v: format(np.int64(1), ".2x"), _default),
    ("scalar-len", lambda np, v: len(np.float64(1.0)), _default),
    ("scalar-iter", lambda np, v: iter(np.int64(1)), _default),
    ("scalar-tobytes-order", lambda np, v: np.float64(1.0).tobytes(order="Z"), _default),
    ("scalar-view-bad", lambda np, v: np.float64(1.0).view(np.int8), _default),
    ("dtype-from-list-bad", lambda np, v: np.dtype([1, 2]), _default),
    ("dtype-itemsize-set", lambda np, v: setattr(np.dtype("f8"), "itemsize", 4), _default),
    ("dtype-newbyteorder-bad", lambda np, v: np.dtype("f8").newbyteorder("x"), _default),
    ("dtype-getitem-bad", lambda np, v: np.dtype("f8")["x"], _default),
    ("dtype-fields-int", lambda np, v: np.dtype([("a", "f8")])[5], _default),
    ("dtype-compare-bad", lambda np, v: np.dtype("f8") == "nope" or np.dtype("nope"), _default),
    ("dtype-shape-neg", lambda np, v: np.dtype(("f8", -1)), _default),
    ("dtype-subarray-str", lambda np, v: np.dtype(("f8", "x")), _default),
    ("dtype-kind-set", lambda np, v: setattr(np.dtype("f8"), "kind", "i"), _default),
    ("iinfo-str", lambda np, v: np.iinfo("nope"), _default),
    ("finfo-str", lambda np, v: np.finfo("nope"), _default),
    ("finfo-complex-ok-bad", lambda np, v: np.finfo(np.int8), _default),
    ("flat-setitem-oob", lambda np, v: v.a.flat.__setitem__(100, 1), _default),
    ("flat-getitem-str", lambda np, v: v.a.flat["x"], _default),
    ("flat-readonly", lambda np, v: np.frombuffer(bytes(8), dtype=np.uint8).flat.__setitem__(0, 1), _default),
    ("flat-next-end", lambda np, v: [next(iter(np.empty(0).flat))], _default),
    ("ctypes-shape-set", lambda np, v: setattr(v.a.ctypes, "shape", 3), _default),
    ("ctypes-data-as-type", lambda np, v: v.a.ctypes.data_as(int), _default),
    ("array-interface-bad", lambda np, v: np.asarray(_NullData()), _default),
    ("array-interface-missing", lambda np, v: np.asarray(_NoTypestr()), _default),
    ("buffer-format-bad", lambda np, v: np.asarray(memoryview(b"abcd").cast("B", (2, 2))).view("Z"), _default),
    ("float-raises", lambda np, v: np.array([_FloatRaises()], dtype=np.float64), _default),
    ("setitem-value-raises", lambda np, v: v.a.__setitem__(0, _FloatRaises()), _default),
    ("tolist-0d-bad", lambda np, v: np.array(5).tolist(1), _default),
    ("array-copy-str", lambda np, v: np.array(v.a, copy="x"), _default),
    ("asarray-copy-false-list", lambda np, v: np.asarray([1, 2], copy=False), _default),
    ("array-interface-null-offset", lambda np, v: np.asarray(_NullData(offset=8)), _default),
    ("array-interface-null-0d", lambda np, v: np.asarray(_NullData(shape=())), _default),
    ("asarray-copy-str", lambda np, v: np.asarray(v.a, copy="never"), _default),
    # results past memory or past the largest size, from small or broadcast inputs
    ("sort-huge", lambda np, v: np.sort(_huge_view(np)), _default),
    ("argsort-huge", lambda np, v: np.argsort(_huge_view(np)), _default),
    ("unique-huge", lambda np, v: np.unique(_huge_view(np)), _default),
    ("cumsum-huge", lambda np, v: np.cumsum(_huge_view(np)), _default),
    ("tile-huge-2d", lambda np, v: np.tile(v.a, (2**31, 2**31)), _default),
    ("pad-huge", lambda np, v: np.pad(v.a, 2**40), _default),
    ("eye-huge-2d", lambda np, v: np.eye(2**31, 2**31), _default),
    ("arange-neg-huge", lambda np, v: np.arange(-2**63, 2**63 - 1, dtype=np.int64), _default),
    ("repeat-array-huge", lambda np, v: np.repeat(v.i, np.full(10, 2**60)), _default),
    ("concatenate-overflow", lambda np, v: np.concatenate([np.broadcast_to(v.i[:1], (2**62,))] * 4), _default),
    ("stack-huge", lambda np, v: np.stack([np.broadcast_to(v.i[:1], (2**61,))] * 4), _default),
    ("outer-ufunc-huge", lambda np, v: np.multiply.outer(np.broadcast_to(v.i[:1], (2**32,)), np.broadcast_to(v.i[:1], (2**32,))), _default),
    ("astype-str-huge", lambda np, v: np.broadcast_to(v.i[:1], (2**40,)).astype("U10"), _default),
    ("full-like-huge", lambda np, v: np.full_like(np.broadcast_to(v.i[:1], (2**50,)), 1), _default),
    ("zeros-like-huge", lambda np, v: np.zeros_like(np.broadcast_to(v.i[:1], (2**50,))), _default),
    ("empty-like-huge", lambda np, v: np.empty_like(np.broadcast_to(v.i[:1], (2**50,))), _default),
    ("ones-like-huge", lambda np, v: np.ones_like(np.broadcast_to(v.i[:1], (2**50,))), _default),
    ("ravel-huge", lambda np, v: np.broadcast_to(v.a[:1], (2**30, 2**30)).ravel(), _default),
    ("flatten-huge", lambda np, v: np.broadcast_to(v.a[:1, :1], (2**30, 2**30)).flatten(), _default),
    ("ascontig-huge", lambda np, v: np.ascontiguousarray(np.broadcast_to(v.i[:1], (2**50,))), _default),
    ("random-huge", lambda np, v: np.random.default_rng(0).integers(0, 5, size=2**50), _default),
    ("random-choice-huge", lambda np, v: np.random.default_rng(0).choice(2**60, size=2**50), _default),
    ("random-permutation-huge", lambda np, v: np.random.default_rng(0).permutation(2**50), _default),
    ("legacy-rand-huge", lambda np, v: np.random.rand(2**25, 2**25), _default),
    ("histogram-huge-bins", lambda np, v: np.histogram(v.i, bins=2**50), _default),
    ("bincount-huge", lambda np, v: np.bincount(np.array([2**50])), _default),
    ("bincount-minlength-huge", lambda np, v: np.bincount(v.i, minlength=2**50), _default),
    ("linspace-num-huge", lambda np, v: np.linspace(0, 1, 2**50), _default),
    ("meshgrid-huge-2", lambda np, v: np.meshgrid(np.broadcast_to(v.a[0, :1], (2**25,)), np.broadcast_to(v.a[0, :1], (2**25,))), _default),
    ("diag-huge", lambda np, v: np.diag(np.broadcast_to(v.a[0, :1], (2**31,))), _default),
    ("frombuffer-count-huge", lambda np, v: np.frombuffer(b"abcdefgh", dtype=np.uint8, count=2**62), _default),
    ("ndarray-shape-huge", lambda np, v: np.ndarray((2**62,)), _default),
    ("ndarray-buffer-huge-offset", lambda np, v: np.ndarray((2,), buffer=bytes(16), offset=2**62), _default),
    ("ndarray-strides-huge", lambda np, v: np.ndarray((2,), buffer=bytes(16), strides=(2**62,)), _default),
    ("ndarray-strides-neg", lambda np, v: np.ndarray((2,), buffer=bytes(16), strides=(-8,)), _default),
    ("ndarray-strides-len", lambda np, v: np.ndarray((2,), buffer=bytes(16), strides=(8, 8)), _default),
    ("dtype-huge-subarray", lambda np, v: np.zeros(2, dtype=(np.float64, (2**40,))), _default),
]


def _huge_view(np):
    """2**45 float64 elements over one: any copy of it is 256 TiB."""
    return np.broadcast_to(np.arange(3.0)[:1], (2**45,))


class _NullData:
    """An __array_interface__ with a NULL data pointer (NumPy: ValueError
    unless the array is empty; ndmem pointed elements at a 16-byte static)."""

    def __init__(self, shape=(1000,), offset=0):
        self.__array_interface__ = {"shape": shape, "typestr": "<f8", "data": (0, False),
                                    "version": 3, "offset": offset}


class _NoTypestr:
    __array_interface__ = {"shape": (2,)}


class _FloatRaises:
    def __float__(self):
        raise RuntimeError("no float")


def _deep_list(depth=100_000):
    nested = []
    for _ in range(depth):
        nested = [nested]
    return nested


def _self_list():
    loop = []
    loop.append(loop)
    return loop


def _stride_tricks(np):
    return np_stride_tricks if np is numpy else ndm_stride_tricks


def _live(module):
    if module is numpy:
        return None
    stats = module.memory_stats()
    return stats["live_bytes"], stats["live_buffers"], stats["live_file_mapped_bytes"]


def _snapshot(arrays):
    return {name: (arr.shape, str(arr.dtype), arr.tobytes())
            for name, arr in arrays.items()}


def _error_kind(module, call, setup):
    """Run one bad call and return its exception's name and builtin bases;
    also check that the setup's arrays kept their contents."""
    arrays = setup(module)
    before = _snapshot(arrays)
    saved = module.get_printoptions()
    live = _live(module)
    namespace = types.SimpleNamespace(**arrays)
    refs = {name: sys.getrefcount(arr) for name, arr in arrays.items()}
    try:
        call(module, namespace)
    except Exception as exc:  # noqa: BLE001 - the type is what is compared
        kind = type(exc)
    else:
        kind = None
    finally:
        module.set_printoptions(**saved)
    assert _snapshot(arrays) == before
    # Error paths release what they took (the descriptors too, below).
    assert {name: sys.getrefcount(arr) for name, arr in arrays.items()} == refs
    # A failed call must not leak the buffers it made on the way (a cycle
    # through a traceback may hold them until the collector runs).
    if _live(module) != live:
        gc.collect()
        assert _live(module) == live
    if kind is None:
        return None
    builtin = tuple(c.__name__ for c in kind.__mro__ if c.__module__ == "builtins")
    return kind.__name__, builtin


@pytest.mark.parametrize("call,setup", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_matches_numpy(call, setup):
    expected = _error_kind(numpy, call, setup)
    assert expected is not None, "the case must be bad input for NumPy"
    assert _error_kind(ndmem, call, setup) == expected


_BUILTIN_CODES = "?bhilqBHILQefdFD"


def _descriptor_refs():
    return [sys.getrefcount(ndmem.dtype(code)) for code in _BUILTIN_CODES]


def test_error_paths_release_descriptors():
    """Each error path gives back the builtin descriptors it took (ufunc
    where= kept one bool reference per call). The first call may fill
    caches, so the count is taken after it."""
    leaks = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for cid, call, setup in CASES:
            _count_descriptor_leak(cid, call, setup, leaks)
    assert leaks == {}


def _count_descriptor_leak(cid, call, setup, leaks):
    namespace = types.SimpleNamespace(**setup(ndmem))
    saved = ndmem.get_printoptions()
    before = None
    for _ in range(4):
        try:
            call(ndmem, namespace)
        except Exception:  # noqa: BLE001, S110 - only references matter here
            pass
        before = before or _descriptor_refs()
    ndmem.set_printoptions(**saved)
    after = _descriptor_refs()
    if after != before:
        leaks[cid] = [b - a for a, b in zip(before, after)]


def _npy(header, data=b"", version=b"\x01\x00"):
    """A .npy file with the given header text, padded as format 1.0 pads it."""
    text = header.encode("latin1")
    pad = 64 - (10 + len(text) + 1) % 64
    text += b" " * (pad % 64) + b"\n"
    return b"\x93NUMPY" + version + len(text).to_bytes(2, "little") + text + data


_GOOD = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"

# (id, file contents): np.load must raise on each.
NPY_CASES = [
    ("empty-file", b""),
    ("truncated-magic", b"\x93NUM"),
    ("magic-only", b"\x93NUMPY"),
    ("bad-version", _npy(_GOOD, bytes(24), version=b"\x09\x09")),
    ("header-length-past-end", b"\x93NUMPY\x01\x00\xff\x7f{'descr'"),
    ("truncated-header", _npy(_GOOD, bytes(24))[:30]),
    ("header-not-dict", _npy("[1, 2, 3]")),
    ("header-code", _npy("{'descr': __import__('os').getcwd(), 'fortran_order': False, 'shape': (3,), }")),
    ("header-missing-key", _npy("{'descr': '<f8', 'shape': (3,), }")),
    ("header-extra-key", _npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'x': 1, }")),
    ("header-bad-descr", _npy("{'descr': '<f99', 'fortran_order': False, 'shape': (3,), }")),
    ("header-fortran-not-bool", _npy("{'descr': '<f8', 'fortran_order': 1, 'shape': (3,), }")),
    ("header-shape-negative", _npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }")),
    ("header-shape-float", _npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3.0,), }")),
    ("header-shape-huge", _npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2**40, 2**40), }")),
    ("header-object-no-pickle", _npy("{'descr': '|O', 'fortran_order': False, 'shape': (3,), }", bytes(24))),
    ("data-truncated", _npy(_GOOD, bytes(16))),
    ("not-npy", b"hello world, not an array file"),
]


def _error_name(exc_type):
    return exc_type.__name__, tuple(c.__name__ for c in exc_type.__mro__
                                    if c.__module__ == "builtins")


def _raised(func):
    try:
        func()
    except Exception as exc:  # noqa: BLE001 - the type is what is compared
        return _error_name(type(exc))
    return None


@pytest.mark.parametrize("content", [c[1] for c in NPY_CASES], ids=[c[0] for c in NPY_CASES])
def test_bad_npy_matches_numpy(tmp_path, content):
    path = tmp_path / "bad.npy"
    path.write_bytes(content)
    expected = _raised(lambda: numpy.load(path))
    assert expected is not None
    live = _live(ndmem)
    assert _raised(lambda: ndmem.load(path)) == expected
    if _live(ndmem) != live:
        gc.collect()
        assert _live(ndmem) == live
    assert path.read_bytes() == content


# (id, call(np, path)): memmap and file reading; path holds 8 float64 values 0..7.
MEMMAP_CASES = [
    ("r-setitem", lambda np, p: np.memmap(p, dtype=np.float64, mode="r").__setitem__(0, 1.0)),
    ("r-slice-setitem", lambda np, p: np.memmap(p, dtype=np.float64, mode="r")[2:].__setitem__(slice(None), 1.0)),
    ("r-ufunc-out", lambda np, p: _inplace_negative(np, np.memmap(p, dtype=np.float64, mode="r"))),
    ("r-fill", lambda np, p: np.memmap(p, dtype=np.float64, mode="r").fill(3.0)),
    ("r-make-writeable", lambda np, p: setattr(np.memmap(p, dtype=np.float64, mode="r").flags, "writeable", True)),
    ("bad-mode", lambda np, p: np.memmap(p, dtype=np.float64, mode="x")),
    ("wplus-no-shape", lambda np, p: np.memmap(p.with_name("new.bin"), dtype=np.float64, mode="w+")),
    ("r-missing-file", lambda np, p: np.memmap(p.with_name("missing.bin"), mode="r")),
    ("r-not-whole-items", lambda np, p: np.memmap(p, dtype=np.float64, mode="r", offset=3)),
    ("r-shape-past-end", lambda np, p: np.memmap(p, dtype=np.float64, mode="r", shape=(100,))),
    ("r-negative-offset", lambda np, p: np.memmap(p, dtype=np.float64, mode="r", offset=-8)),
    ("r-offset-past-end", lambda np, p: np.memmap(p, dtype=np.float64, mode="r", offset=128)),
    ("r-shape-negative", lambda np, p: np.memmap(p, mode="r", shape=(-1,))),
    ("r-dtype-unknown", lambda np, p: np.memmap(p, mode="r", dtype="nope")),
    ("r-order-bad", lambda np, p: np.memmap(p, mode="r", order="Q", shape=(2,))),
    ("c-shape-past-end", lambda np, p: np.memmap(p, mode="c", shape=(10**6,))),
    ("wplus-negative-shape", lambda np, p: np.memmap(p.with_name("new.bin"), mode="w+", shape=(-4,))),
    ("r-empty-file", lambda np, p: np.memmap(_write(p.with_name("empty.bin"), b""), mode="r")),
    ("filename-int", lambda np, p: np.memmap(5, mode="r")),
    ("load-missing", lambda np, p: np.load(p.with_name("missing.npy"))),
    ("load-directory", lambda np, p: np.load(p.parent)),
    ("load-mmap-mode-bad", lambda np, p: np.load(_saved(np, p), mmap_mode="x")),
    ("load-header-too-big", lambda np, p: np.load(_write(p.with_name("big.npy"), _BIG_HEADER))),
    ("fromfile-dtype-unknown", lambda np, p: np.fromfile(p, dtype="nope")),
    ("fromfile-offset-negative", lambda np, p: np.fromfile(p, offset=-5)),
]

# Format 2.0 with a 200,000-byte header: past load's default max_header_size.
_BIG_HEADER = (b"\x93NUMPY\x02\x00" + (200_000).to_bytes(4, "little") + b"{"
               + b" " * 199_998 + b"\n")


def _write(path, content):
    path.write_bytes(content)
    return path


def _saved(np, path):
    target = path.with_name("good.npy")
    np.save(target, np.arange(3.0))
    return target


def _inplace_negative(np, arr):
    np.negative(arr, out=arr)


@pytest.mark.parametrize("call", [c[1] for c in MEMMAP_CASES], ids=[c[0] for c in MEMMAP_CASES])
def test_bad_memmap_matches_numpy(tmp_path, call):
    path = tmp_path / "data.bin"
    content = numpy.arange(8, dtype=numpy.float64).tobytes()
    path.write_bytes(content)
    expected = _raised(lambda: call(numpy, path))
    assert expected is not None
    assert path.read_bytes() == content
    live = _live(ndmem)
    assert _raised(lambda: call(ndmem, path)) == expected
    if _live(ndmem) != live:
        gc.collect()
        assert _live(ndmem) == live
    assert path.read_bytes() == content


def _run_threads(targets):
    errors = []

    def guard(func):
        try:
            func()
        except Exception as exc:  # noqa: BLE001 - reported in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=guard, args=(f,)) for f in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


_N = 1 << 18
_REPS = 8


def _disjoint_work(np):
    """Four threads update four disjoint quarters (strided and contiguous)
    of one large array in place; the result must be the sequential one."""
    a = np.arange(4 * _N, dtype=np.float64)
    quarters = [a[:_N], a[_N:2 * _N][::-1], a[2 * _N:3 * _N], a[3 * _N:]]
    ops = [lambda v: np.add(v, 1.5, out=v), lambda v: np.multiply(v, 0.5, out=v),
           lambda v: np.subtract(v, 2.0, out=v), lambda v: np.sqrt(v, out=v)]

    def worker(view, op):
        def run():
            for _ in range(_REPS):
                op(view)
        return run

    return a, [worker(v, op) for v, op in zip(quarters, ops)]


def test_threads_disjoint_views_deterministic():
    ref, work = _disjoint_work(numpy)
    for w in work:
        w()
    got, work = _disjoint_work(ndmem)
    _run_threads(work)
    assert got.tobytes() == ref.tobytes()


def test_threads_overlapping_views_no_crash():
    a = ndmem.zeros(3 * _N, dtype=ndmem.int64)
    views = [a[:2 * _N], a[_N:], a[::2], a[1::3]]
    cover = numpy.zeros(3 * _N, dtype=numpy.int64)
    for sl in (slice(None, 2 * _N), slice(_N, None), slice(None, None, 2), slice(1, None, 3)):
        cover[sl] += _REPS

    def worker(view):
        def run():
            for _ in range(_REPS):
                ndmem.add(view, 1, out=view)
                view.sum()
        return run

    _run_threads([worker(v) for v in views])
    # Racing read-modify-writes may lose updates, never invent them.
    vals = numpy.frombuffer(a.tobytes(), dtype=numpy.int64)
    assert (vals >= 0).all() and (vals <= cover).all()
    assert (vals[cover > 0] > 0).all()
    assert a.shape == (3 * _N,) and a.flags.writeable and a.flags.owndata


def test_threads_views_created_and_dropped():
    a = ndmem.arange(_N, dtype=ndmem.float64)
    before = a.tobytes()

    def worker(k):
        def run():
            for j in range(200):
                v = a[k::4][j % 7:]
                w = v.reshape(-1) if v.flags.c_contiguous else v.copy()
                del v, w
        return run

    _run_threads([worker(k) for k in range(4)])
    assert a.tobytes() == before
    assert ndmem.shares_memory(a, a[1:]) and a.base is None


def test_threads_allocating_keep_counters_exact():
    """Threads allocate and free while others run long kernels: ndmem's
    live-byte counters end where they started."""
    gc.collect()
    live = _live(ndmem)
    big = ndmem.ones(4 * _N)

    def kernel():
        for _ in range(_REPS):
            ndmem.multiply(big, 1.0, out=big)
            big.sum()

    def allocate():
        for k in range(200):
            x = ndmem.empty(1000 + k) if k % 2 else ndmem.zeros((k % 7 + 1, 300))
            y = x[1:].copy()
            del x, y

    _run_threads([kernel, kernel, allocate, allocate])
    del big
    gc.collect()
    assert _live(ndmem) == live


# ndmem-only tools: the documented exception types.
@pytest.mark.parametrize("call,kind", [
    (lambda: ndmem.memory.holders(5), TypeError),
    (lambda: ndmem.memory.holders([1.0, 2.0]), TypeError),
    (lambda: ndmem.memory.holders(numpy.ones(3)), TypeError),
    (lambda: ndmem.memory.explain("x"), TypeError),
    (lambda: ndmem.memory.explain(numpy.ones(3)), TypeError),
], ids=["holders-int", "holders-list", "holders-numpy", "explain-str", "explain-numpy"])
def test_memory_tools_reject_non_arrays(call, kind):
    with pytest.raises(kind):
        call()


def test_no_copy_raises_and_recovers():
    a = ndmem.arange(12.0)
    before = a.tobytes()
    live = _live(ndmem)
    with pytest.raises(ndmem.memory.CopyError):
        with ndmem.memory.no_copy():
            a[2:5]  # a view needs no data
            a + 1
    assert _live(ndmem) == live
    assert a.tobytes() == before
    # allocation works again after the block
    assert (a + 1).tobytes() == (numpy.arange(12.0) + 1).tobytes()
