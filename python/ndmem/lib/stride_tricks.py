"""as_strided and sliding_window_view, as numpy.lib.stride_tricks."""

import operator

from ndmem._shape import _norm_axis_tuple

__all__ = ["as_strided", "sliding_window_view"]


class DummyArray:
    """An object exposing an array interface over another array's memory;
    ``base`` keeps that array alive (the base of an ``as_strided`` result,
    as in NumPy)."""

    def __init__(self, interface, base=None):
        self.__array_interface__ = interface
        self.base = base


def _maybe_view_as_subclass(original_array, new_array):
    if type(original_array) is not type(new_array):
        new_array = new_array.view(type=type(original_array))
        if new_array.__array_finalize__:
            new_array.__array_finalize__(original_array)
    return new_array


def as_strided(x, shape=None, strides=None, subok=False, writeable=True):
    """Create a view into the array with the given shape and strides.

    Parameters
    ----------
    x : ndarray
        Array to create a new view of.
    shape, strides : sequence of int, optional
        The shape and strides of the new array; default ``x.shape`` and
        ``x.strides``.  Nothing is checked: a wrong choice reads or writes
        outside ``x``'s memory.
    subok : bool, optional
        Keep ``x``'s subclass.
    writeable : bool, optional
        When False the result is read-only; when True it is writeable if
        ``x`` is.

    Returns
    -------
    view : ndarray
        Its ``base`` is a ``DummyArray`` whose ``base`` is ``x``, as NumPy's.
    """
    from ndmem import array, asarray
    x = array(x, copy=None, subok=subok)
    interface = dict(x.__array_interface__)
    if shape is not None:
        interface["shape"] = tuple(shape)
    if strides is not None:
        interface["strides"] = tuple(strides)
    result = asarray(DummyArray(interface, base=x))
    # the interface route does not keep structured dtypes
    result.dtype = x.dtype
    view = _maybe_view_as_subclass(x, result)
    if view.flags.writeable and not writeable:
        view.flags.writeable = False
    return view


def sliding_window_view(x, window_shape, axis=None, *, subok=False, writeable=False):
    """Sliding windows of ``window_shape`` over ``x``, as a strided view.

    Parameters
    ----------
    x : array_like
        The array to take windows of.
    window_shape : int or tuple of int
        Window length along each axis in ``axis``.
    axis : int or tuple of int, optional
        The axes the windows slide along; every axis by default.
    subok : bool, optional
        Keep ``x``'s subclass.
    writeable : bool, optional
        Read-only by default (windows overlap in memory).

    Returns
    -------
    view : ndarray
        Shape ``x.shape`` shortened by ``window_shape - 1`` along ``axis``,
        followed by ``window_shape``; a view of ``x`` made by ``as_strided``.
    """
    from ndmem import asarray, asanyarray
    try:
        window_shape = tuple(window_shape)
    except TypeError:
        window_shape = (window_shape,)
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
    # NumPy rejects a float length only when it builds the view
    window_shape = tuple(operator.index(w) for w in window_shape)
    out_strides = x.strides + tuple(x.strides[ax] for ax in axis)
    x_shape_trimmed = list(x.shape)
    for ax, dim in zip(axis, window_shape):
        if x_shape_trimmed[ax] < dim:
            raise ValueError("window shape cannot be larger than input array shape")
        x_shape_trimmed[ax] -= dim - 1
    out_shape = tuple(x_shape_trimmed) + window_shape
    return as_strided(x, strides=out_strides, shape=out_shape, subok=subok, writeable=writeable)
