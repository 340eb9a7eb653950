"""Array printing: repr/str/array2string and print options.

Reproduces NumPy 2.x's numpy/_core/arrayprint.py output character for
character, in pure Python and without importing numpy.  Floats are printed
with a port of NumPy's Dragon4 digit generator (shortest unique digits per
float width, precision cut-offs with IEEE unbiased rounding), done with
Python integers.

The formatter is duck-typed: it needs ``.shape``, ``.ndim``, ``.size``,
``.dtype`` (``kind``, ``name``, ``str``, ``char``, ``itemsize``, ``names``,
``fields``), ``tolist()`` and basic slicing/integer indexing along the first
axis.  Element values are handled as Python objects taken from ``tolist()``.
"""

import contextlib
import contextvars
import math
import numbers
import operator
import struct
import sys
import warnings

__all__ = ["array2string", "array_str", "array_repr",
           "set_printoptions", "get_printoptions", "printoptions",
           "format_float_positional", "format_float_scientific"]

# ---------------------------------------------------------------------------
# print options (a context variable, as NumPy's format_options)
# ---------------------------------------------------------------------------

_DEFAULTS = {
    "edgeitems": 3,
    "threshold": 1000,
    "floatmode": "maxprec",
    "precision": 8,
    "suppress": False,
    "linewidth": 75,
    "nanstr": "nan",
    "infstr": "inf",
    "sign": "-",
    "formatter": None,
    "legacy": sys.maxsize,      # stored as an int, as NumPy does
    "override_repr": None,
}

_options = contextvars.ContextVar("ndmem_format_options", default=_DEFAULTS)

_LEGACY_IN = {"1.13": 113, "1.21": 121, "1.25": 125, "2.1": 201, "2.2": 202}
_LEGACY_OUT = {113: "1.13", 121: "1.21", 125: "1.25", 201: "2.1", 202: "2.2",
               sys.maxsize: False}


def _make_options_dict(precision=None, threshold=None, edgeitems=None,
                       linewidth=None, suppress=None, nanstr=None, infstr=None,
                       sign=None, formatter=None, floatmode=None, legacy=None,
                       override_repr=None):
    options = {k: v for k, v in list(locals().items()) if v is not None}
    if suppress is not None:
        options["suppress"] = bool(suppress)
    modes = ["fixed", "unique", "maxprec", "maxprec_equal"]
    if floatmode not in modes + [None]:
        raise ValueError("floatmode option must be one of " +
                         ", ".join(f'"{m}"' for m in modes))
    if sign not in [None, "-", "+", " "]:
        raise ValueError("sign option must be one of ' ', '+', or '-'")
    if legacy is False:
        options["legacy"] = sys.maxsize
    elif legacy == False:  # noqa: E712
        warnings.warn(f"Passing `legacy={legacy!r}` is deprecated.",
                      FutureWarning, stacklevel=3)
        options["legacy"] = sys.maxsize
    elif legacy is None:
        pass
    elif isinstance(legacy, str) and legacy in _LEGACY_IN:
        options["legacy"] = _LEGACY_IN[legacy]
    else:
        options.pop("legacy", None)
        warnings.warn(
            "legacy printing option can currently only be '1.13', '1.21', "
            "'1.25', '2.1', '2.2' or `False`", stacklevel=3)
    if threshold is not None:
        if not isinstance(threshold, numbers.Number):
            raise TypeError("threshold must be numeric")
        if threshold != threshold:
            raise ValueError("threshold must be non-NAN, try "
                             "sys.maxsize for untruncated representation")
    if precision is not None:
        try:
            options["precision"] = operator.index(precision)
        except TypeError as e:
            raise TypeError("precision must be an integer") from e
    return options


def set_printoptions(precision=None, threshold=None, edgeitems=None,
                     linewidth=None, suppress=None, nanstr=None,
                     infstr=None, formatter=None, sign=None, floatmode=None,
                     *, legacy=None, override_repr=None):
    """Set printing options (same parameters and semantics as NumPy's)."""
    _set_printoptions(precision, threshold, edgeitems, linewidth, suppress,
                      nanstr, infstr, formatter, sign, floatmode,
                      legacy=legacy, override_repr=override_repr)


def _set_printoptions(precision=None, threshold=None, edgeitems=None,
                      linewidth=None, suppress=None, nanstr=None,
                      infstr=None, formatter=None, sign=None, floatmode=None,
                      *, legacy=None, override_repr=None):
    new_opt = _make_options_dict(precision, threshold, edgeitems, linewidth,
                                 suppress, nanstr, infstr, sign, formatter,
                                 floatmode, legacy)
    # formatter and override_repr are always reset
    new_opt["formatter"] = formatter
    new_opt["override_repr"] = override_repr
    updated = dict(_options.get())
    updated.update(new_opt)
    if updated["legacy"] == 113:
        updated["sign"] = "-"
    return _options.set(updated)


def get_printoptions():
    """Return the current print options as a new dict."""
    opts = dict(_options.get())
    opts["legacy"] = _LEGACY_OUT[opts["legacy"]]
    return opts


@contextlib.contextmanager
def printoptions(*args, **kwargs):
    """Context manager setting print options for the ``with`` block."""
    token = _set_printoptions(*args, **kwargs)
    try:
        yield get_printoptions()
    finally:
        _options.reset(token)


# ---------------------------------------------------------------------------
# Dragon4 (port of numpy/_core/src/multiarray/dragon4.c, with Python ints)
# ---------------------------------------------------------------------------

# itemsize -> (struct float code, struct uint code, mantissa bits, exp bits)
_FLOAT_LAYOUT = {2: ("<e", "<H", 10, 5), 4: ("<f", "<I", 23, 8),
                 8: ("<d", "<Q", 52, 11)}
_LOG10_2 = 0.30102999566398119521373889472449
_BUFFER = 16383


def _decompose(x, size):
    """(negative, mantissa, exponent, mantissa_bit, unequal) or
    (negative, None, 'inf'/'nan', ...) for a value of the given float width."""
    ff, uf, mbits, ebits = _FLOAT_LAYOUT[size]
    bits = struct.unpack(uf, struct.pack(ff, x))[0]
    mant = bits & ((1 << mbits) - 1)
    fexp = (bits >> mbits) & ((1 << ebits) - 1)
    neg = bool(bits >> (mbits + ebits))
    if fexp == (1 << ebits) - 1:
        return neg, None, ("inf" if mant == 0 else "nan"), 0, False
    bias = (1 << (ebits - 1)) - 1
    if fexp != 0:
        return (neg, (1 << mbits) | mant, fexp - bias - mbits, mbits,
                fexp != 1 and mant == 0)
    return neg, mant, 1 - bias - mbits, max(mant.bit_length() - 1, 0), False


def _dragon4(m, e, mbit, unequal, unique, fractional, cutoff_max, cutoff_min,
             bufsize=_BUFFER):
    """Digits (str) and the base-10 exponent of the first digit."""
    if m == 0:
        return "0", 0
    even = (m & 1) == 0
    if unequal:
        if e > 0:
            value, scale, mlow = m << (e + 2), 4, 1 << e
        else:
            value, scale, mlow = m << 2, 1 << (2 - e), 1
    else:
        if e > 0:
            value, scale, mlow = m << (e + 1), 2, 1 << e
        else:
            value, scale, mlow = m << 1, 1 << (1 - e), 1
    hmul = 2 if unequal else 1

    dexp = math.ceil(float(mbit + e) * _LOG10_2 - 0.69)
    if cutoff_max >= 0 and fractional and dexp <= -cutoff_max:
        dexp = -cutoff_max + 1
    if dexp > 0:
        scale *= 10 ** dexp
    elif dexp < 0:
        p = 10 ** (-dexp)
        value *= p
        mlow *= p
    if value >= scale:
        dexp += 1
    else:
        value *= 10
        mlow *= 10

    cmax = dexp - bufsize
    if cutoff_max >= 0:
        want = (-cutoff_max) if fractional else (dexp - cutoff_max)
        if want > cmax:
            cmax = want
    cmin = dexp
    if cutoff_min >= 0:
        want = (-cutoff_min) if fractional else (dexp - cutoff_min)
        if want < cmin:
            cmin = want
    out_exp = dexp - 1

    digits = []
    if unique:
        while True:
            dexp -= 1
            d, value = divmod(value, scale)
            mhigh = mlow * hmul
            if even:
                low = value <= mlow
                high = value + mhigh >= scale
            else:
                low = value < mlow
                high = value + mhigh > scale
            if ((low or high) and dexp <= cmin) or dexp == cmax:
                break
            digits.append(d)
            value *= 10
            mlow *= 10
    else:
        low = high = False
        while True:
            dexp -= 1
            d, value = divmod(value, scale)
            if value == 0 or dexp == cmax:
                break
            digits.append(d)
            value *= 10

    round_down = low
    if low == high:
        c = 2 * value - scale
        round_down = c < 0
        if c == 0:
            round_down = (d & 1) == 0
    if round_down:
        digits.append(d)
    elif d == 9:
        while digits and digits[-1] == 9:
            digits.pop()
        if digits:
            digits[-1] += 1
        else:
            digits = [1]
            out_exp += 1
    else:
        digits.append(d + 1)
    return "".join(map(str, digits)), out_exp


def _pow10_ratio(p, q, k):
    """p/q * 10**k as an exact fraction (numerator, denominator)."""
    return (p * 10 ** k, q) if k >= 0 else (p, q * 10 ** -k)


def _digits_float64(x, unique, fractional, cutoff_max, cutoff_min, bufsize):
    """What _dragon4 returns for a positive finite float64 ``x``, found with
    one exact division (and Python's shortest repr, which is the digit string
    Dragon4's unique mode stops at) in place of the digit-by-digit loop; None
    for the rare cases only the loop settles (digits asked for past the
    shortest of an inexact value, values below a fractional cutoff)."""
    p, q = x.as_integer_ratio()
    e = math.floor(math.log10(x))          # the first digit's exponent, exactly:
    num, den = _pow10_ratio(p, q, -e)
    if num < den:
        e -= 1
    elif num >= 10 * den:
        e += 1
    if fractional and cutoff_max >= 0 and e + 1 <= -cutoff_max:
        return None
    cmax = e + 1 - bufsize
    if cutoff_max >= 0:
        cmax = max(cmax, -cutoff_max if fractional else e + 1 - cutoff_max)
    cmin = e + 1
    if cutoff_min >= 0:
        cmin = min(cmin, -cutoff_min if fractional else e + 1 - cutoff_min)
    if unique:
        mant, _, exp10 = repr(x).partition("e")
        whole, _, frac = mant.partition(".")
        all_digits = whole + frac
        lead = len(all_digits) - len(all_digits.lstrip("0"))
        shortest = all_digits[lead:].rstrip("0")
        first = len(whole) - 1 - lead + (int(exp10) if exp10 else 0)
        last = first - len(shortest) + 1
        if cmax <= last <= cmin:
            return shortest, first
        if last > cmin:
            num, den = _pow10_ratio(p, q, -cmin)
            if num % den or cmin < cmax:
                return None
            return str(num // den), e
    num, den = _pow10_ratio(p, q, -cmax)
    whole, rest = divmod(num, den)
    if rest == 0:
        return str(whole).rstrip("0"), e
    twice = 2 * rest
    if twice < den or (twice == den and whole % 2 == 0):
        return str(whole), e
    up = str(whole + 1)
    if len(up) > len(str(whole)):
        return "1", e + 1
    return up.rstrip("0") if whole % 10 == 9 else up, e


def _digits_float64_short(x, cutoff_max, cutoff_min):
    """_digits_float64(x, True, True, cutoff_max, cutoff_min, bufsize) for a
    positive finite float64 from its repr and one correctly rounded
    format() (both exact), without big-integer arithmetic; None when only
    _digits_float64 settles it (a shortest repr of "1", whose exponent may
    be one above the value's; digits past the cutoff's reach; a rounded
    string ending in 0, whose stripping depends on the rounding direction).

    The shortest repr's first digit is the value's own unless the repr is a
    power of ten; past the cutoff, format(x, '.Nf') rounds the exact value
    half to even, as the exact division does."""
    if cutoff_max < 0 or cutoff_max > 15000:
        return None
    mant, _, exp10 = repr(x).partition("e")
    whole, _, frac = mant.partition(".")
    if whole != "0":
        shortest = (whole + frac).rstrip("0")
        e = len(whole) - 1 + (int(exp10) if exp10 else 0)
    else:
        shortest = frac.lstrip("0")
        e = len(shortest) - len(frac) - 1
        shortest = shortest.rstrip("0")
    if shortest == "1":
        return None
    if e + 1 <= -cutoff_max:
        return None
    cmin = e + 1 if cutoff_min < 0 else min(e + 1, -cutoff_min)
    last = e - len(shortest) + 1
    if -cutoff_max <= last <= cmin:
        return shortest, e
    if last > cmin:
        return None
    digits = format(x, f".{cutoff_max}f").replace(".", "").lstrip("0")
    if digits.endswith("0"):
        return None
    return digits, e


def _format_positional(neg, sign, parts, unique, fractional, precision,
                       min_digits, trim, pad_left, pad_right):
    signch = "-" if neg else ("+" if sign else "")
    m, e, mbit, unequal, x64 = parts
    found = x64 and _digits_float64(x64, unique, fractional, precision, min_digits,
                                    _BUFFER - len(signch))
    digits, pexp = found or _dragon4(m, e, mbit, unequal, unique, fractional,
                                     precision, min_digits,
                                     _BUFFER - len(signch))
    return _place_positional(signch, digits, pexp, unique, fractional, precision,
                             min_digits, trim, pad_left, pad_right)


def _place_positional(signch, digits, pexp, unique, fractional, precision,
                      min_digits, trim, pad_left, pad_right):
    """Dragon4's positional text from its digits and first exponent."""
    nd = len(digits)
    if pexp >= 0:
        nwhole = pexp + 1
        if nd <= nwhole:
            s = digits + "0" * (nwhole - nd)
            nfrac = 0
        else:
            s = digits[:nwhole] + "." + digits[nwhole:]
            nfrac = nd - nwhole
    else:
        nwhole = 1
        zeros = -(pexp + 1)
        s = "0." + "0" * zeros + digits
        nfrac = zeros + nd
    if trim != "-" and nfrac == 0:
        s += "."
    add = min_digits if unique else precision
    desired = 0 if add < 0 else add
    if not fractional:
        desired = add - nwhole
    if trim == "0":
        if nfrac == 0:
            s += "0"
            nfrac = 1
    elif trim == "k" and desired > nfrac:
        s += "0" * (desired - nfrac)
        nfrac = desired
    if trim != "k" and nfrac > 0:
        stripped = s.rstrip("0")
        nfrac -= len(s) - len(stripped)
        s = stripped
        if s[-1] == ".":
            if trim == "0":
                s += "0"
                nfrac += 1
            elif trim == "-":
                s = s[:-1]
    if pad_right >= nfrac:
        if trim == "-" and nfrac == 0:
            s += " "
        s += " " * (pad_right - nfrac)
    s = signch + s
    if pad_left > nwhole + len(signch):
        s = " " * (pad_left - nwhole - len(signch)) + s
    return s


def _format_scientific(neg, sign, parts, unique, precision, min_digits, trim,
                       pad_left, exp_digits):
    signch = "-" if neg else ("+" if sign else "")
    m, e, mbit, unequal, x64 = parts
    lead = ""
    leftchars = 1 + len(signch)
    if pad_left > leftchars:
        lead = " " * (pad_left - leftchars)
    cutoffs = (-1 if precision < 0 else precision + 1,
               -1 if min_digits < 0 else min_digits + 1)
    found = x64 and _digits_float64(x64, unique, False, *cutoffs, _BUFFER)
    digits, pexp = found or _dragon4(m, e, mbit, unequal, unique, False, *cutoffs)
    s = digits[0]
    nfrac = len(digits) - 1
    if nfrac > 0:
        s += "." + digits[1:]
    if trim != "-" and nfrac == 0:
        s += "."
    add = min_digits if unique else precision
    add = 0 if add < 0 else add
    if trim == "0":
        if nfrac == 0:
            s += "0"
            nfrac = 1
    elif trim == "k":
        if add > nfrac:
            s += "0" * (add - nfrac)
            nfrac = add
    if trim != "k" and nfrac > 0:
        s = s.rstrip("0")
        if trim == "0" and s[-1] == ".":
            s += "0"
    if exp_digits > 5:
        exp_digits = 5
    if exp_digits < 0:
        exp_digits = 2
    esign = "+" if pexp >= 0 else "-"
    ed = str(abs(pexp)) if pexp != 0 else ""
    if len(ed) < exp_digits:
        ed = "0" * (exp_digits - len(ed)) + ed
    return lead + signch + s + "e" + esign + ed


def _dragon4_str(x, size, scientific, precision=-1, unique=True,
                 fractional=True, trim="k", sign=False, pad_left=-1,
                 pad_right=-1, exp_digits=-1, min_digits=-1):
    """NumPy's dragon4_positional / dragon4_scientific for a Python float
    holding a value of the given float width (2, 4 or 8 bytes)."""
    if not unique and precision < 0:
        raise TypeError("in non-unique mode `precision` must be supplied")
    neg, m, e, mbit, unequal = _decompose(x, size)
    if m is None:
        if e == "inf":
            return ("-" if neg else "+" if sign else "") + "inf"
        return "nan"
    parts = (m, e, mbit, unequal, abs(x) if size == 8 else None)
    if scientific:
        return _format_scientific(neg, sign, parts, unique, precision,
                                  min_digits, trim, pad_left, exp_digits)
    return _format_positional(neg, sign, parts, unique, fractional,
                              precision, min_digits, trim, pad_left,
                              pad_right)


def _positional64(x, precision, min_digits, trim, sign, pad_left, pad_right):
    """_dragon4_str(x, 8, False, precision, unique=True, fractional=True, ...)
    for a finite Python float: the array printer's common case, through
    _digits_float64_short when it settles the digits."""
    if x:
        neg = x < 0
        found = _digits_float64_short(-x if neg else x, precision, min_digits)
        if found is not None:
            return _place_positional("-" if neg else ("+" if sign else ""), *found, True,
                                     True, precision, min_digits, trim, pad_left,
                                     pad_right)
    return _dragon4_str(x, 8, False, precision=precision, min_digits=min_digits,
                        unique=True, fractional=True, trim=trim, sign=sign,
                        pad_left=pad_left, pad_right=pad_right)


def _none_or_positive_arg(x, name):
    if x is None:
        return -1
    if x < 0:
        raise ValueError(f"{name} must be >= 0")
    return x


_SCALAR_WIDTH = {"float16": 2, "half": 2, "float32": 4, "single": 4,
                 "float64": 8, "double": 8}


def _float_width(x):
    """Bytes of the float type of x (2, 4, 8) and x as a Python float."""
    size = _SCALAR_WIDTH.get(type(x).__name__)
    if size is not None:
        return size, float(x)
    if isinstance(x, float):
        return 8, float(x)
    try:
        dt = getattr(x, "dtype", None)
    except Exception:
        dt = None
    if dt is not None and getattr(dt, "kind", None) == "f":
        size = dt.itemsize if dt.itemsize in _FLOAT_LAYOUT else 8
        return size, float(x)
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        if not hasattr(x, "__float__"):
            raise TypeError("must be real number, not " + type(x).__name__)
    return 8, float(x)


def format_float_scientific(x, precision=None, unique=True, trim='k',
                            sign=False, pad_left=None, exp_digits=None,
                            min_digits=None):
    """Format a floating-point scalar in scientific notation (Dragon4)."""
    precision = _none_or_positive_arg(precision, "precision")
    pad_left = _none_or_positive_arg(pad_left, "pad_left")
    exp_digits = _none_or_positive_arg(exp_digits, "exp_digits")
    min_digits = _none_or_positive_arg(min_digits, "min_digits")
    if min_digits > 0 and precision > 0 and min_digits > precision:
        raise ValueError("min_digits must be less than or equal to precision")
    _check_trim_unique(trim, unique, precision)
    size, v = _float_width(x)
    return _dragon4_str(v, size, True, precision=precision, unique=unique,
                        trim=trim, sign=bool(sign), pad_left=pad_left,
                        exp_digits=exp_digits, min_digits=min_digits)


def format_float_positional(x, precision=None, unique=True,
                            fractional=True, trim='k', sign=False,
                            pad_left=None, pad_right=None, min_digits=None):
    """Format a floating-point scalar in positional notation (Dragon4)."""
    precision = _none_or_positive_arg(precision, "precision")
    pad_left = _none_or_positive_arg(pad_left, "pad_left")
    pad_right = _none_or_positive_arg(pad_right, "pad_right")
    min_digits = _none_or_positive_arg(min_digits, "min_digits")
    if not fractional and precision == 0:
        raise ValueError("precision must be greater than 0 if "
                         "fractional=False")
    if min_digits > 0 and precision > 0 and min_digits > precision:
        raise ValueError("min_digits must be less than or equal to precision")
    _check_trim_unique(trim, unique, precision)
    size, v = _float_width(x)
    return _dragon4_str(v, size, False, precision=precision, unique=unique,
                        fractional=bool(fractional), trim=trim,
                        sign=bool(sign), pad_left=pad_left,
                        pad_right=pad_right, min_digits=min_digits)


def _check_trim_unique(trim, unique, precision):
    if trim not in ("k", ".", "0", "-"):
        raise TypeError("if supplied, trim must be 'k', '.', '0' or '-' "
                        f"found `{trim}`")
    if not unique and precision < 0:
        raise TypeError("in non-unique mode `precision` must be supplied")


# ---------------------------------------------------------------------------
# scalar str (what str(np.float32(x)) etc. give; used for 0-d arrays)
# ---------------------------------------------------------------------------

def _float_scalar_str(v, size, legacy=None):
    if legacy is None:
        legacy = _options.get()["legacy"]
    if legacy <= 113:
        return _legacy_float_str(v, size)
    if legacy <= 202:
        maxpos = 1e16
    else:
        maxpos = {2: 1e3, 4: 1e6}.get(size, 1e16)
    if v != v or v == 0 or (1e-4 <= abs(v) < maxpos):
        return _dragon4_str(v, size, False, trim="0")
    return _dragon4_str(v, size, True, trim="-")


def _legacy_float_str(v, size):
    prec = {2: 5, 4: 6}.get(size, 12)
    if v != v:
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    s = "%.*g" % (prec, v)
    if s.lstrip("-").isdigit():
        s += ".0"
    return s


def _float_either(v, size, trim_pos, trim_sci, sign):
    legacy = _options.get()["legacy"]
    maxpos = 1e16 if legacy <= 202 else {2: 1e3, 4: 1e6}.get(size, 1e16)
    if v != v or v == 0 or (1e-4 <= abs(v) < maxpos):
        return _dragon4_str(v, size, False, trim=trim_pos, sign=sign)
    return _dragon4_str(v, size, True, trim=trim_sci, sign=sign)


def _complex_scalar_str(c, size):
    re_, im = c.real, c.imag
    if re_ == 0.0 and math.copysign(1.0, re_) > 0:
        return _float_either(im, size, "-", "-", False) + "j"
    if math.isfinite(re_):
        rs = _float_either(re_, size, "-", "-", False)
    elif re_ != re_:
        rs = "nan"
    else:
        rs = "inf" if re_ > 0 else "-inf"
    if math.isfinite(im):
        ims = _float_either(im, size, "-", "-", True)
    elif im != im:
        ims = "+nan"
    else:
        ims = "+inf" if im > 0 else "-inf"
    return f"({rs}{ims}j)"


def _void_to_hex(b, start="b'", end="'"):
    return start + "".join("\\x%02X" % c for c in b) + end


# ---------------------------------------------------------------------------
# element formatters
# ---------------------------------------------------------------------------

def _to_width(v, size):
    """Round a Python float to the given float width (inf on overflow)."""
    if size == 8 or v != v or math.isinf(v):
        return v
    try:
        return struct.unpack(_FLOAT_LAYOUT[size][0],
                             struct.pack(_FLOAT_LAYOUT[size][0], v))[0]
    except OverflowError:
        return math.copysign(math.inf, v)


def _signbit(v):
    return math.copysign(1.0, v) < 0


class FloatingFormat:
    """Formatter for float values (NumPy's FloatingFormat)."""

    def __init__(self, data, precision, floatmode, suppress_small, sign=False,
                 *, legacy=None, size=8, is0d=False):
        if isinstance(sign, bool):
            sign = "+" if sign else "-"
        self._legacy = sys.maxsize if legacy is None else legacy
        self._size = size
        if self._legacy <= 113:
            if not is0d and sign == "-":
                sign = " "
        self.floatmode = floatmode
        if floatmode == "unique":
            self.precision = None
        else:
            self.precision = precision
        self.precision = _none_or_positive_arg(self.precision, "precision")
        self.suppress_small = suppress_small
        self.sign = sign
        self.exp_format = False
        self.large_exponent = False
        self._digits = None
        self.fillFormat(data)

    def fillFormat(self, data):
        size = self._size
        finite = [v for v in data if math.isfinite(v)]
        abs_nz = [abs(v) for v in finite if v != 0]
        if abs_nz:
            max_val = max(abs_nz)
            min_val = min(abs_nz)
            if self._legacy <= 202:
                cutoff = 1.e8
            else:
                cutoff = {2: 1.e3, 4: 1.e6}.get(size, 1.e8)
            if max_val >= cutoff:
                self.exp_format = True
            elif not self.suppress_small:
                try:
                    ratio = max_val / min_val
                except OverflowError:
                    ratio = math.inf
                if (min_val < _to_width(0.0001, size)
                        or _to_width(ratio, size) > 1000.):
                    self.exp_format = True

        if not finite:
            self.pad_left = 0
            self.pad_right = 0
            self.trim = "."
            self.exp_size = -1
            self.unique = True
            self.min_digits = None
        elif self.exp_format:
            trim, unique = ".", True
            if self.floatmode == "fixed" or self._legacy <= 113:
                trim, unique = "k", False
            int_len = frac_len = exp_len = 0
            for x in finite:
                s = _dragon4_str(x, size, True, precision=self.precision,
                                 unique=unique, trim=trim,
                                 sign=self.sign == "+")
                mant, _, ex = s.partition("e")
                ip, _, fp = mant.partition(".")
                int_len = max(int_len, len(ip))
                frac_len = max(frac_len, len(fp))
                exp_len = max(exp_len, len(ex))
            self.exp_size = exp_len - 1
            self.trim = "k"
            self.precision = frac_len
            self.min_digits = self.precision
            self.unique = unique
            if self._legacy <= 113:
                self.pad_left = 3
            else:
                self.pad_left = int_len
            self.pad_right = self.exp_size + 2 + self.precision
        else:
            trim, unique = ".", True
            if self.floatmode == "fixed":
                trim, unique = "k", False
            int_len = frac_len = 0
            slow = finite
            if size == 8 and unique and self._legacy > 113 and self.precision >= 0:
                int_len, frac_len, slow = self._measure64(finite)
            for x in slow:
                s = _dragon4_str(x, size, False, precision=self.precision,
                                 unique=unique, fractional=True, trim=trim,
                                 sign=self.sign == "+")
                ip, _, fp = s.partition(".")
                if self._legacy <= 113:
                    int_len = max(int_len, 1 + len(ip.lstrip("-+")))
                else:
                    int_len = max(int_len, len(ip))
                frac_len = max(frac_len, len(fp))
            self.pad_left = int_len
            self.pad_right = frac_len
            self.exp_size = -1
            self.unique = unique
            if self.floatmode in ["fixed", "maxprec_equal"]:
                self.precision = self.min_digits = self.pad_right
                self.trim = "k"
            else:
                self.trim = "."
                self.min_digits = 0

        if self._legacy > 113:
            if self.sign == " " and not any(_signbit(v) for v in finite):
                self.pad_left += 1

        if len(data) != len(finite):
            neginf = self.sign != "-" or any(
                v < 0 for v in data if math.isinf(v))
            offset = self.pad_right + 1
            cur = _options.get()
            self.pad_left = max(self.pad_left, len(cur["nanstr"]) - offset,
                                len(cur["infstr"]) + neginf - offset)

    def _measure64(self, finite):
        """(int_len, frac_len, rest) of the float64 values whose digits
        _digits_float64_short settles, measured from the digits (the text
        trim '.' gives has no trailing zeros); rest are left to
        _dragon4_str.  In 'maxprec' mode __call__ asks for the same digits
        (min_digits 0 instead of -1 only matters when the last digit is
        left of the point), so they are kept for it."""
        keep = {} if self.floatmode == "maxprec" else None
        sign = 1 if self.sign == "+" else 0
        int_len = frac_len = 0
        rest = []
        for x in finite:
            found = _digits_float64_short(-x if x < 0 else x, self.precision, -1) if x else None
            if found is None:
                rest.append(x)
                continue
            digits, e = found
            nd = len(digits)
            il = (e + 1 if e >= 0 else 1) + (1 if x < 0 else sign)
            fl = nd - e - 1
            if il > int_len:
                int_len = il
            if fl > frac_len:
                frac_len = fl
            if keep is not None and nd > e:
                keep[x] = found
        self._digits = keep
        return int_len, frac_len, rest

    def __call__(self, x):
        if not math.isfinite(x):
            cur = _options.get()
            if x != x:
                ret = ("+" if self.sign == "+" else "") + cur["nanstr"]
            else:
                ret = ("-" if x < 0 else "+" if self.sign == "+" else "") \
                    + cur["infstr"]
            return " " * (self.pad_left + self.pad_right + 1 - len(ret)) + ret
        md = -1 if self.min_digits is None else self.min_digits
        if self.exp_format:
            return _dragon4_str(x, self._size, True, precision=self.precision,
                                min_digits=md, unique=self.unique,
                                trim=self.trim, sign=self.sign == "+",
                                pad_left=self.pad_left,
                                exp_digits=self.exp_size)
        if self._size == 8 and self.unique:
            found = self._digits.get(x) if self._digits is not None else None
            if found is not None:
                return _place_positional("-" if x < 0 else ("+" if self.sign == "+" else ""),
                                         *found, True, True, self.precision, md, self.trim,
                                         self.pad_left, self.pad_right)
            return _positional64(x, self.precision, md, self.trim, self.sign == "+",
                                 self.pad_left, self.pad_right)
        return _dragon4_str(x, self._size, False, precision=self.precision,
                            min_digits=md, unique=self.unique,
                            fractional=True, trim=self.trim,
                            sign=self.sign == "+", pad_left=self.pad_left,
                            pad_right=self.pad_right)


class ComplexFloatingFormat:
    """Formatter for complex values (NumPy's ComplexFloatingFormat)."""

    def __init__(self, data, precision, floatmode, suppress_small,
                 sign=False, *, legacy=None, size=8, is0d=False):
        if isinstance(sign, bool):
            sign = "+" if sign else "-"
        legacy = sys.maxsize if legacy is None else legacy
        fm_real = fm_imag = floatmode
        if legacy <= 113:
            fm_real, fm_imag = "maxprec_equal", "maxprec"
        self.real_format = FloatingFormat(
            [c.real for c in data], precision, fm_real, suppress_small,
            sign=sign, legacy=legacy, size=size, is0d=is0d)
        self.imag_format = FloatingFormat(
            [c.imag for c in data], precision, fm_imag, suppress_small,
            sign="+", legacy=legacy, size=size, is0d=is0d)

    def __call__(self, x):
        r = self.real_format(x.real)
        i = self.imag_format(x.imag)
        sp = len(i.rstrip())
        return r + i[:sp] + "j" + i[sp:]


class IntegerFormat:
    def __init__(self, data, sign="-"):
        if data:
            data_max = max(data)
            data_min = min(data)
            max_len = len(str(data_max))
            if sign == " " and data_min < 0:
                sign = "-"
            if data_max >= 0 and sign in "+ ":
                max_len += 1
            max_len = max(max_len, len(str(data_min)))
        else:
            max_len = 0
        self.format = f"{{:{sign}{max_len}d}}"

    def __call__(self, x):
        return self.format.format(x)


class BoolFormat:
    def __init__(self, data, is0d=False):
        self.truestr = "True" if is0d else " True"

    def __call__(self, x):
        return self.truestr if x else "False"


def _repr_format(x):
    return repr(x)


def _str_format(x):
    if isinstance(x, (bytes, bytearray)):
        return _void_to_hex(x)
    return str(x)


def _object_format(o):
    if type(o) is list:
        return f"list({o!r})"
    return repr(o)


class SubArrayFormat:
    def __init__(self, format_function, threshold, edgeitems, size):
        self.format_function = format_function
        self.threshold = threshold
        self.edge_items = edgeitems
        self.size = size

    def __call__(self, a):
        self.summary_insert = "..." if self.size > self.threshold else ""
        return self.format_array(_as_nested(a))

    def format_array(self, a):
        if not isinstance(a, list):
            return self.format_function(a)
        if self.summary_insert and len(a) > 2 * self.edge_items:
            formatted = (
                [self.format_array(x) for x in a[:self.edge_items]]
                + [self.summary_insert]
                + [self.format_array(x) for x in a[-self.edge_items:]])
        else:
            formatted = [self.format_array(x) for x in a]
        return "[" + ", ".join(formatted) + "]"


class StructuredVoidFormat:
    def __init__(self, format_functions):
        self.format_functions = format_functions

    def __call__(self, x):
        fields = [f(v) for v, f in zip(x, self.format_functions)]
        if len(fields) == 1:
            return f"({fields[0]},)"
        return f"({', '.join(fields)})"


class _ScalarStr:
    """The ``str`` of NumPy scalars of one dtype, used as float_kind
    formatter for structured scalars."""

    def __init__(self, dtype):
        self.kind = dtype.kind
        self.size = _float_size(dtype)

    def __call__(self, x):
        if self.kind == "f":
            return _float_scalar_str(x, self.size)
        return str(x)


# ---------------------------------------------------------------------------
# dtype helpers (duck-typed)
# ---------------------------------------------------------------------------

def _float_size(dtype):
    size = dtype.itemsize
    if dtype.kind == "c":
        size //= 2
    return size if size in _FLOAT_LAYOUT else 8


def _names(dtype):
    return getattr(dtype, "names", None)


def _field_dtype(dtype, name):
    return dtype.fields[name][0]


def _subshape(dtype):
    shp = getattr(dtype, "shape", ())
    return tuple(shp) if shp else ()


def _as_nested(v):
    tl = getattr(v, "tolist", None)
    if tl is not None and not isinstance(v, (str, bytes)):
        try:
            return tl()
        except TypeError:
            return v
    return v


def _flatten(nested, depth, out):
    if depth == 0:
        out.append(nested)
    elif depth == 1:
        out.extend(nested)
    else:
        for sub in nested:
            _flatten(sub, depth - 1, out)
    return out


def _get_formatdict(data, dtype, is0d, *, precision, floatmode, suppress,
                    sign, legacy, formatter, **kwargs):
    size = _float_size(dtype) if dtype.kind in "fc" else 8
    formatdict = {
        "bool": lambda: BoolFormat(data, is0d),
        "int": lambda: IntegerFormat(data, sign),
        "float": lambda: FloatingFormat(
            data, precision, floatmode, suppress, sign, legacy=legacy,
            size=size, is0d=is0d),
        "longfloat": lambda: FloatingFormat(
            data, precision, floatmode, suppress, sign, legacy=legacy,
            size=size, is0d=is0d),
        "complexfloat": lambda: ComplexFloatingFormat(
            data, precision, floatmode, suppress, sign, legacy=legacy,
            size=size, is0d=is0d),
        "longcomplexfloat": lambda: ComplexFloatingFormat(
            data, precision, floatmode, suppress, sign, legacy=legacy,
            size=size, is0d=is0d),
        "datetime": lambda: _str_format,
        "timedelta": lambda: _str_format,
        "object": lambda: _object_format,
        "void": lambda: _str_format,
        "numpystr": lambda: _repr_format,
    }

    def indirect(x):
        return lambda: x

    if formatter is not None:
        fkeys = [k for k in formatter.keys() if formatter[k] is not None]
        if "all" in fkeys:
            for key in formatdict.keys():
                formatdict[key] = indirect(formatter["all"])
        if "int_kind" in fkeys:
            formatdict["int"] = indirect(formatter["int_kind"])
        if "float_kind" in fkeys:
            for key in ["float", "longfloat"]:
                f = formatter["float_kind"]
                if f is str:
                    f = _ScalarStr(dtype)
                formatdict[key] = indirect(f)
        if "complex_kind" in fkeys:
            for key in ["complexfloat", "longcomplexfloat"]:
                formatdict[key] = indirect(formatter["complex_kind"])
        if "str_kind" in fkeys:
            formatdict["numpystr"] = indirect(formatter["str_kind"])
        for key in formatdict.keys():
            if key in fkeys:
                formatdict[key] = indirect(formatter[key])
    return formatdict


def _get_format_function(data, dtype, is0d, **options):
    """Format function for the flat list ``data`` of values of ``dtype``."""
    kind = dtype.kind
    if kind == "V" and _names(dtype) is not None:
        return _structured_format(data, dtype, is0d, **options)
    fd = _get_formatdict(data, dtype, is0d, **options)
    if kind == "b":
        return fd["bool"]()
    if kind in "iu":
        return fd["int"]()
    if kind == "m":
        return fd["timedelta"]()
    if kind == "f":
        return fd["longfloat" if dtype.itemsize > 8 else "float"]()
    if kind == "c":
        return fd["longcomplexfloat" if dtype.itemsize > 16
                  else "complexfloat"]()
    if kind in "US":
        return fd["numpystr"]()
    if kind == "M":
        return fd["datetime"]()
    if kind == "O":
        return fd["object"]()
    if kind == "V":
        return fd["void"]()
    return fd["numpystr"]()


def _structured_format(data, dtype, is0d, **options):
    funcs = []
    for k, name in enumerate(dtype.names):
        fdt = _field_dtype(dtype, name)
        shp = _subshape(fdt)
        base = getattr(fdt, "base", fdt) if shp else fdt
        column = [rec[k] for rec in data]
        if shp:
            flat = []
            for v in column:
                _flatten(_as_nested(v), len(shp), flat)
            f = _get_format_function(flat, base, False, **options)
            n = 1
            for s in shp:
                n *= s
            f = SubArrayFormat(f, options["threshold"], options["edgeitems"],
                               n)
        else:
            f = _get_format_function(column, fdt, is0d, **options)
        funcs.append(f)
    return StructuredVoidFormat(funcs)


_IMPLIED_CHARS = ("l", "d", "D", "?")


def _isnative(dtype):
    v = getattr(dtype, "isnative", None)
    if v is not None:
        return bool(v)
    bo = getattr(dtype, "byteorder", "=")
    return bo != (">" if sys.byteorder == "little" else "<")


def dtype_is_implied(dtype):
    """True when the repr of the values implies the dtype."""
    if _options.get()["legacy"] <= 113 and dtype.kind == "b":
        return False
    if _names(dtype) is not None:
        return False
    if not _isnative(dtype):
        return False
    char = getattr(dtype, "char", None)
    if char is None:
        return dtype.name in ("int64", "float64", "complex128", "bool")
    return char in _IMPLIED_CHARS


def dtype_short_repr(dtype):
    """Short form of a dtype as it appears after ``dtype=`` in a repr."""
    if _names(dtype) is not None:
        return str(dtype)
    if dtype.kind in "USV":
        return f"'{str(dtype)}'"
    typename = dtype.name
    if not _isnative(dtype):
        return f"'{str(dtype)}'"
    if typename and not (typename[0].isalpha() and typename.isalnum()):
        typename = repr(typename)
    return typename


# ---------------------------------------------------------------------------
# data extraction and layout
# ---------------------------------------------------------------------------

def _byteorder_prefix(dtype):
    s = getattr(dtype, "str", "|")
    if s[:1] == ">":
        return ">"
    if s[:1] == "<":
        return "<"
    return "<" if sys.byteorder == "little" else ">"


_STRUCT_FLOAT = {2: "e", 4: "f", 8: "d"}


def _decode(buf, off, dtype, count):
    """Flat list of ``count`` element values of ``dtype`` from ``buf``."""
    kind = dtype.kind
    size = dtype.itemsize
    order = _byteorder_prefix(dtype)
    if kind == "V" and _names(dtype) is not None:
        cols = []
        for name in dtype.names:
            fdt, foff = dtype.fields[name][:2]
            shp = _subshape(fdt)
            if shp:
                base = getattr(fdt, "base", fdt)
                n = 1
                for s in shp:
                    n *= s
                col = []
                for i in range(count):
                    flat = _decode(buf, off + i * size + foff, base, n)
                    col.append(_nest(flat, shp))
            else:
                col = [_decode(buf, off + i * size + foff, fdt, 1)[0]
                       for i in range(count)]
            cols.append(col)
        return list(zip(*cols)) if cols else [()] * count
    out = []
    if kind == "f" and size in _STRUCT_FLOAT and count:
        stride = size
        fmt = order + _STRUCT_FLOAT[size]
        return [struct.unpack_from(fmt, buf, off + i * stride)[0]
                for i in range(count)]
    if kind == "c" and size // 2 in _STRUCT_FLOAT:
        fmt = order + 2 * _STRUCT_FLOAT[size // 2]
        for i in range(count):
            r, im = struct.unpack_from(fmt, buf, off + i * size)
            out.append(complex(r, im))
        return out
    for i in range(count):
        chunk = bytes(buf[off + i * size: off + (i + 1) * size])
        if kind == "b":
            out.append(chunk != b"\x00" * size)
        elif kind in "iu":
            out.append(int.from_bytes(chunk, "little" if order == "<"
                                      else "big", signed=kind == "i"))
        elif kind == "S":
            out.append(chunk.rstrip(b"\x00"))
        elif kind == "U":
            out.append(chunk.decode("utf-32-le" if order == "<"
                                    else "utf-32-be").rstrip("\x00"))
        else:
            out.append(chunk)
    return out


def _nest(flat, shape):
    if not shape:
        return flat[0]
    if len(shape) == 1:
        return list(flat)
    step = len(flat) // shape[0] if shape[0] else 0
    return [_nest(flat[i * step:(i + 1) * step], shape[1:])
            for i in range(shape[0])]


def _tolist(a):
    """a.tolist(), or the same decoded from the buffer protocol when the
    array type has no working tolist."""
    try:
        return a.tolist()
    except (AttributeError, NotImplementedError):
        pass
    buf = memoryview(a).tobytes()
    shape = tuple(a.shape)
    n = 1
    for s in shape:
        n *= s
    return _nest(_decode(buf, 0, a.dtype, n), shape)


def _corners(a, edge):
    """Nested lists of the leading and trailing ``edge`` items along every
    axis longer than 2*edge (NumPy's _leading_trailing), via basic slicing."""
    shape = tuple(a.shape)
    if edge <= 0 or not any(n > 2 * edge for n in shape):
        return _tolist(a)
    n = shape[0]
    rest_big = any(m > 2 * edge for m in shape[1:])
    if n > 2 * edge:
        parts = [a[:edge], a[n - edge:]]
    else:
        parts = [a]
    if not rest_big:
        out = []
        for p in parts:
            out.extend(_tolist(p))
        return out
    out = []
    for p in parts:
        for i in range(p.shape[0]):
            out.append(_corners(p[i], edge))
    return out


def _extendLine(s, line, word, line_width, next_line_prefix, legacy):
    needs_wrap = len(line) + len(word) > line_width
    if legacy > 113:
        if len(line) <= len(next_line_prefix):
            needs_wrap = False
    if needs_wrap:
        s += line.rstrip() + "\n"
        line = next_line_prefix
    line += word
    return s, line


def _extendLine_pretty(s, line, word, line_width, next_line_prefix, legacy):
    words = word.splitlines()
    if len(words) == 1 or legacy <= 113:
        return _extendLine(s, line, word, line_width, next_line_prefix,
                           legacy)
    max_word_length = max(len(w) for w in words)
    if (len(line) + max_word_length > line_width and
            len(line) > len(next_line_prefix)):
        s += line.rstrip() + "\n"
        line = next_line_prefix + words[0]
        indent = next_line_prefix
    else:
        indent = len(line) * " "
        line += words[0]
    for w in words[1:]:
        s += line.rstrip() + "\n"
        line = indent + w
    line += (max_word_length - len(words[-1])) * " "
    return s, line


def _formatArray(nested, shape, format_function, line_width,
                 next_line_prefix, separator, edge_items, summary_insert,
                 legacy):
    ndim = len(shape)

    def recurser(sub, axis, hanging_indent, curr_width):
        axes_left = ndim - axis
        if axes_left == 0:
            return format_function(sub)
        next_hanging_indent = hanging_indent + " "
        if legacy <= 113:
            next_width = curr_width
        else:
            next_width = curr_width - len("]")
        a_len = shape[axis]
        show_summary = summary_insert and 2 * edge_items < a_len
        if show_summary:
            leading_items = edge_items
            trailing_items = edge_items
        else:
            leading_items = 0
            trailing_items = a_len

        s = ""
        if axes_left == 1:
            if legacy <= 113:
                elem_width = curr_width - len(separator.rstrip())
            else:
                elem_width = curr_width - max(len(separator.rstrip()),
                                              len("]"))
            line = hanging_indent
            for i in range(leading_items):
                word = recurser(sub[i], axis + 1, next_hanging_indent,
                                next_width)
                s, line = _extendLine_pretty(s, line, word, elem_width,
                                             hanging_indent, legacy)
                line += separator
            if show_summary:
                s, line = _extendLine(s, line, summary_insert, elem_width,
                                      hanging_indent, legacy)
                if legacy <= 113:
                    line += ", "
                else:
                    line += separator
            for i in range(trailing_items, 1, -1):
                word = recurser(sub[-i], axis + 1, next_hanging_indent,
                                next_width)
                s, line = _extendLine_pretty(s, line, word, elem_width,
                                             hanging_indent, legacy)
                line += separator
            if legacy <= 113:
                elem_width = curr_width
            word = recurser(sub[-1], axis + 1, next_hanging_indent,
                            next_width)
            s, line = _extendLine_pretty(s, line, word, elem_width,
                                         hanging_indent, legacy)
            s += line
        else:
            line_sep = separator.rstrip() + "\n" * (axes_left - 1)
            for i in range(leading_items):
                nested_s = recurser(sub[i], axis + 1, next_hanging_indent,
                                    next_width)
                s += hanging_indent + nested_s + line_sep
            if show_summary:
                if legacy <= 113:
                    s += hanging_indent + summary_insert + ", \n"
                else:
                    s += hanging_indent + summary_insert + line_sep
            for i in range(trailing_items, 1, -1):
                nested_s = recurser(sub[-i], axis + 1, next_hanging_indent,
                                    next_width)
                s += hanging_indent + nested_s + line_sep
            nested_s = recurser(sub[-1], axis + 1, next_hanging_indent,
                                next_width)
            s += hanging_indent + nested_s
        return "[" + s[len(hanging_indent):] + "]"

    return recurser(nested, 0, next_line_prefix, line_width)


_repr_running = set()


def _array2string(a, options, separator=" ", prefix=""):
    key = id(a)
    if key in _repr_running:
        return "..."
    _repr_running.add(key)
    try:
        shape = tuple(a.shape)
        if a.size > options["threshold"]:
            summary_insert = "..."
            nested = _corners(a, options["edgeitems"])
        else:
            summary_insert = ""
            nested = _tolist(a)
        is0d = shape == ()
        data = _flatten(nested, len(shape), [])
        format_function = _get_format_function(data, a.dtype, is0d,
                                               **options)
        next_line_prefix = " " + " " * len(prefix)
        return _formatArray(nested, shape, format_function,
                            options["linewidth"], next_line_prefix,
                            separator, options["edgeitems"], summary_insert,
                            options["legacy"])
    finally:
        _repr_running.discard(key)


def array2string(a, max_line_width=None, precision=None,
                 suppress_small=None, separator=' ', prefix="",
                 *, formatter=None, threshold=None,
                 edgeitems=None, sign=None, floatmode=None, suffix="",
                 legacy=None):
    """Return a string representation of an array (NumPy's array2string)."""
    overrides = _make_options_dict(precision, threshold, edgeitems,
                                   max_line_width, suppress_small, None, None,
                                   sign, formatter, floatmode, legacy)
    options = dict(_options.get())
    options.update(overrides)
    if options["legacy"] <= 113:
        if tuple(a.shape) == () and _names(a.dtype) is None:
            return repr(_scalar_of(a))
    if options["legacy"] > 113:
        options["linewidth"] -= len(suffix)
    if a.size == 0:
        return "[]"
    return _array2string(a, options, separator, prefix)


def _scalar_of(a):
    return _tolist(a)


def _class_name(arr):
    name = type(arr).__name__
    return "array" if name == "ndarray" else name


def _array_repr_implementation(arr, max_line_width=None, precision=None,
                               suppress_small=None):
    current = _options.get()
    override_repr = current["override_repr"]
    if override_repr is not None:
        return override_repr(arr)
    if max_line_width is None:
        max_line_width = current["linewidth"]
    prefix = _class_name(arr) + "("
    shape = tuple(arr.shape)
    dtype = arr.dtype
    if current["legacy"] <= 113 and shape == () and _names(dtype) is None:
        lst = repr(_scalar_of(arr))
    else:
        lst = array2string(arr, max_line_width, precision, suppress_small,
                           ", ", prefix, suffix=")")
    extras = []
    size = arr.size
    if ((size == 0 and shape != (0,))
            or (current["legacy"] > 210 and size > current["threshold"])):
        extras.append(f"shape={shape}")
    if not dtype_is_implied(dtype) or size == 0:
        extras.append(f"dtype={dtype_short_repr(dtype)}")
    if not extras:
        return prefix + lst + ")"
    arr_str = prefix + lst + ","
    extra_str = ", ".join(extras) + ")"
    last_line_len = len(arr_str) - (arr_str.rfind("\n") + 1)
    spacer = " "
    if current["legacy"] <= 113:
        if dtype.kind in "USV":
            spacer = "\n" + " " * len(prefix)
    elif last_line_len + len(extra_str) + 1 > max_line_width:
        spacer = "\n" + " " * len(prefix)
    return arr_str + spacer + extra_str


def array_repr(arr, max_line_width=None, precision=None, suppress_small=None):
    """Return the string representation of an array."""
    return _array_repr_implementation(arr, max_line_width, precision,
                                      suppress_small)


def _scalar_str(a):
    """str() of the scalar held by a 0-d array, as NumPy scalars print."""
    dtype = a.dtype
    kind = dtype.kind
    v = _tolist(a)
    if kind == "f":
        return _float_scalar_str(v, _float_size(dtype))
    if kind == "c":
        if _options.get()["legacy"] <= 113:
            return str(v)
        return _complex_scalar_str(v, _float_size(dtype))
    if kind == "S":
        return "np.bytes_(" + repr(v) + ")" if _options.get()["legacy"] > 125 \
            else repr(v)
    if kind == "V":
        if _names(dtype) is not None:
            return _void_scalar_str(a)
        return _void_to_hex(v)
    return str(v)


def _void_scalar_str(a):
    return _void_scalar_to_string(a, is_repr=False)


def _void_scalar_to_string(x, is_repr=True):
    """repr/str of a structured void scalar (NumPy calls the same-named
    helper of arrayprint from its C scalar code).  ``x`` needs ``.dtype``
    and ``tolist()`` or ``item()`` giving the tuple of field values."""
    options = dict(_options.get())
    if hasattr(x, "shape"):
        v = _tolist(x)
    else:
        v = x.item()
    if options["legacy"] <= 125:
        return _structured_format([v], x.dtype, True, **options)(v)
    fmt = dict(options["formatter"] or {})
    fmt.setdefault("float_kind", str)
    options["formatter"] = fmt
    val_repr = _structured_format([v], x.dtype, True, **options)(v)
    if not is_repr:
        return val_repr
    return f"np.void({val_repr}, dtype={x.dtype!s})"


def _array_str_implementation(a, max_line_width=None, precision=None,
                              suppress_small=None):
    if (_options.get()["legacy"] <= 113 and tuple(a.shape) == ()
            and _names(a.dtype) is None):
        return str(_scalar_of(a))
    if tuple(a.shape) == ():
        return _scalar_str(a)
    return array2string(a, max_line_width, precision, suppress_small, " ", "")


def array_str(a, max_line_width=None, precision=None, suppress_small=None):
    """Return a string representation of the data in an array."""
    return _array_str_implementation(a, max_line_width, precision,
                                     suppress_small)


def _array_repr(a):
    """ndarray.__repr__ (called by the C core)."""
    return _array_repr_implementation(a)


def _array_str(a):
    """ndarray.__str__ (called by the C core)."""
    return _array_str_implementation(a)
