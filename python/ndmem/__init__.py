"""ndmem: a NumPy-compatible n-dimensional array for seeing and controlling memory."""

from ndmem._core import ndarray

__version__ = "0.1.0"
