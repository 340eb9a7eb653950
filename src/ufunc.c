/* The ufunc type: one object per entry of ndm_ufunc_defs (loops.c) plus
 * NumPy's aliases, its attributes, __call__ (argument parsing, overlap,
 * output allocation, wrapping) and outer.  Type resolution is in
 * ufunc_resolve.c, the strided execution and errstate in ufunc_exec.c,
 * reduce/accumulate in reduce.c. */
#include "ufunc_internal.h"
#include <structmember.h>
#include "scalar.h"
#include <fenv.h>

static PyTypeObject *ufunc_type;
static PyObject *s_array_wrap;
PyObject *ndm_ufunc_type_error;
static PyObject *ufunc_by_name;     /* dict: name and alias -> ufunc */

/* ------------------------------------------------------------------ */
/* argument parsing                                                   */

static void
call_clear(NdmUfuncCall *call)
{
    for (int i = 0; i < NDM_UFUNC_MAXOPS; i++) {
        if (call->scratch_mask & (1u << i)) {
            call->ops[i] = NULL;
            Py_CLEAR(call->scratch_descr[i]);
        }
        else {
            Py_CLEAR(call->ops[i]);
        }
    }
}

NdmArray *
ndm_ufunc_scratch(NdmUfuncCall *call, int i, NdmDtype *descr, const char *data)
{
    NdmArray *a = &call->scratch[i];
    memset(a, 0, sizeof *a);
    Py_SET_REFCNT((PyObject *)a, 1);
    Py_SET_TYPE((PyObject *)a, ndm_state.ndarray_type);
    a->data = data != NULL ? (char *)data : call->scratch_data[i].c;
    a->nd = 0;
    a->shape = a->dims_inline;
    a->strides = a->dims_inline + NDM_INLINE_DIMS;
    a->descr = descr;
    a->flags = NDM_C_CONTIGUOUS | NDM_F_CONTIGUOUS | NDM_WRITEABLE;
    if (((uintptr_t)a->data & (uintptr_t)(descr->alignment - 1)) == 0) {
        a->flags |= NDM_ALIGNED;
    }
    call->scratch_descr[i] = descr;
    call->scratch_mask |= 1u << i;
    call->ops[i] = a;
    return a;
}

static int
set_output(NdmUfuncCall *call, int i, PyObject *obj)
{
    if (obj == Py_None) {
        return 0;
    }
    if (!NdmArray_Check(obj)) {
        PyErr_SetString(PyExc_TypeError, "return arrays must be of ArrayType");
        return -1;
    }
    if (!ndm_array_is_writeable((NdmArray *)obj)) {
        PyErr_SetString(PyExc_ValueError, "output array is read-only");
        return -1;
    }
    Py_INCREF(obj);
    Py_XSETREF(call->ops[i], (NdmArray *)obj);
    call->out_given = 1;
    return 0;
}

static int
parse_out_kw(NdmUfuncCall *call, PyObject *value)
{
    if (value == Py_None) {
        call->out_none_given = 1;
        return 0;
    }
    if (PyTuple_Check(value)) {
        if (PyTuple_GET_SIZE(value) != call->nout) {
            PyErr_SetString(PyExc_ValueError,
                            "The 'out' tuple must have exactly one entry per ufunc output");
            return -1;
        }
        for (int j = 0; j < call->nout; j++) {
            if (set_output(call, call->nin + j, PyTuple_GET_ITEM(value, j)) < 0) {
                return -1;
            }
        }
        if (!call->out_given) {
            call->out_none_given = 1;
        }
        return 0;
    }
    if (call->nout > 1 && NdmArray_Check(value)) {
        PyErr_SetString(PyExc_TypeError, "'out' must be a tuple of arrays");
        return -1;
    }
    return set_output(call, call->nin, value);
}

static int
parse_order(PyObject *value, char *order)
{
    if (value == Py_None) {
        *order = 'K';
        return 0;
    }
    const char *s = PyUnicode_Check(value) ? PyUnicode_AsUTF8(value) : NULL;
    if (s != NULL && s[0] != '\0' && s[1] == '\0' && strchr("CFAKcfak", s[0])) {
        *order = (char)(s[0] & ~0x20);
        return 0;
    }
    PyErr_Clear();
    PyErr_Format(PyExc_ValueError,
                 "order must be one of 'C', 'F', 'A', or 'K' (got %R)", value);
    return -1;
}

static int
parse_kwargs(NdmUfuncCall *call, PyObject *const *kwvalues, PyObject *kwnames,
             int positional_out)
{
    PyObject *signature = NULL, *dtype = NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(kwnames);
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, k);
        PyObject *value = kwvalues[k];
        if (PyUnicode_CompareWithASCIIString(key, "out") == 0) {
            if (positional_out) {
                PyErr_SetString(PyExc_TypeError,
                                "cannot specify 'out' as both a positional and keyword argument");
                return -1;
            }
            if (parse_out_kw(call, value) < 0) {
                return -1;
            }
        }
        else if (PyUnicode_CompareWithASCIIString(key, "where") == 0) {
            call->where_obj = value == Py_True ? NULL : value;
        }
        else if (PyUnicode_CompareWithASCIIString(key, "dtype") == 0) {
            dtype = value;
        }
        else if (PyUnicode_CompareWithASCIIString(key, "signature") == 0) {
            signature = value;
        }
        else if (PyUnicode_CompareWithASCIIString(key, "casting") == 0) {
            if (!PyUnicode_Check(value)) {
                PyErr_Format(PyExc_TypeError, "casting must be str, not %s",
                             Py_TYPE(value)->tp_name);
                return -1;
            }
            if (!ndm_casting_converter(value, &call->casting)) {
                return -1;
            }
        }
        else if (PyUnicode_CompareWithASCIIString(key, "order") == 0) {
            if (parse_order(value, &call->order) < 0) {
                return -1;
            }
        }
        else if (PyUnicode_CompareWithASCIIString(key, "subok") == 0) {
            if (!PyBool_Check(value)) {
                PyErr_SetString(PyExc_TypeError, "'subok' must be a boolean");
                return -1;
            }
            call->subok = value == Py_True;
        }
        else {
            PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'",
                         call->def->name, key);
            return -1;
        }
    }
    return ndm_ufunc_parse_signature(call, signature, dtype);
}

/* Inputs: arrays as they are, Python int/float/complex kept weak (NEP 50),
 * anything else through np.asarray. */
static int
convert_inputs(NdmUfuncCall *call, PyObject *const *args)
{
    for (int i = 0; i < call->nin; i++) {
        PyObject *o = args[i];
        call->in_obj[i] = o;
        if (NdmArray_Check(o)) {
            Py_INCREF(o);
            call->ops[i] = (NdmArray *)o;
        }
        else if (PyLong_CheckExact(o)) {
            call->weak[i] = WEAK_INT;
        }
        else if (PyFloat_CheckExact(o)) {
            call->weak[i] = WEAK_FLOAT;
        }
        else if (PyComplex_CheckExact(o)) {
            call->weak[i] = WEAK_COMPLEX;
        }
        else if ((unsigned)ndm_scalar_typenum(o) < NDM_NNUMERIC) {
            NdmDtype *d = ndm_scalar_get_dtype(o);
            const char *p = d != NULL ? ndm_scalar_data(o) : NULL;
            if (p == NULL) {
                Py_XDECREF(d);
                return -1;
            }
            ndm_ufunc_scratch(call, i, d, p);
        }
        else {
            PyObject *a = ndm_array_from_any(o, NULL, -1, 'K', 0);
            if (a == NULL) {
                return -1;
            }
            call->ops[i] = (NdmArray *)a;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* overlap, outputs, wrapping                                         */

static int
same_layout(NdmArray *a, NdmArray *b)
{
    if (a->data != b->data || a->nd != b->nd
            || a->descr->itemsize != b->descr->itemsize) {
        return 0;
    }
    for (int i = 0; i < a->nd; i++) {
        if (a->shape[i] != b->shape[i]
                || (a->shape[i] > 1 && a->strides[i] != b->strides[i])) {
            return 0;
        }
    }
    return 1;
}

/* An operand that shares memory with an output (other than being the very
 * same elements) is replaced by a copy first, as NumPy's
 * NPY_ITER_COPY_IF_OVERLAP. */
static int
copy_if_overlap(NdmUfuncCall *call, NdmArray **op)
{
    if (*op >= call->scratch && *op < call->scratch + NDM_UFUNC_MAXOPS) {
        return 0;   /* a scalar's own storage */
    }
    for (int j = call->nin; j < call->nop; j++) {
        NdmArray *out = call->ops[j];
        if (out == NULL || out == *op || same_layout(*op, out)
                || !ndm_overlap_may_share(*op, out)) {
            continue;
        }
        NdmArray *c = (NdmArray *)ndm_array_copy(*op, 'K');
        if (c == NULL) {
            return -1;
        }
        Py_SETREF(*op, c);
        return 0;
    }
    return 0;
}

/* The input whose __array_wrap__ (or, for an ndarray subclass without
 * one, whose type) the results take, or NULL for plain arrays/scalars:
 * NumPy's npy_find_array_wrap (highest __array_priority__; exact arrays
 * count 0, scalars -1e6; a priority-0 wrapper beats plain arrays). */
/* A numpy.ndarray or numpy scalar (or subclass) that keeps numpy's own
 * __array_wrap__: that wrap only takes numpy arrays, so the operand counts
 * as a plain array (1) or scalar (2) input; 0 otherwise. */
static int
numpy_operand_kind(PyObject *o)
{
    PyTypeObject *tp = Py_TYPE(o);
    if (!PyTuple_Check(tp->tp_mro)) {
        return 0;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(tp->tp_mro); i++) {
        PyTypeObject *base = (PyTypeObject *)PyTuple_GET_ITEM(tp->tp_mro, i);
        int kind = strcmp(base->tp_name, "numpy.ndarray") == 0 ? 1
                   : strcmp(base->tp_name, "numpy.generic") == 0 ? 2 : 0;
        if (kind) {
            PyObject *own = PyDict_GetItemWithError(base->tp_dict, s_array_wrap);
            if (own == NULL && PyErr_Occurred()) {
                PyErr_Clear();
            }
            return own != NULL && own == _PyType_Lookup(tp, s_array_wrap) ? kind : 0;
        }
    }
    return 0;
}

static PyObject *
find_wrap_input(NdmUfuncCall *call)
{
    PyObject *best = NULL;
    int have = 0;
    double best_p = 0.0;
    for (int i = 0; i < call->nin; i++) {
        PyObject *o = call->in_obj[i];
        double p;
        /* ndmem's own operands first: the MRO walk is for foreign ones */
        int plain = NdmArray_CheckExact(o) || call->weak[i] || ndm_scalar_typenum(o) >= 0
                    || PyBool_Check(o) || PyList_Check(o) || PyTuple_Check(o);
        int numpy_kind = plain || NdmArray_Check(o) ? 0 : numpy_operand_kind(o);
        if (plain || numpy_kind) {
            p = (NdmArray_CheckExact(o) || numpy_kind == 1) ? 0.0 : -1000000.0;
            if (!have || best_p < p) {
                best = NULL;
                best_p = p;
                have = 1;
            }
            continue;
        }
        if (!NdmArray_Check(o) && _PyType_Lookup(Py_TYPE(o), s_array_wrap) == NULL) {
            continue;
        }
        p = 0.0;
        PyObject *v = PyObject_GetAttrString(o, "__array_priority__");
        if (v == NULL) {
            PyErr_Clear();
        }
        else {
            p = PyFloat_AsDouble(v);
            Py_DECREF(v);
            if (p == -1.0 && PyErr_Occurred()) {
                PyErr_Clear();
                p = 0.0;
            }
        }
        if (!have || best_p < p || (p == 0.0 && best == NULL)) {
            best = o;
            best_p = p;
            have = 1;
        }
    }
    return best;
}

/* NumPy's try_trivial_single_output_loop: one output, no where=, every
 * operand that is not 0-d of the result's shape and of the loop's dtype,
 * each N-d one C- or F-contiguous with the same flags.  The output is then
 * allocated C (or F when those flags say only F), which fixes the strides
 * NumPy reports for length-1 axes.  order='A' tries it too (only 'C' and
 * 'F' fix the order before it).  0 when the rule does not apply. */
static char
trivial_order(NdmUfuncCall *call, NdmArray *mask, int nd, const Py_ssize_t *shape)
{
    int order_flags = 0;
    if (call->nout != 1 || mask != NULL || (call->order != 'K' && call->order != 'A')) {
        return 0;
    }
    for (int i = 0; i < call->nop; i++) {
        NdmArray *a = call->ops[i];
        if (a == NULL || (a->nd == 0 && i < call->nin)) {
            continue;
        }
        if (a->nd != nd || memcmp(a->shape, shape, (size_t)nd * sizeof(Py_ssize_t)) != 0
                || a->descr->type_num != call->loop->types[i] || !ndm_dtype_isnative(a->descr)) {
            return 0;
        }
        if (nd > 1) {
            int f = a->flags & (NDM_C_CONTIGUOUS | NDM_F_CONTIGUOUS);
            if (f == 0 || (order_flags != 0 && f != order_flags)) {
                return 0;
            }
            order_flags = f;
        }
    }
    return order_flags == NDM_F_CONTIGUOUS ? 'F' : 'C';
}

static int
allocate_output(NdmUfuncCall *call, NdmArray *mask, int j, int nd, const Py_ssize_t *shape,
                int scalar_result, char trivial)
{
    NdmDtype *d = ndm_dtype_builtin(call->loop->types[j]);
    if (d == NULL) {
        return -1;
    }
    if (scalar_result) {
        ndm_ufunc_scratch(call, j, d, NULL);
        return 0;
    }
    Py_ssize_t strides[NDM_MAXDIMS];
    const Py_ssize_t *sp = NULL;
    int flags = 0;
    Py_ssize_t size = 1;
    for (int i = 0; i < nd; i++) {
        size *= shape[i];
    }
    char order = trivial ? trivial : call->order;
    if (order == 'A') {
        /* NumPy's iterator under NPY_ANYORDER: Fortran when every operand
         * it holds (inputs, 0-d ones too, outputs already there, the
         * where= mask) has the F_CONTIGUOUS flag, which length-1 axes do
         * not break: add(ones((3, 1)), ones((1, 3)), order='A') is F */
        order = mask == NULL || (mask->flags & NDM_F_CONTIGUOUS) ? 'F' : 'C';
        for (int i = 0; i < call->nop; i++) {
            NdmArray *a = call->ops[i];
            if (a != NULL && !(a->flags & NDM_F_CONTIGUOUS)) {
                order = 'C';
            }
        }
    }
    if (order == 'F') {
        flags = NDM_NEW_FORTRAN;
    }
    else if (order == 'K' && size > 0 && nd > 1) {
        ndm_ufunc_k_strides(call->nop, call->ops, nd, shape, d->itemsize, strides);
        sp = strides;
    }
    PyObject *a = ndm_array_new(ndm_state.ndarray_type, d, nd, shape, sp, NULL,
                                flags, NULL);
    if (a == NULL) {
        return -1;
    }
    call->ops[j] = (NdmArray *)a;
    return 0;
}

/* One result: out= objects as given; else through the subclass's
 * __array_wrap__(arr, (ufunc, args, i), return_scalar), or a view as that
 * subclass (ndarray.__array_wrap__), else a scalar when 0-d. */
static PyObject *
wrap_result(PyObject *ufunc, NdmUfuncCall *call, int j, int was_given,
            PyObject *wrap_obj, PyObject *const *args)
{
    NdmArray *a = call->ops[j];
    if (was_given) {
        Py_INCREF(a);
        return (PyObject *)a;
    }
    if (wrap_obj == NULL) {
        if (a->nd == 0) {
            return ndm_array_getitem_ptr(a, a->data);
        }
        Py_INCREF(a);
        return (PyObject *)a;
    }
    PyObject *wrap = PyObject_GetAttr(wrap_obj, s_array_wrap);
    if (wrap == NULL) {
        PyErr_Clear();
        Py_INCREF(a->descr);
        return ndm_array_view(a, a->descr, a->nd, a->shape, a->strides, a->data,
                              Py_TYPE(wrap_obj));
    }
    PyObject *argt = PyTuple_New(call->nin);
    if (argt == NULL) {
        Py_DECREF(wrap);
        return NULL;
    }
    for (int i = 0; i < call->nin; i++) {
        Py_INCREF(args[i]);
        PyTuple_SET_ITEM(argt, i, args[i]);
    }
    PyObject *r = PyObject_CallFunction(wrap, "O(ONi)O", (PyObject *)a, ufunc, argt,
                                        j - call->nin, a->nd == 0 ? Py_True : Py_False);
    Py_DECREF(wrap);
    return r;
}

/* ------------------------------------------------------------------ */
/* __array_ufunc__ overrides (NumPy's override.c)                      */

static PyObject *s_array_ufunc;
static PyObject *ndarray_array_ufunc;   /* ndarray's own, borrowed from its dict */
static PyObject *numpy_array_ufunc;     /* numpy.ndarray's, once met */

/* The __array_ufunc__ of o's type (borrowed), NULL when it has none or
 * inherits ndarray's.  Arrays and Python's own types are never looked at,
 * as NumPy. */
static PyObject *
override_of(PyObject *o)
{
    PyTypeObject *tp = Py_TYPE(o);
    if (NdmArray_CheckExact(o) || tp == &PyLong_Type || tp == &PyFloat_Type
            || tp == &PyComplex_Type || tp == &PyBool_Type || tp == &PyList_Type
            || tp == &PyTuple_Type || tp == &PyUnicode_Type || tp == &PyBytes_Type
            || o == Py_None || tp == &PyDict_Type || tp == &PySlice_Type) {
        return NULL;
    }
    PyObject *attr = _PyType_Lookup(tp, s_array_ufunc);
    if (attr == NULL || attr == ndarray_array_ufunc || attr == numpy_array_ufunc) {
        return NULL;
    }
    if (numpy_array_ufunc == NULL && PyTuple_Check(tp->tp_mro)) {
        /* numpy.ndarray's default would call the ufunc straight back with
         * the same operands: its arrays are plain array inputs, as NumPy
         * treats ndarray.__array_ufunc__ itself. */
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(tp->tp_mro); i++) {
            PyTypeObject *base = (PyTypeObject *)PyTuple_GET_ITEM(tp->tp_mro, i);
            if (strcmp(base->tp_name, "numpy.ndarray") == 0
                    && PyDict_GetItemWithError(base->tp_dict, s_array_ufunc) == attr) {
                Py_INCREF(attr);
                numpy_array_ufunc = attr;
                return NULL;
            }
        }
        if (PyErr_Occurred()) {
            PyErr_Clear();
        }
    }
    return attr;
}

/* ndarray.__array_ufunc__(ufunc, method, *inputs, **kwargs), NumPy's
 * default: NotImplemented when another operand overrides ufuncs, else the
 * ufunc's method on the operands (what subclasses reach through super()). */
static PyObject *
array_ufunc_default(PyObject *Py_UNUSED(self), PyObject *args, PyObject *kwds)
{
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    if (n < 2) {
        PyErr_SetString(PyExc_TypeError,
                        "__array_ufunc__ requires ufunc and method arguments");
        return NULL;
    }
    for (Py_ssize_t i = 2; i < n; i++) {
        if (override_of(PyTuple_GET_ITEM(args, i)) != NULL) {
            Py_RETURN_NOTIMPLEMENTED;
        }
    }
    PyObject *out = kwds != NULL ? PyDict_GetItemString(kwds, "out") : NULL;
    if (out != NULL) {
        Py_ssize_t m = PyTuple_Check(out) ? PyTuple_GET_SIZE(out) : 1;
        for (Py_ssize_t j = 0; j < m; j++) {
            if (override_of(PyTuple_Check(out) ? PyTuple_GET_ITEM(out, j) : out) != NULL) {
                Py_RETURN_NOTIMPLEMENTED;
            }
        }
    }
    PyObject *meth = PyObject_GetAttr(PyTuple_GET_ITEM(args, 0), PyTuple_GET_ITEM(args, 1));
    if (meth == NULL) {
        return NULL;
    }
    if (!PyObject_TypeCheck(PyTuple_GET_ITEM(args, 0), ufunc_type)) {
        /* Another library's ufunc (numpy.add from `numpy_array + a`): it
         * gets our arrays through the buffer protocol and returns its own
         * arrays; it cannot write into ours. */
        if (out != NULL) {
            Py_DECREF(meth);
            Py_RETURN_NOTIMPLEMENTED;
        }
        PyObject *inputs = PyTuple_New(n - 2);
        for (Py_ssize_t i = 2; inputs != NULL && i < n; i++) {
            PyObject *o = PyTuple_GET_ITEM(args, i);
            PyObject *item = NdmArray_Check(o) ? PyMemoryView_FromObject(o) : Py_NewRef(o);
            if (item == NULL) {
                Py_CLEAR(inputs);
                break;
            }
            PyTuple_SET_ITEM(inputs, i - 2, item);
        }
        PyObject *r = inputs != NULL ? PyObject_Call(meth, inputs, kwds) : NULL;
        Py_XDECREF(inputs);
        Py_DECREF(meth);
        return r;
    }
    PyObject *inputs = PyTuple_GetSlice(args, 2, n);
    PyObject *r = inputs != NULL ? PyObject_Call(meth, inputs, kwds) : NULL;
    Py_XDECREF(inputs);
    Py_DECREF(meth);
    return r;
}

static PyMethodDef array_ufunc_methods[] = {
    {"__array_ufunc__", (PyCFunction)(void (*)(void))array_ufunc_default,
     METH_VARARGS | METH_KEYWORDS, NULL},
    {NULL, NULL, 0, NULL},
};

/* Add o to the override list: one per type, subclasses before their bases. */
static void
add_override(PyObject **list, int *n, PyObject *o)
{
    int pos = *n;
    for (int i = 0; i < *n; i++) {
        if (Py_TYPE(list[i]) == Py_TYPE(o)) {
            return;
        }
        if (pos == *n && PyType_IsSubtype(Py_TYPE(o), Py_TYPE(list[i]))) {
            pos = i;
        }
    }
    for (int i = *n; i > pos; i--) {
        list[i] = list[i - 1];
    }
    list[pos] = o;
    (*n)++;
}

/* The kwargs NumPy hands to __array_ufunc__: out normalized to a tuple
 * (positional outputs included), dropped when it holds only None. */
static PyObject *
override_kwargs(int nin, int nout, PyObject *const *args, Py_ssize_t nargs,
                PyObject *kwnames)
{
    PyObject *kw = PyDict_New();
    PyObject *out = NULL;
    if (kw == NULL) {
        return NULL;
    }
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    for (Py_ssize_t k = 0; k < nkw; k++) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, k), *v = args[nargs + k];
        if (PyUnicode_CompareWithASCIIString(key, "out") == 0) {
            out = PyTuple_Check(v) ? Py_NewRef(v) : PyTuple_Pack(1, v);
            if (out == NULL) {
                goto fail;
            }
        }
        else if (PyDict_SetItem(kw, key, v) < 0) {
            goto fail;
        }
    }
    if (out == NULL && nargs > nin) {
        out = PyTuple_New(nout);
        if (out == NULL) {
            goto fail;
        }
        for (int j = 0; j < nout; j++) {
            PyObject *v = nin + j < nargs ? args[nin + j] : Py_None;
            PyTuple_SET_ITEM(out, j, Py_NewRef(v));
        }
    }
    if (out != NULL) {
        int any = 0;
        for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(out); j++) {
            any |= PyTuple_GET_ITEM(out, j) != Py_None;
        }
        if (any && PyDict_SetItemString(kw, "out", out) < 0) {
            goto fail;
        }
        Py_DECREF(out);
    }
    return kw;
fail:
    Py_XDECREF(out);
    Py_DECREF(kw);
    return NULL;
}

/* NumPy's array_ufunc_errmsg_formatter. */
static void
all_not_implemented(PyObject *ufunc, const char *method, PyObject *inputs, PyObject *kw)
{
    PyObject *parts = PyList_New(0), *types = PyList_New(0), *sep = NULL;
    PyObject *a = NULL, *t = NULL, *key, *value;
    Py_ssize_t pos = 0;
    if (parts == NULL || types == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(inputs); i++) {
        PyObject *in = PyTuple_GET_ITEM(inputs, i);
        PyObject *r = PyObject_Repr(in);
        PyObject *n = PyUnicode_FromFormat("'%s'", _PyType_Name(Py_TYPE(in)));
        int bad = r == NULL || n == NULL || PyList_Append(parts, r) < 0
                  || PyList_Append(types, n) < 0;
        Py_XDECREF(r);
        Py_XDECREF(n);
        if (bad) {
            goto done;
        }
    }
    while (PyDict_Next(kw, &pos, &key, &value)) {
        PyObject *r = PyUnicode_FromFormat("%U=%R", key, value);
        if (r == NULL || PyList_Append(parts, r) < 0) {
            Py_XDECREF(r);
            goto done;
        }
        Py_DECREF(r);
        if (PyUnicode_CompareWithASCIIString(key, "out") == 0 && PyTuple_Check(value)) {
            for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(value); j++) {
                PyObject *n = PyUnicode_FromFormat(
                    "'%s'", _PyType_Name(Py_TYPE(PyTuple_GET_ITEM(value, j))));
                if (n == NULL || PyList_Append(types, n) < 0) {
                    Py_XDECREF(n);
                    goto done;
                }
                Py_DECREF(n);
            }
        }
    }
    sep = PyUnicode_FromString(", ");
    if (sep == NULL || (a = PyUnicode_Join(sep, parts)) == NULL
            || (t = PyUnicode_Join(sep, types)) == NULL) {
        goto done;
    }
    PyErr_Format(PyExc_TypeError,
                 "operand type(s) all returned NotImplemented from "
                 "__array_ufunc__(%R, '%s', %U): %U", ufunc, method, a, t);
done:
    Py_XDECREF(parts);
    Py_XDECREF(types);
    Py_XDECREF(sep);
    Py_XDECREF(a);
    Py_XDECREF(t);
}

/* If an operand (input or output) overrides ufuncs, hand the call to its
 * __array_ufunc__ and set *handled.  Returns its result, or NULL. */
static PyObject *
try_overrides(PyObject *ufunc, const char *method, int nin, int nout,
              PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, int *handled)
{
    PyObject *cand[2 * NDM_UFUNC_MAXOPS + 2];
    int n = 0;
    *handled = 0;
    for (Py_ssize_t i = 0; i < nargs && i < nin + nout; i++) {
        if (override_of(args[i]) != NULL) {
            add_override(cand, &n, args[i]);
        }
    }
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    for (Py_ssize_t k = 0; k < nkw; k++) {
        if (PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kwnames, k), "out") != 0) {
            continue;
        }
        PyObject *v = args[nargs + k];
        if (PyTuple_Check(v)) {
            for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(v) && j < nout; j++) {
                if (override_of(PyTuple_GET_ITEM(v, j)) != NULL) {
                    add_override(cand, &n, PyTuple_GET_ITEM(v, j));
                }
            }
        }
        else if (override_of(v) != NULL) {
            add_override(cand, &n, v);
        }
    }
    if (n == 0) {
        return NULL;
    }
    *handled = 1;
    for (int i = 0; i < n; i++) {
        if (override_of(cand[i]) == Py_None) {
            PyErr_Format(PyExc_TypeError,
                         "operand '%s' does not support ufuncs (__array_ufunc__=None)",
                         _PyType_Name(Py_TYPE(cand[i])));
            return NULL;
        }
    }
    Py_ssize_t ni = nargs < nin ? nargs : nin;
    PyObject *callargs = PyTuple_New(2 + ni), *kw = NULL, *result = NULL;
    if (callargs == NULL) {
        return NULL;
    }
    PyTuple_SET_ITEM(callargs, 0, Py_NewRef(ufunc));
    PyObject *m = PyUnicode_FromString(method);
    if (m == NULL) {
        goto done;
    }
    PyTuple_SET_ITEM(callargs, 1, m);
    for (Py_ssize_t i = 0; i < ni; i++) {
        PyTuple_SET_ITEM(callargs, 2 + i, Py_NewRef(args[i]));
    }
    kw = override_kwargs(nin, nout, args, nargs, kwnames);
    if (kw == NULL) {
        goto done;
    }
    for (int i = 0; i < n; i++) {
        PyObject *meth = PyObject_GetAttr(cand[i], s_array_ufunc);
        if (meth == NULL) {
            goto done;
        }
        result = PyObject_Call(meth, callargs, kw);
        Py_DECREF(meth);
        if (result != Py_NotImplemented) {
            goto done;
        }
        Py_CLEAR(result);
    }
    PyObject *inputs = PyTuple_GetSlice(callargs, 2, 2 + ni);
    if (inputs != NULL) {
        all_not_implemented(ufunc, method, inputs, kw);
        Py_DECREF(inputs);
    }
done:
    Py_DECREF(callargs);
    Py_XDECREF(kw);
    return result;
}

/* ------------------------------------------------------------------ */
/* __call__                                                           */

static void
call_init(NdmUfuncCall *call, const NdmUfuncDef *def)
{
    memset(call, 0, offsetof(NdmUfuncCall, scratch));
    call->def = def;
    call->nin = def->nin;
    call->nout = def->nout;
    call->nop = def->nin + def->nout;
    for (int i = 0; i < NDM_UFUNC_MAXOPS; i++) {
        call->sig[i] = -1;
    }
    call->casting = NDM_SAME_KIND_CASTING;
    call->order = 'K';
    call->subok = 1;
}

/* A call whose inputs all became 0-d scratch operands of the loop's own
 * types (ndmem and Python scalars) and that has one numeric output: the
 * kernel runs once on the scratch data and the result is a scalar, as the
 * general path would give, without broadcasting, output allocation or the
 * executor.  NULL without an exception when the call is not one. */
static PyObject *
scalar_call(NdmUfuncCall *call)
{
    const NdmLoopDef *loop = call->loop;
    if (call->nout != 1 || (loop->flags & NDM_LOOP_NEEDS_GIL)
            || loop->types[call->nin] >= NDM_NNUMERIC) {
        return NULL;
    }
    char *ptrs[NDM_UFUNC_MAXOPS];
    Py_ssize_t steps[NDM_UFUNC_MAXOPS] = {0};
    for (int i = 0; i < call->nin; i++) {
        if (!(call->scratch_mask & (1u << i)) || call->ops[i]->descr->type_num != loop->types[i]
                || !ndm_dtype_isnative(call->ops[i]->descr)) {
            return NULL;
        }
        ptrs[i] = call->ops[i]->data;
    }
    NdmScalarValue out[2];
    memset(out, 0, sizeof out);
    ptrs[call->nin] = (char *)out;
    const int all = FE_DIVBYZERO | FE_OVERFLOW | FE_UNDERFLOW | FE_INVALID;
    if (fetestexcept(all)) {
        feclearexcept(all);
    }
    loop->kernel(ptrs, 1, steps, NULL);
    int flags = ndm_ufunc_fpe_take();
    if (flags && ndm_ufunc_fpe_report(flags, call->def->name) < 0) {
        return NULL;
    }
    PyObject *r = ndm_scalar_new(loop->types[call->nin], out);
    if (r == NULL && !PyErr_Occurred()) {
        PyErr_NoMemory();
    }
    return r;
}

static PyObject *
ufunc_call_impl(NdmUfuncObject *self, PyObject *const *args, Py_ssize_t nargs,
                PyObject *kwnames)
{
    const NdmUfuncDef *def = self->base.def;
    NdmUfuncCall call;
    NdmArray *mask = NULL;
    PyObject *result = NULL;
    int given[NDM_UFUNC_MAXOPS] = {0};
    Py_ssize_t shape[NDM_MAXDIMS];
    int nd;

    int handled;
    result = try_overrides((PyObject *)self, "__call__", def->nin, def->nout, args, nargs,
                           kwnames, &handled);
    if (handled) {
        return result;
    }
    call_init(&call, def);
    if (nargs < call.nin || nargs > call.nop) {
        PyErr_Format(PyExc_TypeError,
                     "%s() takes from %d to %d positional arguments but %zd %s given",
                     def->name, call.nin, call.nop, nargs, nargs == 1 ? "was" : "were");
        return NULL;
    }
    for (Py_ssize_t i = call.nin; i < nargs; i++) {
        if (set_output(&call, (int)i, args[i]) < 0) {
            goto fail;
        }
    }
    if (kwnames != NULL && PyTuple_GET_SIZE(kwnames) > 0
            && parse_kwargs(&call, args + nargs, kwnames, nargs > call.nin) < 0) {
        goto fail;
    }
    for (int j = call.nin; j < call.nop; j++) {
        given[j] = call.ops[j] != NULL;
    }
    if (convert_inputs(&call, args) < 0 || ndm_ufunc_resolve(&call) < 0) {
        goto fail;
    }
    if (nargs == call.nin && !call.out_given && call.where_obj == NULL
            && call.scratch_mask != 0) {
        result = scalar_call(&call);
        if (result != NULL || PyErr_Occurred()) {
            goto fail;
        }
    }
    if (call.where_obj != NULL) {
        NdmDtype *b = ndm_dtype_builtin(NDM_BOOL);
        if (b == NULL) {
            goto fail;
        }
        /* NumPy converts Python values to bool but takes only bool arrays. */
        if (NdmArray_Check(call.where_obj)
                && ((NdmArray *)call.where_obj)->descr->type_num != NDM_BOOL) {
            PyErr_Format(PyExc_TypeError,
                         "Cannot cast array data from %R to %R according to the rule 'safe'",
                         (PyObject *)((NdmArray *)call.where_obj)->descr, (PyObject *)b);
            Py_DECREF(b);
            goto fail;
        }
        mask = (NdmArray *)ndm_array_from_any(call.where_obj, b, -1, 'K', 0);
        Py_DECREF(b);
        if (mask == NULL) {
            goto fail;
        }
        if (!call.out_given && !call.out_none_given
                && PyErr_WarnEx(PyExc_UserWarning,
                                "'where' used without 'out', expect unitialized memory "
                                "in output. If this is intentional, use out=None.", 1) < 0) {
            goto fail;
        }
    }
    {
        NdmArray *bops[NDM_MAXARGS];
        int nb = 0;
        for (int i = 0; i < call.nop; i++) {
            if (call.ops[i] != NULL) {
                bops[nb++] = call.ops[i];
            }
        }
        if (mask != NULL) {
            bops[nb++] = mask;
        }
        if (ndm_broadcast_shape(nb, bops, &nd, shape) < 0) {
            goto fail;
        }
    }
    for (int j = call.nin; j < call.nop; j++) {
        NdmArray *o = call.ops[j];
        if (o == NULL) {
            continue;
        }
        int same = o->nd == nd;
        for (int i = 0; same && i < nd; i++) {
            same = o->shape[i] == shape[i];
        }
        if (!same) {
            char s1[256], s2[256];
            ndm_format_shape(s1, sizeof s1, o->shape, o->nd);
            ndm_format_shape(s2, sizeof s2, shape, nd);
            PyErr_Format(PyExc_ValueError,
                         "non-broadcastable output operand with shape %s doesn't "
                         "match the broadcast shape %s", s1, s2);
            goto fail;
        }
    }
    if (call.out_given) {
        for (int i = 0; i < call.nin; i++) {
            if (copy_if_overlap(&call, &call.ops[i]) < 0) {
                goto fail;
            }
        }
        if (mask != NULL && copy_if_overlap(&call, &mask) < 0) {
            goto fail;
        }
    }
    PyObject *wrap_obj = call.subok ? find_wrap_input(&call) : NULL;
    char trivial = trivial_order(&call, mask, nd, shape);
    for (int j = call.nin; j < call.nop; j++) {
        if (call.ops[j] == NULL
                && allocate_output(&call, mask, j, nd, shape, nd == 0 && wrap_obj == NULL,
                                   trivial) < 0) {
            goto fail;
        }
    }
    if (ndm_ufunc_execute(&call, mask, nd, shape) < 0) {
        goto fail;
    }
    {
        if (call.nout == 1) {
            result = wrap_result((PyObject *)self, &call, call.nin, given[call.nin],
                                 wrap_obj, args);
        }
        else {
            result = PyTuple_New(call.nout);
            for (int j = 0; result != NULL && j < call.nout; j++) {
                PyObject *r = wrap_result((PyObject *)self, &call, call.nin + j,
                                          given[call.nin + j], wrap_obj, args);
                if (r == NULL) {
                    Py_CLEAR(result);
                    break;
                }
                PyTuple_SET_ITEM(result, j, r);
            }
        }
    }
fail:
    Py_XDECREF(mask);
    call_clear(&call);
    return result;
}

static PyObject *
ufunc_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    return ufunc_call_impl((NdmUfuncObject *)self, args, PyVectorcall_NARGS(nargsf), kwnames);
}

PyObject *
ndm_ufunc_call(PyObject *ufunc, PyObject *args, PyObject *kwds)
{
    return PyObject_Call(ufunc, args, kwds);
}

/* ------------------------------------------------------------------ */
/* lookup and the operator shortcuts                                  */

PyObject *
ndm_ufunc_lookup(const char *name)
{
    /* operators pass string literals: remember them by address */
    static struct { const char *name; PyObject *ufunc; } cache[64];
    static int ncache;
    for (int i = 0; i < ncache; i++) {
        if (cache[i].name == name) {
            return cache[i].ufunc;
        }
    }
    PyObject *u = ufunc_by_name ? PyDict_GetItemString(ufunc_by_name, name) : NULL;
    if (u == NULL) {
        PyErr_Format(PyExc_AttributeError, "ndmem has no ufunc '%s'", name);
        return NULL;
    }
    if (ncache < 64) {
        cache[ncache].name = name;
        cache[ncache].ufunc = u;
        ncache++;
    }
    return u;
}

PyObject *
ndm_ufunc_binary(const char *name, PyObject *a, PyObject *b)
{
    PyObject *u = ndm_ufunc_lookup(name);
    if (u == NULL) {
        return NULL;
    }
    PyObject *args[2] = {a, b};
    return ufunc_call_impl((NdmUfuncObject *)u, args, 2, NULL);
}

PyObject *
ndm_ufunc_unary(const char *name, PyObject *a)
{
    PyObject *u = ndm_ufunc_lookup(name);
    if (u == NULL) {
        return NULL;
    }
    PyObject *args[1] = {a};
    return ufunc_call_impl((NdmUfuncObject *)u, args, 1, NULL);
}

PyObject *
ndm_ufunc_inplace(const char *name, PyObject *a, PyObject *b)
{
    PyObject *u = ndm_ufunc_lookup(name);
    if (u == NULL) {
        return NULL;
    }
    PyObject *args[3] = {a, b, a};
    return ufunc_call_impl((NdmUfuncObject *)u, args, 3, NULL);
}

/* ------------------------------------------------------------------ */
/* methods                                                            */

static PyObject *
ufunc_outer(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    NdmUfuncObject *uf = (NdmUfuncObject *)self;
    if (uf->base.def->nin != 2) {
        PyErr_SetString(PyExc_ValueError, "outer product only supported for binary functions");
        return NULL;
    }
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "exactly two arguments expected");
        return NULL;
    }
    int handled;
    PyObject *over = try_overrides(self, "outer", 2, uf->base.def->nout, args, nargs, kwnames,
                                   &handled);
    if (handled) {
        return over;
    }
    NdmArray *a = (NdmArray *)ndm_array_from_any(args[0], NULL, -1, 'K', 0);
    if (a == NULL) {
        return NULL;
    }
    NdmArray *b = (NdmArray *)ndm_array_from_any(args[1], NULL, -1, 'K', 0);
    if (b == NULL) {
        Py_DECREF(a);
        return NULL;
    }
    PyObject *result = NULL;
    if (a->nd + b->nd > NDM_MAXDIMS) {
        PyErr_Format(PyExc_ValueError, "maximum supported dimension for an ndarray is %d",
                     NDM_MAXDIMS);
        goto done;
    }
    Py_ssize_t shape[NDM_MAXDIMS], strides[NDM_MAXDIMS];
    for (int i = 0; i < a->nd; i++) {
        shape[i] = a->shape[i];
        strides[i] = a->strides[i];
    }
    for (int i = 0; i < b->nd; i++) {
        shape[a->nd + i] = 1;
        strides[a->nd + i] = 0;
    }
    Py_INCREF(a->descr);
    PyObject *av = ndm_array_view(a, a->descr, a->nd + b->nd, shape, strides, a->data,
                                  Py_TYPE(a));
    if (av == NULL) {
        goto done;
    }
    PyObject *callargs[2 + 8];
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    if (nkw > 8) {
        PyErr_SetString(PyExc_TypeError, "outer() got too many keyword arguments");
        Py_DECREF(av);
        goto done;
    }
    callargs[0] = av;
    callargs[1] = (PyObject *)b;
    for (Py_ssize_t k = 0; k < nkw; k++) {
        callargs[2 + k] = args[nargs + k];
    }
    result = ufunc_call_impl(uf, callargs, 2, kwnames);
    Py_DECREF(av);
done:
    Py_DECREF(a);
    Py_DECREF(b);
    return result;
}

static PyObject *
ufunc_reduce_method(PyObject *self, PyObject *args, PyObject *kwds)
{
    return ndm_ufunc_reduce(self, args, kwds);
}

static PyObject *
ufunc_accumulate_method(PyObject *self, PyObject *args, PyObject *kwds)
{
    return ndm_ufunc_accumulate(self, args, kwds);
}

/* Pickled by name, found again as ndmem.<name>. */
static PyObject *
ufunc_reduce_pickle(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    return PyUnicode_FromString(((NdmUfunc *)self)->def->name);
}

static PyMethodDef ufunc_methods[] = {
    {"__reduce__", ufunc_reduce_pickle, METH_NOARGS, NULL},
    {"outer", (PyCFunction)(void (*)(void))ufunc_outer, METH_FASTCALL | METH_KEYWORDS,
     "outer(A, B, /, **kwargs)\n\nApply the ufunc op to all pairs (a, b) with a in A and b in B."},
    {"reduce", (PyCFunction)(void (*)(void))ufunc_reduce_method, METH_VARARGS | METH_KEYWORDS,
     "reduce(array, axis=0, dtype=None, out=None, keepdims=False, initial=<no value>, where=True)\n\n"
     "Reduces array's dimension by one, by applying ufunc along one axis."},
    {"accumulate", (PyCFunction)(void (*)(void))ufunc_accumulate_method,
     METH_VARARGS | METH_KEYWORDS,
     "accumulate(array, axis=0, dtype=None, out=None)\n\n"
     "Accumulate the result of applying the operator to all elements."},
    {NULL, NULL, 0, NULL},
};

/* ------------------------------------------------------------------ */
/* attributes                                                         */

#define DEF(self) (((NdmUfunc *)(self))->def)

static PyObject *
ufunc_get_name(PyObject *self, void *Py_UNUSED(c))
{
    return PyUnicode_FromString(DEF(self)->name);
}

static PyObject *
ufunc_get_nin(PyObject *self, void *Py_UNUSED(c))
{
    return PyLong_FromLong(DEF(self)->nin);
}

static PyObject *
ufunc_get_nout(PyObject *self, void *Py_UNUSED(c))
{
    return PyLong_FromLong(DEF(self)->nout);
}

static PyObject *
ufunc_get_nargs(PyObject *self, void *Py_UNUSED(c))
{
    return PyLong_FromLong(DEF(self)->nin + DEF(self)->nout);
}

static PyObject *
ufunc_get_ntypes(PyObject *self, void *Py_UNUSED(c))
{
    return PyLong_FromLong(DEF(self)->nloops);
}

static PyObject *
ufunc_get_types(PyObject *self, void *Py_UNUSED(c))
{
    const NdmUfuncDef *def = DEF(self);
    PyObject *list = PyList_New(def->nloops);
    if (list == NULL) {
        return NULL;
    }
    for (int k = 0; k < def->nloops; k++) {
        char buf[2 * NDM_UFUNC_MAXOPS + 3];
        int n = 0;
        for (int i = 0; i < def->nin + def->nout; i++) {
            if (i == def->nin) {
                buf[n++] = '-';
                buf[n++] = '>';
            }
            NdmDtype *d = ndm_dtype_builtin(def->loops[k].types[i]);
            if (d == NULL) {
                Py_DECREF(list);
                return NULL;
            }
            buf[n++] = d->type_char;
            Py_DECREF(d);
        }
        buf[n] = '\0';
        PyObject *s = PyUnicode_FromString(buf);
        if (s == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, k, s);
    }
    return list;
}

static PyObject *
ufunc_get_identity(PyObject *self, void *Py_UNUSED(c))
{
    switch (DEF(self)->identity) {
    case NDM_IDENTITY_ZERO: return PyLong_FromLong(0);
    case NDM_IDENTITY_ONE: return PyLong_FromLong(1);
    case NDM_IDENTITY_MINUS_ONE: return PyLong_FromLong(-1);
    case NDM_IDENTITY_FALSE: Py_RETURN_FALSE;
    case NDM_IDENTITY_TRUE: Py_RETURN_TRUE;
    case NDM_IDENTITY_MINUS_INF: return PyFloat_FromDouble(-Py_HUGE_VAL);
    default: Py_RETURN_NONE;
    }
}

static PyObject *
ufunc_get_signature(PyObject *Py_UNUSED(self), void *Py_UNUSED(c))
{
    Py_RETURN_NONE;
}

/* NumPy's first line: "add(x1, x2, /, out=None, *, where=True, ...)",
 * "divmod(x1, x2[, out1, out2], / [, out=(None, None)], *, ...)". */
static PyObject *
ufunc_get_doc(PyObject *self, void *Py_UNUSED(c))
{
    const NdmUfuncDef *def = DEF(self);
    char ins[64] = "";
    for (int i = 0; i < def->nin; i++) {
        char one[16];
        snprintf(one, sizeof one, def->nin == 1 ? "x" : "%sx%d", i ? ", " : "", i + 1);
        strncat(ins, one, sizeof ins - strlen(ins) - 1);
    }
    return PyUnicode_FromFormat(
        "%s(%s%s, *, where=True, casting='same_kind', order='K', dtype=None, "
        "subok=True[, signature])\n\n%s", def->name, ins,
        def->nout == 1 ? ", /, out=None" : "[, out1, out2], / [, out=(None, None)]",
        def->doc ? def->doc : "");
}

static PyGetSetDef ufunc_getset[] = {
    {"__name__", ufunc_get_name, NULL, NULL, NULL},
    {"__qualname__", ufunc_get_name, NULL, NULL, NULL},
    {"__doc__", ufunc_get_doc, NULL, NULL, NULL},
    {"nin", ufunc_get_nin, NULL, "The number of inputs.", NULL},
    {"nout", ufunc_get_nout, NULL, "The number of outputs.", NULL},
    {"nargs", ufunc_get_nargs, NULL, "The number of arguments.", NULL},
    {"ntypes", ufunc_get_ntypes, NULL, "The number of types.", NULL},
    {"types", ufunc_get_types, NULL, "Returns a list with types grouped input->output.", NULL},
    {"identity", ufunc_get_identity, NULL, "The identity value.", NULL},
    {"signature", ufunc_get_signature, NULL, "Definition of the core elements.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMemberDef ufunc_members[] = {
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(NdmUfuncObject, vectorcall), READONLY, NULL},
    {"__weaklistoffset__", T_PYSSIZET, offsetof(NdmUfunc, weakreflist), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyObject *
ufunc_repr(PyObject *self)
{
    return PyUnicode_FromFormat("<ufunc '%s'>", DEF(self)->name);
}

static void
ufunc_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    if (((NdmUfunc *)self)->weakreflist != NULL) {
        PyObject_ClearWeakRefs(self);
    }
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyType_Slot ufunc_slots[] = {
    {Py_tp_dealloc, ufunc_dealloc},
    {Py_tp_repr, ufunc_repr},
    {Py_tp_call, PyVectorcall_Call},
    {Py_tp_methods, ufunc_methods},
    {Py_tp_getset, ufunc_getset},
    {Py_tp_members, ufunc_members},
    {0, NULL},
};

static PyType_Spec ufunc_spec = {
    .name = "ndmem.ufunc",
    .basicsize = sizeof(NdmUfuncObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL | Py_TPFLAGS_IMMUTABLETYPE
             | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = ufunc_slots,
};

/* ------------------------------------------------------------------ */
/* init                                                               */

static const char *const aliases[][2] = {
    {"abs", "absolute"}, {"acos", "arccos"}, {"acosh", "arccosh"},
    {"asin", "arcsin"}, {"asinh", "arcsinh"}, {"atan", "arctan"},
    {"atan2", "arctan2"}, {"atanh", "arctanh"}, {"bitwise_invert", "invert"},
    {"bitwise_left_shift", "left_shift"}, {"bitwise_not", "invert"},
    {"bitwise_right_shift", "right_shift"}, {"conj", "conjugate"},
    {"mod", "remainder"}, {"pow", "power"}, {"true_divide", "divide"},
};

int
ndm_ufunc_init(PyObject *module)
{
    s_array_ufunc = PyUnicode_InternFromString("__array_ufunc__");
    s_array_wrap = PyUnicode_InternFromString("__array_wrap__");
    if (s_array_ufunc == NULL || s_array_wrap == NULL
            || ndm_array_add_methods(array_ufunc_methods) < 0) {
        return -1;
    }
    ndarray_array_ufunc = _PyType_Lookup(ndm_state.ndarray_type, s_array_ufunc);
    ufunc_type = (PyTypeObject *)PyType_FromSpec(&ufunc_spec);
    if (ufunc_type == NULL) {
        return -1;
    }
    if (PyModule_AddObjectRef(module, "ufunc", (PyObject *)ufunc_type) < 0) {
        return -1;
    }
    ndm_ufunc_type_error = PyErr_NewExceptionWithDoc(
        "ndmem._core.UFuncTypeError",
        "A ufunc has no loop for the operand dtypes, or the casting rule refused one.",
        PyExc_TypeError, NULL);
    if (ndm_ufunc_type_error == NULL
            || PyModule_AddObjectRef(module, "_UFuncTypeError", ndm_ufunc_type_error) < 0) {
        return -1;
    }
    ufunc_by_name = PyDict_New();
    if (ufunc_by_name == NULL) {
        return -1;
    }
    for (int k = 0; k < ndm_ufunc_ndefs; k++) {
        NdmUfuncObject *u = PyObject_New(NdmUfuncObject, ufunc_type);
        if (u == NULL) {
            return -1;
        }
        u->base.def = &ndm_ufunc_defs[k];
        u->base.weakreflist = NULL;
        u->vectorcall = ufunc_vectorcall;
        int rc = PyDict_SetItemString(ufunc_by_name, ndm_ufunc_defs[k].name, (PyObject *)u);
        if (rc == 0) {
            rc = PyModule_AddObjectRef(module, ndm_ufunc_defs[k].name, (PyObject *)u);
        }
        Py_DECREF(u);
        if (rc < 0) {
            return -1;
        }
    }
    for (size_t k = 0; k < sizeof aliases / sizeof aliases[0]; k++) {
        PyObject *u = PyDict_GetItemString(ufunc_by_name, aliases[k][1]);
        if (u == NULL) {
            continue;
        }
        if (PyDict_SetItemString(ufunc_by_name, aliases[k][0], u) < 0
                || PyModule_AddObjectRef(module, aliases[k][0], u) < 0) {
            return -1;
        }
    }
    return ndm_ufunc_errstate_init(module);
}
