/* Scalar conversions: half floats, casts between scalar types (with
 * NumPy's warnings and floating-point flags), Python ints into integer
 * types, numeric values as Python objects. */
#include "scalar.h"
#include "scalar_internal.h"
#include "ufunc.h"
#include <complex.h>
#include <math.h>
#include <float.h>

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
    memcpy(&v, p, ndm_scalar_num_sizes[t]);
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
        memcpy(dst, &v, ndm_scalar_num_sizes[t]);
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
    memcpy(dst, &v, ndm_scalar_num_sizes[t]);
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
int
ndm_scalar_cast_with_warnings(int from, const void *src, int to, void *dst)
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
                     v, ndm_scalar_type_names[t]);
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
    memcpy(out, &r, ndm_scalar_num_sizes[t]);
    return 0;
too_large:
    PyErr_SetString(PyExc_OverflowError, "Python int too large to convert to C long");
    return -1;
}

/* ------------------------------------------------------------------ */
/* Values as Python objects                                           */
/* ------------------------------------------------------------------ */

PyObject *
ndm_scalar_num_to_python(int t, const void *p)
{
    NdmScalarValue v;
    memcpy(&v, p, ndm_scalar_num_sizes[t]);
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
