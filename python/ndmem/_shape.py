"""Shape manipulation, as NumPy: views where NumPy gives views, copies otherwise."""

import operator

from ndmem._core import ndarray, _strided_view, _concatenate_fast, _repeat, asanyarray
from ndmem._core import bool_ as _bool_scalar, array as _array, empty as _empty
from ndmem.exceptions import AxisError

__all__ = [
    "reshape", "ravel", "transpose", "swapaxes", "moveaxis", "squeeze",
    "expand_dims", "flip", "flipud", "fliplr", "broadcast_to", "broadcast_arrays",
    "broadcast_shapes", "concatenate", "stack", "vstack", "hstack", "column_stack",
    "dstack", "split", "array_split", "tile", "repeat", "roll", "pad",
    "atleast_1d", "atleast_2d", "atleast_3d", "rollaxis", "flatiter", "newaxis",
]

#: ``a[:, newaxis]`` inserts a length-1 axis (an alias of None, as NumPy's).
newaxis = None


def _asarray(a):
    return asanyarray(a)


def _norm_axis(axis, ndim, prefix=None):
    try:
        axis = operator.index(axis)
    except TypeError:
        raise TypeError(f"'{type(axis).__name__}' object cannot be interpreted as an integer") from None
    if axis < -ndim or axis >= ndim:
        raise AxisError(axis, ndim, prefix)
    return axis % ndim if ndim else axis


def _norm_axis_tuple(axis, ndim, argname=None):
    if not isinstance(axis, (tuple, list)):
        try:
            axis = [operator.index(axis)]
        except TypeError:
            axis = list(axis)
    axis = tuple(_norm_axis(ax, ndim, argname) for ax in axis)
    if len(set(axis)) != len(axis):
        if argname:
            raise ValueError(f"repeated axis in `{argname}` argument")
        raise ValueError("repeated axis")
    return axis


_INTP_MAX = (1 << 63) - 1


def _dim(obj):
    """One entry of a shape, as NumPy's PyArray_PyIntAsIntp: no bools, and
    ValueError past the intp range."""
    if isinstance(obj, (bool, _bool_scalar)):
        raise TypeError("an integer is required")
    v = operator.index(obj)
    if not -_INTP_MAX - 1 <= v <= _INTP_MAX:
        raise ValueError("Maximum allowed dimension exceeded")
    return v


def _shape_tuple(shape):
    """A shape argument as NumPy's PyArray_IntpConverter reads it: an int
    or a sequence of ints."""
    if type(shape) is int or not (hasattr(shape, "__len__") and hasattr(shape, "__getitem__")):
        try:
            return (_dim(shape),)
        except TypeError:
            raise TypeError("expected a sequence of integers or a single integer, "
                            f"got '{shape!r}'") from None
    if len(shape) > 64:
        raise ValueError(f"maximum supported dimension for an ndarray is currently 64, "
                         f"found {len(shape)}")
    return tuple(_dim(s) for s in shape)


def _fix_unknown(shape, size):
    """NumPy's _fix_unknown_dimension: any negative entry is the unknown one,
    and a product of the known ones past intp cannot match the size."""
    unknown = None
    known = 1
    for i, s in enumerate(shape):
        if s < 0:
            if unknown is not None:
                raise ValueError("can only specify one unknown dimension")
            unknown = i
        else:
            known *= s
            if known > _INTP_MAX:
                raise ValueError(f"cannot reshape array of size {size} into shape {_fmt(shape)}")
    if unknown is not None:
        if known == 0 or size % known:
            raise ValueError(f"cannot reshape array of size {size} into shape {_fmt(shape)}")
        shape = list(shape)
        shape[unknown] = size // known
        return tuple(shape)
    if known != size:
        raise ValueError(f"cannot reshape array of size {size} into shape {_fmt(shape)}")
    return tuple(shape)


def _fmt(shape):
    """NumPy's convert_shape_to_string: no spaces, newaxis for negatives."""
    shape = list(shape)
    first = 0
    while first < len(shape) and shape[first] < 0:
        first += 1   # leading newaxis entries are not printed
    if first == len(shape):
        return "()"
    parts = [str(shape[first])] + ["newaxis" if s < 0 else str(s) for s in shape[first + 1:]]
    if len(shape) == 1:
        return f"({parts[0]},)"
    return "(" + ",".join(parts) + ")"


def _packed(a, shape, order):
    strides = [0] * len(shape)
    st = a.dtype.itemsize
    idx = range(len(shape)) if order == "F" else reversed(range(len(shape)))
    for i in idx:
        strides[i] = st
        st *= max(shape[i], 1)
    return _strided_view(a, shape, strides, 0, a.flags.writeable)


def _attempt_nocopy_reshape(a, newdims, is_f_order):
    """NumPy's _attempt_nocopy_reshape: new strides, or None if a copy is needed."""
    olddims = [d for d in a.shape if d != 1]
    oldstrides = [s for d, s in zip(a.shape, a.strides) if d != 1]
    oldnd, newnd = len(olddims), len(newdims)
    newstrides = [0] * newnd
    oi, oj, ni, nj = 0, 1, 0, 1
    while ni < newnd and oi < oldnd:
        np_ = newdims[ni]
        op = olddims[oi]
        while np_ != op:
            if np_ < op:
                np_ *= newdims[nj]
                nj += 1
            else:
                op *= olddims[oj]
                oj += 1
        for ok in range(oi, oj - 1):
            if is_f_order:
                if oldstrides[ok + 1] != olddims[ok] * oldstrides[ok]:
                    return None
            elif oldstrides[ok] != olddims[ok + 1] * oldstrides[ok + 1]:
                return None
        if is_f_order:
            newstrides[ni] = oldstrides[oi]
            for nk in range(ni + 1, nj):
                newstrides[nk] = newstrides[nk - 1] * newdims[nk - 1]
        else:
            newstrides[nj - 1] = oldstrides[oj - 1]
            for nk in range(nj - 1, ni, -1):
                newstrides[nk - 1] = newstrides[nk] * newdims[nk]
        ni = nj
        nj += 1
        oi = oj
        oj += 1
    if ni >= 1:
        last_stride = newstrides[ni - 1]
        if is_f_order:
            last_stride *= newdims[ni - 1]
    else:
        last_stride = a.dtype.itemsize
    for nk in range(ni, newnd):
        newstrides[nk] = last_stride
    return newstrides


def _reshape(a, shape, order="C", copy=None):
    # NumPy reads a shape of None as the array's own
    given = a.shape if shape is None else _shape_tuple(shape)
    shape = _fix_unknown(given, a.size)
    order = (order or "C").upper()
    if order not in ("C", "F", "A"):
        raise ValueError("order must be one of 'C', 'F', 'A'")
    if order == "A":
        order = "F" if (a.flags.f_contiguous and not a.flags.c_contiguous) else "C"
    if copy:
        # NumPy views the new copy with packed strides, even for the same shape
        return _packed(a.copy(order=order), shape, order)
    if given == a.shape:
        return a.view()
    if order == "C" and a.flags.c_contiguous or order == "F" and a.flags.f_contiguous:
        return _packed(a, shape, order)
    if a.size == 0:
        return _packed(a, shape, order)
    st = _attempt_nocopy_reshape(a, shape, order == "F")
    if st is not None:
        return _strided_view(a, shape, st, 0, a.flags.writeable)
    if copy is False:
        raise ValueError("Unable to avoid creating a copy while reshaping.")
    c = a.copy(order=order)
    if order == "C":
        v = c.view()
        v.shape = shape
        return v
    v = c.T.view()
    v.shape = shape[::-1]
    return v.T


def _m_reshape(a, *shape, order="C", copy=None):
    if len(shape) == 1:
        shape = shape[0]
    return _reshape(a, shape, order, copy)


def reshape(a, shape=None, order="C", *, copy=None):
    if shape is None:
        raise TypeError("reshape() missing 1 required positional argument: 'shape'")
    a = asanyarray(a)
    if order == "C" and copy is None:
        return a.reshape(shape)   # the method's C path
    return _reshape(a, shape, order, copy)


def _m_ravel(a, order="C"):
    order = (order or "C").upper()
    if order == "A":
        order = "F" if (a.flags.f_contiguous and not a.flags.c_contiguous) else "C"
    if order == "K":
        if a.flags.c_contiguous:
            return _packed(a, (a.size,), "C")
        if a.flags.f_contiguous:
            return _packed(a, (a.size,), "F")
        # view when the strides, sorted, describe a packed block
        dims = sorted(((s, d) for s, d in zip(a.strides, a.shape) if d != 1), reverse=True)
        stride = a.dtype.itemsize
        ok = True
        for s, d in reversed(dims):
            if s != stride:
                ok = False
                break
            stride *= d
        if ok:
            return _strided_view(a, (a.size,), (a.dtype.itemsize,), 0, a.flags.writeable)
        return _m_flatten(a, "K")
    if order not in ("C", "F"):
        raise ValueError("order must be one of 'C', 'F', 'A', or 'K'")
    if order == "C" and a.flags.c_contiguous or order == "F" and a.flags.f_contiguous:
        return _packed(a, (a.size,), order)
    return _m_flatten(a, order)


def ravel(a, order="C"):
    if order == "C":
        return asanyarray(a).ravel()   # the method's C path
    return _m_ravel(asanyarray(a), order)


def _m_flatten(a, order="C"):
    order = (order or "C").upper()
    if order == "A":
        order = "F" if (a.flags.f_contiguous and not a.flags.c_contiguous) else "C"
    if order not in ("C", "F", "K"):
        raise ValueError("order must be one of 'C', 'F', 'A', or 'K'")
    from ndmem import empty
    out = empty((a.size,), dtype=a.dtype)
    if order == "K":
        axes = _iter_k_order(a)
        out.reshape(tuple(a.shape[i] for i in axes))[...] = a.transpose(axes)
    elif order == "C":
        out.reshape(a.shape)[...] = a
    else:
        out.reshape(a.shape[::-1]).T[...] = a
    return out


def _iter_k_order(a):
    """Axes, outermost first, in which NumPy's nditer walks ``a`` in K order
    without flipping negative strides (npyiter_find_best_axis_ordering):
    an insertion sort by |stride| in which a zero stride (or a length-1
    axis) compares with nothing, so C order stays where memory is silent."""
    strides = [0 if n == 1 else st for n, st in zip(a.shape, a.strides)]
    perm = list(range(a.ndim))[::-1]          # innermost first
    for i0 in range(1, len(perm)):
        ipos, ax0 = i0, perm[i0]
        for i1 in range(i0 - 1, -1, -1):
            s0, s1 = strides[ax0], strides[perm[i1]]
            if s0 == 0 or s1 == 0:
                continue
            if abs(s1) <= abs(s0):
                break
            ipos = i1
        if ipos != i0:
            perm[ipos + 1:i0 + 1] = perm[ipos:i0]
            perm[ipos] = ax0
    return perm[::-1]


def transpose(a, axes=None):
    a = _asarray(a)
    if axes is None:
        return a.transpose()
    return a.transpose(axes)


def _arg_int(value):
    """An int argument parsed with PyArg's "i" format."""
    value = operator.index(value)
    if not -_INTP_MAX - 1 <= value <= _INTP_MAX:
        raise OverflowError("Python int too large to convert to C long")
    if value >= 1 << 31:
        raise OverflowError("signed integer is greater than maximum")
    if value < -(1 << 31):
        raise OverflowError("signed integer is less than minimum")
    return value


def _m_swapaxes(a, axis1, axis2):
    axis1, axis2 = _arg_int(axis1), _arg_int(axis2)   # both parsed first, as NumPy
    axis1 = _norm_axis(axis1, a.ndim, "axis1")
    axis2 = _norm_axis(axis2, a.ndim, "axis2")
    perm = list(range(a.ndim))
    perm[axis1], perm[axis2] = perm[axis2], perm[axis1]
    return a.transpose(perm)


def swapaxes(a, axis1, axis2):
    return asanyarray(a).swapaxes(axis1, axis2)   # the method's C path


def moveaxis(a, source, destination):
    a = _asarray(a)
    source = _norm_axis_tuple(source, a.ndim, "source")
    destination = _norm_axis_tuple(destination, a.ndim, "destination")
    if len(source) != len(destination):
        raise ValueError("`source` and `destination` arguments must have the same number of elements")
    order = [n for n in range(a.ndim) if n not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return a.transpose(order)


def rollaxis(a, axis, start=0):
    a = _asarray(a)
    n = a.ndim
    axis = _norm_axis(axis, n)
    if start < 0:
        start += n
    if not 0 <= start < n + 1:
        raise AxisError(f"'start' arg requires {-n} <= start < {n + 1}, but {start} was passed in")
    if axis < start:
        start -= 1
    if axis == start:
        return a[...]
    axes = list(range(n))
    axes.remove(axis)
    axes.insert(start, axis)
    return a.transpose(axes)


def _m_squeeze(a, axis=None):
    if axis is None:
        keep = [i for i in range(a.ndim) if a.shape[i] != 1]
        if len(keep) == a.ndim:
            return a  # nothing to squeeze: NumPy returns the array itself
    else:
        if not isinstance(axis, tuple):
            axis = operator.index(axis) if not isinstance(axis, list) else _not_int(axis)
            if a.ndim == 0 and axis in (0, -1):
                return a  # NumPy lets 0 and -1 through for 0-d arrays
        axes = _norm_axis_tuple(axis, a.ndim)
        for ax in axes:
            if a.shape[ax] != 1:
                raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
        if not axes:
            return a
        keep = [i for i in range(a.ndim) if i not in axes]
    return _strided_view(a, [a.shape[i] for i in keep], [a.strides[i] for i in keep], 0,
                         a.flags.writeable)


def _not_int(obj):
    raise TypeError(f"'{type(obj).__name__}' object cannot be interpreted as an integer")


def squeeze(a, axis=None):
    a = asanyarray(a)
    return a.squeeze() if axis is None else a.squeeze(axis)   # the method's C path


def expand_dims(a, axis):
    a = _asarray(a)
    if not isinstance(axis, (tuple, list)):
        axis = (axis,)
    out_ndim = len(axis) + a.ndim
    axis = _norm_axis_tuple(axis, out_ndim)
    it = iter(a.shape)
    shape = [1 if ax in axis else next(it) for ax in range(out_ndim)]
    return a.reshape(shape)   # the method's C path


def flip(m, axis=None):
    m = _asarray(m)
    if axis is None:
        idx = (slice(None, None, -1),) * m.ndim
    else:
        axes = _norm_axis_tuple(axis, m.ndim)
        idx = tuple(slice(None, None, -1) if ax in axes else slice(None) for ax in range(m.ndim))
    return m[idx]


def flipud(m):
    m = _asarray(m)
    if m.ndim < 1:
        raise ValueError("Input must be >= 1-d.")
    return m[::-1, ...]


def fliplr(m):
    m = _asarray(m)
    if m.ndim < 2:
        raise ValueError("Input must be >= 2-d.")
    return m[:, ::-1]


def broadcast_shapes(*args):
    ndim = max((len(_shape_tuple(s)) for s in args), default=0)
    out = [1] * ndim
    for s in args:
        s = _shape_tuple(s)
        for i, d in enumerate(s):
            j = ndim - len(s) + i
            if out[j] == 1:
                out[j] = d
            elif d != 1 and d != out[j]:
                raise ValueError(
                    "shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is "
                    f"between arg 0 with shape {tuple(args[0]) if not isinstance(args[0], int) else (args[0],)} "
                    f"and arg {args.index(s) if s in args else 1} with shape {s}.")
    return tuple(out)


def _broadcast_to(a, shape, readonly):
    shape = _shape_tuple(shape)
    if not shape and a.shape:
        raise ValueError("cannot broadcast a non-scalar to a scalar array")
    if any(s < 0 for s in shape):
        raise ValueError("all elements of broadcast shape must be non-negative")
    if a.ndim > len(shape):
        raise ValueError(f"input operand has more dimensions than allowed by the axis remapping")
    strides = [0] * len(shape)
    lead = len(shape) - a.ndim
    for i in range(a.ndim):
        if a.shape[i] == shape[lead + i]:
            strides[lead + i] = a.strides[i]
        elif a.shape[i] == 1:
            strides[lead + i] = 0
        else:
            raise ValueError(
                f"operands could not be broadcast together with remapped shapes "
                f"[original->remapped]: {_fmt(a.shape) if a.ndim else '()'}  and requested shape "
                f"{_fmt(shape) if shape else '()'}")
    # NumPy builds the view with nditer, which gives length-1 axes a zero stride
    strides = [0 if n == 1 else st for n, st in zip(shape, strides)]
    w = a.flags.writeable and not readonly
    return _strided_view(a, shape, strides, 0, w)


def broadcast_to(array, shape, subok=False):
    from ndmem import asarray
    a = _asarray(array) if subok else asarray(array)
    return _broadcast_to(a, shape, True)


def broadcast_arrays(*args, subok=False):
    from ndmem import asarray
    args = [_asarray(a) if subok else asarray(a) for a in args]
    shape = broadcast_shapes(*[a.shape for a in args])
    return tuple(a if a.shape == shape else _broadcast_to(a, shape, False) for a in args)


def _c_int(value):
    """An int argument NumPy parses into a C int (PyArray_PyIntAsInt)."""
    value = operator.index(value)
    if not -_INTP_MAX - 1 <= value <= _INTP_MAX:
        raise OverflowError("Python int too large to convert to C long")
    if not -(1 << 31) <= value < 1 << 31:
        raise ValueError("integer won't fit into a C int")
    return value


def concatenate(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    if out is None and dtype is None and casting == "same_kind":
        res = _concatenate_fast(arrays, axis)
        if res is not None:
            return res
    from ndmem import asarray, empty, result_type
    if axis is not None:
        axis = _c_int(axis)
    arrays = [asarray(a) for a in arrays]
    if not arrays:
        raise ValueError("need at least one array to concatenate")
    if axis is None:
        arrays = [_m_ravel(a) for a in arrays]
        axis = 0
    nd = arrays[0].ndim
    if nd == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    axis = _norm_axis(axis, nd)
    for i, a in enumerate(arrays[1:], 1):
        if a.ndim != nd:
            raise ValueError(
                "all the input array dimensions except for the concatenation axis must match "
                f"exactly, but along dimension 0, the array at index 0 has {nd} dimension(s) "
                f"and the array at index {i} has {a.ndim} dimension(s)"
                if False else
                f"all the input arrays must have same number of dimensions, but the array at "
                f"index 0 has {nd} dimension(s) and the array at index {i} has {a.ndim} dimension(s)")
        for d in range(nd):
            if d != axis and a.shape[d] != arrays[0].shape[d]:
                raise ValueError(
                    "all the input array dimensions except for the concatenation axis must match "
                    f"exactly, but along dimension {d}, the array at index 0 has size "
                    f"{arrays[0].shape[d]} and the array at index {i} has size {a.shape[d]}")
    shape = list(arrays[0].shape)
    shape[axis] = sum(a.shape[axis] for a in arrays)
    if out is not None:
        if dtype is not None:
            raise TypeError("concatenate() only takes `out` or `dtype` as an argument, but both were provided.")
        if tuple(out.shape) != tuple(shape):
            raise ValueError("Output array has wrong dimensionality" if out.ndim != nd
                             else "Output array is the wrong shape")
        res = out
    else:
        rdt = dtype if dtype is not None else result_type(*arrays)
        res = _empty_like_layout(arrays, shape, rdt)
    from ndmem import can_cast
    for a in arrays:
        if not can_cast(a.dtype, res.dtype, casting=casting):
            raise TypeError(
                f"Cannot cast array data from dtype('{a.dtype}') to dtype('{res.dtype}') "
                f"according to the rule '{casting}'")
    pos = 0
    idx = [slice(None)] * nd
    for a in arrays:
        n = a.shape[axis]
        idx[axis] = slice(pos, pos + n)
        res[tuple(idx)] = a
        pos += n
    return res


def _stride_perm_numpy(arrays):
    """NumPy's PyArray_CreateMultiSortedStridePerm: axes by decreasing |stride|."""
    nd = arrays[0].ndim
    perm = list(range(nd))
    for i0 in range(1, nd):
        ipos = i0
        ax_j0 = perm[i0]
        for i1 in range(i0 - 1, -1, -1):
            ambig = True
            shouldswap = False
            ax_j1 = perm[i1]
            for a in arrays:
                if a.shape[ax_j0] != 1 and a.shape[ax_j1] != 1:
                    s0, s1 = abs(a.strides[ax_j0]), abs(a.strides[ax_j1])
                    if s0 <= s1:
                        shouldswap = False
                    elif ambig:
                        shouldswap = True
                    ambig = False
            if not ambig:
                if shouldswap:
                    ipos = i1
                else:
                    break
        if ipos != i0:
            del perm[i0]
            perm.insert(ipos, ax_j0)
    return perm


def _empty_like_layout(arrays, shape, dtype):
    from ndmem import dtype as _dtype
    perm = _stride_perm_numpy(arrays)
    dt = _dtype(dtype)
    strides = [0] * len(shape)
    st = dt.itemsize
    for p in reversed(perm):
        strides[p] = st
        st *= max(shape[p], 1)
    if 0 in shape:
        # NumPy zeroes every stride of a newly allocated empty array
        strides = [0] * len(shape)
    return ndarray(tuple(shape), dt, strides=tuple(strides))


def stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    from ndmem import asanyarray
    arrays = [asanyarray(a) for a in arrays]
    if not arrays:
        raise ValueError("need at least one array to stack")
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        raise ValueError("all input arrays must have the same shape")
    result_ndim = arrays[0].ndim + 1
    axis = _norm_axis(axis, result_ndim)
    shape = arrays[0].shape[:axis] + (1,) + arrays[0].shape[axis:]
    expanded = [a.reshape(shape) for a in arrays]
    return concatenate(expanded, axis=axis, out=out, dtype=dtype, casting=casting)


def atleast_1d(*arys):
    res = []
    for a in arys:
        a = _asarray(a)
        res.append(_reshape(a, (1,)) if a.ndim == 0 else a)
    return res[0] if len(res) == 1 else tuple(res)


def atleast_2d(*arys):
    res = []
    for a in arys:
        a = _asarray(a)
        if a.ndim == 0:
            a = _reshape(a, (1, 1))
        elif a.ndim == 1:
            a = a[None, :]
        res.append(a)
    return res[0] if len(res) == 1 else tuple(res)


def atleast_3d(*arys):
    res = []
    for a in arys:
        a = _asarray(a)
        if a.ndim == 0:
            a = _reshape(a, (1, 1, 1))
        elif a.ndim == 1:
            a = a[None, :, None]
        elif a.ndim == 2:
            a = a[:, :, None]
        res.append(a)
    return res[0] if len(res) == 1 else tuple(res)


def vstack(tup, *, dtype=None, casting="same_kind"):
    arrs = atleast_2d(*tup)
    if not isinstance(arrs, tuple):
        arrs = (arrs,)
    return concatenate(arrs, 0, dtype=dtype, casting=casting)


def hstack(tup, *, dtype=None, casting="same_kind"):
    arrs = atleast_1d(*tup)
    if not isinstance(arrs, tuple):
        arrs = (arrs,)
    if arrs and arrs[0].ndim == 1:
        return concatenate(arrs, 0, dtype=dtype, casting=casting)
    return concatenate(arrs, 1, dtype=dtype, casting=casting)


def dstack(tup):
    arrs = atleast_3d(*tup)
    if not isinstance(arrs, tuple):
        arrs = (arrs,)
    return concatenate(arrs, 2)


def column_stack(tup):
    from ndmem import array
    arrays = []
    for v in tup:
        arr = _asarray(v)
        if arr.ndim < 2:
            arr = array(arr, copy=None, ndmin=2).T
        arrays.append(arr)
    return concatenate(arrays, 1)


def array_split(ary, indices_or_sections, axis=0):
    ary = _asarray(ary)
    ntotal = ary.shape[axis]
    try:
        nsec = operator.index(indices_or_sections)
    except TypeError:
        div = [0] + list(indices_or_sections) + [ntotal]
    else:
        if nsec <= 0:
            raise ValueError("number sections must be larger than 0.") from None
        each, extras = divmod(ntotal, nsec)
        sizes = [0] + extras * [each + 1] + (nsec - extras) * [each]
        div = []
        acc = 0
        for s in sizes:
            acc += s
            div.append(acc)
    sub = swapaxes(ary, axis, 0)
    out = []
    for i in range(len(div) - 1):
        out.append(swapaxes(sub[div[i]:div[i + 1]], axis, 0))
    return out


def split(ary, indices_or_sections, axis=0):
    try:
        len(indices_or_sections)
    except TypeError:
        sections = indices_or_sections
        n = _asarray(ary).shape[axis]
        if n % sections:
            raise ValueError("array split does not result in an equal division") from None
    return array_split(ary, indices_or_sections, axis)


def _m_repeat(a, repeats, axis=None):
    from ndmem import asarray, empty
    if axis is None or a.ndim == 0:
        # NumPy's PyArray_CheckAxis: 0-d arrays count as 1-d
        a = a.ravel()
        axis = 0 if axis is None else axis
    axis = _norm_axis(axis, a.ndim)
    n = a.shape[axis]
    try:
        return _repeat_each(a, operator.index(repeats), axis)
    except TypeError:
        reps = [int(r) for r in (repeats if isinstance(repeats, list) else asarray(repeats).ravel().tolist())]
        if len(reps) == 1:
            return _repeat_each(a, reps[0], axis)
        if len(reps) != n:
            raise ValueError(f"operands could not be broadcast together with shape ({n},) ({len(reps)},)")
    if any(r < 0 for r in reps):
        raise ValueError("repeats may not contain negative values.")
    shape = list(a.shape)
    shape[axis] = sum(reps)
    out = empty(tuple(shape), dtype=a.dtype)
    idx = [slice(None)] * a.ndim
    src = [slice(None)] * a.ndim
    pos = 0
    for i, r in enumerate(reps):
        if r == 0:
            continue
        src[axis] = slice(i, i + 1)
        idx[axis] = slice(pos, pos + r)
        out[tuple(idx)] = a[tuple(src)]
        pos += r
    return out


def _repeat_each(a, r, axis):
    """Every element r times along axis, as one broadcast copy: the result
    seen as (..., n, r, ...) takes a seen as (..., n, 1, ...)."""
    n = a.shape[axis]
    if r < 0:
        if n:
            raise ValueError("negative dimensions are not allowed")
        r = 0   # NumPy: n * r elements, none here
    before, after = a.shape[:axis], a.shape[axis + 1:]
    out = _empty(before + (n * r,) + after, dtype=a.dtype)
    out.reshape(before + (n, r) + after)[...] = a.reshape(before + (n, 1) + after)
    return out


def repeat(a, repeats, axis=None):
    res = _repeat(a, repeats, axis)
    if res is not NotImplemented:
        return res
    return _m_repeat(_asarray(a), repeats, axis)


def tile(A, reps):
    array = _array
    try:
        tup = tuple(reps)
    except TypeError:
        tup = (reps,)
    d = len(tup)
    if all(x == 1 for x in tup) and isinstance(A, ndarray):
        return array(A, copy=True, ndmin=d)
    c = array(A, copy=None, ndmin=d)
    if d < c.ndim:
        tup = (1,) * (c.ndim - d) + tup
    shape_out = tuple(s * t for s, t in zip(c.shape, tup))
    n = c.size
    if n > 0:
        for dim_in, nrep in zip(c.shape, tup):
            if nrep != 1:
                c = c.reshape(-1, n)
                res = _repeat(c, nrep, 0)
                c = _m_repeat(c, nrep, 0) if res is NotImplemented else res
            n //= dim_in if dim_in else 1
    return c.reshape(shape_out)


def roll(a, shift, axis=None):
    a = _asarray(a)
    if axis is None:
        return _reshape(roll(_m_ravel(a), shift, 0), a.shape)
    from ndmem import empty
    axes = _norm_axis_tuple(axis, a.ndim, "axis") if False else None
    ax_list = list(axis) if isinstance(axis, (tuple, list)) else [axis]
    sh_list = list(shift) if isinstance(shift, (tuple, list)) else [shift]
    if len(sh_list) == 1:
        sh_list = sh_list * len(ax_list)
    if len(ax_list) == 1:
        ax_list = ax_list * len(sh_list)
    if len(ax_list) != len(sh_list):
        raise ValueError("'shift' and 'axis' should be scalars or 1D sequences")
    shifts = {ax: 0 for ax in range(a.ndim)}
    for sh, ax in zip(sh_list, ax_list):
        shifts[_norm_axis(ax, a.ndim)] += operator.index(sh)
    del axes
    rolls = [((slice(None), slice(None)),)] * a.ndim
    for ax, offset in shifts.items():
        offset %= a.shape[ax] or 1
        if offset:
            rolls[ax] = ((slice(None, -offset), slice(offset, None)),
                         (slice(-offset, None), slice(None, offset)))
    from ndmem import empty_like
    result = empty_like(a)
    import itertools
    for indices in itertools.product(*rolls):
        arr_index, res_index = zip(*indices)
        result[res_index] = a[arr_index]
    return result


def _index_pairs(x, ndim):
    """NumPy's _as_pairs(x, ndim, as_index=True) for an integer array: one
    (before, after) pair per axis."""
    if x.ndim < 3:
        flat = [int(v) for v in _m_ravel(x).tolist()]
        if x.size == 1:
            if flat[0] < 0:
                raise ValueError("index can't contain negative values")
            return [(flat[0], flat[0])] * ndim
        if x.size == 2 and x.shape != (2, 1):
            if flat[0] < 0 or flat[1] < 0:
                raise ValueError("index can't contain negative values")
            return [(flat[0], flat[1])] * ndim
    if x.size == 0:
        raise ValueError("zero-size array to reduction operation minimum which has no identity")
    if min(_m_ravel(x).tolist()) < 0:
        raise ValueError("index can't contain negative values")
    return [tuple(int(v) for v in p) for p in broadcast_to(x, (ndim, 2)).tolist()]


# NumPy's pad modes: a name outside them is a ValueError, as in NumPy.
_PAD_MODES = ("constant", "edge", "linear_ramp", "maximum", "mean", "median",
              "minimum", "reflect", "symmetric", "wrap", "empty")


def pad(array, pad_width, mode="constant", **kwargs):
    from ndmem import asarray, empty
    a = asarray(array)
    if mode not in _PAD_MODES:
        raise ValueError(f"mode {mode!r} is not supported")
    if mode != "constant":
        raise NotImplementedError(f"pad mode {mode!r} is not supported")
    nd = a.ndim
    pw = asarray(pad_width)
    if pw.dtype.kind != "i":
        raise TypeError("`pad_width` must be of integral type.")
    pw = _index_pairs(pw, nd)
    cv = kwargs.get("constant_values", 0)
    shape = tuple(s + lo + hi for s, (lo, hi) in zip(a.shape, pw))
    out = empty(shape, dtype=a.dtype, order="F" if (a.flags.f_contiguous and not a.flags.c_contiguous) else "C")
    try:
        cvs = [(cv, cv)] * nd if not isinstance(cv, (list, tuple)) else None
    except TypeError:
        cvs = None
    if cvs is None:
        cvl = list(cv)
        if len(cvl) == 2 and not isinstance(cvl[0], (list, tuple)):
            cvs = [tuple(cvl)] * nd
        elif len(cvl) == 1:
            c = cvl[0]
            cvs = [(c, c) if not isinstance(c, (list, tuple)) else tuple(c) * (2 if len(c) == 1 else 1)] * nd
        else:
            cvs = [tuple(c) if isinstance(c, (list, tuple)) else (c, c) for c in cvl]
    out[...] = 0
    for ax in range(nd):
        lo, hi = pw[ax]
        idx = [slice(None)] * nd
        if lo:
            idx[ax] = slice(0, lo)
            out[tuple(idx)] = cvs[ax][0]
        if hi:
            idx[ax] = slice(shape[ax] - hi, shape[ax])
            out[tuple(idx)] = cvs[ax][1]
    inner = tuple(slice(lo, lo + s) for s, (lo, hi) in zip(a.shape, pw))
    out[inner] = a
    return out


import ndmem.lib.stride_tricks  # noqa: E402,F401  (so ndmem.lib.stride_tricks is reachable)


class flatiter:
    """a.flat: a C-order iterator over the elements of a, indexable (as NumPy)."""

    __slots__ = ("_base", "_index")
    __module__ = "ndmem"

    def __init__(self, base):
        self._base = base
        self._index = 0

    @property
    def base(self):
        return self._base

    @property
    def index(self):
        return self._index

    @property
    def coords(self):
        return self._coords(self._index)

    def _coords(self, i):
        out = []
        for d in reversed(self._base.shape):
            out.append(i % d if d else 0)
            i = i // d if d else 0
        return tuple(reversed(out))

    def __len__(self):
        return self._base.size

    def __iter__(self):
        return self

    def __next__(self):
        if self._index >= self._base.size:
            raise StopIteration
        v = self._base[self._coords(self._index)]
        self._index += 1
        return v

    def copy(self):
        return _m_flatten(self._base, "C")

    def __array__(self, dtype=None, copy=None):
        r = self.copy()
        return r if dtype is None else r.astype(dtype)

    def _positions(self, key):
        from ndmem import arange
        n = self._base.size
        if key is Ellipsis:
            return None, list(range(n))
        try:
            i = operator.index(key)
        except TypeError:
            pass
        else:
            if i < -n or i >= n:
                raise IndexError(f"index {i} is out of bounds for size {n}")
            return i % n, None
        if isinstance(key, tuple):
            if len(key) == 1:
                return self._positions(key[0])
            raise IndexError("unsupported iterator index")
        try:
            pos = arange(n)[key]
        except IndexError as exc:
            # NumPy's flat iterator names no axis
            raise IndexError(str(exc).replace(" for axis 0 with size ", " for size ")) from None
        return None, pos

    def __getitem__(self, key):
        i, pos = self._positions(key)
        if i is not None:
            return self._base[self._coords(i)]
        flat = _m_flatten(self._base, "C")
        if pos is not None and isinstance(pos, list):
            return flat
        r = flat[key if not isinstance(key, tuple) else key[0]]
        return r if r.flags.owndata else r.copy()

    def __setitem__(self, key, value):
        from ndmem import asarray
        a = self._base
        if not a.flags.writeable:
            raise ValueError("assignment destination is read-only")
        i, pos = self._positions(key)
        vals = asarray(value, dtype=a.dtype)
        vals = _m_flatten(vals, "C") if vals.ndim != 1 else vals
        if i is not None:
            a[self._coords(i)] = vals[0] if vals.size else value
            return
        positions = pos if isinstance(pos, list) else _m_ravel(pos).tolist()
        if not positions:
            return
        if vals.size == 0:
            return
        m = vals.size
        for k, p in enumerate(positions):
            a[self._coords(p)] = vals[k % m]


def _flat_get(a):
    return flatiter(a)


def _flat_set(a, value):
    flatiter(a)[...] = value
