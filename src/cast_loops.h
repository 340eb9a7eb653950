/* The numeric casting loops, one per (source, destination) pair, as a
 * table NDM_CAST_LOOPS names: cast.c instantiates it for the baseline ISA
 * and cast_avx512.c for AVX-512, where the compiler vectorizes the
 * conversions SSE2 has no instruction for (int64 <-> float64, uint64,
 * float64 -> int64, ...); cast.c picks one at run time.  Both compile the
 * same C, so they give the same values and raise the same flags: every
 * conversion instruction rounds and saturates alike, one lane or eight. */
#ifndef NDM_CAST_LOOPS
#error "define NDM_CAST_LOOPS (the table's name) before including cast_loops.h"
#endif
#include "dtype.h"
#include <complex.h>

#ifndef NDM_CAST_RAW_LOOP
#define NDM_CAST_RAW_LOOP
/* n elements from src (step ss bytes) to dst (step ds), native and aligned */
typedef void (*ndm_cast_raw_loop)(const char *src, Py_ssize_t ss, char *dst, Py_ssize_t ds,
                                  Py_ssize_t n);
extern const ndm_cast_raw_loop ndm_cast_avx512_loops[NDM_NNUMERIC][NDM_NNUMERIC];
#endif

/* ---- per-type value access ---- */
#define VAL_BOOL(x) (x)
#define VAL_INT8(x) (x)
#define VAL_UINT8(x) (x)
#define VAL_INT16(x) (x)
#define VAL_UINT16(x) (x)
#define VAL_INT32(x) (x)
#define VAL_UINT32(x) (x)
#define VAL_INT64(x) (x)
#define VAL_UINT64(x) (x)
#define VAL_FLOAT16(x) ndm_half_to_double(x)
#define VAL_FLOAT32(x) (x)
#define VAL_FLOAT64(x) (x)
#define VAL_COMPLEX64(x) (x)
#define VAL_COMPLEX128(x) (x)

#define REAL_BOOL(x) (x)
#define REAL_INT8(x) (x)
#define REAL_UINT8(x) (x)
#define REAL_INT16(x) (x)
#define REAL_UINT16(x) (x)
#define REAL_INT32(x) (x)
#define REAL_UINT32(x) (x)
#define REAL_INT64(x) (x)
#define REAL_UINT64(x) (x)
#define REAL_FLOAT16(x) ndm_half_to_double(x)
#define REAL_FLOAT32(x) (x)
#define REAL_FLOAT64(x) (x)
#define REAL_COMPLEX64(x) crealf(x)
#define REAL_COMPLEX128(x) creal(x)

#define NZ_FLOAT16(x) (((x) & 0x7fff) != 0)
#define NZ_ANY(x) ((x) != 0)
#define NZ_BOOL NZ_ANY
#define NZ_INT8 NZ_ANY
#define NZ_UINT8 NZ_ANY
#define NZ_INT16 NZ_ANY
#define NZ_UINT16 NZ_ANY
#define NZ_INT32 NZ_ANY
#define NZ_UINT32 NZ_ANY
#define NZ_INT64 NZ_ANY
#define NZ_UINT64 NZ_ANY
#define NZ_FLOAT32 NZ_ANY
#define NZ_FLOAT64 NZ_ANY
#define NZ_COMPLEX64 NZ_ANY
#define NZ_COMPLEX128 NZ_ANY

/* float -> integer exactly as x86-64 code compiled from NumPy's C casts
 * (cvttsd2si of 32 or 64 bits, gcc's unsigned 64-bit sequence) */
static inline int32_t f2i32(double x) { return (int32_t)x; }
static inline int64_t f2i64(double x) { return (int64_t)x; }
static inline uint64_t
f2u64(double x)
{
    if (x >= 9223372036854775808.0) {
        return (uint64_t)(int64_t)(x - 9223372036854775808.0) ^ ((uint64_t)1 << 63);
    }
    return (uint64_t)(int64_t)x;
}
#define FI_INT8(v) ((int8_t)f2i32(v))
#define FI_UINT8(v) ((uint8_t)f2i32(v))
#define FI_INT16(v) ((int16_t)f2i32(v))
#define FI_UINT16(v) ((uint16_t)f2i32(v))
#define FI_INT32(v) f2i32(v)
#define FI_UINT32(v) ((uint32_t)f2i64(v))
#define FI_INT64(v) f2i64(v)
#define FI_UINT64(v) f2u64(v)
#define ISF_BOOL 0
#define ISF_INT8 0
#define ISF_UINT8 0
#define ISF_INT16 0
#define ISF_UINT16 0
#define ISF_INT32 0
#define ISF_UINT32 0
#define ISF_INT64 0
#define ISF_UINT64 0
#define ISF_FLOAT16 1
#define ISF_FLOAT32 1
#define ISF_FLOAT64 1
#define ISF_COMPLEX64 1
#define ISF_COMPLEX128 1
#define STORE_INTK(DN, SN, ct, x) (ISF_##SN ? (ct)FI_##DN((double)REAL_##SN(x)) : (ct)REAL_##SN(x))

#define STORE_BOOL(SN, ct, x) ((ndm_bool)NZ_##SN(x))
#define STORE_PLAIN(SN, ct, x) ((ct)REAL_##SN(x))
#define STORE_INT8(SN, ct, x) STORE_INTK(INT8, SN, ct, x)
#define STORE_UINT8(SN, ct, x) STORE_INTK(UINT8, SN, ct, x)
#define STORE_INT16(SN, ct, x) STORE_INTK(INT16, SN, ct, x)
#define STORE_UINT16(SN, ct, x) STORE_INTK(UINT16, SN, ct, x)
#define STORE_INT32(SN, ct, x) STORE_INTK(INT32, SN, ct, x)
#define STORE_UINT32(SN, ct, x) STORE_INTK(UINT32, SN, ct, x)
#define STORE_INT64(SN, ct, x) STORE_INTK(INT64, SN, ct, x)
#define STORE_UINT64(SN, ct, x) STORE_INTK(UINT64, SN, ct, x)
/* half sources go straight to float for float32 targets (a NaN payload
 * survives as in NumPy: no quieting double -> float step) */
#define ISH_BOOL 0
#define ISH_INT8 0
#define ISH_UINT8 0
#define ISH_INT16 0
#define ISH_UINT16 0
#define ISH_INT32 0
#define ISH_UINT32 0
#define ISH_INT64 0
#define ISH_UINT64 0
#define ISH_FLOAT16 1
#define ISH_FLOAT32 0
#define ISH_FLOAT64 0
#define ISH_COMPLEX64 0
#define ISH_COMPLEX128 0
#define STORE_FLOAT32(SN, ct, x) (ISH_##SN ? ndm_half_to_float((ndm_half)(x)) : (ct)REAL_##SN(x))
#define STORE_FLOAT64 STORE_PLAIN
#define STORE_FLOAT16(SN, ct, x) ndm_double_to_half((double)REAL_##SN(x))
#define STORE_COMPLEX64(SN, ct, x) (ISH_##SN ? (ct)ndm_half_to_float((ndm_half)(x)) : (ct)VAL_##SN(x))
#define STORE_COMPLEX128(SN, ct, x) ((ct)VAL_##SN(x))


/* the inner list (a macro cannot expand itself) */
#define INNER_NUMERIC(X, SN, sn, st)                 \
    X(SN, sn, st, BOOL, bool, ndm_bool)              \
    X(SN, sn, st, INT8, int8, int8_t)                \
    X(SN, sn, st, UINT8, uint8, uint8_t)             \
    X(SN, sn, st, INT16, int16, int16_t)             \
    X(SN, sn, st, UINT16, uint16, uint16_t)          \
    X(SN, sn, st, INT32, int32, int32_t)             \
    X(SN, sn, st, UINT32, uint32, uint32_t)          \
    X(SN, sn, st, INT64, int64, int64_t)             \
    X(SN, sn, st, UINT64, uint64, uint64_t)          \
    X(SN, sn, st, FLOAT16, float16, ndm_half)        \
    X(SN, sn, st, FLOAT32, float32, float)           \
    X(SN, sn, st, FLOAT64, float64, double)          \
    X(SN, sn, st, COMPLEX64, complex64, ndm_complex64) \
    X(SN, sn, st, COMPLEX128, complex128, ndm_complex128)

#define DEF_LOOP(SN, sn, st, DN, dn, dt)                                          \
    static void                                                                   \
    cast_##sn##_##dn(const char *src, Py_ssize_t ss, char *dst, Py_ssize_t ds,    \
                     Py_ssize_t n)                                                \
    {                                                                             \
        if (ss == (Py_ssize_t)sizeof(st) && ds == (Py_ssize_t)sizeof(dt)) {       \
            const st *restrict s = (const st *)(const void *)src;                 \
            dt *restrict d = (dt *)(void *)dst;                                   \
            for (Py_ssize_t i = 0; i < n; i++) {                                  \
                d[i] = STORE_##DN(SN, dt, s[i]);                                  \
            }                                                                     \
        }                                                                         \
        else {                                                                    \
            for (Py_ssize_t i = 0; i < n; i++) {                                  \
                st x = *(const st *)(const void *)(src + i * ss);                 \
                *(dt *)(void *)(dst + i * ds) = STORE_##DN(SN, dt, x);            \
            }                                                                     \
        }                                                                         \
    }

#define DEF_ROW(SN, sn, st) INNER_NUMERIC(DEF_LOOP, SN, sn, st)
NDM_FOR_EACH_NUMERIC(DEF_ROW)

#define REF_LOOP(SN, sn, st, DN, dn, dt) cast_##sn##_##dn,
#define REF_ROW(SN, sn, st) {INNER_NUMERIC(REF_LOOP, SN, sn, st)},
NDM_CAST_LOOPS_STORAGE const ndm_cast_raw_loop NDM_CAST_LOOPS[NDM_NNUMERIC][NDM_NNUMERIC] = {
    NDM_FOR_EACH_NUMERIC(REF_ROW)
};
