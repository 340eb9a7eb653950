"""ndmem.random: NumPy's random API, with the generation loops in C.

``default_rng(seed)`` returns a Generator over PCG64 whose streams equal
NumPy's for the same seed; the module-level legacy functions (rand, randn,
randint, ...) draw from a global RandomState over MT19937, seeded with
``seed()`` as NumPy's global state is.
"""

from ndmem.random._bitgen import MT19937, PCG64, BitGenerator, SeedSequence
from ndmem.random._generator import Generator, default_rng
from ndmem.random._legacy import RandomState

__all__ = [
    "BitGenerator", "Generator", "MT19937", "PCG64", "RandomState", "SeedSequence",
    "bytes", "choice", "default_rng", "exponential", "get_state", "normal", "permutation", "rand",
    "randint", "randn", "random", "random_sample", "sample", "ranf", "seed", "set_state",
    "shuffle", "standard_exponential", "standard_normal", "uniform",
]

_rand = RandomState()

seed = _rand.seed
get_state = _rand.get_state
set_state = _rand.set_state
rand = _rand.rand
randn = _rand.randn
randint = _rand.randint
random = _rand.random_sample
random_sample = _rand.random_sample
sample = _rand.random_sample
ranf = _rand.random_sample
uniform = _rand.uniform
normal = _rand.normal
standard_normal = _rand.standard_normal
standard_exponential = _rand.standard_exponential
exponential = _rand.exponential
choice = _rand.choice
bytes = _rand.bytes
shuffle = _rand.shuffle
permutation = _rand.permutation
