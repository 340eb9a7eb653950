"""Pure-Python helpers of the array type (no numpy import)."""
import ctypes as _ct

__all__ = []


class _ctypes:
    """What ``a.ctypes`` returns: NumPy's ``_ctypes`` object."""

    def __init__(self, array, ptr):
        self._arr = array
        self._data = _ct.c_void_p(ptr)
        self._zerod = array.ndim == 0

    def data_as(self, obj):
        ptr = _ct.cast(self._data, obj)
        ptr._arr = self._arr
        return ptr

    def shape_as(self, obj):
        if self._zerod:
            return None
        return (obj * self._arr.ndim)(*self._arr.shape)

    def strides_as(self, obj):
        if self._zerod:
            return None
        return (obj * self._arr.ndim)(*self._arr.strides)

    @property
    def data(self):
        return self._data.value

    @property
    def shape(self):
        return self.shape_as(_ct.c_ssize_t)

    @property
    def strides(self):
        return self.strides_as(_ct.c_ssize_t)

    @property
    def _as_parameter_(self):
        return self._data
