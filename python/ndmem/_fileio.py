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

_INT_RE = re.compile(r"[+-]?\d+")
_FLOAT_RE = re.compile(
    r"[+-]?(?:inf(?:inity)?|nan(?:\([0-9a-z_]*\))?"
    r"|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)", re.IGNORECASE)


def _open(file, mode):
    if isinstance(file, (str, bytes, os.PathLike)):
        return open(os.fspath(file), mode), True
    return file, False


# Streams get at most this many bytes per write: a zip member compresses
# each write into one bytes object (which zlib builds twice over), so the
# peak follows the chunk, not the array.
_CHUNK_BYTES = 1 << 20


def write_bytes(f, arr):
    """Write the bytes of ``arr`` in C order to the stream ``f``, in chunks
    of at most ``_CHUNK_BYTES`` (or one item): views of a C-contiguous
    array, copies of leading-axis slices of any other."""
    if arr.flags.c_contiguous:
        if arr.size and arr.itemsize:
            flat = arr.reshape(-1).view(_core.uint8)
            for start in range(0, flat.size, _CHUNK_BYTES):
                f.write(flat[start:start + _CHUNK_BYTES])
        return
    row_bytes = arr[0].nbytes
    if row_bytes > _CHUNK_BYTES:
        for row in arr:
            write_bytes(f, row)
        return
    step = max(1, _CHUNK_BYTES // row_bytes) if row_bytes else arr.shape[0]
    for start in range(0, arr.shape[0], step):
        block = arr[start:start + step].copy(order="C")
        if block.size:
            f.write(block.reshape(-1).view(_core.uint8))
        del block       # before the next copy: one block alive at a time


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
    _core._fileio_write(arr, fd)
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
            items = arr.ravel().tolist()
            f.write(sep.join(format % (x,) for x in items))
    finally:
        if own:
            f.close()


def _separator_re(sep):
    parts = [r"\s*" if c.isspace() else re.escape(c) for c in sep]
    return re.compile(r"\s*" + "".join(parts))


def _parse_text(text, descr, count, sep):
    kind = descr.kind
    if kind in "iub":
        item_re, convert = _INT_RE, int
    elif kind in "fc":
        item_re, convert = _FLOAT_RE, float
    else:
        raise ValueError("Unable to read character files of that array type")
    sep_re = _separator_re(sep)
    values = []
    pos = 0
    end = len(text)
    while count < 0 or len(values) < count:
        while pos < end and text[pos].isspace():
            pos += 1
        if pos == end:
            break
        m = item_re.match(text, pos)
        if m is None:
            raise ValueError(_UNMATCHED)
        values.append(convert(m.group()))
        pos = m.end()
        m = sep_re.match(text, pos)
        if m is None or (m.end() == pos and pos < end):
            if text[pos:].strip():
                raise ValueError(_UNMATCHED)
            break
        pos = m.end()
    if kind == "b":
        values = [v != 0 for v in values]
    elif kind == "u":
        # NumPy's text reader wraps negative numbers (-1 -> 255 for uint8)
        bits = 8 * descr.itemsize
        values = [v % (1 << bits) for v in values]
    return _core.array(values, dtype=descr)


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
