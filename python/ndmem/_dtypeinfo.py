"""iinfo and finfo: machine limits of the integer and floating types, as
numpy.iinfo / numpy.finfo (numpy/_core/getlimits.py)."""
import math

from ndmem._core import dtype as _dtype

__all__ = ['iinfo', 'finfo']


def _to_dtype(obj):
    try:
        return _dtype(obj)
    except TypeError:
        pass
    d = getattr(obj, 'dtype', None)
    if isinstance(d, _dtype):
        return d
    return _dtype(type(obj))


class iinfo:
    """Machine limits for integer types (numpy.iinfo)."""

    def __init__(self, int_type):
        self.dtype = _to_dtype(int_type)
        self.kind = self.dtype.kind
        self.bits = self.dtype.itemsize * 8
        self.key = "%s%d" % (self.kind, self.bits)
        if self.kind not in 'iu':
            raise ValueError(f"Invalid integer data type {self.kind!r}.")

    @property
    def min(self):
        """Minimum value of given dtype."""
        if self.kind == 'u':
            return 0
        return int(-(1 << (self.bits - 1)))

    @property
    def max(self):
        """Maximum value of given dtype."""
        if self.kind == 'u':
            return int((1 << self.bits) - 1)
        return int((1 << (self.bits - 1)) - 1)

    def __str__(self):
        fmt = (
            'Machine parameters for %(dtype)s\n'
            '---------------------------------------------------------------\n'
            'min = %(min)s\n'
            'max = %(max)s\n'
            '---------------------------------------------------------------\n'
        )
        return fmt % {'dtype': self.dtype, 'min': self.min, 'max': self.max}

    def __repr__(self):
        return "%s(min=%s, max=%s, dtype=%s)" % (self.__class__.__name__,
                                                 self.min, self.max, self.dtype)


# (nmant, minexp, maxexp, precision, repr format) of the IEEE types
_FLOAT_PARAMS = {
    'float16': (10, -14, 16, 3, '%12.5e'),
    'float32': (23, -126, 128, 6, '%15.7e'),
    'float64': (52, -1022, 1024, 15, '%24.16e'),
}
_TO_REAL = {'complex64': 'float32', 'complex128': 'float64'}


class finfo:
    """Machine limits for floating point types (numpy.finfo)."""

    _cache = {}

    def __new__(cls, dtype):
        try:
            obj = cls._cache.get(dtype)
            if obj is not None:
                return obj
        except TypeError:
            pass
        dt = _to_dtype(dtype)
        if dt.kind not in 'fc':
            raise ValueError(f"data type {dt.type!r} not inexact")
        name = _TO_REAL.get(dt.name, dt.name)
        obj = cls._cache.get(name)
        if obj is None:
            obj = object.__new__(cls)._init(_dtype(name))
            cls._cache[name] = obj
        try:
            cls._cache[dtype] = obj
        except TypeError:
            pass
        return obj

    def _init(self, dt):
        self.dtype = dt
        self.bits = dt.itemsize * 8
        nmant, minexp, maxexp, precision, fmt = _FLOAT_PARAMS[dt.name]
        t = dt.type
        self._fmt_repr = fmt
        self._fmt = None
        self._repr = None
        self.nmant = nmant
        self.minexp = minexp
        self.maxexp = maxexp
        self.precision = precision
        self.eps = t(2.0 ** -nmant)
        self.epsneg = t(2.0 ** -(nmant + 1))
        self.max = t((2.0 - 2.0 ** -nmant) * 2.0 ** (maxexp - 1))
        self.min = t(-(2.0 - 2.0 ** -nmant) * 2.0 ** (maxexp - 1))
        self.smallest_normal = t(2.0 ** minexp)
        self.tiny = self.smallest_normal
        self.smallest_subnormal = t(2.0 ** (minexp - nmant))
        self.resolution = t(10) ** -precision
        self.machep = int(math.log2(2.0 ** -nmant))
        self.negep = int(math.log2(2.0 ** -(nmant + 1)))
        self.nexp = math.ceil(math.log2(maxexp - minexp + 2))
        self.iexp = math.ceil(math.log2(maxexp - minexp))
        return self

    def __str__(self):
        if self._fmt is not None:
            return self._fmt
        min_ = "-max" if -self.min == self.max else str(self.min)
        v = {k: str(getattr(self, k)) for k in
             ['precision', 'resolution', 'machep', 'eps', 'negep', 'epsneg', 'minexp',
              'tiny', 'maxexp', 'max', 'nexp', 'smallest_normal', 'smallest_subnormal']}
        fmt = (
            'Machine parameters for ' + str(self.dtype) + '\n'
            '---------------------------------------------------------------\n'
            'precision = {precision}   resolution = {resolution}\n'
            'machep = {machep}   eps =        {eps}\n'
            'negep =  {negep}   epsneg =     {epsneg}\n'
            'minexp = {minexp}   tiny =       {tiny}\n'
            'maxexp = {maxexp}   max =        {max}\n'
            'nexp =   {nexp}   min =        {min_}\n'
            'smallest_normal = {smallest_normal}   '
            'smallest_subnormal = {smallest_subnormal}\n'
            '---------------------------------------------------------------\n'
        ).format(min_=min_, **v)
        self._fmt = fmt
        return fmt

    def __repr__(self):
        if self._repr is not None:
            return self._repr
        max_str = (self._fmt_repr % float(self.max)).strip()
        min_str = (self._fmt_repr % float(self.min)).strip()
        r = "%s(resolution=%s, min=%s, max=%s, dtype=%s)" % (
            self.__class__.__name__, str(self.resolution), min_str, max_str, self.dtype)
        self._repr = r
        return r
