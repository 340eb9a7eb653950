/* Ufunc type resolution, as NumPy 2 does it for its builtin ufuncs:
 * a linear search over the loops in ufunc.types order for the first one
 * every input casts to safely, where Python int/float/complex inputs are
 * NEP 50 "weak" (they fit any loop type of their kind or higher) unless no
 * strong operand is of at least their kind (umath/ufunc_type_resolution.c,
 * linear_search_type_resolver, should_use_min_scalar and
 * can_cast_pyscalar_scalar_to). */
#include "ufunc_internal.h"
#include "scalar.h"

static unsigned char safe_table[NDM_NNUMERIC][NDM_NNUMERIC];
static int safe_table_ready;

/* Per ufunc: which NumPy resolver quirks apply, and the last few input
 * type combinations resolved (the linear search is the costliest step of
 * a small call). */
#define SPECIAL_DIVIDE 1u
#define SPECIAL_COMPARISON 2u
#define SPECIAL_NEW_STYLE 4u       /* gcd, lcm: NumPy's non-legacy errors */
#define SPECIAL_LOGICAL 8u         /* logical_and/or/xor: NumPy's logical promoter */
#define CACHE_WAYS 4

typedef struct ResolveCache {
    unsigned special;
    unsigned next;
    uint32_t key[CACHE_WAYS];
    const NdmLoopDef *loop[CACHE_WAYS];
} ResolveCache;

static ResolveCache *caches;

/* 0 bool, 1 integer, 2 inexact: NumPy's dtype_kind_to_simplified_ordering. */
static int
type_kind(int t)
{
    if (t == NDM_BOOL) {
        return 0;
    }
    return t < NDM_FLOAT16 ? 1 : 2;
}

static int
weak_kind(int w)
{
    return w == WEAK_INT ? 1 : 2;
}

/* The dtype a weak scalar takes when nothing makes it weak. */
static int
weak_default(int w)
{
    return w == WEAK_INT ? NDM_INT64 : w == WEAK_FLOAT ? NDM_FLOAT64 : NDM_COMPLEX128;
}

static int
fill_safe_table(void)
{
    for (int a = 0; a < NDM_NNUMERIC; a++) {
        NdmDtype *da = ndm_dtype_builtin(a);
        if (da == NULL) {
            return -1;
        }
        for (int b = 0; b < NDM_NNUMERIC; b++) {
            NdmDtype *db = ndm_dtype_builtin(b);
            if (db == NULL) {
                Py_DECREF(da);
                return -1;
            }
            safe_table[a][b] = (unsigned char)ndm_dtype_can_cast(da, db, NDM_SAFE_CASTING);
            Py_DECREF(db);
        }
        Py_DECREF(da);
    }
    caches = PyMem_Calloc((size_t)ndm_ufunc_ndefs, sizeof *caches);
    if (caches == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (int k = 0; k < ndm_ufunc_ndefs; k++) {
        const char *name = ndm_ufunc_defs[k].name;
        if (strcmp(name, "divide") == 0) {
            caches[k].special |= SPECIAL_DIVIDE;
        }
        if (strcmp(name, "equal") == 0 || strcmp(name, "not_equal") == 0
                || strcmp(name, "less") == 0 || strcmp(name, "less_equal") == 0
                || strcmp(name, "greater") == 0 || strcmp(name, "greater_equal") == 0) {
            caches[k].special |= SPECIAL_COMPARISON;
        }
        if (strcmp(name, "gcd") == 0 || strcmp(name, "lcm") == 0) {
            caches[k].special |= SPECIAL_NEW_STYLE;
        }
        if (strcmp(name, "logical_and") == 0 || strcmp(name, "logical_or") == 0
                || strcmp(name, "logical_xor") == 0) {
            caches[k].special |= SPECIAL_LOGICAL;
        }
    }
    safe_table_ready = 1;
    return 0;
}

/* can_cast_pyscalar_scalar_to: a weak int fits any integer or inexact
 * type, a weak float any inexact one, a weak complex only complex. */
static int
weak_fits(int w, int t)
{
    if (t >= NDM_COMPLEX64) {
        return 1;
    }
    if (t >= NDM_FLOAT16) {
        return w != WEAK_COMPLEX;
    }
    if (t != NDM_BOOL) {
        return w == WEAK_INT;
    }
    return 0;
}

/* Can type a cast to loop type t under the call's casting rule (the
 * signature= search checks the free inputs that way, as NumPy's
 * type_tuple_type_resolver). */
static int
can_cast_types(int a, int t, NdmCasting casting)
{
    if (casting == NDM_SAFE_CASTING) {
        return safe_table[a][t];
    }
    NdmDtype *da = ndm_dtype_builtin(a), *dt = ndm_dtype_builtin(t);
    int ok = da != NULL && dt != NULL && ndm_dtype_can_cast(da, dt, casting);
    Py_XDECREF(da);
    Py_XDECREF(dt);
    PyErr_Clear();
    return ok;
}

/* in[i]: strong type number, or -1 for a weak input (weak[i]).  Fixed
 * signature entries must match exactly and are not checked for casting;
 * free inputs must cast safely (plain search) or under the call's rule
 * (signature search). */
/* NumPy's mixed int64/uint64 comparison loops ('qQ->?', 'Qq->?') are
 * of the longlong DTypes, which its promoter reaches from int64/uint64
 * ('l', 'L'); a signature fixing an input names 'l'/'L' and never
 * selects them (an output-only signature still goes through the
 * promoter). */
static int
signature_reachable(const NdmUfuncCall *call, const NdmLoopDef *lp)
{
    ptrdiff_t at = call->def - ndm_ufunc_defs;
    return at < 0 || at >= ndm_ufunc_ndefs || !(caches[at].special & SPECIAL_COMPARISON)
           || lp->types[0] == lp->types[1] || (call->sig[0] < 0 && call->sig[1] < 0);
}

static int
loop_matches(const NdmUfuncCall *call, const NdmLoopDef *lp, const int *in,
             int use_weak, const int *sig)
{
    NdmCasting rule = NDM_SAFE_CASTING;
    if (sig != NULL) {
        if (!signature_reachable(call, lp)) {
            return 0;
        }
        for (int i = 0; i < call->nop; i++) {
            if (sig[i] >= 0 && lp->types[i] != sig[i]) {
                return 0;
            }
        }
        /* then its legacy type-tuple resolver, which takes the free
         * inputs only where they cast safely whatever casting= says (the
         * call's rule is checked on the loop found, afterwards) */
        rule = NDM_SAFE_CASTING;
    }
    for (int i = 0; i < call->nin; i++) {
        int t = lp->types[i];
        if (sig != NULL && sig[i] >= 0) {
            continue;
        }
        if (in[i] < 0) {
            if (use_weak) {
                if (!weak_fits(call->weak[i], t)) {
                    return 0;
                }
                continue;
            }
            if (!can_cast_types(weak_default(call->weak[i]), t, rule)) {
                return 0;
            }
        }
        else if (!can_cast_types(in[i], t, rule)) {
            return 0;
        }
    }
    return 1;
}

/* NumPy's true_divide resolver sends integer and bool inputs to 'dd->d'. */
static int
all_float64(const NdmLoopDef *lp, int nop)
{
    for (int i = 0; i < nop; i++) {
        if (lp->types[i] != NDM_FLOAT64) {
            return 0;
        }
    }
    return 1;
}

static const NdmLoopDef *
search(const NdmUfuncCall *call, const int *in, int use_weak, const int *sig,
       int divide_ints)
{
    const NdmUfuncDef *def = call->def;
    for (int k = 0; k < def->nloops; k++) {
        const NdmLoopDef *lp = &def->loops[k];
        if (divide_ints && !all_float64(lp, call->nop)) {
            continue;
        }
        if (loop_matches(call, lp, in, use_weak, sig)) {
            return lp;
        }
    }
    return NULL;
}

/* signature=/dtype=: the loop of exactly the operand types with the fixed
 * ones in place, else the loops matching the fixed types whose free inputs
 * cast safely; failing that, when the outputs are fixed to one type (as
 * dtype= does) and any fixed input is that type too, all operands of that
 * type (NumPy's homogeneous retry, which may then fail the casting check). */
static const NdmLoopDef *
search_signature(const NdmUfuncCall *call, const int *in, int use_weak)
{
    /* NumPy's dispatch first looks for a loop of exactly the operand types
     * with the signature's in place (no casting judged here) */
    int exact[NDM_UFUNC_MAXOPS], concrete = 1;
    for (int i = 0; i < call->nop; i++) {
        exact[i] = call->sig[i] >= 0 || i >= call->nin ? call->sig[i] : in[i];
        concrete &= i >= call->nin || exact[i] >= 0;
    }
    for (int k = 0; concrete && k < call->def->nloops; k++) {
        const NdmLoopDef *lp = &call->def->loops[k];
        int ok = signature_reachable(call, lp);
        for (int i = 0; i < call->nop; i++) {
            ok &= exact[i] < 0 || lp->types[i] == exact[i];
        }
        if (ok) {
            return lp;
        }
    }
    const NdmLoopDef *lp = search(call, in, use_weak, call->sig, 0);
    if (lp != NULL) {
        return lp;
    }
    int t = call->sig[call->nin];
    for (int i = 0; i < call->nop; i++) {
        if (t < 0 || (i >= call->nin && call->sig[i] != t)
                || (call->sig[i] >= 0 && call->sig[i] != t)) {
            return NULL;
        }
    }
    int all[NDM_UFUNC_MAXOPS];
    for (int i = 0; i < call->nop; i++) {
        all[i] = t;
    }
    return search(call, in, use_weak, all, 0);
}

/* repr of a dtype for messages, "dtype('int64')". */
static PyObject *
type_repr(int t)
{
    NdmDtype *d = ndm_dtype_builtin(t);
    if (d == NULL) {
        return NULL;
    }
    PyObject *r = PyObject_Repr((PyObject *)d);
    Py_DECREF(d);
    return r;
}

/* NumPy's _UFuncNoLoopError: "ufunc 'add' did not contain a loop with
 * signature matching types (dtype('<U1'), dtype('int64')) -> None". */
static int
no_loop_error(const NdmUfuncCall *call)
{
    PyObject *ins = PyTuple_New(call->nin);
    if (ins == NULL) {
        return -1;
    }
    for (int i = 0; i < call->nin; i++) {
        PyObject *d;
        if (call->ops[i] != NULL) {
            d = (PyObject *)call->ops[i]->descr;
            Py_INCREF(d);
        }
        else {
            d = (PyObject *)ndm_dtype_builtin(weak_default(call->weak[i]));
            if (d == NULL) {
                Py_DECREF(ins);
                return -1;
            }
        }
        PyTuple_SET_ITEM(ins, i, d);
    }
    PyObject *in_text = call->nin == 1 ? PyObject_Repr(PyTuple_GET_ITEM(ins, 0))
                                       : PyObject_Repr(ins);
    Py_DECREF(ins);
    if (in_text == NULL) {
        return -1;
    }
    PyErr_Format(ndm_ufunc_type_error,
                 "ufunc '%s' did not contain a loop with signature matching "
                 "types %U -> %s", call->def->name, in_text,
                 call->nout == 1 ? "None" : call->nout == 2 ? "(None, None)"
                                                            : "(None, None, None)");
    Py_DECREF(in_text);
    return -1;
}

static const char *
casting_name(NdmCasting c)
{
    switch (c) {
    case NDM_NO_CASTING: return "no";
    case NDM_EQUIV_CASTING: return "equiv";
    case NDM_SAFE_CASTING: return "safe";
    case NDM_SAME_KIND_CASTING: return "same_kind";
    default: return "unsafe";
    }
}

/* NumPy's _UFuncInputCastingError / _UFuncOutputCastingError text. */
static int
cast_error(const NdmUfuncCall *call, int output, int index, NdmDtype *from,
           NdmDtype *to)
{
    char num[32] = "";
    if ((output ? call->nout : call->nin) != 1) {
        snprintf(num, sizeof num, "%d ", index);
    }
    PyErr_Format(ndm_ufunc_type_error,
                 "Cannot cast ufunc '%s' %s %sfrom %R to %R with casting rule '%s'",
                 call->def->name, output ? "output" : "input", num,
                 (PyObject *)from, (PyObject *)to, casting_name(call->casting));
    return -1;
}

/* Operand i casts to (an input) or from (an output) the loop's dtype ld
 * under the call's casting rule; else the cast error and -1.  Releases ld. */
static int
check_operand_cast(const NdmUfuncCall *call, int i, NdmDtype *ld, NdmArray *a)
{
    int output = i >= call->nin;
    int ok = output ? ndm_dtype_can_cast(ld, a->descr, call->casting)
                    : ndm_dtype_can_cast(a->descr, ld, call->casting);
    if (!ok) {
        if (output) {
            cast_error(call, 1, i, ld, a->descr);
        }
        else {
            cast_error(call, 0, i, a->descr, ld);
        }
    }
    Py_DECREF(ld);
    return ok ? 0 : -1;
}

/* The DType class NumPy names in its non-legacy "no loop" errors. */
static PyObject *
dtype_class_text(int t, int weak)
{
    static const char *const names[NDM_NNUMERIC] = {
        "Bool", "Int8", "UInt8", "Int16", "UInt16", "Int32", "UInt32", "Int64", "UInt64",
        "Float16", "Float32", "Float64", "Complex64", "Complex128",
    };
    if (t < 0) {
        return PyUnicode_FromFormat("<class 'ndmem.dtypes._Py%sDType'>",
                                    weak == WEAK_INT ? "Long" : weak == WEAK_FLOAT
                                    ? "Float" : "Complex");
    }
    return PyUnicode_FromFormat("<class 'ndmem.dtypes.%sDType'>", names[t]);
}

/* UFuncTypeError "ufunc 'gcd' did not contain a loop with signature
 * matching types (<class '...Float64DType'>, <class '...Int64DType'>) -> None"
 * (ufuncs NumPy implements without the legacy type resolver). */
static int
new_style_no_loop(const NdmUfuncCall *call, const int *in)
{
    PyObject *parts[2] = {PyList_New(0), PyList_New(0)};
    PyObject *text[2] = {NULL, NULL}, *sep = PyUnicode_FromString(", ");
    if (parts[0] == NULL || parts[1] == NULL || sep == NULL) {
        goto done;
    }
    for (int i = 0; i < call->nop; i++) {
        int out = i >= call->nin;
        int t = out ? call->sig[i] : in[i];
        PyObject *c = out && t < 0 ? Py_NewRef(Py_None)
                                   : dtype_class_text(t, out ? 0 : call->weak[i]);
        if (c == NULL || PyList_Append(parts[out], c) < 0) {
            Py_XDECREF(c);
            goto done;
        }
        Py_DECREF(c);
    }
    for (int k = 0; k < 2; k++) {
        if (PyList_GET_SIZE(parts[k]) == 1) {
            text[k] = PyObject_Str(PyList_GET_ITEM(parts[k], 0));
        }
        else {
            PyObject *strs = PyList_New(0);
            for (Py_ssize_t j = 0; strs != NULL && j < PyList_GET_SIZE(parts[k]); j++) {
                PyObject *one = PyObject_Str(PyList_GET_ITEM(parts[k], j));
                if (one == NULL || PyList_Append(strs, one) < 0) {
                    Py_XDECREF(one);
                    Py_CLEAR(strs);
                    break;
                }
                Py_DECREF(one);
            }
            PyObject *joined = strs ? PyUnicode_Join(sep, strs) : NULL;
            Py_XDECREF(strs);
            text[k] = joined ? PyUnicode_FromFormat("(%U)", joined) : NULL;
            Py_XDECREF(joined);
        }
        if (text[k] == NULL) {
            goto done;
        }
    }
    PyErr_Format(ndm_ufunc_type_error,
                 "ufunc '%s' did not contain a loop with signature matching types %U -> %U",
                 call->def->name, text[0], text[1]);
done:
    for (int k = 0; k < 2; k++) {
        Py_XDECREF(parts[k]);
        Py_XDECREF(text[k]);
    }
    Py_XDECREF(sep);
    return -1;
}

/* Messages NumPy gives for boolean inputs to the arithmetic that refuses
 * them (the negative/subtract type resolvers and the ufuncs without a
 * boolean loop whose promotion NumPy does not allow). */
static int
bool_refusal(const NdmUfuncCall *call, const int *in)
{
    for (int i = 0; i < call->nin; i++) {
        if (in[i] != NDM_BOOL) {
            return 0;
        }
    }
    const char *name = call->def->name;
    if (strcmp(name, "subtract") == 0) {
        PyErr_SetString(PyExc_TypeError,
                        "numpy boolean subtract, the `-` operator, is not supported, "
                        "use the bitwise_xor, the `^` operator, or the logical_xor "
                        "function instead.");
        return -1;
    }
    if (strcmp(name, "negative") == 0) {
        PyErr_SetString(PyExc_TypeError,
                        "The numpy boolean negative, the `-` operator, is not "
                        "supported, use the `~` operator or the logical_not "
                        "function instead.");
        return -1;
    }
    if (strcmp(name, "gcd") == 0 || strcmp(name, "lcm") == 0
            || strcmp(name, "sign") == 0 || strcmp(name, "positive") == 0) {
        return new_style_no_loop(call, in);
    }
    return 0;
}

/* Make Python scalar input i a 0-d array of the loop's type when its kind
 * fits there (OverflowError "Python integer 300 out of bounds for uint8"
 * as NumPy; a Python int too large for int64 still reaches a float loop,
 * as NumPy converts the object itself), else of its default type (the
 * cast happens in the loop). */
static int
materialize_weak(NdmUfuncCall *call, int i, int inf)
{
    int t = call->loop->types[i];
    int target = weak_fits(call->weak[i], t) ? t : weak_default(call->weak[i]);
    NdmDtype *d = ndm_dtype_builtin(target);
    if (d == NULL) {
        return -1;
    }
    NdmArray *a = ndm_ufunc_scratch(call, i, d, NULL);
    if (inf) {
        /* the loop is float64 here (fix_integer_comparison) */
        *(double *)a->data = inf > 0 ? Py_HUGE_VAL : -Py_HUGE_VAL;
        return 0;
    }
    return ndm_dtype_setitem(d, a->data, call->in_obj[i]);
}

static const NdmLoopDef *
loop_with_inputs(const NdmUfuncDef *def, int t)
{
    for (int k = 0; k < def->nloops; k++) {
        int ok = 1;
        for (int i = 0; i < def->nin; i++) {
            ok &= def->loops[k].types[i] == t;
        }
        if (ok) {
            return &def->loops[k];
        }
    }
    return NULL;
}

/* Does Python int o fit integer type t?  -1 on errors other than overflow. */
static int
pyint_fits(PyObject *o, int t)
{
    char buf[16];
    if (ndm_scalar_pyint_to(o, t, buf) == 0) {
        return 1;
    }
    if (!PyErr_ExceptionMatches(PyExc_OverflowError)) {
        return -1;
    }
    PyErr_Clear();
    return 0;
}

/* NumPy 2 compares integer arrays with Python ints of any size exactly
 * (umath/special_integer_comparisons.cpp).  When a weak int does not fit
 * the chosen integer loop: an int64 loop when that holds every value,
 * else the float64 loop with the out-of-range ints as +-inf, which orders
 * every integer the same way.  inf[i] gets the sign for such inputs.
 * Returns 1 for such a comparison (integer loop, a weak int input): NumPy
 * runs it without casting either side, so no casting rule applies. */
static int
fix_integer_comparison(NdmUfuncCall *call, const int *in, int *inf)
{
    const NdmLoopDef *lp = call->loop;
    int any_unfit = 0, all_fit_int64 = 1, any_uint64 = 0, any_weak_int = 0;
    for (int i = 0; i < call->nin; i++) {
        int t = lp->types[i];
        if (t == NDM_BOOL || t >= NDM_FLOAT16) {
            return 0;
        }
        if (in[i] == NDM_UINT64) {
            any_uint64 = 1;
        }
        if (in[i] >= 0 || call->weak[i] != WEAK_INT) {
            continue;
        }
        any_weak_int = 1;
        int f = pyint_fits(call->in_obj[i], t);
        if (f < 0) {
            return -1;
        }
        if (!f) {
            any_unfit = 1;
            int g = pyint_fits(call->in_obj[i], NDM_INT64);
            if (g < 0) {
                return -1;
            }
            all_fit_int64 &= g;
        }
    }
    if (!any_unfit) {
        return any_weak_int;
    }
    if (all_fit_int64 && !any_uint64) {
        lp = loop_with_inputs(call->def, NDM_INT64);
        if (lp != NULL) {
            call->loop = lp;
            return 1;
        }
    }
    lp = loop_with_inputs(call->def, NDM_FLOAT64);
    if (lp == NULL) {
        return 1;
    }
    for (int i = 0; i < call->nin; i++) {
        if (in[i] >= 0 || call->weak[i] != WEAK_INT) {
            continue;
        }
        int f = pyint_fits(call->in_obj[i], call->loop->types[i]);
        if (f < 0) {
            return -1;
        }
        if (!f) {
            int overflow;
            long long v = PyLong_AsLongLongAndOverflow(call->in_obj[i], &overflow);
            if (v == -1 && PyErr_Occurred()) {
                return -1;
            }
            inf[i] = overflow ? overflow : (v < 0 ? -1 : 1);
        }
    }
    call->loop = lp;
    return 1;
}

/* Python scalar operand i may not become loop type t under 'equiv' (only
 * its default type is equivalent): NumPy's TypeError, and -1. */
static int
equiv_refused(const NdmUfuncCall *call, int i, int t)
{
    NdmDtype *to = ndm_dtype_builtin(t);
    if (to != NULL) {
        PyErr_Format(PyExc_TypeError,
                     "cannot cast Python %s to %S under the casting rule 'equiv'",
                     Py_TYPE(call->in_obj[i])->tp_name, (PyObject *)to);
        Py_DECREF(to);
    }
    return -1;
}

/* The casting rule for a Python scalar input (checked before the arrays,
 * as NumPy resolves their descriptors first): as a weak scalar it fits
 * its loop type, except that NumPy refuses 'equiv' when that is not the
 * scalar's default type; under a signature with no strong operand of its
 * kind it is an int64/float64/complex128 array. */
static int
check_weak_cast(const NdmUfuncCall *call, int i, int as_weak)
{
    int t = call->loop->types[i], dflt = weak_default(call->weak[i]);
    if (as_weak && weak_fits(call->weak[i], t)) {
        if (call->casting != NDM_EQUIV_CASTING || t == dflt) {
            return 0;
        }
        return equiv_refused(call, i, t);
    }
    NdmDtype *from = ndm_dtype_builtin(dflt), *to = ndm_dtype_builtin(t);
    int rc = 0;
    if (from == NULL || to == NULL) {
        rc = -1;
    }
    else if (!ndm_dtype_can_cast(from, to, call->casting)) {
        rc = cast_error(call, 0, i, from, to);
    }
    Py_XDECREF(from);
    Py_XDECREF(to);
    return rc;
}

/* NumPy's dispatch for logical_and/or/xor (umath/dispatching.c): the
 * 'XX->?' loop when both input DTypes (the signature's where fixed) are
 * the same concrete X and any fixed output is bool; otherwise its
 * logical_ufunc_promoter makes every free operand bool, which finds the
 * '??->?' loop unless the signature fixes something else (then NumPy
 * falls back to its legacy type resolver: the signature search here).
 * So logical_and(uint8, -1) runs on bool, not on uint8. */
static const NdmLoopDef *
resolve_logical(const NdmUfuncCall *call, const int *in)
{
    int d0 = call->sig[0] >= 0 ? call->sig[0] : in[0];
    int d1 = call->sig[1] >= 0 ? call->sig[1] : in[1];
    int out = call->sig[2];
    if (out >= 0 && out != NDM_BOOL) {
        return NULL;
    }
    if (d0 >= 0 && d0 == d1) {
        return loop_with_inputs(call->def, d0);
    }
    int p0 = call->sig[0] >= 0 ? call->sig[0] : NDM_BOOL;
    int p1 = call->sig[1] >= 0 ? call->sig[1] : NDM_BOOL;
    return p0 == p1 ? loop_with_inputs(call->def, p0) : NULL;
}

/* NumPy resolves a Python scalar whose slot the signature fixes as an
 * operand of that type, then converts it as item assignment does (int(2.5)
 * for uint8, TypeError for a complex into a real type, OverflowError out
 * of range), with no casting rule to pass. */
static int
fix_weak_to_signature(NdmUfuncCall *call, int i)
{
    NdmDtype *d = ndm_dtype_builtin(call->sig[i]);
    if (d == NULL) {
        return -1;
    }
    NdmArray *a = ndm_ufunc_scratch(call, i, d, NULL);
    return ndm_dtype_setitem(d, a->data, call->in_obj[i]);
}

/* can_cast_pyscalar_scalar_to under 'safe': a weak int goes to any
 * integer or inexact type, a float to inexact, a complex to complex, none
 * to bool. */
static int
pyscalar_safe(int w, int t)
{
    return t != NDM_BOOL && weak_fits(w, t);
}

/* A same-type comparison loop 'XX->?' (a signature fixing an input
 * does not reach the mixed 'qQ->?' and 'Qq->?' loops). */
static const NdmLoopDef *
comparison_loop(const NdmUfuncDef *def, int t)
{
    const NdmLoopDef *lp = t >= 0 ? loop_with_inputs(def, t) : NULL;
    return lp != NULL && lp->types[2] == NDM_BOOL ? lp : NULL;
}

/* NumPy's legacy type-tuple search for a comparison with Python scalar
 * inputs (dt[i] < 0): loops in order whose types match the signature; a
 * free array input must cast safely, a free scalar as a weak scalar when
 * some array's kind is at least its own (should_use_min_scalar), else as
 * its default type; then the homogeneous retry. */
static const NdmLoopDef *
comparison_type_tuple(const NdmUfuncCall *call, const int *dt)
{
    const NdmUfuncDef *def = call->def;
    int array_kind = -1, scalar_kind = -1;
    for (int i = 0; i < 2; i++) {
        if (dt[i] >= 0 && type_kind(dt[i]) > array_kind) {
            array_kind = type_kind(dt[i]);
        }
        if (dt[i] < 0 && weak_kind(call->weak[i]) > scalar_kind) {
            scalar_kind = weak_kind(call->weak[i]);
        }
    }
    int min_scalar = array_kind >= scalar_kind;
    for (int k = 0; k < def->nloops; k++) {
        const NdmLoopDef *lp = &def->loops[k];
        int ok = lp->types[0] == lp->types[1];
        for (int i = 0; ok && i < call->nop; i++) {
            int t = lp->types[i];
            if (call->sig[i] >= 0) {
                ok = t == call->sig[i];
            }
            else if (i < 2 && dt[i] >= 0) {
                ok = safe_table[dt[i]][t];
            }
            else if (i < 2) {
                int w = call->weak[i];
                ok = min_scalar ? pyscalar_safe(w, t) : safe_table[weak_default(w)][t];
            }
        }
        if (ok) {
            return lp;
        }
    }
    int t = call->sig[2];
    if (t < 0 || (call->sig[0] >= 0 && call->sig[0] != t)
            || (call->sig[1] >= 0 && call->sig[1] != t)) {
        return NULL;
    }
    const NdmLoopDef *lp = comparison_loop(def, t);
    return lp != NULL && lp->types[2] == t ? lp : NULL;
}

/* Python scalar input i as a 0-d operand of type t, converted as item
 * assignment does; casting='equiv' refuses any type but its default
 * first, unless the signature's Python-int loop takes it as is
 * (npy_update_operand_for_scalar). */
static int
scalar_to_loop_type(NdmUfuncCall *call, int i, int t, int check_equiv)
{
    if (check_equiv && call->casting == NDM_EQUIV_CASTING && t != weak_default(call->weak[i])) {
        return equiv_refused(call, i, t);
    }
    NdmDtype *d = ndm_dtype_builtin(t);
    if (d == NULL) {
        return -1;
    }
    NdmArray *a = ndm_ufunc_scratch(call, i, d, NULL);
    return ndm_dtype_setitem(d, a->data, call->in_obj[i]);
}

/* A comparison with Python scalar inputs under a signature that fixes an
 * input, as NumPy 2 dispatches it: the loop of exactly the signature's and
 * the arrays' types; with a free Python int against an integer type (an
 * array's or the signature's) and a bool or free output, the special
 * Python-int loop (exact for any int); else the legacy type-tuple search.
 * On a plain loop the scalars are then converted to the loop's types
 * ('equiv' refusing any but their default type); arrays and outputs are
 * checked under the casting rule.  NumPy leaves a Python scalar whose
 * slot the signature fixes uninitialised when the other input takes the
 * Python-int loop (less(0, 2, signature=('i8', None, None)) compares
 * whatever the new array holds); here it is converted to the signature's
 * type.  1 resolved, 0 not this case, -1 error. */
static int
resolve_comparison_pyscalar(NdmUfuncCall *call)
{
    int dt[2], nweak = 0;
    for (int i = 0; i < 2; i++) {
        if (call->ops[i] == NULL && call->weak[i]) {
            dt[i] = call->sig[i];
            nweak++;
        }
        else {
            int a = call->ops[i]->descr->type_num;
            if (a >= NDM_NNUMERIC) {
                return 0;
            }
            dt[i] = call->sig[i] >= 0 ? call->sig[i] : a;
        }
    }
    if (nweak == 0) {
        return 0;
    }
    int out_ok = call->sig[2] < 0 || call->sig[2] == NDM_BOOL;
    const NdmLoopDef *lp = NULL;
    int special = -1;       /* the free Python int the special loop takes */
    if (dt[0] >= 0 && dt[1] >= 0) {
        lp = out_ok && dt[0] == dt[1] ? comparison_loop(call->def, dt[0]) : NULL;
    }
    else {
        int p = dt[0] < 0 ? 0 : 1, q = 1 - p;
        if (dt[q] >= 0 && call->weak[p] == WEAK_INT && out_ok && dt[q] != NDM_BOOL
                && dt[q] < NDM_FLOAT16) {
            lp = comparison_loop(call->def, dt[q]);
            special = lp != NULL ? p : -1;
        }
    }
    if (lp == NULL) {
        /* the type-tuple search judges arrays by their own types */
        int own[2];
        for (int i = 0; i < 2; i++) {
            own[i] = call->ops[i] == NULL && call->weak[i] ? -1
                                                           : call->ops[i]->descr->type_num;
        }
        lp = comparison_type_tuple(call, own);
    }
    if (lp == NULL) {
        PyErr_Format(PyExc_TypeError,
                     "No loop matching the specified signature and casting was "
                     "found for ufunc %s", call->def->name);
        return -1;
    }
    call->loop = lp;
    int inf[NDM_UFUNC_MAXOPS] = {0};
    if (special >= 0) {
        int in[NDM_UFUNC_MAXOPS] = {0};
        in[special] = -1;
        in[1 - special] = dt[1 - special];
        if (fix_integer_comparison(call, in, inf) < 0) {
            return -1;
        }
    }
    for (int i = 0; i < 2; i++) {
        if (!(call->ops[i] == NULL && call->weak[i])) {
            continue;
        }
        int rc = i == special ? materialize_weak(call, i, inf[i])
                              : scalar_to_loop_type(call, i, special >= 0 ? dt[i]
                                                             : lp->types[i], special < 0);
        if (rc < 0) {
            return -1;
        }
    }
    lp = call->loop;
    for (int i = 0; i < call->nop; i++) {
        NdmArray *o = call->ops[i];
        int output = i >= call->nin;
        if (o == NULL || (!output && call->weak[i])) {
            continue;
        }
        /* the special loop takes an array as the signature's type */
        NdmDtype *ld = ndm_dtype_builtin(!output && special >= 0 ? dt[i] : lp->types[i]);
        if (ld == NULL || check_operand_cast(call, i, ld, o) < 0) {
            return -1;
        }
    }
    return 1;
}

int
ndm_ufunc_resolve(NdmUfuncCall *call)
{
    int in[NDM_UFUNC_MAXOPS];
    int strong_kind = -1, weak_max = -1, all_weak = 1, divide_ints = 1;

    if (!safe_table_ready && fill_safe_table() < 0) {
        return -1;
    }
    unsigned fixed_weak = 0;
    for (int i = 0; i < call->nin; i++) {
        if (call->weak[i] && call->ops[i] == NULL && call->sig[i] >= 0) {
            /* resolved as an operand of that type, converted once the loop
             * is known */
            fixed_weak |= 1u << i;
            in[i] = call->sig[i];
            all_weak = 0;
            strong_kind = type_kind(in[i]) > strong_kind ? type_kind(in[i]) : strong_kind;
            divide_ints &= type_kind(in[i]) <= 1;
            continue;
        }
        if (call->weak[i] && call->ops[i] == NULL) {
            in[i] = -1;
            int k = weak_kind(call->weak[i]);
            weak_max = k > weak_max ? k : weak_max;
            divide_ints &= call->weak[i] == WEAK_INT;
            continue;
        }
        int t = call->ops[i]->descr->type_num;
        if (t >= NDM_NNUMERIC) {
            return no_loop_error(call);
        }
        in[i] = t;
        all_weak = 0;
        int k = type_kind(t);
        strong_kind = k > strong_kind ? k : strong_kind;
        divide_ints &= k <= 1;
    }
    if (!call->have_sig && !all_weak && bool_refusal(call, in) < 0) {
        return -1;
    }
    int use_weak = !all_weak && strong_kind >= weak_max;
    ResolveCache *cache = NULL;
    ptrdiff_t at = call->def - ndm_ufunc_defs;
    if (call->have_sig && call->nin == 2 && (call->sig[0] >= 0 || call->sig[1] >= 0)
            && at >= 0 && at < ndm_ufunc_ndefs && (caches[at].special & SPECIAL_COMPARISON)) {
        int r = resolve_comparison_pyscalar(call);
        if (r != 0) {
            return r < 0 ? -1 : 0;
        }
    }
    uint32_t key = 0;
    const NdmLoopDef *lp = NULL;
    ptrdiff_t index = call->def - ndm_ufunc_defs;
    if (index >= 0 && index < ndm_ufunc_ndefs) {
        cache = &caches[index];
    }
    divide_ints = divide_ints && !call->have_sig && cache != NULL
                  && (cache->special & SPECIAL_DIVIDE);
    if (cache != NULL && !call->have_sig && call->nin <= 3) {
        key = 1u << 16 | (uint32_t)use_weak << 15;
        for (int i = 0; i < call->nin; i++) {
            key |= (uint32_t)(in[i] >= 0 ? in[i] : 16 + call->weak[i]) << (5 * i);
        }
        for (int w = 0; w < CACHE_WAYS; w++) {
            if (cache->key[w] == key) {
                lp = cache->loop[w];
                break;
            }
        }
    }
    int logical = cache != NULL && (cache->special & SPECIAL_LOGICAL) && call->nin == 2;
    if (lp == NULL && logical) {
        lp = resolve_logical(call, in);
    }
    if (lp == NULL && call->have_sig) {
        lp = search_signature(call, in, use_weak);
    }
    else if (lp == NULL && !logical) {
        lp = search(call, in, use_weak, NULL, divide_ints);
        if (lp != NULL && key != 0) {
            cache->key[cache->next] = key;
            cache->loop[cache->next] = lp;
            cache->next = (cache->next + 1) % CACHE_WAYS;
        }
    }
    if (lp == NULL && cache != NULL && (cache->special & SPECIAL_NEW_STYLE)) {
        return new_style_no_loop(call, in);
    }
    if (lp == NULL && call->have_sig) {
        PyErr_Format(PyExc_TypeError,
                     "No loop matching the specified signature and casting was "
                     "found for ufunc %s", call->def->name);
        return -1;
    }
    if (lp == NULL) {
        PyErr_Format(PyExc_TypeError,
                     "ufunc '%s' not supported for the input types, and the inputs "
                     "could not be safely coerced to any supported types according "
                     "to the casting rule ''safe''", call->def->name);
        return -1;
    }
    call->loop = lp;

    int inf[NDM_UFUNC_MAXOPS] = {0};
    int uncast_comparison = 0;
    /* NumPy's special comparison loops take a free Python int under a
     * signature too, unless the output is fixed to something else */
    if (use_weak && (call->sig[call->nin] < 0 || call->sig[call->nin] == NDM_BOOL)
            && cache != NULL && (cache->special & SPECIAL_COMPARISON)
            && (uncast_comparison = fix_integer_comparison(call, in, inf)) < 0) {
        return -1;
    }
    lp = call->loop;
    /* NumPy's logical ufuncs take any input into their bool loop, whatever
     * the casting rule (logical_and(x, y, casting='no') on floats). */
    int free_to_bool = logical && lp->types[0] == NDM_BOOL;
    for (int i = 0; i < call->nin; i++) {
        if (fixed_weak >> i & 1u) {
            if (fix_weak_to_signature(call, i) < 0) {
                return -1;
            }
            continue;
        }
        int as_weak = use_weak || call->nin > 1;
        if (in[i] < 0 && ((!uncast_comparison && !free_to_bool
                           && check_weak_cast(call, i, as_weak) < 0)
                          || materialize_weak(call, i, inf[i]) < 0)) {
            return -1;
        }
    }
    for (int i = 0; i < call->nop; i++) {
        NdmArray *a = call->ops[i];
        if (a == NULL) {
            continue;
        }
        int output = i >= call->nin;
        if (!output && (in[i] < 0 || free_to_bool || (fixed_weak >> i & 1u))) {
            continue;
        }
        /* an uncast comparison still takes its input in native byte order */
        NdmDtype *ld = ndm_dtype_builtin(!output && uncast_comparison
                                         ? (call->sig[i] >= 0 ? call->sig[i] : in[i])
                                         : lp->types[i]);
        if (ld == NULL || check_operand_cast(call, i, ld, a) < 0) {
            return -1;
        }
    }
    return 0;
}

const NdmLoopDef *
ndm_ufunc_find_loop(const NdmUfuncDef *def, const int *in_types)
{
    NdmUfuncCall call;
    memset(&call, 0, sizeof call);
    call.def = def;
    call.nin = def->nin;
    call.nout = def->nout;
    call.nop = def->nin + def->nout;
    for (int i = 0; i < NDM_UFUNC_MAXOPS; i++) {
        call.sig[i] = -1;
    }
    if (!safe_table_ready && fill_safe_table() < 0) {
        return NULL;
    }
    for (int i = 0; i < def->nin; i++) {
        if (in_types[i] < 0 || in_types[i] >= NDM_NNUMERIC) {
            PyErr_Format(PyExc_TypeError,
                         "ufunc '%s' did not contain a loop with signature matching "
                         "the input types", def->name);
            return NULL;
        }
    }
    const NdmLoopDef *lp = search(&call, in_types, 0, NULL, 0);
    if (lp == NULL) {
        PyObject *parts = PyList_New(0);
        if (parts == NULL) {
            return NULL;
        }
        for (int i = 0; i < def->nin; i++) {
            PyObject *r = type_repr(in_types[i]);
            if (r == NULL || PyList_Append(parts, r) < 0) {
                Py_XDECREF(r);
                Py_DECREF(parts);
                return NULL;
            }
            Py_DECREF(r);
        }
        PyObject *sep = PyUnicode_FromString(", ");
        PyObject *joined = sep ? PyUnicode_Join(sep, parts) : NULL;
        Py_XDECREF(sep);
        Py_DECREF(parts);
        if (joined == NULL) {
            return NULL;
        }
        PyErr_Format(ndm_ufunc_type_error,
                     "ufunc '%s' did not contain a loop with signature matching "
                     "types %s%U%s -> None", def->name, def->nin > 1 ? "(" : "",
                     joined, def->nin > 1 ? ")" : "");
        Py_DECREF(joined);
    }
    return lp;
}

/* ------------------------------------------------------------------ */
/* signature= and dtype=                                              */

static int
type_of(PyObject *spec, int *out)
{
    if (spec == Py_None) {
        *out = -1;
        return 0;
    }
    NdmDtype *d = ndm_dtype_from_object(spec);
    if (d == NULL) {
        return -1;
    }
    int t = d->type_num;
    Py_DECREF(d);
    if (t >= NDM_NNUMERIC) {
        PyErr_SetString(PyExc_TypeError,
                        "The `dtype` and `signature` arguments to ufuncs only select the "
                        "general DType and not details such as the byte order or time unit. "
                        "You can avoid this error by using the scalar types `np.float64` or "
                        "the dtype string notation.");
        return -1;
    }
    *out = t;
    return 0;
}

static int
parse_string_signature(NdmUfuncCall *call, PyObject *s)
{
    const char *text = PyUnicode_AsUTF8(s);
    if (text == NULL) {
        return -1;
    }
    const char *arrow = strstr(text, "->");
    int n = 0;
    for (const char *p = text; *p; p++) {
        if (p == arrow) {
            p++;
            continue;
        }
        if (*p == ' ' || *p == ',') {
            continue;
        }
        if (n >= call->nop) {
            n = call->nop + 1;
            break;
        }
        char one[2] = {*p, 0};
        PyObject *c = PyUnicode_FromString(one);
        if (c == NULL) {
            return -1;
        }
        int r = type_of(c, &call->sig[n]);
        Py_DECREF(c);
        if (r < 0) {
            if (PyErr_ExceptionMatches(PyExc_TypeError)) {
                PyErr_SetString(PyExc_ValueError, "Invalid data-type for array");
            }
            return -1;
        }
        n++;
    }
    if (arrow == NULL && n == 1) {
        for (int i = 1; i < call->nop; i++) {
            call->sig[i] = call->sig[0];
        }
        return 0;
    }
    if (arrow == NULL && n == call->nin) {
        return 0;
    }
    if (n != call->nop) {
        PyErr_Format(PyExc_ValueError,
                     "a type-string for %s, %d typecode(s) before and %d after the -> sign",
                     call->def->name, call->nin, call->nout);
        return -1;
    }
    return 0;
}

int
ndm_ufunc_parse_signature(NdmUfuncCall *call, PyObject *signature, PyObject *dtype)
{
    if (signature != NULL && signature != Py_None && dtype != NULL && dtype != Py_None) {
        PyErr_SetString(PyExc_TypeError, "cannot specify both 'signature' and 'dtype'");
        return -1;
    }
    if (dtype != NULL && dtype != Py_None) {
        int t;
        if (type_of(dtype, &t) < 0) {
            return -1;
        }
        for (int i = call->nin; i < call->nop; i++) {
            call->sig[i] = t;
        }
        call->have_sig = 1;
        return 0;
    }
    if (signature == NULL || signature == Py_None) {
        return 0;
    }
    if (PyUnicode_Check(signature)) {
        if (parse_string_signature(call, signature) < 0) {
            return -1;
        }
    }
    else if (PyTuple_Check(signature)) {
        Py_ssize_t n = PyTuple_GET_SIZE(signature);
        if (n == 1) {
            int t;
            if (type_of(PyTuple_GET_ITEM(signature, 0), &t) < 0) {
                return -1;
            }
            for (int i = 0; i < call->nop; i++) {
                call->sig[i] = t;
            }
        }
        else if (n == call->nop) {
            for (int i = 0; i < call->nop; i++) {
                if (type_of(PyTuple_GET_ITEM(signature, i), &call->sig[i]) < 0) {
                    return -1;
                }
            }
        }
        else {
            PyErr_Format(PyExc_ValueError,
                         "a type-tuple must be specified of length %d for ufunc '%s'",
                         call->nop, call->def->name);
            return -1;
        }
    }
    else {
        int t;
        if (type_of(signature, &t) < 0) {
            return -1;
        }
        for (int i = 0; i < call->nop; i++) {
            call->sig[i] = t;
        }
    }
    for (int i = 0; i < call->nop; i++) {
        call->have_sig |= call->sig[i] >= 0;
    }
    return 0;
}
