"""RandomState: NumPy's legacy API over MT19937.

Seeded as NumPy's RandomState (``seed(int)`` is MT's init_genrand, arrays
use init_by_array) and drawing with the legacy algorithms (53-bit doubles
from two words, the polar normal, masked integer rejection), so the
streams equal ``numpy.random.RandomState(seed)``'s."""

import math

import ndmem

from ndmem.random import _common as C
from ndmem.random._bitgen import MT19937

__all__ = ["RandomState"]


class RandomState:
    """The legacy random generator (Mersenne Twister).

    Parameters
    ----------
    seed : None, int (0 .. 2**32 - 1), array_like of ints or MT19937, optional
    """

    def __init__(self, seed=None):
        if isinstance(seed, MT19937):
            self._bit_generator = seed
        else:
            self._bit_generator = MT19937.__new__(MT19937)
            self._bit_generator._core = ndmem._core._BitGen("MT19937")
            self._bit_generator._seed_seq = None
            self._bit_generator._legacy_seeding(seed)
        self._core = self._bit_generator._core

    def __str__(self):
        return "RandomState(MT19937)"

    def __repr__(self):
        return f"{self} at 0x{id(self):X}"

    def seed(self, seed=None):
        """Reseed the generator (int in [0, 2**32), array of such ints, or None)."""
        self._bit_generator._legacy_seeding(seed)

    def get_state(self, legacy=True):
        """The state: ('MT19937', key, pos, has_gauss, cached_gaussian), or a dict."""
        key, pos, has_gauss, gauss = self._core.get_state()
        if legacy:
            return ("MT19937", ndmem.array(key, dtype="uint32"), pos, has_gauss, gauss)
        st = self._bit_generator.state
        st["has_gauss"] = has_gauss
        st["gauss"] = gauss
        return st

    def set_state(self, state):
        """Restore a state from get_state()."""
        if isinstance(state, dict):
            try:
                key, pos = state["state"]["key"], state["state"]["pos"]
            except (KeyError, TypeError):
                raise ValueError("state dictionary is not valid.") from None
            has_gauss, gauss = state.get("has_gauss", 0), state.get("gauss", 0.0)
            if state.get("bit_generator") != "MT19937":
                raise ValueError("state must be for a MT19937 PRNG")
        elif not isinstance(state, tuple):
            raise TypeError("state must be a dict or a tuple.")
        else:
            if state[0] != "MT19937":
                raise ValueError("set_state can only be used with legacy MT19937 state "
                                 "instances.")
            key, pos = state[1], state[2]
            has_gauss, gauss = (state[3], state[4]) if len(state) > 3 else (0, 0.0)
        key = key.tolist() if hasattr(key, "tolist") else list(key)
        self._core.set_state(key, int(pos), bool(has_gauss), float(gauss))

    def random_sample(self, size=None):
        """Floats in [0.0, 1.0): a Python float for size None."""
        return self._core.fill(C.DIST["random"], size)

    random = random_sample

    def rand(self, *args):
        """Uniform [0, 1) floats of shape ``args`` (a float with no args)."""
        return self.random_sample(args if args else None)

    def randn(self, *args):
        """Standard normal floats of shape ``args`` (a float with no args)."""
        return self.standard_normal(args if args else None)

    def standard_normal(self, size=None):
        """Standard normal draws (polar method)."""
        return self._core.fill(C.DIST["gauss"], size, False, 0.0, 1.0)

    def normal(self, loc=0.0, scale=1.0, size=None):
        """Normal draws ``loc + scale * standard_normal()`` (scale >= 0)."""
        shape, (mu, sigma), (_, fsigma) = C.broadcast_params(size, loc, scale)
        C.check_non_negative(fsigma, "scale")
        return self._core.fill(C.DIST["gauss"], shape, False, mu, sigma)

    def standard_exponential(self, size=None):
        """Exponential draws with scale 1, by inversion: ``-log(1 - U)``."""
        return self._core.fill(C.DIST["legacy_exponential"], size, False, 1.0)

    def exponential(self, scale=1.0, size=None):
        """Exponential draws with the given scale (scale >= 0)."""
        shape, (beta,), (fbeta,) = C.broadcast_params(size, scale)
        C.check_non_negative(fbeta, "scale")
        return self._core.fill(C.DIST["legacy_exponential"], shape, False, beta)

    def uniform(self, low=0.0, high=1.0, size=None):
        """Uniform draws in [low, high)."""
        return C.uniform(self._core, low, high, size, legacy=True)

    def randint(self, low, high=None, size=None, dtype=int):
        """Integers from [low, high) (from [0, low) when high is None)."""
        dt = C.integer_dtype(dtype, "randint")
        result = C.integers(self._core, low, high, size, dt, False, masked=True)
        if dtype in (bool, int) and not isinstance(result, ndmem.ndarray):
            return dtype(result)
        return result

    def bytes(self, length):
        """`length` random bytes (little-endian words of ``randint``, as NumPy)."""
        n_words = (length - 1) // 4 + 1
        words = self.randint(0, 4294967296, size=n_words, dtype="uint32")
        return words.astype("<u4").tobytes()[:length]

    def choice(self, a, size=None, replace=True, p=None):
        """Random sample from a 1-d array or from ``arange(a)``."""
        arr, pop = C.population(a, legacy=True)
        shape = () if size is None else C.size_tuple(size)
        nsamples = math.prod(shape)
        if arr.ndim == 0 and pop <= 0 and (size is None or nsamples != 0):
            raise ValueError("a must be greater than 0 unless no samples are taken")
        if arr.ndim > 1:
            raise ValueError("a must be 1-dimensional")
        if arr.ndim == 1 and pop == 0 and (size is None or nsamples != 0):
            raise ValueError("'a' cannot be empty unless no samples are taken")
        probs = C.choice_p(pop, p, legacy=True) if p is not None else None
        if replace:
            if probs is not None:
                idx = C.sample_p(self._core, self.random_sample, probs, shape)
            else:
                idx = self.randint(0, pop, size=shape)
        else:
            if nsamples > pop:
                raise ValueError("Cannot take a larger sample than population when "
                                 "'replace=False'")
            if nsamples < 0:
                raise ValueError("negative dimensions are not allowed")
            if probs is not None:
                idx = C.sample_p_unique(self.random_sample, probs, shape, nsamples)
            else:
                idx = self.permutation(pop)[:nsamples].reshape(shape)
        if size is None:
            idx = int(idx.tolist() if isinstance(idx, ndmem.ndarray) else idx)
        if arr.ndim == 0:
            return idx
        if size is not None and idx.ndim == 0:
            res = ndmem.empty((), dtype=arr.dtype)
            res[()] = arr[int(idx)]
            return res
        return arr[idx]

    def shuffle(self, x):
        """Shuffle an array along its first axis, or a mutable sequence, in place."""
        C.shuffle(self._core, x)

    def permutation(self, x):
        """A shuffled copy of `x` along its first axis, or of ``arange(x)``."""
        if isinstance(x, int) or (isinstance(x, ndmem.generic) and x.dtype.kind in "iu"):
            arr = ndmem.arange(int(x))
            self._core.shuffle(arr)
            return arr
        return C.permutation_of_array(self._core, x, legacy=True)
