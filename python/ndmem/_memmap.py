"""memmap: an ndarray over a file mapped into memory (NumPy's memmap).

The mapping itself is ``ndmem._core._FileMap`` (mmap(2)/msync/munmap in C).
Everything else follows numpy/_core/memmap.py line for line, so modes,
offsets, growth of the file, ``base`` relations and the types of results are
NumPy's.  The one addition is :meth:`memmap.close`, which NumPy lacks
(numpy/numpy#13510).
"""

import operator
import os
import sys
from contextlib import nullcontext

from ndmem._core import _FileMap, _mmap_granularity, dtype as _dtype
from ndmem._core import may_share_memory, ndarray, uint8

__all__ = ["memmap"]

valid_filemodes = ["r", "c", "r+", "w+"]
mode_equivalents = {
    "readonly": "r",
    "copyonwrite": "c",
    "readwrite": "r+",
    "write": "w+",
}

_ACCESS = {"r": "r", "c": "c", "r+": "w", "w+": "w"}


def _reference_counts(obj):
    # Both counts include the temporaries of this call chain; close() compares
    # them with the same chain run on a probe held by one name only.
    return sys.getrefcount(obj), sys.getrefcount(obj._mmap)


class _Probe:
    def close(self):
        return _reference_counts(self)


def _sole_holder_counts():
    probe = _Probe()
    mapping = object()
    probe._mmap = mapping
    probe.base = mapping    # the root memmap holds its map twice too
    del mapping
    return probe.close()


_SOLE_SELF, _SOLE_MAP = _sole_holder_counts()


class memmap(ndarray):
    """Create a memory-map to an array stored in a *binary* file on disk.

    Parameters
    ----------
    filename : str, file-like object, or pathlib.Path instance
        The file name or file object to be used as the array data buffer.
    dtype : data-type, optional
        The data-type used to interpret the file contents.  Default is uint8.
    mode : {'r+', 'r', 'w+', 'c'}, optional
        'r' read-only, 'r+' read and write, 'w+' create or overwrite,
        'c' copy-on-write (assignments stay in memory, the file is never
        written).  The long names 'readonly', 'readwrite', 'write' and
        'copyonwrite' are accepted too.  Default is 'r+'.
    offset : int, optional
        Byte offset of the array data in the file.  Need not be a multiple
        of the page size.
    shape : int or sequence of ints, optional
        The array's shape.  If not given, a 1-d array of all the bytes from
        `offset` to the end of the file, which must be a whole number of
        items.  Required for mode 'w+'.
    order : {'C', 'F'}, optional
        Memory layout of the data.

    Attributes
    ----------
    filename : str or pathlib.Path instance
        Absolute path to the mapped file.
    offset : int
        Offset position in the file.
    mode : str
        File mode.

    Notes
    -----
    As in NumPy, the mapping stays open while any view of it is alive and
    is unmapped when the last one goes.  ``close()`` unmaps at once; it
    raises BufferError while anything else (a view, another name for the
    memmap, a memoryview) still refers to it.
    """

    __array_priority__ = -100.0

    def __new__(subtype, filename, dtype=uint8, mode="r+", offset=0,
                shape=None, order="C"):
        try:
            mode = mode_equivalents[mode]
        except KeyError:
            if mode not in valid_filemodes:
                all_modes = valid_filemodes + list(mode_equivalents.keys())
                raise ValueError(
                    f"mode must be one of {all_modes!r} (got {mode!r})"
                ) from None

        if mode == "w+" and shape is None:
            raise ValueError("shape must be given if mode == 'w+'")

        if hasattr(filename, "read"):
            f_ctx = nullcontext(filename)
        else:
            f_ctx = open(os.fspath(filename), ("r" if mode == "c" else mode) + "b")

        with f_ctx as fid:
            fid.seek(0, 2)
            flen = fid.tell()
            descr = _dtype(dtype)
            _dbytes = descr.itemsize

            if shape is None:
                bytes = flen - offset
                if bytes % _dbytes:
                    raise ValueError("Size of available data is not a "
                                     "multiple of the data-type size.")
                size = bytes // _dbytes
                shape = (size,)
            else:
                if not isinstance(shape, (tuple, list)):
                    try:
                        shape = [operator.index(shape)]
                    except TypeError:
                        pass
                shape = tuple(shape)
                size = 1
                for k in shape:
                    size *= k

            bytes = int(offset + size * _dbytes)

            if mode in ("w+", "r+"):
                # An empty memmap still maps one byte (NumPy gh-27723).
                bytes = max(bytes, 1)
                if flen < bytes:
                    fid.seek(bytes - 1, 0)
                    fid.write(b"\0")
                    fid.flush()

            start = offset - offset % _mmap_granularity
            bytes -= start
            # length 0 would map the whole file
            if bytes == 0 and start > 0:
                bytes += _mmap_granularity
                start -= _mmap_granularity
            array_offset = offset - start
            mm = _FileMap(fid.fileno(), bytes, start, _ACCESS[mode])

            self = ndarray.__new__(subtype, shape, dtype=descr, buffer=mm,
                                   offset=array_offset, order=order)
            self._mmap = mm
            self.offset = offset
            self.mode = mode

            if isinstance(filename, os.PathLike):
                self.filename = filename.resolve()
            elif hasattr(fid, "name") and isinstance(fid.name, str):
                self.filename = os.path.abspath(fid.name)
            else:
                self.filename = None

        return self

    def __array_finalize__(self, obj):
        if hasattr(obj, "_mmap") and may_share_memory(self, obj):
            self._mmap = obj._mmap
            self.filename = obj.filename
            self.offset = obj.offset
            self.mode = obj.mode
        else:
            self._mmap = None
            self.filename = None
            self.offset = None
            self.mode = None

    def flush(self):
        """Write any changes in the array to the file on disk.

        Raises
        ------
        ValueError
            If the memmap was closed.
        """
        if self.base is not None and hasattr(self.base, "flush"):
            self.base.flush()

    @property
    def closed(self):
        """True once :meth:`close` has unmapped the file."""
        return self._mmap is not None and self._mmap.closed

    def close(self):
        """Unmap the file now instead of when the last view goes.

        Changes of a 'r+' or 'w+' map are written back first.  Afterwards
        the memmap is empty and read-only, and indexing it or flushing it
        raises ValueError.  Closing twice does nothing.

        Raises
        ------
        BufferError
            If anything besides this one reference holds the memmap or its
            mapping: a view (``mm[1:]``, ``mm.view(ndarray)``), a memoryview,
            another name, or this is itself a view of the memmap that opened
            the file.  Their pointers would dangle after unmapping.  Also
            raised for a memmap that maps no file (a copy, an unpickled one).
        """
        mapping = self._mmap
        if mapping is None:
            raise BufferError("cannot close: this memmap maps no file (it is "
                              "a copy or an unpickled memmap)")
        if self.base is not mapping:
            raise BufferError(
                "cannot close a view of a memmap: the memmap that opened the "
                "file still holds the mapping")
        if mapping.closed:
            return
        mapping.flush()
        del mapping     # the probe holds no such local
        n_self, n_map = _reference_counts(self)
        if n_self > _SOLE_SELF or n_map > _SOLE_MAP:
            raise BufferError(
                "cannot close memmap: other views of the mapping (or other "
                "references to this memmap) exist")
        self._mmap._close_array(self)

    def __array_wrap__(self, arr, context=None, return_scalar=False):
        # ndarray.__array_wrap__'s rule first: a result of another type is
        # viewed as this one (which keeps NumPy's base chain).
        if type(arr) is not type(self):
            arr = arr.view(type(self))

        # A memmap given as out= stays a memmap; other results are plain
        # arrays (or scalars), as in NumPy.
        if self is arr or type(self) is not memmap:
            return arr
        if return_scalar:
            return arr[()]
        return arr.view(ndarray)

    def __getitem__(self, index):
        if self.closed:
            raise ValueError("I/O operation on a closed memmap")
        res = super().__getitem__(index)
        if type(res) is memmap and res._mmap is None:
            return res.view(type=ndarray)
        return res

    def __setitem__(self, index, value):
        if self.closed:
            raise ValueError("I/O operation on a closed memmap")
        super().__setitem__(index, value)
