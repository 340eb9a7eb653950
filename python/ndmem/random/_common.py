"""Argument handling shared by Generator and RandomState: sizes, broadcast
parameters, integer bounds, choice and shuffle of Python sequences.  The
draws themselves happen in C (``ndmem._core._BitGen``)."""

import bisect
import math
import operator
from itertools import accumulate

import ndmem
from ndmem._core import _BitGen

DIST = _BitGen.DISTS
_F64 = ndmem.dtype("float64")
_F32 = ndmem.dtype("float32")

# (lowest, highest) value of each integer dtype
_BOUNDS = {ndmem.dtype("bool"): (0, 1)}
for _bits in (8, 16, 32, 64):
    _BOUNDS[ndmem.dtype(f"int{_bits}")] = (-(1 << (_bits - 1)), (1 << (_bits - 1)) - 1)
    _BOUNDS[ndmem.dtype(f"uint{_bits}")] = (0, (1 << _bits) - 1)


# the common spellings, resolved without building a dtype on every call
_SINGLE = {"float64": False, "f8": False, "d": False, float: False,
           ndmem.float64: False, _F64: False,
           "float32": True, "f4": True, "f": True, ndmem.float32: True, _F32: True}


def float_dtype(dtype, what):
    """True for float32 (single precision), False for float64, else TypeError."""
    try:
        return _SINGLE[dtype]
    except (KeyError, TypeError):
        pass
    dt = ndmem.dtype(dtype)
    if dt == _F64:
        return False
    if dt == _F32:
        return True
    raise TypeError(f"Unsupported dtype {dt!r} for {what}")


def size_tuple(size):
    if isinstance(size, (tuple, list)):
        return tuple(operator.index(s) for s in size)
    return (operator.index(size),)


def _as_param(value):
    """A float for scalars, else a float64 ndmem array."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    arr = ndmem.asarray(value, dtype=_F64)
    return float(arr.tolist()) if arr.ndim == 0 else arr


def broadcast_params(size, *values):
    """Parameters ready for ``_BitGen.fill``: (shape, params, flat lists).

    All scalar: shape is ``size`` as given (None for one value) and params
    are floats.  Otherwise the arrays are broadcast to the output shape as
    contiguous float64 arrays, with NumPy's error when ``size`` cannot hold
    the broadcast shape.  ``flat`` holds each parameter's values as a list
    (for the constraint checks)."""
    params = []
    scalar = True
    for v in values:
        p = float(v) if type(v) is float or type(v) is int else _as_param(v)
        scalar = scalar and type(p) is float
        params.append(p)
    if scalar:
        return size, params, [[p] for p in params]
    bshape = ndmem.broadcast_shapes(*[p.shape for p in params if not isinstance(p, float)])
    shape = bshape
    if size is not None:
        shape = size_tuple(size)
        full = ndmem.broadcast_shapes(shape, bshape)
        if full != shape:
            raise ValueError(f"Output size {shape} is not compatible with broadcast "
                             f"dimensions of inputs {full}.")
    out, flat = [], []
    for p in params:
        arr = ndmem.ascontiguousarray(ndmem.broadcast_to(ndmem.asarray(p, dtype=_F64), shape))
        out.append(arr)
        flat.append(arr.ravel().tolist())
    return shape, out, flat


def check_non_negative(values, name):
    # NaN passes, as in NumPy (only `< 0` is an error)
    for v in values:
        if v < 0:
            raise ValueError(f"{name} < 0")


def uniform(core, low, high, size, legacy):
    shape, (lo, hi), (flo, fhi) = broadcast_params(size, low, high)
    if isinstance(lo, float):
        rng = hi - lo
        if not math.isfinite(rng):
            raise OverflowError("Range exceeds valid bounds" if legacy
                                else "high - low range exceeds valid bounds")
        if not legacy and rng < 0:
            raise ValueError("high - low < 0")
        return core.fill(DIST["uniform"], shape, False, lo, rng)
    ranges = [h - l for l, h in zip(flo, fhi)]
    if not all(math.isfinite(r) for r in ranges):
        raise OverflowError("Range exceeds valid bounds")
    if not legacy:
        check_non_negative(ranges, "high - low")
    rng = ndmem.array(ranges, dtype=_F64).reshape(shape)
    return core.fill(DIST["uniform"], shape, False, lo, rng)


_INT_DTYPES = {}  # spelling -> checked dtype, for the common hashable spellings


def integer_dtype(dtype, what):
    try:
        return _INT_DTYPES[dtype]
    except (KeyError, TypeError):
        pass
    dt = ndmem.dtype(dtype)
    if dt.kind not in "biu":
        raise TypeError(f"Unsupported dtype {dt!r} for {what}")
    if not dt.isnative:
        raise ValueError("Providing a dtype with a non-native byteorder is not supported. "
                         "If you require platform-independent byteorder, call byteswap "
                         "when required.")
    try:
        _INT_DTYPES[dtype] = dt
    except TypeError:
        pass
    return dt


def _bound_values(value):
    """A Python int for scalars, else an integer ndmem array."""
    if isinstance(value, int):
        return value
    arr = ndmem.asarray(value)
    if arr.ndim == 0:
        return int(arr.tolist())
    return arr


def integers(core, low, high, size, dt, endpoint, masked):
    """Draws from [low, high) (or [low, high] with endpoint) as dtype dt."""
    if high is None:
        low, high = 0, low
    if size is not None and math.prod(size_tuple(size)) == 0:
        return ndmem.empty(size_tuple(size), dtype=dt)
    low, high = _bound_values(low), _bound_values(high)
    lowbnd, highbnd = _BOUNDS[dt]
    if not (isinstance(low, int) and isinstance(high, int)):
        return _integers_each(core, low, high, size, dt, endpoint, masked, lowbnd, highbnd)
    if not endpoint:
        high -= 1
    if low < lowbnd:
        raise ValueError(f"low is out of bounds for {dt.name}")
    if high > highbnd:
        raise ValueError(f"high is out of bounds for {dt.name}")
    if low > high:
        if low == 0:
            raise ValueError("high < 0" if endpoint else "high <= 0")
        raise ValueError("low > high" if endpoint else "low >= high")
    return core.integers(size, low & _M64, high - low, dt, masked)


_M64 = 0xFFFFFFFFFFFFFFFF


def _int_list(value, shape):
    if isinstance(value, int):
        n = 1
        for s in shape:
            n *= s
        return [value] * n
    flat = ndmem.broadcast_to(value, shape).ravel().tolist()
    return [int(v) for v in flat]


def _integers_each(core, low, high, size, dt, endpoint, masked, lowbnd, highbnd):
    shapes = [v.shape for v in (low, high) if not isinstance(v, int)]
    shape = ndmem.broadcast_shapes(*shapes)
    if size is not None:
        shape = ndmem.broadcast_shapes(size_tuple(size), shape)
    lows, highs = _int_list(low, shape), _int_list(high, shape)
    if not endpoint:
        highs = [h - 1 for h in highs]
    if any(v < lowbnd for v in lows):
        raise ValueError(f"low is out of bounds for {dt.name}")
    if any(v > highbnd for v in highs):
        raise ValueError(f"high is out of bounds for {dt.name}")
    if any(lo > hi for lo, hi in zip(lows, highs)):
        raise ValueError("low > high" if endpoint else "low >= high")
    off = ndmem.array([v & _M64 for v in lows], dtype="uint64").reshape(shape)
    rng = ndmem.array([h - lo for lo, h in zip(lows, highs)], dtype="uint64").reshape(shape)
    return core.integers_each(off, rng, dt, masked)


def choice_p(a_len, p, legacy=False):
    """p as a contiguous float64 array, checked as NumPy checks it (the
    legacy RandomState words its messages differently)."""
    parr = ndmem.ascontiguousarray(ndmem.asarray(p, dtype=_F64))
    if parr.ndim != 1:
        raise ValueError("'p' must be 1-dimensional" if legacy else "p must be 1-dimensional")
    if parr.size != a_len:
        raise ValueError("'a' and 'p' must have same size" if legacy
                         else "a and p must have same size")
    values = parr.tolist()
    total = math.fsum(values)
    if math.isnan(total):
        raise ValueError("probabilities contain NaN" if legacy else "Probabilities contain NaN")
    if any(v < 0 for v in values):
        raise ValueError("probabilities are not non-negative" if legacy
                         else "Probabilities are not non-negative")
    if abs(total - 1.0) > math.sqrt(2.220446049250313e-16):
        raise ValueError("probabilities do not sum to 1" if legacy
                         else "Probabilities do not sum to 1. See Notes section of "
                              "docstring for more information.")
    return parr


def _cdf(p):
    cdf = list(accumulate(p))
    last = cdf[-1]
    return [c / last for c in cdf]


def sample_p(core, draw_uniform, p, shape):
    """Indices with probabilities p (with replacement): inverse CDF in C."""
    u = draw_uniform(shape)
    if not isinstance(u, ndmem.ndarray):
        u = ndmem.array(u)
    return core.search_cdf(p, u)


def sample_p_unique(draw_uniform, p, shape, n):
    """n distinct indices with probabilities p, as NumPy's rejection loop."""
    p = p.tolist()
    if sum(1 for v in p if v > 0) < n:
        raise ValueError("Fewer non-zero entries in p than size")
    found = []
    while len(found) < n:
        x = draw_uniform((n - len(found),)).tolist()
        for k in found:
            p[k] = 0.0
        cdf = _cdf(p)
        seen = set()
        for v in x:
            j = bisect.bisect_right(cdf, v)
            if j not in seen:
                seen.add(j)
                found.append(j)
    return ndmem.array(found, dtype="int64").reshape(shape)


def population(a, legacy=False):
    """(a as an array, population size) for choice; a must be an integer or
    an array."""
    arr = ndmem.asarray(a)
    if arr.ndim == 0:
        try:
            pop = operator.index(arr.tolist())
        except TypeError as exc:
            msg = ("a must be 1-dimensional or an integer" if legacy
                   else f"a must be a sequence or an integer, not {type(a)}")
            raise ValueError(msg) from exc
        return arr, pop
    return arr, arr.shape[0]


def shuffle_sequence(core, x):
    """Shuffle a mutable Python sequence in place with the array stream."""
    n = len(x)
    for i, j in zip(range(n - 1, 0, -1), core.intervals(n)):
        x[i], x[j] = x[j], x[i]


def shuffle(core, x):
    if isinstance(x, ndmem.ndarray):
        if x.ndim == 0:
            raise TypeError("len() of unsized object")
        core.shuffle(x)
    else:
        shuffle_sequence(core, x)


def permutation_of_array(core, x, legacy):
    arr = ndmem.asarray(x)
    if arr.ndim < 1:
        if legacy:
            raise IndexError("x must be an integer or at least 1-dimensional")
        raise ndmem.exceptions.AxisError("axis 0 is out of bounds for array of dimension 0")
    if arr.ndim == 1:
        if arr is x or (isinstance(x, ndmem.ndarray) and ndmem.may_share_memory(arr, x)):
            arr = arr.copy()
        core.shuffle(arr)
        return arr
    idx = ndmem.arange(arr.shape[0], dtype="intp")
    core.shuffle(idx)
    return arr[idx]
