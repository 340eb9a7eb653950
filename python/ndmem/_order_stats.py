"""Order statistics and counting: median, percentile/quantile and their
NaN-ignoring versions, bincount, histogram and histogram_bin_edges
(NumPy's _function_base_impl.py, _nanfunctions_impl.py and
_histograms_impl.py), over the sorts and searches of _sort.py and the
bincount kernel of src/sort.c, in NumPy's order of operations so that
results match bit for bit.
"""

import builtins
import operator

import ndmem as _np  # the namespace, looked up at call time (ndmem imports us)
from ndmem import _core
from ndmem._sort import (_asarray, _axis, _packed, argsort, diff, partition,
                         searchsorted, sort)

__all__ = ["median", "percentile", "quantile", "nanmedian", "nanpercentile",
           "nanquantile", "bincount", "histogram", "histogram_bin_edges"]


def _axes(axis, ndim):
    if not isinstance(axis, (tuple, list)):
        axis = (axis,)
    axes = tuple(_axis(ax, ndim) for ax in axis)
    if len(set(axes)) != len(axes):
        raise ValueError("repeated axis")
    return axes


# ------------------------------------------------------------ order statistics

def _ureduce(a, func, axis, out, keepdims, **kwargs):
    """Run ``func(a, axis=int|None, out=)`` with NumPy's tuple-axis and
    keepdims handling (numpy/lib/_function_base_impl.py, _ureduce)."""
    nd = a.ndim
    if axis is not None:
        axis = _axes(axis, nd)
        if keepdims and out is not None:
            out = out[(Ellipsis,) + tuple(0 if i in axis else slice(None)
                                          for i in range(nd))]
        if len(axis) == 1:
            ax = axis[0]
        else:
            keep = [i for i in range(nd) if i not in axis]
            a = _np.moveaxis(a, keep, list(range(len(keep))))
            a = a.reshape(a.shape[:len(keep)] + (-1,))
            ax = -1
    else:
        ax = None
        if keepdims and out is not None:
            out = out[(Ellipsis,) + (0,) * nd]
    r = func(a, axis=ax, out=out, **kwargs)
    if out is not None:
        return out
    if keepdims:
        if axis is None:
            index = (None,) * nd
        else:
            index = tuple(None if i in axis else slice(None) for i in range(nd))
        r = _np.asarray(r)[(Ellipsis,) + index]
    return r


def _median(a, axis=None, out=None):
    # NumPy's selection: the middle one or two, and the last for the NaN check
    if axis is None:
        a = a.ravel()
        axis = 0
    n = a.shape[axis]
    half = n // 2
    kth = [half] if n % 2 == 1 else [half - 1, half]
    if a.dtype.kind in "fc":
        kth.append(n - 1)
    part = partition(a, kth, axis=axis)
    index = [slice(None)] * part.ndim
    index[axis] = slice(half, half + 1) if n % 2 == 1 else slice(half - 1, half + 1)
    rout = _np.mean(part[tuple(index)], axis=axis, out=out)
    if n and part.dtype.kind in "fc":
        last = part.take(-1, axis=axis)
        nans = _np.isnan(last)
        if getattr(rout, "ndim", 0) == 0 and out is None:
            return last if bool(nans) else rout
        _np.copyto(rout, last, where=nans)
    return rout


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """Median along the given axes (NaN where a slice holds a NaN).

    Parameters
    ----------
    a : array_like
    axis : int, tuple of ints or None, optional
    out : ndarray, optional
    overwrite_input : bool, optional
        Accepted; the input is never modified.
    keepdims : bool, optional

    Returns
    -------
    scalar or ndarray
        float64 for integer input, the input's float type otherwise.
    """
    return _ureduce(_asarray(a), _median, axis, out, keepdims)


def _lerp(a, b, t, out=None, t_hi=None, upper=None):
    """NumPy's _lerp: a + (b - a) * t, or b - (b - a) * (1 - t) where
    t >= 0.5.  ``t_hi``/``upper`` stand in for 1 - t and t >= 0.5 when t
    is a per-lane stand-in for a Python float (computed in float64)."""
    # 0-d arrays, not scalars: ndmem's ufuncs drop a 0-d out= when every
    # input is a scalar (reported to the ufunc room); the values are the same
    a, b = _np.asarray(a), _np.asarray(b)
    diff_b_a = _np.subtract(b, a)
    res = _np.add(a, diff_b_a * t, out=out)
    if not isinstance(res, _np.ndarray):
        res = _np.array(res)    # NumPy passes out=... to keep a 0-d array
    _np.subtract(b, diff_b_a * (1 - t if t_hi is None else t_hi), out=res,
                 where=t >= 0.5 if upper is None else upper,
                 casting="unsafe", dtype=res.dtype)
    if res.ndim == 0 and out is None:
        res = res[()]
    return res


def _quantile(arr, q, axis, out, method, weak_q):
    _check_method_and_q(method, q)
    if axis is None:
        arr = arr.ravel()
        axis = 0
    n = arr.shape[axis]
    virtual = _np.asarray((n - 1) * q)
    prev = _np.array(_np.floor(virtual))
    nxt = _np.array(_np.add(prev, 1))
    above = virtual >= n - 1
    if above.any():
        prev[above] = -1
        nxt[above] = -1
    below = virtual < 0
    if below.any():
        prev[below] = 0
        nxt[below] = 0
    prev = prev.astype(_np.int64)
    nxt = nxt.astype(_np.int64)
    inexact = arr.dtype.kind in "fc"
    if n and arr.size:
        # as NumPy: select the positions used (and the last, for NaNs)
        kth = {k % n for k in prev.ravel().tolist() + nxt.ravel().tolist()}
        if inexact:
            kth.add(n - 1)
        arr = partition(arr, builtins.sorted(kth), axis=axis)
    else:
        arr = sort(arr, axis=axis)
    if axis != 0:
        arr = _np.moveaxis(arr, axis, 0)
    if virtual.dtype.kind in "iu":
        # integer q (0 or 1): NumPy takes the elements, in the input dtype
        result = _np.take(arr, virtual, axis=0, out=out)
    else:
        previous = arr[prev]
        following = arr[nxt]
        gamma = _np.asarray(virtual - prev, dtype=virtual.dtype)
        if weak_q:
            gamma = float(gamma)
        else:
            gamma = gamma.reshape(virtual.shape + (1,) * (arr.ndim - 1))
        result = _lerp(previous, following, gamma, out=out)
    if inexact:
        nans = _np.isnan(arr[-1, ...])
        if nans.any():
            if getattr(result, "ndim", 0) == 0 and out is None:
                result = arr[-1]
            else:
                _np.copyto(result, arr[-1, ...], where=nans)
    return result


def _check_method_and_q(method, q):
    if method != "linear":
        raise ValueError(f"{method!r} is not a supported method; ndmem implements 'linear'")
    if q.ndim > 2:
        raise ValueError("q must be a scalar or 1d")


def _quantile_args(func, a, q, weights, interpolation, percent):
    """NumPy's argument checks for the quantile family: q as an array of
    fractions in [0, 1], and whether it was a Python scalar (weak)."""
    if a.dtype.kind == "c":
        raise TypeError("a must be an array of real numbers")
    if weights is not None or interpolation is not None:
        raise ValueError(f"ndmem implements {func} without weights or interpolation=")
    weak_q = type(q) in (int, float)
    q = _asarray(_np.true_divide(q, 100) if percent else q)
    if not (q.size == 0 or (bool(q.min() >= 0) and bool(q.max() <= 1))):
        raise ValueError("Percentiles must be in the range [0, 100]" if percent
                         else "Quantiles must be in the range [0, 1]")
    return q, weak_q


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
             keepdims=False, *, weights=None, interpolation=None):
    """q-th quantiles of the data along the given axes (method 'linear').

    Parameters
    ----------
    a : array_like of real numbers
    q : array_like of float in [0, 1]
    axis : int, tuple of ints or None, optional
    out : ndarray, optional
    overwrite_input : bool, optional
        Accepted; the input is never modified.
    method : {'linear'}, optional
    keepdims : bool, optional

    Returns
    -------
    scalar or ndarray
        The quantiles along the first axis when ``q`` is an array.
    """
    a = _asarray(a)
    q, weak_q = _quantile_args("quantile", a, q, weights, interpolation, False)
    return _ureduce(a, _quantile, axis, out, keepdims, q=q, method=method,
                    weak_q=weak_q)


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False, *, weights=None, interpolation=None):
    """q-th percentiles of the data along the given axes (method 'linear').

    Parameters
    ----------
    a : array_like of real numbers
    q : array_like of float in [0, 100]
    axis, out, overwrite_input, method, keepdims
        As in `quantile`.

    Returns
    -------
    scalar or ndarray
    """
    a = _asarray(a)
    q, weak_q = _quantile_args("percentile", a, q, weights, interpolation, True)
    return _ureduce(a, _quantile, axis, out, keepdims, q=q, method=method,
                    weak_q=weak_q)


def _nan_lanes(a, axis):
    """a sorted along axis (NaNs last), moved to the front, and the number
    of non-NaN values of each lane."""
    if axis is None:
        a = a.ravel()
        axis = 0
    srt = _np.moveaxis(sort(a, axis=axis), axis, 0)
    valid = (~_np.isnan(srt)).sum(axis=0)
    if (_np.asarray(valid) == 0).any():
        import warnings
        warnings.warn("All-NaN slice encountered", RuntimeWarning, stacklevel=5)
    return srt, _np.asarray(valid)


def _pick(srt, pos):
    """srt[pos[j], j...] for every lane j; pos may have extra leading axes."""
    lead = pos.ndim - (srt.ndim - 1)
    key = [pos]
    for d in builtins.range(1, srt.ndim):
        shape = [1] * pos.ndim
        shape[lead + d - 1] = srt.shape[d]
        key.append(_np.arange(srt.shape[d]).reshape(shape))
    return srt[tuple(key)]


def _nanmedian(a, axis=None, out=None):
    srt, valid = _nan_lanes(a, axis)
    if srt.shape[0] == 0:
        return _median(a, axis=axis, out=out)
    lo = _np.maximum((valid - 1) // 2, 0)
    hi = _np.maximum(valid // 2, 0)
    x_lo, x_hi = _pick(srt, lo), _pick(srt, hi)
    wide = _np.float32 if srt.dtype == _np.float16 else srt.dtype
    mid = ((x_lo.astype(wide) + x_hi.astype(wide)) / 2).astype(srt.dtype)
    res = _np.where(lo == hi, x_lo, mid)
    res = _np.where(valid == 0, _np.nan, res).astype(srt.dtype)
    if out is not None:
        _np.copyto(out, res, casting="unsafe")
        return out
    return res[()] if res.ndim == 0 else res


def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """Median along the given axes, ignoring NaNs (NaN for an all-NaN
    slice, with a RuntimeWarning).

    Returns
    -------
    scalar or ndarray
    """
    a = _asarray(a)
    if a.dtype.kind not in "fc":
        return median(a, axis, out, overwrite_input, keepdims)
    return _ureduce(a, _nanmedian, axis, out, keepdims)


def _nanquantile(a, axis, out, q, method, weak_q):
    _check_method_and_q(method, q)
    srt, valid = _nan_lanes(a, axis)
    qdt = q.dtype if q.dtype.kind == "f" else _np.dtype(_np.float64)
    qq = q.reshape(q.shape + (1,) * valid.ndim)
    virtual = (valid - 1).astype(qdt) * qq
    prev = _np.floor(virtual)
    nxt = prev + 1
    top = (valid - 1).astype(qdt)
    above = virtual >= top
    prev = _np.where(above, top, prev)
    nxt = _np.where(above, top, nxt)
    below = virtual < 0
    prev = _np.where(below, 0, prev)
    nxt = _np.where(below, 0, nxt)
    gamma = _np.asarray(virtual - prev, dtype=virtual.dtype)
    t_hi = upper = None
    if weak_q:
        # NumPy lerps each lane with gamma as a Python float: weak, so
        # 1 - gamma is float64 and both are then cast to the data's type
        t_hi = (1 - gamma).astype(srt.dtype) if srt.dtype.kind == "f" else 1 - gamma
        upper = gamma >= 0.5
        if srt.dtype.kind == "f":
            gamma = gamma.astype(srt.dtype)
    prev_i = _np.maximum(prev, 0).astype(_np.int64)
    nxt_i = _np.maximum(nxt, 0).astype(_np.int64)
    res = _np.asarray(_lerp(_pick(srt, prev_i), _pick(srt, nxt_i), gamma,
                            t_hi=t_hi, upper=upper))
    res = _np.where(valid == 0, _np.nan, res).astype(res.dtype)
    if out is not None:
        _np.copyto(out, res, casting="unsafe")
        return out
    return res[()] if res.ndim == 0 else res


def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                keepdims=False, *, weights=None, interpolation=None):
    """q-th quantiles ignoring NaNs (method 'linear'; see `quantile`).

    Returns
    -------
    scalar or ndarray
    """
    a = _asarray(a)
    if a.dtype.kind not in "fc":
        return quantile(a, q, axis, out, overwrite_input, method, keepdims,
                        weights=weights, interpolation=interpolation)
    q, weak_q = _quantile_args("nanquantile", a, q, weights, interpolation, False)
    return _ureduce(a, _nanquantile, axis, out, keepdims, q=q, method=method,
                    weak_q=weak_q)


def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                  keepdims=False, *, weights=None, interpolation=None):
    """q-th percentiles ignoring NaNs (method 'linear'; see `percentile`).

    Returns
    -------
    scalar or ndarray
    """
    a = _asarray(a)
    if a.dtype.kind not in "fc":
        return percentile(a, q, axis, out, overwrite_input, method, keepdims,
                          weights=weights, interpolation=interpolation)
    q, weak_q = _quantile_args("nanpercentile", a, q, weights, interpolation, True)
    return _ureduce(a, _nanquantile, axis, out, keepdims, q=q, method=method,
                    weak_q=weak_q)


# ------------------------------------------------------------ counting

def bincount(x, weights=None, minlength=0):
    """Count the occurrences of each non-negative integer.

    Parameters
    ----------
    x : 1-d array_like of non-negative ints
    weights : array_like, optional
        Same shape as ``x``; the counts become sums of weights (float64).
    minlength : int, optional
        Minimum number of bins.

    Returns
    -------
    ndarray of int64 (float64 with weights)
    """
    given_array = isinstance(x, _np.ndarray)
    x = _asarray(x)
    if x.ndim != 1:
        raise ValueError("object too deep for desired array" if x.ndim > 1
                         else "object of too small depth for desired array")
    minlength = operator.index(minlength)
    if minlength < 0:
        raise ValueError("'minlength' must not be negative")
    # NumPy 2.4 ended the float deprecation; only an empty list passes as ints.
    if x.dtype.kind not in "biu" and (x.size or given_array):
        raise TypeError(f"Cannot cast array data from {x.dtype!r} to "
                        "dtype('int64') according to the rule 'safe'")
    if x.dtype.kind == "u" and x.dtype.itemsize == 8 and x.size and x.max() > 2**63 - 1:
        raise ValueError("'list' argument must have no negative elements")
    xi = _packed(x.astype(_np.int64, copy=False))
    if xi.size and int(xi.min()) < 0:
        raise ValueError("'list' argument must have no negative elements")
    length = builtins.max(int(xi.max()) + 1 if xi.size else 0, minlength)
    w = None
    if weights is not None:
        w = _asarray(weights)
        if w.shape != x.shape:
            raise ValueError("The weights and list don't have the same length.")
        w = _packed(w.astype(_np.float64, copy=False))
    return _core._bincount(xi, w, length)


def _unsigned_subtract(a, b):
    """a - b without signed overflow (NumPy's histogram helper): signed
    integers subtract in the unsigned type of the same size."""
    dt = _np.result_type(a, b)
    if dt.kind != "i":
        return _np.subtract(a, b, dtype=dt)
    unsigned = _np.dtype(f"u{dt.itemsize}")
    return _np.subtract(_np.asarray(a, dtype=dt), _np.asarray(b, dtype=dt),
                        casting="unsafe", dtype=unsigned)


def _ravel_and_check_weights(a, weights):
    a = _asarray(a)
    if weights is not None:
        weights = _asarray(weights)
        if weights.shape != a.shape:
            raise ValueError("weights should have the same shape as a.")
        weights = weights.ravel()
    return a.ravel(), weights


def _outer_edges(a, range):
    if range is not None:
        first, last = range
        if first > last:
            raise ValueError("max must be larger than min in range parameter.")
        if not (_np.isfinite(first) and _np.isfinite(last)):
            raise ValueError(f"supplied range of [{first}, {last}] is not finite")
    elif a.size == 0:
        first, last = 0, 1
    else:
        first, last = a.min(), a.max()
        if not (_np.isfinite(first) and _np.isfinite(last)):
            raise ValueError(f"autodetected range of [{first}, {last}] is not finite")
    if first == last:
        first = first - 0.5
        last = last + 0.5
    return first, last


def _ptp(x):
    return _unsigned_subtract(x.max(), x.min())


def _bin_sqrt(x, range):
    return _ptp(x) / _np.sqrt(x.size)


def _bin_sturges(x, range):
    return _ptp(x) / (_np.log2(x.size) + 1.0)


def _bin_rice(x, range):
    return _ptp(x) / (2.0 * x.size ** (1.0 / 3))


def _bin_scott(x, range):
    return (24.0 * _np.pi ** 0.5 / x.size) ** (1.0 / 3.0) * _np.std(x)


def _bin_stone(x, range):
    n = x.size
    ptp_x = _ptp(x)
    if n <= 1 or ptp_x == 0:
        return 0

    def jhat(nbins):
        hh = ptp_x / nbins
        p_k = histogram(x, bins=nbins, range=range)[0] / n
        return (2 - (n + 1) * float((p_k * p_k).sum())) / hh

    upper = builtins.max(100, int(_np.sqrt(n)))
    nbins = builtins.min(builtins.range(1, upper + 1), key=jhat)
    if nbins == upper:
        import warnings
        warnings.warn("The number of bins estimated may be suboptimal.",
                      RuntimeWarning, stacklevel=3)
    return ptp_x / nbins


def _bin_doane(x, range):
    if x.size > 2:
        sg1 = _np.sqrt(6.0 * (x.size - 2) / ((x.size + 1.0) * (x.size + 3)))
        sigma = _np.std(x)
        if sigma > 0.0:
            temp = x - _np.mean(x)
            _np.true_divide(temp, sigma, temp)
            _np.power(temp, 3, temp)
            g1 = _np.mean(temp)
            return _ptp(x) / (1.0 + _np.log2(x.size)
                              + _np.log2(1.0 + _np.absolute(g1) / sg1))
    return 0.0


def _bin_fd(x, range):
    iqr = _np.subtract(*percentile(x, [75, 25]))
    return 2.0 * iqr * x.size ** (-1.0 / 3.0)


def _bin_auto(x, range):
    return builtins.min(builtins.max(_bin_fd(x, range), _bin_sqrt(x, range) / 2),
                        _bin_sturges(x, range))


_BIN_SELECTORS = {"stone": _bin_stone, "auto": _bin_auto, "doane": _bin_doane,
                  "fd": _bin_fd, "rice": _bin_rice, "scott": _bin_scott,
                  "sqrt": _bin_sqrt, "sturges": _bin_sturges}


def _bin_edges(a, bins, range, weights):
    """(edges, (first, last, n) for equal bins or None): NumPy's _get_bin_edges."""
    n_equal = None
    if isinstance(bins, str):
        if bins not in _BIN_SELECTORS:
            raise ValueError(f"{bins!r} is not a valid estimator for `bins`")
        if weights is not None:
            raise TypeError("Automated estimation of the number of "
                            "bins is not supported for weighted data")
        first, last = _outer_edges(a, range)
        if range is not None:
            keep = (a >= first) & (a <= last)
            if not bool(keep.all()):
                a = a[keep]
        if a.size == 0:
            n_equal = 1
        else:
            width = _BIN_SELECTORS[bins](a, (first, last))
            if width:
                if a.dtype.kind in "iu" and width < 1:
                    width = 1
                n_equal = int(_np.ceil(_unsigned_subtract(last, first) / width))
            else:
                n_equal = 1
    elif _np.ndim(bins) == 0:
        try:
            n_equal = operator.index(bins)
        except TypeError as e:
            raise TypeError("`bins` must be an integer, a string, or an array") from e
        if n_equal < 1:
            raise ValueError("`bins` must be positive, when an integer")
        first, last = _outer_edges(a, range)
    elif _np.ndim(bins) == 1:
        edges = _asarray(bins)
        if bool((edges[:-1] > edges[1:]).any()):
            raise ValueError("`bins` must increase monotonically, when an array")
        return edges, None
    else:
        raise ValueError("`bins` must be 1d, when an array")
    bin_type = _np.result_type(first, last, a)
    if bin_type.kind in "biu":
        bin_type = _np.result_type(bin_type, float)
    edges = _np.linspace(first, last, n_equal + 1, endpoint=True, dtype=bin_type)
    if bool((edges[:-1] >= edges[1:]).any()):
        raise ValueError(f"Too many bins for data range. Cannot create {n_equal} "
                         "finite-sized bins.")
    return edges, (first, last, n_equal)


def _search_sorted_inclusive(a, v):
    """searchsorted 'left' for all edges but the last, which is inclusive."""
    return _np.concatenate((searchsorted(a, v[:-1], "left"),
                            searchsorted(a, v[-1:], "right")))


def histogram_bin_edges(a, bins=10, range=None, weights=None):
    """The bin edges `histogram` would use.

    Returns
    -------
    ndarray
    """
    a, weights = _ravel_and_check_weights(a, weights)
    return _bin_edges(a, bins, range, weights)[0]


def histogram(a, bins=10, range=None, density=None, weights=None):
    """Compute the histogram of a dataset.

    Parameters
    ----------
    a : array_like
        Flattened.
    bins : int, sequence of scalars or str, optional
        Number of equal-width bins in ``range``, the monotonically
        increasing edges (the last bin includes its right edge), or the
        name of a bin-width estimator ('auto', 'fd', 'doane', 'scott',
        'stone', 'rice', 'sturges', 'sqrt').
    range : (float, float), optional
        Lower and upper range of the bins; default ``(a.min(), a.max())``.
    density : bool, optional
        Normalize so that the integral over the range is 1.
    weights : array_like, optional

    Returns
    -------
    hist : ndarray (int64, or the weights' dtype, float64 with density)
    bin_edges : ndarray
    """
    a, weights = _ravel_and_check_weights(a, weights)
    edges, uniform = _bin_edges(a, bins, range, weights)
    ntype = _np.dtype(_np.int64) if weights is None else weights.dtype
    # NumPy works in blocks of 65536 values; weighted sums follow the same
    # blocks so that float results round the same way.
    block = 65536
    if uniform is not None:
        first, last, n_equal = uniform
        n = _np.zeros(n_equal, ntype)
        denom = _unsigned_subtract(last, first)
        for i in builtins.range(0, a.size, block):
            tmp_a = a[i:i + block]
            tmp_w = None if weights is None else weights[i:i + block]
            keep = (tmp_a >= first) & (tmp_a <= last)
            if not bool(keep.all()):
                tmp_a = tmp_a[keep]
                if tmp_w is not None:
                    tmp_w = tmp_w[keep]
            tmp_a = tmp_a.astype(edges.dtype, copy=False)
            f_indices = (_unsigned_subtract(tmp_a, first) / denom) * n_equal
            indices = f_indices.astype(_np.int64)
            indices[indices == n_equal] -= 1
            decrement = tmp_a < edges[indices]
            indices[decrement] -= 1
            increment = (tmp_a >= edges[indices + 1]) & (indices != n_equal - 1)
            indices[increment] += 1
            if ntype.kind == "c":
                n.real += bincount(indices, weights=tmp_w.real, minlength=n_equal)
                n.imag += bincount(indices, weights=tmp_w.imag, minlength=n_equal)
            else:
                n += bincount(indices, weights=tmp_w, minlength=n_equal).astype(ntype)
    else:
        cum = _np.zeros(edges.shape, ntype)
        zero = _np.zeros(1, dtype=ntype)
        for i in builtins.range(0, a.size, block):
            tmp_a = a[i:i + block]
            if weights is None:
                sa = sort(tmp_a)
                cum += _search_sorted_inclusive(sa, edges)
            else:
                order = argsort(tmp_a)
                sa = tmp_a[order]
                cw = _np.concatenate((zero, weights[i:i + block][order].cumsum()))
                cum += cw[_search_sorted_inclusive(sa, edges)]
        n = diff(cum)
    if density:
        db = _np.array(diff(edges), float)
        return n / db / n.sum(), edges
    return n, edges
