"""Array printing against NumPy: repr, str, array2string, print options,
format_float_*.

Every check runs twice: on ndmem arrays built from the same data
(``backend='ndmem'``), and on the NumPy array itself fed to ndmem's
duck-typed formatter (``backend='duck'``), so that the formatter is
exercised independently of the C core.  Expected text always comes from
NumPy.
"""

import math
import random
import struct
import sys

import numpy as np
import pytest

import ndmem as nm
from ndmem import _print


# ---------------------------------------------------------------------------
# the corpus
# ---------------------------------------------------------------------------

def _corpus():
    rng = np.random.default_rng(20240607)
    c = {}

    def add(name, arr):
        assert name not in c
        c[name] = arr

    # 0-d
    add("0d-int", np.array(5))
    add("0d-negint", np.array(-7))
    add("0d-float", np.array(1.5))
    add("0d-float-long", np.array(0.1 + 0.2))
    add("0d-float-pi", np.array(np.pi))
    add("0d-float-huge", np.array(1e16))
    add("0d-float-tiny", np.array(1e-5))
    add("0d-float-nan", np.array(np.nan))
    add("0d-float-neginf", np.array(-np.inf))
    add("0d-negzero", np.array(-0.0))
    add("0d-float32", np.array(0.1, dtype=np.float32))
    add("0d-float32-big", np.array(1e7, dtype=np.float32))
    add("0d-float16", np.array(0.3, dtype=np.float16))
    add("0d-float16-big", np.array(2000, dtype=np.float16))
    add("0d-bool", np.array(True))
    add("0d-int8", np.array(-3, dtype=np.int8))
    add("0d-uint64", np.array(2**64 - 1, dtype=np.uint64))
    add("0d-complex", np.array(1 + 2j))
    add("0d-complex-imag", np.array(2.5j))
    add("0d-complex64", np.array(1 - 0.5j, dtype=np.complex64))
    add("0d-str", np.array("abc"))
    add("0d-str-quote", np.array("it's"))
    add("0d-bytes", np.array(b"abc"))

    # empty
    add("empty-float", np.array([]))
    add("empty-int32", np.array([], dtype=np.int32))
    add("empty-2d", np.zeros((0, 3), dtype=np.int64))
    add("empty-3d", np.zeros((2, 0, 4)))
    add("empty-str", np.array([], dtype="<U4"))
    add("empty-bool", np.zeros((3, 0), dtype=bool))

    # integers
    add("int-1d", np.arange(10))
    add("int-neg", np.array([-100, 5, 42, 0]))
    add("int-2d", np.arange(12).reshape(3, 4))
    add("int-3d", np.arange(24).reshape(2, 3, 4))
    add("int-4d", np.arange(48).reshape(2, 2, 3, 4))
    add("int8", np.array([-128, 0, 127], dtype=np.int8))
    add("uint8", np.array([0, 255, 7], dtype=np.uint8))
    add("int16-2d", np.arange(-6, 6, dtype=np.int16).reshape(3, 4))
    add("uint16", np.array([1, 65535], dtype=np.uint16))
    add("int32", np.array([1, -2, 3], dtype=np.int32))
    add("uint32", np.array([4000000000, 1], dtype=np.uint32))
    add("uint64", np.array([2**64 - 1, 0], dtype=np.uint64))
    add("int64-bigvals", np.array([-(2**63), 2**63 - 1]))
    add("int-wrap", np.arange(40) * 123456789)
    add("int-large", np.arange(2000))
    add("int-large-2d", np.arange(3000).reshape(100, 30))
    add("int-large-3d", np.arange(2400).reshape(4, 20, 30))
    add("int-nonnative", np.array([1, 2, 3], dtype=">i4"))

    # bool
    add("bool-1d", np.array([True, False, True]))
    add("bool-2d", np.array([[True, False], [False, False]]))
    add("bool-large", np.arange(1500) % 3 == 0)

    # floats
    add("float-simple", np.array([1.0, 2.0, 3.0]))
    add("float-frac", np.array([0.5, 0.25, 0.125]))
    add("float-random", rng.random(8))
    add("float-normal-2d", rng.standard_normal((4, 5)))
    add("float-3d", rng.standard_normal((2, 3, 4)))
    add("float-tiny", np.array([1e-5, 2e-7, 3.3e-9]))
    add("float-huge", np.array([1e20, 3.5e25, -1e30]))
    add("float-mixed", np.array([1e-5, 1.0, 1e5]))
    add("float-ratio", np.array([1.0, 1001.0]))
    add("float-cutoff", np.array([1e8, 1.0]))
    add("float-below-cutoff", np.array([99999999.0, 1.5]))
    add("float-intlike", np.array([1.0, 100.0, -42.0, 7.0]))
    add("float-nan-inf", np.array([np.nan, np.inf, -np.inf, 1.5]))
    add("float-only-nan", np.array([np.nan, np.nan]))
    add("float-negzero", np.array([-0.0, 0.0, 1.0]))
    add("float-zeros", np.zeros(5))
    add("float-precise", np.array([0.1 + 0.2, 1 / 3, 2 / 3]))
    add("float-subnormal", np.array([5e-324, 1e-310]))
    add("float-max", np.array([np.finfo(np.float64).max, 1.0]))
    add("float-linspace", np.linspace(0, 1, 11))
    add("float-wrap", rng.random(30) * 100)
    add("float-wrap-2d", rng.random((6, 12)) * 1000)
    add("float-large", rng.random(5000))
    add("float-large-2d", rng.standard_normal((50, 50)) * 1e4)
    add("float-large-3d", rng.random((10, 10, 12)))
    add("float-large-nan", np.where(np.arange(2000) % 7 == 0, np.nan,
                                    np.arange(2000.0)))
    add("float32", np.array([0.1, 0.2, 0.3], dtype=np.float32))
    add("float32-random", rng.standard_normal(10).astype(np.float32))
    add("float32-mixed", np.array([1e-5, 1.0, 123456.0], dtype=np.float32))
    add("float32-big", np.array([1e6, 2.5], dtype=np.float32))
    add("float32-nan", np.array([np.nan, 1.0, -np.inf], dtype=np.float32))
    add("float32-2d", rng.random((3, 3)).astype(np.float32))
    add("float16", np.array([0.1, 0.5, 1.5], dtype=np.float16))
    add("float16-random", rng.standard_normal(8).astype(np.float16))
    add("float16-big", np.array([1000.0, 1.0], dtype=np.float16))
    add("float16-tiny", np.array([1e-4, 1.0], dtype=np.float16))
    add("float-nonnative", np.array([1.5, 2.5], dtype=">f8"))

    # complex
    add("complex", np.array([1 + 2j, 3 - 4j]))
    add("complex-mixed", np.array([1 + 2j, np.nan - 1j, 3e-5j]))
    add("complex-inf", np.array([complex(np.inf, -np.inf), 1j]))
    add("complex-2d", (rng.standard_normal((3, 3))
                       + 1j * rng.standard_normal((3, 3))))
    add("complex64", np.array([1 + 0j, 2.5 - 1j], dtype=np.complex64))
    add("complex-large", np.arange(1200) * (1 + 1j))

    # strings
    add("str", np.array(["a", "bc", "def"]))
    add("str-2d", np.array([["apple", "b"], ["c", "dragonfruit"]]))
    add("str-quotes", np.array(["it's", 'say "hi"', "x"]))
    add("str-unicode", np.array(["żółw", "日本"]))
    add("str-long-wrap", np.array(["word%d" % i for i in range(20)]))
    add("bytes", np.array([b"a", b"bc"]))
    add("bytes-2d", np.array([[b"x", b"yy"], [b"zzz", b""]]))
    add("str-large", np.array([str(i) for i in range(1100)]))

    # structured
    people = np.dtype([("name", "<U10"), ("age", "<i4"), ("score", "<f4")])
    add("struct", np.array([("Alice", 25, 85.5), ("Bob", 30, 92.0)],
                           dtype=people))
    add("struct-exp", np.array([("Alice", 25, 85.5), ("Bob", 30, 1e-5)],
                               dtype=people))
    add("struct-0d", np.array(("Carol", 41, 77.25), dtype=people))
    add("struct-one-field", np.array([(1,), (2,)], dtype=[("x", "<i8")]))
    add("struct-bool-float", np.array([(True, 1.5), (False, -2.0)],
                                      dtype=[("flag", "?"), ("v", "<f8")]))
    add("struct-complex", np.array([(1 + 2j, 1.5), (-0.5j, 2.0)],
                                   dtype=[("c", "<c16"), ("f", "<f8")]))
    add("struct-2d", np.zeros((2, 2), dtype=[("a", "<i2"), ("b", "<f8")]))
    add("struct-large", np.zeros(1001, dtype=[("a", "<i4"), ("b", "<f4")]))
    return c


CORPUS = _corpus()
NAMES = sorted(CORPUS)
BACKENDS = ["duck", "ndmem"]


def _dtype_spec(dt):
    return dt.descr if dt.names is not None else str(dt)


def to_ndmem(a):
    """The same data as an ndmem array (built by ndmem, from Python data)."""
    spec = _dtype_spec(a.dtype)
    if a.size == 0:
        out = nm.zeros(a.shape, dtype=spec)
    else:
        out = nm.array(a.tolist(), dtype=spec)
    assert out.shape == a.shape
    return out


def subject(a, backend):
    """(object whose repr/str we compare, repr, str)."""
    if backend == "duck":
        return a, _print._array_repr, _print._array_str
    return to_ndmem(a), repr, str


# ---------------------------------------------------------------------------
# repr / str over the corpus
# ---------------------------------------------------------------------------

def test_corpus_is_big_enough():
    assert len(CORPUS) >= 80


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", NAMES)
def test_repr(name, backend):
    a = CORPUS[name]
    obj, r, _ = subject(a, backend)
    assert r(obj) == repr(a)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", NAMES)
def test_str(name, backend):
    a = CORPUS[name]
    obj, _, s = subject(a, backend)
    assert s(obj) == str(a)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", ["float-random", "int-2d", "float-3d",
                                  "str", "complex", "struct", "bool-2d",
                                  "float-large-2d"])
def test_public_functions(name, backend):
    a = CORPUS[name]
    obj = a if backend == "duck" else to_ndmem(a)
    assert nm.array_repr(obj) == np.array_repr(a)
    assert nm.array_str(obj) == np.array_str(a)
    assert nm.array2string(obj) == np.array2string(a)
    assert (nm.array_repr(obj, max_line_width=30, precision=3)
            == np.array_repr(a, max_line_width=30, precision=3))
    assert (nm.array_str(obj, max_line_width=20, suppress_small=True)
            == np.array_str(a, max_line_width=20, suppress_small=True))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("kwargs", [
    dict(separator=","),
    dict(separator=", ", prefix="array(", suffix=")"),
    dict(max_line_width=20),
    dict(precision=2, suppress_small=True),
    dict(sign="+", floatmode="fixed"),
    dict(threshold=4, edgeitems=1),
    dict(formatter={"float_kind": lambda x: "%.2f" % x}),
    dict(formatter={"all": lambda x: "<%s>" % (x,)}),
], ids=str)
def test_array2string_kwargs(kwargs, backend):
    a = np.arange(16.0).reshape(4, 4) / 3
    obj = a if backend == "duck" else to_ndmem(a)
    assert nm.array2string(obj, **kwargs) == np.array2string(a, **kwargs)


def test_array2string_int_formatter():
    a = np.arange(5)
    f = {"int": lambda x: hex(x)}
    assert nm.array2string(a, formatter=f) == np.array2string(a, formatter=f)


# ---------------------------------------------------------------------------
# print options
# ---------------------------------------------------------------------------

OPTION_SETS = [
    dict(precision=3),
    dict(precision=0),
    dict(precision=12),
    dict(suppress=True),
    dict(suppress=True, precision=2),
    dict(threshold=5),
    dict(threshold=5, edgeitems=1),
    dict(threshold=10, edgeitems=2),
    dict(threshold=0),
    dict(linewidth=30),
    dict(linewidth=200),
    dict(linewidth=10),
    dict(floatmode="fixed"),
    dict(floatmode="unique"),
    dict(floatmode="maxprec_equal"),
    dict(floatmode="fixed", precision=3),
    dict(floatmode="unique", precision=2),
    dict(sign="+"),
    dict(sign=" "),
    dict(sign=" ", precision=4, floatmode="maxprec_equal"),
    dict(nanstr="NaN", infstr="Infinity"),
    dict(legacy="2.1"),
    dict(legacy="2.2"),
    dict(legacy="1.25"),
]

OPTION_ARRAYS = ["float-random", "float-tiny", "float-nan-inf", "float-3d",
                 "float-mixed", "float32-mixed", "float16-random",
                 "int-neg", "int-3d", "complex-mixed", "float-large",
                 "float-negzero", "0d-float-pi", "bool-1d", "str-long-wrap",
                 "struct"]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("opts", OPTION_SETS, ids=str)
def test_printoptions_variants(opts, backend):
    for name in OPTION_ARRAYS:
        a = CORPUS[name]
        obj, r, s = subject(a, backend)
        with np.printoptions(**opts), nm.printoptions(**opts):
            assert r(obj) == repr(a), name
            assert s(obj) == str(a), name


@pytest.fixture
def restore_options():
    saved = nm.get_printoptions()
    yield
    nm.set_printoptions(**{k: v for k, v in saved.items()
                           if k not in ("legacy", "override_repr")},
                        legacy=saved["legacy"],
                        override_repr=saved["override_repr"])


def test_defaults_match_numpy():
    assert nm.get_printoptions() == np.get_printoptions()


@pytest.mark.usefixtures("restore_options")
def test_set_printoptions_persists_and_formatter_resets():
    a = np.array([1.123456789, 2.0])
    np_saved = np.get_printoptions()
    try:
        nm.set_printoptions(precision=3)
        np.set_printoptions(precision=3)
        assert nm.get_printoptions() == np.get_printoptions()
        assert nm.array_repr(a) == np.array_repr(a)
        nm.set_printoptions(formatter={"float": lambda x: "F"})
        np.set_printoptions(formatter={"float": lambda x: "F"})
        assert nm.array_repr(a) == np.array_repr(a)
        nm.set_printoptions(linewidth=60)
        np.set_printoptions(linewidth=60)
        assert nm.get_printoptions()["formatter"] is None
        assert nm.array_repr(a) == np.array_repr(a)
    finally:
        np.set_printoptions(**{k: v for k, v in np_saved.items()
                               if k not in ("legacy", "override_repr")},
                            legacy=np_saved["legacy"])
    nm.set_printoptions(precision=8, linewidth=75)
    assert nm.get_printoptions() == np.get_printoptions()


def test_printoptions_context_restores():
    before = nm.get_printoptions()
    with nm.printoptions(precision=2, threshold=5) as opts:
        with np.printoptions(precision=2, threshold=5) as np_opts:
            assert opts == np_opts
            assert nm.get_printoptions()["precision"] == 2
    assert nm.get_printoptions() == before


def test_override_repr():
    a = np.arange(3)
    with nm.printoptions(override_repr=lambda x: "custom"):
        assert nm.array_repr(a) == "custom"
    assert nm.array_repr(a) == repr(a)


@pytest.mark.parametrize("kwargs", [
    dict(floatmode="bogus"),
    dict(sign="x"),
    dict(precision="a"),
    dict(precision=1.5),
    dict(threshold="a"),
    dict(threshold=float("nan")),
], ids=str)
def test_bad_options_raise_like_numpy(kwargs):
    with pytest.raises(Exception) as np_exc:
        np.set_printoptions(**kwargs)
    with pytest.raises(type(np_exc.value)):
        nm.set_printoptions(**kwargs)
    assert nm.get_printoptions() == np.get_printoptions()


def test_negative_precision_raises():
    a = np.array([1.5])
    with pytest.raises(ValueError):
        np.array2string(a, precision=-1)
    with pytest.raises(ValueError):
        nm.array2string(a, precision=-1)


# ---------------------------------------------------------------------------
# repr details: class name, dtype suffix wrapping
# ---------------------------------------------------------------------------

class MyArray(np.ndarray):
    pass


def test_subclass_name_duck():
    a = np.arange(4.0).view(MyArray)
    assert _print._array_repr(a) == repr(a)
    assert repr(a).startswith("MyArray(")


def test_memmap_name_duck(tmp_path):
    m = np.memmap(tmp_path / "m.bin", dtype=np.int16, mode="w+", shape=(3,))
    assert _print._array_repr(m) == repr(m)
    del m


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("n", [8, 9, 10, 11, 12, 13, 14, 20])
def test_dtype_suffix_wrap(n, backend):
    a = np.arange(n, dtype=np.int16) * 1111
    obj, r, _ = subject(a, backend)
    assert r(obj) == repr(a)


@pytest.mark.parametrize("backend", BACKENDS)
def test_views_print_like_numpy(backend):
    base = np.arange(60.0).reshape(3, 4, 5) / 7
    src = base if backend == "duck" else to_ndmem(base)
    rep = _print._array_repr if backend == "duck" else repr
    for key in [(slice(None), 1), (slice(None, None, 2),), (1, slice(1, 3)),
                (Ellipsis, 0), (slice(None, None, -1), slice(1, None, 2))]:
        assert rep(src[key]) == repr(base[key]), key


# ---------------------------------------------------------------------------
# format_float_positional / format_float_scientific
# ---------------------------------------------------------------------------

def _float_samples():
    rng = np.random.default_rng(7)
    out = []
    for t, u in ((np.float64, np.uint64), (np.float32, np.uint32),
                 (np.float16, np.uint16)):
        bits = rng.integers(0, np.iinfo(u).max, 40, dtype=u, endpoint=True)
        vals = [v for v in bits.view(t) if np.isfinite(v)]
        vals += [t(x) for x in (0.0, -0.0, 1.0, 0.1, 0.5, 2.5, 9.5, 99.99,
                                123.456, 1e-4, 65504.0 if t is np.float16
                                else 1e10)]
        out.extend(vals)
    return out


FLOATS = _float_samples()


@pytest.mark.parametrize("precision", [None, 0, 1, 3, 8, 17])
@pytest.mark.parametrize("unique", [True, False])
@pytest.mark.parametrize("trim", ["k", ".", "0", "-"])
def test_format_float(precision, unique, trim):
    if not unique and precision is None:
        return
    for v in FLOATS:
        for fractional in (True, False):
            if not fractional and precision == 0:
                continue
            kw = dict(precision=precision, unique=unique, trim=trim,
                      fractional=fractional)
            assert (nm.format_float_positional(v, **kw)
                    == np.format_float_positional(v, **kw)), (v, kw)
        kw = dict(precision=precision, unique=unique, trim=trim)
        assert (nm.format_float_scientific(v, **kw)
                == np.format_float_scientific(v, **kw)), (v, kw)


def test_format_float_padding_and_sign():
    for v in FLOATS[::3]:
        for kw in (dict(pad_left=5, pad_right=4), dict(sign=True),
                   dict(min_digits=4, precision=6), dict(pad_right=3,
                                                         trim="-")):
            assert (nm.format_float_positional(v, **kw)
                    == np.format_float_positional(v, **kw)), (v, kw)
        for kw in (dict(pad_left=4, exp_digits=3), dict(sign=True),
                   dict(min_digits=3, precision=5), dict(exp_digits=1)):
            assert (nm.format_float_scientific(v, **kw)
                    == np.format_float_scientific(v, **kw)), (v, kw)


def test_format_float_python_float_and_specials():
    for v in (0.1, -2.5e-300, 1e300, float("inf"), float("-inf"),
              float("nan"), 5e-324):
        assert nm.format_float_positional(v) == np.format_float_positional(v)
        assert nm.format_float_scientific(v) == np.format_float_scientific(v)


def test_format_float_ndmem_scalars():
    for name in ("float16", "float32", "float64"):
        for v in (0.1, 1 / 3, 1234.5):
            got = nm.format_float_positional(getattr(nm, name)(v))
            assert got == np.format_float_positional(getattr(np, name)(v))
            got = nm.format_float_scientific(getattr(nm, name)(v),
                                             precision=4)
            assert got == np.format_float_scientific(getattr(np, name)(v),
                                                     precision=4)


@pytest.mark.parametrize("fname", ["format_float_positional",
                                   "format_float_scientific"])
@pytest.mark.parametrize("args,kwargs", [
    ((1.0,), dict(precision=-1)),
    ((1.0,), dict(unique=False)),
    ((1.0,), dict(trim="x")),
    ((1.0,), dict(precision=2, min_digits=3)),
    ((1.0,), dict(pad_left=-2)),
    (("a",), {}),
], ids=str)
def test_format_float_errors(fname, args, kwargs):
    with pytest.raises(Exception) as np_exc:
        getattr(np, fname)(*args, **kwargs)
    with pytest.raises(type(np_exc.value)):
        getattr(nm, fname)(*args, **kwargs)


def test_format_float_fractional_zero_precision():
    with pytest.raises(ValueError):
        np.format_float_positional(1.0, precision=0, fractional=False)
    with pytest.raises(ValueError):
        nm.format_float_positional(1.0, precision=0, fractional=False)


def test_legacy_113_unique_raises_like_numpy():
    a = np.array([1.5, 2.25e10])
    with np.printoptions(legacy="1.13", floatmode="unique"):
        with pytest.raises(TypeError):
            repr(a)
    with nm.printoptions(legacy="1.13", floatmode="unique"):
        with pytest.raises(TypeError):
            _print._array_repr(a)


def test_no_numpy_import_in_print_module():
    import ndmem._print as p
    assert "numpy" not in p.__dict__
    src = open(p.__file__).read()
    assert "import numpy" not in src


def test_module_all():
    assert sorted(_print.__all__) == sorted(
        ["array2string", "array_str", "array_repr", "set_printoptions",
         "get_printoptions", "printoptions", "format_float_positional",
         "format_float_scientific"])
    for name in _print.__all__:
        assert getattr(nm, name) is getattr(_print, name)
    assert sys.modules["ndmem._print"] is _print


# ---------------------------------------------------------------------------
# structured scalars (helper for the scalar type's repr/str)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["struct", "struct-exp", "struct-bool-float",
                                  "struct-one-field", "struct-complex"])
def test_void_scalar_to_string_duck(name):
    a = CORPUS[name]
    for i in range(len(a)):
        x = a[i]
        assert _print._void_scalar_to_string(x, True) == repr(x)
        assert _print._void_scalar_to_string(x, False) == str(x)


@pytest.mark.parametrize("name", ["struct", "struct-exp", "struct-complex"])
def test_structured_scalar_ndmem(name):
    a = CORPUS[name]
    b = to_ndmem(a)
    for i in range(len(a)):
        assert repr(b[i]) == repr(a[i])
        assert str(b[i]) == str(a[i])


# ---------------------------------------------------------------------------
# values decoded through the buffer protocol when tolist() is unavailable
# ---------------------------------------------------------------------------

class ndarray(np.ndarray):  # noqa: N801  (named so the repr says "array(")
    def tolist(self):
        raise NotImplementedError("no tolist")


@pytest.mark.parametrize("name", NAMES)
def test_buffer_fallback(name):
    a = CORPUS[name]
    b = a.view(ndarray)
    assert _print._array_repr(b) == repr(a)
    assert _print._array_str(b) == str(a)


def _random_float64(rnd):
    kind = rnd.random()
    if kind < 0.3:
        return struct.unpack("<d", struct.pack("<Q", rnd.getrandbits(64)))[0]
    if kind < 0.6:
        return rnd.uniform(-1e6, 1e6)
    if kind < 0.8:
        return round(rnd.uniform(-100, 100), rnd.randint(0, 6))
    return rnd.choice([0.5, 1.0, 100.0, 1e16, 9.5, 0.125, 1e-10, 2.0**60, 5e-324, 0.1, 0.3,
                       1.7976931348623157e308, 9.999999999e22, 1e23, 999999.9999999])


@pytest.mark.parametrize("seed", range(4))
def test_float64_digits_match_numpy_dragon4(seed):
    """float64 digits come from one exact division and Python's shortest repr
    (the loop-free path); every mode and cutoff must still give NumPy's text."""
    rnd = random.Random(seed)
    for _ in range(1500):
        x = _random_float64(rnd)
        if not math.isfinite(x):
            continue
        unique = rnd.random() < 0.7
        kw = {"unique": unique, "trim": rnd.choice(["k", ".", "0", "-"]),
              "precision": (rnd.choice([None, 0, 1, 3, 8, 17, 20]) if unique
                            else rnd.choice([0, 1, 3, 8, 17, 25]))}
        if unique and rnd.random() < 0.4:
            kw["min_digits"] = min(rnd.choice([0, 2, 8]), kw["precision"] or 99)
        for name in ("format_float_positional", "format_float_scientific"):
            args = dict(kw, fractional=rnd.random() < 0.7) if "positional" in name else kw
            try:
                want = getattr(np, name)(np.float64(x), **args)
            except ValueError:
                continue
            assert getattr(nm, name)(nm.float64(x), **args) == want, (name, x, args)


@pytest.mark.parametrize("seed", range(3))
def test_float64_array_repr_shortcut_matches_numpy(seed):
    """Arrays of float64 take the repr-and-format() digits in fillFormat and
    reuse them in __call__ ('maxprec'); powers of ten, values at the
    precision's edge, integers past 2**53 and roundings ending in 0 are the
    cases the shortcut hands back to the exact path."""
    rnd = random.Random(seed)
    edge = [1e-8, 9.99999999e-9, 5e-9, 1.5e-9, 0.1, 10.0, 1e15, 1e16, 1e23, 2.0**53 + 2,
            1.2345678901234567e20, 0.123456785, 0.12000000001, 9.999999999, 99.9999999999,
            0.5, 2.5e-8, 1 / 3, 2 / 3, 123456.7890123]
    for _ in range(60):
        n = rnd.randint(1, 12)
        vals = [_random_float64(rnd) if rnd.random() < 0.6 else rnd.choice(edge) * rnd.choice([1, -1])
                for _ in range(n)]
        vals = [v for v in vals if math.isfinite(v)] or [1.0]
        a = np.array(vals)
        b = nm.asarray(a)
        for opts in ({}, {"precision": 3}, {"precision": 12}, {"floatmode": "maxprec_equal"},
                     {"sign": "+"}, {"sign": " "}, {"suppress": True}):
            with np.printoptions(**opts), nm.printoptions(**opts):
                assert repr(b) == repr(a), (vals, opts)
                assert str(b) == str(a), (vals, opts)


def test_float64_digits_shortcut_equals_exact_path():
    rnd = random.Random(5)
    for _ in range(3000):
        x = abs(_random_float64(rnd))
        if not math.isfinite(x) or x == 0:
            continue
        for p in (0, 3, 8, 17):
            for cm in (-1, 0, p):
                got = _print._digits_float64_short(x, p, cm)
                if got is not None:
                    want = (_print._digits_float64(x, True, True, p, cm, _print._BUFFER)
                            or _print._dragon4(*_print._decompose(x, 8)[1:], True, True, p, cm,
                                               _print._BUFFER))
                    assert got == want, (x, p, cm)
