"""SeedSequence and the two bit generators (PCG64, MT19937).

SeedSequence follows numpy/random/bit_generator.pyx word for word (it is
Melissa O'Neill's seed_seq design, MIT licensed), so that ``PCG64(seed)``
starts from NumPy's state and the streams match bit for bit.
"""

import os
from itertools import cycle

import ndmem
from ndmem._core import _BitGen

__all__ = ["SeedSequence", "BitGenerator", "PCG64", "MT19937"]

_M32 = 0xFFFFFFFF
_INIT_A = 0x43B0D7E5
_MULT_A = 0x931E8875
_INIT_B = 0x8B51F9DD
_MULT_B = 0x58F38DED
_MIX_MULT_L = 0xCA01F9DD
_MIX_MULT_R = 0x4973F715
_POOL_SIZE = 4


def _int_to_words(n):
    if n < 0:
        raise ValueError("expected non-negative integer")
    words = [n & _M32]
    n >>= 32
    while n:
        words.append(n & _M32)
        n >>= 32
    return words


def _coerce_to_words(x):
    """Seed material as a list of uint32 words, lowest bits first."""
    if isinstance(x, str):
        if x.startswith("0x"):
            x = int(x, 16)
        elif x[:1].isdigit():
            x = int(x)
        else:
            raise ValueError("unrecognized seed string")
    if isinstance(x, bool) or isinstance(x, int) or _is_integer_scalar(x):
        return _int_to_words(int(x))
    if isinstance(x, float) or _is_float_scalar(x):
        raise TypeError("seed must be integer")
    if hasattr(x, "tolist") and getattr(x, "ndim", 1) == 0:
        return _coerce_to_words(x.tolist())
    words = []
    for v in x:
        if hasattr(v, "__len__") and not isinstance(v, str):
            raise TypeError("SeedSequence does not accept nested sequences.")
        words.extend(_coerce_to_words(v.tolist() if hasattr(v, "tolist") else v))
    return words


def _is_integer_scalar(x):
    kind = getattr(getattr(x, "dtype", None), "kind", None)
    return getattr(x, "ndim", None) == 0 and kind in ("i", "u", "b")


def _is_float_scalar(x):
    kind = getattr(getattr(x, "dtype", None), "kind", None)
    return getattr(x, "ndim", None) == 0 and kind in ("f", "c")


def _hashmix(value, const):
    value ^= const[0]
    const[0] = (const[0] * _MULT_A) & _M32
    value = (value * const[0]) & _M32
    return value ^ (value >> 16)


def _mix(x, y):
    result = (_MIX_MULT_L * x - _MIX_MULT_R * y) & _M32
    return result ^ (result >> 16)


class SeedSequence:
    """Mixes entropy into a pool and hands out seeding words (NumPy's design).

    Parameters
    ----------
    entropy : None, int or sequence of int, optional
        Seed material; None draws 128 bits from the OS.
    spawn_key : sequence of int, optional
        Position of this sequence in a spawn tree.
    pool_size : int, optional
        Pool size in 32-bit words (at least 4).
    n_children_spawned : int, optional
        Children already spawned (to rebuild a serialized sequence).
    """

    def __init__(self, entropy=None, *, spawn_key=(), pool_size=_POOL_SIZE,
                 n_children_spawned=0):
        if pool_size < _POOL_SIZE:
            raise ValueError(f"The size of the entropy pool should be at least {_POOL_SIZE}")
        if entropy is None:
            entropy = int.from_bytes(os.urandom(pool_size * 4), "little")
        elif not (isinstance(entropy, (int, list, tuple, range))
                  or _is_integer_scalar(entropy) or hasattr(entropy, "ndim")):
            raise TypeError("SeedSequence expects int or sequence of ints for "
                            f"entropy not {entropy}")
        self.entropy = entropy
        self.spawn_key = tuple(spawn_key)
        self.pool_size = pool_size
        self.n_children_spawned = n_children_spawned
        self.pool = self._mix_entropy(self._assembled_entropy())

    def __repr__(self):
        lines = [f"{type(self).__name__}(", f"    entropy={self.entropy!r},"]
        if self.spawn_key:
            lines.append(f"    spawn_key={self.spawn_key!r},")
        if self.pool_size != _POOL_SIZE:
            lines.append(f"    pool_size={self.pool_size!r},")
        if self.n_children_spawned != 0:
            lines.append(f"    n_children_spawned={self.n_children_spawned!r},")
        lines.append(")")
        return "\n".join(lines)

    @property
    def state(self):
        return {k: getattr(self, k) for k in
                ("entropy", "spawn_key", "pool_size", "n_children_spawned")}

    def _assembled_entropy(self):
        run = _coerce_to_words(self.entropy)
        spawn = _coerce_to_words(self.spawn_key)
        if spawn and len(run) < self.pool_size:
            # zero padding keeps spawn keys apart from short entropy (gh-16539)
            run = run + [0] * (self.pool_size - len(run))
        return run + spawn

    def _mix_entropy(self, entropy):
        const = [_INIT_A]
        n = self.pool_size
        pool = [_hashmix(entropy[i] if i < len(entropy) else 0, const) for i in range(n)]
        for i_src in range(n):
            for i_dst in range(n):
                if i_src != i_dst:
                    pool[i_dst] = _mix(pool[i_dst], _hashmix(pool[i_src], const))
        for i_src in range(n, len(entropy)):
            for i_dst in range(n):
                pool[i_dst] = _mix(pool[i_dst], _hashmix(entropy[i_src], const))
        return pool

    def _words(self, n_words):
        const = _INIT_B
        out = []
        src = cycle(self.pool)
        for _ in range(n_words):
            v = next(src) ^ const
            const = (const * _MULT_B) & _M32
            v = (v * const) & _M32
            out.append(v ^ (v >> 16))
        return out

    def _words64(self, n_words):
        w = self._words(2 * n_words)
        return [w[2 * i] | (w[2 * i + 1] << 32) for i in range(n_words)]

    def generate_state(self, n_words, dtype=None):
        """Return `n_words` seeding words as a uint32 (default) or uint64 array."""
        dt = ndmem.dtype("uint32" if dtype is None else dtype)
        if dt == ndmem.dtype("uint32"):
            return ndmem.array(self._words(n_words), dtype=dt)
        if dt == ndmem.dtype("uint64"):
            return ndmem.array(self._words64(n_words), dtype=dt)
        raise ValueError("only support uint32 or uint64")

    def spawn(self, n_children):
        """Return `n_children` independent child sequences."""
        if n_children < 0:
            raise ValueError("n_children must be non-negative")
        start = self.n_children_spawned
        seqs = [type(self)(self.entropy, spawn_key=self.spawn_key + (i,),
                           pool_size=self.pool_size)
                for i in range(start, start + n_children)]
        self.n_children_spawned += n_children
        return seqs


class BitGenerator:
    """Base of the bit generators: holds the C state (``_core``) and the seed."""

    _kind = None

    def __init__(self, seed=None):
        if type(self) is BitGenerator:
            raise NotImplementedError("BitGenerator is a base class and cannot be instantized")
        self._core = _BitGen(self._kind)
        self._seed_seq = seed if hasattr(seed, "generate_state") else SeedSequence(seed)
        self._seed_from(self._seed_seq)

    @property
    def seed_seq(self):
        """The SeedSequence this bit generator was seeded from."""
        return self._seed_seq

    def spawn(self, n_children):
        """Return `n_children` independent bit generators of the same kind."""
        return [type(self)(s) for s in self._seed_seq.spawn(n_children)]

    def random_raw(self, size=None, output=True):
        """Raw 64-bit outputs of the generator."""
        raw = self._core.raw(size)
        return raw if output else None

    def __getstate__(self):
        return self.state, self._seed_seq

    def __setstate__(self, st):
        self._core = _BitGen(self._kind)
        self._seed_seq = st[1]
        self.state = st[0]


class PCG64(BitGenerator):
    """NumPy's default bit generator: a 128-bit LCG with the XSL-RR output.

    Parameters
    ----------
    seed : None, int, sequence of int or SeedSequence, optional
        Seeded through SeedSequence exactly as NumPy does, so the stream
        equals ``numpy.random.PCG64(seed)``'s.
    """

    _kind = "PCG64"

    def _seed_from(self, seq):
        w = seq._words64(4) if isinstance(seq, SeedSequence) else \
            [int(v) for v in seq.generate_state(4, "uint64").tolist()]
        self._core.seed_pcg64(*w)

    @property
    def state(self):
        """The state as NumPy's dict: state, inc, has_uint32, uinteger."""
        s, inc, has, u = self._core.get_state()
        return {"bit_generator": "PCG64", "state": {"state": s, "inc": inc},
                "has_uint32": has, "uinteger": u}

    @state.setter
    def state(self, value):
        if not isinstance(value, dict) or value.get("bit_generator") != "PCG64":
            raise ValueError("state must be for a PCG64 PRNG")
        self._core.set_state(int(value["state"]["state"]), int(value["state"]["inc"]),
                             bool(value["has_uint32"]), int(value["uinteger"]))


class MT19937(BitGenerator):
    """The Mersenne Twister, the bit generator of the legacy RandomState.

    Parameters
    ----------
    seed : None, int, sequence of int or SeedSequence, optional
        Seeded through SeedSequence (as NumPy's MT19937); RandomState uses
        the legacy integer seeding instead.
    """

    _kind = "MT19937"

    def _seed_from(self, seq):
        words = seq._words(624) if isinstance(seq, SeedSequence) else \
            [int(v) for v in seq.generate_state(624).tolist()]
        # as NumPy: the words become the key, its top bit forced non-zero
        self._core.set_state([0x80000000] + words[1:], 623, False, 0.0)

    def _legacy_seeding(self, seed):
        if seed is None:
            words = SeedSequence()._words(624)
            self._core.set_state([0x80000000] + words[1:], 623, False, 0.0)
            return
        if hasattr(seed, "squeeze"):
            seed = seed.squeeze()
        try:
            idx = seed.__index__()
        except (AttributeError, TypeError):
            idx = None
        if idx is not None:
            if idx > _M32 or idx < 0:
                raise ValueError("Seed must be between 0 and 2**32 - 1")
            self._core.seed_mt19937(int(idx))
            return
        arr = ndmem.asarray(seed)
        if arr.size == 0:
            raise ValueError("Seed must be non-empty")
        if arr.dtype.kind not in "iub" or arr.dtype == ndmem.dtype("uint64"):
            what = "scalar" if arr.ndim == 0 else "array data"
            raise TypeError(f"Cannot cast {what} from {arr.dtype!r} to "
                            f"{ndmem.dtype('int64')!r} according to the rule 'safe'")
        if arr.ndim != 1:
            raise ValueError("Seed array must be 1-d")
        words = [int(v) for v in arr.tolist()]
        if any(v > _M32 or v < 0 for v in words):
            raise ValueError("Seed must be between 0 and 2**32 - 1")
        self._core.seed_mt19937(words)

    @property
    def state(self):
        """The state as NumPy's dict: key (uint32 array) and pos."""
        key, pos, _, _ = self._core.get_state()
        return {"bit_generator": "MT19937",
                "state": {"key": ndmem.array(key, dtype="uint32"), "pos": pos}}

    @state.setter
    def state(self, value):
        if isinstance(value, dict):
            if value.get("bit_generator") != "MT19937":
                raise ValueError("state must be for a MT19937 PRNG")
            key, pos = value["state"]["key"], value["state"]["pos"]
        else:
            if value[0] != "MT19937":
                raise ValueError("state must be for a MT19937 PRNG")
            key, pos = value[1], value[2]
        key = key.tolist() if hasattr(key, "tolist") else list(key)
        _, _, has_gauss, gauss = self._core.get_state()
        self._core.set_state(key, int(pos), has_gauss, gauss)
