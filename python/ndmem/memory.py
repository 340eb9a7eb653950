"""Exact memory figures for ndmem arrays.

Every byte of array data ndmem owns comes from one allocator in the C core.
It keeps exact counters, reports each buffer to :mod:`tracemalloc` under its
own domain, and keeps, for each buffer, the ring of arrays whose data lives
in it.  From these this module answers what NumPy cannot: how many bytes are
live and were at the peak, what a block of code allocated, which arrays keep
a buffer alive, and whether an operation copied.
"""

import os
import sys
import linecache
from collections import namedtuple

from ndmem import _core

__all__ = [
    "stats", "reset_peak", "tracemalloc_domain", "rss", "track", "Tracker",
    "Allocation", "holders", "Holder", "pinned", "Pinned", "buffers",
    "BufferInfo", "no_copy", "CopyError", "warn_pins", "check_pins",
    "PinWarning", "explain", "Explanation",
]

#: The tracemalloc domain under which ndmem reports array data.
tracemalloc_domain = _core._tracemalloc_domain

#: False in a build made with NDMEM_NO_COUNTERS (no counters, no registry).
counters_enabled = bool(_core._alloc_counters)

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


class CopyError(RuntimeError):
    """Raised by an allocation of array data inside :func:`no_copy`."""


class PinWarning(UserWarning):
    """A buffer is kept alive only by views that use a small part of it."""


# ---------------------------------------------------------------------------
# counters


def stats():
    """Return the allocator's exact counters.

    Returns
    -------
    dict
        ``live_bytes`` and ``live_buffers`` held now, ``peak_bytes`` since
        the last :func:`reset_peak`, ``total_allocated`` and ``total_freed``
        bytes and the number of ``allocations`` since import, the live bytes
        split into ``live_heap_bytes`` and ``live_mapped_bytes`` (buffers
        mapped straight from the kernel), and ``live_file_mapped_bytes`` of
        memmap files.

    Examples
    --------
    >>> import ndmem as np
    >>> before = np.memory.stats()["live_bytes"]
    >>> a = np.zeros(1000)
    >>> np.memory.stats()["live_bytes"] - before
    8000
    """
    return _core._alloc_stats()


def reset_peak():
    """Start a new peak measurement from the bytes live now.

    Returns
    -------
    int
        The peak before the reset.
    """
    return _core._alloc_reset_peak()


def rss():
    """Resident set size of this process in bytes, or None if unknown.

    Uses psutil when it is installed, else ``/proc/self/statm`` (Linux).
    """
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        return psutil.Process().memory_info().rss
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


# ---------------------------------------------------------------------------
# buffers and what holds them

#: One live buffer, described without holding on to it: ``address`` of its
#: data, ``nbytes``, ``mapped`` (from the kernel rather than the heap), the
#: owner's shape and dtype (None for an orphan, whose owner is gone),
#: ``owner_held`` (something other than its views refers to the owner),
#: ``narrays`` viewing it (owner included) and ``serial`` (its number among
#: all allocations).
class BufferInfo(namedtuple(
        "BufferInfo",
        "address nbytes mapped owner_shape owner_dtype owner_held narrays serial")):
    __slots__ = ()

    def __repr__(self):
        owner = ("no owner" if self.owner_shape is None else
                 f"owner {self.owner_shape} {self.owner_dtype}"
                 + ("" if self.owner_held else " (kept only by views)"))
        return (f"<buffer #{self.serial} {self.nbytes:,} B "
                f"{'mapped' if self.mapped else 'heap'}, {owner}, "
                f"{self.narrays} array(s)>")

#: An array whose data lives in a buffer: ``role`` is "owner" or "view";
#: ``offset`` is where its data pointer sits in the buffer, ``span`` the bytes
#: between the first and last byte it can reach, ``nbytes`` the bytes its
#: elements use and ``pinned`` the bytes of the whole buffer it keeps alive.
class Holder(namedtuple(
        "Holder", "array role shape dtype offset nbytes span pinned")):
    __slots__ = ()

    def __repr__(self):
        return (f"<{self.role} {self.shape} {self.dtype} at offset {self.offset:,}: "
                f"uses {self.nbytes:,} B, spans {self.span:,} B, "
                f"pins {self.pinned:,} B>")

#: A buffer kept alive only by views: ``covered`` bytes are reachable from
#: them, ``waste`` bytes are not.
class Pinned(namedtuple("Pinned", "address nbytes covered waste holders")):
    __slots__ = ()

    def __repr__(self):
        return (f"<pinned buffer {self.nbytes:,} B: {len(self.holders)} view(s) "
                f"reach {self.covered:,} B, {self.waste:,} B wasted>")


def _require_counters():
    if not counters_enabled:
        raise RuntimeError("ndmem was built with NDMEM_NO_COUNTERS")


class _Record:
    """One buffer record of the C core, with Holder entries."""

    def __init__(self, record):
        (self.address, self.nbytes, mapped, self.owner, self.owner_held,
         views, self.serial) = record
        self.mapped = bool(mapped)
        self.holders = [
            Holder(a, "owner" if a is self.owner else "view", a.shape, a.dtype,
                   offset, a.nbytes, hi - lo, self.nbytes)
            for a, offset, lo, hi in views
        ]
        self.extents = [(lo, hi) for a, offset, lo, hi in views
                        if a is not self.owner]

    def info(self):
        owner = self.owner
        return BufferInfo(self.address, self.nbytes, self.mapped,
                          None if owner is None else owner.shape,
                          None if owner is None else owner.dtype,
                          self.owner_held, len(self.holders), self.serial)


def _covered(extents):
    """Bytes in the union of [lo, hi) extents."""
    total, end = 0, None
    for lo, hi in sorted(extents):
        if end is not None and lo < end:
            lo = end
        if hi > lo:
            total += hi - lo
            end = hi
    return total


def buffers():
    """Every live buffer of array data, oldest first.

    Returns
    -------
    list of BufferInfo
    """
    _require_counters()
    return [_Record(r).info() for r in _core._alloc_buffers()]


def holders(x):
    """The live arrays that keep ``x``'s buffer alive.

    These are the arrays whose data lives in the same buffer: the views of
    its owner, and the owner itself while anything but those views refers to
    it.  ``v = a[:10]; del a`` leaves ``holders(v)`` as just ``v``.

    Parameters
    ----------
    x : ndarray

    Returns
    -------
    list of Holder
        Empty when ``x``'s memory is not ndmem's (bytes, a memmap file).
    """
    _require_counters()
    record = _core._alloc_buffer_of(x)
    if record is None:
        return []
    rec = _Record(record)
    return [h for h in rec.holders if h.role == "view" or rec.owner_held]


def pinned():
    """Every buffer whose owner is gone, which only views keep alive.

    Returns
    -------
    list of Pinned
        With the bytes the views can reach (``covered``) and the rest
        (``waste``), largest waste first.
    """
    _require_counters()
    found = []
    for record in _core._alloc_buffers():
        rec = _Record(record)
        if rec.owner_held or not rec.extents:
            continue
        covered = _covered(rec.extents)
        found.append(Pinned(rec.address, rec.nbytes, covered,
                            rec.nbytes - covered,
                            [h for h in rec.holders if h.role == "view"]))
    found.sort(key=lambda p: -p.waste)
    return found


def warn_pins(threshold=0.5):
    """Warn when only small views keep a buffer alive.

    Once on, a :class:`PinWarning` is issued (once per buffer) when nothing
    but views refers to a buffer's owner and together they reach less than
    ``threshold`` of it.  Python does not report the moment a reference
    dies, so the check runs when an array is created or freed, and on
    :func:`check_pins`; the warning then points at that line.

    Parameters
    ----------
    threshold : float or None
        Fraction of the buffer (0 to 1).  None or 0 turns the check off.
    """
    if threshold is None or threshold <= 0:
        _core._alloc_warn_pins(0.0, None)
        return
    _require_counters()
    _core._alloc_warn_pins(float(threshold), PinWarning)


def check_pins():
    """Run the :func:`warn_pins` check now."""
    _core._alloc_check_pins()


# ---------------------------------------------------------------------------
# blocks of code


class no_copy:
    """Context manager in which allocating array data raises CopyError.

    Proves that the code inside makes views only (or works in place).  It
    applies to the thread that enters it.

    Examples
    --------
    >>> import ndmem as np
    >>> a = np.arange(10)
    >>> with np.memory.no_copy():
    ...     b = a[::2]
    >>> with np.memory.no_copy():
    ...     c = a[[0, 1]]
    Traceback (most recent call last):
    ...
    ndmem.memory.CopyError: ndmem.memory.no_copy(): an operation allocated 16 bytes of array data
    """

    def __enter__(self):
        self._previous = _core._alloc_forbid(CopyError)
        return self

    def __exit__(self, *exc):
        _core._alloc_forbid(self._previous)
        return False


#: One allocation seen by ``track(log=True)``: the ``op`` (the ndmem function
#: called, or the source line), and where in the caller's code it happened.
Allocation = namedtuple("Allocation", "nbytes shape dtype op filename lineno")


def _caller(frame):
    """The first frame outside the ndmem package, and the outermost ndmem
    function called from it (None if the call came straight from C)."""
    op = None
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        op = frame.f_code.co_name
        frame = frame.f_back
    return frame, op


class Tracker:
    """What a :func:`track` block did to memory (filled in on exit).

    Attributes
    ----------
    net_bytes : int
        Live bytes of array data at exit minus at entry.
    peak_bytes : int
        Highest live bytes inside the block, above the bytes live at entry.
    allocations : int
        Buffers allocated inside the block.
    allocated_bytes : int
        Bytes allocated inside the block (freed or not).
    rss_delta : int or None
        Change of the process's resident set size.
    survivors : list of BufferInfo
        Buffers allocated inside the block that are still live at exit.
    log : list of Allocation or None
        Each allocation, when tracking with ``log=True``.
    """

    def __init__(self, log):
        self.log = [] if log else None
        self.net_bytes = self.peak_bytes = 0
        self.allocations = self.allocated_bytes = 0
        self.rss_delta = None
        self.survivors = []

    def __repr__(self):
        rss_text = "n/a" if self.rss_delta is None else f"{self.rss_delta:+,} B"
        lines = [f"net {self.net_bytes:+,} B, peak {self.peak_bytes:,} B, "
                 f"{self.allocations} allocation(s) of {self.allocated_bytes:,} B, "
                 f"RSS {rss_text}"]
        for a in self.log or ():
            where = f"{a.filename}:{a.lineno}" if a.filename else "?"
            lines.append(f"  {a.nbytes:>12,} B  {str(a.shape):<16} {str(a.dtype):<10}"
                         f" {a.op or ''}  ({where})")
        return "\n".join(lines)


class track:
    """Context manager measuring the array memory of a block of code.

    Parameters
    ----------
    log : bool
        Record each allocation (size, shape, dtype, operation, file:line).
        Off, tracking costs nothing per allocation.

    Examples
    --------
    >>> import ndmem as np
    >>> x = np.ones(1000)
    >>> with np.memory.track() as t:
    ...     y = x * 2
    >>> t.net_bytes, t.peak_bytes, t.allocations
    (8000, 8000, 1)
    """

    def __init__(self, log=False):
        self._log = log

    def __enter__(self):
        _require_counters()
        self.tracker = Tracker(self._log)
        if self._log:
            self._previous_hook = _core._alloc_set_hook(self._record)
        self._rss = rss()
        self._start = stats()
        self._outer_peak = _core._alloc_reset_peak()
        return self.tracker

    def _record(self, nbytes, shape, dtype):
        frame, op = _caller(sys._getframe(1))
        filename = lineno = None
        if frame is not None:
            filename, lineno = frame.f_code.co_filename, frame.f_lineno
            if op is None:
                op = linecache.getline(filename, lineno).strip() or None
        self.tracker.log.append(Allocation(nbytes, shape, dtype, op, filename, lineno))
        if self._previous_hook is not None:
            self._previous_hook(nbytes, shape, dtype)

    def __exit__(self, *exc):
        end = stats()
        if self._log:
            _core._alloc_set_hook(self._previous_hook)
        # the enclosing measurement's peak goes on including this block
        _core._alloc_set_peak(max(self._outer_peak, end["peak_bytes"]))
        t = self.tracker
        t.net_bytes = end["live_bytes"] - self._start["live_bytes"]
        t.peak_bytes = end["peak_bytes"] - self._start["live_bytes"]
        t.allocations = end["allocations"] - self._start["allocations"]
        t.allocated_bytes = end["total_allocated"] - self._start["total_allocated"]
        after = rss()
        t.rss_delta = None if after is None or self._rss is None else after - self._rss
        first = self._start["allocations"]
        t.survivors = [b for b in buffers() if b.serial > first]
        return False


# ---------------------------------------------------------------------------
# explain


def _fmt(n):
    return f"{n:,} B"


class Explanation(str):
    """The text of :func:`explain`, shown as an SVG diagram in notebooks."""

    def __repr__(self):
        return str(self)

    def _repr_html_(self):
        return self._html


def _element_offsets(x, limit):
    """Byte offsets (from x's data pointer) of up to limit elements of x."""
    offsets = [0]
    for n, s in zip(x.shape, x.strides):
        if n == 0:
            return []
        offsets = [o + i * s for o in offsets for i in range(n)]
        if len(offsets) > limit:
            return None
    return offsets


def _svg(nbytes, window, elements, itemsize, others):
    width, height = 600, 46
    scale = width / nbytes if nbytes else 0
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + 2}" '
             f'height="{height}" role="img">',
             f'<rect x="1" y="8" width="{width}" height="22" fill="#eeeeee" '
             f'stroke="#888888"/>']
    for lo, hi in others:
        parts.append(f'<rect x="{1 + lo * scale:.2f}" y="8" '
                     f'width="{max((hi - lo) * scale, 0.5):.2f}" height="22" '
                     f'fill="#c6dbef"/>')
    lo, hi = window
    parts.append(f'<rect x="{1 + lo * scale:.2f}" y="8" '
                 f'width="{max((hi - lo) * scale, 0.5):.2f}" height="22" '
                 f'fill="#fdd0a2" stroke="#e6550d"/>')
    if elements is not None:
        for o in sorted(set(int(e * scale) for e in elements))[:width]:
            parts.append(f'<rect x="{1 + o}" y="12" width="{max(itemsize * scale, 1):.2f}" '
                         f'height="14" fill="#a63603"/>')
    parts.append(f'<text x="1" y="42" font-size="11" font-family="monospace">'
                 f'0</text><text x="{width}" y="42" font-size="11" '
                 f'font-family="monospace" text-anchor="end">{nbytes:,} B</text>')
    parts.append("</svg>")
    return "".join(parts)


def explain(x):
    """Describe where ``x``'s data lives and what it keeps alive.

    Shows the owner buffer, the byte window and stride pattern ``x`` covers
    in it, the base chain, the OWNDATA and WRITEABLE flags, and what ``x``
    pins.

    Parameters
    ----------
    x : ndarray

    Returns
    -------
    Explanation
        A str; notebooks render its ``_repr_html_`` (an inline SVG of the
        buffer with x's window and elements marked).

    Raises
    ------
    TypeError
        If ``x`` is not an ndmem array (as :func:`holders`).
    """
    if not isinstance(x, _core.ndarray):
        raise TypeError("expected an ndmem array")
    _require_counters()
    lines = [f"array {x.shape} {x.dtype}, strides {x.strides}, "
             f"{_fmt(x.nbytes)} of elements"]
    chain, b = [], x.base
    while b is not None:
        kind = (f"ndarray {b.shape} {b.dtype}" if hasattr(b, "flags")
                else type(b).__name__)
        chain.append(kind)
        b = getattr(b, "base", None)
    lines.append("base chain: x" + "".join(f" -> {c}" for c in chain))
    lines.append(f"flags: OWNDATA={x.flags['OWNDATA']} "
                 f"WRITEABLE={x.flags['WRITEABLE']} "
                 f"C_CONTIGUOUS={x.flags['C_CONTIGUOUS']} "
                 f"F_CONTIGUOUS={x.flags['F_CONTIGUOUS']}")
    pattern = ", ".join(f"{n} x {s:+} B" for n, s in zip(x.shape, x.strides))
    lines.append(f"stride pattern: [{pattern or 'scalar'}] "
                 f"({x.itemsize} B per element)")
    record = _core._alloc_buffer_of(x)
    if record is None:
        lines.append(f"memory: not ndmem's array data; {type(x.base).__name__} "
                     f"holds it (file pages of a memmap, or a foreign buffer)")
        html = "<pre>" + _escape("\n".join(lines)) + "</pre>"
        return _explanation(lines, html)
    info = _Record(record)
    me = next(h for h in info.holders if h.array is x)
    lo = _low(x, me.offset)
    window = (lo, lo + me.span)
    where = "mapped" if info.mapped else "heap"
    owner = ("x itself" if info.owner is x else
             "gone (only views keep it)" if info.owner is None or not info.owner_held
             else f"ndarray {info.owner.shape} {info.owner.dtype}")
    lines.insert(1, f"buffer: {_fmt(info.nbytes)} ({where}) at {info.address:#x}, "
                    f"owner {owner}")
    share = 100 * me.span / info.nbytes if info.nbytes else 100.0
    lines.append(f"window: bytes [{window[0]:,}, {window[1]:,}) of the buffer "
                 f"({share:.3g}%), data pointer at offset {me.offset:,}")
    others = [h for h in info.holders if h.array is not x and
              (h.role == "view" or info.owner_held)]
    if info.owner is x:
        pins = f"x owns the buffer; {len(others)} view(s) of it are alive"
    elif info.owner_held:
        pins = "nothing extra: the owner is referred to elsewhere"
    else:
        covered = _covered(info.extents)
        pins = (f"x keeps {_fmt(info.nbytes)} alive while reaching {_fmt(me.span)}"
                f" ({len(others) + 1} view(s) reach {_fmt(covered)} together)")
    lines.append("pins: " + pins)
    other_windows = [(_low(h.array, h.offset), _low(h.array, h.offset) + h.span)
                     for h in others if h.role == "view"]
    offsets = _element_offsets(x, 4096)
    elements = None if offsets is None else [me.offset + o for o in offsets]
    svg = _svg(info.nbytes, window, elements, x.itemsize, other_windows)
    html = (svg + "<pre>" + _escape("\n".join(lines)) + "</pre>")
    return _explanation(lines, html)


def _low(a, offset):
    """Lowest byte offset a reaches, given its data pointer's offset."""
    return offset + sum((n - 1) * s for n, s in zip(a.shape, a.strides)
                        if s < 0 and n > 0)


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _explanation(lines, html):
    e = Explanation("\n".join(lines))
    e._html = html
    return e
