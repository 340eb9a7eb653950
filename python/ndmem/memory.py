"""Exact memory figures for ndmem arrays.

Every byte of array data ndmem owns comes from one allocator in the C core,
which keeps exact counters and reports each buffer to :mod:`tracemalloc`
under its own domain.
"""

from ndmem import _core

__all__ = ["stats", "reset_peak", "tracemalloc_domain"]

#: The tracemalloc domain under which ndmem reports array data.
tracemalloc_domain = _core._tracemalloc_domain


def stats():
    """Return the allocator's exact counters.

    Returns
    -------
    dict
        ``live_bytes`` and ``live_buffers`` held now, ``peak_bytes`` since
        the last :func:`reset_peak`, ``total_allocated`` and ``total_freed``
        bytes and the number of ``allocations`` since import, and the live
        bytes split into ``live_heap_bytes`` and ``live_mapped_bytes``.
    """
    return _core._alloc_stats()


def reset_peak():
    """Start a new peak measurement from the bytes live now."""
    _core._alloc_reset_peak()
