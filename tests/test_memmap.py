"""memmap against NumPy's: modes, offsets, file growth, views and bases,
lifetime of the mapping, close() (ndmem only), RSS and durability in
subprocesses, and the seeds' memmap examples."""

import gc
import os
import pathlib
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import ndmem as nm

LIBS = [np, nm]


def mapped_bytes():
    return nm.memory.stats()["live_file_mapped_bytes"]


def write_file(path, data=None):
    data = np.arange(60, dtype="<i4") if data is None else data
    data.tofile(path)
    return path


def describe(a):
    """What must agree between NumPy and ndmem (class names stripped of the
    package)."""
    return dict(
        type=type(a).__name__,
        values=a.tolist(),
        shape=a.shape,
        strides=a.strides,
        dtype=a.dtype.str,
        writeable=a.flags.writeable,
        owndata=a.flags.owndata,
        c=a.flags.c_contiguous,
        f=a.flags.f_contiguous,
        mode=getattr(a, "mode", "-"),
        offset=getattr(a, "offset", "-"),
        filename=_name(getattr(a, "filename", "-")),
    )


def _name(filename):
    """The file's name, and whether the path is absolute (each library may
    work in its own directory)."""
    if filename is None or filename == "-":
        return filename
    return os.path.basename(filename), os.path.isabs(filename)


def lib_path(tmp_path, lib, name="a.dat"):
    folder = tmp_path / lib.__name__
    folder.mkdir(exist_ok=True)
    return folder / name


def both(fn):
    return [fn(lib) for lib in LIBS]


@pytest.mark.parametrize("mode", ["r", "c", "r+", "readonly", "copyonwrite", "readwrite"])
@pytest.mark.parametrize("order", ["C", "F"])
def test_open_existing(tmp_path, mode, order):
    path = write_file(tmp_path / "a.dat")
    got, want = both(lambda lib: describe(
        lib.memmap(path, dtype="<i4", mode=mode, shape=(3, 4), offset=8, order=order)))
    assert got == want
    assert os.path.getsize(path) == 240


@pytest.mark.parametrize("offset", [0, 1, 4, 4092, 4096, 4100, 8192, 12000])
def test_offsets_not_page_aligned(tmp_path, offset):
    data = np.arange(4000, dtype="<u4")
    path = write_file(tmp_path / "a.dat", data)
    count = (data.nbytes - offset) // 4 - 1
    got, want = both(lambda lib: describe(
        lib.memmap(path, dtype="u1", mode="r", offset=offset, shape=(count * 4,))[:64]))
    assert got == want


def test_shape_inferred_and_not_divisible(tmp_path):
    path = write_file(tmp_path / "a.dat")
    got, want = both(lambda lib: describe(lib.memmap(path, dtype="<i8", mode="r")))
    assert got == want
    got, want = both(lambda lib: describe(lib.memmap(path, dtype="<i2", mode="r", offset=6)))
    assert got == want
    for lib in LIBS:
        with pytest.raises(ValueError, match="not a multiple of the data-type size"):
            lib.memmap(path, dtype="<i8", mode="r", offset=4)


@pytest.mark.parametrize("mode", ["r+", "w+"])
def test_file_grows(tmp_path, mode):
    sizes = []
    for lib in LIBS:
        path = write_file(lib_path(tmp_path, lib))
        m = lib.memmap(path, dtype="<f8", mode=mode, shape=(5, 7), offset=100)
        m[-1, -1] = 2.5
        m.flush()
        del m
        sizes.append((os.path.getsize(path), np.fromfile(path, dtype="u1").tolist()))
    assert sizes[0] == sizes[1]


def test_empty_memmap_as_numpy(tmp_path):
    out = []
    for lib in LIBS:
        path = lib_path(tmp_path, lib)
        m = lib.memmap(path, dtype="u1", mode="w+", shape=(0,), offset=8192)
        out.append((describe(m), os.path.getsize(path)))
        del m
    assert out[0] == out[1]


@pytest.mark.parametrize("call", [
    dict(mode="x"),
    dict(mode="w+"),                          # shape missing
    dict(mode="r", shape=(1000,)),            # past the end of the file
    dict(mode="r", offset=100000),
])
def test_bad_arguments(tmp_path, call):
    path = write_file(tmp_path / "a.dat")
    errors = []
    for lib in LIBS:
        with pytest.raises(Exception) as info:
            lib.memmap(path, dtype="<i4", **call)
        errors.append((type(info.value), str(info.value)))
    assert errors[0] == errors[1]


def test_missing_file_and_empty_file(tmp_path):
    (tmp_path / "empty.dat").write_bytes(b"")
    for name, mode in [("missing.dat", "r"), ("missing.dat", "r+"), ("empty.dat", "r")]:
        errors = []
        for lib in LIBS:
            with pytest.raises(Exception) as info:
                lib.memmap(tmp_path / name, mode=mode)
            errors.append(type(info.value))
        assert errors[0] == errors[1]


def test_read_only_mode(tmp_path):
    path = write_file(tmp_path / "a.dat")
    messages = []
    for lib in LIBS:
        m = lib.memmap(path, dtype="<i4", mode="r")
        with pytest.raises(ValueError) as info:
            m[0] = 1
        messages.append(str(info.value))
        with pytest.raises(ValueError):
            m[1:][0] = 1
    assert messages[0] == messages[1] == "assignment destination is read-only"


def test_copy_on_write_never_touches_the_file(tmp_path):
    path = write_file(tmp_path / "a.dat")
    before = path.read_bytes()
    for lib in LIBS:
        m = lib.memmap(path, dtype="<i4", mode="c")
        m[:5] = -1
        m.flush()
        assert m[:6].tolist() == [-1] * 5 + [5]
        del m
    assert path.read_bytes() == before


def test_write_seen_through_read_only_map_and_file(tmp_path):
    path = write_file(tmp_path / "a.dat")
    w = nm.memmap(path, dtype="<i4", mode="r+")
    r = nm.memmap(path, dtype="<i4", mode="r")
    w[3] = 99
    assert r[3] == 99
    w.flush()
    assert np.fromfile(path, dtype="<i4")[3] == 99
    assert np.memmap(path, dtype="<i4", mode="r")[3] == 99


def test_interop_with_numpy_files(tmp_path):
    """Each library reads what the other's memmap wrote."""
    for writer, reader in [(np, nm), (nm, np)]:
        path = tmp_path / f"{writer.__name__}.dat"
        m = writer.memmap(path, dtype=">f4", mode="w+", shape=(4, 5), order="F")
        m[:] = writer.arange(20, dtype=">f4").reshape(4, 5)
        m.flush()
        del m
        back = reader.memmap(path, dtype=">f4", mode="r", shape=(4, 5), order="F")
        assert back.tolist() == np.arange(20, dtype="f4").reshape(4, 5).tolist()


def test_views_and_bases(tmp_path):
    path = write_file(tmp_path / "a.dat")
    relations = []
    for lib in LIBS:
        m = lib.memmap(path, dtype="<i4", mode="r+", shape=(6, 10))
        s = m[1:]
        ss = s[::2, 3:]
        t = m.T
        r = m.reshape(60)
        plain = m.view(lib.ndarray)
        fancy = m[[0, 2]]
        boolean = m[lib.array([True, False] * 3)]
        row = m[2]
        item = m[1, 1]
        relations.append(dict(
            base_is_map=m.base is m._mmap,
            slice=(type(s).__name__, s.base is m, s._mmap is m._mmap,
                   s.filename == m.filename, s.offset, s.mode),
            slice_of_slice=(type(ss).__name__, ss.base is m),
            transpose=(type(t).__name__, t.base is m),
            reshape=(type(r).__name__, r.base is m),
            plain=(type(plain).__name__, plain.base is m),
            fancy=(type(fancy).__name__, fancy.base is None or fancy.base is not m,
                   getattr(fancy, "_mmap", "none")),
            boolean=type(boolean).__name__,
            row=(type(row).__name__, row.base is m),
            item=type(item).__name__,
            copy=(type(m.copy()).__name__, m.copy()._mmap),
            filename=os.path.isabs(m.filename) and m.filename == str(path.resolve()),
        ))
    assert relations[0] == relations[1]


def test_pathlib_and_file_object(tmp_path):
    path = write_file(tmp_path / "a.dat")
    got = []
    for lib in LIBS:
        m = lib.memmap(pathlib.Path(path), dtype="<i4", mode="r")
        with open(path, "rb") as f:
            g = lib.memmap(f, dtype="<i4", mode="r", offset=4, shape=(2,))
            got.append((type(m.filename).__name__, str(m.filename), g.filename,
                        g.tolist(), m[:3].tolist()))
    assert got[0] == got[1]


def test_mapping_lives_as_long_as_a_view(tmp_path):
    path = write_file(tmp_path / "a.dat")
    gc.collect()
    start = mapped_bytes()
    m = nm.memmap(path, dtype="<i4", mode="r+")
    assert mapped_bytes() - start == 240
    v = m[10:20]
    w = m.view(nm.ndarray)[::3]
    del m
    gc.collect()
    assert v.tolist() == list(range(10, 20))
    v[0] = 7
    assert w[0] == 0 and mapped_bytes() - start == 240
    del v
    assert mapped_bytes() - start == 240
    del w
    assert mapped_bytes() == start
    assert np.fromfile(path, dtype="<i4")[10] == 7


def test_flush_writes_the_file(tmp_path):
    path = write_file(tmp_path / "a.dat")
    m = nm.memmap(path, dtype="<i4", mode="r+", offset=4, shape=(5,))
    m[:] = [9, 8, 7, 6, 5]
    m[1:].flush()       # a view flushes the whole map, as in NumPy
    assert np.fromfile(path, dtype="<i4")[:7].tolist() == [0, 9, 8, 7, 6, 5, 6]


# --- close(): ndmem's addition -------------------------------------------

def test_close_unmaps_at_once(tmp_path):
    path = write_file(tmp_path / "a.dat")
    gc.collect()
    start = mapped_bytes()
    m = nm.memmap(path, dtype="<i4", mode="r+", shape=(3, 20))
    m[0, 0] = 42
    m.close()
    assert mapped_bytes() == start
    assert m.closed and m.shape == (0,) and m.size == 0
    assert not m.flags.writeable
    assert np.fromfile(path, dtype="<i4")[0] == 42
    with pytest.raises(ValueError, match="closed"):
        m[0]
    with pytest.raises(ValueError, match="closed"):
        m[...] = 1
    with pytest.raises(ValueError, match="closed"):
        m.flush()
    with pytest.raises(ValueError, match="closed"):
        memoryview(m.base)
    m.close()           # a second close does nothing
    assert m.view(nm.ndarray).tolist() == [] and repr(m).startswith("memmap(")


@pytest.mark.parametrize("holder", [
    lambda m: m[1:],
    lambda m: m.view(nm.ndarray),
    lambda m: m.reshape(-1)[::2],
    lambda m: memoryview(m),
    lambda m: nm.frombuffer(m.base, dtype="u1"),
    lambda m: nm.asarray(m),
    lambda m: m,        # a second name for the memmap
])
def test_close_refuses_while_views_exist(tmp_path, holder):
    path = write_file(tmp_path / "a.dat")
    gc.collect()
    start = mapped_bytes()
    m = nm.memmap(path, dtype="<i4", mode="r+", shape=(3, 20))
    h = holder(m)
    with pytest.raises(BufferError, match="other views"):
        m.close()
    assert not m.closed and m[0, 1] == 1
    if isinstance(h, memoryview):
        h.release()
    del h
    m.close()
    assert mapped_bytes() == start


def test_close_on_a_view_refuses(tmp_path):
    path = write_file(tmp_path / "a.dat")
    m = nm.memmap(path, dtype="<i4", mode="r")
    v = m[2:]
    with pytest.raises(BufferError, match="view"):
        v.close()
    assert v[0] == 2


def test_close_without_a_mapping(tmp_path):
    path = write_file(tmp_path / "a.dat")
    m = nm.memmap(path, dtype="<i4", mode="r")
    c = m.copy()
    assert type(c).__name__ == "memmap" and c._mmap is None
    with pytest.raises(BufferError, match="maps no file"):
        c.close()


def test_close_in_a_function_scope(tmp_path):
    path = write_file(tmp_path / "a.dat")

    def work():
        local = nm.memmap(path, dtype="<i4", mode="r")
        total = int(local[:10].tolist()[-1])
        local.close()
        return local.closed, total

    assert work() == (True, 9)


# --- results of ufuncs (NumPy's __array_wrap__ rule) ----------------------

def test_ufunc_results(tmp_path):
    out = []
    for lib in LIBS:
        path = write_file(lib_path(tmp_path, lib))
        m = lib.memmap(path, dtype="<i4", mode="r+", shape=(6, 10))
        plus = lib.add(m, 1)
        neg = lib.negative(m[1:])
        two = lib.multiply(m, m)
        res = lib.add(m, 1, out=m)
        view_out = lib.subtract(m[2:], 1, out=m[2:])
        out.append(dict(
            plus=(type(plus).__name__, type(plus.base).__name__,
                  plus.flags.owndata, plus[0, :3].tolist()),
            neg=(type(neg).__name__, neg[0, :2].tolist()),
            two=type(two).__name__,
            out=(res is m, type(res).__name__),
            view_out=(type(view_out).__name__, view_out.base is m),
            values=m.tolist(),
        ))
        del m, res, view_out
    assert out[0] == out[1]


def test_operator_and_reduction_results(tmp_path):
    out = []
    for lib in LIBS:
        path = write_file(lib_path(tmp_path, lib))
        m = lib.memmap(path, dtype="<i4", mode="r+", shape=(6, 10))
        plus = m + 1
        total = m.sum()
        kept = m.sum(keepdims=True)
        rows = m.sum(axis=1)
        reduced = lib.add.reduce(m)
        first = m[:2].sum(axis=0)
        mean = m.mean()
        before = m
        m += 1
        out.append(dict(
            plus=(type(plus).__name__, type(plus.base).__name__, plus[0, :3].tolist()),
            total=(type(total).__name__, int(total)),
            kept=(type(kept).__name__, kept.shape),
            rows=(type(rows).__name__, rows.tolist()),
            reduced=(type(reduced).__name__, reduced.tolist()),
            first=type(first).__name__,
            mean=(type(mean).__name__, float(mean)),
            iadd=(m is before, type(m).__name__, m[0, :3].tolist()),
            neg=type(-m).__name__,
            compare=type(m > 3).__name__,
            mixed=(type(lib.ones((6, 10), dtype="<i4") + m).__name__,
                   type(m * lib.ones(10, dtype="<i4")).__name__),
            sqrt=type(lib.sqrt(m)).__name__,
            maximum=type(m.max()).__name__,
            asarray=(type(lib.asarray(m)).__name__, lib.asarray(m).base is m),
        ))
        del m, before
    assert out[0] == out[1]


# --- the acceptance experiments in subprocesses ---------------------------

def run_child(code, *args):
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(nm.__file__))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=60)


RSS_CHILD = """
import os, sys
import ndmem as nm

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

path = sys.argv[1]
before = rss()
m = nm.memmap(path, dtype="u1", mode="r")
opened = rss()
chunk = m[100 << 20:(100 << 20) + (8 << 20)].tobytes()
read = rss()
print(len(m), len(chunk), opened - before, read - before)
"""


def test_rss_of_a_400mb_memmap(tmp_path):
    path = tmp_path / "big.dat"
    with open(path, "wb") as f:
        f.truncate(400 << 20)        # sparse: costs no disk or page cache
    res = run_child(RSS_CHILD, path)
    path.unlink()
    assert res.returncode == 0, res.stderr
    size, chunk, opened, read = map(int, res.stdout.split())
    assert size == 400 << 20 and chunk == 8 << 20
    assert opened < 20 << 20
    assert read < 60 << 20


KILL_CHILD = """
import os, signal, sys
import ndmem as nm

m = nm.memmap(sys.argv[1], dtype="<f8", mode="r+", shape=(1000,))
m[:] = 3.25
m[999] = -1.0
m.flush()
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_flushed_writes_survive_sigkill(tmp_path):
    path = tmp_path / "a.dat"
    np.zeros(1000, dtype="<f8").tofile(path)
    res = run_child(KILL_CHILD, path)
    assert res.returncode == -signal.SIGKILL
    back = np.fromfile(path, dtype="<f8")
    assert (back[:999] == 3.25).all() and back[999] == -1.0


# --- the seeds' memmap examples (scaled down) -------------------------------

def test_seed_000_tofile_then_memmap(tmp_path, same_output, monkeypatch):
    monkeypatch.chdir(tmp_path)
    same_output('''
large_array = np.arange(0, 16000, 0.1, dtype='float64').reshape(400, 400)
filename = 'large_array.dat'
large_array.tofile(filename)
mmap_array = np.memmap(filename, dtype='float64', mode='r', shape=(400, 400))
subset = mmap_array[100:200, 100:200]
print(f"subset shape: {subset.shape}")
print(type(subset).__name__, subset.base is mmap_array, subset.flags.writeable)
print(subset[:2, :3])
mmap_writable = np.memmap(filename, dtype='float64', mode='r+', shape=(400, 400))
mmap_writable[0, 0] = 999.0
print(f"modified value: {mmap_array[0, 0]}")
print(repr(mmap_array[0, :3]))
''')


def test_seed_002_w_plus_round_trip(tmp_path, same_output, monkeypatch):
    monkeypatch.chdir(tmp_path)
    same_output('''
fp = np.memmap('large_data.dat', dtype='float32', mode='w+', shape=(100000, 100))
fp[0, :] = 1.0
print(fp.shape, fp.dtype, fp.mode, fp.offset, fp[0, :4], fp[1, :4])
del fp
back = np.memmap('large_data.dat', dtype='float32', mode='r', shape=(100000, 100))
print(back[0, :5], back[1, :5], back.flags.writeable)
print(np.fromfile('large_data.dat', dtype='float32', count=3))
del back
import os
os.remove('large_data.dat')
''')
