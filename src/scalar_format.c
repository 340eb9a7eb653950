/* str() and repr() of the numeric scalars as NumPy 2 writes them: the
 * shortest round-tripping digits, positional or scientific. */
#include "scalar.h"
#include "scalar_internal.h"
#include <complex.h>
#include <math.h>
#include <float.h>
#include <stdlib.h>
#include <stdio.h>

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
    memcpy(&v, p, ndm_scalar_num_sizes[t]);
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
        PyObject *o = ndm_scalar_num_to_python(t, p);
        if (o == NULL) {
            return NULL;
        }
        PyObject *s = PyObject_Str(o);
        Py_DECREF(o);
        return s;
    }
    }
}

PyObject *
ndm_scalar_num_str(PyObject *self)
{
    int t = ndm_scalar_typenum(self);
    return num_str_text(t, num_ptr(self, t));
}

PyObject *
ndm_scalar_num_repr(PyObject *self)
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
    r = PyUnicode_FromFormat("np.%s(%U)", ndm_scalar_type_names[t], s);
    Py_DECREF(s);
    return r;
}
