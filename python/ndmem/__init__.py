"""ndmem: a NumPy-compatible n-dimensional array for seeing and controlling memory.

``import ndmem as np`` runs NumPy code; ``ndmem.memory`` shows what NumPy
cannot: exact live bytes, peaks, and which views pin a buffer.
"""

from ndmem._core import *  # noqa: F401,F403  (every public name of the C core)
# The core's placeholder: NumPy 2 has AxisError only as numpy.exceptions.AxisError.
del AxisError  # noqa: F821
from ndmem._ufunc_config import *  # noqa: F401,F403
from ndmem._dtypeinfo import *  # noqa: F401,F403
from ndmem._creation import *  # noqa: F401,F403
from ndmem._print import *  # noqa: F401,F403
from ndmem._shape import *  # noqa: F401,F403
from ndmem._ufunclike import *  # noqa: F401,F403
from ndmem._reduce import *  # noqa: F401,F403
from ndmem._sort import *  # noqa: F401,F403
from ndmem._order_stats import *  # noqa: F401,F403
from ndmem._linalg import *  # noqa: F401,F403
from ndmem._numeric import *  # noqa: F401,F403
from ndmem._evaluate import evaluate  # noqa: F401
from ndmem import memory  # noqa: F401
from ndmem.memory import stats as memory_stats  # noqa: F401
from ndmem.npyio import *  # noqa: F401,F403  (memmap, fromfile, save/load)
from ndmem import random  # noqa: F401

__version__ = "0.1.0"


def load_ipython_extension(ipython):
    """``%load_ext ndmem``: the %memit and %%memtrack magics."""
    from ndmem._ipython import load_ipython_extension as load
    load(ipython)
