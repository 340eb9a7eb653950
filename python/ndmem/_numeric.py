"""Small NumPy functions built from the core: constants, type predicates,
rounding and the shape/attribute shortcuts (numpy/_core/numeric.py,
fromnumeric.py, lib/_type_check_impl.py)."""

import math
import operator
import sys

from ndmem._core import (
    arctan2, asarray, dtype, empty_like, generic, isinf, isnan, multiply, ndarray,
    rint, signbit, true_divide, trunc, zeros,
)

__all__ = [
    "pi", "e", "inf", "nan", "euler_gamma", "little_endian",
    "isscalar", "iterable", "ndim", "shape", "size", "real", "imag",
    "iscomplexobj", "isrealobj", "iscomplex", "isreal", "round", "around",
    "fix", "isposinf", "isneginf", "angle", "nan_to_num", "copy", "astype",
    "issubdtype",
]

pi = math.pi
e = math.e
inf = math.inf
nan = math.nan
euler_gamma = 0.5772156649015329
little_endian = sys.byteorder == "little"

_ScalarTypes = (int, float, complex, bool, bytes, str, memoryview)


def isscalar(element):
    """Return True if the type of `element` is a scalar type.

    Parameters
    ----------
    element : any
        Input argument.

    Returns
    -------
    bool
        True for ndmem scalars and Python numbers, strings and bytes; False
        for arrays (0-d arrays included) and sequences.
    """
    import numbers

    return (isinstance(element, generic) or isinstance(element, _ScalarTypes)
            or isinstance(element, numbers.Number))


def iterable(y):
    """Return True if `y` can be iterated over (0-d arrays cannot)."""
    try:
        iter(y)
    except TypeError:
        return False
    return True


def ndim(a):
    """Return the number of dimensions of `a` (converted to an array if needed)."""
    try:
        return a.ndim
    except AttributeError:
        return asarray(a).ndim


def shape(a):
    """Return the shape of `a` (converted to an array if needed)."""
    try:
        return a.shape
    except AttributeError:
        return asarray(a).shape


def size(a, axis=None):
    """Return the number of elements of `a`, or along `axis`."""
    if axis is None:
        try:
            return a.size
        except AttributeError:
            return asarray(a).size
    try:
        return a.shape[axis]
    except AttributeError:
        return asarray(a).shape[axis]


def real(val):
    """Return the real part of the complex argument (a view for arrays)."""
    try:
        return val.real
    except AttributeError:
        return asarray(val).real


def imag(val):
    """Return the imaginary part of the complex argument (a view for complex arrays)."""
    try:
        return val.imag
    except AttributeError:
        return asarray(val).imag


def _dtype_of(x):
    found = getattr(x, "dtype", None)
    if found is None:
        found = asarray(x).dtype
    return dtype(found)


def iscomplexobj(x):
    """True if `x` has a complex dtype (whatever its values)."""
    return _dtype_of(x).kind == "c"


def isrealobj(x):
    """True if `x` does not have a complex dtype."""
    return not iscomplexobj(x)


def iscomplex(x):
    """Elementwise: True where the imaginary part is nonzero."""
    ax = asarray(x)
    if ax.dtype.kind == "c":
        return ax.imag != 0
    return zeros(ax.shape, dtype=bool)[()]


def isreal(x):
    """Elementwise: True where the imaginary part is zero."""
    return imag(x) == 0


def round(a, decimals=0, out=None):
    """Round to the given number of decimals, halves to even (as NumPy).

    Parameters
    ----------
    a : array_like
        Input data.
    decimals : int, optional
        Number of decimal places; negative rounds to the left of the point.
    out : ndarray, optional
        Where to put the result.

    Returns
    -------
    ndarray or scalar
        An array of the input's dtype (a scalar for scalar input).
    """
    x = asarray(a)
    decimals = operator.index(decimals)
    kind = x.dtype.kind
    if kind == "c":
        result = out if out is not None else empty_like(x)
        round(x.real, decimals, out=result.real)
        round(x.imag, decimals, out=result.imag)
        return _scalar_if_0d(result, out)
    if kind in "iu":
        if decimals >= 0:
            if out is None:
                return _scalar_if_0d(x.copy(), out)
            out[...] = x
            return out
        # through float64 as NumPy's PyArray_Round: halves go to even
        factor = 10.0 ** -decimals
        result = (rint(x / factor) * factor).astype(x.dtype)
        if out is not None:
            out[...] = result
            return out
        return _scalar_if_0d(result, out)
    if decimals == 0:
        return _scalar_if_0d(rint(x, out=out), out)
    # NumPy's PyArray_Round: scale in the array's own dtype (a weak Python
    # float), so bool input fails the same_kind cast of the scaling ufunc.
    result = out if out is not None else empty_like(x)
    if decimals > 0:
        multiply(x, 10.0 ** decimals, out=result)
        rint(result, out=result)
        true_divide(result, 10.0 ** decimals, out=result)
    else:
        true_divide(x, 10.0 ** -decimals, out=result)
        rint(result, out=result)
        multiply(result, 10.0 ** -decimals, out=result)
    return _scalar_if_0d(result, out)


def _scalar_if_0d(result, out):
    if out is None and isinstance(result, ndarray) and result.ndim == 0:
        return result[()]
    return result


around = round


def _round_method(self, decimals=0, out=None):
    """ndarray.round (a 0-d array gives a scalar, as NumPy)."""
    return round(self, decimals, out=out)


def fix(x, out=None):
    """Round to the nearest integer towards zero (float results, as NumPy)."""
    return trunc(x, out=out)


def isposinf(x, out=None):
    """Elementwise: True where `x` is +inf."""
    ax = asarray(x)
    if ax.dtype.kind == "c":
        raise TypeError("This operation is not supported for complex values "
                        "because it would be ambiguous.")
    result = isinf(ax) & ~signbit(ax)
    return _finish(result, out)


def isneginf(x, out=None):
    """Elementwise: True where `x` is -inf."""
    ax = asarray(x)
    if ax.dtype.kind == "c":
        raise TypeError("This operation is not supported for complex values "
                        "because it would be ambiguous.")
    result = isinf(ax) & signbit(ax)
    return _finish(result, out)


def _finish(result, out):
    if out is not None:
        out[...] = result
        return out
    return _scalar_if_0d(result, None)


def angle(z, deg=False):
    """The counterclockwise angle from the positive real axis."""
    z = asarray(z)
    if z.dtype.kind == "c":
        zimag, zreal = z.imag, z.real
    else:
        zimag, zreal = 0, z
    a = arctan2(zimag, zreal)
    if deg:
        a *= 180 / pi
    return a


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """Replace NaN with `nan` and infinities with large finite numbers."""
    from ndmem._dtypeinfo import finfo

    from ndmem._core import array

    result = array(x, subok=True, copy=copy)
    kind = result.dtype.kind
    if kind not in "fc":
        return result[()] if result.ndim == 0 else result
    parts = (result.real, result.imag) if kind == "c" else (result,)
    info = finfo(parts[0].dtype)
    big = info.max if posinf is None else posinf
    small = info.min if neginf is None else neginf
    for part in parts:
        part[isnan(part)] = nan
        part[isinf(part) & ~signbit(part)] = big
        part[isinf(part) & signbit(part)] = small
    return result[()] if result.ndim == 0 else result


def copy(a, order="K", subok=False):
    """Return an array copy of the given object."""
    from ndmem._core import array

    return array(a, order=order, subok=subok, copy=True)


def astype(x, dtype, /, *, copy=True, device=None):
    """Copy (or, with copy=False when possible, return) `x` cast to `dtype`."""
    if not isinstance(x, ndarray):
        raise TypeError(f"Input should be a NumPy array. It is a {type(x)} instead.")
    if device is not None and device != "cpu":
        raise ValueError(f'Device not understood. Only "cpu" is allowed, but received: {device}')
    return x.astype(dtype, copy=copy)


def issubdtype(arg1, arg2):
    """True if the first argument is a type code lower/equal in the type hierarchy."""
    if not (isinstance(arg1, type) and issubclass(arg1, generic)):
        arg1 = dtype(arg1).type
    if not (isinstance(arg2, type) and issubclass(arg2, generic)):
        arg2 = dtype(arg2).type
    return issubclass(arg1, arg2)
