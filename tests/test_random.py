"""ndmem.random against numpy.random: same seeds give the same streams (both
the PCG64 Generator and the legacy MT19937 RandomState), same shapes, dtypes,
scalar types and exception types; statistical checks on fixed seeds."""

import math
import pickle
import subprocess
import sys
import threading

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import ndmem as nd


def assert_same(x, y):
    """x from ndmem, y from NumPy: same type, shape, dtype and values."""
    if isinstance(y, np.ndarray):
        assert isinstance(x, nd.ndarray), type(x)
        assert x.shape == y.shape
        assert x.dtype.str == y.dtype.str
        assert x.tolist() == y.tolist()
    else:
        assert type(x).__name__ == type(y).__name__, (type(x), type(y))
        assert x == y or (x != x and y != y)


def both(f, seed=1234):
    """f(generator, module) on ndmem and NumPy Generators with the same seed."""
    return f(nd.random.default_rng(seed), nd), f(np.random.default_rng(seed), np)


def legacy(f, seed=1234):
    """f(module) after seeding both global RandomStates."""
    nd.random.seed(seed)
    x = f(nd)
    np.random.seed(seed)
    return x, f(np)


def raises_same(f, *args, **kwargs):
    with pytest.raises(Exception) as theirs:
        f(np)
    with pytest.raises(type(theirs.value)) as ours:
        f(nd)
    assert str(ours.value) == str(theirs.value)


GENERATOR_CASES = {
    "random": lambda g, m: g.random(1000),
    "random scalar": lambda g, m: g.random(),
    "random f32": lambda g, m: g.random((10, 10), dtype=m.float32),
    "random f32 scalar": lambda g, m: g.random(dtype=m.float32),
    "random size ()": lambda g, m: g.random(()),
    "standard_normal": lambda g, m: g.standard_normal(20000),
    "standard_normal f32": lambda g, m: g.standard_normal(20000, dtype=m.float32),
    "standard_normal scalar": lambda g, m: g.standard_normal(),
    "standard_exponential": lambda g, m: g.standard_exponential(20000),
    "standard_exponential f32": lambda g, m: g.standard_exponential(20000, dtype=m.float32),
    "standard_exponential inv": lambda g, m: g.standard_exponential(1000, method="inv"),
    "standard_exponential inv f32": lambda g, m: g.standard_exponential(1000, dtype=m.float32,
                                                                        method="inv"),
    "normal": lambda g, m: g.normal(3.0, 2.0, (40, 25)),
    "normal scalar": lambda g, m: g.normal(1.0, 0.5),
    "normal array loc": lambda g, m: g.normal([1.0, 2.0, 3.0], 0.5),
    "normal broadcast size": lambda g, m: g.normal([[1.0], [2.0]], [0.5, 1.0, 2.0], size=(4, 2, 3)),
    "exponential": lambda g, m: g.exponential(2.5, 1000),
    "uniform": lambda g, m: g.uniform(-2.0, 5.0, 1000),
    "uniform scalar": lambda g, m: g.uniform(),
    "uniform arrays": lambda g, m: g.uniform([0.0, 1.0, 2.0], [[5.0], [6.0]]),
    "integers": lambda g, m: g.integers(0, 100, 1000),
    "integers scalar": lambda g, m: g.integers(10),
    "integers endpoint": lambda g, m: g.integers(3, 9, (10, 10), endpoint=True),
    "integers negative": lambda g, m: g.integers(-(2**62), 2**62, 100),
    "integers int64 full": lambda g, m: g.integers(-(2**63), 2**63, 50),
    "integers uint64 full": lambda g, m: g.integers(0, 2**64, 50, dtype=m.uint64),
    "integers uint32 full": lambda g, m: g.integers(0, 2**32, 50, dtype=m.uint32),
    "integers int32": lambda g, m: g.integers(-10, 10**9, 1000, dtype=m.int32),
    "integers int16": lambda g, m: g.integers(-300, 300, 1001, dtype=m.int16),
    "integers uint16 full": lambda g, m: g.integers(0, 65536, 99, dtype=m.uint16),
    "integers int8": lambda g, m: g.integers(-5, 100, 1003, dtype=m.int8),
    "integers uint8 full": lambda g, m: g.integers(0, 256, 77, dtype=m.uint8),
    "integers bool": lambda g, m: g.integers(0, 2, 1000, dtype=bool),
    "integers bool scalar": lambda g, m: g.integers(0, 2, dtype=bool),
    "integers uint8 scalar": lambda g, m: g.integers(0, 10, dtype=m.uint8),
    "integers array bounds": lambda g, m: g.integers([0, 5, 10], [3, 100, 2**40]),
    "integers array bounds u8": lambda g, m: g.integers([0, 5, 10], 200, dtype=m.uint8),
    "integers array bounds i16": lambda g, m: g.integers([0, 5], [[300], [600]], size=(3, 2, 2),
                                                         dtype=m.int16),
    "integers array bounds bool": lambda g, m: g.integers(0, [1, 2, 2, 2], dtype=bool),
    "integers then random": lambda g, m: (g.integers(0, 10, 3, dtype=m.int32), g.random(3))[1],
    "choice int": lambda g, m: g.choice(10, 20),
    "choice scalar": lambda g, m: g.choice(10),
    "choice list": lambda g, m: g.choice([1.5, 2.5, 3.5], 5),
    "choice list scalar": lambda g, m: g.choice([1.5, 2.5, 3.5]),
    "choice p": lambda g, m: g.choice(4, 1000, p=[0.1, 0.2, 0.3, 0.4]),
    "choice p many": lambda g, m: g.choice(500, (100, 50),
                                           p=[(i + 1) / 125250 for i in range(500)]),
    "choice p scalar": lambda g, m: g.choice([7, 8, 9], p=[0.2, 0.3, 0.5]),
    "choice no replace": lambda g, m: g.choice(100, 30, replace=False),
    "choice no replace tail shuffle": lambda g, m: g.choice(100000, 5000, replace=False),
    "choice no replace unshuffled": lambda g, m: g.choice(50, 20, replace=False, shuffle=False),
    "choice no replace p": lambda g, m: g.choice(6, 4, replace=False,
                                                 p=[0.1, 0.2, 0.3, 0.2, 0.1, 0.1]),
    "choice 2d axis 1": lambda g, m: g.choice(m.arange(12).reshape(3, 4), 2, axis=1),
    "choice size ()": lambda g, m: g.choice(5, size=()),
    "choice empty": lambda g, m: g.choice(0, 0),
    "permutation int": lambda g, m: g.permutation(20),
    "permutation array": lambda g, m: g.permutation(m.arange(10.0)),
    "permutation 2d": lambda g, m: g.permutation(m.arange(12).reshape(4, 3)),
    "permutation 2d axis 1": lambda g, m: g.permutation(m.arange(12).reshape(4, 3), axis=1),
}


@pytest.mark.parametrize("name", sorted(GENERATOR_CASES))
def test_generator_stream_matches_numpy(name):
    x, y = both(GENERATOR_CASES[name])
    assert_same(x, y)


@pytest.mark.parametrize("seed", [0, 1, 42, 2**32, 2**100, [1, 2, 3], (5, 2**40)])
def test_default_rng_seeds_match_numpy(seed):
    a, b = nd.random.default_rng(seed), np.random.default_rng(seed)
    assert a.random() == b.random()
    assert a.bit_generator.state == b.bit_generator.state
    assert_same(a.standard_normal(100), b.standard_normal(100))


def test_large_streams_match():
    # enough draws to cross the ziggurat's rare branches many times
    x, y = both(lambda g, m: g.standard_normal(300_000))
    assert x.tolist() == y.tolist()
    x, y = both(lambda g, m: g.standard_exponential(300_000, dtype=m.float32))
    assert x.tolist() == y.tolist()


def shuffled(shape_fn, **kw):
    def f(g, m):
        a = shape_fn(m)
        g.shuffle(a, **kw)
        return a
    return f


@pytest.mark.parametrize("make,kw", [
    (lambda m: m.arange(20), {}),
    (lambda m: m.arange(20).reshape(5, 4), {}),
    (lambda m: m.arange(20).reshape(4, 5), {"axis": 1}),
    (lambda m: m.arange(60.0).reshape(3, 4, 5), {"axis": -1}),
    (lambda m: m.arange(40, dtype=m.int8).reshape(10, 4)[::-2], {}),
])
def test_shuffle_matches_numpy(make, kw):
    x, y = both(shuffled(make, **kw))
    assert_same(x, y)


def test_shuffle_view_writes_through_base():
    def f(g, m):
        a = m.arange(30)
        g.shuffle(a[::3])
        return a
    x, y = both(f)
    assert_same(x, y)


def test_shuffle_list_matches_numpy():
    def f(g, m):
        a = list(range(15))
        g.shuffle(a)
        return a
    x, y = both(f)
    assert x == y


def test_permutation_copies():
    a = nd.arange(10)
    p = nd.random.default_rng(0).permutation(a)
    assert a.tolist() == list(range(10))
    assert sorted(p.tolist()) == list(range(10))
    assert not nd.shares_memory(a, p)


LEGACY_CASES = {
    "rand": lambda m: m.random.rand(3, 4),
    "rand scalar": lambda m: m.random.rand(),
    "randn": lambda m: m.random.randn(1001),
    "randn scalar": lambda m: [m.random.randn() for _ in range(3)][2],
    "randint": lambda m: m.random.randint(0, 1000, 1000),
    "randint scalar": lambda m: m.random.randint(5),
    "randint uint8": lambda m: m.random.randint(0, 200, 100, dtype=m.uint8),
    "randint large": lambda m: m.random.randint(-(2**62), 2**62, 100),
    "random": lambda m: m.random.random(5),
    "random_sample": lambda m: m.random.random_sample((2, 2)),
    "uniform": lambda m: m.random.uniform(1, 5, 10),
    "uniform reversed": lambda m: m.random.uniform(5, 1, 10),
    "normal": lambda m: m.random.normal(1, 5, 10),
    "exponential": lambda m: m.random.exponential(2.0, 100),
    "exponential array": lambda m: m.random.exponential([1.0, 2.0]),
    "standard_exponential": lambda m: m.random.standard_exponential((3, 4)),
    "standard_exponential scalar": lambda m: m.random.standard_exponential(),
    "normal array": lambda m: m.random.normal([1.0, 2.0], 5),
    "choice": lambda m: m.random.choice(10, 5),
    "choice empty": lambda m: m.random.choice([], 0),
    "choice empty int": lambda m: m.random.choice(-1, 0),
    "choice empty 2d": lambda m: m.random.choice(0, size=(2, 0)),
    "choice list": lambda m: m.random.choice([1.5, 2.5, 3.5], (2, 2)),
    "choice no replace": lambda m: m.random.choice(10, 5, replace=False),
    "choice p": lambda m: m.random.choice(3, 5, p=[0.2, 0.3, 0.5]),
    "permutation": lambda m: m.random.permutation(10),
    "permutation 2d": lambda m: m.random.permutation(m.arange(12).reshape(4, 3)),
    "RandomState": lambda m: m.random.RandomState(2**32 - 1).randn(7),
    "RandomState array seed": lambda m: m.random.RandomState([1, 2, 3]).rand(5),
    "MT19937 Generator": lambda m: m.random.Generator(m.random.MT19937(5)).random(5),
}


@pytest.mark.parametrize("name", sorted(LEGACY_CASES))
def test_legacy_stream_matches_numpy(name):
    x, y = legacy(LEGACY_CASES[name])
    assert_same(x, y)


def test_bytes_match_numpy():
    a, b = both(lambda g, m: g.bytes(13))
    assert a == b and len(a) == 13
    a, b = legacy(lambda m: m.random.bytes(9))
    assert a == b and len(a) == 9


def test_legacy_shuffle_matches_numpy():
    def f(m):
        a = m.arange(10)
        m.random.shuffle(a)
        return a
    assert_same(*legacy(f))


def test_legacy_state_round_trip():
    nd.random.seed(3)
    st = nd.random.get_state()
    a = nd.random.randn(5).tolist()
    nd.random.set_state(st)
    assert nd.random.randn(5).tolist() == a
    np.random.seed(3)
    assert st[1].tolist() == np.random.get_state()[1].tolist()


def test_seed_sequence_matches_numpy():
    for entropy in (0, 12345, 2**130 + 7, [1, 2, 3]):
        a, b = nd.random.SeedSequence(entropy), np.random.SeedSequence(entropy)
        assert a.generate_state(8).tolist() == b.generate_state(8).tolist()
        assert (a.generate_state(3, "uint64").tolist()
                == b.generate_state(3, np.uint64).tolist())
        ca, cb = a.spawn(2)[1], b.spawn(2)[1]
        assert ca.generate_state(4).tolist() == cb.generate_state(4).tolist()


def test_spawn_matches_numpy():
    a = nd.random.default_rng(7).spawn(2)[1]
    b = np.random.default_rng(7).spawn(2)[1]
    assert a.random(5).tolist() == b.random(5).tolist()


def test_same_seed_same_stream_different_seed_differs():
    a = nd.random.default_rng(99).random(100).tolist()
    assert nd.random.default_rng(99).random(100).tolist() == a
    assert nd.random.default_rng(100).random(100).tolist() != a
    assert nd.random.default_rng().random(4).tolist() != nd.random.default_rng().random(4).tolist()


def test_generator_state_and_pickle():
    g = nd.random.default_rng(5)
    g.random(3)
    st = g.bit_generator.state
    a = g.random(4).tolist()
    g.bit_generator.state = st
    assert g.random(4).tolist() == a
    g2 = pickle.loads(pickle.dumps(g))
    assert g2.random(4).tolist() == g.random(4).tolist()


def test_reprs_match_numpy():
    for ours, theirs in [(nd.random.default_rng(0), np.random.default_rng(0)),
                         (nd.random.RandomState(0), np.random.RandomState(0))]:
        assert str(ours) == str(theirs)
        assert repr(ours).startswith(str(ours) + " at 0x")
        assert repr(theirs).startswith(str(theirs) + " at 0x")
    assert repr(nd.random.SeedSequence(5)) == repr(np.random.SeedSequence(5))


def test_default_rng_passthrough():
    g = nd.random.default_rng(1)
    assert nd.random.default_rng(g) is g
    bg = nd.random.PCG64(1)
    assert nd.random.default_rng(bg).bit_generator is bg


@pytest.mark.parametrize("f", [
    lambda m: m.random.default_rng(0).uniform(1, 0),
    lambda m: m.random.default_rng(0).uniform(0, float("inf")),
    lambda m: m.random.default_rng(0).normal(0, -1),
    lambda m: m.random.default_rng(0).normal([0, 1], [1, -1]),
    lambda m: m.random.default_rng(0).exponential(-1),
    lambda m: m.random.default_rng(0).integers(5, 5),
    lambda m: m.random.default_rng(0).integers(5, 2),
    lambda m: m.random.default_rng(0).integers(0, 0),
    lambda m: m.random.default_rng(0).integers(0, -1, endpoint=True),
    lambda m: m.random.default_rng(0).integers(3, 2, endpoint=True),
    lambda m: m.random.default_rng(0).integers(0, 300, dtype=m.uint8),
    lambda m: m.random.default_rng(0).integers(-1, 5, dtype=m.uint8),
    lambda m: m.random.default_rng(0).integers(0, 2**64),
    lambda m: m.random.default_rng(0).integers([0, 5], [0, 6]),
    lambda m: m.random.default_rng(0).integers(0, 5, dtype=m.float64),
    lambda m: m.random.default_rng(0).random(dtype=m.int32),
    lambda m: m.random.default_rng(0).standard_normal(dtype=m.int64),
    lambda m: m.random.default_rng(0).random(-1),
    lambda m: m.random.default_rng(0).choice(5, 3, p=[0.5, 0.5]),
    lambda m: m.random.default_rng(0).choice(5, p=[[0.2] * 5]),
    lambda m: m.random.default_rng(0).choice(5, p=[0.5, 0.5, 0, 0, 0.1]),
    lambda m: m.random.default_rng(0).choice(5, p=[1.5, -0.5, 0, 0, 0]),
    lambda m: m.random.default_rng(0).choice(3, 5, replace=False),
    lambda m: m.random.default_rng(0).choice(0, 3),
    lambda m: m.random.default_rng(0).choice(2.5),
    lambda m: m.random.default_rng(0).normal(size=2, loc=[[1], [2]]),
    lambda m: m.random.default_rng(0).shuffle(m.array(5)),
    lambda m: m.random.choice(0),
    lambda m: m.random.choice(-1),
    lambda m: m.random.choice(2.5),
    lambda m: m.random.choice([]),
    lambda m: m.random.choice([[1, 2]]),
    lambda m: m.random.choice(5, p=[0.5] * 2),
    lambda m: m.random.choice(3, p=[[1.0, 0, 0]]),
    lambda m: m.random.choice(3, p=[0.5, float("nan"), 0.5]),
    lambda m: m.random.choice(3, p=[1.5, -0.5, 0]),
    lambda m: m.random.choice(3, p=[0.5, 0.2, 0.1]),
    lambda m: m.random.choice(3, 3, replace=False, p=[1.0, 0, 0]),
    lambda m: m.random.choice(5, 6, replace=False),
    lambda m: m.random.randint(5, 5),
    lambda m: m.random.randint(0, 5, dtype=float),
    lambda m: m.random.normal(0, -1),
    lambda m: m.random.uniform(0, float("inf")),
    lambda m: m.random.seed(-1),
    lambda m: m.random.seed(1.5),
    lambda m: m.random.seed("x"),
    lambda m: m.random.seed([1.5, 2.5]),
    lambda m: m.random.seed([[1, 2]]),
    lambda m: m.random.seed([]),
    lambda m: m.random.normal(size=3.0),
    lambda m: m.random.default_rng(0).random(size=[2, "a"]),
    lambda m: m.random.seed(2**32),
    lambda m: m.random.shuffle(m.array(5)),
    lambda m: m.random.permutation(m.array(5)),
])
def test_errors_match_numpy(f):
    raises_same(f)


def test_shuffle_read_only_raises():
    a = nd.arange(3)
    a.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        nd.random.default_rng(0).shuffle(a)


def test_scalar_and_array_return_types():
    g = nd.random.default_rng(0)
    assert type(g.random()) is float
    assert type(g.standard_normal()) is float
    assert type(g.normal()) is float
    assert type(g.uniform()) is float
    assert type(g.choice(5)) is int
    assert type(nd.random.rand()) is float
    assert type(nd.random.randint(5)) is int
    r = g.random((2, 3))
    assert isinstance(r, nd.ndarray) and r.shape == (2, 3) and r.dtype == nd.float64
    assert r.flags.c_contiguous and r.flags.owndata


# ---- statistics on fixed seeds (deterministic) -----------------------------

CHI2_99_9 = {9: 27.877, 19: 43.820}  # chi-square 99.9% quantiles by dof


def chi_square(counts, expected):
    return sum((c - e) ** 2 / e for c, e in zip(counts, expected))


def test_uniform_moments_and_chi_square():
    x = np.asarray(nd.random.default_rng(2024).random(200_000))
    assert abs(x.mean() - 0.5) < 0.005
    assert abs(x.var() - 1 / 12) < 0.002
    counts = np.histogram(x, bins=20, range=(0, 1))[0]
    assert chi_square(counts, [len(x) / 20] * 20) < CHI2_99_9[19]


def test_normal_moments_and_chi_square():
    x = np.asarray(nd.random.default_rng(7).normal(2.0, 3.0, 200_000))
    assert abs(x.mean() - 2.0) < 0.03
    assert abs(x.std() - 3.0) < 0.03
    edges = np.linspace(-2, 2, 11) * 3.0 + 2.0
    counts = np.histogram(x, bins=edges)[0]
    cdf = [0.5 * (1 + math.erf((e - 2.0) / (3.0 * math.sqrt(2)))) for e in edges]
    expected = [len(x) * (b - a) for a, b in zip(cdf, cdf[1:])]
    assert chi_square(counts, expected) < CHI2_99_9[9]


def test_legacy_normal_moments():
    nd.random.seed(11)
    x = np.asarray(nd.random.randn(200_000))
    assert abs(x.mean()) < 0.01 and abs(x.std() - 1) < 0.01


def test_exponential_mean():
    x = np.asarray(nd.random.default_rng(3).exponential(2.0, 200_000))
    assert abs(x.mean() - 2.0) < 0.02 and x.min() >= 0


@pytest.mark.parametrize("module", ["generator", "legacy"])
def test_integers_chi_square(module):
    if module == "generator":
        x = np.asarray(nd.random.default_rng(5).integers(0, 10, 100_000))
    else:
        nd.random.seed(5)
        x = np.asarray(nd.random.randint(0, 10, 100_000))
    counts = np.bincount(x, minlength=10)
    assert x.min() == 0 and x.max() == 9
    assert chi_square(counts, [len(x) / 10] * 10) < CHI2_99_9[9]


def test_choice_p_frequencies():
    p = [0.1, 0.2, 0.3, 0.4]
    x = np.asarray(nd.random.default_rng(8).choice(4, 100_000, p=p))
    counts = np.bincount(x, minlength=4)
    assert chi_square(counts, [len(x) * q for q in p]) < 16.27  # dof 3, 99.9%


def test_threads_share_a_generator_safely():
    g = nd.random.default_rng(0)
    out = []

    def work():
        out.append(g.random(200_000).shape)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == [(200_000,)] * 4
    # the four draws consumed exactly 800,000 values of the stream
    ref = np.random.default_rng(0)
    ref.random(800_000)
    assert g.random() == ref.random()


def test_out_argument_matches_numpy():
    def f(g, m):
        out = m.empty((3, 4))
        res = g.random(out=out)
        assert res is out
        out32 = m.empty(5, dtype=m.float32)
        g.standard_normal(5, dtype=m.float32, out=out32)
        return m.array(out.ravel().tolist() + out32.tolist())
    assert_same(*both(f))
    raises_same(lambda m: m.random.default_rng(0).random(out=m.empty(3, dtype=m.float32)))
    raises_same(lambda m: m.random.default_rng(0).random(size=4, out=m.empty(3)))


LEAK_SCRIPT = """
import gc, tracemalloc
import ndmem as nd

g = nd.random.default_rng(0)

def work():
    g.random(10)
    g.random()
    g.integers(0, 10, 5, dtype=nd.int16)
    g.integers([1, 2], 9)
    g.normal([0.0, 1.0], 2.0)
    g.choice(10, 3, replace=False)
    g.choice(3, 4, p=[0.2, 0.3, 0.5])
    g.shuffle(nd.arange(5))
    g.permutation(nd.arange(6).reshape(3, 2))
    g.bit_generator.state
    nd.random.randn(3)
    nd.random.randint(5)

for _ in range(200):
    work()
gc.collect()
live0 = nd.memory.stats()["live_bytes"]
tracemalloc.start()
for _ in range(2000):  # caches and free lists settle here
    work()
traced0 = tracemalloc.get_traced_memory()[0]
for _ in range(2000):
    work()
gc.collect()
print(nd.memory.stats()["live_bytes"] - live0, tracemalloc.get_traced_memory()[0] - traced0)
"""


def test_repeated_draws_do_not_leak():
    # a fresh interpreter: other tests' garbage must not move the counters
    out = subprocess.run([sys.executable, "-c", LEAK_SCRIPT], capture_output=True, text=True,
                         check=True).stdout.split()
    live_growth, traced_growth = int(out[0]), int(out[1])
    assert live_growth == 0
    assert traced_growth < 2_000


def test_out_fills_in_memory_order_and_checks():
    def f(g, m):
        a = m.empty((4, 3))
        g.random(out=a.T)
        return a
    assert_same(*both(f))
    raises_same(lambda m: m.random.default_rng(0).random(out=m.empty((4, 4))[:, ::2]))
    raises_same(lambda m: m.random.default_rng(0).standard_normal(out=[1.0]))

    def readonly(m):
        b = m.empty(3)
        b.flags.writeable = False
        m.random.default_rng(0).random(out=b)
    raises_same(readonly)


INT_DTYPES = ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "bool"]


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**64), dtype=st.sampled_from(INT_DTYPES),
       a=st.integers(-300, 300) | st.integers(-(2**64), 2**64),
       b=st.integers(-300, 70000) | st.integers(-(2**64), 2**64),
       n=st.integers(0, 40), endpoint=st.booleans(), masked=st.booleans())
def test_hypothesis_integers_match_numpy(seed, dtype, a, b, n, endpoint, masked):
    """Any bounds and dtype: the same values, or the same exception."""
    def f(m):
        if masked:
            m.random.seed(seed % 2**32)
            return m.random.randint(a, b, size=n, dtype=dtype)
        return m.random.default_rng(seed).integers(a, b, size=n, dtype=dtype,
                                                   endpoint=endpoint)
    try:
        expected = f(np)
    except Exception as exc:
        with pytest.raises(type(exc)):
            f(nd)
        return
    assert_same(f(nd), expected)


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), pop=st.integers(1, 30000), frac=st.floats(0, 1),
       replace=st.booleans(), shuffle=st.booleans())
def test_hypothesis_choice_matches_numpy(seed, pop, frac, replace, shuffle):
    size = int(frac * pop) if not replace else int(frac * 50)
    x = nd.random.default_rng(seed).choice(pop, size, replace=replace, shuffle=shuffle)
    y = np.random.default_rng(seed).choice(pop, size, replace=replace, shuffle=shuffle)
    assert_same(x, y)
