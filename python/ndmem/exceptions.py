"""NumPy's exception types (numpy.exceptions)."""

from ndmem import _core

__all__ = ["AxisError", "TooHardError", "DTypePromotionError", "ComplexWarning"]

TooHardError = getattr(_core, "_TooHardError", RuntimeError)
DTypePromotionError = getattr(_core, "_DTypePromotionError", TypeError)
ComplexWarning = getattr(_core, "_ComplexWarning", RuntimeWarning)


class AxisError(ValueError, IndexError):
    """Axis supplied was invalid (subclasses ValueError and IndexError, as NumPy)."""

    def __init__(self, axis, ndim=None, msg_prefix=None):
        if ndim is None and msg_prefix is None:
            self._msg = axis
            self.axis = None
            self.ndim = None
        else:
            self._msg = msg_prefix
            self.axis = axis
            self.ndim = ndim
        super().__init__(self.__str__())

    def __str__(self):
        if self.axis is None:
            return str(self._msg)
        msg = f"axis {self.axis} is out of bounds for array of dimension {self.ndim}"
        if self._msg is not None:
            msg = f"{self._msg}: {msg}"
        return msg


# The core raises whatever ndmem._core.AxisError is at the time: make it this class.
_core.AxisError = AxisError
