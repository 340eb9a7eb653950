"""Array creation helpers written in Python (the hot constructors are C)."""

from ndmem import _core

__all__ = ["identity", "require"]


def identity(n, dtype=None, *, like=None):
    """Return the identity array: a square array with ones on the main diagonal."""
    return _core.eye(n, dtype=dtype)


_POSSIBLE_FLAGS = {
    "C": "C", "C_CONTIGUOUS": "C", "CONTIGUOUS": "C",
    "F": "F", "F_CONTIGUOUS": "F", "FORTRAN": "F",
    "A": "A", "ALIGNED": "A",
    "W": "W", "WRITEABLE": "W",
    "O": "O", "OWNDATA": "O",
    "E": "E", "ENSUREARRAY": "E",
}

_FLAG_NAMES = {"C": "C_CONTIGUOUS", "F": "F_CONTIGUOUS", "A": "ALIGNED",
               "W": "WRITEABLE", "O": "OWNDATA"}


def require(a, dtype=None, requirements=None, *, like=None):
    """Return an array that satisfies the requirements (C, F, A, W, O, E)."""
    if not requirements:
        return _core.asanyarray(a, dtype=dtype)
    requirements = {_POSSIBLE_FLAGS[x.upper()] for x in requirements}
    if "E" in requirements:
        requirements.remove("E")
        subok = False
    else:
        subok = True
    order = "A"
    if requirements >= {"C", "F"}:
        raise ValueError('Cannot specify both "C" and "F" order')
    elif "C" in requirements:
        order = "C"
        requirements.remove("C")
    elif "F" in requirements:
        order = "F"
        requirements.remove("F")
    arr = _core.array(a, dtype=dtype, order=order, copy=None, subok=subok)
    for prop in requirements:
        if not _flag(arr, prop):
            return _core.array(arr, order=order, copy=True, subok=subok)
    return arr


def _flag(arr, prop):
    flags = arr.flags
    try:
        return bool(flags[_FLAG_NAMES[prop]])
    except TypeError:
        return bool(getattr(flags, _FLAG_NAMES[prop].lower()))
