"""Sorting and searching: sort, argsort, partition, searchsorted, unique
and the set functions, nonzero/argwhere/flatnonzero, diff, meshgrid,
diagonal and the triangle helpers, take/put and the index conversions
(NumPy's fromnumeric.py, _arraysetops_impl.py, _function_base_impl.py,
_twodim_base_impl.py).  Order statistics and histograms are in
_order_stats.py.

The kernels (radix/merge sorts, selection, binary search, nonzero,
bincount) are in src/sort*.c; everything else is composed from ufuncs,
reductions and indexing, in NumPy's order of operations so that results
match bit for bit.
The ndarray methods of the same names call these functions.
"""

import builtins
import operator
from collections import namedtuple

import ndmem as _np  # the namespace, looked up at call time (ndmem imports us)
from ndmem import _core
from ndmem.exceptions import AxisError

__all__ = ["sort", "argsort", "partition", "argpartition", "searchsorted",
           "unique", "intersect1d", "union1d", "setdiff1d", "setxor1d", "in1d",
           "isin", "nonzero", "argwhere", "flatnonzero", "diff", "meshgrid",
           "diag", "diagonal", "trace", "tri", "tril", "triu", "unravel_index",
           "ravel_multi_index", "take", "put", "take_along_axis", "lexsort",
           "sort_complex", "digitize", "unique_values", "unique_counts",
           "unique_inverse", "unique_all", "ediff1d"]

_NUMERIC_KINDS = "biufc"


class _NoValueType:
    def __repr__(self):
        return "<no value>"


_NoValue = _NoValueType()


def _asarray(a):
    return a if isinstance(a, _np.ndarray) else _np.asarray(a)


def _axis(axis, ndim):
    ax = operator.index(axis)
    if not -ndim <= ax < ndim:
        raise AxisError(axis, ndim)
    return ax % ndim


def _sort_axis(axis, ndim, arg):
    """The axis of sort/partition (arg False) or argsort/argpartition (arg
    True), with the TypeError texts of NumPy's two converters."""
    if arg and isinstance(axis, (bool, _np.bool_)):
        raise TypeError("an integer is required for the axis")
    if not arg and isinstance(axis, float):
        raise TypeError("integer argument expected, got float")
    ax = operator.index(axis)
    if not -ndim <= ax < ndim:
        raise AxisError(axis, ndim)
    return ax % ndim


def _check_kind(kind, stable):
    if kind is not None and stable is not None:
        raise ValueError("`kind` and keyword parameters can't be provided at "
                         "the same time. Use only one of them.")
    if kind is None:
        return
    if not isinstance(kind, str):
        raise TypeError(f"sort kind must be str, not {type(kind).__name__}")
    if not kind or kind[0].lower() not in "qhms":
        raise ValueError("sort kind must be one of 'quick', 'heap', or 'stable' "
                         f"(got {kind!r})")


def _check_order(a, order):
    if order is not None and a.dtype.names is None:
        raise ValueError("Cannot specify order when the array has no fields.")


def _native(a):
    if a.dtype.isnative:
        return a
    return a.astype(a.dtype.newbyteorder("="))


def _sortable(a):
    return a.dtype.kind in _NUMERIC_KINDS and a.dtype.names is None


def _packed(a):
    """a itself when the kernels can index it directly (C order, aligned)."""
    return a if a.flags.c_contiguous and a.flags.aligned else a.copy()


def _counted(a):
    """Whether a is sorted by a counting sort (bool, int8, uint8): O(n) and
    no scratch, so partitions use it too (a sort is a partition for every
    kth), cheaper than selecting."""
    return a.dtype.itemsize == 1 and a.dtype.kind in "biu"


def _argsort_objects(a, axis):
    """Stable argsort of a non-numeric array (str, bytes) by Python's sort."""
    moved = _np.moveaxis(a, axis, -1)
    n = moved.shape[-1]
    rows = moved.reshape(-1, n).tolist() if n else []
    order = [builtins.sorted(range(n), key=row.__getitem__) for row in rows]
    idx = _np.array(order, dtype=_np.int64).reshape(moved.shape)
    return _np.ascontiguousarray(_np.moveaxis(idx, -1, axis))


# ------------------------------------------------------------ sort

def _sort_method(self, axis=-1, kind=None, order=None, *, stable=None):
    """ndarray.sort: sort in place along ``axis`` (see `sort`)."""
    _check_kind(kind, stable)
    _check_order(self, order)
    axis = _sort_axis(axis, self.ndim, False)
    if not self.flags.writeable:
        raise ValueError("assignment destination is read-only")
    if not _sortable(self):
        self[...] = take_along_axis(self, _argsort_objects(self, axis), axis)
    elif self.dtype.isnative:
        _core._sort_inplace(self, axis)
    else:
        tmp = _native(self)
        _core._sort_inplace(tmp, axis)
        self[...] = tmp


def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """Return a sorted copy of an array.

    Parameters
    ----------
    a : array_like
    axis : int or None, optional
        Axis to sort along (default last); None sorts the flattened array.
    kind : {'quicksort', 'mergesort', 'heapsort', 'stable'}, optional
        Accepted for compatibility: every kind runs a stable sort (an
        in-place radix sort for integers and floats, needing no memory
        beyond the result; merge sort for complex).
    order : None
        Only for structured arrays, which are not supported here.
    stable : bool, optional
        Same meaning as in NumPy (stable results are always given).

    Returns
    -------
    ndarray
        Same shape and dtype, NaNs sorted to the end, complex numbers in
        lexicographic order.
    """
    a = _asarray(a)
    if axis is None:
        a = a.flatten()
        axis = -1
    else:
        a = a.copy(order="K")
    _sort_method(a, axis, kind, order, stable=stable)
    return a


def argsort(a, axis=-1, kind=None, order=None, *, stable=None):
    """Return the indices that would sort an array.

    Parameters
    ----------
    a : array_like
    axis : int or None, optional
        Axis to sort along (default last); None uses the flattened array.
    kind, order, stable
        As in `sort`; the result is always the stable order.

    Returns
    -------
    ndarray of int64
        C-contiguous, with ``a``'s shape (1-d for ``axis=None``).
    """
    _check_kind(kind, stable)
    a = _asarray(a)
    _check_order(a, order)
    if axis is None:
        a = a.ravel()
        axis = 0
    axis = _sort_axis(axis, a.ndim, True)
    if not _sortable(a):
        return _argsort_objects(a, axis)
    return _core._argsort(_native(a), axis)


def _check_select_kind(kind):
    if not isinstance(kind, str):
        raise TypeError(f"select kind must be str, not {type(kind).__name__}")
    if kind != "introselect":
        raise ValueError(f"select kind must be 'introselect' (got {kind!r})")


def _kth(kth, n):
    """kth as NumPy reads it (an intp array of at most one dimension),
    wrapped from the end, checked against n, sorted: int64 for the kernels."""
    if isinstance(kth, _np.ndarray):
        if kth.ndim > 1:
            raise ValueError("object too deep for desired array")
    try:
        kth = _np.asarray(kth)
    except OverflowError:
        raise TypeError("Partition index must be integer") from None
    except ValueError:
        raise ValueError("setting an array element with a sequence. The requested "
                         "array would exceed the maximum number of dimension of 1.") from None
    if kth.dtype.kind == "b":
        raise ValueError("Booleans unacceptable as partition index")
    if kth.dtype.kind not in "iu":
        raise TypeError("Partition index must be integer")
    if kth.ndim > 1:
        raise ValueError("setting an array element with a sequence. The requested "
                         "array would exceed the maximum number of dimension of 1.")
    ks = []
    for k in kth.astype(_np.int64).ravel().tolist():
        if k < 0:
            k += n
        if not 0 <= k < n:
            raise ValueError(f"kth(={k}) out of bounds ({n})")
        ks.append(k)
    return _np.array(builtins.sorted(ks), dtype=_np.int64)


def _partition_method(self, kth, axis=-1, kind="introselect", order=None):
    """ndarray.partition: partition in place along ``axis`` (see `partition`)."""
    _check_select_kind(kind)
    _check_order(self, order)
    axis = _sort_axis(axis, self.ndim, False)
    if self.size == 0:
        return
    ks = _kth(kth, self.shape[axis])
    if not self.flags.writeable:
        raise ValueError("assignment destination is read-only")
    if not _sortable(self) or _counted(self):
        _sort_method(self, axis)
    elif self.dtype.isnative:
        _core._partition(self, ks, axis)
    else:
        tmp = _native(self)
        _core._partition(tmp, ks, axis)
        self[...] = tmp


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """Return a partitioned copy of an array.

    The element at each ``kth`` position is the one a full sort puts there,
    smaller or equal ones before it, larger or equal ones after (in no
    particular order); NaNs sort last.

    Parameters
    ----------
    a : array_like
    kth : int or sequence of ints
        Positions to select; negative ones count from the end.
    axis : int or None, optional
        Axis to partition along (default last); None flattens first.
    kind : {'introselect'}, optional
    order : None
        Only for structured arrays, which are not supported here.

    Returns
    -------
    ndarray
        Same shape and dtype as ``a``.
    """
    a = _asarray(a)
    if axis is None:
        a = a.flatten()
        axis = -1
    else:
        a = a.copy(order="K")
    _partition_method(a, kth, axis, kind, order)
    return a


def argpartition(a, kth, axis=-1, kind="introselect", order=None):
    """Indices that would partition an array (see `partition`).

    Parameters
    ----------
    a : array_like
    kth : int or sequence of ints
    axis : int or None, optional
        Axis to partition along (default last); None uses the flattened array.
    kind : {'introselect'}, optional
    order : None

    Returns
    -------
    ndarray of int64
        ``a``'s shape (1-d for a 0-d ``a`` or ``axis=None``):
        ``take_along_axis(a, result, axis)`` is a partitioned ``a``.
    """
    a = _asarray(a)
    _check_select_kind(kind)
    _check_order(a, order)
    if axis is None or a.ndim == 0:
        a = a.ravel()
        axis = 0 if axis is None else axis
    axis = _sort_axis(axis, a.ndim, True)
    if a.size == 0:
        return _np.empty(a.shape, dtype=_np.int64)
    ks = _kth(kth, a.shape[axis])
    if not _sortable(a):
        return _argsort_objects(a, axis)
    if _counted(a):
        return _core._argsort(a, axis)
    return _core._argpartition(_native(a), ks, axis)


def take_along_axis(arr, indices, axis=-1):
    """Take values from ``arr`` at ``indices`` along ``axis``.

    Parameters
    ----------
    arr : ndarray
    indices : ndarray of ints
        Same number of dimensions as ``arr``; broadcast against it on the
        other axes.
    axis : int or None
        None treats ``arr`` as flattened.

    Returns
    -------
    ndarray
    """
    arr = _asarray(arr)
    indices = _asarray(indices)
    if indices.dtype.kind not in "iu":
        raise IndexError("`indices` must be an integer array")
    if axis is None:
        if indices.ndim != 1:
            raise ValueError("when axis=None, `indices` must have a single dimension.")
        return arr.ravel()[indices]
    axis = _axis(axis, arr.ndim)
    if indices.ndim != arr.ndim:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    key = []
    for d in range(arr.ndim):
        if d == axis:
            key.append(indices)
        else:
            shape = [1] * arr.ndim
            shape[d] = arr.shape[d]
            key.append(_np.arange(arr.shape[d]).reshape(shape))
    return arr[tuple(key)]


def lexsort(keys, axis=-1):
    """Indirect stable sort on several keys, the last key primary.

    Parameters
    ----------
    keys : sequence of array_like of one shape, or a 2-d array (its rows)
    axis : int, optional

    Returns
    -------
    ndarray of int64
    """
    if isinstance(keys, _np.ndarray):
        keys = list(keys) if keys.ndim > 1 else [keys]
    else:
        keys = [_asarray(k) for k in keys]
    if not keys:
        raise TypeError("need sequence of keys with len > 0 in lexsort")
    shape = keys[0].shape
    if any(k.shape != shape for k in keys):
        raise ValueError("all keys need to be the same shape")
    if not shape:
        return _np.int64(0)
    axis = _axis(axis, len(shape))
    perm = argsort(keys[0], axis=axis, kind="stable")
    for k in keys[1:]:
        perm = take_along_axis(perm, argsort(take_along_axis(k, perm, axis),
                                             axis=axis, kind="stable"), axis)
    return perm


def sort_complex(a):
    """Sort by real part, then imaginary part; the result is complex.

    Returns
    -------
    ndarray of complex64 (for int8/uint8/int16/uint16) or complex128
    """
    b = _np.array(a, copy=True)
    _sort_method(b)
    if b.dtype.kind != "c":
        b = b.astype("F" if b.dtype.char in "bhBH" else "D")
    return b


# ------------------------------------------------------------ searching

def searchsorted(a, v, side="left", sorter=None):
    """Find the indices where ``v`` would be inserted to keep ``a`` sorted.

    Parameters
    ----------
    a : 1-d array_like
        Sorted ascending (NaNs last), unless ``sorter`` is given.
    v : array_like
    side : {'left', 'right'}, optional
    sorter : 1-d array of ints, optional
        Indices that sort ``a`` (as from `argsort`).

    Returns
    -------
    int64 scalar or ndarray of ``v``'s shape
    """
    if not isinstance(side, str):
        raise TypeError(f"search side must be str, not {type(side).__name__}")
    if side not in ("left", "right"):
        raise ValueError(f"search side must be 'left' or 'right' (got {side!r})")
    a = _asarray(a)
    if a.ndim != 1:
        raise ValueError("object too deep for desired array" if a.ndim > 1
                         else "object of too small depth for desired array")
    if sorter is not None:
        sorter = _asarray(sorter)
        if sorter.dtype.kind not in "iu":
            raise TypeError("sorter must only contain integers")
        if sorter.size != a.size:
            raise ValueError("sorter.size must equal a.size")
        if sorter.size and (sorter.min() < 0 or sorter.max() >= a.size):
            raise ValueError("Sorter index out of range.")
        a = a[sorter]
    if not isinstance(v, (int, float, complex, _np.ndarray, _np.generic)):
        v = _np.asarray(v)      # Python scalars stay weak in the promotion
    dtype = _np.result_type(a, v)
    varr = _np.asarray(v, dtype=dtype)
    if dtype.kind not in _NUMERIC_KINDS:
        import bisect
        find = bisect.bisect_right if side == "right" else bisect.bisect_left
        keys = a.astype(dtype).tolist()
        res = _np.array([find(keys, x) for x in varr.ravel().tolist()],
                          dtype=_np.int64).reshape(varr.shape)
    else:
        dtype = dtype.newbyteorder("=")
        a = _packed(_np.asarray(a, dtype=dtype))
        varr = _packed(_np.asarray(varr, dtype=dtype))
        res = _core._searchsorted(a, varr, side == "right")
    return res[()] if res.ndim == 0 else res


def digitize(x, bins, right=False):
    """Indices of the bins each value of ``x`` falls in.

    Parameters
    ----------
    x : array_like (not complex)
    bins : 1-d array_like, monotonically increasing or decreasing
    right : bool, optional
        Whether the intervals include their right edge.

    Returns
    -------
    int64 scalar or ndarray
    """
    x = _asarray(x)
    bins = _asarray(bins)
    if x.dtype.kind == "c":
        raise TypeError("x may not be complex")
    if bins.ndim != 1:
        raise ValueError("object too deep for desired array" if bins.ndim > 1
                         else "object of too small depth for desired array")
    side = "left" if right else "right"
    if bins.size < 2 or bool((bins[1:] >= bins[:-1]).all()):
        return searchsorted(bins, x, side=side)
    if bool((bins[1:] <= bins[:-1]).all()):
        return bins.size - searchsorted(bins[::-1], x, side=side)
    raise ValueError("bins must be monotonically increasing or decreasing")


def _nonzero_method(self):
    """ndarray.nonzero: a tuple of int64 index arrays, one per dimension."""
    if self.ndim == 0:
        raise ValueError("Calling nonzero on 0d arrays is not allowed. Use "
                         "np.atleast_1d(scalar).nonzero() instead. If the context "
                         "of this error is of the form `arr[nonzero(cond)]`, just "
                         "use `arr[cond]`.")
    mask = self if self.dtype == _np.bool_ else self.astype(_np.bool_)
    return _core._nonzero(mask)


def nonzero(a):
    """Indices of the elements that are non-zero, one int64 array per axis.

    Parameters
    ----------
    a : array_like, at least 1-d

    Returns
    -------
    tuple of ndarray
    """
    return _nonzero_method(_asarray(a))


def flatnonzero(a):
    """Indices of the non-zero elements of ``ravel(a)``.

    Returns
    -------
    ndarray of int64
    """
    return nonzero(_asarray(a).ravel())[0]


def argwhere(a):
    """Indices of the non-zero elements, grouped by element.

    Returns
    -------
    ndarray of int64, shape (N, a.ndim)
    """
    a = _asarray(a)
    if a.ndim == 0:
        return argwhere(a.reshape(1))[:, :0]
    return _np.asarray(nonzero(a)).T


# ------------------------------------------------------------ unique and sets

def _unique1d(ar, return_index, return_inverse, return_counts, equal_nan,
              inverse_shape):
    ar = ar.flatten()
    if (not (return_index or return_inverse or return_counts)
            and ar.dtype.kind in "biuf" and ar.dtype.isnative):
        # the sorted copy is compacted in place: no mask, no temporaries
        _core._sort_inplace(ar, 0)
        u = _core._unique_sorted(ar, equal_nan)
        return (ar if u == ar.shape[0] else ar[:u].copy(),)
    if return_index or return_inverse:
        perm = argsort(ar, kind="mergesort")
        aux = ar[perm]
    else:
        _sort_method(ar)
        aux = ar
    mask = _np.empty(aux.shape, dtype=_np.bool_)
    mask[:1] = True
    if (equal_nan and aux.shape[0] > 0 and aux.dtype.kind in "fc"
            and bool(_np.isnan(aux[-1]))):
        if aux.dtype.kind == "c":
            first_nan = int(searchsorted(_np.isnan(aux), True, side="left"))
        else:
            first_nan = int(searchsorted(aux, aux[-1], side="left"))
        if first_nan > 0:
            mask[1:first_nan] = aux[1:first_nan] != aux[:first_nan - 1]
        mask[first_nan] = True
        mask[first_nan + 1:] = False
    else:
        mask[1:] = aux[1:] != aux[:-1]
    ret = (aux[mask],)
    if return_index:
        ret += (perm[mask],)
    if return_inverse:
        imask = _np.cumsum(mask) - 1
        inv = _np.empty(mask.shape, dtype=_np.int64)
        inv[perm] = imask
        ret += (inv.reshape(inverse_shape),)
    if return_counts:
        idx = _np.concatenate(nonzero(mask) + (_np.array([mask.size]),))
        ret += (diff(idx),)
    return ret


def _unique_rows(ar, axis, return_index, return_inverse, return_counts):
    """unique along an axis: the sub-arrays along ``axis`` compared as rows,
    ordered lexicographically (by a chain of stable argsorts)."""
    moved = _np.moveaxis(ar, axis, 0)
    rest = moved.shape[1:]
    rows = _np.ascontiguousarray(moved).reshape(moved.shape[0], -1)
    n, m = rows.shape
    perm = _np.arange(n)
    for j in range(m - 1, -1, -1):
        perm = perm[argsort(rows[perm, j], kind="stable")]
    srt = rows[perm]
    mask = _np.empty(n, dtype=_np.bool_)
    mask[:1] = True
    if n > 1:
        if m:
            mask[1:] = _np.logical_or.reduce(srt[1:] != srt[:-1], axis=1)
        else:
            mask[1:] = False
    out = _np.moveaxis(srt[mask].reshape((-1,) + rest), 0, axis)
    ret = (_np.ascontiguousarray(out),)
    if return_index:
        ret += (perm[mask],)
    if return_inverse:
        inv = _np.empty(n, dtype=_np.int64)
        inv[perm] = _np.cumsum(mask) - 1
        ret += (inv,)
    if return_counts:
        idx = _np.concatenate(nonzero(mask) + (_np.array([n]),))
        ret += (diff(idx),)
    return ret


def unique(ar, return_index=False, return_inverse=False, return_counts=False,
           axis=None, *, equal_nan=True, sorted=True):
    """Find the sorted unique elements of an array.

    Parameters
    ----------
    ar : array_like
    return_index : bool, optional
        Also return the index of the first occurrence of each unique value.
    return_inverse : bool, optional
        Also return the indices that rebuild ``ar`` from the unique values
        (with ``ar``'s shape when ``axis`` is None, as NumPy 2).
    return_counts : bool, optional
        Also return how many times each unique value occurs.
    axis : int or None, optional
        Compare sub-arrays along this axis instead of elements.
    equal_nan : bool, optional
        Collapse all NaNs into one.
    sorted : bool, optional
        Accepted; the result is always sorted.

    Returns
    -------
    ndarray, or a tuple of ndarrays when any return_* is set
    """
    ar = _asarray(ar)
    if axis is None:
        ret = _unique1d(ar, return_index, return_inverse, return_counts,
                        equal_nan, ar.shape)
    else:
        ret = _unique_rows(ar, _axis(axis, ar.ndim), return_index,
                           return_inverse, return_counts)
    return ret[0] if len(ret) == 1 else ret


UniqueAllResult = namedtuple("UniqueAllResult",
                             ["values", "indices", "inverse_indices", "counts"])
UniqueCountsResult = namedtuple("UniqueCountsResult", ["values", "counts"])
UniqueInverseResult = namedtuple("UniqueInverseResult", ["values", "inverse_indices"])


def unique_values(x):
    """Unique elements of ``x`` (array API; NaNs are not merged).

    NumPy leaves the order unspecified (a hash order for integers); here it
    is sorted.

    Returns
    -------
    ndarray
    """
    return unique(x, equal_nan=False)


def unique_counts(x):
    """Unique elements and their counts (array API; NaNs are not merged).

    Returns
    -------
    UniqueCountsResult(values, counts)
    """
    return UniqueCountsResult(*unique(x, return_counts=True, equal_nan=False))


def unique_inverse(x):
    """Unique elements and the indices that rebuild ``x`` (array API).

    Returns
    -------
    UniqueInverseResult(values, inverse_indices)
    """
    return UniqueInverseResult(*unique(x, return_inverse=True, equal_nan=False))


def unique_all(x):
    """Unique elements, first indices, inverse indices and counts (array API).

    Returns
    -------
    UniqueAllResult(values, indices, inverse_indices, counts)
    """
    return UniqueAllResult(*unique(x, return_index=True, return_inverse=True,
                                   return_counts=True, equal_nan=False))


def isin(element, test_elements, assume_unique=False, invert=False, *, kind=None):
    """Test whether each element of ``element`` is in ``test_elements``.

    Parameters
    ----------
    element, test_elements : array_like
    assume_unique : bool, optional
        Accepted (the search does not need it).
    invert : bool, optional
        Return the negation.
    kind : {None, 'sort', 'table'}, optional
        Accepted; the search is always sort-based.

    Returns
    -------
    ndarray of bool with ``element``'s shape
    """
    if kind not in (None, "sort", "table"):
        raise ValueError(f"Invalid kind: '{kind}'. Please use None, 'sort' or 'table'.")
    element = _asarray(element)
    test = _asarray(test_elements).ravel()
    dtype = _np.result_type(element, test)
    flat = element.ravel().astype(dtype, copy=False)
    if test.size == 0:
        found = _np.zeros(flat.shape, dtype=_np.bool_)
    else:
        srt = sort(test.astype(dtype, copy=False))
        pos = searchsorted(srt, flat)
        pos = _np.minimum(pos, srt.size - 1)
        found = srt[pos] == flat
    if invert:
        found = ~found
    return found.reshape(element.shape)


def in1d(ar1, ar2, assume_unique=False, invert=False, *, kind=None):
    """Flattened `isin` (removed from NumPy 2.4, kept here for old code)."""
    return isin(_asarray(ar1).ravel(), ar2, assume_unique, invert, kind=kind)


def intersect1d(ar1, ar2, assume_unique=False, return_indices=False):
    """Sorted unique values present in both arrays.

    Parameters
    ----------
    ar1, ar2 : array_like
    assume_unique : bool, optional
    return_indices : bool, optional
        Also return the indices of the first occurrences in each input.

    Returns
    -------
    ndarray, or (values, indices1, indices2)
    """
    ar1 = _asarray(ar1)
    ar2 = _asarray(ar2)
    if not assume_unique:
        if return_indices:
            ar1, ind1 = unique(ar1, return_index=True)
            ar2, ind2 = unique(ar2, return_index=True)
        else:
            ar1 = unique(ar1)
            ar2 = unique(ar2)
    else:
        ar1 = ar1.ravel()
        ar2 = ar2.ravel()
    aux = _np.concatenate((ar1, ar2))
    if return_indices:
        order = argsort(aux, kind="mergesort")
        aux = aux[order]
    else:
        _sort_method(aux)
    mask = aux[1:] == aux[:-1]
    common = aux[:-1][mask]
    if not return_indices:
        return common
    idx1 = order[:-1][mask]
    idx2 = order[1:][mask] - ar1.size
    if not assume_unique:
        idx1 = ind1[idx1]
        idx2 = ind2[idx2]
    return common, idx1, idx2


def union1d(ar1, ar2):
    """Sorted unique values present in either array.

    Returns
    -------
    ndarray
    """
    return unique(_np.concatenate((_asarray(ar1).ravel(), _asarray(ar2).ravel())))


def setdiff1d(ar1, ar2, assume_unique=False):
    """Sorted unique values of ``ar1`` that are not in ``ar2``.

    Returns
    -------
    ndarray
    """
    if assume_unique:
        ar1 = _asarray(ar1).ravel()
    else:
        ar1 = unique(ar1)
        ar2 = unique(ar2)
    return ar1[isin(ar1, ar2, assume_unique=True, invert=True)]


def setxor1d(ar1, ar2, assume_unique=False):
    """Sorted unique values that are in exactly one of the arrays.

    Returns
    -------
    ndarray
    """
    if not assume_unique:
        ar1 = unique(ar1)
        ar2 = unique(ar2)
    aux = _np.concatenate((_asarray(ar1).ravel(), _asarray(ar2).ravel()))
    if aux.size == 0:
        return aux
    _sort_method(aux)
    flag = _np.concatenate(([True], aux[1:] != aux[:-1], [True]))
    return aux[flag[1:] & flag[:-1]]


# ------------------------------------------------------------ differences

def diff(a, n=1, axis=-1, prepend=_NoValue, append=_NoValue):
    """n-th discrete difference along the given axis.

    Parameters
    ----------
    a : array_like
    n : int, optional
    axis : int, optional
    prepend, append : array_like, optional
        Values joined before/after ``a`` along ``axis`` first (scalars are
        broadcast to length 1).

    Returns
    -------
    ndarray
        Booleans use not_equal, other types subtract.
    """
    if n == 0:
        return a
    if n < 0:
        raise ValueError("order must be non-negative but got " + repr(n))
    a = _asarray(a)
    nd = a.ndim
    if nd == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    axis = _axis(axis, nd)
    combined = []
    for extra, before in ((prepend, True), (append, False)):
        if extra is _NoValue:
            continue
        extra = _asarray(extra)
        if extra.ndim == 0:
            shape = list(a.shape)
            shape[axis] = 1
            extra = _np.broadcast_to(extra, tuple(shape))
        combined.append((before, extra))
    if combined:
        parts = [e for b, e in combined if b] + [a] + [e for b, e in combined if not b]
        a = _np.concatenate(parts, axis)
    hi = [slice(None)] * nd
    lo = [slice(None)] * nd
    hi[axis] = slice(1, None)
    lo[axis] = slice(None, -1)
    hi, lo = tuple(hi), tuple(lo)
    op = _np.not_equal if a.dtype == _np.bool_ else _np.subtract
    for _ in range(n):
        a = op(a[hi], a[lo])
    return a


def ediff1d(ary, to_end=None, to_begin=None):
    """Differences between consecutive elements of the flattened array.

    Parameters
    ----------
    ary : array_like
    to_end, to_begin : array_like, optional
        Values appended/prepended to the differences (castable to
        ``ary``'s dtype under 'same_kind').

    Returns
    -------
    ndarray, 1-d, of ``ary``'s dtype
    """
    ary = _asarray(ary).ravel()
    dtype = ary.dtype
    parts = []
    for extra, name in ((to_begin, "to_begin"), (to_end, "to_end")):
        if extra is None:
            parts.append(None)
            continue
        extra = _asarray(extra)
        if not _np.can_cast(extra, dtype, casting="same_kind"):
            raise TypeError(f"dtype of `{name}` must be compatible with input "
                            "`ary` under the `same_kind` rule.")
        parts.append(extra.ravel().astype(dtype, copy=False))
    body = _np.subtract(ary[1:], ary[:-1])
    pieces = [p for p in (parts[0], body, parts[1]) if p is not None]
    return _np.concatenate(pieces).astype(dtype, copy=False) if len(pieces) > 1 else body


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """Coordinate matrices from coordinate vectors.

    Parameters
    ----------
    *xi : 1-d array_like
    copy : bool, optional
        False returns broadcast views of the inputs.
    sparse : bool, optional
        Return shapes that broadcast instead of full grids.
    indexing : {'xy', 'ij'}, optional

    Returns
    -------
    tuple of ndarray
    """
    ndim = len(xi)
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    s0 = (1,) * ndim
    output = [_asarray(x).reshape(s0[:i] + (-1,) + s0[i + 1:]) for i, x in enumerate(xi)]
    if indexing == "xy" and ndim > 1:
        output[0] = output[0].reshape((1, -1) + s0[2:])
        output[1] = output[1].reshape((-1, 1) + s0[2:])
    if not sparse:
        output = _np.broadcast_arrays(*output)
    if copy:
        output = tuple(x.copy() for x in output)
    return tuple(output)


# ------------------------------------------------------------ diagonals

def diagonal(a, offset=0, axis1=0, axis2=1):
    """A read-only view of the given diagonal (NumPy 2).

    Parameters
    ----------
    a : array_like, at least 2-d
    offset : int, optional
        Above (> 0) or below (< 0) the main diagonal.
    axis1, axis2 : int, optional
        The 2-d sub-arrays the diagonals come from; their axes are removed
        and the diagonal becomes the last axis.

    Returns
    -------
    ndarray
    """
    a = _asarray(a)
    if a.ndim < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    ax1, ax2 = _axis(axis1, a.ndim), _axis(axis2, a.ndim)
    if ax1 == ax2:
        raise ValueError("axis1 and axis2 cannot be the same")
    offset = operator.index(offset)
    n1, n2 = a.shape[ax1], a.shape[ax2]
    s1, s2 = a.strides[ax1], a.strides[ax2]
    if offset >= 0:
        length = builtins.max(0, builtins.min(n1, n2 - offset))
        start = offset * s2 if length else 0
    else:
        length = builtins.max(0, builtins.min(n1 + offset, n2))
        start = -offset * s1 if length else 0
    keep = [d for d in range(a.ndim) if d not in (ax1, ax2)]
    shape = tuple(a.shape[d] for d in keep) + (length,)
    strides = tuple(a.strides[d] for d in keep) + (s1 + s2,)
    return _core._diagonal_view(a, start, shape, strides)


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """Sum along diagonals.

    Returns
    -------
    scalar or ndarray
    """
    return _np.add.reduce(diagonal(a, offset, axis1, axis2), axis=-1,
                            dtype=dtype, out=out)


def diag(v, k=0):
    """Extract a diagonal (2-d input, a read-only view) or build a 2-d array
    with ``v`` on the k-th diagonal (1-d input).

    Returns
    -------
    ndarray
    """
    v = _asarray(v)
    if v.ndim == 1:
        k = operator.index(k)
        n = v.shape[0] + abs(k)
        res = _np.zeros((n, n), dtype=v.dtype)
        i = _np.arange(v.shape[0])
        res[i + builtins.max(-k, 0), i + builtins.max(k, 0)] = v
        return res
    if v.ndim == 2:
        return diagonal(v, k)
    raise ValueError("Input must be 1- or 2-d.")


def tri(N, M=None, k=0, dtype=float, *, like=None):
    """An (N, M) array with ones at and below the k-th diagonal.

    Returns
    -------
    ndarray
    """
    if M is None:
        M = N
    m = _np.greater_equal.outer(_np.arange(N), _np.arange(-k, M - k))
    return m.astype(dtype, copy=False)


def tril(m, k=0):
    """Lower triangle of an array (the last two axes); the rest zeroed.

    Returns
    -------
    ndarray
    """
    m = _asarray(m)
    mask = tri(*m.shape[-2:], k=k, dtype=bool)
    return _np.where(mask, m, _np.zeros(1, m.dtype))


def triu(m, k=0):
    """Upper triangle of an array (the last two axes); the rest zeroed.

    Returns
    -------
    ndarray
    """
    m = _asarray(m)
    mask = tri(*m.shape[-2:], k=k - 1, dtype=bool)
    return _np.where(mask, _np.zeros(1, m.dtype), m)


# ------------------------------------------------------------ index conversions

def _int_indices(x):
    x = _asarray(x)
    if x.dtype.kind not in "iu":
        raise TypeError("only int indices permitted")
    return x


def unravel_index(indices, shape, order="C"):
    """Convert flat indices into a tuple of coordinate arrays.

    Parameters
    ----------
    indices : array_like of ints
    shape : tuple of ints
    order : {'C', 'F'}, optional

    Returns
    -------
    tuple of int64 arrays (or scalars for a scalar index)
    """
    idx = _int_indices(indices)
    dims = (operator.index(shape),) if _np.ndim(shape) == 0 else tuple(
        operator.index(d) for d in shape)
    if order not in ("C", "F"):
        raise ValueError("only 'C' or 'F' order is permitted")
    size = 1
    for d in dims:
        size *= d
    if idx.size:
        lo, hi = int(idx.min()), int(idx.max())
        for bad in (lo, hi):
            if bad < 0 or bad >= size:
                raise ValueError(f"index {bad} is out of bounds for array with size {size}")
    rem = idx.astype(_np.int64)
    coords = []
    for d in (reversed(dims) if order == "C" else dims):
        coords.append(rem % d if d else rem)
        rem = rem // d if d else rem
    if order == "C":
        coords.reverse()
    return tuple(c[()] if c.ndim == 0 else c for c in coords)


def ravel_multi_index(multi_index, dims, mode="raise", order="C"):
    """Convert a tuple of coordinate arrays into flat indices.

    Parameters
    ----------
    multi_index : tuple of array_like of ints
    dims : tuple of ints
    mode : {'raise', 'wrap', 'clip'} or a tuple of them, optional
    order : {'C', 'F'}, optional

    Returns
    -------
    int64 scalar or ndarray
    """
    dims = tuple(operator.index(d) for d in dims)
    if len(multi_index) != len(dims):
        raise ValueError(f"parameter multi_index must be a sequence of length {len(dims)}")
    modes = (mode,) * len(dims) if isinstance(mode, str) else tuple(mode)
    if order not in ("C", "F"):
        raise ValueError("only 'C' or 'F' order is permitted")
    coords = []
    for c, d, m in zip(multi_index, dims, modes):
        c = _int_indices(c).astype(_np.int64)
        if m == "raise":
            if c.size and (int(c.min()) < 0 or int(c.max()) >= d):
                raise ValueError("invalid entry in coordinates array")
        elif m == "wrap":
            c = c % d
        elif m == "clip":
            c = _np.clip(c, 0, d - 1)
        else:
            raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {m!r})")
        coords.append(c)
    pairs = list(zip(coords, dims))
    if order == "F":
        pairs.reverse()
    res = _np.zeros((), dtype=_np.int64)
    for c, d in pairs:
        res = res * d + c
    return res[()] if res.ndim == 0 else res


def _clip_mode(idx, n, mode):
    if mode == "wrap":
        return idx % n if n else idx
    if mode == "clip":
        return _np.clip(idx, 0, builtins.max(n - 1, 0))
    if mode != "raise":
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    return idx


def take(a, indices, axis=None, out=None, mode="raise"):
    """Take elements from an array along an axis.

    Parameters
    ----------
    a : array_like
    indices : array_like of ints
    axis : int, optional
        None takes from the flattened array.
    out : ndarray, optional
    mode : {'raise', 'wrap', 'clip'}, optional

    Returns
    -------
    scalar or ndarray
    """
    a = _asarray(a)
    if isinstance(indices, _np.ndarray):
        idx = indices
        if idx.dtype.kind not in "biu":
            raise TypeError(f"Cannot cast array data from {idx.dtype!r} to "
                            "dtype('int64') according to the rule 'same_kind'")
    else:
        # NumPy converts sequences straight to intp (floats truncated)
        idx = _np.asarray(indices)
        if idx.dtype.kind not in "biu":
            idx = idx.astype(_np.int64)
    if idx.dtype.kind == "b":
        idx = idx.astype(_np.int64)
    if axis is None:
        a = a.ravel()
        axis = 0
    axis = _axis(axis, a.ndim)
    idx = _clip_mode(idx, a.shape[axis], mode)
    res = a[(slice(None),) * axis + (idx,)]
    if out is not None:
        _np.copyto(out, res, casting="unsafe")
        return out
    return res


def put(a, ind, v, mode="raise"):
    """Replace elements of ``a`` (as flattened) at ``ind`` with ``v`` (repeated
    as needed), in place.

    Parameters
    ----------
    a : ndarray
    ind : array_like of ints
    v : array_like
    mode : {'raise', 'wrap', 'clip'}, optional
    """
    if not isinstance(a, _np.ndarray):
        raise TypeError(f"argument 1 must be numpy.ndarray, not {type(a).__name__}")
    if not a.flags.writeable:
        raise ValueError("assignment destination is read-only")
    idx = _int_indices(ind).ravel()
    vals = _np.asarray(v, dtype=a.dtype).ravel()
    if idx.size == 0 or vals.size == 0:
        return
    idx = _clip_mode(idx, a.size, mode)
    if vals.size != idx.size:
        vals = vals[_np.arange(idx.size) % vals.size]
    if a.flags.c_contiguous:
        a.reshape(-1)[idx] = vals
    else:
        flat = a.flatten()
        flat[idx] = vals
        a[...] = flat.reshape(a.shape)
