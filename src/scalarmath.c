/* Scalar arithmetic (NumPy's scalarmath): binary and unary operators and
 * comparisons between ndmem scalars and Python scalars, NEP 50 promotion,
 * NumPy's integer wrap-around and floating-point warnings. */
#include "scalar.h"
#include "ndarray.h"
#include "ufunc.h"
#include <complex.h>
#include <fenv.h>
#include <float.h>
#include <math.h>

static const int sizes[NDM_NNUMERIC] = {1, 1, 1, 2, 2, 4, 4, 8, 8, 2, 4, 8, 8, 16};

enum {
    OP_ADD, OP_SUB, OP_MUL, OP_TRUEDIV, OP_FLOORDIV, OP_MOD, OP_DIVMOD,
    OP_POW, OP_LSHIFT, OP_RSHIFT, OP_AND, OP_OR, OP_XOR, NOPS
};

static const char *op_ufunc[NOPS] = {
    "add", "subtract", "multiply", "divide", "floor_divide", "remainder",
    "divmod", "power", "left_shift", "right_shift", "bitwise_and",
    "bitwise_or", "bitwise_xor",
};

/* np.promote_types over the numeric type numbers (NumPy 2). */
static const signed char promote[NDM_NNUMERIC][NDM_NNUMERIC] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13},
    {1, 1, 3, 3, 5, 5, 7, 7, 11, 9, 10, 11, 12, 13},
    {2, 3, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13},
    {3, 3, 3, 3, 5, 5, 7, 7, 11, 10, 10, 11, 12, 13},
    {4, 5, 4, 5, 4, 5, 6, 7, 8, 10, 10, 11, 12, 13},
    {5, 5, 5, 5, 5, 5, 7, 7, 11, 11, 11, 11, 13, 13},
    {6, 7, 6, 7, 6, 7, 6, 7, 8, 11, 11, 11, 13, 13},
    {7, 7, 7, 7, 7, 7, 7, 7, 11, 11, 11, 11, 13, 13},
    {8, 11, 8, 11, 8, 11, 8, 11, 8, 11, 11, 11, 13, 13},
    {9, 9, 9, 10, 10, 11, 11, 11, 11, 9, 10, 11, 12, 13},
    {10, 10, 10, 10, 10, 11, 11, 11, 11, 10, 10, 11, 12, 13},
    {11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 13, 13},
    {12, 12, 12, 12, 12, 13, 13, 13, 13, 12, 12, 13, 12, 13},
    {13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13},
};

#define IS_INT(t) ((t) >= NDM_INT8 && (t) <= NDM_UINT64)
#define IS_INTLIKE(t) ((t) >= NDM_BOOL && (t) <= NDM_UINT64)
#define IS_SIGNED(t) ((t) == NDM_INT8 || (t) == NDM_INT16 || (t) == NDM_INT32 || (t) == NDM_INT64)
#define IS_FLOAT(t) ((t) >= NDM_FLOAT16 && (t) <= NDM_FLOAT64)
#define IS_COMPLEX(t) ((t) == NDM_COMPLEX64 || (t) == NDM_COMPLEX128)

#define F_DIV0 NDM_FPE_DIVIDEBYZERO
#define F_OVF NDM_FPE_OVERFLOW
#define F_INV NDM_FPE_INVALID

typedef struct {
    int t;          /* type number (weak: the Python type's default) */
    int weak;       /* 0, or 'i' 'f' 'c' for a Python int/float/complex */
    int py;         /* a Python scalar (bool included) */
    PyObject *obj;
    NdmScalarValue v;
} Opnd;

/* 1: usable operand, 0: not ours (NotImplemented). */
static int
classify(PyObject *o, Opnd *r)
{
    int t = ndm_scalar_typenum(o);
    r->obj = o;
    r->weak = 0;
    r->py = 1;
    if (t >= 0) {
        if (t >= NDM_NNUMERIC) {
            return 0;
        }
        r->t = t;
        r->py = 0;
        memcpy(&r->v, ndm_scalar_data(o), sizes[t]);
        return 1;
    }
    if (PyBool_Check(o)) {
        r->t = NDM_BOOL;
        r->v.b = o == Py_True;
        return 1;
    }
    if (PyLong_Check(o)) {
        r->t = NDM_INT64;
        r->weak = 'i';
        return 1;
    }
    if (PyFloat_Check(o)) {
        r->t = NDM_FLOAT64;
        r->weak = 'f';
        return 1;
    }
    if (PyComplex_Check(o)) {
        r->t = NDM_COMPLEX128;
        r->weak = 'c';
        return 1;
    }
    return 0;
}

/* Does NumPy compute a op b in scalarmath (1) or through the ufunc (0)?
 * The left ndmem scalar's implementation runs first: bool has none
 * (the ufunc runs); a Python scalar or a scalar that casts safely to its
 * type is converted; a scalar of a type it casts safely to gets the
 * operation (deferral); anything else needs promotion: the ufunc. */
static int
use_scalar_path(const Opnd *a, const Opnd *b, int R)
{
    const Opnd *self = a->py ? b : a, *other = a->py ? a : b;
    for (int k = 0; k < 2; k++) {
        if (self->t == NDM_BOOL) {
            return 0;
        }
        if (other->py) {
            return R == self->t;
        }
        int p = promote[self->t][other->t];
        if (p == self->t) {
            return 1;
        }
        if (p != other->t) {
            return 0;
        }
        const Opnd *tmp = self;
        self = other;
        other = tmp;
    }
    return 0;
}

static int
result_type(const Opnd *a, const Opnd *b)
{
    if (!a->weak && !b->weak) {
        return promote[a->t][b->t];
    }
    const Opnd *s = a->weak ? b : a;
    const Opnd *w = a->weak ? a : b;
    if (w->weak == 'i') {
        return s->t == NDM_BOOL ? NDM_INT64 : s->t;
    }
    if (w->weak == 'f') {
        return IS_INTLIKE(s->t) ? NDM_FLOAT64 : s->t;
    }
    if (IS_COMPLEX(s->t)) {
        return s->t;
    }
    if (s->t == NDM_FLOAT16 || s->t == NDM_FLOAT32) {
        return NDM_COMPLEX64;
    }
    return NDM_COMPLEX128;
}

/* The operand's value in type R; *fpe collects cast flags. */
static int
load(const Opnd *o, int R, void *out, int *fpe)
{
    if (!o->weak) {
        *fpe |= ndm_scalar_cast(o->t, &o->v, R, out);
        return 0;
    }
    if (o->weak == 'i') {
        if (IS_INTLIKE(R)) {
            return ndm_scalar_pyint_to(o->obj, R, out);
        }
        double d = PyLong_AsDouble(o->obj);
        if (d == -1.0 && PyErr_Occurred()) {
            return -1;
        }
        *fpe |= ndm_scalar_cast(NDM_FLOAT64, &d, R, out);
        return 0;
    }
    if (o->weak == 'f') {
        double d = PyFloat_AsDouble(o->obj);
        if (d == -1.0 && PyErr_Occurred()) {
            return -1;
        }
        *fpe |= ndm_scalar_cast(NDM_FLOAT64, &d, R, out);
        return 0;
    }
    Py_complex c = PyComplex_AsCComplex(o->obj);
    if (c.real == -1.0 && PyErr_Occurred()) {
        return -1;
    }
    *fpe |= ndm_scalar_cast(NDM_COMPLEX128, &c, R, out);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Floating-point status                                              */
/* ------------------------------------------------------------------ */

/* Testing the status is far cheaper than clearing it on x86 (NumPy's
 * npy_clear_floatstatus_barrier does the same). */
static void
fpe_clear(void)
{
    const int all = FE_DIVBYZERO | FE_OVERFLOW | FE_INVALID | FE_UNDERFLOW;
    if (fetestexcept(all)) {
        feclearexcept(all);
    }
}

static int
fpe_get(void)
{
    int s = fetestexcept(FE_DIVBYZERO | FE_OVERFLOW | FE_UNDERFLOW | FE_INVALID);
    int f = 0;
    if (s & FE_UNDERFLOW) {
        f |= NDM_FPE_UNDERFLOW;
    }
    if (s & FE_DIVBYZERO) {
        f |= F_DIV0;
    }
    if (s & FE_OVERFLOW) {
        f |= F_OVF;
    }
    if (s & FE_INVALID) {
        f |= F_INV;
    }
    fpe_clear();
    return f;
}

/* ------------------------------------------------------------------ */
/* Integer kernels                                                    */
/* ------------------------------------------------------------------ */

static inline int isneg_s(int64_t x) { return x < 0; }
static inline int isneg_u(uint64_t x) { (void)x; return 0; }

#define INT_KERNEL(NAME, T, UT, SIGNED, MIN, BITS, NEG)                    \
static int                                                                 \
NAME(int op, T a, T b, T *r1, T *r2)                                       \
{                                                                          \
    int f = 0;                                                             \
    *r2 = 0;                                                               \
    switch (op) {                                                          \
    case OP_ADD:                                                           \
        if (__builtin_add_overflow(a, b, r1)) f |= F_OVF;                  \
        break;                                                             \
    case OP_SUB:                                                           \
        if (__builtin_sub_overflow(a, b, r1)) f |= F_OVF;                  \
        break;                                                             \
    case OP_MUL:                                                           \
        if (__builtin_mul_overflow(a, b, r1)) f |= F_OVF;                  \
        break;                                                             \
    case OP_FLOORDIV:                                                      \
    case OP_MOD:                                                           \
    case OP_DIVMOD: {                                                      \
        if (b == 0) {                                                      \
            f |= F_DIV0;                                                   \
            *r1 = 0;                                                       \
            break;                                                         \
        }                                                                  \
        if (SIGNED && a == (T)(MIN) && b == (T)-1) {                       \
            if (op != OP_MOD) f |= F_OVF;                                  \
            *r1 = op == OP_MOD ? 0 : (T)(MIN);                             \
            *r2 = 0;                                                       \
            break;                                                         \
        }                                                                  \
        T q = (T)(a / b), m = (T)(a % b);                                  \
        if (SIGNED && m != 0 && (NEG(m) != NEG(b))) {                    \
            q = (T)(q - 1);                                                \
            m = (T)(m + b);                                                \
        }                                                                  \
        if (op == OP_MOD) {                                                \
            *r1 = m;                                                       \
        }                                                                  \
        else {                                                             \
            *r1 = q;                                                       \
            *r2 = m;                                                       \
        }                                                                  \
        break;                                                             \
    }                                                                      \
    case OP_POW: {                                                         \
        UT base = (UT)a, res = 1;                                          \
        UT e = (UT)b;                                                      \
        while (e) {                                                        \
            if (e & 1) res = (UT)(res * base);                             \
            base = (UT)(base * base);                                      \
            e >>= 1;                                                       \
        }                                                                  \
        *r1 = (T)res;                                                      \
        break;                                                             \
    }                                                                      \
    case OP_LSHIFT:                                                        \
        if (NEG(b)) *r1 = 0;                                      \
        else if ((uint64_t)b >= BITS) *r1 = 0;                             \
        else *r1 = (T)((UT)a << b);                                        \
        break;                                                             \
    case OP_RSHIFT:                                                        \
        if (NEG(b) || (uint64_t)b >= BITS)                      \
            *r1 = NEG(a) ? (T)-1 : 0;                           \
        else *r1 = (T)(a >> b);                                            \
        break;                                                             \
    case OP_AND: *r1 = a & b; break;                                       \
    case OP_OR: *r1 = a | b; break;                                        \
    case OP_XOR: *r1 = a ^ b; break;                                       \
    default: *r1 = 0; break;                                               \
    }                                                                      \
    return f;                                                              \
}

INT_KERNEL(k_int8, int8_t, uint8_t, 1, INT8_MIN, 8, isneg_s)
INT_KERNEL(k_uint8, uint8_t, uint8_t, 0, 0, 8, isneg_u)
INT_KERNEL(k_int16, int16_t, uint16_t, 1, INT16_MIN, 16, isneg_s)
INT_KERNEL(k_uint16, uint16_t, uint16_t, 0, 0, 16, isneg_u)
INT_KERNEL(k_int32, int32_t, uint32_t, 1, INT32_MIN, 32, isneg_s)
INT_KERNEL(k_uint32, uint32_t, uint32_t, 0, 0, 32, isneg_u)
INT_KERNEL(k_int64, int64_t, uint64_t, 1, INT64_MIN, 64, isneg_s)
INT_KERNEL(k_uint64, uint64_t, uint64_t, 0, 0, 64, isneg_u)

static int
int_binop(int R, int op, const NdmScalarValue *a, const NdmScalarValue *b,
          NdmScalarValue *r1, NdmScalarValue *r2)
{
    switch (R) {
    case NDM_INT8: return k_int8(op, a->i8, b->i8, &r1->i8, &r2->i8);
    case NDM_UINT8: return k_uint8(op, a->u8, b->u8, &r1->u8, &r2->u8);
    case NDM_INT16: return k_int16(op, a->i16, b->i16, &r1->i16, &r2->i16);
    case NDM_UINT16: return k_uint16(op, a->u16, b->u16, &r1->u16, &r2->u16);
    case NDM_INT32: return k_int32(op, a->i32, b->i32, &r1->i32, &r2->i32);
    case NDM_UINT32: return k_uint32(op, a->u32, b->u32, &r1->u32, &r2->u32);
    case NDM_INT64: return k_int64(op, a->i64, b->i64, &r1->i64, &r2->i64);
    default: return k_uint64(op, a->u64, b->u64, &r1->u64, &r2->u64);
    }
}

/* ------------------------------------------------------------------ */
/* Floating kernels (NumPy's npy_divmod / floor_divide / remainder)   */
/* ------------------------------------------------------------------ */

#define FLOAT_KERNEL(NAME, T, SFX)                                         \
static T                                                                   \
NAME##_divmod(T a, T b, T *modulus)                                        \
{                                                                          \
    T mod = fmod##SFX(a, b);                                               \
    if (!b) {                                                              \
        *modulus = mod;                                                    \
        return a / b;                                                      \
    }                                                                      \
    T div = (a - mod) / b;                                                 \
    if (mod) {                                                             \
        if (isless(b, 0) != isless(mod, 0)) {                              \
            mod += b;                                                      \
            div -= 1;                                                      \
        }                                                                  \
    }                                                                      \
    else {                                                                 \
        mod = copysign##SFX(0, b);                                         \
    }                                                                      \
    T floordiv;                                                            \
    if (div) {                                                             \
        floordiv = floor##SFX(div);                                        \
        if (isgreater(div - floordiv, (T)0.5)) floordiv += 1;              \
    }                                                                      \
    else {                                                                 \
        floordiv = copysign##SFX(0, a / b);                                \
    }                                                                      \
    *modulus = mod;                                                        \
    return floordiv;                                                       \
}                                                                          \
static void                                                                \
NAME(int op, T x, T y, T *r1, T *r2)                                       \
{                                                                          \
    volatile T a = x, b = y;                                               \
    volatile T o1 = 0, o2 = 0;                                             \
    T m;                                                                   \
    switch (op) {                                                          \
    case OP_ADD: o1 = a + b; break;                                        \
    case OP_SUB: o1 = a - b; break;                                        \
    case OP_MUL: o1 = a * b; break;                                        \
    case OP_TRUEDIV: o1 = a / b; break;                                    \
    case OP_FLOORDIV:                                                      \
        if (!b) {                                                          \
            o1 = a / b;                                                    \
        }                                                                  \
        else {                                                             \
            o1 = NAME##_divmod(a, b, &m);                                  \
        }                                                                  \
        break;                                                             \
    case OP_MOD:                                                           \
        /* npy_remainder: the quotient is dead code once inlined */        \
        m = fmod##SFX(a, b);                                               \
        if (b) {                                                           \
            if (m) {                                                       \
                if (isless(b, 0) != isless(m, 0)) m += b;                  \
            }                                                              \
            else {                                                         \
                m = copysign##SFX(0, b);                                   \
            }                                                              \
        }                                                                  \
        o1 = m;                                                            \
        break;                                                             \
    case OP_DIVMOD:                                                        \
        o1 = NAME##_divmod(a, b, &m);                                      \
        o2 = m;                                                            \
        break;                                                             \
    case OP_POW:                                                           \
        o1 = pow##SFX(a, b);                                               \
        break;                                                             \
    default: break;                                                        \
    }                                                                      \
    *r1 = o1;                                                              \
    *r2 = o2;                                                              \
}

FLOAT_KERNEL(k_float, float, f)
FLOAT_KERNEL(k_double, double, )

/* ------------------------------------------------------------------ */
/* Complex kernels                                                    */
/* ------------------------------------------------------------------ */

#define COMPLEX_KERNEL(NAME, T, SFX, CT, CPOW)                             \
static void                                                                \
NAME##_div(T ar, T ai, T br, T bi, T *rr, T *ri)                           \
{                                                                          \
    T abs_br = fabs##SFX(br), abs_bi = fabs##SFX(bi);                      \
    volatile T outr, outi;                                                 \
    if (abs_br >= abs_bi) {                                                \
        if (abs_br == 0 && abs_bi == 0) {                                  \
            outr = ar / abs_br;                                            \
            outi = ai / abs_br;                                            \
        }                                                                  \
        else {                                                             \
            T rat = bi / br;                                               \
            T scl = (T)1.0 / (br + bi * rat);                              \
            outr = (ar + ai * rat) * scl;                                  \
            outi = (ai - ar * rat) * scl;                                  \
        }                                                                  \
    }                                                                      \
    else {                                                                 \
        T rat = br / bi;                                                   \
        T scl = (T)1.0 / (bi + br * rat);                                  \
        outr = (ar * rat + ai) * scl;                                      \
        outi = (ai * rat - ar) * scl;                                      \
    }                                                                      \
    *rr = outr;                                                            \
    *ri = outi;                                                            \
}                                                                          \
static void                                                                \
NAME##_mul(T ar, T ai, T br, T bi, T *rr, T *ri)                           \
{                                                                          \
    volatile T r = ar * br - ai * bi, i = ar * bi + ai * br;               \
    *rr = r;                                                               \
    *ri = i;                                                               \
}                                                                          \
static void                                                                \
NAME##_pow(T ar, T ai, T br, T bi, T *rr, T *ri)                           \
{                                                                          \
    intptr_t n;                                                            \
    if (br == 0 && bi == 0) {                                              \
        *rr = 1;                                                           \
        *ri = 0;                                                           \
        return;                                                            \
    }                                                                      \
    if (ar == 0 && ai == 0) {                                              \
        if (br > 0) {                                                      \
            *rr = 0;                                                       \
            *ri = 0;                                                       \
        }                                                                  \
        else {                                                             \
            volatile T tmp = INFINITY;                                     \
            *rr = NAN;                                                     \
            *ri = NAN;                                                     \
            tmp -= INFINITY;                                               \
            (void)tmp;                                                     \
        }                                                                  \
        return;                                                            \
    }                                                                      \
    if (bi == 0 && br > -1e9 && br < 1e9 && (n = (intptr_t)br) == br) {    \
        if (n == 1) {                                                      \
            *rr = ar;                                                      \
            *ri = ai;                                                      \
            return;                                                        \
        }                                                                  \
        if (n == 2) {                                                      \
            NAME##_mul(ar, ai, ar, ai, rr, ri);                            \
            return;                                                        \
        }                                                                  \
        if (n == 3) {                                                      \
            T sr, si;                                                      \
            NAME##_mul(ar, ai, ar, ai, &sr, &si);                          \
            NAME##_mul(sr, si, ar, ai, rr, ri);                            \
            return;                                                        \
        }                                                                  \
        if (n > -100 && n < 100) {                                         \
            intptr_t mask = 1;                                             \
            T aar = 1, aai = 0, pr = ar, pi = ai;                          \
            if (n < 0) n = -n;                                             \
            while (1) {                                                    \
                if (n & mask) NAME##_mul(aar, aai, pr, pi, &aar, &aai);    \
                mask <<= 1;                                                \
                if (n < mask || mask <= 0) break;                          \
                NAME##_mul(pr, pi, pr, pi, &pr, &pi);                      \
            }                                                              \
            if (br < 0) {                                                  \
                NAME##_div(1, 0, aar, aai, rr, ri);                        \
            }                                                              \
            else {                                                         \
                *rr = aar;                                                 \
                *ri = aai;                                                 \
            }                                                              \
            return;                                                        \
        }                                                                  \
    }                                                                      \
    CT z = CPOW(CMPLX_##NAME(ar, ai), CMPLX_##NAME(br, bi));               \
    *rr = creal##SFX(z);                                                   \
    *ri = cimag##SFX(z);                                                   \
}                                                                          \
static void                                                                \
NAME(int op, T ar, T ai, T br, T bi, T *rr, T *ri)                         \
{                                                                          \
    volatile T r = 0, i = 0;                                               \
    T xr, xi;                                                              \
    switch (op) {                                                          \
    case OP_ADD: r = ar + br; i = ai + bi; break;                          \
    case OP_SUB: r = ar - br; i = ai - bi; break;                          \
    case OP_MUL: NAME##_mul(ar, ai, br, bi, &xr, &xi); r = xr; i = xi; break; \
    case OP_TRUEDIV: NAME##_div(ar, ai, br, bi, &xr, &xi); r = xr; i = xi; break; \
    case OP_POW: NAME##_pow(ar, ai, br, bi, &xr, &xi); r = xr; i = xi; break; \
    default: break;                                                        \
    }                                                                      \
    *rr = r;                                                               \
    *ri = i;                                                               \
}

#define CMPLX_k_cfloat(a, b) CMPLXF((a), (b))
#define CMPLX_k_cdouble(a, b) CMPLX((a), (b))

COMPLEX_KERNEL(k_cfloat, float, f, float _Complex, cpowf)
COMPLEX_KERNEL(k_cdouble, double, , double _Complex, cpow)

/* ------------------------------------------------------------------ */
/* Binary operators                                                   */
/* ------------------------------------------------------------------ */

static PyObject *
ufunc_type_error(int op)
{
    PyErr_Format(PyExc_TypeError,
                 "ufunc '%s' not supported for the input types, and the inputs could "
                 "not be safely coerced to any supported types according to the "
                 "casting rule ''safe''", op_ufunc[op]);
    return NULL;
}

static int
op_warn(int flags, int op)
{
    char name[40];
    if (!flags) {
        return 0;
    }
    snprintf(name, sizeof name, "scalar %s", op_ufunc[op]);
    return ndm_scalar_fpe_warn(flags, name);
}

/* NumPy runs the ufunc for a scalar with a list or tuple operand. */
static PyObject *
sequence_fallback(PyObject *x, PyObject *y, int op)
{
    return ndm_ufunc_binary(op_ufunc[op], x, y);
}

static int
is_sequence_operand(PyObject *o)
{
    return PyList_Check(o) || PyTuple_Check(o);
}

/* ------------------------------------------------------------------ */
/* Fast paths: float64 and int64 with their own kind or a Python scalar */
/* ------------------------------------------------------------------ */

/* A Python int that fits in int64 (no exception either way). */
static int
small_int(PyObject *o, int64_t *out)
{
    int ovf;
    long long v = PyLong_AsLongLongAndOverflow(o, &ovf);
    if (ovf || (v == -1 && PyErr_Occurred())) {
        PyErr_Clear();
        return 0;
    }
    *out = v;
    return 1;
}

/* Both operands as doubles when the result is float64 by the scalar path:
 * a float64 with a float64, a Python float or a Python int (never bool). */
static int
f64_pair(PyObject *x, PyObject *y, double *p, double *q)
{
    PyTypeObject *f64 = ndm_scalar_types[NDM_FLOAT64];
    PyObject *o;
    int64_t i;
    if (Py_IS_TYPE(x, f64)) {
        *p = PyFloat_AS_DOUBLE(x);
        o = y;
    }
    else if (Py_IS_TYPE(y, f64)) {
        *q = PyFloat_AS_DOUBLE(y);
        o = x;
        q = p;
    }
    else {
        return 0;
    }
    if (Py_IS_TYPE(o, f64) || PyFloat_CheckExact(o)) {
        *q = PyFloat_AS_DOUBLE(o);
        return 1;
    }
    return PyLong_CheckExact(o) && small_int(o, &i) ? (*q = (double)i, 1) : 0;
}

/* Both operands as int64 when the result is int64 by the scalar path:
 * an int64 with an int64 or a Python int that fits (never bool). */
static int
i64_pair(PyObject *x, PyObject *y, int64_t *p, int64_t *q)
{
    PyTypeObject *i64 = ndm_scalar_types[NDM_INT64];
    PyObject *o;
    if (Py_IS_TYPE(x, i64)) {
        *p = ((NdmNumScalar *)x)->v.i64;
        o = y;
    }
    else if (Py_IS_TYPE(y, i64)) {
        *q = ((NdmNumScalar *)y)->v.i64;
        o = x;
        q = p;
    }
    else {
        return 0;
    }
    if (Py_IS_TYPE(o, i64)) {
        *q = ((NdmNumScalar *)o)->v.i64;
        return 1;
    }
    return PyLong_CheckExact(o) && small_int(o, q);
}

/* x op y for + - * / (and ** for floats) on float64 or int64 without the general machinery;
 * NULL without an exception when the general path must run (other
 * types or ops, and any result that could carry a warning: non-finite
 * floats, integer overflow, division). */
static PyObject *
binop_fast(PyObject *x, PyObject *y, int op)
{
    double p, q, r;
    if (f64_pair(x, y, &p, &q)) {
        switch (op) {
        case OP_ADD: r = p + q; break;
        case OP_SUB: r = p - q; break;
        case OP_MUL: r = p * q; break;
        case OP_TRUEDIV:
            if (q == 0.0) {
                return NULL;
            }
            r = p / q;
            break;
        case OP_POW:
            /* pow(nan, 0) is 1: a signalling NaN would still raise */
            if (isnan(p) || isnan(q)) {
                return NULL;
            }
            r = pow(p, q);
            break;
        default: return NULL;
        }
        /* a finite result raised no flag the general path would report,
         * unless tiny: a product, quotient or power may have underflowed
         * (a tiny sum or difference is exact) */
        if (!isfinite(r) || (fabs(r) < DBL_MIN && op != OP_ADD && op != OP_SUB)) {
            return NULL;
        }
        return ndm_scalar_new(NDM_FLOAT64, &r);
    }
    int64_t i, j, k;
    if (i64_pair(x, y, &i, &j)) {
        int ovf;
        switch (op) {
        case OP_ADD: ovf = __builtin_add_overflow(i, j, &k); break;
        case OP_SUB: ovf = __builtin_sub_overflow(i, j, &k); break;
        case OP_MUL: ovf = __builtin_mul_overflow(i, j, &k); break;
        default: return NULL;
        }
        return ovf ? NULL : ndm_scalar_new(NDM_INT64, &k);
    }
    return NULL;
}

static PyObject *
binop(PyObject *x, PyObject *y, int op)
{
    Opnd a, b;
    NdmScalarValue va, vb, r1, r2;
    int fpe = 0;
    PyObject *quick = binop_fast(x, y, op);
    if (quick != NULL || PyErr_Occurred()) {
        return quick;
    }
    if (!classify(x, &a) || !classify(y, &b)) {
        if (op == OP_MUL) {
            /* a sequence times a scalar: Python's repeat (through
             * __index__), as NumPy defers it */
            Py_RETURN_NOTIMPLEMENTED;
        }
        if ((is_sequence_operand(x) && ndm_scalar_check(y))
                || (is_sequence_operand(y) && ndm_scalar_check(x))) {
            int t = ndm_scalar_typenum(ndm_scalar_check(x) ? x : y);
            if (IS_COMPLEX(t) && (op == OP_FLOORDIV || op == OP_MOD || op == OP_DIVMOD)) {
                /* NumPy's complex scalars have no floor division at all */
                Py_RETURN_NOTIMPLEMENTED;
            }
            return sequence_fallback(x, y, op);
        }
        Py_RETURN_NOTIMPLEMENTED;
    }
    int R = result_type(&a, &b);
    /* NumPy computes in scalarmath when one operand already has the
     * result type; otherwise the ufunc runs (its warnings say "add", not
     * "scalar add") */
    int scalar_path = use_scalar_path(&a, &b, R);
    switch (op) {
    case OP_TRUEDIV:
        if (IS_INTLIKE(R)) {
            R = NDM_FLOAT64;
        }
        break;
    case OP_SUB:
        if (R == NDM_BOOL) {
            PyErr_SetString(PyExc_TypeError,
                            "numpy boolean subtract, the `-` operator, is not supported, "
                            "use the bitwise_xor, the `^` operator, or the logical_xor "
                            "function instead.");
            return NULL;
        }
        break;
    case OP_FLOORDIV:
    case OP_MOD:
    case OP_DIVMOD:
        if (IS_COMPLEX(R) && scalar_path) {
            Py_RETURN_NOTIMPLEMENTED;
        }
        /* fall through */
    case OP_POW:
    case OP_LSHIFT:
    case OP_RSHIFT:
        if (R == NDM_BOOL) {
            R = NDM_INT8;
        }
        if ((op == OP_LSHIFT || op == OP_RSHIFT) && !IS_INTLIKE(R)) {
            return ufunc_type_error(op);
        }
        break;
    case OP_AND:
    case OP_OR:
    case OP_XOR:
        if (!IS_INTLIKE(R)) {
            return ufunc_type_error(op);
        }
        break;
    default:
        break;
    }
    if (!scalar_path) {
        /* promotion to a third type or a bool operand: NumPy's scalar
         * math hands the operation to the ufunc (warnings name "add",
         * not "scalar add") */
        return ndm_ufunc_binary(op_ufunc[op], x, y);
    }
    memset(&va, 0, sizeof va);
    memset(&vb, 0, sizeof vb);
    memset(&r1, 0, sizeof r1);
    memset(&r2, 0, sizeof r2);
    if (load(&a, R, &va, &fpe) < 0 || load(&b, R, &vb, &fpe) < 0) {
        return NULL;
    }
    if (fpe && ndm_scalar_fpe_warn(fpe, "cast") < 0) {
        return NULL;
    }
    fpe = 0;
    if (R == NDM_BOOL) {
        int p = va.b != 0, q = vb.b != 0;
        switch (op) {
        case OP_ADD: case OP_OR: r1.b = p | q; break;
        case OP_MUL: case OP_AND: r1.b = p & q; break;
        case OP_XOR: r1.b = p ^ q; break;
        default: r1.b = 0; break;
        }
    }
    else if (IS_INT(R)) {
        if (op == OP_POW && IS_SIGNED(R)) {
            int64_t e;
            ndm_scalar_cast(R, &vb, NDM_INT64, &e);
            if (e < 0) {
                PyErr_SetString(PyExc_ValueError,
                                "Integers to negative integer powers are not allowed.");
                return NULL;
            }
        }
        fpe = int_binop(R, op, &va, &vb, &r1, &r2);
    }
    else if (IS_FLOAT(R)) {
        fpe_clear();
        if (R == NDM_FLOAT64) {
            k_double(op, va.f64, vb.f64, &r1.f64, &r2.f64);
        }
        else if (R == NDM_FLOAT32) {
            k_float(op, va.f32, vb.f32, &r1.f32, &r2.f32);
        }
        else {
            float o1, o2;
            int hop = op;
            /* NumPy's half scalarmath: floor_divide divides only when the
             * divisor's bits are 0 (+0.0), remainder is npy_half_divmod */
            if ((op == OP_FLOORDIV && vb.f16 != 0) || op == OP_MOD) {
                hop = OP_DIVMOD;
            }
            k_float(hop, (float)ndm_scalar_half_to_double(va.f16),
                    (float)ndm_scalar_half_to_double(vb.f16), &o1, &o2);
            /* rounding to half raises overflow and underflow (a subnormal
             * or zero that is inexact) in the FP status, as npy_float_to_half;
             * npy_half_divmod rounds both results, so floor_divide and
             * remainder report what the part they drop raised too */
            r1.f16 = ndm_float_to_half(o1);
            r2.f16 = ndm_float_to_half(o2);
            if (op == OP_MOD) {
                r1.f16 = r2.f16;
            }
        }
        fpe |= fpe_get();
    }
    else {
        fpe_clear();
        if (R == NDM_COMPLEX128) {
            double p[2], q[2], o[2];
            memcpy(p, &va, 16);
            memcpy(q, &vb, 16);
            k_cdouble(op, p[0], p[1], q[0], q[1], &o[0], &o[1]);
            memcpy(&r1, o, 16);
        }
        else {
            float p[2], q[2], o[2];
            memcpy(p, &va, 8);
            memcpy(q, &vb, 8);
            k_cfloat(op, p[0], p[1], q[0], q[1], &o[0], &o[1]);
            memcpy(&r1, o, 8);
        }
        fpe |= fpe_get();
    }
    if (op_warn(fpe, op) < 0) {
        return NULL;
    }
    PyObject *res1 = ndm_scalar_new(R, &r1);
    if (res1 == NULL || op != OP_DIVMOD) {
        return res1;
    }
    PyObject *res2 = ndm_scalar_new(R, &r2);
    if (res2 == NULL) {
        Py_DECREF(res1);
        return NULL;
    }
    PyObject *tup = PyTuple_Pack(2, res1, res2);
    Py_DECREF(res1);
    Py_DECREF(res2);
    return tup;
}

#define BINOP(name, OP)                                                     \
static PyObject *                                                          \
name(PyObject *x, PyObject *y)                                             \
{                                                                          \
    return binop(x, y, OP);                                                \
}

BINOP(sm_add, OP_ADD)
BINOP(sm_sub, OP_SUB)
BINOP(sm_mul, OP_MUL)
BINOP(sm_truediv, OP_TRUEDIV)
BINOP(sm_floordiv, OP_FLOORDIV)
BINOP(sm_mod, OP_MOD)
BINOP(sm_divmod, OP_DIVMOD)
BINOP(sm_lshift, OP_LSHIFT)
BINOP(sm_rshift, OP_RSHIFT)
BINOP(sm_and, OP_AND)
BINOP(sm_or, OP_OR)
BINOP(sm_xor, OP_XOR)

static PyObject *
sm_pow(PyObject *x, PyObject *y, PyObject *mod)
{
    if (mod != Py_None) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    return binop(x, y, OP_POW);
}

/* ------------------------------------------------------------------ */
/* Unary operators                                                    */
/* ------------------------------------------------------------------ */

enum { U_NEG, U_POS, U_ABS, U_INV };

static PyObject *
unop(PyObject *self, int op)
{
    NdmScalarValue v, r;
    int fpe = 0;
    if (Py_IS_TYPE(self, ndm_scalar_types[NDM_FLOAT64]) && op != U_INV) {
        double d = PyFloat_AS_DOUBLE(self);
        r.f64 = op == U_NEG ? -d : op == U_ABS ? fabs(d) : d;
        return ndm_scalar_new(NDM_FLOAT64, &r);
    }
    int t = ndm_scalar_typenum(self);
    if (t < 0 || t >= NDM_NNUMERIC) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    memcpy(&v, ndm_scalar_data(self), sizes[t]);
    memset(&r, 0, sizeof r);
    if (t == NDM_BOOL) {
        switch (op) {
        case U_NEG:
            PyErr_SetString(PyExc_TypeError,
                            "The numpy boolean negative, the `-` operator, is not supported, "
                            "use the `~` operator or the logical_not function instead.");
            return NULL;
        case U_POS:
            PyErr_SetString(PyExc_TypeError,
                            "ufunc 'positive' did not contain a loop with signature matching "
                            "types <class 'numpy.dtypes.BoolDType'> -> None");
            return NULL;
        case U_ABS:
            r.b = v.b != 0;
            break;
        default:
            r.b = !v.b;
            break;
        }
        return ndm_scalar_new(t, &r);
    }
    if (op == U_POS) {
        return ndm_scalar_new(t, &v);
    }
    if (IS_INT(t)) {
        int is_abs = op == U_ABS;
#define UN_INT(F, T, SIGNED, MIN)                                           \
        if (op == U_INV) {                                                 \
            r.F = (T)~v.F;                                                 \
        }                                                                  \
        else if (is_abs && (!(SIGNED) || !isneg_s((int64_t)v.F))) {                      \
            r.F = v.F;                                                     \
        }                                                                  \
        else {                                                             \
            if ((SIGNED) ? v.F == (T)(MIN) : v.F != 0) fpe |= F_OVF;       \
            r.F = (T)(0 - v.F);                                            \
        }
        switch (t) {
        case NDM_INT8: UN_INT(i8, int8_t, 1, INT8_MIN) break;
        case NDM_UINT8: UN_INT(u8, uint8_t, 0, 0) break;
        case NDM_INT16: UN_INT(i16, int16_t, 1, INT16_MIN) break;
        case NDM_UINT16: UN_INT(u16, uint16_t, 0, 0) break;
        case NDM_INT32: UN_INT(i32, int32_t, 1, INT32_MIN) break;
        case NDM_UINT32: UN_INT(u32, uint32_t, 0, 0) break;
        case NDM_INT64: UN_INT(i64, int64_t, 1, INT64_MIN) break;
        default: UN_INT(u64, uint64_t, 0, 0) break;
        }
#undef UN_INT
        if (fpe && ndm_scalar_fpe_warn(fpe, op == U_ABS ? "scalar absolute"
                                                        : "scalar negative") < 0) {
            return NULL;
        }
        return ndm_scalar_new(t, &r);
    }
    if (op == U_INV) {
        PyErr_SetString(PyExc_TypeError,
                        "ufunc 'invert' not supported for the input types, and the inputs "
                        "could not be safely coerced to any supported types according to "
                        "the casting rule ''safe''");
        return NULL;
    }
    switch (t) {
    case NDM_FLOAT16:
        r.f16 = op == U_NEG ? (ndm_half)(v.f16 ^ 0x8000) : (ndm_half)(v.f16 & 0x7fff);
        return ndm_scalar_new(t, &r);
    case NDM_FLOAT32:
        r.f32 = op == U_NEG ? -v.f32 : fabsf(v.f32);
        return ndm_scalar_new(t, &r);
    case NDM_FLOAT64:
        r.f64 = op == U_NEG ? -v.f64 : fabs(v.f64);
        return ndm_scalar_new(t, &r);
    case NDM_COMPLEX64: {
        float p[2];
        memcpy(p, &v, 8);
        if (op == U_NEG) {
            p[0] = -p[0];
            p[1] = -p[1];
            memcpy(&r, p, 8);
            return ndm_scalar_new(t, &r);
        }
        fpe_clear();
        volatile float h = hypotf(p[0], p[1]);
        r.f32 = h;
        fpe = fpe_get();
        if (fpe && ndm_scalar_fpe_warn(fpe, "scalar absolute") < 0) {
            return NULL;
        }
        return ndm_scalar_new(NDM_FLOAT32, &r);
    }
    default: {
        double p[2];
        memcpy(p, &v, 16);
        if (op == U_NEG) {
            p[0] = -p[0];
            p[1] = -p[1];
            memcpy(&r, p, 16);
            return ndm_scalar_new(t, &r);
        }
        fpe_clear();
        volatile double h = hypot(p[0], p[1]);
        r.f64 = h;
        fpe = fpe_get();
        if (fpe && ndm_scalar_fpe_warn(fpe, "scalar absolute") < 0) {
            return NULL;
        }
        return ndm_scalar_new(NDM_FLOAT64, &r);
    }
    }
}

static PyObject *sm_neg(PyObject *s) { return unop(s, U_NEG); }
static PyObject *sm_pos(PyObject *s) { return unop(s, U_POS); }
static PyObject *sm_abs(PyObject *s) { return unop(s, U_ABS); }
static PyObject *sm_inv(PyObject *s) { return unop(s, U_INV); }

/* ------------------------------------------------------------------ */
/* Comparisons                                                        */
/* ------------------------------------------------------------------ */

static int
cmp_result(int c, int op)
{
    /* c: -1, 0, 1 */
    switch (op) {
    case Py_LT: return c < 0;
    case Py_LE: return c <= 0;
    case Py_EQ: return c == 0;
    case Py_NE: return c != 0;
    case Py_GT: return c > 0;
    default: return c >= 0;
    }
}

static PyObject *
bool_result(int v)
{
    ndm_bool b = (ndm_bool)(v != 0);
    return ndm_scalar_new(NDM_BOOL, &b);
}

static int
as_i128(const Opnd *o, __int128 *out)
{
    if (o->weak) {
        int ovf = 0;
        long long x = PyLong_AsLongLongAndOverflow(o->obj, &ovf);
        if (x == -1 && PyErr_Occurred()) {
            return -1;
        }
        if (ovf) {
            return 1;
        }
        *out = x;
        return 0;
    }
    if (o->t == NDM_UINT64) {
        *out = (__int128)o->v.u64;
        return 0;
    }
    int64_t x;
    ndm_scalar_cast(o->t, &o->v, NDM_INT64, &x);
    *out = x;
    return 0;
}

PyObject *
ndm_scalarmath_richcompare(PyObject *x, PyObject *y, int op)
{
    Opnd a, b;
    double p, q;
    int64_t i, j;
    /* float64 or int64 with its own kind or a Python float/int: NumPy
     * compares them as doubles or as int64 (no warnings either way) */
    PyTypeObject *f64 = ndm_scalar_types[NDM_FLOAT64];
    if (Py_IS_TYPE(x, f64) && Py_IS_TYPE(y, f64)) {
        p = PyFloat_AS_DOUBLE(x);
        q = PyFloat_AS_DOUBLE(y);
        return bool_result(op == Py_LT ? p < q : op == Py_LE ? p <= q
                           : op == Py_EQ ? p == q : op == Py_NE ? p != q
                           : op == Py_GT ? p > q : p >= q);
    }
    if (f64_pair(x, y, &p, &q)) {
        return bool_result(op == Py_LT ? p < q : op == Py_LE ? p <= q
                           : op == Py_EQ ? p == q : op == Py_NE ? p != q
                           : op == Py_GT ? p > q : p >= q);
    }
    if (i64_pair(x, y, &i, &j)) {
        return bool_result(cmp_result(i < j ? -1 : i > j, op));
    }
    if (!classify(x, &a) || !classify(y, &b)) {
        if (is_sequence_operand(y) && ndm_scalar_check(x)) {
            PyObject *arr = ndm_scalar_as_0d_array(x);
            if (arr == NULL) {
                return NULL;
            }
            PyObject *res = PyObject_RichCompare(arr, y, op);
            Py_DECREF(arr);
            return res;
        }
        Py_RETURN_NOTIMPLEMENTED;
    }
    if (IS_INTLIKE(a.t) && IS_INTLIKE(b.t) && (a.weak == 0 || a.weak == 'i')
            && (b.weak == 0 || b.weak == 'i')) {
        __int128 p, q;
        int ra = as_i128(&a, &p), rb = ra < 0 ? -1 : as_i128(&b, &q);
        if (ra < 0 || rb < 0) {
            return NULL;
        }
        if ((ra == 1 && b.t == NDM_BOOL) || (rb == 1 && a.t == NDM_BOOL)) {
            /* bool with a Python int: the int becomes int64 */
            PyErr_SetString(PyExc_OverflowError, "Python int too large to convert to C long");
            return NULL;
        }
        if (ra == 0 && rb == 0) {
            return bool_result(cmp_result(p < q ? -1 : p > q, op));
        }
        /* a Python int beyond 64 bits: compare as Python ints */
        PyObject *pa = a.weak ? (Py_INCREF(x), x) : PyNumber_Long(x);
        PyObject *pb = pa == NULL ? NULL : b.weak ? (Py_INCREF(y), y) : PyNumber_Long(y);
        int r = pb == NULL ? -1 : PyObject_RichCompareBool(pa, pb, op);
        Py_XDECREF(pa);
        Py_XDECREF(pb);
        if (r < 0) {
            return NULL;
        }
        return bool_result(r);
    }
    int R = result_type(&a, &b);
    NdmScalarValue va, vb;
    int fa = 0, fb = 0;
    if (load(&a, R, &va, &fa) < 0 || load(&b, R, &vb, &fb) < 0) {
        return NULL;
    }
    if ((fa | fb) && ndm_scalar_fpe_warn(fa | fb, "cast") < 0) {
        return NULL;
    }
    double ar, ai = 0, br, bi = 0;
    if (IS_COMPLEX(R)) {
        if (R == NDM_COMPLEX64) {
            float p[2], q[2];
            memcpy(p, &va, 8);
            memcpy(q, &vb, 8);
            ar = p[0]; ai = p[1]; br = q[0]; bi = q[1];
        }
        else {
            double p[2], q[2];
            memcpy(p, &va, 16);
            memcpy(q, &vb, 16);
            ar = p[0]; ai = p[1]; br = q[0]; bi = q[1];
        }
        int res;
        if (op != Py_EQ && op != Py_NE && !use_scalar_path(&a, &b, R)
                && (isnan(ar) || isnan(br) || (ar == br && (isnan(ai) || isnan(bi))))) {
            static const char *names[] = {"less", "less_equal", "", "", "greater",
                                          "greater_equal"};
            if (ndm_scalar_fpe_warn(F_INV, names[op]) < 0) {
                return NULL;
            }
        }
        switch (op) {
        case Py_EQ: res = ar == br && ai == bi; break;
        case Py_NE: res = ar != br || ai != bi; break;
        case Py_LT: res = (ar < br && !isnan(ai) && !isnan(bi)) || (ar == br && ai < bi); break;
        case Py_LE: res = (ar < br && !isnan(ai) && !isnan(bi)) || (ar == br && ai <= bi); break;
        case Py_GT: res = (ar > br && !isnan(ai) && !isnan(bi)) || (ar == br && ai > bi); break;
        default: res = (ar > br && !isnan(ai) && !isnan(bi)) || (ar == br && ai >= bi); break;
        }
        return bool_result(res);
    }
    ndm_scalar_cast(R, &va, NDM_FLOAT64, &ar);
    ndm_scalar_cast(R, &vb, NDM_FLOAT64, &br);
    int res;
    switch (op) {
    case Py_LT: res = ar < br; break;
    case Py_LE: res = ar <= br; break;
    case Py_EQ: res = ar == br; break;
    case Py_NE: res = ar != br; break;
    case Py_GT: res = ar > br; break;
    default: res = ar >= br; break;
    }
    return bool_result(res);
}

PyType_Slot ndm_scalarmath_slots[] = {
    {Py_nb_add, sm_add},
    {Py_nb_subtract, sm_sub},
    {Py_nb_multiply, sm_mul},
    {Py_nb_true_divide, sm_truediv},
    {Py_nb_floor_divide, sm_floordiv},
    {Py_nb_remainder, sm_mod},
    {Py_nb_divmod, sm_divmod},
    {Py_nb_power, sm_pow},
    {Py_nb_lshift, sm_lshift},
    {Py_nb_rshift, sm_rshift},
    {Py_nb_and, sm_and},
    {Py_nb_or, sm_or},
    {Py_nb_xor, sm_xor},
    {Py_nb_negative, sm_neg},
    {Py_nb_positive, sm_pos},
    {Py_nb_absolute, sm_abs},
    {Py_nb_invert, sm_inv},
    {0, NULL},
};
