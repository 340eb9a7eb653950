/* In-place MSD radix sort (American flag sort), see sort_radix.h.
 *
 * Each call takes the digit just below the highest bit in which the keys
 * differ (so constant leading bytes, such as the exponent of floats of one
 * magnitude, cost no pass), counts the digits, permutes the keys into
 * their buckets, and recurses into each bucket.  A 1e6-key array splits
 * into buckets of ~4k keys, which are in cache: those finish with LSD
 * passes through a buffer on the stack, and the smallest with an insertion
 * sort.  Stack use is bounded: ~4.4 kB a level (at most nine) and one
 * leaf buffer (37 kB for 64-bit keys); no heap. */
#include "sort_radix.h"

#define MSD_SMALL 32
/* Nodes of up to LSD_MAX keys are in cache: they finish with LSD passes
 * through a buffer on the stack (32 kB for 64-bit keys), which beats
 * further MSD levels and insertion sorts by about two. */
#define LSD_MAX 4096

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
/* LSD passes over the bytes that differ (diff), n <= LSD_MAX.  Never    \
 * inlined, so that the recursion's frames do not each hold the buffer. */\
__attribute__((noinline)) static void                                       \
lsd##W(KT *k, Py_ssize_t n, uint64_t diff)                                  \
{                                                                           \
    KT buf[LSD_MAX];                                                        \
    uint16_t cnt[sizeof(KT)][256];                                          \
    int bytes[sizeof(KT)], nb = 0;                                          \
    for (int b = 0; b < (int)sizeof(KT); b++) {                             \
        if ((diff >> (8 * b)) & 255) {                                      \
            bytes[nb++] = b;                                                \
        }                                                                   \
    }                                                                       \
    memset(cnt, 0, sizeof(cnt[0]) * (size_t)nb);                            \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        for (int j = 0; j < nb; j++) {                                      \
            cnt[j][(k[i] >> (8 * bytes[j])) & 255]++;                       \
        }                                                                   \
    }                                                                       \
    KT *src = k, *dst = buf;                                                \
    for (int j = 0; j < nb; j++) {                                          \
        const int sh = 8 * bytes[j];                                        \
        uint16_t off[256];                                                  \
        unsigned sum = 0;                                                   \
        for (int d = 0; d < 256; d++) {                                     \
            off[d] = (uint16_t)sum;                                         \
            sum += cnt[j][d];                                               \
        }                                                                   \
        for (Py_ssize_t i = 0; i < n; i++) {                                \
            dst[off[(src[i] >> sh) & 255]++] = src[i];                      \
        }                                                                   \
        KT *t = src;                                                        \
        src = dst;                                                          \
        dst = t;                                                            \
    }                                                                       \
    if (src != k) {                                                         \
        memcpy(k, src, (size_t)n * sizeof(KT));                             \
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
    if (n <= LSD_MAX) {                                                     \
        lsd##W(k, n, diff);                                                 \
        return;                                                             \
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
