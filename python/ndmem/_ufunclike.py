"""Element-wise functions built from the ufuncs: where, isclose, allclose,
array_equal, array_equiv and clip (NumPy's numeric.py and fromnumeric.py)."""

import builtins
import contextlib
import warnings

import ndmem as _nm

__all__ = ["where", "isclose", "allclose", "array_equal", "array_equiv", "clip"]

_WEAK_SCALARS = (int, float, complex)


def _is_weak(x):
    # Python int/float/complex take the dtype of the other operand (NEP 50);
    # bool is a strong bool.
    return type(x) in _WEAK_SCALARS


def _ufunc(name):
    return getattr(_nm, name)


@contextlib.contextmanager
def _ignore_invalid():
    """Silence 'invalid value' floating-point reports (np.errstate(invalid='ignore'))."""
    errstate = getattr(_nm, "errstate", None)
    if errstate is not None:
        with errstate(invalid="ignore"):
            yield
        return
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "invalid value encountered", RuntimeWarning)
        yield


def _broadcast_strides(a, shape):
    # the strides a has when broadcast to shape; 0 on every length-1 axis
    # (the iterator's view of it)
    off = len(shape) - a.ndim
    return [0] * off + [0 if n == 1 else st for n, st in zip(a.shape, a.strides)]


def _result_like(shape, dtype, *arrays):
    """An uninitialised array in NumPy's 'K' order for these operands.

    The axes are sorted by the operands' strides as NumPy's iterator does
    (npyiter_find_best_axis_ordering): innermost first, an axis moves
    inwards when some operand walks it with a smaller stride and none
    prefers the C order.
    """
    nd = len(shape)
    if 0 in shape:
        return _nm.empty(shape, dtype=dtype)      # all-zero strides, as NumPy
    strides = [_broadcast_strides(a, shape) for a in arrays]
    order = list(range(nd - 1, -1, -1))     # innermost first, C order
    for i0 in range(1, nd):
        ax0 = order[i0]
        pos = i0
        for i1 in range(i0 - 1, -1, -1):
            ax1 = order[i1]
            ambiguous, swap = True, False
            for st in strides:
                s0, s1 = st[ax0], st[ax1]
                if s0 != 0 and s1 != 0:
                    if abs(s1) <= abs(s0):
                        swap = False
                    elif ambiguous:
                        swap = True
                    ambiguous = False
            if ambiguous or not swap:
                break
            pos = i1
        order.insert(pos, order.pop(i0))
    dtype = _nm.dtype(dtype)
    result_strides = [0] * nd
    step = dtype.itemsize
    for ax in order:
        result_strides[ax] = step
        step *= shape[ax]
    return _nm.ndarray(shape, dtype=dtype, strides=tuple(result_strides))


def where(condition, x=None, y=None, /):
    """Return elements chosen from `x` or `y` depending on `condition`.

    Parameters
    ----------
    condition : array_like, bool
        Where True, yield `x`, otherwise yield `y`.
    x, y : array_like
        Values from which to choose. `x`, `y` and `condition` need to be
        broadcastable to some shape.

    Returns
    -------
    out : ndarray
        An array with elements from `x` where `condition` is True, and
        elements from `y` elsewhere.  With only `condition` given, the
        indices of its nonzero elements (``condition.nonzero()``).

    Notes
    -----
    The result dtype is ``result_type(x, y)`` with Python scalars weak
    (NEP 50).  The result is filled in place (``copyto`` with ``where=``),
    so no full-size temporaries are made besides the boolean condition
    when it is not boolean already.
    """
    if x is None and y is None:
        return _nm.asanyarray(condition).nonzero()
    if x is None or y is None:
        raise ValueError("either both or neither of x and y should be given")
    asarray = _nm.asarray
    cond = asarray(condition)
    if cond.dtype != bool:
        cond = cond.astype(bool)
    xa = x if _is_weak(x) else asarray(x)
    ya = y if _is_weak(y) else asarray(y)
    dtype = _nm.result_type(xa, ya)
    xa, ya = asarray(xa), asarray(ya)
    if (cond.shape == xa.shape == ya.shape and cond.flags.c_contiguous
            and xa.flags.c_contiguous and ya.flags.c_contiguous):
        out = _nm.empty(cond.shape, dtype=dtype)     # what 'K' order gives them
    else:
        shape = _nm.broadcast_shapes(cond.shape, xa.shape, ya.shape)
        out = _result_like(shape, dtype, cond, xa, ya)
    # A small operand of another dtype is cast up front so that the common
    # case is one pass; large ones are cast in copyto's buffers instead.
    xa = xa.astype(dtype) if xa.dtype != dtype and xa.size <= 1 else xa
    ya = ya.astype(dtype) if ya.dtype != dtype and ya.size <= 1 else ya
    if xa.dtype == dtype and ya.dtype == dtype:
        _nm._core._where_select(out, cond, xa, ya)
        return out
    _nm.copyto(out, ya, casting="unsafe")
    _nm.copyto(out, xa, casting="unsafe", where=cond)
    return out


def isclose(a, b, rtol=1.e-5, atol=1.e-8, equal_nan=False):
    """Element-wise test whether two arrays are equal within a tolerance.

    ``absolute(a - b) <= (atol + rtol * absolute(b))``, plus exact
    equality (infinities of the same sign are close).

    Parameters
    ----------
    a, b : array_like
        Input arrays to compare.
    rtol : array_like
        The relative tolerance.
    atol : array_like
        The absolute tolerance.
    equal_nan : bool
        Whether to compare NaN's as equal.

    Returns
    -------
    y : array_like
        A boolean array of where `a` and `b` are equal within the given
        tolerance; a boolean scalar for scalar inputs.
    """
    def prep(v):
        return v if isinstance(v, _WEAK_SCALARS) else _nm.asanyarray(v)

    x, y, atol, rtol = prep(a), prep(b), prep(atol), prep(rtol)
    # y inexact keeps abs() away from abs(MIN_INT)
    dtype = getattr(y, "dtype", None)
    if dtype is not None:
        y = _nm.asanyarray(y, dtype=_nm.result_type(y, 1.))
    elif isinstance(y, int):
        y = float(y)

    isfinite = _ufunc("isfinite")
    if not (_all(isfinite(atol)) and _all(isfinite(rtol))):
        _report_invalid(f"One of rtol or atol is not valid, atol: {atol}, rtol: {rtol}")

    with _ignore_invalid():
        result = (_ufunc("less_equal")(abs(x - y), atol + rtol * abs(y))
                  & isfinite(y)
                  | (x == y))
        if equal_nan:
            isnan = _ufunc("isnan")
            result |= isnan(x) & isnan(y)
    return result[()]


def _report_invalid(msg):
    # as NumPy: under the 'invalid' floating-point error setting
    geterr = getattr(_nm, "geterr", None)
    mode = geterr()["invalid"] if geterr is not None else "warn"
    if mode == "warn":
        warnings.warn(msg, RuntimeWarning, stacklevel=3)
    elif mode == "raise":
        raise FloatingPointError(msg)
    elif mode == "print":
        print(msg)


def _all(v):
    # bool(all elements), for arrays and scalars alike
    v = _nm.asanyarray(v)
    return builtins.bool(v.all())


def allclose(a, b, rtol=1.e-5, atol=1.e-8, equal_nan=False):
    """Returns True if two arrays are element-wise equal within a tolerance.

    Parameters
    ----------
    a, b : array_like
        Input arrays to compare.
    rtol : array_like
        The relative tolerance.
    atol : array_like
        The absolute tolerance.
    equal_nan : bool
        Whether to compare NaN's as equal.

    Returns
    -------
    allclose : bool
        ``all(isclose(a, b, rtol, atol, equal_nan))``.
    """
    return _all(isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def _cannot_hold_nan(dtype):
    # NumPy's list: bool and the signed integers
    return dtype.kind == "b" or dtype.kind == "i"


def array_equal(a1, a2, equal_nan=False):
    """True if two arrays have the same shape and elements, False otherwise.

    Parameters
    ----------
    a1, a2 : array_like
        Input arrays.
    equal_nan : bool
        Whether to compare NaN's as equal.

    Returns
    -------
    b : bool
        Returns True if the arrays are equal.
    """
    try:
        a1, a2 = _nm.asarray(a1), _nm.asarray(a2)
    except Exception:
        return False
    if a1.shape != a2.shape:
        return False
    if not equal_nan:
        return _all(a1 == a2)
    if a1 is a2:
        return True
    if _cannot_hold_nan(a1.dtype) and _cannot_hold_nan(a2.dtype):
        return _all(a1 == a2)
    isnan = _ufunc("isnan")
    a1nan, a2nan = isnan(a1), isnan(a2)
    if not _all(a1nan == a2nan):
        return False
    return _all(a1[~a1nan] == a2[~a1nan])


def array_equiv(a1, a2):
    """Returns True if input arrays are shape consistent and all elements equal.

    Shape consistent means they are either the same shape, or one input
    array can be broadcasted to create the same shape as the other one.

    Parameters
    ----------
    a1, a2 : array_like
        Input arrays.

    Returns
    -------
    out : bool
        True if equivalent, False otherwise.
    """
    try:
        a1, a2 = _nm.asarray(a1), _nm.asarray(a2)
    except Exception:
        return False
    try:
        _nm.broadcast_shapes(a1.shape, a2.shape)
    except Exception:
        return False
    return _all(a1 == a2)


_NoValue = object()


def _clip(a, min=None, max=None, out=None, **kwargs):
    # Python ints beyond an integer dtype's range are no bound at all
    # (NEP 50: they never promote the array).
    if a.dtype.kind in "iu":
        info = _nm.iinfo(a.dtype)
        if type(min) is int and min <= info.min:
            min = None
        if type(max) is int and max >= info.max:
            max = None
    if min is None and max is None:
        return _ufunc("positive")(a, out=out, **kwargs)
    if min is None:
        return _ufunc("minimum")(a, max, out=out, **kwargs)
    if max is None:
        return _ufunc("maximum")(a, min, out=out, **kwargs)
    clip_ufunc = getattr(_nm._core, "clip", None)
    if clip_ufunc is not None:
        return clip_ufunc(a, min, max, out=out, **kwargs)
    # maximum then minimum propagate NaN as NumPy's clip loop does; the
    # second writes into the first's result when its dtype is already the
    # final one, so no extra temporary is made
    res = _ufunc("maximum")(a, min, out=out, **kwargs)
    if out is None and isinstance(res, _nm.ndarray) and "dtype" not in kwargs:
        bound = max if _is_weak(max) else _nm.asarray(max)
        if _nm.result_type(res, bound) == res.dtype:
            out = res
    return _ufunc("minimum")(res, max, out=out, **kwargs)


def clip(a, a_min=_NoValue, a_max=_NoValue, out=None, *, min=_NoValue, max=_NoValue,
         **kwargs):
    """Clip (limit) the values in an array.

    Values outside ``[a_min, a_max]`` are set to the interval edges.  A bound
    of None means no bound on that side.

    Parameters
    ----------
    a : array_like
        Array containing elements to clip.
    a_min, a_max : array_like or None
        Minimum and maximum value (broadcast against `a`).
    out : ndarray, optional
        The results will be placed in this array; it may be `a` itself.
    min, max : array_like or None
        Keyword aliases of `a_min` and `a_max` (NumPy 2.1).
    **kwargs
        Other keyword arguments of the ufuncs (casting=, dtype= ...).

    Returns
    -------
    clipped_array : ndarray
        An array with the elements of `a`, but where values < `a_min` are
        replaced with `a_min`, and those > `a_max` with `a_max`.
    """
    if a_min is _NoValue and a_max is _NoValue:
        a_min = None if min is _NoValue else min
        a_max = None if max is _NoValue else max
    elif a_min is _NoValue:
        raise TypeError("clip() missing 1 required positional argument: 'a_min'")
    elif a_max is _NoValue:
        raise TypeError("clip() missing 1 required positional argument: 'a_max'")
    elif min is not _NoValue or max is not _NoValue:
        raise ValueError("Passing `min` or `max` keyword argument when "
                         "`a_min` and `a_max` are provided is forbidden.")
    return _clip(_nm.asanyarray(a), a_min, a_max, out=out, **kwargs)
