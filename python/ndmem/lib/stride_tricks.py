"""as_strided and sliding_window_view, as numpy.lib.stride_tricks."""

import operator

from ndmem._core import _strided_view
from ndmem._shape import _norm_axis_tuple

__all__ = ["as_strided", "sliding_window_view"]


def as_strided(x, shape=None, strides=None, subok=False, writeable=True):
    from ndmem import asarray, asanyarray
    x = asanyarray(x) if subok else asarray(x)
    shape = x.shape if shape is None else tuple(shape)
    strides = x.strides if strides is None else tuple(strides)
    return _strided_view(x, shape, strides, 0, bool(writeable) and x.flags.writeable)


def sliding_window_view(x, window_shape, axis=None, *, subok=False, writeable=False):
    from ndmem import asarray, asanyarray
    try:
        window_shape = (operator.index(window_shape),)
    except TypeError:
        window_shape = tuple(window_shape)
    x = asanyarray(x) if subok else asarray(x)
    if any(w < 0 for w in window_shape):
        raise ValueError("`window_shape` cannot contain negative values")
    if axis is None:
        axis = tuple(range(x.ndim))
        if len(window_shape) != len(axis):
            raise ValueError(f"Since axis is `None`, must provide window_shape for all "
                             f"dimensions of `x`; got {len(window_shape)} window_shape elements "
                             f"and `x.ndim` is {x.ndim}.")
    else:
        axis = _norm_axis_tuple(axis, x.ndim) if not isinstance(axis, (tuple, list)) else \
            tuple(operator.index(a) % x.ndim if -x.ndim <= operator.index(a) < x.ndim
                  else _norm_axis_tuple(a, x.ndim)[0] for a in axis)
        if len(window_shape) != len(axis):
            raise ValueError(f"Must provide matching length window_shape and axis; got "
                             f"{len(window_shape)} window_shape elements and {len(axis)} axes elements.")
    out_strides = x.strides + tuple(x.strides[ax] for ax in axis)
    x_shape_trimmed = list(x.shape)
    for ax, dim in zip(axis, window_shape):
        if x_shape_trimmed[ax] < dim:
            raise ValueError("window shape cannot be larger than input array shape")
        x_shape_trimmed[ax] -= dim - 1
    out_shape = tuple(x_shape_trimmed) + window_shape
    return as_strided(x, strides=out_strides, shape=out_shape, subok=subok, writeable=writeable)
