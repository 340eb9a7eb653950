"""tofile / fromfile (binary and text), frombuffer and tobytes against NumPy."""

import io
import warnings
import os

import numpy as np
import pytest

import ndmem as nm

LIBS = [np, nm]


def make(lib, dtype, layout):
    a = lib.frombuffer(np.random.default_rng(3).bytes(96 * lib.dtype(dtype).itemsize),
                       dtype=dtype)[:96].reshape(4, 6, 4)
    if layout == "C":
        return a.copy()
    if layout == "F":
        return a.T.copy().T
    if layout == "strided":
        return a[::2, 1:, ::-1]
    if layout == "0d":
        return a[1, 2, 3].reshape(())     # an array, not a scalar
    raise AssertionError(layout)


def describe(a):
    return dict(type=type(a).__name__, shape=a.shape, dtype=a.dtype.str,
                owndata=a.flags.owndata, writeable=a.flags.writeable,
                data=a.tobytes())


def outcome(fn):
    try:
        return fn()
    except Exception as e:
        return type(e).__name__


@pytest.mark.parametrize("dtype", ["u1", "<i2", ">i4", "<f8", ">c8", "?", "S3",
                                   [("a", "<i2"), ("b", ">f4")]])
@pytest.mark.parametrize("layout", ["C", "F", "strided", "0d"])
def test_binary_tofile_same_bytes(tmp_path, dtype, layout):
    files = []
    for lib in LIBS:
        path = tmp_path / f"{lib.__name__}.bin"
        make(lib, dtype, layout).tofile(path)
        files.append(path.read_bytes())
    assert files[0] == files[1]


@pytest.mark.parametrize("kw", [dict(), dict(count=5), dict(count=0), dict(count=1000),
                                dict(offset=3, count=4), dict(offset=8),
                                dict(offset=1000)])
@pytest.mark.parametrize("dtype", ["u1", "<i4", ">f8", [("a", "u1"), ("b", "<i2")]])
def test_binary_fromfile(tmp_path, kw, dtype):
    path = tmp_path / "a.bin"
    path.write_bytes(bytes(range(250)))
    got, want = [outcome(lambda: describe(lib.fromfile(path, dtype=dtype, **kw)))
                 for lib in (nm, np)]
    assert got == want


def test_file_objects_and_positions(tmp_path):
    path = tmp_path / "a.bin"
    out = []
    for lib in LIBS:
        with open(path, "wb") as f:
            f.write(b"ab")
            lib.arange(5, dtype="<i2").tofile(f)
            f.write(b"cd")
        with open(path, "rb") as f:
            f.read(2)
            first = lib.fromfile(f, dtype="<i2", count=2)
            pos = f.tell()
            rest = lib.fromfile(f, dtype="u1", offset=1)
        out.append((path.read_bytes(), first.tolist(), pos, rest.tolist(), f.closed))
    assert out[0] == out[1]


def test_streams_without_descriptor():
    for lib in LIBS:
        with pytest.raises(io.UnsupportedOperation):
            lib.fromfile(io.BytesIO(b"1234"), dtype="u1")
        with pytest.raises(io.UnsupportedOperation):
            lib.arange(3).tofile(io.BytesIO())


@pytest.mark.parametrize("dtype,sep,fmt", [
    ("<f8", " ", "%s"),
    ("<f4", " ", "%s"),          # float32 items print as Python floats
    ("<i8", ", ", "%03d"),
    ("<f8", "\n", "%.3f"),
    ("?", " ", "%s"),
    ("<c16", " ", "%s"),
    ("u1", ":", "%s"),
])
@pytest.mark.parametrize("layout", ["C", "strided"])
def test_text_tofile(tmp_path, dtype, sep, fmt, layout):
    texts = []
    for lib in LIBS:
        path = tmp_path / f"{lib.__name__}.txt"
        arr = lib.arange(24).reshape(2, 3, 4)
        arr = arr[:, ::2, ::-1] if layout == "strided" else arr
        arr.astype(dtype).tofile(path, sep=sep, format=fmt)
        texts.append(path.read_text())
    assert texts[0] == texts[1]


@pytest.mark.parametrize("text,sep,dtype,kw", [
    ("1 2\n3  4.5 ", " ", "<f8", {}),
    ("1 2\n3  4.5 ", " ", "<f8", dict(count=2)),
    ("1 2\n3  4.5 ", " ", "<i8", {}),             # '.5' is unmatched
    ("1,2 , 3,", ",", "<f8", {}),
    ("1,2 , 3", ",", "<f8", dict(count=5)),
    ("", " ", "<f8", {}),
    ("  7  ", " ", "<f8", {}),
    ("1e3 +2 .5 -inf NaN", " ", "<f8", {}),
    ("1e3 +2 ", " ", "<i8", {}),
    ("0x10 2", " ", "<f8", {}),
    ("-1 2 300", " ", "u1", {}),
    ("1 0 3", " ", "?", {}),
    ("1 2 3", " ", "<c16", {}),
    ("001, 002, 003", ", ", "<i4", {}),
    ("1;2;;3", ";", "<i4", {}),
    ("1 2 3", " ", "<f8", dict(offset=1)),        # offset is binary-only
    # integers go through the C scanner, which hands odd text back to Python
    ("1 2 3\n4\t5 ", " ", "<i8", {}),
    ("1 2 3", " ", "<i8", dict(count=2)),
    ("-1,2,,3", ",", "<i2", {}),
    ("-5 7", " ", "<u8", {}),
    ("0 2 -3", " ", "?", {}),
    ("9223372036854775807 -9223372036854775808", " ", "<i8", {}),
    ("1_0 2", " ", "<i8", {}),
    ("1,2 3", ",", "<i8", dict(count=1)),
    ("1 2x", " ", "<i8", dict(count=1)),
    ("12 \xe9", " ", "<i8", {}),
    ("1.5 2", " ", "<f8", dict(count=1)),
    ("inf -Infinity nan NaN +.5 1. 1e5 1E+05 -0.0", " ", "<f8", {}),
    ("0.1, 0.2 ,0.3,", ",", "<f4", {}),
    ("1.5 2.5", " ", "<c16", {}),
    ("1e400 -1e400 4.9e-324", " ", "<f8", {}),
    ("infx 2", " ", "<f8", {}),
    ("2.5;3", ";", "<f2", {}),
])
def test_text_fromfile(tmp_path, text, sep, dtype, kw):
    path = tmp_path / "a.txt"
    path.write_text(text)
    got, want = [outcome(lambda: describe(lib.fromfile(path, dtype=dtype, sep=sep, **kw)))
                 for lib in (nm, np)]
    assert got == want


def test_text_round_trip(tmp_path):
    path = tmp_path / "a.txt"
    values = [i / 7 for i in range(-10, 10)] + [1e300, -2.5e-300]
    nm.array(values).tofile(path, sep=" ")
    assert nm.fromfile(path, sep=" ").tolist() == values
    assert np.fromfile(path, sep=" ").tolist() == values


@pytest.mark.parametrize("kw", [dict(), dict(offset=3), dict(count=4), dict(offset=2, count=3),
                                dict(count=-1, offset=6), dict(offset=11), dict(offset=-1),
                                dict(count=20), dict(dtype="<i4"), dict(dtype="<i4", offset=1),
                                dict(dtype="<i4", count=2, offset=4), dict(dtype="<i8")])
def test_frombuffer_offset_count(kw):
    kw.setdefault("dtype", "u1")
    buf = bytes(range(12))
    got, want = [outcome(lambda: describe(lib.frombuffer(buf, **kw))) for lib in (nm, np)]
    assert got == want


@pytest.mark.parametrize("order", ["C", "F", "A", "K"])
@pytest.mark.parametrize("layout", ["C", "F", "strided"])
def test_tobytes(order, layout):
    got, want = [outcome(lambda: make(lib, "<i4", layout).tobytes(order=order))
                 for lib in (nm, np)]
    assert got == want


@pytest.mark.parametrize("layout", ["F", "strided"])
def test_non_contiguous_writes_in_blocks(tmp_path, monkeypatch, layout):
    """tofile and save copy a few leading-axis rows at a time, never the
    whole array; the bytes are NumPy's all the same."""
    import ndmem._fileio
    monkeypatch.setattr(ndmem._fileio, "_CHUNK_BYTES", 100)
    files = []
    for lib in LIBS:
        arr = make(lib, "<f8", layout)
        arr.tofile(tmp_path / f"{lib.__name__}.bin")
        buf = io.BytesIO()
        lib.save(buf, arr[::-1])
        files.append(((tmp_path / f"{lib.__name__}.bin").read_bytes(), buf.getvalue()))
    assert files[0] == files[1]


def big(lib, layout):
    """17 MiB or more of float64 (past the 16 MiB where writes reserve their
    blocks first), in layouts that take each path of the C writer."""
    a = lib.arange(3 << 20, dtype="<f8").reshape(96, 128, 256)
    return {
        "C": a,
        "F": a.T,
        "rows": a[::2, ::-1],           # packed inner rows of 2 KiB
        "long runs": a.reshape(12, -1)[::-2],   # inner runs past the stage buffer
        "items": a[:, :, ::-3],         # one item at a time
    }[layout]


@pytest.mark.parametrize("layout", ["C", "F", "rows", "long runs", "items"])
def test_large_tofile_same_bytes(tmp_path, layout):
    files = []
    for lib in LIBS:
        path = tmp_path / f"{lib.__name__}.bin"
        path.write_bytes(b"x" * 100)    # overwritten: O_TRUNC as NumPy
        big(lib, layout).tofile(path)
        files.append(path.read_bytes())
    assert files[0] == files[1]


@pytest.mark.parametrize("mode", ["r+b", "ab", "wb"])
def test_tofile_between_buffered_writes(tmp_path, mode):
    """The descriptor write lands at the file object's position, even with
    bytes waiting in its buffer or read ahead, and the object follows it."""
    out = []
    for lib in LIBS:
        path = tmp_path / "a.bin"
        path.write_bytes(bytes(range(40)))
        with open(path, mode) as f:
            if mode == "r+b":
                f.read(3)
            f.write(b"head")
            lib.arange(6, dtype="<i2")[::-1].tofile(f)
            pos = f.tell()
            f.write(b"tail")
            lib.arange(3, dtype="<i4").tofile(f)
        out.append((path.read_bytes(), pos))
    assert out[0] == out[1]


@pytest.mark.parametrize("layout", ["F", "rows", "items"])
def test_non_contiguous_tofile_peak(tmp_path, layout):
    """No copy of the array is made to write it: the traced peak stays far
    below its size, as NumPy's does."""
    import tracemalloc
    arr = big(nm, layout)
    tracemalloc.start()
    try:
        arr.tofile(tmp_path / "a.bin")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < arr.nbytes // 100


def test_tofile_write_errors(tmp_path):
    path = tmp_path / "a.bin"
    path.write_bytes(b"x")
    for lib in LIBS:
        with open(path, "rb") as f, pytest.raises(OSError):
            lib.arange(3).tofile(f)
        if os.path.exists("/dev/full"):
            with open("/dev/full", "wb") as f, pytest.raises(OSError):
                lib.arange(1 << 16)[::2].tofile(f)


@pytest.mark.parametrize("layout", ["C", "strided", "long rows"])
def test_stream_writes_in_chunks(monkeypatch, layout):
    """save and savez_compressed hand a stream bounded chunks, so neither a
    copy of the array nor its whole compressed form is ever alive; the
    bytes are NumPy's."""
    import tracemalloc
    import zipfile
    import ndmem._fileio
    monkeypatch.setattr(ndmem._fileio, "_CHUNK_BYTES", 64 << 10)
    raw = np.random.default_rng(5).random(1 << 19)      # 4 MiB, incompressible
    arrays = [raw, nm.frombuffer(raw.tobytes(), dtype=raw.dtype)]
    view = {"C": lambda a: a, "strided": lambda a: a[::-3],
            "long rows": lambda a: a.reshape(4, -1)[:, ::2]}[layout]
    members = []
    for lib, arr in zip(LIBS, arrays):
        buf = io.BytesIO()
        lib.save(buf, view(arr))
        tracemalloc.start()
        try:
            zbuf = io.BytesIO()
            lib.savez_compressed(zbuf, a=view(arr))
            peak = tracemalloc.get_traced_memory()[1] - len(zbuf.getvalue())
        finally:
            tracemalloc.stop()
        with zipfile.ZipFile(zbuf) as zf:
            members.append((buf.getvalue(), zf.read("a.npy")))
    assert members[0] == members[1]
    assert peak < (1 << 20)


@pytest.mark.parametrize("dtype", ["<f8", "<f4", ">f8", "i1", "<u8", "<i8", "?", "<c16"])
@pytest.mark.parametrize("sep,fmt", [(" ", "%s"), ("é", "%s"), (",", "%.4g")])
def test_text_tofile_special_values_and_chunks(tmp_path, monkeypatch, dtype, sep, fmt):
    """Numbers format in C for '%s' (str of each item); the text is
    written in chunks, joined by sep across their seams."""
    import ndmem._fileio
    monkeypatch.setattr(ndmem._fileio, "_CHUNK_BYTES", 1000)
    values = [0.0, -0.0, 1.5, 1e300, -2.5e-300, 1 / 3, np.inf, -np.inf, np.nan, 5e-324, 1e16]
    texts = []
    for lib in LIBS:
        with np.errstate(all="ignore"):
            special = np.array(values).astype(dtype)
        arr = lib.concatenate([lib.asarray(special), lib.arange(3000).astype(dtype)])
        path = tmp_path / f"{lib.__name__}.txt"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            texts.append(outcome(lambda: arr[::-1].tofile(path, sep=sep, format=fmt)
                                 or path.read_text(encoding="utf-8")))
    assert texts[0] == texts[1]
