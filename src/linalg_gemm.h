/* The cache-blocked matrix product under linalg.c's _gemm: compute types,
 * micro-kernels chosen for the CPU at import, and the threaded driver.
 * linalg.c owns the dtypes (packing with conversion, the final store) and
 * the Python entry point. */
#ifndef NDM_LINALG_GEMM_H
#define NDM_LINALG_GEMM_H

#include "common.h"

/* Compute types: every dtype packs to one of these (linalg.c). */
enum { NDM_GEMM_F32, NDM_GEMM_F64, NDM_GEMM_U64, NDM_GEMM_C64, NDM_GEMM_C128, NDM_GEMM_NTYPES };

/* Pack rows x cols of src (byte strides rs, cs) into panels of `panel`
 * rows: dst[r0 / panel][c][r], zero-padded past the last row. */
typedef void (*ndm_gemm_pack_fn)(const char *src, Py_ssize_t rs, Py_ssize_t cs,
                                 Py_ssize_t rows, Py_ssize_t cols, int panel, void *dst);

/* c[i*rs + j*cs] = t[i*ld + j] (accumulate: +=) for i < m, j < n, with t
 * of the compute type and c of a dtype (strides in bytes). */
typedef void (*ndm_gemm_store_fn)(char *c, Py_ssize_t rs, Py_ssize_t cs, const void *t,
                                  Py_ssize_t m, Py_ssize_t n, Py_ssize_t ld, int accumulate);

/* One product c = a . b (m x k times k x n, byte strides).  Without
 * `store`, c is of the compute type (the output itself or a row-major
 * buffer) with strides that are multiples of its size; with it, c is any
 * output that store converts each tile into. */
typedef struct {
    int type;
    ndm_gemm_pack_fn pack;
    ndm_gemm_store_fn store;
    const char *a;
    Py_ssize_t a_rs, a_cs;
    const char *b;
    Py_ssize_t b_rs, b_cs;
    char *c;
    Py_ssize_t c_rs, c_cs;
    Py_ssize_t m, n, k;
} NdmGemm;

/* Bytes of one element of a compute type. */
size_t ndm_gemm_itemsize(int type);

/* How many tasks a product of this size is split into when `nthreads`
 * threads may run (1: no threading). */
int ndm_gemm_ntasks(int type, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k, int nthreads);

/* How deep a k block of an m x n x k product is: sums over more than this
 * are added to C block by block. */
Py_ssize_t ndm_gemm_k_block(int type, Py_ssize_t k);

/* Scratch bytes ndm_gemm_run needs for an m x n x k product in `ntasks`
 * tasks (64-byte alignment slack included): per task an MC x KC block of A
 * and a KC x NR micro-panel of B at most, whatever m, n and k. */
Py_ssize_t ndm_gemm_scratch_bytes(int type, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                                  int ntasks);

/* c = a . b with k > 0, through the thread pool when ntasks > 1.  Call
 * without the GIL.  The result does not depend on ntasks: every element is
 * accumulated over the same k blocks in the same order. */
void ndm_gemm_run(const NdmGemm *g, char *scratch, int ntasks);

/* Unblocked c (m x n, row-major) = A . B of operands packed as one panel
 * each (A: k x m, B: k x n); small products, where blocking does not pay. */
void ndm_gemm_naive(int type, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                    const void *A, const void *B, void *c);

/* c[i*rs + j*cs] = t[i*ld + j] (strides in bytes) for i < m, j < n. */
void ndm_gemm_copy(int type, char *c, Py_ssize_t rs, Py_ssize_t cs, const void *t,
                   Py_ssize_t m, Py_ssize_t n, Py_ssize_t ld);

/* A faster packing on this CPU for the dtype that is the compute type
 * itself (float64 for NDM_GEMM_F64, float32 for NDM_GEMM_F32), or NULL. */
ndm_gemm_pack_fn ndm_gemm_fast_pack(int type);

/* Pick the micro-kernels for this CPU; once, at import. */
void ndm_gemm_init(void);

#endif
