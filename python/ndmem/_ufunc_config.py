"""Floating-point error handling of the ufuncs (NumPy's ``_ufunc_config``).

The state is a context variable owned by the C core (``_core._errstate_var``)
holding ``(divide, over, under, invalid, callback, bufsize)``; the C side
reads it only when a kernel raised a floating-point flag or a loop needs
buffers, so plain calls pay nothing.  As in NumPy 2, ``errstate`` is context-local (threads and asyncio
tasks each see their own), and ``seterr`` changes the current context.
"""

import functools
import operator

from ndmem._core import _errstate_var

__all__ = ["seterr", "geterr", "seterrcall", "geterrcall", "errstate", "setbufsize",
           "getbufsize"]

_MODES = ("ignore", "warn", "raise", "call", "print", "log")
_KEYS = ("divide", "over", "under", "invalid")


class _Unspecified:
    pass


_unspecified = _Unspecified()


def _mode_number(mode):
    try:
        return _MODES.index(mode)
    except ValueError:
        raise ValueError(f"invalid error mode {mode!r}") from None


def _updated(state, all=None, divide=None, over=None, under=None, invalid=None,
             call=_unspecified):
    modes = list(state[:4])
    for i, value in enumerate((divide, over, under, invalid)):
        value = value if value is not None else all
        if value is not None:
            modes[i] = _mode_number(value)
    callback = state[4]
    if call is not _unspecified:
        if call is not None and not callable(call) and not callable(
                getattr(call, "write", None)):
            raise TypeError("python object must be callable or have a callable "
                            "write method")
        callback = call
    return (*modes, callback, state[5])


def _as_dict(state):
    return {key: _MODES[state[i]] for i, key in enumerate(_KEYS)}


def seterr(all=None, divide=None, over=None, under=None, invalid=None):
    """
    Set how floating-point errors are handled.

    Parameters
    ----------
    all : {'ignore', 'warn', 'raise', 'call', 'print', 'log'}, optional
        Set treatment for all types of floating-point errors at once.
    divide, over, under, invalid : str, optional
        Treatment for division by zero, overflow, underflow and invalid
        operations.

    Returns
    -------
    old_settings : dict
        Dictionary containing the old settings.
    """
    old = _errstate_var.get()
    _errstate_var.set(_updated(old, all, divide, over, under, invalid))
    return _as_dict(old)


def geterr():
    """
    Get the current way of handling floating-point errors.

    Returns
    -------
    res : dict
        Keys 'divide', 'over', 'under', 'invalid'; values one of 'ignore',
        'warn', 'raise', 'call', 'print', 'log'.
    """
    return _as_dict(_errstate_var.get())


def seterrcall(func):
    """
    Set the floating-point error callback function or log object.

    Parameters
    ----------
    func : callable f(err, flag) or object with write method
        Called for errors whose mode is 'call', or whose ``write`` method
        gets the message for mode 'log'.

    Returns
    -------
    h : callable, log instance or None
        The old error handler.
    """
    old = _errstate_var.get()
    _errstate_var.set(_updated(old, call=func))
    return old[4]


def geterrcall():
    """
    Return the current callback function used on floating-point errors.

    Returns
    -------
    errobj : callable, log instance or None
        The current error handler.
    """
    return _errstate_var.get()[4]


def setbufsize(size):
    """
    Set the size of the buffer used in ufuncs (elements per chunk when
    operands are cast).

    The setting belongs to the current context: leaving a ``with errstate():``
    block restores it.

    Parameters
    ----------
    size : int
        Size of buffer: a multiple of 16 between 16 and 10,000,000.

    Returns
    -------
    bufsize : int
        Previous size of ufunc buffer.
    """
    if size < 0:
        raise ValueError("buffer size must be non-negative")
    if isinstance(size, bool):
        raise TypeError("an integer is required")
    size = operator.index(size)
    if size > 10_000_000:
        raise ValueError(f"Buffer size, {size}, is too big")
    if size < 5:
        raise ValueError(f"Buffer size, {size}, is too small")
    if size % 16:
        raise ValueError(f"Buffer size, {size}, is not a multiple of 16")
    old = _errstate_var.get()
    _errstate_var.set((*old[:5], size))
    return old[5]


def getbufsize():
    """
    Return the size of the buffer used in ufuncs.

    Returns
    -------
    getbufsize : int
        Size of ufunc buffer.
    """
    return _errstate_var.get()[5]


class errstate:
    """
    errstate(**kwargs)

    Context manager for floating-point error handling.

    Using an instance of `errstate` as a context manager allows statements in
    that context to execute with a known error handling behavior.  It can
    also decorate a function.  Changes are local to the current context
    (thread or asyncio task).

    Parameters
    ----------
    call : callable or object with write method, optional
        The error callback (see `seterrcall`).
    all, divide, over, under, invalid : str, optional
        As for `seterr`.
    """

    __slots__ = ("_call", "_all", "_divide", "_over", "_under", "_invalid", "_token")

    def __init__(self, *, call=_unspecified, all=None, divide=None, over=None,
                 under=None, invalid=None):
        self._token = None
        self._call = call
        self._all = all
        self._divide = divide
        self._over = over
        self._under = under
        self._invalid = invalid

    def __enter__(self):
        if self._token is not None:
            raise TypeError("Cannot enter `np.errstate` twice.")
        new = _updated(_errstate_var.get(), self._all, self._divide, self._over,
                       self._under, self._invalid, self._call)
        self._token = _errstate_var.set(new)

    def __exit__(self, *exc_info):
        # the token stays: an instance is entered once, as NumPy's
        _errstate_var.reset(self._token)

    def __call__(self, func):
        @functools.wraps(func)
        def inner(*args, **kwargs):
            new = _updated(_errstate_var.get(), self._all, self._divide, self._over,
                           self._under, self._invalid, self._call)
            token = _errstate_var.set(new)
            try:
                return func(*args, **kwargs)
            finally:
                _errstate_var.reset(token)
        return inner


# NumPy reports these as numpy.errstate etc.
errstate.__module__ = seterr.__module__ = geterr.__module__ = "ndmem"
seterrcall.__module__ = geterrcall.__module__ = "ndmem"
setbufsize.__module__ = getbufsize.__module__ = "ndmem"
