"""The .npy and .npz formats: save, load, savez, savez_compressed, NpzFile.

Byte for byte NumPy's format (numpy/lib/_format_impl.py): version 1.0
headers when they fit in 65535 bytes, 2.0 beyond, 3.0 when field names need
UTF-8; the header is a Python dict literal padded so the data starts on a
64-byte boundary.  Files go both ways between ndmem and NumPy.

Reading a header never runs code (``ast.literal_eval``) and every malformed
header, whatever is wrong with it, raises ValueError.  ndmem has no object
dtype, so pickles load only with ``allow_pickle=True``.
"""

import contextlib
import io
import os
import pickle
import struct
import warnings
import weakref
from collections.abc import Mapping

from ndmem import _core
from ndmem._fileio import fromfile, write_bytes
from ndmem._memmap import memmap

__all__ = ["load", "save", "savez", "savez_compressed", "fromfile", "memmap"]

MAGIC_PREFIX = b"\x93NUMPY"
MAGIC_LEN = len(MAGIC_PREFIX) + 2
ARRAY_ALIGN = 64
BUFFER_SIZE = 2**18
GROWTH_AXIS_MAX_DIGITS = 21
EXPECTED_KEYS = {"descr", "fortran_order", "shape"}
_MAX_HEADER_SIZE = 10000
_header_size_info = {
    (1, 0): ("<H", "latin1"),
    (2, 0): ("<I", "latin1"),
    (3, 0): ("<I", "utf8"),
}
_ZIP_PREFIX = b"PK\x03\x04"
_ZIP_SUFFIX = b"PK\x05\x06"     # an empty zip file starts with this


# ---------------------------------------------------------------------------
# the header

def _check_version(version):
    if version not in [(1, 0), (2, 0), (3, 0), None]:
        msg = "we only support format version (1,0), (2,0), and (3,0), not %s"
        raise ValueError(msg % (version,))


def magic(major, minor):
    """Return the magic string of format version (major, minor)."""
    if major < 0 or major > 255:
        raise ValueError("major version must be 0 <= major < 256")
    if minor < 0 or minor > 255:
        raise ValueError("minor version must be 0 <= minor < 256")
    return MAGIC_PREFIX + bytes([major, minor])


def _read_bytes(fp, size, error_template="ran out of data"):
    data = b""
    while True:
        try:
            r = fp.read(size - len(data))
            data += r
            if len(r) == 0 or len(data) == size:
                break
        except BlockingIOError:
            pass
    if len(data) != size:
        msg = "EOF: reading %s, expected %d bytes got %d"
        raise ValueError(msg % (error_template, size, len(data)))
    return data


def read_magic(fp):
    """Read the magic string and return the format version (major, minor)."""
    magic_str = _read_bytes(fp, MAGIC_LEN, "magic string")
    if magic_str[:-2] != MAGIC_PREFIX:
        msg = "the magic string is not correct; expected %r, got %r"
        raise ValueError(msg % (MAGIC_PREFIX, magic_str[:-2]))
    major, minor = magic_str[-2:]
    return major, minor


def dtype_to_descr(dtype):
    """The header's 'descr': the dtype string, or the fields' descr list."""
    if dtype.names is not None:
        return dtype.descr
    return dtype.str


def descr_to_dtype(descr):
    """Inverse of :func:`dtype_to_descr` (unnamed void fields are padding)."""
    if isinstance(descr, str):
        return _core.dtype(descr)
    if isinstance(descr, tuple):
        dt = descr_to_dtype(descr[0])
        return _core.dtype((dt, descr[1]))
    titles = []
    names = []
    formats = []
    offsets = []
    offset = 0
    for field in descr:
        if len(field) == 2:
            name, descr_str = field
            dt = descr_to_dtype(descr_str)
        else:
            name, descr_str, shape = field
            dt = _core.dtype((descr_to_dtype(descr_str), shape))
        is_pad = name == "" and dt.kind == "V" and dt.names is None
        if not is_pad:
            title, name = name if isinstance(name, tuple) else (None, name)
            titles.append(title)
            names.append(name)
            formats.append(dt)
            offsets.append(offset)
        offset += dt.itemsize
    spec = {"names": names, "formats": formats, "offsets": offsets,
            "itemsize": offset}
    if any(t is not None for t in titles):
        spec["titles"] = titles
    return _core.dtype(spec)


def header_data_from_array_1_0(array):
    """The header dict of ``array``: shape, fortran_order and descr."""
    d = {"shape": array.shape}
    if array.flags.c_contiguous:
        d["fortran_order"] = False
    elif array.flags.f_contiguous:
        d["fortran_order"] = True
    else:
        d["fortran_order"] = False
    d["descr"] = dtype_to_descr(array.dtype)
    return d


def _wrap_header(header, version):
    fmt, encoding = _header_size_info[version]
    header = header.encode(encoding)
    hlen = len(header) + 1
    padlen = ARRAY_ALIGN - ((MAGIC_LEN + struct.calcsize(fmt) + hlen) % ARRAY_ALIGN)
    try:
        header_prefix = magic(*version) + struct.pack(fmt, hlen + padlen)
    except struct.error:
        msg = f"Header length {hlen} too big for version={version}"
        raise ValueError(msg) from None
    return header_prefix + header + b" " * padlen + b"\n"


def _wrap_header_guess_version(header):
    try:
        return _wrap_header(header, (1, 0))
    except ValueError:
        pass
    try:
        ret = _wrap_header(header, (2, 0))
    except UnicodeEncodeError:
        pass
    else:
        warnings.warn("Stored array in format 2.0. It can only be"
                      "read by NumPy >= 1.9", UserWarning, stacklevel=2)
        return ret
    header = _wrap_header(header, (3, 0))
    warnings.warn("Stored array in format 3.0. It can only be "
                  "read by NumPy >= 1.17", UserWarning, stacklevel=2)
    return header


def _write_array_header(fp, d, version=None):
    header = ["{"]
    for key, value in sorted(d.items()):
        header.append(f"'{key}': {repr(value)}, ")
    header.append("}")
    header = "".join(header)
    # room for the growing axis to get longer without moving the data
    shape = d["shape"]
    header += " " * ((GROWTH_AXIS_MAX_DIGITS - len(repr(
        shape[-1 if d["fortran_order"] else 0]
    ))) if len(shape) > 0 else 0)
    if version is None:
        header = _wrap_header_guess_version(header)
    else:
        header = _wrap_header(header, version)
    fp.write(header)


def _read_array_header(fp, version, max_header_size=_MAX_HEADER_SIZE):
    import ast      # here, as in NumPy, to keep `import ndmem` light

    hinfo = _header_size_info.get(version)
    if hinfo is None:
        raise ValueError(f"Invalid version {version!r}")
    hlength_type, encoding = hinfo
    hlength_str = _read_bytes(fp, struct.calcsize(hlength_type), "array header length")
    header_length = struct.unpack(hlength_type, hlength_str)[0]
    header = _read_bytes(fp, header_length, "array header")
    header = header.decode(encoding)
    if len(header) > max_header_size:
        raise ValueError(
            f"Header info length ({len(header)}) is large and may not be safe "
            "to load securely.\n"
            "To allow loading, adjust `max_header_size` or fully trust "
            "the `.npy` file using `allow_pickle=True`.\n"
            "For safety against large resource use or crashes, sandboxing "
            "may be necessary.")
    try:
        d = ast.literal_eval(header)
    except Exception as e:
        # SyntaxError, or TypeError ({[]: 1}), MemoryError/RecursionError
        # on deep nesting: all of them are a malformed header.
        msg = "Cannot parse header: {!r}"
        raise ValueError(msg.format(header)) from e
    if not isinstance(d, dict):
        msg = "Header is not a dictionary: {!r}"
        raise ValueError(msg.format(d))
    if EXPECTED_KEYS != d.keys():
        try:
            keys = sorted(d.keys())
        except TypeError:
            keys = list(d.keys())
        msg = "Header does not contain the correct keys: {!r}"
        raise ValueError(msg.format(keys))
    if (not isinstance(d["shape"], tuple)
            or not all(isinstance(x, int) for x in d["shape"])):
        msg = "shape is not valid: {!r}"
        raise ValueError(msg.format(d["shape"]))
    if not isinstance(d["fortran_order"], bool):
        msg = "fortran_order is not a valid bool: {!r}"
        raise ValueError(msg.format(d["fortran_order"]))
    try:
        dtype = descr_to_dtype(d["descr"])
    except ValueError:
        raise
    except Exception as e:
        msg = "descr is not a valid dtype descriptor: {!r}"
        raise ValueError(msg.format(d["descr"])) from e
    return d["shape"], d["fortran_order"], dtype


def read_array_header_1_0(fp, max_header_size=_MAX_HEADER_SIZE):
    """Read a version 1.0 header: (shape, fortran_order, dtype)."""
    return _read_array_header(fp, (1, 0), max_header_size=max_header_size)


def read_array_header_2_0(fp, max_header_size=_MAX_HEADER_SIZE):
    """Read a version 2.0 header: (shape, fortran_order, dtype)."""
    return _read_array_header(fp, (2, 0), max_header_size=max_header_size)


# ---------------------------------------------------------------------------
# arrays

def isfileobj(f):
    """True for a real binary file object (one with a descriptor)."""
    if not isinstance(f, (io.FileIO, io.BufferedReader, io.BufferedWriter)):
        return False
    try:
        f.fileno()
        return True
    except OSError:
        return False


def _hasobject(dtype):
    return getattr(dtype, "hasobject", False)


def write_array(fp, array, version=None, allow_pickle=True, pickle_kwargs=None):
    """Write an array with its .npy header to the open file ``fp``.

    Parameters
    ----------
    fp : file-like object
    array : ndarray
    version : (int, int) or None
        None picks the oldest version that can hold the header.
    allow_pickle, pickle_kwargs
        For arrays that need pickling (none in ndmem; kept for NumPy's
        signature).
    """
    _check_version(version)
    _write_array_header(fp, header_data_from_array_1_0(array), version)
    if _hasobject(array.dtype):
        if not allow_pickle:
            raise ValueError("Object arrays cannot be saved when "
                             "allow_pickle=False")
        pickle.dump(array, fp, protocol=4, **(pickle_kwargs or {}))
        return
    if array.flags.f_contiguous and not array.flags.c_contiguous:
        array = array.T
    if isfileobj(fp):
        array.tofile(fp)
        return
    write_bytes(fp, array)


def _check_stream_holds(fp, nbytes, size=None):
    """A forged shape must fail before allocating more than the stream
    holds.  ``size``, the stream's length when known, spares the seek to the
    end: on a zip member that seek reads (and CRCs) the whole member, and
    the seek back reads it again from the start."""
    if size is None:
        if not fp.seekable():
            return
        pos = fp.tell()
        size = fp.seek(0, 2)
        fp.seek(pos)
    else:
        pos = fp.tell()
    if size - pos < nbytes:
        raise ValueError("EOF: reading array data, expected %d bytes got %d"
                         % (nbytes, size - pos))


def _read_into(fp, array, nbytes):
    """Fill the fresh 1-d ``array`` from a stream that is not a real file."""
    view = memoryview(array.view(_core.uint8))
    done = 0
    while done < nbytes:
        got = fp.readinto(view[done:done + min(BUFFER_SIZE, nbytes - done)])
        if not got:
            raise ValueError("EOF: reading array data, expected %d bytes got %d"
                             % (nbytes, done))
        done += got


def read_array(fp, allow_pickle=False, pickle_kwargs=None, *,
               max_header_size=_MAX_HEADER_SIZE):
    """Read an array from an open .npy file.

    Parameters
    ----------
    fp : file-like object
    allow_pickle : bool
        Allow pickled object arrays (then the header size is not limited).
    pickle_kwargs : dict, optional
        Passed to ``pickle.load``.
    max_header_size : int
        Longest header accepted; protects ``ast.literal_eval``.

    Returns
    -------
    ndarray

    Raises
    ------
    ValueError
        The data is malformed, or pickled while ``allow_pickle`` is False.
    """
    return _read_array(fp, allow_pickle, pickle_kwargs, max_header_size)


def _read_array(fp, allow_pickle, pickle_kwargs, max_header_size, size=None):
    """:func:`read_array`, given the stream's length ``size`` if known."""
    if allow_pickle:
        max_header_size = 2**64
    version = read_magic(fp)
    _check_version(version)
    shape, fortran_order, dtype = _read_array_header(
        fp, version, max_header_size=max_header_size)
    count = 1
    for n in shape:
        count *= n
    if _hasobject(dtype):
        if not allow_pickle:
            raise ValueError("Object arrays cannot be loaded when "
                             "allow_pickle=False")
        return pickle.load(fp, **(pickle_kwargs or {}))
    if isfileobj(fp):
        array = fromfile(fp, dtype=dtype, count=max(count, 0))
    else:
        if count < 0:
            raise ValueError("negative dimensions are not allowed")
        nbytes = count * dtype.itemsize
        _check_stream_holds(fp, nbytes, size)
        array = _core.empty(count, dtype=dtype)
        if nbytes:
            _read_into(fp, array, nbytes)
    if array.size != count:
        raise ValueError(
            "Failed to read all data for array. "
            f"Expected {shape} = {count} elements, "
            f"could only read {array.size} elements. "
            "(file seems not fully written?)")
    return _shaped(array, shape, fortran_order)


def _shaped(array, shape, fortran_order):
    if fortran_order:
        return array.reshape(shape[::-1]).transpose()
    return array.reshape(shape)


def _read_stored_member(zf, info, member, max_header_size):
    """The array of an uncompressed .npy member of ``zf`` (a ZipFile on a
    real file), read from the archive's descriptor straight into the array
    with the CRC checked as ZipExtFile does, without a bytes object per
    256 KiB and a copy out of each; None (``member`` rewound) where the
    general reader must do it."""
    import zipfile
    import zlib

    version = read_magic(member)
    _check_version(version)
    shape, fortran_order, dtype = _read_array_header(
        member, version, max_header_size=max_header_size)
    header_len = member.tell()
    count = 1
    for n in shape:
        count *= n
    nbytes = count * dtype.itemsize
    fd = zf.fp.fileno()
    local = os.pread(fd, 30, info.header_offset)
    if (count < 0 or header_len + nbytes != info.file_size
            or len(local) != 30 or local[:4] != b"PK\x03\x04"):
        member.seek(0)
        return None
    name_len, extra_len = struct.unpack("<2H", local[26:30])
    start = info.header_offset + 30 + name_len + extra_len
    array = _core.empty(count, dtype=dtype)
    view = memoryview(array.view(_core.uint8)) if nbytes else memoryview(b"")
    done = 0
    while done < nbytes:
        got = os.preadv(fd, [view[done:]], start + header_len + done)
        if not got:
            raise ValueError("EOF: reading array data, expected %d bytes got %d"
                             % (nbytes, done))
        done += got
    crc = zlib.crc32(view, zlib.crc32(os.pread(fd, header_len, start)))
    if crc != info.CRC:
        raise zipfile.BadZipFile("Bad CRC-32 for file %r" % info.filename)
    return _shaped(array, shape, fortran_order)


def open_memmap(filename, mode="r+", dtype=None, shape=None,
                fortran_order=False, version=None, *,
                max_header_size=_MAX_HEADER_SIZE):
    """Open a .npy file as a memmap, or create one (mode 'w+').

    Parameters
    ----------
    filename : str or path-like
    mode : {'r+', 'r', 'w+', 'c'}
    dtype, shape, fortran_order, version
        The new array's layout, for mode 'w+' only.
    max_header_size : int

    Returns
    -------
    memmap
    """
    if isfileobj(filename):
        raise ValueError("Filename must be a string or a path-like object."
                         "  Memmap cannot use existing file handles.")
    if "w" in mode:
        _check_version(version)
        dtype = _core.dtype(dtype)
        d = {
            "descr": dtype_to_descr(dtype),
            "fortran_order": fortran_order,
            "shape": shape,
        }
        with open(os.fspath(filename), mode + "b") as fp:
            _write_array_header(fp, d, version)
            offset = fp.tell()
    else:
        with open(os.fspath(filename), "rb") as fp:
            return _map_npy(filename, fp, mode, max_header_size)
    order = "F" if fortran_order else "C"
    if mode == "w+":
        mode = "r+"
    return memmap(filename, dtype=dtype, shape=shape, order=order,
                  mode=mode, offset=offset)


def _map_npy(filename, fp, mode, max_header_size):
    """The memmap of an existing .npy file whose header ``fp`` is at."""
    version = read_magic(fp)
    _check_version(version)
    shape, fortran_order, dtype = _read_array_header(
        fp, version, max_header_size=max_header_size)
    order = "F" if fortran_order else "C"
    return memmap(filename, dtype=dtype, shape=shape, order=order,
                  mode=mode, offset=fp.tell())


# ---------------------------------------------------------------------------
# .npz archives

class BagObj:
    """Attribute access to the arrays of an NpzFile (``npz.f.name``)."""

    def __init__(self, obj):
        self._obj = weakref.proxy(obj)

    def __getattribute__(self, key):
        try:
            return object.__getattribute__(self, "_obj")[key]
        except KeyError:
            raise AttributeError(key) from None

    def __dir__(self):
        return list(object.__getattribute__(self, "_obj").keys())


def zipfile_factory(file, *args, **kwargs):
    """A ZipFile on ``file`` with zip64 allowed."""
    import zipfile

    if not hasattr(file, "read"):
        file = os.fspath(file)
    kwargs["allowZip64"] = True
    return zipfile.ZipFile(file, *args, **kwargs)


class NpzFile(Mapping):
    """A dict-like view of a .npz archive; arrays are read when asked for.

    Use as a context manager, or call :meth:`close`.  ``files`` lists the
    array names; ``f`` gives them as attributes.
    """

    zip = None
    fid = None
    _MAX_REPR_ARRAY_COUNT = 5

    def __init__(self, fid, own_fid=False, allow_pickle=False,
                 pickle_kwargs=None, *, max_header_size=_MAX_HEADER_SIZE):
        _zip = zipfile_factory(fid)
        _files = _zip.namelist()
        self.files = [name.removesuffix(".npy") for name in _files]
        self._files = dict(zip(self.files, _files))
        self._files.update(zip(_files, _files))
        self.allow_pickle = allow_pickle
        self.max_header_size = max_header_size
        self.pickle_kwargs = pickle_kwargs
        self.zip = _zip
        self.f = BagObj(self)
        if own_fid:
            self.fid = fid

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.close()

    def close(self):
        """Close the archive and the file it was opened from."""
        if self.zip is not None:
            self.zip.close()
            self.zip = None
        if self.fid is not None:
            self.fid.close()
            self.fid = None
        self.f = None

    def __del__(self):
        self.close()

    def __iter__(self):
        return iter(self.files)

    def __len__(self):
        return len(self.files)

    def __getitem__(self, key):
        try:
            key = self._files[key]
        except KeyError:
            raise KeyError(f"{key} is not a file in the archive") from None
        info = self.zip.getinfo(key)
        with self.zip.open(info) as member:
            head = member.read(len(MAGIC_PREFIX))
            member.seek(0)
            if head != MAGIC_PREFIX:
                return member.read()
            if (info.compress_type == 0 and not info.flag_bits & 0x1
                    and isfileobj(self.zip.fp) and hasattr(os, "preadv")):
                max_header_size = 2**64 if self.allow_pickle else self.max_header_size
                array = _read_stored_member(self.zip, info, member, max_header_size)
                if array is not None:
                    return array
            return _read_array(member, self.allow_pickle, self.pickle_kwargs,
                               self.max_header_size, info.file_size)

    def __contains__(self, key):
        return key in self._files

    def __repr__(self):
        if isinstance(self.fid, str):
            filename = self.fid
        else:
            filename = getattr(self.fid, "name", "object")
        array_names = ", ".join(self.files[:self._MAX_REPR_ARRAY_COUNT])
        if len(self.files) > self._MAX_REPR_ARRAY_COUNT:
            array_names += "..."
        return f"NpzFile {filename!r} with keys: {array_names}"


# ---------------------------------------------------------------------------
# the public functions

def load(file, mmap_mode=None, allow_pickle=False, fix_imports=True,
         encoding="ASCII", *, max_header_size=_MAX_HEADER_SIZE):
    """Load arrays from .npy or .npz files (or pickles, if allowed).

    Parameters
    ----------
    file : file-like object, str or pathlib.Path
    mmap_mode : {None, 'r+', 'r', 'w+', 'c'}
        Map a .npy file instead of reading it: returns a :class:`memmap`.
    allow_pickle : bool
        Load pickled data; off by default since unpickling runs code.
    fix_imports, encoding
        Passed to ``pickle.load``.
    max_header_size : int
        Longest .npy header accepted.

    Returns
    -------
    ndarray, memmap, NpzFile or object

    Raises
    ------
    ValueError
        Malformed files, or pickled data while ``allow_pickle`` is False.
    EOFError
        The file is empty.
    """
    if encoding not in ("ASCII", "latin1", "bytes"):
        raise ValueError("encoding must be 'ASCII', 'latin1', or 'bytes'")
    pickle_kwargs = {"encoding": encoding, "fix_imports": fix_imports}
    with contextlib.ExitStack() as stack:
        if hasattr(file, "read"):
            fid = file
            own_fid = False
        else:
            fid = stack.enter_context(open(os.fspath(file), "rb"))
            own_fid = True
        N = len(MAGIC_PREFIX)
        head = fid.read(N)
        if not head:
            raise EOFError("No data left in file")
        fid.seek(-min(N, len(head)), 1)
        if head.startswith((_ZIP_PREFIX, _ZIP_SUFFIX)):
            stack.pop_all()
            return NpzFile(fid, own_fid=own_fid, allow_pickle=allow_pickle,
                           pickle_kwargs=pickle_kwargs,
                           max_header_size=max_header_size)
        if head == MAGIC_PREFIX:
            if mmap_mode:
                if allow_pickle:
                    max_header_size = 2**64
                if own_fid and "w" not in mmap_mode:
                    # the header is read from the file already open
                    return _map_npy(file, fid, mmap_mode, max_header_size)
                return open_memmap(file, mode=mmap_mode,
                                   max_header_size=max_header_size)
            return read_array(fid, allow_pickle=allow_pickle,
                              pickle_kwargs=pickle_kwargs,
                              max_header_size=max_header_size)
        if not allow_pickle:
            raise ValueError(
                "This file contains pickled (object) data. If you trust "
                "the file you can load it unsafely using the "
                "`allow_pickle=` keyword argument or `pickle.load()`.")
        try:
            return pickle.load(fid, **pickle_kwargs)
        except Exception as e:
            raise pickle.UnpicklingError(
                f"Failed to interpret file {file!r} as a pickle") from e


def save(file, arr, allow_pickle=True):
    """Save an array to a binary file in NumPy ``.npy`` format.

    Parameters
    ----------
    file : file, str or pathlib.Path
        '.npy' is appended to a file name that lacks it.
    arr : array_like
    allow_pickle : bool
        Kept for NumPy's signature (ndmem arrays never need pickling).
    """
    if hasattr(file, "write"):
        file_ctx = contextlib.nullcontext(file)
    else:
        file = os.fspath(file)
        if not file.endswith(".npy"):
            file = file + ".npy"
        file_ctx = open(file, "wb")
    with file_ctx as fid:
        arr = _core.asanyarray(arr)
        write_array(fid, arr, allow_pickle=allow_pickle)


def _savez(file, args, kwds, compress, allow_pickle=True):
    import zipfile

    if not hasattr(file, "write"):
        file = os.fspath(file)
        if not file.endswith(".npz"):
            file = file + ".npz"
    namedict = kwds
    for i, val in enumerate(args):
        key = "arr_%d" % i
        if key in namedict.keys():
            raise ValueError(f"Cannot use un-named variables and keyword {key}")
        namedict[key] = val
    compression = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    zipf = zipfile_factory(file, mode="w", compression=compression)
    try:
        for key, val in namedict.items():
            fname = key + ".npy"
            val = _core.asanyarray(val)
            with zipf.open(fname, "w", force_zip64=True) as fid:
                write_array(fid, val, allow_pickle=allow_pickle)
    finally:
        zipf.close()


def savez(file, *args, allow_pickle=True, **kwds):
    """Save several arrays into one uncompressed ``.npz`` file.

    Positional arrays are named ``arr_0``, ``arr_1``, ...; keyword arrays
    by their keyword.  '.npz' is appended to a file name that lacks it.
    """
    _savez(file, args, kwds, False, allow_pickle=allow_pickle)


def savez_compressed(file, *args, allow_pickle=True, **kwds):
    """Save several arrays into one compressed (deflate) ``.npz`` file.

    Names as in :func:`savez`.
    """
    _savez(file, args, kwds, True, allow_pickle=allow_pickle)
