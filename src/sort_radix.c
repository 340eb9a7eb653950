/* In-place MSD radix sort (American flag sort), see sort_radix.h.
 *
 * Each call takes the digit of 8 bits just below the highest bit in which
 * the keys differ (so constant leading bytes, such as the exponent of
 * floats of one magnitude, cost no pass), counts the digits, permutes the
 * keys into their buckets by following cycles, and recurses into each
 * bucket; buckets of a few dozen keys finish with an insertion sort.  A
 * 1e6-key array splits into buckets of ~4k keys, which are sorted within
 * the cache, so the sort reads the array from memory about three times
 * (sortedness check, histogram, permutation), where an LSD radix sort
 * reads and scatters it once per byte and needs a second array. */
#include "sort_radix.h"

#define MSD_SMALL 32

#define DEF_MSD(W, KT)                                                      \
static void                                                                 \
isort##W(KT *k, Py_ssize_t n)                                               \
{                                                                           \
    for (Py_ssize_t i = 1; i < n; i++) {                                    \
        KT v = k[i];                                                        \
        Py_ssize_t j = i;                                                   \
        while (j > 0 && k[j - 1] > v) {                                     \
            k[j] = k[j - 1];                                                \
            j--;                                                            \
        }                                                                   \
        k[j] = v;                                                           \
    }                                                                       \
}                                                                           \
/* Bits from psh up are equal in k[0..n) (the caller's digit): the digit \
 * below them is counted along with the differing bits, and counted again \
 * only when the keys turn out to agree on more bits. */                  \
static void                                                                 \
msd##W(KT *k, Py_ssize_t n, int psh)                                        \
{                                                                           \
    if (n <= MSD_SMALL) {                                                   \
        isort##W(k, n);                                                     \
        return;                                                             \
    }                                                                       \
    /* about MSD_SMALL keys a bucket: fewer, cheaper buckets for small n */\
    int bits = 64 - __builtin_clzll((uint64_t)n) - 5;                       \
    bits = bits > 8 ? 8 : bits;                                             \
    const unsigned dmask = (1u << bits) - 1;                                \
    const int nd = 1 << bits;                                               \
    const int guess = psh > bits ? psh - bits : 0;                          \
    Py_ssize_t next[256], end[256];                                         \
    memset(end, 0, sizeof(end[0]) * (size_t)nd);                            \
    KT vor = 0, vand = (KT)~(KT)0;                                          \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        vor |= k[i];                                                        \
        vand &= k[i];                                                       \
        end[(k[i] >> guess) & dmask]++;                                     \
    }                                                                       \
    uint64_t diff = (uint64_t)(KT)(vor ^ vand);                             \
    if (diff == 0) {                                                        \
        return;                 /* all keys equal */                        \
    }                                                                       \
    const int hb = 63 - __builtin_clzll(diff);                              \
    const int sh = hb >= bits - 1 ? hb - bits + 1 : 0;                      \
    if (sh != guess) {                                                      \
        memset(end, 0, sizeof(end[0]) * (size_t)nd);                        \
        for (Py_ssize_t i = 0; i < n; i++) {                                \
            end[(k[i] >> sh) & dmask]++;                                    \
        }                                                                   \
    }                                                                       \
    Py_ssize_t sum = 0;                                                     \
    for (int d = 0; d < nd; d++) {                                          \
        next[d] = sum;                                                      \
        sum += end[d];                                                      \
        end[d] = sum;                                                       \
    }                                                                       \
    /* Rounds over the buckets not yet full: each element of a bucket's   \
     * unplaced part is swapped to the head of its own bucket.  Unlike     \
     * following one cycle at a time, consecutive steps do not depend on  \
     * each other, so their cache misses overlap (ska_sort's scheme). */  \
    unsigned char open[256];                                                \
    int nopen = 0;                                                          \
    for (int d = 0; d < nd; d++) {                                          \
        if (next[d] < end[d]) {                                             \
            open[nopen++] = (unsigned char)d;                               \
        }                                                                   \
    }                                                                       \
    while (nopen > 1) {                                                     \
        int still = 0;                                                      \
        for (int j = 0; j < nopen; j++) {                                   \
            const int d = open[j];                                          \
            const Py_ssize_t hi = end[d];                                   \
            for (Py_ssize_t i = next[d]; i < hi; i++) {                     \
                KT v = k[i];                                                \
                Py_ssize_t o = next[(v >> sh) & dmask]++;                     \
                k[i] = k[o];                                                \
                k[o] = v;                                                   \
            }                                                               \
            if (next[d] < end[d]) {                                         \
                open[still++] = (unsigned char)d;                           \
            }                                                               \
        }                                                                   \
        nopen = still;                                                      \
    }                                                                       \
    if (sh == 0) {                                                          \
        return;                 /* the buckets hold equal keys */           \
    }                                                                       \
    Py_ssize_t start = 0;                                                   \
    for (int d = 0; d < nd; d++) {                                          \
        if (end[d] - start > 1) {                                           \
            msd##W(k + start, end[d] - start, sh);                              \
        }                                                                   \
        start = end[d];                                                     \
    }                                                                       \
}                                                                           \
void                                                                        \
ndm_sortradix_u##W(KT *k, Py_ssize_t n)                                     \
{                                                                           \
    /* sorted input (a common case) costs one read */                     \
    Py_ssize_t i = 1;                                                       \
    while (i < n && k[i - 1] <= k[i]) {                                     \
        i++;                                                                \
    }                                                                       \
    if (i < n) {                                                            \
        msd##W(k, n, W);                                                       \
    }                                                                       \
}

DEF_MSD(16, uint16_t)
DEF_MSD(32, uint32_t)
DEF_MSD(64, uint64_t)
