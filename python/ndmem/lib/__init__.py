"""ndmem.lib, as numpy.lib (stride_tricks)."""

from ndmem.lib import stride_tricks  # noqa: F401
