/* Scalar types: ndmem.generic and NumPy 2's hierarchy below it, the
 * concrete numeric scalars, str_, bytes_ and void, with NumPy 2's repr.
 * Arithmetic lives in scalarmath.c. */
#include "scalar.h"
#include "ndarray.h"
#include "ufunc.h"
#include <complex.h>
#include <math.h>
#include <float.h>
#include <stdlib.h>
#include <stdio.h>

/* ------------------------------------------------------------------ */
/* Layouts and tables                                                 */
/* ------------------------------------------------------------------ */

typedef NdmNumScalar NumScalar;

typedef struct {
    PyUnicodeObject base;
    Py_UCS4 *obval;             /* UCS4 copy made on demand */
} StrScalar;

typedef struct {
    PyObject_HEAD
    NdmDtype *descr;
    char *data;
    PyObject *base;             /* NULL: data is ours (PyMem) */
} VoidScalar;

enum {
    A_GENERIC, A_NUMBER, A_INTEGER, A_SIGNED, A_UNSIGNED, A_INEXACT,
    A_FLOATING, A_COMPLEX, A_FLEXIBLE, A_CHARACTER, A_N
};

static const char *abstract_names[A_N] = {
    "ndmem.generic", "ndmem.number", "ndmem.integer", "ndmem.signedinteger",
    "ndmem.unsignedinteger", "ndmem.inexact", "ndmem.floating",
    "ndmem.complexfloating", "ndmem.flexible", "ndmem.character",
};
static const int abstract_parent[A_N] = {
    -1, A_GENERIC, A_NUMBER, A_INTEGER, A_INTEGER, A_NUMBER, A_INEXACT,
    A_INEXACT, A_GENERIC, A_FLEXIBLE,
};

static const char *type_names[NDM_NTYPES] = {
    "bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64",
    "uint64", "float16", "float32", "float64", "complex64", "complex128",
    "bytes_", "str_", "void",
};

static const int num_sizes[NDM_NNUMERIC] = {1, 1, 1, 2, 2, 4, 4, 8, 8, 2, 4, 8, 8, 16};

static PyTypeObject *abstract_types[A_N];
PyTypeObject *ndm_scalar_types[NDM_NTYPES];
static PyObject *bool_values[2];
PyObject *ndm_complex_warning;

#define IS_INT(t) ((t) >= NDM_INT8 && (t) <= NDM_UINT64)
#define IS_SIGNED(t) ((t) == NDM_INT8 || (t) == NDM_INT16 || (t) == NDM_INT32 || (t) == NDM_INT64)
#define IS_FLOAT(t) ((t) >= NDM_FLOAT16 && (t) <= NDM_FLOAT64)
#define IS_COMPLEX(t) ((t) == NDM_COMPLEX64 || (t) == NDM_COMPLEX128)

static char *
num_ptr(PyObject *o, int t)
{
    if (t == NDM_FLOAT64) {
        return (char *)&((PyFloatObject *)o)->ob_fval;
    }
    if (t == NDM_COMPLEX128) {
        return (char *)&((PyComplexObject *)o)->cval;
    }
    return (char *)&((NumScalar *)o)->v;
}

int
ndm_scalar_typenum(PyObject *obj)
{
    PyTypeObject *tp = Py_TYPE(obj);
    for (int t = 0; t < NDM_NTYPES; t++) {
        if (tp == ndm_scalar_types[t]) {
            return t;
        }
    }
    if (abstract_types[A_GENERIC] == NULL
            || !PyType_IsSubtype(tp, abstract_types[A_GENERIC])) {
        return -1;
    }
    for (int t = 0; t < NDM_NTYPES; t++) {
        if (ndm_scalar_types[t] && PyType_IsSubtype(tp, ndm_scalar_types[t])) {
            return t;
        }
    }
    return -1;
}

static int
type_typenum(PyTypeObject *tp)
{
    /* the exact types first: a subtype walk per entry made np.float64(x)
     * slow */
    for (int t = 0; t < NDM_NTYPES; t++) {
        if (tp == ndm_scalar_types[t]) {
            return t;
        }
    }
    for (int t = 0; t < NDM_NTYPES; t++) {
        if (PyType_IsSubtype(tp, ndm_scalar_types[t])) {
            return t;
        }
    }
    return -1;
}

PyTypeObject *
ndm_scalar_type(int type_num)
{
    if (type_num < 0 || type_num >= NDM_NTYPES) {
        return NULL;
    }
    return ndm_scalar_types[type_num];
}

int
ndm_scalar_check(PyObject *obj)
{
    return abstract_types[A_GENERIC] != NULL
           && PyObject_TypeCheck(obj, abstract_types[A_GENERIC]);
}

static PyObject *
new_of_type(PyTypeObject *tp, int t, const void *value)
{
    PyObject *o = tp->tp_alloc(tp, 0);
    if (o == NULL) {
        return NULL;
    }
    memcpy(num_ptr(o, t), value, num_sizes[t]);
    return o;
}

PyObject *
ndm_scalar_new(int t, const void *value)
{
    if (t == NDM_BOOL) {
        PyObject *r = bool_values[*(const ndm_bool *)value != 0];
        Py_INCREF(r);
        return r;
    }
    return new_of_type(ndm_scalar_types[t], t, value);
}

static PyObject *
bool_scalar(int v)
{
    PyObject *r = bool_values[v != 0];
    Py_INCREF(r);
    return r;
}

/* ------------------------------------------------------------------ */
/* Half floats and casts                                              */
/* ------------------------------------------------------------------ */

double
ndm_scalar_half_to_double(ndm_half h)
{
    int sign = h >> 15, e = (h >> 10) & 0x1f, m = h & 0x3ff;
    double r;
    if (e == 0) {
        r = ldexp((double)m, -24);
    }
    else if (e == 31) {
        r = m ? NAN : INFINITY;
    }
    else {
        r = ldexp((double)(m | 0x400), e - 25);
    }
    return sign ? -r : r;
}

ndm_half
ndm_scalar_double_to_half(double d, int *fpe)
{
    uint16_t sign = signbit(d) ? 0x8000 : 0;
    double a = fabs(d);
    if (isnan(d)) {
        return sign | 0x7e00;
    }
    if (isinf(d)) {
        return sign | 0x7c00;
    }
    if (a >= 65520.0) {
        if (fpe) {
            *fpe |= NDM_FPE_OVERFLOW;
        }
        return sign | 0x7c00;
    }
    int e;
    frexp(a, &e);               /* a = f * 2^e, f in [0.5, 1) */
    int ulp_exp = (e - 1 < -14 ? -14 : e - 1) - 10;
    double q = nearbyint(ldexp(a, -ulp_exp));   /* exact scaling */
    double r = ldexp(q, ulp_exp);
    if (r >= 65520.0) {
        if (fpe) {
            *fpe |= NDM_FPE_OVERFLOW;
        }
        return sign | 0x7c00;
    }
    if (r < ldexp(1.0, -14)) {
        return sign | (uint16_t)ldexp(r, 24);
    }
    frexp(r, &e);
    uint16_t hexp = (uint16_t)(e - 1 + 15);
    uint16_t man = (uint16_t)(ldexp(r, 11 - e) - 1024.0);
    return sign | (uint16_t)(hexp << 10) | man;
}

typedef struct {
    int kind;                   /* 0 signed int, 1 unsigned, 2 real, 3 complex */
    int64_t i;
    uint64_t u;
    double re, im;
    float fre, fim;             /* exact float32 source (for float32 targets) */
    int is_f32;
} Wide;

static void
load_wide(int t, const void *p, Wide *w)
{
    NdmScalarValue v;
    memcpy(&v, p, num_sizes[t]);
    w->is_f32 = 0;
    switch (t) {
    case NDM_BOOL: w->kind = 1; w->u = v.b != 0; break;
    case NDM_INT8: w->kind = 0; w->i = v.i8; break;
    case NDM_UINT8: w->kind = 1; w->u = v.u8; break;
    case NDM_INT16: w->kind = 0; w->i = v.i16; break;
    case NDM_UINT16: w->kind = 1; w->u = v.u16; break;
    case NDM_INT32: w->kind = 0; w->i = v.i32; break;
    case NDM_UINT32: w->kind = 1; w->u = v.u32; break;
    case NDM_INT64: w->kind = 0; w->i = v.i64; break;
    case NDM_UINT64: w->kind = 1; w->u = v.u64; break;
    case NDM_FLOAT16: w->kind = 2; w->re = ndm_scalar_half_to_double(v.f16); w->im = 0; break;
    case NDM_FLOAT32: w->kind = 2; w->re = v.f32; w->im = 0; break;
    case NDM_FLOAT64: w->kind = 2; w->re = v.f64; w->im = 0; break;
    case NDM_COMPLEX64:
        w->kind = 3; w->re = crealf(v.c64); w->im = cimagf(v.c64);
        w->is_f32 = 1; w->fre = crealf(v.c64); w->fim = cimagf(v.c64);
        break;
    default:
        w->kind = 3; w->re = creal(v.c128); w->im = cimag(v.c128); break;
    }
    if (t == NDM_FLOAT32) {
        w->is_f32 = 1;
        w->fre = v.f32;
        w->fim = 0;
    }
}

/* double -> integer of `bits` as x86-64 C casts do (what NumPy's casts
 * give); sets invalid for NaN / out of range. */
static uint64_t
double_to_int_bits(double d, int t, int *fpe)
{
    switch (t) {
    case NDM_INT8: case NDM_UINT8: case NDM_INT16: case NDM_UINT16:
    case NDM_INT32:
        if (!(d > -2147483649.0 && d < 2147483648.0)) {
            *fpe |= NDM_FPE_INVALID;
            return (uint64_t)(int64_t)INT32_MIN;
        }
        return (uint64_t)(int64_t)(int32_t)d;
    case NDM_UINT32:
    case NDM_INT64:
        if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) {
            *fpe |= NDM_FPE_INVALID;
            return (uint64_t)INT64_MIN;
        }
        return (uint64_t)(int64_t)d;
    default:                    /* UINT64, as gcc's x86-64 conversion */
        if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
            return (uint64_t)(int64_t)d;
        }
        if (d >= 9223372036854775808.0 && d < 18446744073709551616.0) {
            return (uint64_t)d;
        }
        *fpe |= NDM_FPE_INVALID;
        return d >= 18446744073709551616.0 ? 0 : (uint64_t)1 << 63;
    }
}

static int
store_wide(const Wide *w, int t, void *dst)
{
    NdmScalarValue v;
    int fpe = 0;
    uint64_t bits = 0;
    if (t == NDM_BOOL) {
        if (w->kind == 0) {
            v.b = w->i != 0;
        }
        else if (w->kind == 1) {
            v.b = w->u != 0;
        }
        else {
            v.b = (w->re != 0) || (w->im != 0);
        }
        memcpy(dst, &v, 1);
        return 0;
    }
    if (IS_INT(t)) {
        if (w->kind == 0) {
            bits = (uint64_t)w->i;
        }
        else if (w->kind == 1) {
            bits = w->u;
        }
        else {
            bits = double_to_int_bits(w->re, t, &fpe);
        }
        switch (t) {
        case NDM_INT8: v.i8 = (int8_t)bits; break;
        case NDM_UINT8: v.u8 = (uint8_t)bits; break;
        case NDM_INT16: v.i16 = (int16_t)bits; break;
        case NDM_UINT16: v.u16 = (uint16_t)bits; break;
        case NDM_INT32: v.i32 = (int32_t)bits; break;
        case NDM_UINT32: v.u32 = (uint32_t)bits; break;
        case NDM_INT64: v.i64 = (int64_t)bits; break;
        default: v.u64 = bits; break;
        }
        memcpy(dst, &v, num_sizes[t]);
        return fpe;
    }
    double re, im = 0;
    float fre = 0, fim = 0;
    int have_f = 0;
    if (w->kind == 0) {
        re = (double)w->i;
        fre = (float)w->i;
        have_f = 1;
    }
    else if (w->kind == 1) {
        re = (double)w->u;
        fre = (float)w->u;
        have_f = 1;
    }
    else {
        re = w->re;
        im = w->im;
        if (w->is_f32) {
            fre = w->fre;
            fim = w->fim;
            have_f = 1;
        }
    }
    switch (t) {
    case NDM_FLOAT16:
        v.f16 = ndm_scalar_double_to_half(have_f && w->kind < 2 ? (double)fre : re, &fpe);
        break;
    case NDM_FLOAT32:
    case NDM_COMPLEX64: {
        float a = have_f ? fre : (float)re;
        float b = have_f ? fim : (float)im;
        if ((isinf(a) && isfinite(re)) || (isinf(b) && isfinite(im))) {
            fpe |= NDM_FPE_OVERFLOW;
        }
        if (t == NDM_FLOAT32) {
            v.f32 = a;
        }
        else {
            float parts[2] = {a, b};
            memcpy(&v.c64, parts, sizeof parts);
        }
        break;
    }
    case NDM_FLOAT64:
        v.f64 = re;
        break;
    default: {
        double parts[2] = {re, im};
        memcpy(&v.c128, parts, sizeof parts);
        break;
    }
    }
    memcpy(dst, &v, num_sizes[t]);
    return fpe;
}

int
ndm_scalar_cast(int from, const void *src, int to, void *dst)
{
    Wide w;
    load_wide(from, src, &w);
    return store_wide(&w, to, dst);
}

static int
underflowed(double from, double to, double tiny)
{
    return from != 0 && isless(fabs(to), tiny) && to != from;
}

int
ndm_scalar_cast_fpe(int from, const void *src, int to, void *dst)
{
    int fpe = ndm_scalar_cast(from, src, to, dst);
    if ((!IS_FLOAT(from) && !IS_COMPLEX(from))
            || (to != NDM_FLOAT16 && to != NDM_FLOAT32 && to != NDM_COMPLEX64)) {
        return fpe;
    }
    double tiny = to == NDM_FLOAT16 ? 0x1p-14 : FLT_MIN;
    double complex a, b;
    ndm_scalar_cast(from, src, NDM_COMPLEX128, &a);
    ndm_scalar_cast(to, dst, NDM_COMPLEX128, &b);
    if (underflowed(creal(a), creal(b), tiny)
            || (to == NDM_COMPLEX64 && underflowed(cimag(a), cimag(b), tiny))) {
        fpe |= NDM_FPE_UNDERFLOW;
    }
    return fpe;
}

/* Scalar math honours the errstate as the ufuncs do. */
int
ndm_scalar_fpe_warn(int flags, const char *name)
{
    return ndm_ufunc_fpe_report(flags, name);
}

/* Warnings a cast between scalar types gives (NumPy: ComplexWarning when
 * the imaginary part is dropped, RuntimeWarning for overflow/invalid). */
static int
cast_with_warnings(int from, const void *src, int to, void *dst)
{
    if (IS_COMPLEX(from) && !IS_COMPLEX(to) && to != NDM_BOOL) {
        if (PyErr_WarnEx(ndm_complex_warning ? ndm_complex_warning : PyExc_RuntimeWarning,
                         "Casting complex values to real discards the imaginary part", 1) < 0) {
            return -1;
        }
    }
    int fpe = ndm_scalar_cast_fpe(from, src, to, dst);
    return ndm_scalar_fpe_warn(fpe, "cast");
}

/* ------------------------------------------------------------------ */
/* Python ints into integer types                                     */
/* ------------------------------------------------------------------ */

int
ndm_scalar_pyint_to(PyObject *v, int t, void *out)
{
    int ovf = 0;
    long long x = PyLong_AsLongLongAndOverflow(v, &ovf);
    NdmScalarValue r;
    if (x == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (ovf) {
        if (t == NDM_UINT64 && ovf > 0) {
            unsigned long long u = PyLong_AsUnsignedLongLong(v);
            if (u == (unsigned long long)-1 && PyErr_Occurred()) {
                PyErr_Clear();
                goto too_large;
            }
            r.u64 = u;
            memcpy(out, &r, 8);
            return 0;
        }
        goto too_large;
    }
    long long lo, hi;
    switch (t) {
    case NDM_BOOL: lo = 0; hi = 1; break;
    case NDM_INT8: lo = INT8_MIN; hi = INT8_MAX; break;
    case NDM_UINT8: lo = 0; hi = UINT8_MAX; break;
    case NDM_INT16: lo = INT16_MIN; hi = INT16_MAX; break;
    case NDM_UINT16: lo = 0; hi = UINT16_MAX; break;
    case NDM_INT32: lo = INT32_MIN; hi = INT32_MAX; break;
    case NDM_UINT32: lo = 0; hi = UINT32_MAX; break;
    case NDM_INT64: lo = INT64_MIN; hi = INT64_MAX; break;
    default: lo = 0; hi = INT64_MAX; break;
    }
    if (x < lo || x > hi) {
        PyErr_Format(PyExc_OverflowError, "Python integer %S out of bounds for %s",
                     v, type_names[t]);
        return -1;
    }
    switch (t) {
    case NDM_BOOL: r.b = (ndm_bool)x; break;
    case NDM_INT8: r.i8 = (int8_t)x; break;
    case NDM_UINT8: r.u8 = (uint8_t)x; break;
    case NDM_INT16: r.i16 = (int16_t)x; break;
    case NDM_UINT16: r.u16 = (uint16_t)x; break;
    case NDM_INT32: r.i32 = (int32_t)x; break;
    case NDM_UINT32: r.u32 = (uint32_t)x; break;
    case NDM_INT64: r.i64 = (int64_t)x; break;
    default: r.u64 = (uint64_t)x; break;
    }
    memcpy(out, &r, num_sizes[t]);
    return 0;
too_large:
    PyErr_SetString(PyExc_OverflowError, "Python int too large to convert to C long");
    return -1;
}

/* ------------------------------------------------------------------ */
/* Values as Python objects                                           */
/* ------------------------------------------------------------------ */

static PyObject *
num_to_python(int t, const void *p)
{
    NdmScalarValue v;
    memcpy(&v, p, num_sizes[t]);
    switch (t) {
    case NDM_BOOL: return PyBool_FromLong(v.b);
    case NDM_INT8: return PyLong_FromLong(v.i8);
    case NDM_UINT8: return PyLong_FromLong(v.u8);
    case NDM_INT16: return PyLong_FromLong(v.i16);
    case NDM_UINT16: return PyLong_FromLong(v.u16);
    case NDM_INT32: return PyLong_FromLong(v.i32);
    case NDM_UINT32: return PyLong_FromUnsignedLong(v.u32);
    case NDM_INT64: return PyLong_FromLongLong(v.i64);
    case NDM_UINT64: return PyLong_FromUnsignedLongLong(v.u64);
    case NDM_FLOAT16: return PyFloat_FromDouble(ndm_scalar_half_to_double(v.f16));
    case NDM_FLOAT32: return PyFloat_FromDouble(v.f32);
    case NDM_FLOAT64: return PyFloat_FromDouble(v.f64);
    case NDM_COMPLEX64: return PyComplex_FromDoubles(crealf(v.c64), cimagf(v.c64));
    default: return PyComplex_FromDoubles(creal(v.c128), cimag(v.c128));
    }
}

/* ------------------------------------------------------------------ */
/* Float formatting (NumPy 2 scalar repr)                             */
/* ------------------------------------------------------------------ */

/* Digits (no trailing zeros) and decimal exponent of a decimal string
 * such as "123.45", "0.001", "1.5e-05". */
static void
parse_decimal(const char *s, char *digits, int *exp10)
{
    int n = 0, point = -1, seen_nonzero = 0, lead = 0, pos = 0;
    const char *p = s;
    for (; *p && *p != 'e' && *p != 'E'; p++) {
        if (*p == '.') {
            point = pos;
            continue;
        }
        if (*p < '0' || *p > '9') {
            continue;
        }
        if (!seen_nonzero && *p == '0') {
            lead++;
            pos++;
            continue;
        }
        seen_nonzero = 1;
        digits[n++] = *p;
        pos++;
    }
    if (point < 0) {
        point = pos;
    }
    int e = 0;
    if (*p == 'e' || *p == 'E') {
        e = atoi(p + 1);
    }
    while (n > 1 && digits[n - 1] == '0') {
        n--;
    }
    if (n == 0) {
        digits[n++] = '0';
        *exp10 = 0;
    }
    else {
        *exp10 = point - lead - 1 + e;
    }
    digits[n] = '\0';
}

static int
roundtrips(const char *dig, int exp10, double value, int t)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%c.%se%d", dig[0], dig + 1, exp10);
    if (t == NDM_FLOAT32) {
        return strtof(buf, NULL) == (float)value;
    }
    double d = strtod(buf, NULL);
    return ndm_scalar_double_to_half(d, NULL) == ndm_scalar_double_to_half(value, NULL);
}

/* Shortest digits that read back as value in type t (value >= 0, finite). */
static int
shortest_digits(double value, int t, char *digits, int *exp10)
{
    if (value == 0) {
        strcpy(digits, "0");
        *exp10 = 0;
        return 0;
    }
    if (t == NDM_FLOAT64) {
        char *s = PyOS_double_to_string(value, 'r', 0, 0, NULL);
        if (s == NULL) {
            return -1;
        }
        parse_decimal(s, digits, exp10);
        PyMem_Free(s);
        return 0;
    }
    int maxp = t == NDM_FLOAT32 ? 9 : 5;
    for (int p = 1; p <= maxp; p++) {
        char *s = PyOS_double_to_string(value, 'e', p - 1, 0, NULL);
        if (s == NULL) {
            return -1;
        }
        char dig[32];
        int e;
        parse_decimal(s, dig, &e);
        PyMem_Free(s);
        if (roundtrips(dig, e, value, t)) {
            strcpy(digits, dig);
            *exp10 = e;
            return 0;
        }
        /* neighbours of the correctly rounded p digits, nearer side first */
        char full[32];
        snprintf(full, sizeof full, "%s", dig);
        size_t len = strlen(full);
        while ((int)len < p) {
            full[len++] = '0';
        }
        full[len] = '\0';
        unsigned long long m = strtoull(full, NULL, 10);
        char mbuf[40];
        snprintf(mbuf, sizeof mbuf, "%llue%d", m, e - (p - 1));
        double approx = strtod(mbuf, NULL);
        int dirs[2];
        dirs[0] = approx < value ? 1 : -1;
        dirs[1] = -dirs[0];
        for (int k = 0; k < 2; k++) {
            unsigned long long mm = m + dirs[k];
            char cand[32];
            snprintf(cand, sizeof cand, "%llu", mm);
            if ((int)strlen(cand) != p) {
                continue;
            }
            char dd[32];
            int ee;
            char tmp[64];
            snprintf(tmp, sizeof tmp, "%c.%se%d", cand[0], cand + 1, e);
            parse_decimal(tmp, dd, &ee);
            if (roundtrips(dd, ee, value, t)) {
                strcpy(digits, dd);
                *exp10 = ee;
                return 0;
            }
        }
    }
    /* not reached for valid input: fall back to exact digits */
    char *s = PyOS_double_to_string(value, 'r', 0, 0, NULL);
    if (s == NULL) {
        return -1;
    }
    parse_decimal(s, digits, exp10);
    PyMem_Free(s);
    return 0;
}

/* NumPy's float scalar text: positional for 1e-4 <= |v| < 1e16 (and 0),
 * else scientific.  leave_one_zero: '1.0' (float repr) vs '1' (complex
 * parts); sign: always print the sign. */
static int
format_float(char *out, size_t outsize, double v, int t, int leave_one_zero, int sign)
{
    char digits[40];
    int e;
    size_t n = 0;
    if (isnan(v)) {
        snprintf(out, outsize, "%snan", sign ? "+" : "");
        return 0;
    }
    if (isinf(v)) {
        snprintf(out, outsize, "%sinf", v < 0 ? "-" : (sign ? "+" : ""));
        return 0;
    }
    double a = fabs(v);
    if (shortest_digits(a, t, digits, &e) < 0) {
        return -1;
    }
    char buf[512];
    if (signbit(v)) {
        buf[n++] = '-';
    }
    else if (sign) {
        buf[n++] = '+';
    }
    int nd = (int)strlen(digits);
    double upper = t == NDM_FLOAT16 ? 1e3 : t == NDM_FLOAT32 ? 1e6 : 1e16;
    if (a == 0 || (a >= 1e-4 && a < upper)) {
        if (e >= 0) {
            for (int i = 0; i <= e; i++) {
                buf[n++] = i < nd ? digits[i] : '0';
            }
            if (nd > e + 1) {
                buf[n++] = '.';
                for (int i = e + 1; i < nd; i++) {
                    buf[n++] = digits[i];
                }
            }
            else if (leave_one_zero) {
                buf[n++] = '.';
                buf[n++] = '0';
            }
        }
        else {
            buf[n++] = '0';
            buf[n++] = '.';
            for (int i = 0; i < -e - 1; i++) {
                buf[n++] = '0';
            }
            for (int i = 0; i < nd; i++) {
                buf[n++] = digits[i];
            }
        }
        buf[n] = '\0';
    }
    else {
        buf[n++] = digits[0];
        if (nd > 1) {
            buf[n++] = '.';
            for (int i = 1; i < nd; i++) {
                buf[n++] = digits[i];
            }
        }
        snprintf(buf + n, sizeof buf - n, "e%c%02d", e < 0 ? '-' : '+', abs(e));
    }
    snprintf(out, outsize, "%s", buf);
    return 0;
}

static int
format_complex(char *out, size_t outsize, double re, double im, int t)
{
    char r[128], i[128];
    if (re == 0 && !signbit(re)) {
        if (format_float(i, sizeof i, im, t, 0, 0) < 0) {
            return -1;
        }
        snprintf(out, outsize, "%sj", i);
        return 0;
    }
    if (format_float(r, sizeof r, re, t, 0, 0) < 0
            || format_float(i, sizeof i, im, t, 0, 1) < 0) {
        return -1;
    }
    if (isnan(re)) {
        strcpy(r, "nan");
    }
    snprintf(out, outsize, "(%s%sj)", r, i);
    return 0;
}

/* str() text of a numeric scalar. */
static PyObject *
num_str_text(int t, const void *p)
{
    NdmScalarValue v;
    char buf[300];
    memcpy(&v, p, num_sizes[t]);
    switch (t) {
    case NDM_BOOL:
        return PyUnicode_FromString(v.b ? "True" : "False");
    case NDM_FLOAT16:
    case NDM_FLOAT32:
    case NDM_FLOAT64: {
        double d = t == NDM_FLOAT16 ? ndm_scalar_half_to_double(v.f16)
                 : t == NDM_FLOAT32 ? (double)v.f32 : v.f64;
        int fl = t == NDM_FLOAT16 ? NDM_FLOAT16 : t == NDM_FLOAT32 ? NDM_FLOAT32 : NDM_FLOAT64;
        if (format_float(buf, sizeof buf, d, fl, 1, 0) < 0) {
            return NULL;
        }
        return PyUnicode_FromString(buf);
    }
    case NDM_COMPLEX64:
        if (format_complex(buf, sizeof buf, crealf(v.c64), cimagf(v.c64), NDM_FLOAT32) < 0) {
            return NULL;
        }
        return PyUnicode_FromString(buf);
    case NDM_COMPLEX128:
        if (format_complex(buf, sizeof buf, creal(v.c128), cimag(v.c128), NDM_FLOAT64) < 0) {
            return NULL;
        }
        return PyUnicode_FromString(buf);
    default: {
        PyObject *o = num_to_python(t, p);
        if (o == NULL) {
            return NULL;
        }
        PyObject *s = PyObject_Str(o);
        Py_DECREF(o);
        return s;
    }
    }
}

static PyObject *
num_str(PyObject *self)
{
    int t = ndm_scalar_typenum(self);
    return num_str_text(t, num_ptr(self, t));
}

static PyObject *
num_repr(PyObject *self)
{
    int t = ndm_scalar_typenum(self);
    if (t == NDM_BOOL) {
        return PyUnicode_FromString(((NumScalar *)self)->v.b ? "np.True_" : "np.False_");
    }
    PyObject *s = num_str_text(t, num_ptr(self, t));
    if (s == NULL) {
        return NULL;
    }
    PyObject *r;
    if ((t == NDM_COMPLEX64 || t == NDM_COMPLEX128) && PyUnicode_READ_CHAR(s, 0) == '(') {
        PyObject *inner = PyUnicode_Substring(s, 1, PyUnicode_GET_LENGTH(s) - 1);
        if (inner == NULL) {
            Py_DECREF(s);
            return NULL;
        }
        Py_SETREF(s, inner);
    }
    r = PyUnicode_FromFormat("np.%s(%U)", type_names[t], s);
    Py_DECREF(s);
    return r;
}

/* ------------------------------------------------------------------ */
/* Deallocation                                                       */
/* ------------------------------------------------------------------ */

static void
num_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static void
str_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyMem_Free(((StrScalar *)self)->obval);
    ((StrScalar *)self)->obval = NULL;
    PyUnicode_Type.tp_dealloc(self);
    Py_DECREF(tp);
}

static void
bytes_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyBytes_Type.tp_dealloc(self);
    Py_DECREF(tp);
}

static void
void_dealloc(PyObject *self)
{
    VoidScalar *v = (VoidScalar *)self;
    PyTypeObject *tp = Py_TYPE(self);
    if (v->base == NULL) {
        PyMem_Free(v->data);
    }
    Py_XDECREF(v->base);
    Py_XDECREF(v->descr);
    tp->tp_free(self);
    Py_DECREF(tp);
}

/* ------------------------------------------------------------------ */
/* Construction                                                       */
/* ------------------------------------------------------------------ */

static PyObject *str_new_from(PyTypeObject *tp, PyObject *s);
static PyObject *bytes_new_from(PyTypeObject *tp, PyObject *b);

/* A value of numeric type t from any object, NumPy's scalar constructor
 * rules.  Returns 1 with *result set when obj turned into an array (or
 * something other than a plain value), 0 with out filled, -1 on error. */
static int
value_from_object(PyObject *obj, int t, void *out, PyObject **result)
{
    int st = ndm_scalar_typenum(obj);
    *result = NULL;
    if (st >= 0 && st < NDM_NNUMERIC) {
        return cast_with_warnings(st, num_ptr(obj, st), t, out);
    }
    if (ndm_state.ndarray_type && NdmArray_Check(obj)) {
        goto as_array;
    }
    if (PyList_Check(obj) || PyTuple_Check(obj)) {
        goto as_array;
    }
    if (t == NDM_BOOL) {
        int b = PyObject_IsTrue(obj);
        if (b < 0) {
            return -1;
        }
        *(ndm_bool *)out = (ndm_bool)b;
        return 0;
    }
    if (PyList_Check(obj) || PyTuple_Check(obj)) {
        goto as_array;
    }
    if (IS_INT(t)) {
        PyObject *l = PyNumber_Long(obj);
        if (l == NULL) {
            return -1;
        }
        int r = ndm_scalar_pyint_to(l, t, out);
        Py_DECREF(l);
        return r;
    }
    if (IS_FLOAT(t)) {
        double d;
        if (obj == Py_None) {
            d = NAN;
        }
        else if (PyFloat_Check(obj)) {
            d = PyFloat_AS_DOUBLE(obj);
        }
        else {
            PyObject *f = PyNumber_Float(obj);
            if (f == NULL) {
                return -1;
            }
            d = PyFloat_AS_DOUBLE(f);
            Py_DECREF(f);
        }
        int fpe = ndm_scalar_cast(NDM_FLOAT64, &d, t, out);
        return ndm_scalar_fpe_warn(fpe, "cast");
    }
    /* complex */
    {
        Py_complex c;
        if (obj == Py_None) {
            c.real = NAN;
            c.imag = NAN;
        }
        else {
            PyObject *co;
            if (PyBytes_Check(obj)) {
                PyObject *u = PyUnicode_FromEncodedObject(obj, "ascii", "strict");
                if (u == NULL) {
                    return -1;
                }
                co = PyObject_CallOneArg((PyObject *)&PyComplex_Type, u);
                Py_DECREF(u);
            }
            else {
                co = PyObject_CallOneArg((PyObject *)&PyComplex_Type, obj);
            }
            if (co == NULL) {
                return -1;
            }
            c = PyComplex_AsCComplex(co);
            Py_DECREF(co);
        }
        int fpe = ndm_scalar_cast(NDM_COMPLEX128, &c, t, out);
        return ndm_scalar_fpe_warn(fpe, "cast");
    }
as_array: {
        NdmDtype *d = ndm_dtype_builtin(t);
        if (d == NULL) {
            return -1;
        }
        PyObject *arr = ndm_array_from_any(obj, d, 1, 'K', 0);
        Py_DECREF(d);
        if (arr == NULL) {
            return -1;
        }
        if (((NdmArray *)arr)->nd == 0) {
            PyObject *s = ndm_scalar_from_data(((NdmArray *)arr)->descr,
                                               ((NdmArray *)arr)->data, NULL);
            Py_DECREF(arr);
            *result = s;
            return s ? 1 : -1;
        }
        *result = arr;
        return 1;
    }
}

static PyObject *
num_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    int t = type_typenum(type);
    NdmScalarValue v;
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    memset(&v, 0, sizeof v);
    if (t < 0 || t >= NDM_NNUMERIC) {
        PyErr_SetString(PyExc_TypeError, "not a numeric scalar type");
        return NULL;
    }
    if (kwds != NULL && PyDict_GET_SIZE(kwds) > 0) {
        PyErr_Format(PyExc_TypeError, "%s() takes no keyword arguments", type_names[t]);
        return NULL;
    }
    if (IS_COMPLEX(t) && n == 2) {
        PyObject *co = PyObject_Call((PyObject *)&PyComplex_Type, args, NULL);
        if (co == NULL) {
            return NULL;
        }
        Py_complex c = PyComplex_AsCComplex(co);
        Py_DECREF(co);
        ndm_scalar_cast(NDM_COMPLEX128, &c, t, &v);
    }
    else if (n > 1) {
        if (IS_FLOAT(t) || IS_COMPLEX(t)) {
            PyErr_Format(PyExc_TypeError, "%s expected at most %d argument%s, got %zd",
                         IS_COMPLEX(t) ? "complex" : "float", IS_COMPLEX(t) ? 2 : 1,
                         IS_COMPLEX(t) ? "s" : "", n);
        }
        else {
            PyErr_Format(PyExc_TypeError, "function takes at most 1 argument (%zd given)", n);
        }
        return NULL;
    }
    else if (n == 1) {
        PyObject *res;
        int r = value_from_object(PyTuple_GET_ITEM(args, 0), t, &v, &res);
        if (r < 0) {
            return NULL;
        }
        if (r == 1) {
            if (ndm_scalar_typenum(res) == t && !PyType_IsSubtype(Py_TYPE(res), type)) {
                /* a subclass asked for: rebuild with that type */
                PyObject *o = new_of_type(type, t, num_ptr(res, t));
                Py_DECREF(res);
                return o;
            }
            return res;
        }
    }
    if (t == NDM_BOOL && type == ndm_scalar_types[NDM_BOOL]) {
        return bool_scalar(v.b);
    }
    return new_of_type(type, t, &v);
}

static PyObject *
str_new_from(PyTypeObject *tp, PyObject *s)
{
    PyObject *args = PyTuple_Pack(1, s);
    if (args == NULL) {
        return NULL;
    }
    PyObject *r = PyUnicode_Type.tp_new(tp, args, NULL);
    Py_DECREF(args);
    return r;
}

static PyObject *
bytes_new_from(PyTypeObject *tp, PyObject *b)
{
    PyObject *args = PyTuple_Pack(1, b);
    if (args == NULL) {
        return NULL;
    }
    PyObject *r = PyBytes_Type.tp_new(tp, args, NULL);
    Py_DECREF(args);
    return r;
}

static PyObject *
str_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    PyObject *r = PyUnicode_Type.tp_new(type, args, kwds);
    if (r != NULL) {
        ((StrScalar *)r)->obval = NULL;
    }
    return r;
}

static PyObject *
bytes_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    /* NumPy: bytes(obj) when that works, else str(obj) encoded (the value
     * keeps trailing NULs; repr, str and item() drop them) */
    PyObject *b = NULL, *r;
    if (PyTuple_GET_SIZE(args) != 1 || (kwds != NULL && PyDict_GET_SIZE(kwds) > 0)) {
        return PyBytes_Type.tp_new(type, args, kwds);
    }
    PyObject *a = PyTuple_GET_ITEM(args, 0);
    if (PyUnicode_Check(a)) {
        b = PyUnicode_AsASCIIString(a);
    }
    else {
        b = PyObject_CallOneArg((PyObject *)&PyBytes_Type, a);
        if (b == NULL && (PyErr_ExceptionMatches(PyExc_TypeError)
                          || PyErr_ExceptionMatches(PyExc_ValueError))) {
            PyErr_Clear();
            PyObject *s = PyObject_Str(a);
            if (s == NULL) {
                return NULL;
            }
            b = PyUnicode_AsASCIIString(s);
            Py_DECREF(s);
        }
    }
    if (b == NULL) {
        return NULL;
    }
    r = bytes_new_from(type, b);
    Py_DECREF(b);
    return r;
}

static PyObject *
void_new_raw(PyTypeObject *tp, NdmDtype *descr, const char *ptr, PyObject *base)
{
    VoidScalar *v = (VoidScalar *)tp->tp_alloc(tp, 0);
    if (v == NULL) {
        return NULL;
    }
    Py_INCREF(descr);
    v->descr = descr;
    if (base != NULL) {
        Py_INCREF(base);
        v->base = base;
        v->data = (char *)ptr;
    }
    else {
        v->data = PyMem_Malloc(descr->itemsize > 0 ? (size_t)descr->itemsize : 1);
        if (v->data == NULL) {
            Py_DECREF(v);
            PyErr_NoMemory();
            return NULL;
        }
        if (ptr != NULL) {
            memcpy(v->data, ptr, descr->itemsize);
        }
        else {
            memset(v->data, 0, descr->itemsize);
        }
    }
    return (PyObject *)v;
}

static PyObject *
void_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"length_or_data", "dtype", NULL};
    PyObject *obj, *dtobj = NULL;
    NdmDtype *d = NULL;
    PyObject *res = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|O:void", kwlist, &obj, &dtobj)) {
        return NULL;
    }
    if (dtobj != NULL && dtobj != Py_None) {
        d = ndm_dtype_from_object(dtobj);
        if (d == NULL) {
            return NULL;
        }
        if (d->type_num != NDM_VOID) {
            PyErr_SetString(PyExc_TypeError,
                            "void: descr must be a `void.` dtype (got a different dtype)");
            goto fail;
        }
        res = void_new_raw(type, d, NULL, NULL);
        if (res == NULL) {
            goto fail;
        }
        if (PyBytes_Check(obj)) {
            Py_ssize_t n = PyBytes_GET_SIZE(obj);
            memcpy(((VoidScalar *)res)->data, PyBytes_AS_STRING(obj),
                   n < d->itemsize ? n : d->itemsize);
        }
        else if (ndm_dtype_setitem(d, ((VoidScalar *)res)->data, obj) < 0) {
            Py_CLEAR(res);
        }
        Py_DECREF(d);
        return res;
    }
    if (PyLong_Check(obj) || PyIndex_Check(obj)) {
        Py_ssize_t n = PyNumber_AsSsize_t(obj, PyExc_OverflowError);
        if (n == -1 && PyErr_Occurred()) {
            return NULL;
        }
        if (n < 0) {
            PyErr_Format(PyExc_ValueError, "Negative dimensions are not allowed");
            return NULL;
        }
        d = ndm_dtype_new_flexible(NDM_VOID, n);
        if (d == NULL) {
            return NULL;
        }
        res = void_new_raw(type, d, NULL, NULL);
        Py_DECREF(d);
        return res;
    }
    if (PyBytes_Check(obj) || PyByteArray_Check(obj) || PyObject_CheckBuffer(obj)) {
        Py_buffer view;
        if (PyObject_GetBuffer(obj, &view, PyBUF_SIMPLE) < 0) {
            return NULL;
        }
        d = ndm_dtype_new_flexible(NDM_VOID, view.len);
        if (d != NULL) {
            res = void_new_raw(type, d, view.buf, NULL);
            Py_DECREF(d);
        }
        PyBuffer_Release(&view);
        return res;
    }
    PyErr_Format(PyExc_TypeError, "void() argument must be an int or bytes-like, not '%s'",
                 Py_TYPE(obj)->tp_name);
    return NULL;
fail:
    Py_XDECREF(d);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* From array data                                                    */
/* ------------------------------------------------------------------ */

static void
byteswap(char *p, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n / 2; i++) {
        char c = p[i];
        p[i] = p[n - 1 - i];
        p[n - 1 - i] = c;
    }
}

PyObject *
ndm_scalar_from_data(NdmDtype *d, const char *ptr, PyObject *base)
{
    int t = d->type_num;
    if (t >= 0 && t < NDM_NNUMERIC) {
        NdmScalarValue v;
        memcpy(&v, ptr, num_sizes[t]);
        if (!ndm_dtype_isnative(d)) {
            if (IS_COMPLEX(t)) {
                byteswap((char *)&v, num_sizes[t] / 2);
                byteswap((char *)&v + num_sizes[t] / 2, num_sizes[t] / 2);
            }
            else {
                byteswap((char *)&v, num_sizes[t]);
            }
        }
        return ndm_scalar_new(t, &v);
    }
    if (t == NDM_UNICODE) {
        Py_ssize_t n = d->itemsize / 4;
        Py_UCS4 *buf = PyMem_Malloc((n > 0 ? n : 1) * sizeof(Py_UCS4));
        if (buf == NULL) {
            return PyErr_NoMemory();
        }
        memcpy(buf, ptr, n * 4);
        if (!ndm_dtype_isnative(d)) {
            for (Py_ssize_t i = 0; i < n; i++) {
                byteswap((char *)&buf[i], 4);
            }
        }
        while (n > 0 && buf[n - 1] == 0) {
            n--;
        }
        PyObject *u = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, n);
        PyMem_Free(buf);
        if (u == NULL) {
            return NULL;
        }
        PyObject *r = str_new_from(ndm_scalar_types[NDM_UNICODE], u);
        Py_DECREF(u);
        if (r != NULL) {
            ((StrScalar *)r)->obval = NULL;
        }
        return r;
    }
    if (t == NDM_BYTES) {
        Py_ssize_t n = d->itemsize;
        while (n > 0 && ptr[n - 1] == 0) {
            n--;
        }
        PyObject *b = PyBytes_FromStringAndSize(ptr, n);
        if (b == NULL) {
            return NULL;
        }
        PyObject *r = bytes_new_from(ndm_scalar_types[NDM_BYTES], b);
        Py_DECREF(b);
        return r;
    }
    if (t == NDM_VOID) {
        return void_new_raw(ndm_scalar_types[NDM_VOID], d, ptr, base);
    }
    PyErr_SetString(PyExc_TypeError, "unknown dtype for a scalar");
    return NULL;
}

NdmDtype *
ndm_scalar_get_dtype(PyObject *obj)
{
    int t = ndm_scalar_typenum(obj);
    if (t >= 0 && t < NDM_NNUMERIC) {
        return ndm_dtype_builtin(t);
    }
    if (t == NDM_UNICODE) {
        return ndm_dtype_new_flexible(NDM_UNICODE, 4 * PyUnicode_GET_LENGTH(obj));
    }
    if (t == NDM_BYTES) {
        return ndm_dtype_new_flexible(NDM_BYTES, PyBytes_GET_SIZE(obj));
    }
    if (t == NDM_VOID) {
        NdmDtype *d = ((VoidScalar *)obj)->descr;
        Py_INCREF(d);
        return d;
    }
    PyErr_SetString(PyExc_TypeError, "not an ndmem scalar");
    return NULL;
}

const char *
ndm_scalar_data(PyObject *obj)
{
    int t = ndm_scalar_typenum(obj);
    if (t >= 0 && t < NDM_NNUMERIC) {
        return num_ptr(obj, t);
    }
    if (t == NDM_UNICODE) {
        StrScalar *s = (StrScalar *)obj;
        if (s->obval == NULL) {
            Py_ssize_t n = PyUnicode_GET_LENGTH(obj);
            s->obval = PyMem_Malloc((n > 0 ? n : 1) * sizeof(Py_UCS4));
            if (s->obval == NULL) {
                PyErr_NoMemory();
                return NULL;
            }
            if (n > 0 && PyUnicode_AsUCS4(obj, s->obval, n, 0) == NULL) {
                PyMem_Free(s->obval);
                s->obval = NULL;
                return NULL;
            }
        }
        return (const char *)s->obval;
    }
    if (t == NDM_BYTES) {
        return PyBytes_AS_STRING(obj);
    }
    if (t == NDM_VOID) {
        return ((VoidScalar *)obj)->data;
    }
    PyErr_SetString(PyExc_TypeError, "not an ndmem scalar");
    return NULL;
}

/* ------------------------------------------------------------------ */
/* generic: attributes and methods                                    */
/* ------------------------------------------------------------------ */

static PyObject *void_item(VoidScalar *v);
static PyObject *flex_stripped(PyObject *self);

static PyObject *
gen_item_obj(PyObject *self)
{
    int t = ndm_scalar_typenum(self);
    if (t >= 0 && t < NDM_NNUMERIC) {
        return num_to_python(t, num_ptr(self, t));
    }
    if (t == NDM_UNICODE || t == NDM_BYTES) {
        return flex_stripped(self);
    }
    if (t == NDM_VOID) {
        return void_item((VoidScalar *)self);
    }
    PyErr_SetString(PyExc_TypeError, "not an ndmem scalar");
    return NULL;
}

static PyObject *
gen_item(PyObject *self, PyObject *args)
{
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    if (n > 1 || (n == 1 && !(PyTuple_GET_ITEM(args, 0) == Py_None))) {
        /* a.item(0) / a.item((,)) on a 0-d value: only 0 / () allowed */
        PyObject *a = n == 1 ? PyTuple_GET_ITEM(args, 0) : NULL;
        if (n == 1 && PyTuple_Check(a) && PyTuple_GET_SIZE(a) == 0) {
            return gen_item_obj(self);
        }
        if (n == 1 && PyIndex_Check(a)) {
            Py_ssize_t i = PyNumber_AsSsize_t(a, PyExc_IndexError);
            if (i == -1 && PyErr_Occurred()) {
                return NULL;
            }
            if (i == 0 || i == -1) {
                return gen_item_obj(self);
            }
            PyErr_Format(PyExc_IndexError, "index %zd is out of bounds for size 1", i);
            return NULL;
        }
        PyErr_SetString(PyExc_ValueError, "incorrect number of indices for array");
        return NULL;
    }
    return gen_item_obj(self);
}

static PyObject *
gen_tolist(PyObject *self, PyObject *Py_UNUSED(ig))
{
    return gen_item_obj(self);
}

static PyObject *
gen_get_dtype(PyObject *self, void *Py_UNUSED(c))
{
    return (PyObject *)ndm_scalar_get_dtype(self);
}

static Py_ssize_t
gen_itemsize_of(PyObject *self)
{
    int t = ndm_scalar_typenum(self);
    if (t >= 0 && t < NDM_NNUMERIC) {
        return num_sizes[t];
    }
    if (t == NDM_UNICODE) {
        return 4 * PyUnicode_GET_LENGTH(self);
    }
    if (t == NDM_BYTES) {
        return PyBytes_GET_SIZE(self);
    }
    if (t == NDM_VOID) {
        return ((VoidScalar *)self)->descr->itemsize;
    }
    return 0;
}

static PyObject *
gen_get_itemsize(PyObject *self, void *Py_UNUSED(c))
{
    return PyLong_FromSsize_t(gen_itemsize_of(self));
}

static PyObject *
gen_get_shape(PyObject *Py_UNUSED(self), void *Py_UNUSED(c))
{
    return PyTuple_New(0);
}

static PyObject *
gen_get_ndim(PyObject *Py_UNUSED(self), void *Py_UNUSED(c))
{
    return PyLong_FromLong(0);
}

static PyObject *
gen_get_size(PyObject *Py_UNUSED(self), void *Py_UNUSED(c))
{
    return PyLong_FromLong(1);
}

static PyObject *
gen_get_base(PyObject *Py_UNUSED(self), void *Py_UNUSED(c))
{
    Py_RETURN_NONE;
}

static PyObject *
gen_get_T(PyObject *self, void *Py_UNUSED(c))
{
    Py_INCREF(self);
    return self;
}

static PyObject *
real_or_imag(PyObject *self, int imag)
{
    int t = ndm_scalar_typenum(self);
    if (t < 0 || t >= NDM_NNUMERIC) {
        if (!imag) {
            Py_INCREF(self);
            return self;
        }
        NdmDtype *d = ndm_scalar_get_dtype(self);
        if (d == NULL) {
            return NULL;
        }
        char zero[64] = {0};
        PyObject *r = d->itemsize <= 64 ? ndm_scalar_from_data(d, zero, NULL)
                                        : PyLong_FromLong(0);
        Py_DECREF(d);
        return r;
    }
    const char *p = num_ptr(self, t);
    if (t == NDM_COMPLEX64) {
        float f[2];
        memcpy(f, p, 8);
        return ndm_scalar_new(NDM_FLOAT32, &f[imag]);
    }
    if (t == NDM_COMPLEX128) {
        double f[2];
        memcpy(f, p, 16);
        return ndm_scalar_new(NDM_FLOAT64, &f[imag]);
    }
    if (!imag) {
        return ndm_scalar_new(t, p);
    }
    NdmScalarValue z;
    memset(&z, 0, sizeof z);
    return ndm_scalar_new(t, &z);
}

static PyObject *
gen_get_real(PyObject *self, void *Py_UNUSED(c))
{
    return real_or_imag(self, 0);
}

static PyObject *
gen_get_imag(PyObject *self, void *Py_UNUSED(c))
{
    return real_or_imag(self, 1);
}

static PyObject *
gen_conjugate(PyObject *self, PyObject *Py_UNUSED(ig))
{
    int t = ndm_scalar_typenum(self);
    if (IS_COMPLEX(t)) {
        NdmScalarValue v;
        memcpy(&v, num_ptr(self, t), num_sizes[t]);
        if (t == NDM_COMPLEX64) {
            float f[2];
            memcpy(f, &v, 8);
            f[1] = -f[1];
            memcpy(&v, f, 8);
        }
        else {
            double f[2];
            memcpy(f, &v, 16);
            f[1] = -f[1];
            memcpy(&v, f, 16);
        }
        return ndm_scalar_new(t, &v);
    }
    if (t >= 0 && t < NDM_NNUMERIC) {
        return ndm_scalar_new(t, num_ptr(self, t));
    }
    Py_INCREF(self);
    return self;
}

static PyObject *
gen_astype(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"dtype", "order", "casting", "subok", "copy", NULL};
    PyObject *dtobj, *order = NULL, *casting = NULL, *subok = NULL, *copy = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|OOOO:astype", kwlist,
                                     &dtobj, &order, &casting, &subok, &copy)) {
        return NULL;
    }
    NdmDtype *to = ndm_dtype_from_object(dtobj);
    if (to == NULL) {
        return NULL;
    }
    int t = ndm_scalar_typenum(self);
    int tt = to->type_num;
    PyObject *res = NULL;
    if (t >= 0 && t < NDM_NNUMERIC && tt >= 0 && tt < NDM_NNUMERIC) {
        NdmScalarValue v;
        if (cast_with_warnings(t, num_ptr(self, t), tt, &v) == 0) {
            res = ndm_scalar_new(tt, &v);
        }
        Py_DECREF(to);
        return res;
    }
    /* through an array element of the target dtype */
    NdmDtype *from = ndm_scalar_get_dtype(self);
    if (from == NULL) {
        Py_DECREF(to);
        return NULL;
    }
    Py_ssize_t shape0 = 0;
    PyObject *arr = ndm_array_new(ndm_state.ndarray_type, from, 0, &shape0, NULL, NULL, 0, NULL);
    if (arr != NULL) {
        const char *p = ndm_scalar_data(self);
        if (p == NULL) {
            Py_CLEAR(arr);
        }
        else {
            memcpy(((NdmArray *)arr)->data, p, ((NdmArray *)arr)->descr->itemsize);
        }
    }
    if (arr == NULL) {
        Py_DECREF(to);
        return NULL;
    }
    PyObject *conv = PyObject_CallMethod(arr, "astype", "O", (PyObject *)to);
    Py_DECREF(arr);
    Py_DECREF(to);
    if (conv == NULL) {
        return NULL;
    }
    if (ndm_state.ndarray_type && NdmArray_Check(conv) && ((NdmArray *)conv)->nd == 0) {
        res = ndm_scalar_from_data(((NdmArray *)conv)->descr, ((NdmArray *)conv)->data, NULL);
        Py_DECREF(conv);
        return res;
    }
    return conv;
}

static PyObject *
gen_reduce(PyObject *self, PyObject *Py_UNUSED(ig))
{
    int t = ndm_scalar_typenum(self);
    if (t == NDM_VOID) {
        VoidScalar *v = (VoidScalar *)self;
        PyObject *fn = PyObject_GetAttrString(ndm_state.module, "_scalar_from_bytes");
        if (fn == NULL) {
            return NULL;
        }
        PyObject *b = PyBytes_FromStringAndSize(v->data, v->descr->itemsize);
        if (b == NULL) {
            Py_DECREF(fn);
            return NULL;
        }
        return Py_BuildValue("N(ON)", fn, (PyObject *)v->descr, b);
    }
    PyObject *val = gen_item_obj(self);
    if (val == NULL) {
        return NULL;
    }
    return Py_BuildValue("O(N)", (PyObject *)Py_TYPE(self), val);
}

static PyObject *
scalar_from_bytes(PyObject *Py_UNUSED(mod), PyObject *args)
{
    PyObject *dtobj;
    Py_buffer b;
    if (!PyArg_ParseTuple(args, "Oy*:_scalar_from_bytes", &dtobj, &b)) {
        return NULL;
    }
    NdmDtype *d = ndm_dtype_from_object(dtobj);
    PyObject *r = NULL;
    if (d != NULL) {
        if (b.len != d->itemsize) {
            PyErr_SetString(PyExc_ValueError, "wrong number of bytes for the dtype");
        }
        else {
            r = ndm_scalar_from_data(d, b.buf, NULL);
        }
        Py_DECREF(d);
    }
    PyBuffer_Release(&b);
    return r;
}

static PyObject *
gen_round(PyObject *self, PyObject *args)
{
    PyObject *nd = Py_None;
    if (!PyArg_ParseTuple(args, "|O:__round__", &nd)) {
        return NULL;
    }
    int t = ndm_scalar_typenum(self);
    if (t < 0 || t >= NDM_NNUMERIC) {
        PyErr_SetString(PyExc_TypeError, "type does not define __round__ method");
        return NULL;
    }
    const char *p = num_ptr(self, t);
    if (IS_COMPLEX(t) || t == NDM_BOOL) {
        PyErr_Format(PyExc_TypeError, "type %s doesn't define __round__ method",
                     Py_TYPE(self)->tp_name);
        return NULL;
    }
    if (nd == Py_None) {
        if (IS_FLOAT(t)) {
            double d;
            ndm_scalar_cast(t, p, NDM_FLOAT64, &d);
            PyObject *f = PyFloat_FromDouble(d);
            if (f == NULL) {
                return NULL;
            }
            PyObject *r = PyObject_CallMethod(f, "__round__", NULL);
            Py_DECREF(f);
            return r;
        }
        return num_to_python(t, p);
    }
    long decimals = PyLong_AsLong(nd);
    if (decimals == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (!IS_FLOAT(t) && decimals >= 0) {
        return ndm_scalar_new(t, p);
    }
    double x;
    ndm_scalar_cast(t, p, NDM_FLOAT64, &x);
    double y;
    if (decimals >= 0) {
        double f = pow(10.0, (double)decimals);
        y = nearbyint(x * f) / f;
        if (t == NDM_FLOAT32) {
            float ff = (float)pow(10.0, (double)decimals);
            float xf = (float)x;
            y = nearbyintf(xf * ff) / ff;
        }
    }
    else {
        double f = pow(10.0, (double)-decimals);
        y = nearbyint(x / f) * f;
    }
    NdmScalarValue v;
    if (cast_with_warnings(NDM_FLOAT64, &y, t, &v) < 0) {
        return NULL;
    }
    return ndm_scalar_new(t, &v);
}

static PyObject *
gen_complex(PyObject *self, PyObject *Py_UNUSED(ig))
{
    int t = ndm_scalar_typenum(self);
    if (t < 0 || t >= NDM_NNUMERIC) {
        PyErr_SetString(PyExc_TypeError, "not a number");
        return NULL;
    }
    double c[2];
    ndm_scalar_cast(t, num_ptr(self, t), NDM_COMPLEX128, c);
    return PyComplex_FromDoubles(c[0], c[1]);
}

static PyObject *
float_is_integer(PyObject *self, PyObject *Py_UNUSED(ig))
{
    int t = ndm_scalar_typenum(self);
    double d;
    ndm_scalar_cast(t, num_ptr(self, t), NDM_FLOAT64, &d);
    return PyBool_FromLong(isfinite(d) && floor(d) == d);
}

static PyObject *
gen_array_priority(PyObject *Py_UNUSED(self), void *Py_UNUSED(c))
{
    return PyFloat_FromDouble(-1000000.0);
}

static PyObject *
gen_get_strides(PyObject *Py_UNUSED(self), void *Py_UNUSED(c))
{
    return PyTuple_New(0);
}

static PyObject *
gen_get_nbytes(PyObject *self, void *Py_UNUSED(c))
{
    return PyLong_FromSsize_t(gen_itemsize_of(self));
}

/* ---- NumPy's generic methods: run on a 0-d array, 0-d results back to
 * scalars (PyArray_Return) ---- */

static PyObject *
scalar_as_array(PyObject *self)
{
    NdmDtype *d = ndm_scalar_get_dtype(self);
    if (d == NULL) {
        return NULL;
    }
    Py_ssize_t itemsize = d->itemsize;
    PyObject *arr = ndm_array_new(ndm_state.ndarray_type, d, 0, NULL, NULL, NULL, 0, NULL);
    if (arr == NULL) {
        return NULL;
    }
    const char *p = ndm_scalar_data(self);
    if (p == NULL) {
        Py_DECREF(arr);
        return NULL;
    }
    memcpy(((NdmArray *)arr)->data, p, itemsize);
    ((NdmArray *)arr)->flags &= ~NDM_WRITEABLE;
    return arr;
}

static PyObject *
array_return(PyObject *r)
{
    if (r != NULL && ndm_state.ndarray_type && NdmArray_CheckExact(r)
            && ((NdmArray *)r)->nd == 0) {
        PyObject *s = ndm_scalar_from_data(((NdmArray *)r)->descr, ((NdmArray *)r)->data, NULL);
        Py_DECREF(r);
        return s;
    }
    return r;
}

static PyObject *
forward_method(PyObject *self, const char *name, PyObject *args, PyObject *kwds)
{
    PyObject *arr = scalar_as_array(self);
    if (arr == NULL) {
        return NULL;
    }
    PyObject *meth = PyObject_GetAttrString(arr, name);
    Py_DECREF(arr);
    if (meth == NULL) {
        return NULL;
    }
    PyObject *r = PyObject_Call(meth, args, kwds);
    Py_DECREF(meth);
    return array_return(r);
}

#define FORWARD(name)                                                        \
static PyObject *                                                          \
fw_##name(PyObject *self, PyObject *args, PyObject *kwds)                  \
{                                                                          \
    return forward_method(self, #name, args, kwds);                        \
}
#define FORWARD_DEF(name)                                                    \
    {#name, (PyCFunction)(void (*)(void))fw_##name, METH_VARARGS | METH_KEYWORDS, \
     "As ndarray." #name " on a 0-d array."},

#define FORWARDED(X) X(all) X(any) X(argmax) X(argmin) X(argsort) X(byteswap)  \
    X(clip) X(copy) X(cumprod) X(cumsum) X(diagonal) X(fill) X(flatten)       \
    X(max) X(mean) X(min) X(nonzero) X(prod) X(ravel) X(repeat) X(reshape)     \
    X(round) X(searchsorted) X(sort) X(squeeze) X(std) X(sum) X(swapaxes)     \
    X(take) X(tobytes) X(tofile) X(transpose) X(var) X(view)

FORWARDED(FORWARD)

/* NumPy's gentype_getarray: a fresh writeable 0-d array (not a scalar),
 * the dtype positional only (None given means float64 there, as
 * np.dtype(None)), no copy= keyword. */
static PyObject *
gen_dunder_array(PyObject *self, PyObject *args)
{
    PyObject *dtype = NULL;
    if (!PyArg_ParseTuple(args, "|O:__array__", &dtype)) {
        return NULL;
    }
    PyObject *arr = scalar_as_array(self);
    if (arr == NULL) {
        return NULL;
    }
    PyObject *r = PyObject_CallMethod(arr, "astype", "OssOO", dtype == NULL
                                      ? (PyObject *)((NdmArray *)arr)->descr : dtype,
                                      "C", "unsafe", Py_False, Py_True);
    Py_DECREF(arr);
    return r;
}

static PyObject *
forward_attr(PyObject *self, const char *name)
{
    PyObject *arr = scalar_as_array(self);
    if (arr == NULL) {
        return NULL;
    }
    PyObject *r = PyObject_GetAttrString(arr, name);
    Py_DECREF(arr);
    return r;
}

static PyObject *
gen_get_flags(PyObject *self, void *Py_UNUSED(c))
{
    return forward_attr(self, "flags");
}

static PyObject *
gen_get_data(PyObject *self, void *Py_UNUSED(c))
{
    return forward_attr(self, "data");
}

static PyObject *
gen_get_array_interface(PyObject *self, void *Py_UNUSED(c))
{
    PyObject *arr = scalar_as_array(self);
    if (arr == NULL) {
        return NULL;
    }
    /* The data must live as long as the consumer keeps the scalar (NumPy's
     * asarray keeps the object, not the dict): point into the scalar's own
     * value, read-only.  '__ref' as NumPy's dict has it. */
    const char *own = ndm_scalar_data(self);
    PyObject *r = own == NULL ? NULL : PyObject_GetAttrString(arr, "__array_interface__");
    PyObject *data = r == NULL ? NULL : Py_BuildValue("(NO)", PyLong_FromVoidPtr((void *)own),
                                                      Py_True);
    if (data == NULL || !PyDict_Check(r) || PyDict_SetItemString(r, "data", data) < 0
            || PyDict_SetItemString(r, "__ref", arr) < 0) {
        Py_CLEAR(r);
    }
    Py_XDECREF(data);
    Py_DECREF(arr);
    return r;
}

/* format(x, spec): NumPy formats the Python value (bool, int, float,
 * complex). */
static PyObject *
gen_format(PyObject *self, PyObject *args)
{
    PyObject *spec;
    if (!PyArg_ParseTuple(args, "U:__format__", &spec)) {
        return NULL;
    }
    int t = ndm_scalar_typenum(self);
    PyObject *obj;
    if (t >= 0 && t < NDM_NNUMERIC) {
        obj = num_to_python(t, num_ptr(self, t));
    }
    else {
        obj = PyObject_Str(self);
    }
    if (obj == NULL) {
        return NULL;
    }
    PyObject *r = PyObject_Format(obj, spec);
    Py_DECREF(obj);
    return r;
}

/* x[()] is x, x[...] a 0-d array; anything else IndexError. */
static PyObject *
num_subscript(PyObject *self, PyObject *key)
{
    if (PyTuple_Check(key) && PyTuple_GET_SIZE(key) == 0) {
        Py_INCREF(self);
        return self;
    }
    if (key == Py_Ellipsis) {
        PyObject *arr = scalar_as_array(self);
        if (arr != NULL) {
            ((NdmArray *)arr)->flags |= NDM_WRITEABLE;
        }
        return arr;
    }
    PyErr_SetString(PyExc_IndexError, "invalid index to scalar variable.");
    return NULL;
}

static PyObject *gen_copy(PyObject *self, PyObject *args);

static PyMethodDef gen_methods[] = {
    {"item", (PyCFunction)gen_item, METH_VARARGS, "The value as a Python object."},
    {"tolist", (PyCFunction)gen_tolist, METH_NOARGS, "The value as a Python object."},
    {"conjugate", (PyCFunction)gen_conjugate, METH_NOARGS, "Complex conjugate."},
    {"conj", (PyCFunction)gen_conjugate, METH_NOARGS, "Complex conjugate."},
    {"astype", (PyCFunction)(void (*)(void))gen_astype, METH_VARARGS | METH_KEYWORDS,
     "The value cast to dtype, as a scalar."},
    {"__reduce__", (PyCFunction)gen_reduce, METH_NOARGS, "Pickle support."},
    {"__round__", (PyCFunction)gen_round, METH_VARARGS, "round(x[, ndigits])"},
    {"__format__", (PyCFunction)gen_format, METH_VARARGS, "format(x, spec)"},
    {"__copy__", (PyCFunction)gen_copy, METH_NOARGS, "copy.copy(x)"},
    {"__deepcopy__", (PyCFunction)gen_copy, METH_O, "copy.deepcopy(x)"},
    FORWARDED(FORWARD_DEF)
    {"__array__", (PyCFunction)gen_dunder_array, METH_VARARGS,
     "A 0-d array of the value: __array__([dtype])."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef gen_getset[] = {
    {"dtype", gen_get_dtype, NULL, "The scalar's dtype.", NULL},
    {"itemsize", gen_get_itemsize, NULL, "Bytes per element.", NULL},
    {"nbytes", gen_get_nbytes, NULL, "Bytes of the value.", NULL},
    {"shape", gen_get_shape, NULL, "()", NULL},
    {"strides", gen_get_strides, NULL, "()", NULL},
    {"ndim", gen_get_ndim, NULL, "0", NULL},
    {"size", gen_get_size, NULL, "1", NULL},
    {"base", gen_get_base, NULL, "None", NULL},
    {"T", gen_get_T, NULL, "The scalar itself.", NULL},
    {"real", gen_get_real, NULL, "Real part.", NULL},
    {"imag", gen_get_imag, NULL, "Imaginary part.", NULL},
    {"__array_priority__", gen_array_priority, NULL, "Lower than arrays.", NULL},
    {"flags", gen_get_flags, NULL, "Flags of the value (read-only).", NULL},
    {"data", gen_get_data, NULL, "A memoryview of the value.", NULL},
    {"__array_interface__", gen_get_array_interface, NULL, "Array interface.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef number_methods[] = {
    {"__complex__", (PyCFunction)gen_complex, METH_NOARGS, "complex(x)"},
    {NULL, NULL, 0, NULL},
};

static PyObject *
float_as_integer_ratio(PyObject *self, PyObject *Py_UNUSED(ig))
{
    int t = ndm_scalar_typenum(self);
    double d;
    ndm_scalar_cast(t, num_ptr(self, t), NDM_FLOAT64, &d);
    PyObject *f = PyFloat_FromDouble(d);
    if (f == NULL) {
        return NULL;
    }
    PyObject *r = PyObject_CallMethod(f, "as_integer_ratio", NULL);
    Py_DECREF(f);
    return r;
}

static PyObject *
int_is_integer(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(ig))
{
    Py_RETURN_TRUE;
}

static PyObject *
gen_copy(PyObject *self, PyObject *Py_UNUSED(args))
{
    int t = ndm_scalar_typenum(self);
    if (t >= 0 && t < NDM_NNUMERIC) {
        return ndm_scalar_new(t, num_ptr(self, t));
    }
    Py_INCREF(self);
    return self;
}

static PyMethodDef floating_methods[] = {
    {"is_integer", (PyCFunction)float_is_integer, METH_NOARGS,
     "True if the value is finite and integral."},
    {"as_integer_ratio", (PyCFunction)float_as_integer_ratio, METH_NOARGS,
     "The value as a ratio of two Python ints."},
    {NULL, NULL, 0, NULL},
};

static PyMethodDef integer_methods[] = {
    {"is_integer", (PyCFunction)int_is_integer, METH_NOARGS, "Always True."},
    {NULL, NULL, 0, NULL},
};

/* ------------------------------------------------------------------ */
/* Number conversions and hashing                                     */
/* ------------------------------------------------------------------ */

static PyObject *
num_int(PyObject *self)
{
    int t = ndm_scalar_typenum(self);
    const char *p = num_ptr(self, t);
    if (IS_FLOAT(t) || IS_COMPLEX(t)) {
        double d[2];
        if (IS_COMPLEX(t)) {
            if (cast_with_warnings(t, p, NDM_FLOAT64, d) < 0) {
                return NULL;
            }
        }
        else {
            ndm_scalar_cast(t, p, NDM_FLOAT64, d);
        }
        return PyLong_FromDouble(d[0]);
    }
    if (t == NDM_BOOL) {
        return PyLong_FromLong(((NumScalar *)self)->v.b != 0);
    }
    return num_to_python(t, p);
}

static PyObject *
num_float(PyObject *self)
{
    int t = ndm_scalar_typenum(self);
    double d;
    if (IS_COMPLEX(t)) {
        if (cast_with_warnings(t, num_ptr(self, t), NDM_FLOAT64, &d) < 0) {
            return NULL;
        }
    }
    else {
        ndm_scalar_cast(t, num_ptr(self, t), NDM_FLOAT64, &d);
    }
    return PyFloat_FromDouble(d);
}

static int
num_bool(PyObject *self)
{
    int t = ndm_scalar_typenum(self);
    ndm_bool b;
    ndm_scalar_cast(t, num_ptr(self, t), NDM_BOOL, &b);
    return b != 0;
}

static PyObject *
num_index(PyObject *self)
{
    int t = ndm_scalar_typenum(self);
    return num_to_python(t, num_ptr(self, t));
}

static Py_hash_t
num_hash(PyObject *self)
{
    int t = ndm_scalar_typenum(self);
    const char *p = num_ptr(self, t);
    if (IS_FLOAT(t)) {
        double d;
        ndm_scalar_cast(t, p, NDM_FLOAT64, &d);
        return _Py_HashDouble(self, d);
    }
    PyObject *o = num_to_python(t, p);
    if (o == NULL) {
        return -1;
    }
    Py_hash_t h = PyObject_Hash(o);
    Py_DECREF(o);
    return h;
}

/* ------------------------------------------------------------------ */
/* str_ and bytes_                                                    */
/* ------------------------------------------------------------------ */

/* The exact str/bytes value without trailing NULs (as NumPy shows it). */
static PyObject *
flex_stripped(PyObject *self)
{
    if (PyUnicode_Check(self)) {
        Py_ssize_t n = PyUnicode_GET_LENGTH(self);
        while (n > 0 && PyUnicode_READ_CHAR(self, n - 1) == 0) {
            n--;
        }
        return PyUnicode_Substring(self, 0, n);
    }
    Py_ssize_t n = PyBytes_GET_SIZE(self);
    const char *p = PyBytes_AS_STRING(self);
    while (n > 0 && p[n - 1] == 0) {
        n--;
    }
    return PyBytes_FromStringAndSize(p, n);
}

static PyObject *
str_str(PyObject *self)
{
    PyObject *plain = flex_stripped(self);
    if (plain == NULL || PyUnicode_Check(plain)) {
        return plain;
    }
    PyObject *r = PyObject_Str(plain);
    Py_DECREF(plain);
    return r;
}

static PyObject *
flex_repr(PyObject *self)
{
    int t = ndm_scalar_typenum(self);
    PyObject *plain = flex_stripped(self);
    if (plain == NULL) {
        return NULL;
    }
    PyObject *base = PyObject_Repr(plain);
    Py_DECREF(plain);
    if (base == NULL) {
        return NULL;
    }
    PyObject *r = PyUnicode_FromFormat("np.%s(%U)", type_names[t], base);
    Py_DECREF(base);
    return r;
}

/* ------------------------------------------------------------------ */
/* void                                                               */
/* ------------------------------------------------------------------ */

static PyObject *
void_field_info(VoidScalar *v, PyObject *key, NdmDtype **fd, Py_ssize_t *off)
{
    NdmDtype *d = v->descr;
    PyObject *name = key;
    if (!ndm_dtype_is_structured(d) || d->fields == NULL) {
        PyErr_SetString(PyExc_IndexError, "invalid index");
        return NULL;
    }
    if (!PyUnicode_Check(key)) {
        if (!PyIndex_Check(key)) {
            PyErr_SetString(PyExc_IndexError, "invalid index");
            return NULL;
        }
        Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
        if (i == -1 && PyErr_Occurred()) {
            return NULL;
        }
        Py_ssize_t n = PyTuple_GET_SIZE(d->names);
        Py_ssize_t j = i < 0 ? i + n : i;
        if (j < 0 || j >= n) {
            PyErr_Format(PyExc_IndexError, "invalid index (%zd)", i);
            return NULL;
        }
        name = PyTuple_GET_ITEM(d->names, j);
    }
    PyObject *info = PyDict_GetItemWithError(d->fields, name);
    if (info == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_Format(PyExc_ValueError, "no field of name %S", name);
        }
        return NULL;
    }
    if (!PyTuple_Check(info) || PyTuple_GET_SIZE(info) < 2
            || !NdmDtype_Check(PyTuple_GET_ITEM(info, 0))) {
        PyErr_SetString(PyExc_RuntimeError, "malformed fields of a structured dtype");
        return NULL;
    }
    *fd = (NdmDtype *)PyTuple_GET_ITEM(info, 0);
    *off = PyLong_AsSsize_t(PyTuple_GET_ITEM(info, 1));
    if (*off == -1 && PyErr_Occurred()) {
        return NULL;
    }
    return name;
}

static PyObject *
void_getitem(PyObject *self, PyObject *key)
{
    VoidScalar *v = (VoidScalar *)self;
    NdmDtype *fd;
    Py_ssize_t off;
    if (!PyList_Check(key)) {
        if (void_field_info(v, key, &fd, &off) == NULL) {
            return NULL;
        }
        NdmDtype *sub_base;
        PyObject *sub_shape;
        if (!ndm_dtype_subarray(fd, &sub_base, &sub_shape)) {
            return ndm_scalar_from_data(fd, v->data + off, v->base ? v->base : self);
        }
    }
    /* field lists and subarray fields: NumPy indexes a 0-d array over the
     * scalar's bytes (voidtype_subscript), so the result views the array
     * the scalar came from */
    int writeable = v->base != NULL && NdmArray_Check(v->base)
                    && (((NdmArray *)v->base)->flags & NDM_WRITEABLE);
    Py_INCREF(v->descr);
    PyObject *zero_d = ndm_array_new(ndm_state.ndarray_type, v->descr, 0, NULL, NULL,
                                     v->data, writeable ? NDM_WRITEABLE : 0, self);
    if (zero_d == NULL) {
        return NULL;
    }
    PyObject *res = ndm_index_get((NdmArray *)zero_d, key);
    Py_DECREF(zero_d);
    if (res != NULL && NdmArray_Check(res) && ((NdmArray *)res)->nd == 0) {
        NdmArray *r = (NdmArray *)res;
        PyObject *item = ndm_scalar_from_data(r->descr, r->data, res);
        Py_DECREF(res);
        return item;
    }
    return res;
}

static int
void_setitem(PyObject *self, PyObject *key, PyObject *value)
{
    VoidScalar *v = (VoidScalar *)self;
    NdmDtype *fd;
    Py_ssize_t off;
    if (value == NULL) {
        PyErr_SetString(PyExc_ValueError, "cannot delete a field of a void scalar");
        return -1;
    }
    if (void_field_info(v, key, &fd, &off) == NULL) {
        return -1;
    }
    if (v->base != NULL && ndm_state.ndarray_type && NdmArray_Check(v->base)
            && ndm_array_fail_unless_writeable((NdmArray *)v->base) < 0) {
        return -1;
    }
    return ndm_dtype_setitem(fd, v->data + off, value);
}

static Py_ssize_t
void_length(PyObject *self)
{
    VoidScalar *v = (VoidScalar *)self;
    if (v->descr->names == NULL) {
        return 0;
    }
    return PyTuple_GET_SIZE(v->descr->names);
}

static PyObject *
void_item(VoidScalar *v)
{
    NdmDtype *d = v->descr;
    if (!ndm_dtype_is_structured(d)) {
        return PyBytes_FromStringAndSize(v->data, d->itemsize);
    }
    Py_ssize_t n = PyTuple_GET_SIZE(d->names);
    PyObject *tup = PyTuple_New(n);
    if (tup == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        NdmDtype *fd;
        Py_ssize_t off;
        PyObject *item;
        if (void_field_info(v, PyTuple_GET_ITEM(d->names, i), &fd, &off) == NULL) {
            goto fail;
        }
        NdmDtype *sub_base;
        PyObject *sub_shape;
        if (ndm_dtype_subarray(fd, &sub_base, &sub_shape)) {
            /* NumPy's item of a subarray field is an array */
            item = void_getitem((PyObject *)v, PyTuple_GET_ITEM(d->names, i));
        }
        else if (fd->type_num == NDM_VOID) {
            PyObject *sub = ndm_scalar_from_data(fd, v->data + off, NULL);
            if (sub == NULL) {
                goto fail;
            }
            item = void_item((VoidScalar *)sub);
            Py_DECREF(sub);
        }
        else {
            item = ndm_dtype_toobject(fd, v->data + off);
        }
        if (item == NULL) {
            goto fail;
        }
        PyTuple_SET_ITEM(tup, i, item);
    }
    return tup;
fail:
    Py_DECREF(tup);
    return NULL;
}

static PyObject *
void_bytes_text(VoidScalar *v)
{
    /* b'\x61\x62': every byte hex-escaped, as NumPy prints void */
    Py_ssize_t n = v->descr->itemsize;
    PyObject *w = PyUnicode_New(3 + 4 * n, 127);
    if (w == NULL) {
        return NULL;
    }
    char *s = (char *)PyUnicode_DATA(w);
    static const char hex[] = "0123456789ABCDEF";
    s[0] = 'b';
    s[1] = '\'';
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v->data[i];
        s[2 + 4 * i] = '\\';
        s[3 + 4 * i] = 'x';
        s[4 + 4 * i] = hex[c >> 4];
        s[5 + 4 * i] = hex[c & 15];
    }
    s[2 + 4 * n] = '\'';
    return w;
}

/* The value text of a structured void: (field, field, ...), each field
 * as NumPy's StructuredVoidFormat prints it with float_kind=str. */
static PyObject *
void_value_text(VoidScalar *v)
{
    NdmDtype *d = v->descr;
    if (!ndm_dtype_is_structured(d)) {
        return void_bytes_text(v);
    }
    Py_ssize_t n = PyTuple_GET_SIZE(d->names);
    PyObject *parts = PyList_New(0), *res = NULL, *sep = NULL;
    if (parts == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        NdmDtype *fd;
        Py_ssize_t off;
        PyObject *text = NULL;
        if (void_field_info(v, PyTuple_GET_ITEM(d->names, i), &fd, &off) == NULL) {
            goto fail;
        }
        PyObject *sc = ndm_scalar_from_data(fd, v->data + off, NULL);
        if (sc == NULL) {
            goto fail;
        }
        int ft = fd->type_num;
        if (ft == NDM_VOID) {
            text = void_value_text((VoidScalar *)sc);
        }
        else if (ft == NDM_UNICODE || ft == NDM_BYTES) {
            PyObject *plain = gen_item_obj(sc);
            text = plain ? PyObject_Repr(plain) : NULL;
            Py_XDECREF(plain);
        }
        else {
            text = PyObject_Str(sc);
        }
        Py_DECREF(sc);
        if (text == NULL || PyList_Append(parts, text) < 0) {
            Py_XDECREF(text);
            goto fail;
        }
        Py_DECREF(text);
    }
    sep = PyUnicode_FromString(", ");
    if (sep == NULL) {
        goto fail;
    }
    PyObject *joined = PyUnicode_Join(sep, parts);
    if (joined == NULL) {
        goto fail;
    }
    res = PyUnicode_FromFormat(n == 1 ? "(%U,)" : "(%U)", joined);
    Py_DECREF(joined);
fail:
    Py_XDECREF(sep);
    Py_DECREF(parts);
    return res;
}

/* NumPy's C code calls arrayprint's _void_scalar_to_string for structured
 * voids; ndmem's printing module has the same helper.  NULL without an
 * exception when it is not available (then the C text is used). */
static PyObject *
void_text_from_print(PyObject *self, int is_repr)
{
    if (!ndm_dtype_is_structured(((VoidScalar *)self)->descr)) {
        return NULL;
    }
    PyObject *mod = PyImport_ImportModule("ndmem._print");
    if (mod == NULL) {
        PyErr_Clear();
        return NULL;
    }
    PyObject *fn = PyObject_GetAttrString(mod, "_void_scalar_to_string");
    Py_DECREF(mod);
    if (fn == NULL) {
        PyErr_Clear();
        return NULL;
    }
    PyObject *r = PyObject_CallFunction(fn, "OO", self, is_repr ? Py_True : Py_False);
    Py_DECREF(fn);
    if (r == NULL) {
        PyErr_Clear();
    }
    return r;
}

static PyObject *
void_str(PyObject *self)
{
    PyObject *r = void_text_from_print(self, 0);
    if (r != NULL) {
        return r;
    }
    return void_value_text((VoidScalar *)self);
}

static PyObject *
void_repr(PyObject *self)
{
    PyObject *pr = void_text_from_print(self, 1);
    if (pr != NULL) {
        return pr;
    }
    VoidScalar *v = (VoidScalar *)self;
    PyObject *val = void_value_text(v);
    if (val == NULL) {
        return NULL;
    }
    if (!ndm_dtype_is_structured(v->descr)) {
        PyObject *r = PyUnicode_FromFormat("np.void(%U)", val);
        Py_DECREF(val);
        return r;
    }
    PyObject *ds = PyObject_Str((PyObject *)v->descr);
    if (ds == NULL) {
        Py_DECREF(val);
        return NULL;
    }
    PyObject *r = PyUnicode_FromFormat("np.void(%U, dtype=%U)", val, ds);
    Py_DECREF(val);
    Py_DECREF(ds);
    return r;
}

static PyObject *
void_richcompare(PyObject *a, PyObject *b, int op)
{
    if ((op != Py_EQ && op != Py_NE) || ndm_scalar_typenum(b) != NDM_VOID
            || ndm_scalar_typenum(a) != NDM_VOID) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    VoidScalar *x = (VoidScalar *)a, *y = (VoidScalar *)b;
    int eq;
    if (!ndm_dtype_is_structured(x->descr) || !ndm_dtype_is_structured(y->descr)) {
        eq = x->descr->itemsize == y->descr->itemsize
             && memcmp(x->data, y->data, x->descr->itemsize) == 0;
    }
    else {
        PyObject *ix = void_item(x), *iy = ix ? void_item(y) : NULL;
        if (iy == NULL) {
            Py_XDECREF(ix);
            return NULL;
        }
        eq = PyObject_RichCompareBool(ix, iy, Py_EQ);
        Py_DECREF(ix);
        Py_DECREF(iy);
        if (eq < 0) {
            return NULL;
        }
    }
    return bool_scalar(op == Py_EQ ? eq : !eq);
}

static Py_hash_t
void_hash(PyObject *self)
{
    PyObject *it = void_item((VoidScalar *)self);
    if (it == NULL) {
        return -1;
    }
    Py_hash_t h = PyObject_Hash(it);
    Py_DECREF(it);
    return h;
}

/* ------------------------------------------------------------------ */
/* Type creation                                                      */
/* ------------------------------------------------------------------ */

static PyType_Slot generic_slots[] = {
    {Py_tp_methods, gen_methods},
    {Py_tp_getset, gen_getset},
    {Py_tp_doc, (void *)"Base class for ndmem scalar types (numpy.generic)."},
    {0, NULL},
};

static PyType_Slot number_slots[] = {
    {Py_tp_methods, number_methods},
    {0, NULL},
};

static PyType_Slot floating_slots[] = {
    {Py_tp_methods, floating_methods},
    {0, NULL},
};

static PyType_Slot integer_slots[] = {
    {Py_tp_methods, integer_methods},
    {0, NULL},
};

static PyType_Slot empty_slots[] = {
    {0, NULL},
};

static PyObject *
make_type(const char *name, int basicsize, int itemsize, unsigned flags,
          PyType_Slot *slots, PyObject *bases)
{
    PyType_Spec spec = {
        .name = name,
        .basicsize = basicsize,
        .itemsize = itemsize,
        .flags = flags,
        .slots = slots,
    };
    return PyType_FromSpecWithBases(&spec, bases);
}

#define MAX_SLOTS 64

static int
append_slots(PyType_Slot *dst, int n, const PyType_Slot *src)
{
    for (; src->slot != 0; src++) {
        if (n >= MAX_SLOTS - 1) {
            break;
        }
        dst[n++] = *src;
    }
    dst[n].slot = 0;
    dst[n].pfunc = NULL;
    return n;
}

static PyMethodDef module_functions[] = {
    {"_scalar_from_bytes", scalar_from_bytes, METH_VARARGS,
     "Rebuild a scalar from its dtype and bytes (pickle support)."},
    {NULL, NULL, 0, NULL},
};

static int
add_alias(PyObject *module, const char *alias, int t)
{
    return PyModule_AddObjectRef(module, alias, (PyObject *)ndm_scalar_types[t]);
}

int
ndm_scalar_init(PyObject *module)
{
    PyObject *bases = NULL;
    char names_buf[NDM_NTYPES][40];

    for (int a = 0; a < A_N; a++) {
        PyType_Slot *slots = a == A_GENERIC ? generic_slots
                           : a == A_NUMBER ? number_slots
                           : a == A_FLOATING ? floating_slots
                           : a == A_INTEGER ? integer_slots : empty_slots;
        if (abstract_parent[a] >= 0) {
            bases = PyTuple_Pack(1, (PyObject *)abstract_types[abstract_parent[a]]);
            if (bases == NULL) {
                return -1;
            }
        }
        PyObject *tp = make_type(abstract_names[a], (int)sizeof(PyObject), 0,
                                 Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE
                                 | Py_TPFLAGS_DISALLOW_INSTANTIATION, slots, bases);
        Py_CLEAR(bases);
        if (tp == NULL) {
            return -1;
        }
        abstract_types[a] = (PyTypeObject *)tp;
        if (PyModule_AddObjectRef(module, abstract_names[a] + 6, tp) < 0) {
            return -1;
        }
    }

    static PyType_Slot common_num[] = {
        {Py_tp_new, num_new},
        {Py_tp_dealloc, num_dealloc},
        {Py_tp_repr, num_repr},
        {Py_tp_str, num_str},
        {Py_tp_hash, num_hash},
        {Py_tp_richcompare, ndm_scalarmath_richcompare},
        {Py_nb_int, num_int},
        {Py_nb_float, num_float},
        {Py_nb_bool, num_bool},
        {Py_mp_subscript, num_subscript},
        {0, NULL},
    };
    static PyType_Slot index_slot[] = {
        {Py_nb_index, num_index},
        {0, NULL},
    };

    for (int t = 0; t < NDM_NTYPES; t++) {
        PyObject *parent;
        PyObject *pybase = NULL;
        int basicsize = (int)sizeof(NumScalar);
        int itemsize = 0;
        PyType_Slot slots[MAX_SLOTS];
        int ns = 0;
        slots[0].slot = 0;
        slots[0].pfunc = NULL;
        snprintf(names_buf[t], sizeof names_buf[t], "ndmem.%s", type_names[t]);
        if (t < NDM_NNUMERIC) {
            ns = append_slots(slots, ns, common_num);
            ns = append_slots(slots, ns, ndm_scalarmath_slots);
            if (IS_INT(t)) {
                ns = append_slots(slots, ns, index_slot);
            }
        }
        if (t == NDM_BOOL) {
            parent = (PyObject *)abstract_types[A_GENERIC];
        }
        else if (IS_INT(t)) {
            parent = (PyObject *)abstract_types[IS_SIGNED(t) ? A_SIGNED : A_UNSIGNED];
        }
        else if (IS_FLOAT(t)) {
            parent = (PyObject *)abstract_types[A_FLOATING];
            if (t == NDM_FLOAT64) {
                pybase = (PyObject *)&PyFloat_Type;
                basicsize = (int)sizeof(PyFloatObject);
            }
        }
        else if (IS_COMPLEX(t)) {
            parent = (PyObject *)abstract_types[A_COMPLEX];
            if (t == NDM_COMPLEX128) {
                pybase = (PyObject *)&PyComplex_Type;
                basicsize = (int)sizeof(PyComplexObject);
            }
        }
        else if (t == NDM_UNICODE) {
            parent = (PyObject *)abstract_types[A_CHARACTER];
            pybase = (PyObject *)&PyUnicode_Type;
            basicsize = (int)sizeof(StrScalar);
            PyType_Slot s[] = {
                {Py_tp_new, str_new}, {Py_tp_dealloc, str_dealloc},
                {Py_tp_repr, flex_repr}, {Py_tp_str, str_str}, {0, NULL},
            };
            ns = append_slots(slots, ns, s);
        }
        else if (t == NDM_BYTES) {
            parent = (PyObject *)abstract_types[A_CHARACTER];
            pybase = (PyObject *)&PyBytes_Type;
            basicsize = 0;
            itemsize = 0;
            PyType_Slot s[] = {
                {Py_tp_new, bytes_new}, {Py_tp_dealloc, bytes_dealloc},
                {Py_tp_repr, flex_repr}, {Py_tp_str, str_str}, {0, NULL},
            };
            ns = append_slots(slots, ns, s);
        }
        else {
            parent = (PyObject *)abstract_types[A_FLEXIBLE];
            basicsize = (int)sizeof(VoidScalar);
            PyType_Slot s[] = {
                {Py_tp_new, void_new}, {Py_tp_dealloc, void_dealloc},
                {Py_tp_repr, void_repr}, {Py_tp_str, void_str},
                {Py_mp_subscript, void_getitem}, {Py_mp_ass_subscript, void_setitem},
                {Py_mp_length, void_length}, {Py_sq_length, void_length},
                {Py_tp_richcompare, void_richcompare}, {Py_tp_hash, void_hash},
                {0, NULL},
            };
            ns = append_slots(slots, ns, s);
        }
        if (pybase == NULL) {
            bases = PyTuple_Pack(1, parent);
        }
        else if (t == NDM_UNICODE || t == NDM_BYTES) {
            bases = PyTuple_Pack(2, pybase, parent);
        }
        else {
            bases = PyTuple_Pack(2, parent, pybase);
        }
        if (bases == NULL) {
            return -1;
        }
        /* the name must outlive the type: PyType_FromSpec copies it */
        PyObject *tp = make_type(names_buf[t], basicsize, itemsize,
                                 Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, slots, bases);
        Py_CLEAR(bases);
        if (tp == NULL) {
            return -1;
        }
        ndm_scalar_types[t] = (PyTypeObject *)tp;
        if (PyModule_AddObjectRef(module, type_names[t], tp) < 0) {
            return -1;
        }
    }

    /* the bool singletons */
    for (int i = 0; i < 2; i++) {
        PyTypeObject *bt = ndm_scalar_types[NDM_BOOL];
        PyObject *o = bt->tp_alloc(bt, 0);
        if (o == NULL) {
            return -1;
        }
        ((NumScalar *)o)->v.b = (ndm_bool)i;
        bool_values[i] = o;
    }

    if (PyModule_AddObjectRef(module, "bool_", (PyObject *)ndm_scalar_types[NDM_BOOL]) < 0
            || PyModule_AddObjectRef(module, "True_", bool_values[1]) < 0
            || PyModule_AddObjectRef(module, "False_", bool_values[0]) < 0) {
        return -1;
    }
    static const struct { const char *alias; int t; } aliases[] = {
        {"byte", NDM_INT8}, {"ubyte", NDM_UINT8}, {"short", NDM_INT16},
        {"ushort", NDM_UINT16}, {"intc", NDM_INT32}, {"uintc", NDM_UINT32},
        {"int_", NDM_INT64}, {"intp", NDM_INT64}, {"uintp", NDM_UINT64},
        {"long", NDM_INT64}, {"ulong", NDM_UINT64}, {"longlong", NDM_INT64},
        {"ulonglong", NDM_UINT64}, {"half", NDM_FLOAT16}, {"single", NDM_FLOAT32},
        {"double", NDM_FLOAT64}, {"csingle", NDM_COMPLEX64}, {"cdouble", NDM_COMPLEX128},
    };
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (add_alias(module, aliases[i].alias, aliases[i].t) < 0) {
            return -1;
        }
    }
    if (ndm_complex_warning == NULL) {
        ndm_complex_warning = PyErr_NewExceptionWithDoc(
            "ndmem.exceptions.ComplexWarning",
            "Casting a complex value to a real type discards its imaginary part.",
            PyExc_RuntimeWarning, NULL);
        if (ndm_complex_warning == NULL) {
            return -1;
        }
    }
    if (PyModule_AddObjectRef(module, "_ComplexWarning", ndm_complex_warning) < 0) {
        return -1;
    }
    if (PyModule_AddFunctions(module, module_functions) < 0) {
        return -1;
    }

    /* link the builtin descriptors to their scalar types */
    for (int t = 0; t < NDM_NNUMERIC; t++) {
        NdmDtype *d = ndm_dtype_builtin(t);
        if (d == NULL) {
            return -1;
        }
        if (d->scalar_type == NULL) {
            Py_INCREF(ndm_scalar_types[t]);
            d->scalar_type = ndm_scalar_types[t];
        }
        Py_DECREF(d);
    }
    return 0;
}
