"""Generator and default_rng: NumPy's modern random API over PCG64.

With the same seed, ``default_rng(seed)`` gives the same values as
``numpy.random.default_rng(seed)`` for the methods here (same seeding, same
algorithms, draw for draw)."""

import ndmem

from ndmem.random import _common as C
from ndmem.random._bitgen import PCG64, BitGenerator

__all__ = ["Generator", "default_rng"]

_RANDOM = C.DIST["random"]
_STD_NORMAL = C.DIST["standard_normal"]
_NORMAL = C.DIST["normal"]


class Generator:
    """Container of the distributions, drawing from a bit generator.

    Parameters
    ----------
    bit_generator : BitGenerator
        The source of random bits (``PCG64`` for ``default_rng``).
    """

    def __init__(self, bit_generator):
        if not isinstance(bit_generator, BitGenerator):
            raise TypeError("bit_generator must be a BitGenerator instance")
        self._bit_generator = bit_generator
        self._core = bit_generator._core

    def __str__(self):
        return f"Generator({type(self._bit_generator).__name__})"

    def __repr__(self):
        return f"{self} at 0x{id(self):X}"

    @property
    def bit_generator(self):
        """The bit generator this Generator draws from."""
        return self._bit_generator

    def spawn(self, n_children):
        """Return `n_children` independent Generators (via SeedSequence.spawn)."""
        return [type(self)(bg) for bg in self._bit_generator.spawn(n_children)]

    def __getstate__(self):
        return None

    def __reduce__(self):
        return (Generator, (self._bit_generator,))

    def _out_size(self, size, out, single):
        """The shape to draw for ``out`` after NumPy's checks (check_output)."""
        if out is None:
            return size
        if not (isinstance(out, ndmem.ndarray) and out.flags.writeable and out.flags.aligned
                and (out.flags.c_contiguous or out.flags.f_contiguous)
                and out.dtype.isnative):
            raise ValueError("Supplied output array must be contiguous, writable, aligned, "
                             "and in machine byte-order.")
        want = "float32" if single else "float64"
        if out.dtype != ndmem.dtype(want):
            raise TypeError("Supplied output array has the wrong type. "
                            f"Expected {want}, got {out.dtype}")
        if size is not None and C.size_tuple(size) != out.shape:
            raise ValueError("size must match out.shape when used together")
        return out.shape

    def random(self, size=None, dtype="float64", out=None):
        """Floats in the half-open interval [0.0, 1.0).

        Parameters
        ----------
        size : int or tuple of ints, optional
            Output shape; None (default) returns a single Python float.
        dtype : {float64, float32}, optional
        out : ndarray, optional
            Array to fill instead of allocating one.

        Returns
        -------
        float or ndarray
        """
        single = C.float_dtype(dtype, "random")
        if out is None:
            return self._core.fill(_RANDOM, size, single)
        size = self._out_size(size, out, single)
        return self._core.fill(_RANDOM, size, single, None, None, out)

    def standard_normal(self, size=None, dtype="float64", out=None):
        """Standard normal draws (mean 0, standard deviation 1), by ziggurat."""
        single = C.float_dtype(dtype, "standard_normal")
        if out is None:
            return self._core.fill(_STD_NORMAL, size, single)
        size = self._out_size(size, out, single)
        return self._core.fill(_STD_NORMAL, size, single, None, None, out)

    def standard_exponential(self, size=None, dtype="float64", method="zig", out=None):
        """Exponential draws with scale 1 (ziggurat, or inversion with method='inv')."""
        single = C.float_dtype(dtype, "standard_exponential")
        if method not in ("zig", "inv"):
            raise ValueError("'method' argument must be either 'zig' or 'inv'")
        dist = C.DIST["standard_exponential" if method == "zig" else "standard_exponential_inv"]
        size = self._out_size(size, out, single)
        return self._core.fill(dist, size, single, None, None, out)

    def normal(self, loc=0.0, scale=1.0, size=None):
        """Normal (Gaussian) draws: ``loc + scale * standard_normal()``.

        Parameters
        ----------
        loc, scale : float or array_like of floats
            Mean and standard deviation (scale must be non-negative); arrays
            broadcast against each other and ``size``.
        size : int or tuple of ints, optional

        Returns
        -------
        float or ndarray
        """
        if type(loc) is float and type(scale) is float and scale >= 0:
            return self._core.fill(_NORMAL, size, False, loc, scale)
        shape, (mu, sigma), (_, fsigma) = C.broadcast_params(size, loc, scale)
        C.check_non_negative(fsigma, "scale")
        return self._core.fill(_NORMAL, shape, False, mu, sigma)

    def exponential(self, scale=1.0, size=None):
        """Exponential draws with the given scale (1 / rate)."""
        shape, (beta,), (fbeta,) = C.broadcast_params(size, scale)
        C.check_non_negative(fbeta, "scale")
        return self._core.fill(C.DIST["exponential"], shape, False, beta)

    def uniform(self, low=0.0, high=1.0, size=None):
        """Uniform draws in [low, high): ``low + (high - low) * random()``."""
        return C.uniform(self._core, low, high, size, legacy=False)

    def integers(self, low, high=None, size=None, dtype="int64", endpoint=False):
        """Integers from [low, high), or [low, high] with ``endpoint=True``.

        Parameters
        ----------
        low, high : int
            Bounds; with one argument, the range is [0, low).
        size : int or tuple of ints, optional
            Output shape; None gives one scalar of ``dtype``.
        dtype : integer or bool dtype, optional
        endpoint : bool, optional

        Returns
        -------
        scalar or ndarray
        """
        dt = C.integer_dtype(dtype, "integers")
        result = C.integers(self._core, low, high, size, dt, endpoint, masked=False)
        if dt.kind == "b" and not isinstance(result, ndmem.ndarray):
            return bool(result)
        return result

    def bytes(self, length):
        """`length` random bytes (little-endian words of ``integers``, as NumPy)."""
        n_words = (length - 1) // 4 + 1
        words = self.integers(0, 4294967296, size=n_words, dtype="uint32")
        return words.astype("<u4").tobytes()[:length]

    def choice(self, a, size=None, replace=True, p=None, axis=0, shuffle=True):
        """Random sample from a 1-d array or from ``arange(a)``.

        Parameters
        ----------
        a : int or array_like
            Population, or its size.
        size : int or tuple of ints, optional
        replace : bool, optional
        p : array_like of floats, optional
            Probabilities of the entries of ``a`` (sum to 1).
        axis : int, optional
            Axis of ``a`` to sample along.
        shuffle : bool, optional
            Whether a sample without replacement is shuffled.

        Returns
        -------
        scalar or ndarray
        """
        arr, pop = C.population(a)
        if arr.ndim > 0:
            pop = arr.shape[axis]  # IndexError for a bad axis, as NumPy
            axis = _norm_axis(axis, arr.ndim)
        nsamples = 1
        if size is not None:
            for s in C.size_tuple(size):
                nsamples *= s
        if arr.ndim == 0 and pop <= 0 and nsamples != 0:
            raise ValueError("a must be a positive integer unless no samples are taken")
        if arr.ndim > 0 and pop == 0 and nsamples != 0:
            raise ValueError("a cannot be empty unless no samples are taken")
        probs = C.choice_p(pop, p) if p is not None else None
        shape = () if size is None else C.size_tuple(size)
        if replace:
            if probs is not None:
                idx = C.sample_p(self._core, self.random, probs, shape)
            else:
                idx = self.integers(0, pop, size=shape, dtype="int64")
        else:
            if nsamples > pop:
                raise ValueError("Cannot take a larger sample than population when "
                                 "replace is False")
            if nsamples < 0:
                raise ValueError("negative dimensions are not allowed")
            if probs is not None:
                idx = C.sample_p_unique(self.random, probs, shape, nsamples)
            else:
                idx = self._core.choice_noreplace(pop, nsamples, bool(shuffle)).reshape(shape)
        if size is None:
            idx = int(idx.tolist() if isinstance(idx, ndmem.ndarray) else idx)
        if arr.ndim == 0:
            return idx
        if size is not None and idx.ndim == 0 and arr.ndim == 1:
            res = ndmem.empty((), dtype=arr.dtype)
            res[()] = arr[int(idx)]
            return res
        return _take(arr, idx, axis)

    def shuffle(self, x, axis=0):
        """Shuffle an array (along `axis`) or a mutable sequence in place."""
        if isinstance(x, ndmem.ndarray):
            if x.ndim == 0:
                raise TypeError("len() of unsized object")
            axis = _norm_axis(axis, x.ndim)
            self._core.shuffle(ndmem.swapaxes(x, 0, axis) if axis else x)
            return
        if axis != 0:
            raise NotImplementedError("Axis argument is only supported on ndarray objects")
        C.shuffle_sequence(self._core, x)

    def permutation(self, x, axis=0):
        """A shuffled copy of `x` (along `axis`), or of ``arange(x)``."""
        if isinstance(x, int) or (isinstance(x, ndmem.generic) and x.dtype.kind in "iu"):
            arr = ndmem.arange(int(x))
            self._core.shuffle(arr)
            return arr
        arr = ndmem.asarray(x)
        if arr.ndim == 0:
            raise ndmem.exceptions.AxisError(
                f"axis {axis} is out of bounds for array of dimension 0")
        axis = _norm_axis(axis, arr.ndim)
        if arr.ndim == 1:
            if arr is x or ndmem.may_share_memory(arr, x):
                arr = arr.copy()
            self._core.shuffle(arr)
            return arr
        idx = ndmem.arange(arr.shape[axis], dtype="intp")
        self._core.shuffle(idx)
        return _take(arr, idx, axis)


def _norm_axis(axis, ndim):
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise ndmem.exceptions.AxisError(
            f"axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim


def _take(arr, idx, axis):
    key = (slice(None),) * axis + (idx,)
    return arr[key]


def default_rng(seed=None):
    """A Generator over PCG64, seeded as NumPy's ``default_rng``.

    Parameters
    ----------
    seed : None, int, sequence of int, SeedSequence, BitGenerator or Generator
        A Generator is returned unaltered; a BitGenerator is wrapped.

    Returns
    -------
    Generator
    """
    if isinstance(seed, Generator):
        return seed
    if isinstance(seed, BitGenerator):
        return Generator(seed)
    return Generator(PCG64(seed))
