"""Reductions: sum, prod, mean, std, var, min, max, argmin, argmax, any, all,
cumsum, cumprod, ptp, count_nonzero and the NaN-ignoring nansum, nanmean,
nanmin, nanmax (NumPy's fromnumeric.py, _methods.py and _nanfunctions_impl.py).

The ndarray methods of the same names call these functions with the array
as first argument.  The work is done by ``ufunc.reduce``/``accumulate`` in
the C core, which iterates in NumPy's order so float results match NumPy.
"""

import operator
import warnings

from ndmem import _core

__all__ = ["sum", "prod", "mean", "std", "var", "min", "max", "amin", "amax",
           "argmin", "argmax", "any", "all", "cumsum", "cumprod", "ptp",
           "count_nonzero", "nansum", "nanmean", "nanmin", "nanmax", "nanprod",
           "nanargmin", "nanargmax", "nancumsum", "nancumprod", "nanvar",
           "nanstd"]


class _NoValueType:
    """Marks an argument that was not given (NumPy's np._NoValue)."""

    def __repr__(self):
        return "<no value>"


_NoValue = _NoValueType()

_INT_KINDS = "biu"


def _asarray(a):
    if isinstance(a, _core.ndarray):
        return a
    return _core.asarray(a)


def _ufunc(name):
    # Looked up at call time: the ufuncs live in the core's ufunc room.
    return getattr(_core, name)


def _given(**kwargs):
    return {k: v for k, v in kwargs.items() if v is not _NoValue}


def _reduce(ufunc, a, axis, dtype, out, **kwargs):
    return _ufunc(ufunc).reduce(a, axis=axis, dtype=dtype, out=out,
                                **_given(**kwargs))


def _any_true(x):
    return bool(_ufunc("logical_or").reduce(x, axis=None))


def _normalize_axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if not isinstance(axis, tuple):
        axis = (axis,)
    out = []
    for ax in axis:
        ax = operator.index(ax)
        if not -ndim <= ax < ndim:
            raise _core.AxisError(ax, ndim)
        out.append(ax % ndim if ndim else ax)
    return tuple(out)


def _count(arr, axis, keepdims, where):
    """Number of elements each output element reduces (NumPy's
    _count_reduce_items): an intp scalar, or an array when where= is one."""
    if where is True or where is _NoValue:
        items = 1
        for ax in _normalize_axes(axis, arr.ndim):
            items *= arr.shape[ax]
        return _core.int64(items)
    from ndmem._shape import broadcast_to
    mask = broadcast_to(_asarray(where), arr.shape)
    return _ufunc("add").reduce(mask, axis=axis, dtype=_core.int64,
                                keepdims=keepdims)


def sum(a, axis=None, dtype=None, out=None, keepdims=_NoValue,
        initial=_NoValue, where=_NoValue):
    """Sum of array elements over the given axes.

    Parameters
    ----------
    a : array_like
    axis : None, int or tuple of ints, optional
    dtype : dtype, optional
        Accumulator and result type; bools and integers smaller than the
        platform integer sum in int64 (uint64 for unsigned).
    out : ndarray, optional
    keepdims : bool, optional
    initial : scalar, optional
        Starting value of the sum.
    where : array_like of bool, optional
        Elements to include.

    Returns
    -------
    ndarray or scalar
        A scalar when the result is 0-d and `out` is not given.
    """
    return _reduce("add", a, axis, dtype, out, keepdims=keepdims,
                   initial=initial, where=where)


def prod(a, axis=None, dtype=None, out=None, keepdims=_NoValue,
         initial=_NoValue, where=_NoValue):
    """Product of array elements over the given axes (see `sum` for the
    parameters and the accumulator type)."""
    return _reduce("multiply", a, axis, dtype, out, keepdims=keepdims,
                   initial=initial, where=where)


def max(a, axis=None, out=None, keepdims=_NoValue, initial=_NoValue,
        where=_NoValue):
    """Maximum over the given axes; NaN propagates.

    Raises ValueError for an empty reduction without `initial`."""
    return _reduce("maximum", a, axis, None, out, keepdims=keepdims,
                   initial=initial, where=where)


def min(a, axis=None, out=None, keepdims=_NoValue, initial=_NoValue,
        where=_NoValue):
    """Minimum over the given axes; NaN propagates.

    Raises ValueError for an empty reduction without `initial`."""
    return _reduce("minimum", a, axis, None, out, keepdims=keepdims,
                   initial=initial, where=where)


amax = max
amin = min


def any(a, axis=None, out=None, keepdims=_NoValue, *, where=_NoValue):
    """True if any element over the given axes is true (a bool scalar or
    array)."""
    return _reduce("logical_or", a, axis, _core.bool_, out,
                   keepdims=keepdims, where=where)


def all(a, axis=None, out=None, keepdims=_NoValue, *, where=_NoValue):
    """True if every element over the given axes is true (a bool scalar or
    array)."""
    return _reduce("logical_and", a, axis, _core.bool_, out,
                   keepdims=keepdims, where=where)


def _accumulate(method, a, axis, dtype, out):
    # The ndarray methods flatten for axis=None and treat 0-d as 1-d.
    return getattr(_asarray(a), method)(axis=axis, dtype=dtype, out=out)


def cumsum(a, axis=None, dtype=None, out=None):
    """Cumulative sum along an axis (None: over the C-order flattening)."""
    return _accumulate("cumsum", a, axis, dtype, out)


def cumprod(a, axis=None, dtype=None, out=None):
    """Cumulative product along an axis (None: over the C-order
    flattening)."""
    return _accumulate("cumprod", a, axis, dtype, out)


def ptp(a, axis=None, out=None, keepdims=_NoValue):
    """Range of values (maximum - minimum) over the given axes."""
    kw = _given(keepdims=keepdims)
    hi = _ufunc("maximum").reduce(a, axis=axis, out=out, **kw)
    lo = _ufunc("minimum").reduce(a, axis=axis, **kw)
    if out is None:
        return _ufunc("subtract")(hi, lo)
    return _ufunc("subtract")(hi, lo, out=out)


def _argext(a, axis, out, keepdims, want_max):
    arr = _asarray(a)
    if arr.ndim == 0 and axis is not None:
        _normalize_axes(axis, 1)
        axis = None
    res = _core._argext(arr, axis, want_max)
    if keepdims is True:
        shape = list(arr.shape)
        if axis is None:
            shape = [1] * arr.ndim
        else:
            shape[_normalize_axes(axis, arr.ndim)[0]] = 1
        res = _core.asarray(res)
        # NumPy makes the keepdims result fresh: an empty one has zero strides
        res = res.reshape(shape) if res.size else _core.empty(shape, res.dtype)
    if out is not None:
        if not isinstance(out, _core.ndarray):
            raise TypeError("return arrays must be of ArrayType")
        if out.shape != _core.asarray(res).shape:
            raise ValueError("output array does not match result of np.%s."
                             % ("argmax" if want_max else "argmin"))
        # NumPy checks the out dtype in the reverse direction (out -> intp).
        if not _core.can_cast(out.dtype, _core.int64, "safe"):
            raise TypeError(f"Cannot cast array data from {out.dtype!r} to "
                            "dtype('int64') according to the rule 'safe'")
        out[...] = res
        return out
    if isinstance(res, int):
        return _core.int64(res)
    if type(arr) is not _core.ndarray:
        # NumPy makes the result with the input's type.
        return res.view(type(arr))
    if res.ndim == 0:
        return res[()]
    return res


def argmax(a, axis=None, out=None, *, keepdims=_NoValue):
    """Indices of the maximum values along an axis (None: into the C-order
    flattening).  The first occurrence wins, and a NaN counts as the
    maximum."""
    return _argext(a, axis, out, keepdims, True)


def argmin(a, axis=None, out=None, *, keepdims=_NoValue):
    """Indices of the minimum values along an axis (None: into the C-order
    flattening).  The first occurrence wins, and a NaN counts as the
    minimum."""
    return _argext(a, axis, out, keepdims, False)


def mean(a, axis=None, dtype=None, out=None, keepdims=_NoValue, *,
         where=_NoValue):
    """Arithmetic mean over the given axes.

    Integers and bools are summed in float64, float16 in float32 (the
    result is float16 again); other types in their own type.
    """
    if (axis is None and dtype is None and out is None and keepdims is _NoValue
            and where is _NoValue and type(a) is _core.ndarray and a.size
            and a.dtype.char in _MEAN_FAST):
        return _mean_all(a)
    arr = _asarray(a)
    kd = keepdims is True
    rcount = _count(arr, axis, kd, where)
    if _any_true(_ufunc("equal")(rcount, 0)):
        warnings.warn("Mean of empty slice", RuntimeWarning, stacklevel=2)
    f16 = False
    if dtype is None:
        if arr.dtype.kind in _INT_KINDS:
            dtype = _core.dtype("f8")
        elif arr.dtype == _core.dtype("f2"):
            dtype = _core.dtype("f4")
            f16 = True
    ret = _reduce("add", arr, axis, dtype, out, keepdims=keepdims,
                  where=where)
    if isinstance(ret, _core.ndarray):
        ret = _ufunc("true_divide")(ret, rcount, out=ret, casting="unsafe")
        if f16 and out is None:
            ret = ret.astype(arr.dtype)
        return ret
    if f16:
        return arr.dtype.type(ret / rcount)
    return ret.dtype.type(ret / rcount)


# Types whose mean over everything needs none of mean()'s general steps:
# the sum in float64 (integers, bools) or in the type itself, then NumPy's
# ret.dtype.type(ret / count), a float64 division.
_MEAN_FAST = frozenset("dfbhilqBHILQ?")


def _mean_all(a):
    add = _core.add
    if a.dtype.char in "fd":
        total = add.reduce(a, None)
    else:
        total = add.reduce(a, None, _core.float64)
    return total.dtype.type(float(total) / a.size)


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=_NoValue, *,
        where=_NoValue, mean=_NoValue, correction=_NoValue):
    """Variance over the given axes: mean((a - a.mean())**2) with
    ``ddof`` degrees of freedom removed from the count.

    Same results as NumPy's two-pass formula, bit for bit: for plain
    ndarrays without where=, out= or mean= the squared deviations are
    summed in one fused pass (same roundings, same summation order),
    without NumPy's temporary the size of `a`.  When that pass meets a
    floating-point exception (inf - inf, overflow) NumPy's own path runs
    instead, so the warnings name the same operations.
    """
    if correction is not _NoValue:
        if ddof != 0:
            raise ValueError("ddof and correction can't be provided simultaneously.")
        ddof = correction
    arr = _asarray(a)
    kd = keepdims is True
    rcount = _count(arr, axis, kd, where)
    if _any_true(_ufunc("greater_equal")(ddof, rcount)):
        warnings.warn("Degrees of freedom <= 0 for slice", RuntimeWarning,
                      stacklevel=2)
    if dtype is None and arr.dtype.kind in _INT_KINDS:
        dtype = _core.dtype("f8")
    if mean is not _NoValue:
        arrmean = mean
    else:
        arrmean = _reduce("add", arr, axis, dtype, None, keepdims=True,
                          where=where)
        div = rcount
        if isinstance(rcount, _core.ndarray):
            div = rcount.reshape(arrmean.shape)
        if isinstance(arrmean, _core.ndarray):
            arrmean = _ufunc("true_divide")(arrmean, div, out=arrmean,
                                            casting="unsafe")
        else:
            arrmean = arrmean.dtype.type(arrmean / rcount)
    fused = getattr(_core, "_var_sq", None)
    if (fused is not None and mean is _NoValue and out is None
            and (where is _NoValue or where is True)
            and _fusable(arr, arrmean, dtype)):
        ret = fused(arr, arrmean, _normalize_axes(axis, arr.ndim), kd)
    else:
        ret = None
    if ret is None:
        ret = _sq_dev_sum(arr, arrmean, axis, dtype, out, keepdims, where)
    rcount = _ufunc("maximum")(_ufunc("subtract")(rcount, ddof), 0)
    if isinstance(ret, _core.ndarray):
        return _ufunc("true_divide")(ret, rcount, out=ret, casting="unsafe")
    return ret.dtype.type(ret / rcount)


def _fusable(arr, arrmean, dtype):
    # The fused pass reproduces NumPy's arithmetic for these cases only.
    if (type(arr) is not _core.ndarray or not isinstance(arrmean, _core.ndarray)
            or arr.size == 0):
        return False
    k = arr.dtype.char
    if arr.dtype.kind in _INT_KINDS:
        return arrmean.dtype.char == "d" and dtype == _core.dtype("f8")
    return (dtype is None and k in "efdFD" and arrmean.dtype == arr.dtype
            and arr.dtype.isnative)


def _sq_dev_sum(arr, arrmean, axis, dtype, out, keepdims, where):
    # NumPy's own formula, with its temporary.
    x = _asarray(_ufunc("subtract")(arr, arrmean))
    if arr.dtype.kind in "iuf":
        x = _ufunc("square")(x, out=x)
    elif x.dtype.kind == "c":
        re, im = x.real, x.imag
        _ufunc("square")(re, out=re)
        _ufunc("square")(im, out=im)
        x = _ufunc("add")(re, im, out=re)
    else:
        x = _ufunc("multiply")(x, x, out=x)
    return _reduce("add", x, axis, dtype, out, keepdims=keepdims, where=where)


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=_NoValue, *,
        where=_NoValue, mean=_NoValue, correction=_NoValue):
    """Standard deviation over the given axes: the square root of `var`."""
    ret = var(a, axis=axis, dtype=dtype, out=out, ddof=ddof,
              keepdims=keepdims, where=where, mean=mean, correction=correction)
    if isinstance(ret, _core.ndarray):
        return _ufunc("sqrt")(ret, out=ret)
    return ret.dtype.type(_ufunc("sqrt")(ret))


def count_nonzero(a, axis=None, *, keepdims=False):
    """Number of non-zero elements over the given axes (an intp scalar or
    array)."""
    arr = _asarray(a)
    if arr.dtype.kind in "SU":
        # A string is non-zero when any of its bytes is (NumPy compares
        # with the empty string).
        chars = _core.ascontiguousarray(arr).view(_core.uint8)
        chars = chars.reshape(arr.shape + (arr.dtype.itemsize,))
        nz = _ufunc("logical_or").reduce(chars, axis=-1)
    else:
        nz = arr.astype(_core.bool_, copy=False)
    return _ufunc("add").reduce(nz, axis=axis, dtype=_core.int64,
                                keepdims=keepdims)


def _replace_nan(a, val):
    """A copy of a with NaNs replaced by val, and the NaN mask (None when
    a cannot hold NaN)."""
    arr = _asarray(a)
    if arr.dtype.kind not in "fc":
        return arr, None
    mask = _ufunc("isnan")(arr)
    arr = _core.array(arr, copy=True, subok=True)
    arr[mask] = val
    return arr, mask


def nansum(a, axis=None, dtype=None, out=None, keepdims=_NoValue,
           initial=_NoValue, where=_NoValue):
    """Sum treating NaNs as zero (see `sum`)."""
    arr, _ = _replace_nan(a, 0)
    return sum(arr, axis=axis, dtype=dtype, out=out, keepdims=keepdims,
               initial=initial, where=where)


def nanmean(a, axis=None, dtype=None, out=None, keepdims=_NoValue, *,
            where=_NoValue):
    """Mean ignoring NaNs; an all-NaN slice gives NaN and a RuntimeWarning."""
    arr, mask = _replace_nan(a, 0)
    if mask is None:
        return globals()["mean"](arr, axis=axis, dtype=dtype, out=out,
                                 keepdims=keepdims, where=where)
    if dtype is not None:
        dtype = _core.dtype(dtype)
        if dtype.kind not in "fc":
            raise TypeError("If a is inexact, then dtype must be inexact")
    if out is not None and out.dtype.kind not in "fc":
        raise TypeError("If a is inexact, then out must be inexact")
    cnt = sum(_ufunc("logical_not")(mask), axis=axis, dtype=_core.int64,
              keepdims=keepdims, where=where)
    tot = sum(arr, axis=axis, dtype=dtype, out=out, keepdims=keepdims,
              where=where)
    from ndmem._ufunc_config import errstate
    with errstate(invalid="ignore", divide="ignore"):
        if isinstance(tot, _core.ndarray):
            avg = _ufunc("true_divide")(tot, cnt, out=tot if out is None else out,
                                        casting="unsafe")
        elif out is None:
            avg = tot.dtype.type(tot / cnt)
        else:
            avg = _ufunc("true_divide")(tot, cnt, out=out, casting="unsafe")
    if _any_true(_ufunc("equal")(cnt, 0)):
        warnings.warn("Mean of empty slice", RuntimeWarning, stacklevel=2)
    return avg


def _nan_ext(ufunc, a, axis, out, keepdims, initial, where):
    kw = _given(keepdims=keepdims, initial=initial, where=where)
    res = _ufunc(ufunc).reduce(a, axis=axis, out=out, **kw)
    if _any_true(_ufunc("isnan")(res)):
        warnings.warn("All-NaN slice encountered", RuntimeWarning, stacklevel=3)
    return res


def nanmax(a, axis=None, out=None, keepdims=_NoValue, initial=_NoValue,
           where=_NoValue):
    """Maximum ignoring NaNs; an all-NaN slice gives NaN and a
    RuntimeWarning."""
    return _nan_ext("fmax", a, axis, out, keepdims, initial, where)


def nanmin(a, axis=None, out=None, keepdims=_NoValue, initial=_NoValue,
           where=_NoValue):
    """Minimum ignoring NaNs; an all-NaN slice gives NaN and a
    RuntimeWarning."""
    return _nan_ext("fmin", a, axis, out, keepdims, initial, where)


def nanprod(a, axis=None, dtype=None, out=None, keepdims=_NoValue,
            initial=_NoValue, where=_NoValue):
    """Product treating NaNs as one (see `prod`)."""
    arr, _ = _replace_nan(a, 1)
    return prod(arr, axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                initial=initial, where=where)


def nancumsum(a, axis=None, dtype=None, out=None):
    """Cumulative sum treating NaNs as zero (see `cumsum`)."""
    arr, _ = _replace_nan(a, 0)
    return cumsum(arr, axis=axis, dtype=dtype, out=out)


def nancumprod(a, axis=None, dtype=None, out=None):
    """Cumulative product treating NaNs as one (see `cumprod`)."""
    arr, _ = _replace_nan(a, 1)
    return cumprod(arr, axis=axis, dtype=dtype, out=out)


def _nanarg(a, axis, out, keepdims, want_max):
    arr, mask = _replace_nan(a, float("-inf") if want_max else float("inf"))
    if mask is not None and mask.size:
        if _any_true(_ufunc("logical_and").reduce(mask, axis=axis)):
            raise ValueError("All-NaN slice encountered")
    return _argext(arr, axis, out, keepdims, want_max)


def nanargmax(a, axis=None, out=None, *, keepdims=_NoValue):
    """Indices of the maximum values ignoring NaNs; ValueError for an
    all-NaN slice."""
    return _nanarg(a, axis, out, keepdims, True)


def nanargmin(a, axis=None, out=None, *, keepdims=_NoValue):
    """Indices of the minimum values ignoring NaNs; ValueError for an
    all-NaN slice."""
    return _nanarg(a, axis, out, keepdims, False)


def _divide_by_count(a, b, out=None):
    """a / b quietly, in place for arrays (NumPy's nanfunctions helper)."""
    from ndmem._ufunc_config import errstate
    with errstate(invalid="ignore", divide="ignore"):
        if isinstance(a, _core.ndarray):
            return _ufunc("true_divide")(a, b, out=a if out is None else out,
                                         casting="unsafe")
        if out is None:
            return a.dtype.type(a / b)
        return _ufunc("true_divide")(a, b, out=out, casting="unsafe")


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=_NoValue, *,
           where=_NoValue, mean=_NoValue, correction=_NoValue):
    """Variance ignoring NaNs (NumPy's formula); a slice with no more than
    ``ddof`` numbers gives NaN and a RuntimeWarning."""
    arr, mask = _replace_nan(a, 0)
    if mask is None:
        return var(arr, axis=axis, dtype=dtype, out=out, ddof=ddof,
                   keepdims=keepdims, where=where, mean=mean,
                   correction=correction)
    if dtype is not None:
        dtype = _core.dtype(dtype)
        if dtype.kind not in "fc":
            raise TypeError("If a is inexact, then dtype must be inexact")
    if out is not None and out.dtype.kind not in "fc":
        raise TypeError("If a is inexact, then out must be inexact")
    if correction is not _NoValue:
        if ddof != 0:
            raise ValueError("ddof and correction can't be provided simultaneously.")
        ddof = correction
    w = _given(where=where)
    cnt = sum(_ufunc("logical_not")(mask), axis=axis, dtype=_core.int64,
              keepdims=True, **w)
    if mean is not _NoValue:
        avg = mean
    else:
        avg = _divide_by_count(sum(arr, axis=axis, dtype=dtype, keepdims=True, **w), cnt)
    _ufunc("subtract")(arr, avg, out=arr, casting="unsafe", **w)
    arr[mask] = 0
    if arr.dtype.kind == "c":
        sqr = _ufunc("multiply")(arr, _ufunc("conjugate")(arr), out=arr, **w).real
    else:
        sqr = _ufunc("multiply")(arr, arr, out=arr, **w)
    res = sum(sqr, axis=axis, dtype=dtype, out=out, keepdims=keepdims, **w)
    if _asarray(res).ndim < cnt.ndim:
        cnt = cnt.squeeze(axis)
    dof = _ufunc("subtract")(cnt, ddof)
    res = _divide_by_count(res, dof)
    isbad = _ufunc("less_equal")(dof, 0)
    if _any_true(isbad):
        warnings.warn("Degrees of freedom <= 0 for slice.", RuntimeWarning,
                      stacklevel=2)
        if isinstance(res, _core.ndarray):
            res[_asarray(isbad)] = float("nan")
        else:
            res = res.dtype.type(float("nan"))
    return res


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=_NoValue, *,
           where=_NoValue, mean=_NoValue, correction=_NoValue):
    """Standard deviation ignoring NaNs: the square root of `nanvar`."""
    res = nanvar(a, axis=axis, dtype=dtype, out=out, ddof=ddof,
                 keepdims=keepdims, where=where, mean=mean, correction=correction)
    if isinstance(res, _core.ndarray):
        return _ufunc("sqrt")(res, out=res)
    return res.dtype.type(_ufunc("sqrt")(res))
