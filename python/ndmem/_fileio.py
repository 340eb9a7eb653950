"""Raw files: ndarray.tofile and fromfile, binary or text, as NumPy.

Binary I/O goes straight between the file and the array's memory (no
intermediate bytes object; writes through the descriptor in C, see
src/fileio.c); text I/O follows NumPy's rules for separators:
whitespace in ``sep`` matches any run of whitespace, a trailing separator is
allowed, anything else left over raises ValueError.
"""

import os
import re

from ndmem import _core

__all__ = ["fromfile"]

_UNMATCHED = "string or file could not be read to its end due to unmatched data"

_INT = r"[+-]?\d+"
_FLOAT = (r"(?i:[+-]?(?:inf(?:inity)?|nan(?:\([0-9a-z_]*\))?"
          r"|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?))")


def _open(file, mode):
    if isinstance(file, (str, bytes, os.PathLike)):
        return open(os.fspath(file), mode), True
    return file, False


# Streams and text files get at most this many bytes of the array per
# write: a zip member compresses each write into one bytes object (which
# zlib builds twice over), text is several times its items, so the peak
# follows the chunk, not the array.
_CHUNK_BYTES = 1 << 20


def _c_order_blocks(arr, limit):
    """The elements of ``arr`` in C order as 1-d C-contiguous pieces of at
    most ``limit`` bytes (or one item): views of a C-contiguous array,
    copies of leading-axis slices of any other, so no copy of the whole."""
    if arr.flags.c_contiguous:
        flat = arr.reshape(-1)
        step = max(1, limit // arr.itemsize) if arr.itemsize else flat.size
        for start in range(0, flat.size, step):
            yield flat[start:start + step]
        return
    row_bytes = arr[0].nbytes
    if row_bytes > limit:
        for row in arr:
            yield from _c_order_blocks(row, limit)
        return
    step = max(1, limit // row_bytes) if row_bytes else arr.shape[0]
    for start in range(0, arr.shape[0], step):
        yield arr[start:start + step].copy(order="C").reshape(-1)


def write_bytes(f, arr):
    """Write the bytes of ``arr`` in C order to the stream ``f``, in chunks
    of at most ``_CHUNK_BYTES`` (or one item)."""
    if not arr.itemsize:
        return
    for block in _c_order_blocks(arr, _CHUNK_BYTES):
        f.write(block.view(_core.uint8))


def _write_text(f, arr, sep, format):
    """Items formatted with ``format`` and joined by ``sep``, written a
    chunk at a time (a list of every item would be many times the array)."""
    first = True
    for block in _c_order_blocks(arr, _CHUNK_BYTES):
        # "%s" % (x,) is str(x) for every x; numbers format in C
        text = _core._fileio_format(block, sep) if format == "%s" else None
        if text is None:
            items = block.tolist()
            if format == "%s":
                strings = map(str, items)
            elif block.dtype.names is None:
                strings = map(format.__mod__, items)    # no tuple items
            else:
                strings = (format % (x,) for x in items)
            text = sep.join(strings)
        if not first:
            f.write(sep)
        f.write(text)
        first = False


def write_file(f, arr):
    """Write the bytes of ``arr`` in C order to the real file ``f`` through
    its descriptor, as NumPy does: no copy of the array, and the file
    object's position follows the write."""
    fd = f.fileno()
    f.flush()
    try:
        os.lseek(fd, f.tell(), os.SEEK_SET)
    except OSError:
        # a pipe: no position to keep in step
        _core._fileio_write(arr, fd)
        return
    try:
        _core._fileio_write(arr, fd)
    finally:
        f.seek(os.lseek(fd, 0, os.SEEK_CUR))


def tofile(arr, fid, sep="", format="%s"):
    """Write ``arr`` to ``fid`` in C order (the body of ndarray.tofile).

    Parameters
    ----------
    arr : ndarray
    fid : file or str or Path
        An open file object, or a path to create.
    sep : str
        '' writes the raw bytes; otherwise text items joined by ``sep``.
    format : str
        The %-format of one item in text mode.
    """
    f, own = _open(fid, "wb" if sep == "" else "w")
    try:
        if sep == "":
            write_file(f, arr)
        else:
            _write_text(f, arr, sep, format)
    finally:
        if own:
            f.close()


def _text_patterns(item, sep):
    """Regular expressions for NumPy's text reading loop: skip whitespace,
    read an item, then a separator (whitespace in ``sep`` matches any run
    of it); a separator that matched nothing ends the data.  Atomic groups
    and possessive repeats take each step's first match and never give it
    back, as the loop does, so the regex engine walks the whole text in C.

    Returns (prefix, step, item): ``prefix`` matches the longest run of
    items that are each followed by a separator, ``step`` finds them one by
    one (group 1), ``item`` reads one item."""
    parts = [r"\s*" if c.isspace() else re.escape(c) for c in sep]
    if sep.isspace():
        # all whitespace: the separator consumed something iff it is \s+
        separator = r"(?>\s+)"
    else:
        separator = r"(?>\s*" + "".join(parts) + ")"
    step = r"(?>\s*)((?>" + item + "))" + separator + r"(?>\s*)"
    return (re.compile(r"(?>\s*)(?:" + step + ")*+"), re.compile(step),
            re.compile("(?>" + item + ")"))


def _parse_text(text, descr, count, sep):
    kind = descr.kind
    if kind in "iub":
        item, convert = _INT, int
    elif kind in "fc":
        item, convert = _FLOAT, float
    else:
        raise ValueError("Unable to read character files of that array type")
    arr = _numbers_in_c(text, descr, count, sep)
    if arr is not None:
        return arr
    values = _split_simple(text, count, sep, convert)
    if values is None:
        values = list(map(convert, _scan(text, count, sep, item)))
    if kind == "b":
        values = [v != 0 for v in values]
    elif kind == "u":
        # NumPy's text reader wraps negative numbers (-1 -> 255 for uint8)
        bits = 8 * descr.itemsize
        values = [v % (1 << bits) for v in values]
    return _core.array(values, dtype=descr)


def _numbers_in_c(text, descr, count, sep):
    """The values read by the C scanner, or None where it leaves the text,
    or an integer that does not fit ``descr``, to the Python reader (which
    raises the same errors)."""
    core = "".join(c for c in sep if not c.isspace())
    if len(core) > 1:
        return None
    values = _core._fileio_parse(text, core, count, descr.kind in "fc")
    if values is None:
        return None
    if descr.kind == "b":
        return values != 0
    if descr.kind == "i" and values.size:
        bound = 1 << (8 * descr.itemsize - 1)
        if values.min() < -bound or values.max() >= bound:
            return None
    # unsigned types wrap negative numbers, as NumPy's text reader does;
    # float64 to another float type rounds as array() of Python floats
    return values if values.dtype == descr else values.astype(descr)


def _split_simple(text, count, sep, convert):
    """The values of ``text`` split by str.split, or None where that might
    not be NumPy's reading (then :func:`_scan` decides).

    A separator of whitespace, or of one other character with optional
    whitespace around it, cuts the text into pieces that int()/float()
    accept exactly when the item regex matches them whole (they strip the
    same whitespace); underscores, which they accept and NumPy does not,
    send the text to the scanner, as does any piece they refuse."""
    core = "".join(c for c in sep if not c.isspace())
    if len(core) > 1 or "_" in text:
        return None
    pieces = text.split(core) if core else text.split()
    if pieces and not pieces[-1].strip():
        pieces.pop()        # a trailing separator
    if count >= 0:
        del pieces[count:]
    try:
        return list(map(convert, pieces))
    except ValueError:
        return None


def _scan(text, count, sep, item):
    """The item strings of ``text`` as NumPy's loop reads them; ValueError
    for unmatched data."""
    prefix, step, item_re = _text_patterns(item, sep)
    end = prefix.match(text).end()
    strings = step.findall(text, 0, end)
    if count < 0 or len(strings) < count:
        # the first item not followed by a separator: the data must end
        # with it (blank space after it is fine)
        m = item_re.match(text, end) if end < len(text) else None
        if end < len(text) and (m is None or text[m.end():].strip()):
            raise ValueError(_UNMATCHED)
        if m is not None:
            strings.append(m.group())
    if 0 <= count < len(strings):
        del strings[count:]
    return strings


def fromfile(file, dtype=float, count=-1, sep="", offset=0, *, like=None):
    """Construct an array from data in a text or binary file.

    Parameters
    ----------
    file : file or str or Path
        Open file object or filename.
    dtype : data-type
        Data type of the returned array (for text, a number or bool type).
    count : int
        Number of items to read; -1 means all.
    sep : str
        '' reads binary; otherwise the separator between text items, where
        whitespace matches zero or more whitespace characters.
    offset : int
        Bytes to skip from the file's current position (binary only).
    like : None
        Accepted for NumPy compatibility; must be None.

    Returns
    -------
    ndarray
        A new 1-d array that owns its data.
    """
    if like is not None:
        raise TypeError("like= is not supported by ndmem")
    descr = _core.dtype(dtype)
    if sep != "" and offset != 0:
        raise TypeError("'offset' argument only permitted for binary files")
    f, own = _open(file, "rb" if sep == "" else "r")
    try:
        if sep != "":
            text = f.read()
            if isinstance(text, bytes):
                text = text.decode("latin-1")
            return _parse_text(text, descr, count, sep)
        itemsize = descr.itemsize
        if itemsize == 0:
            raise ValueError("The elements are 0-sized.")
        if offset:
            f.seek(offset, 1)
        remaining = os.fstat(f.fileno()).st_size - f.tell()
        # NumPy divides in C (truncating) and sizes the array with a
        # negative count when the position is past the end.
        n = remaining // itemsize if remaining >= 0 else -(-remaining // itemsize)
        if count >= 0:
            n = min(max(n, 0), count)
        elif n < 0:
            raise ValueError("negative dimensions are not allowed")
        arr = _core.empty(n, dtype=descr)
        if n:
            got = f.readinto(arr.view(_core.uint8))
            if got < n * itemsize:
                arr = arr[:got // itemsize].copy()
        return arr
    finally:
        if own:
            f.close()
