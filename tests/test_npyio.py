"""The .npy/.npz formats against NumPy: identical bytes on save, each library
loads the other's files (structured and Fortran-order arrays included),
mmap_mode, NpzFile, allow_pickle, and malformed or fuzzed headers, which
must raise ValueError and never crash."""

import io
import os
import pickle
import struct
import warnings
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from numpy.lib import format as npformat

import ndmem as nm
from ndmem import npyio

LIBS = [np, nm]

DTYPES = [
    "?", "i1", "<i2", ">i4", "<i8", "u1", ">u2", "<u4", "<u8", "<f2", ">f4",
    "<f8", "<c8", ">c16", "S5", "<U3", "V4",
    [("a", "<i4"), ("b", "S2")],
    [("x", ">f8", (2,)), ("y", [("p", "u1"), ("q", "<i2")])],
]


def structured_aligned(lib):
    return lib.dtype([("a", "u1"), ("b", "<f8"), ("c", "<i2")], align=True)


def make(lib, dtype, shape=(3, 4), layout="C"):
    """The same bytes in both libraries, in the requested layout."""
    descr = lib.dtype(dtype) if not callable(dtype) else dtype(lib)
    n = 1
    for k in shape:
        n *= k
    raw = np.random.default_rng(7).bytes(max(n, 1) * descr.itemsize * 4)
    base = lib.frombuffer(raw, dtype=descr)
    if layout == "C":
        return base[:n].reshape(shape).copy()
    if layout == "F":
        return base[:n].reshape(shape[::-1]).copy().T
    if layout == "strided":
        return base[:4 * n].reshape((shape[0] * 4,) + shape[1:])[::4]
    raise AssertionError(layout)


def describe(a):
    return dict(
        type=type(a).__name__,
        shape=a.shape,
        strides=a.strides,
        dtype=a.dtype.str,
        descr=a.dtype.descr,
        c=a.flags.c_contiguous,
        f=a.flags.f_contiguous,
        owndata=a.flags.owndata,
        writeable=a.flags.writeable,
        data=_data(a),
    )


def _data(a):
    """The bytes of the values; padding between fields is left out (NumPy's
    copies leave it uninitialised)."""
    names = a.dtype.names
    if names is None:
        return a.tobytes(order="A")
    return tuple(a[name].tobytes(order="A") for name in names)


def saved(lib, arr, **kw):
    f = io.BytesIO()
    lib.save(f, arr, **kw)
    return f.getvalue()


CASES = [(d, (3, 4), "C") for d in DTYPES] + [
    (structured_aligned, (2, 3), "C"),
    ("<f8", (3, 4), "F"),
    (">i2", (2, 3, 4), "F"),
    ([("a", "<i4"), ("b", "S2")], (4, 2), "F"),
    ("<i4", (3, 4), "strided"),
    ("<f8", (), "C"),
    ("<f8", (0, 3), "C"),
    ("<i8", (5,), "C"),
]


@pytest.mark.parametrize("dtype,shape,layout", CASES)
def test_same_bytes_as_numpy(dtype, shape, layout):
    want, got = [saved(lib, make(lib, dtype, shape, layout)) for lib in LIBS]
    assert got == want


@pytest.mark.parametrize("dtype,shape,layout", CASES)
def test_files_go_both_ways(tmp_path, dtype, shape, layout):
    for writer in LIBS:
        path = tmp_path / f"{writer.__name__}.npy"
        writer.save(path, make(writer, dtype, shape, layout))
        loaded = [describe(lib.load(path)) for lib in LIBS]
        assert loaded[1] == loaded[0]


@pytest.mark.parametrize("layout", ["C", "F", "strided"])
def test_large_save_same_file_bytes(tmp_path, layout):
    """Past 16 MiB the data goes through the descriptor after fallocate;
    the files (overwritten, as a re-save does) are NumPy's byte for byte."""
    files = []
    for lib in LIBS:
        a = lib.arange(9 << 18, dtype=">i8").reshape(768, 3072)
        a = {"C": a, "F": a.T, "strided": a[::-1, 1::3]}[layout]
        path = tmp_path / f"{lib.__name__}.npy"
        for _ in range(2):
            lib.save(path, a)
        files.append(path.read_bytes())
    assert files[1] == files[0]


@pytest.mark.parametrize("mode", ["r", "r+", "c"])
@pytest.mark.parametrize("layout", ["C", "F"])
def test_load_mmap_mode(tmp_path, mode, layout):
    path = tmp_path / "a.npy"
    np.save(path, make(np, [("a", "<i4"), ("b", "<f8")], (3, 5), layout))
    got = []
    for lib in LIBS:
        m = lib.load(path, mmap_mode=mode)
        got.append((describe(m), m.offset, m.mode, type(m).__name__,
                    m[1:].base is m))
        del m
    assert got[1] == got[0]
    m = nm.load(path, mmap_mode=mode)
    if mode != "r":
        m["a"][0, 0] = 1234
        m.flush()
        del m
        expect = 1234 if mode == "r+" else make(np, [("a", "<i4"), ("b", "<f8")],
                                                (3, 5), layout)["a"][0, 0]
        assert np.load(path)["a"][0, 0] == expect


@pytest.mark.parametrize("mode", ["readonly", "copyonwrite", "x", "w", "w+"])
def test_load_mmap_mode_names(tmp_path, mode):
    """load reads the header from the file it opened (no open_memmap);
    the long mode names and the refused ones behave as NumPy's."""
    got = []
    for lib in LIBS:
        path = tmp_path / f"{lib.__name__}.npy"
        np.save(path, np.arange(6, dtype="<i2").reshape(2, 3))
        try:
            m = lib.load(path, mmap_mode=mode)
            got.append((type(m).__name__, m.mode, m.offset, m.tolist(),
                        m.filename == str(path)))
            del m
        except Exception as e:
            got.append(type(e).__name__)
    assert got[1] == got[0]


@pytest.mark.parametrize("version", [(1, 0), (2, 0), (3, 0)])
def test_explicit_versions(version):
    arrays = [make(lib, "<i4", (2, 3), "F") for lib in LIBS]
    out = []
    for lib_fmt, arr in [(npformat, arrays[0]), (npyio, arrays[1])]:
        f = io.BytesIO()
        lib_fmt.write_array(f, arr, version=version)
        out.append(f.getvalue())
    assert out[1] == out[0]
    for data in out:
        for lib in LIBS:
            assert describe(lib.load(io.BytesIO(data)))["data"] == arrays[0].tobytes("A")


def test_guessed_version_3_for_unicode_names():
    got = []
    for lib in LIBS:
        arr = lib.zeros(2, dtype=[("é", "<i4")])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            data = saved(lib, arr)
        got.append((data, [str(w.message) for w in caught]))
    assert got[1] == got[0]
    assert nm.load(io.BytesIO(got[0][0])).dtype.names == ("é",)


def test_long_header_uses_version_2():
    names = [(f"field_{i:05d}", "<i2") for i in range(3000)]
    got = []
    for lib in LIBS:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            data = saved(lib, lib.zeros(1, dtype=names))
        got.append((data[:8], len(data), [str(w.message) for w in caught]))
    assert got[1] == got[0]


def test_sequential_arrays_in_one_file(tmp_path):
    path = tmp_path / "seq.npy"
    with open(path, "wb") as f:
        nm.save(f, nm.arange(3))
        nm.save(f, nm.zeros((2, 2), dtype="<f4"))
    for lib in LIBS:
        with open(path, "rb") as f:
            assert lib.load(f).tolist() == [0, 1, 2]
            assert lib.load(f).tolist() == [[0.0, 0.0], [0.0, 0.0]]


def test_file_names_get_extensions(tmp_path):
    nm.save(tmp_path / "x", nm.arange(2))
    nm.savez(str(tmp_path / "y"), nm.arange(2))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.npy", "y.npz"]


# --- .npz ---------------------------------------------------------------

@pytest.mark.parametrize("compressed", [False, True])
def test_npz_both_ways(tmp_path, compressed):
    for writer in LIBS:
        path = tmp_path / f"{writer.__name__}.npz"
        save = writer.savez_compressed if compressed else writer.savez
        save(path, make(writer, "<i4", (2, 3), "F"), make(writer, ">f8", (4,), "C"),
             rec=make(writer, structured_aligned, (2,), "C"))
        for reader in LIBS:
            with reader.load(path) as z:
                assert z.files == ["rec", "arr_0", "arr_1"]
                arrays = {k: describe(z[k]) for k in z.files}
            assert arrays == {k: dict(describe(v), owndata=False) for k, v in
                              [("rec", make(np, structured_aligned, (2,), "C")),
                               ("arr_0", make(np, "<i4", (2, 3), "F")),
                               ("arr_1", make(np, ">f8", (4,), "C"))]}
        with zipfile.ZipFile(path) as zf:
            kinds = {i.compress_type for i in zf.infolist()}
        assert kinds == {zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED}


def test_npzfile_behaviour(tmp_path):
    path = tmp_path / "z.npz"
    np.savez(path, a=np.arange(3), b=np.ones(2))
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("notes.txt", b"raw member")
    seen = []
    for lib in LIBS:
        z = lib.load(path)
        row = [type(z).__name__, repr(z).replace(str(path), "P"), len(z), list(z),
               "a" in z, "a.npy" in z, "c" in z, z["notes.txt"], z.get("c", 5),
               z.f.a.tolist(), sorted(dir(z.f)), list(z.keys())]
        with pytest.raises(KeyError) as info:
            z["c"]
        row.append(str(info.value))
        with pytest.raises(AttributeError):
            z.f.c
        z.close()
        row.append((z.zip, z.fid))
        seen.append(row)
    assert seen[1] == seen[0]


def test_npz_from_file_object_and_name_clash():
    buf = io.BytesIO()
    nm.savez(buf, nm.arange(4), x=nm.zeros(1))
    buf.seek(0)
    for lib in LIBS:
        buf.seek(0)
        z = lib.load(buf)
        assert z["arr_0"].tolist() == [0, 1, 2, 3] and z.files == ["x", "arr_0"]
    for lib in LIBS:
        with pytest.raises(ValueError, match="Cannot use un-named variables"):
            lib.savez(io.BytesIO(), lib.arange(2), arr_0=lib.arange(2))


# --- pickles and bad files ----------------------------------------------

def test_allow_pickle_false_by_default(tmp_path):
    plain = tmp_path / "plain.pkl"
    plain.write_bytes(pickle.dumps([1, 2, 3]))
    objs = tmp_path / "objs.npy"
    np.save(objs, np.array([1, "x"], dtype=object), allow_pickle=True)
    for lib in LIBS:
        for path in (plain, objs):
            with pytest.raises(ValueError):
                lib.load(path)
        assert lib.load(plain, allow_pickle=True) == [1, 2, 3]


def test_empty_file_is_eof(tmp_path):
    path = tmp_path / "e.npy"
    path.write_bytes(b"")
    for lib in LIBS:
        with pytest.raises(EOFError):
            lib.load(path)


def header_file(header, version=(1, 0), data=b"", hlen=None):
    fmt = "<H" if version == (1, 0) else "<I"
    body = header.encode("latin1" if version != (3, 0) else "utf8")
    hlen = len(body) if hlen is None else hlen
    return npformat.MAGIC_PREFIX + bytes(version) + struct.pack(fmt, hlen) + body + data


MALFORMED = [
    b"\x93NUMPZ\x01\x00" + b"\x00" * 20,                    # bad magic
    b"\x93NUMPY\x04\x00" + b"\x00" * 20,                    # unknown version
    b"\x93NUMPY\x01",                                        # truncated magic
    b"\x93NUMPY\x01\x00\x10",                                # truncated length
    header_file("{'descr': '<i4'", hlen=400),                # truncated header
    header_file("{'descr': '<i4', 'fortran_order': False, 'shape': (2,)"),
    header_file("['descr', 'fortran_order', 'shape']"),
    header_file("{'descr': '<i4', 'fortran_order': False}"),
    header_file("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), 'x': 1}"),
    header_file("{'descr': '<i4', 'fortran_order': 0, 'shape': (2,)}"),
    header_file("{'descr': '<i4', 'fortran_order': False, 'shape': [2]}"),
    header_file("{'descr': '<i4', 'fortran_order': False, 'shape': (2.0,)}"),
    header_file("{'descr': '<i4', 'fortran_order': False, 'shape': (-2,)}"),
    header_file("{'descr': '<i9', 'fortran_order': False, 'shape': (2,)}"),
    header_file("{'descr': 5, 'fortran_order': False, 'shape': (2,)}"),
    header_file("{'descr': [('a',)], 'fortran_order': False, 'shape': (2,)}"),
    header_file("{'descr': '<i4', 'fortran_order': False, 'shape': (2,)}"),  # no data
    header_file("{'descr': '<i4', 'fortran_order': False, 'shape': (10**12,)}", data=b"1234"),
    header_file("{'descr': '<i4', 'fortran_order': False, 'shape': (2,)}", data=b"12345"),
    header_file("{'descr': '<i4', 'fortran_order': False, 'shape': (2,)} " + " " * 20000),
    header_file("{" * 300),
    header_file("__import__('os').system('true')"),
    header_file("{[]: 1}"),
    header_file("{'descr': '<i4', 'fortran_order': False, 'shape': (2,)}\xff", (3, 0)),
]


@pytest.mark.parametrize("index", range(len(MALFORMED)))
@pytest.mark.parametrize("as_file", [False, True])
def test_malformed_files_raise_value_error(tmp_path, index, as_file):
    """NumPy raises ValueError for most of these, and tokenize.TokenError or
    TypeError for a few; ndmem always raises ValueError."""
    data = MALFORMED[index]
    for lib in LIBS:
        if as_file:
            path = tmp_path / f"m{index}.npy"
            path.write_bytes(data)
            source = path
        else:
            source = io.BytesIO(data)
        with pytest.raises(ValueError if lib is nm else Exception):
            lib.load(source)


NPZ_MEMBERS = [
    header_file("{'descr': '<i4', 'fortran_order': False, 'shape': (2,)}"),  # no data
    header_file("{'descr': '<i4', 'fortran_order': False, 'shape': (2,)}", data=b"12345"),
    header_file("{'descr': '<i4', 'fortran_order': False, 'shape': (2,)}", data=b"12345678"),
    header_file("{'descr': '<i4', 'fortran_order': False, 'shape': (1000000000000,)}",
                data=b"1234"),                                               # forged shape
]


@pytest.mark.parametrize("index", range(len(NPZ_MEMBERS)))
@pytest.mark.parametrize("compressed", [False, True])
def test_npz_members_with_bad_sizes(tmp_path, index, compressed):
    """A member's length comes from the archive, not from seeking the member;
    a forged shape still fails before allocating (ValueError)."""
    path = tmp_path / "bad.npz"
    method = zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", method) as zf:
        zf.writestr("a.npy", NPZ_MEMBERS[index])
    got = []
    for lib in LIBS:
        with lib.load(path) as z:
            try:
                got.append(_data(z["a"]))
            except Exception as e:
                got.append(type(e).__name__)
    if index == len(NPZ_MEMBERS) - 1:
        assert got[1] == "ValueError"   # NumPy allocates 4 TB first: MemoryError
    else:
        assert got[1] == got[0]


@pytest.mark.parametrize("where", ["data", "header"])
def test_npz_stored_member_crc_checked(tmp_path, where):
    """Stored members are read from the archive's file into the array; a
    corrupted byte still fails the CRC check (zipfile.BadZipFile)."""
    path = tmp_path / "c.npz"
    np.savez(path, a=np.arange(1000, dtype="<i8").reshape(10, 100).T)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("a.npy")
    blob = bytearray(path.read_bytes())
    local_name_end = info.header_offset + 30 + len(info.filename)
    extra = int.from_bytes(blob[info.header_offset + 28:info.header_offset + 30], "little")
    start = local_name_end + extra
    blob[start + (5000 if where == "data" else 20)] ^= 0x01
    path.write_bytes(bytes(blob))
    for lib in LIBS:
        with lib.load(path) as z, pytest.raises((zipfile.BadZipFile, ValueError)) as info_:
            z["a"]
        if lib is nm:
            assert type(info_.value) is type(got_np)
        else:
            got_np = info_.value


def _outcome(lib, data):
    try:
        arr = lib.load(io.BytesIO(data))
    except (ValueError, EOFError) as e:
        return type(e).__name__
    return (arr.shape, arr.dtype.str, arr.dtype.descr, _data(arr))


def _check_against_numpy(data):
    """ndmem loads what NumPy loads, with the same result; everything else
    is a ValueError (EOFError for an empty file, as NumPy)."""
    got = _outcome(nm, data)
    try:
        want = _outcome(np, data)
    except Exception:
        want = "ValueError"     # NumPy fails another way (TokenError, TypeError)
    assert got == want


KEYS = st.sampled_from(["'descr'", "'fortran_order'", "'shape'", "'x'", "1", "(1,)", ""])
VALUES = st.one_of(
    st.sampled_from(["'<i4'", "'>f8'", "'|b1'", "'S3'", "'<U2'", "'|V0'", "'|O'", "'x'",
                     "[('a', '<i2')]", "[('', '|V2'), ('b', 'u1')]", "('<i4', (2,))",
                     "True", "False", "0", "None", "(2, 3)", "(0,)", "()", "(3,)", "[3]",
                     "(-1,)", "(2**62, 4)", "{}", "'\\x00'"]),
    st.text(max_size=12),
)
HEADERS = st.lists(st.tuples(KEYS, VALUES), max_size=5).map(
    lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}")
VALID = st.fixed_dictionaries({
    "descr": st.sampled_from(["'<i4'", "'>f8'", "'|b1'", "'<c8'", "[('a', '<i2'), ('b', 'S1')]"]),
    "fortran_order": st.sampled_from(["True", "False"]),
    "shape": st.sampled_from(["()", "(0,)", "(3,)", "(2, 3)", "(3, 1, 2)"]),
}).map(lambda d: "{" + ", ".join(f"'{k}': {v}" for k, v in d.items()) + "}")


# 1500 examples per test by default (issue 6: a few thousand in all);
# NDMEM_FUZZ_EXAMPLES=20000 for a long local run.
FUZZ = settings(max_examples=int(os.environ.get("NDMEM_FUZZ_EXAMPLES", "1500")),
                deadline=None, suppress_health_check=list(HealthCheck))


@FUZZ
@given(header=st.one_of(HEADERS, VALID, st.text(max_size=40)),
       version=st.sampled_from([(1, 0), (2, 0), (3, 0)]),
       data=st.binary(max_size=80))
def test_fuzzed_headers(header, version, data):
    try:
        blob = header_file(header, version, data)
    except UnicodeEncodeError:
        return
    _check_against_numpy(blob)


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(0, 200), st.integers(0, 255)), min_size=1,
                      max_size=4),
       cut=st.integers(0, 300))
def test_mutated_valid_files(edits, cut):
    blob = bytearray(saved(np, np.arange(12, dtype="<i4").reshape(3, 4)))
    for pos, byte in edits:
        if pos < len(blob):
            blob[pos] = byte
    _check_against_numpy(bytes(blob[:cut] if cut < len(blob) else blob))
