"""Products of arrays: matmul, dot, vdot, inner, outer, tensordot, einsum.

Every product reduces to ``_core._gemm`` (a cache-blocked matrix product
over stacks of one native numeric dtype, see src/linalg.c); this module does
what NumPy's gufunc machinery and numpy/_core/einsumfunc.py do around it:
1-d promotion, batch broadcasting, promotion, casting and out=.  The
einsum_path optimizer and its report follow numpy/_core/einsumfunc.py so
that paths and report text equal NumPy's.
"""

import itertools
import operator

import ndmem
from ndmem import _core
from ndmem._core import _UFuncTypeError, _product

__all__ = ["matmul", "dot", "vdot", "inner", "outer", "tensordot", "einsum", "einsum_path"]

_SIGNATURE = "(n?,k),(k,m?)->(n?,m?)"
_NUMERIC = "biufc"


def _dtype_text(dt):
    return f"dtype({str(dt)!r})" if dt.names is None else repr(dt)


def _product_dtype(name, arrays, dtype, casting):
    """The dtype a product computes in, with NumPy's errors for inputs."""
    first = arrays[0].dtype
    if (dtype is None and first.kind in _NUMERIC and first.isnative
            and all(a.dtype == first for a in arrays)):
        return first
    from ndmem import dtype as _dtype
    res = ndmem.result_type(*arrays) if dtype is None else _dtype(dtype)
    if any(a.dtype.kind not in _NUMERIC for a in arrays) or res.kind not in _NUMERIC:
        types = ", ".join(_dtype_text(a.dtype) for a in arrays)
        raise _UFuncTypeError(f"ufunc '{name}' did not contain a loop with signature "
                              f"matching types ({types}) -> None")
    for i, a in enumerate(arrays):
        if not ndmem.can_cast(a.dtype, res, casting=casting):
            raise _UFuncTypeError(f"Cannot cast ufunc '{name}' input {i} from "
                                  f"{_dtype_text(a.dtype)} to {_dtype_text(res)} "
                                  f"with casting rule '{casting}'")
    return res.newbyteorder("=") if res.byteorder not in "=|" else res


def _as_compute(a, dt):
    return a if a.dtype == dt and a.dtype.isnative else a.astype(dt)


def _gemm_into(a, b, o):
    """o[...] = a @ b for stacks already broadcast to o's batch shape."""
    if ndmem.may_share_memory(o, a) or ndmem.may_share_memory(o, b):
        tmp = ndmem.empty(o.shape, o.dtype)
        _core._gemm(a, b, tmp)
        ndmem.copyto(o, tmp)
    else:
        _core._gemm(a, b, o)


def _wrap(res, inputs, ufunc):
    """The result as the subclass input of highest priority (first on ties)
    would have it: through its __array_wrap__ for matmul (a ufunc in
    NumPy), as a view of its type for dot."""
    best = None
    for x in inputs:
        if type(x) is not _core.ndarray and isinstance(x, _core.ndarray):
            if best is None or x.__array_priority__ > best.__array_priority__:
                best = x
    if best is None or res.ndim == 0:
        return res
    wrap = getattr(best, "__array_wrap__", None)
    if ufunc and wrap is not None:
        return wrap(res, None, True)
    return res.view(type(best))


def _core_error(which, dim, got, want):
    return ValueError(f"matmul: {which} a mismatch in its core dimension "
                      f"{dim}, with gufunc signature {_SIGNATURE} "
                      f"(size {got} is different from {want})")


def matmul(x1, x2, /, out=None, *, casting="same_kind", order="K", dtype=None, subok=True):
    """Matrix product of two arrays, broadcasting stacks of matrices.

    Parameters
    ----------
    x1, x2 : array_like
        Operands, not scalars.  A 1-d first operand is promoted to a row,
        a 1-d second operand to a column; the added axis is removed from
        the result.
    out : ndarray, optional
        Where to put the result; its shape must be the result's shape.
    casting : {'no', 'equiv', 'safe', 'same_kind', 'unsafe'}, optional
        Casting allowed for inputs to the computation dtype and from it to out.
    dtype : dtype, optional
        Dtype to compute in (default: promotion of the operands).

    Returns
    -------
    ndarray or scalar
        ``out`` when given; a scalar for two 1-d operands.

    Raises
    ------
    ValueError
        Scalar operands, mismatched core dimensions, unbroadcastable stacks.
    """
    if out is None and dtype is None:
        res = _product(x1, x2, 1)
        if res is not NotImplemented:
            return res
    a, b = ndmem.asanyarray(x1), ndmem.asanyarray(x2)
    if isinstance(out, tuple):
        out = out[0] if len(out) == 1 else out
    for i, x in enumerate((a, b)):
        if x.ndim == 0:
            raise ValueError(f"matmul: Input operand {i} does not have enough dimensions "
                             f"(has 0, gufunc core with signature {_SIGNATURE} requires 1)")
    dt = _product_dtype("matmul", (a, b), dtype, casting)
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    if a2.shape[-1] != b2.shape[-2]:
        raise _core_error("Input operand 1 has", 0, b2.shape[-2], a2.shape[-1])
    m, n = a2.shape[-2], b2.shape[-1]
    try:
        batch = a2.shape[:-2]
        if b2.shape[:-2] != batch:
            batch = ndmem.broadcast_shapes(batch, b2.shape[:-2])
    except ValueError:
        shapes = " ".join(f"({','.join(map(str, x.shape))})->"
                          f"({''.join(f'{d},' for d in x.shape[:-2])}newaxis,newaxis)"
                          for x in (a2, b2))
        raise ValueError("operands could not be broadcast together with remapped shapes "
                         f"[original->remapped]: {shapes}  and requested shape ({m},{n})") from None
    shape = batch + ((m,) if a.ndim > 1 else ()) + ((n,) if b.ndim > 1 else ())
    if out is not None:
        if not isinstance(out, _core.ndarray):
            raise TypeError("return arrays must be of ArrayType")
        ncore = len(shape) - len(batch)
        core = out.shape[out.ndim - ncore:] if out.ndim >= ncore else out.shape
        for d, (g, w) in enumerate(zip(core, shape[len(batch):])):
            if g != w:
                raise _core_error("Output operand 0 has", d, g, w)
        if out.ndim < ncore:
            raise ValueError(f"matmul: Output operand 0 does not have enough dimensions "
                             f"(has {out.ndim}, gufunc core with signature {_SIGNATURE} "
                             f"requires {ncore})")
        # the loop runs over out's batch shape, the operands broadcast to it
        out_batch = out.shape[:out.ndim - ncore]
        try:
            full = ndmem.broadcast_shapes(batch, out_batch)
        except ValueError:
            full = None
        if full != out_batch:
            raise ValueError(f"non-broadcastable output operand with shape {out.shape} "
                             f"doesn't match the broadcast shape {shape}")
        batch, shape = out_batch, out.shape
        if not ndmem.can_cast(dt, out.dtype, casting=casting):
            raise _UFuncTypeError(f"Cannot cast ufunc 'matmul' output from {_dtype_text(dt)} "
                                  f"to {_dtype_text(out.dtype)} with casting rule '{casting}'")
        if not out.flags.writeable:
            raise ValueError("output array is read-only")
    a3, b3 = _as_compute(a2, dt), _as_compute(b2, dt)
    if a3.shape[:-2] != batch:
        a3 = ndmem.broadcast_to(a3, batch + a2.shape[-2:])
    if b3.shape[:-2] != batch:
        b3 = ndmem.broadcast_to(b3, batch + b2.shape[-2:])
    direct = out is not None and out.dtype == dt and out.dtype.isnative
    res = out if direct else ndmem.empty(shape, dt)
    view = res
    if a.ndim == 1:
        view = view[..., None, :] if b.ndim > 1 else view[..., None]
    if b.ndim == 1:
        view = view[..., None]
    _gemm_into(a3, b3, view)
    if out is not None:
        if not direct:
            ndmem.copyto(out, res, casting="unsafe")
        return out
    return res[()] if res.ndim == 0 else _wrap(res, (a, b), ufunc=True)


def dot(a, b, out=None):
    """Dot product: matmul for 2-d, inner product for 1-d, sum over the last
    axis of ``a`` and the second-to-last of ``b`` for N-d, multiply for scalars.

    Parameters
    ----------
    a, b : array_like
    out : ndarray, optional
        C-contiguous, of exactly the result's dtype and shape.

    Returns
    -------
    ndarray or scalar
    """
    if out is None:
        res = _product(a, b, 0)
        if res is not NotImplemented:
            return res
    a, b = ndmem.asanyarray(a), ndmem.asanyarray(b)
    if a.ndim == 0 or b.ndim == 0:
        return ndmem.multiply(a, b, out=out) if out is not None else ndmem.multiply(a, b)[()]
    dt = _product_dtype("matmul", (a, b), None, "same_kind")
    k_axis = 0 if b.ndim == 1 else b.ndim - 2
    if a.shape[-1] != b.shape[k_axis]:
        raise ValueError(f"shapes {_shape_text(a.shape)} and {_shape_text(b.shape)} not aligned: "
                         f"{a.shape[-1]} (dim {a.ndim - 1}) != {b.shape[k_axis]} (dim {k_axis})")
    shape = a.shape[:-1] + b.shape[:k_axis] + b.shape[k_axis + 1:]
    if out is not None:
        if (not isinstance(out, _core.ndarray) or out.dtype != dt or out.shape != shape
                or not out.flags.c_contiguous):
            raise ValueError("output array is not acceptable (must have the right datatype, "
                             "number of dimensions, and be a C-Array)")
    k = a.shape[-1]
    a2 = _as_compute(a, dt).reshape(_prod(a.shape[:-1]), k)
    bt = _as_compute(b, dt)
    if b.ndim > 2:
        bt = bt.transpose((b.ndim - 2,) + tuple(range(b.ndim - 2)) + (b.ndim - 1,))
    b2 = bt.reshape(k, _prod(bt.shape[1:]))
    res = out if out is not None and out.dtype.isnative else ndmem.empty(shape, dt)
    _gemm_into(a2, b2, res.reshape(a2.shape[0], b2.shape[1]))
    if out is not None:
        if res is not out:
            ndmem.copyto(out, res)
        return out
    return res[()] if res.ndim == 0 else _wrap(res, (a, b), ufunc=False)


def _shape_text(shape):
    return "(" + ",".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def vdot(a, b, /):
    """Dot product of two arrays flattened, conjugating the first if complex.

    Returns
    -------
    scalar
    """
    res = _product(a, b, 3)
    if res is not NotImplemented:
        return res
    a, b = ndmem.asanyarray(a).ravel(), ndmem.asanyarray(b)
    if b.size != a.size:
        raise ValueError(f"cannot reshape array of size {b.size} into shape ({a.size},)")
    if a.dtype.kind == "c":
        a = a.conjugate()
    return dot(a, b.ravel())


def inner(a, b, /):
    """Inner product over the last axes of ``a`` and ``b`` (multiply for scalars).

    Returns
    -------
    ndarray or scalar
        Shape ``a.shape[:-1] + b.shape[:-1]``.
    """
    res = _product(a, b, 2)
    if res is not NotImplemented:
        return res
    a, b = ndmem.asanyarray(a), ndmem.asanyarray(b)
    if a.ndim == 0 or b.ndim == 0:
        return ndmem.multiply(a, b)[()]
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(f"shapes {_shape_text(a.shape)} and {_shape_text(b.shape)} not aligned: "
                         f"{a.shape[-1]} (dim {a.ndim - 1}) != {b.shape[-1]} (dim {b.ndim - 1})")
    if type(a) is not _core.ndarray or type(b) is not _core.ndarray:
        res = tensordot(a, b, (-1, -1))
        return res[()] if res.ndim == 0 else res
    # tensordot's operands, into a result that owns its data as NumPy's
    k = a.shape[-1]
    at = a.reshape(_prod(a.shape[:-1]), k)
    bt = b.transpose((b.ndim - 1,) + tuple(range(b.ndim - 1))).reshape(k, _prod(b.shape[:-1]))
    res = ndmem.empty(a.shape[:-1] + b.shape[:-1], _product_dtype("matmul", (at, bt), None,
                                                                  "same_kind"))
    dot(at, bt, out=res.reshape(at.shape[0], bt.shape[1]))
    return res[()] if res.ndim == 0 else res


def outer(a, b, out=None):
    """Outer product of two vectors (inputs are flattened).

    Returns
    -------
    ndarray
        ``out[i, j] = a.ravel()[i] * b.ravel()[j]``.
    """
    a, b = ndmem.asanyarray(a).ravel(), ndmem.asanyarray(b).ravel()
    return ndmem.multiply(a[:, None], b[None, :], out=out)


def tensordot(a, b, axes=2):
    """Sum of products over the given axes.

    Parameters
    ----------
    a, b : array_like
    axes : int or (sequence, sequence)
        An int N sums over the last N axes of ``a`` and the first N of ``b``;
        a pair lists the axes of ``a`` and of ``b`` to sum over.

    Returns
    -------
    ndarray or scalar
    """
    try:
        iter(axes)
    except TypeError:
        axes_a = list(range(-axes, 0))
        axes_b = list(range(0, axes))
    else:
        axes_a, axes_b = axes
    axes_a = list(axes_a) if _is_seq(axes_a) else [axes_a]
    axes_b = list(axes_b) if _is_seq(axes_b) else [axes_b]
    a, b = ndmem.asanyarray(a), ndmem.asanyarray(b)
    na, nb = a.ndim, b.ndim
    equal = len(axes_a) == len(axes_b)
    if equal:
        for i in range(len(axes_a)):
            if a.shape[axes_a[i]] != b.shape[axes_b[i]]:
                equal = False
                break
            if axes_a[i] < 0:
                axes_a[i] += na
            if axes_b[i] < 0:
                axes_b[i] += nb
    if not equal:
        raise ValueError("shape-mismatch for sum")
    notin_a = [k for k in range(na) if k not in axes_a]
    notin_b = [k for k in range(nb) if k not in axes_b]
    k = 1
    for ax in axes_a:
        k *= a.shape[ax]
    m = 1
    for ax in notin_a:
        m *= a.shape[ax]
    n = 1
    for ax in notin_b:
        n *= b.shape[ax]
    at = a.transpose(notin_a + axes_a).reshape(m, k)
    bt = b.transpose(axes_b + notin_b).reshape(k, n)
    res = dot(at, bt)
    return res.reshape([a.shape[i] for i in notin_a] + [b.shape[i] for i in notin_b])


def _is_seq(x):
    try:
        len(x)
    except TypeError:
        return False
    return True


# ---------------------------------------------------------------------------
# einsum
# ---------------------------------------------------------------------------

_SYMBOLS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SYMBOLS_SET = set(_SYMBOLS)


def _labels_from_list(sub):
    text = ""
    for s in sub:
        if s is Ellipsis:
            text += "..."
            continue
        try:
            s = operator.index(s)
        except TypeError as e:
            raise TypeError("For this input type lists must contain either int or Ellipsis") from e
        if not 0 <= s < len(_SYMBOLS):
            raise ValueError(f"subscript is not within the valid range [0, {len(_SYMBOLS)})")
        text += _SYMBOLS[s]
    return text


def _parse_einsum_input(operands):
    """(inputs, output, arrays) with '...' replaced by unused letters and the
    implicit output made explicit, as numpy/_core/einsumfunc.py does."""
    if len(operands) == 0:
        raise ValueError("No input operands")
    if isinstance(operands[0], str):
        subscripts = operands[0].replace(" ", "")
        arrays = [ndmem.asanyarray(v) for v in operands[1:]]
        for s in subscripts:
            if s not in ".,->" and s not in _SYMBOLS_SET:
                raise ValueError(f"Character {s} is not a valid symbol.")
    else:
        rest = list(operands)
        arrays, subs = [], []
        for _ in range(len(operands) // 2):
            arrays.append(ndmem.asanyarray(rest.pop(0)))
            subs.append(_labels_from_list(rest.pop(0)))
        subscripts = ",".join(subs)
        if rest:
            subscripts += "->" + _labels_from_list(rest[-1])
    if "-" in subscripts or ">" in subscripts:
        invalid = subscripts.count("-") > 1 or subscripts.count(">") > 1
        if invalid or subscripts.count("->") != 1:
            raise ValueError("Subscripts can only contain one '->'.")
    if "." in subscripts:
        used = subscripts.replace(".", "").replace(",", "").replace("->", "")
        ellipse_inds = "".join(sorted(_SYMBOLS_SET - set(used), key=_SYMBOLS.index))
        longest = 0
        if "->" in subscripts:
            input_tmp, output_sub = subscripts.split("->")
            split = input_tmp.split(",")
        else:
            split, output_sub = subscripts.split(","), None
        if len(split) > len(arrays):
            raise ValueError("more operands provided to einstein sum function than "
                             "specified in the subscripts string")
        for num, sub in enumerate(split):
            if "." not in sub:
                continue
            if sub.count(".") != 3 or sub.count("...") != 1:
                raise ValueError("Invalid Ellipses.")
            count = 0 if arrays[num].shape == () else max(arrays[num].ndim, 1) - (len(sub) - 3)
            longest = max(longest, count)
            if count < 0:
                raise ValueError("Ellipses lengths do not match.")
            split[num] = sub.replace("...", ellipse_inds[-count:] if count else "")
        subscripts = ",".join(split)
        out_ellipse = ellipse_inds[-longest:] if longest else ""
        if output_sub is not None:
            subscripts += "->" + output_sub.replace("...", out_ellipse)
        else:
            flat = subscripts.replace(",", "")
            singles = "".join(s for s in sorted(set(flat)) if flat.count(s) == 1)
            subscripts += "->" + out_ellipse + "".join(sorted(set(singles) - set(out_ellipse)))
    if "->" in subscripts:
        inputs, output = subscripts.split("->")
    else:
        inputs = subscripts
        flat = subscripts.replace(",", "")
        output = "".join(s for s in sorted(set(flat)) if flat.count(s) == 1)
    for char in output:
        if output.count(char) != 1:
            raise ValueError(f"Output character {char} appeared more than once in the output.")
        if char not in inputs:
            raise ValueError(f"Output character {char} did not appear in the input")
    if len(inputs.split(",")) != len(arrays):
        raise ValueError("Number of einsum subscripts must be equal to the number of operands.")
    return inputs, output, arrays


def _size_of(indices, sizes):
    ret = 1
    for i in indices:
        ret *= sizes[i]
    return ret


def _prod(shape):
    ret = 1
    for d in shape:
        ret *= d
    return ret


def _flop_count(idx_contraction, inner, num_terms, sizes):
    factor = max(1, num_terms - 1) + (1 if inner else 0)
    return _size_of(idx_contraction, sizes) * factor


def _find_contraction(positions, input_sets, output_set):
    idx_contract = set()
    idx_remain = output_set.copy()
    remaining = []
    for ind, value in enumerate(input_sets):
        if ind in positions:
            idx_contract |= value
        else:
            remaining.append(value)
            idx_remain |= value
    new_result = idx_remain & idx_contract
    remaining.append(new_result)
    return new_result, remaining, idx_contract - new_result, idx_contract


def _optimal_path(input_sets, output_set, sizes, memory_limit):
    full = [(0, [], input_sets)]
    for iteration in range(len(input_sets) - 1):
        found = []
        for cost, positions, remaining in full:
            for con in itertools.combinations(range(len(input_sets) - iteration), 2):
                new_result, new_sets, removed, contract = _find_contraction(
                    con, remaining, output_set)
                if _size_of(new_result, sizes) > memory_limit:
                    continue
                total = cost + _flop_count(contract, removed, len(con), sizes)
                found.append((total, positions + [con], new_sets))
        if not found:
            path = min(full, key=lambda x: x[0])[1]
            return path + [tuple(range(len(input_sets) - iteration))]
        full = found
    return min(full, key=lambda x: x[0])[1]


def _possible_contraction(positions, input_sets, output_set, sizes, memory_limit,
                          path_cost, naive_cost):
    result, new_sets, removed, contract = _find_contraction(positions, input_sets, output_set)
    new_size = _size_of(result, sizes)
    if new_size > memory_limit:
        return None
    removed_size = sum(_size_of(input_sets[p], sizes) for p in positions) - new_size
    cost = _flop_count(contract, removed, len(positions), sizes)
    if path_cost + cost > naive_cost:
        return None
    return [(-removed_size, cost), positions, new_sets]


def _update_other_results(results, best):
    bx, by = best[1]
    updated = []
    for cost, (x, y), con_sets in results:
        if x in best[1] or y in best[1]:
            continue
        del con_sets[by - int(by > x) - int(by > y)]
        del con_sets[bx - int(bx > x) - int(bx > y)]
        con_sets.insert(-1, best[2][-1])
        updated.append((cost, (x - int(x > bx) - int(x > by), y - int(y > bx) - int(y > by)),
                        con_sets))
    return updated


def _greedy_path(input_sets, output_set, sizes, memory_limit):
    """Contract first the pair that removes the most elements (then the
    cheapest), never exceeding the naive cost; NumPy's greedy order."""
    if len(input_sets) == 1:
        return [(0,)]
    if len(input_sets) == 2:
        return [(0, 1)]
    _, _, removed, contract = _find_contraction(range(len(input_sets)), input_sets, output_set)
    naive_cost = _flop_count(contract, removed, len(input_sets), sizes)
    pairs = itertools.combinations(range(len(input_sets)), 2)
    known = []
    path_cost = 0
    path = []
    for _ in range(len(input_sets) - 1):
        for positions in pairs:
            if input_sets[positions[0]].isdisjoint(input_sets[positions[1]]):
                continue
            r = _possible_contraction(positions, input_sets, output_set, sizes,
                                      memory_limit, path_cost, naive_cost)
            if r is not None:
                known.append(r)
        if not known:
            for positions in itertools.combinations(range(len(input_sets)), 2):
                r = _possible_contraction(positions, input_sets, output_set, sizes,
                                          memory_limit, path_cost, naive_cost)
                if r is not None:
                    known.append(r)
            if not known:
                path.append(tuple(range(len(input_sets))))
                break
        best = min(known, key=lambda x: x[0])
        known = _update_other_results(known, best)
        input_sets = best[2]
        new_pos = len(input_sets) - 1
        pairs = ((i, new_pos) for i in range(new_pos))
        path.append(best[1])
        path_cost += best[0][1]
    return path


def _label_sizes(input_list, arrays):
    sizes = {}
    for tnum, term in enumerate(input_list):
        sh = arrays[tnum].shape
        if len(sh) != len(term):
            raise ValueError(f"Einstein sum subscript {input_list[tnum]} does not contain the "
                             f"correct number of indices for operand {tnum}.")
        for char, dim in zip(term, sh):
            if char not in sizes or sizes[char] == 1:
                sizes[char] = dim
            elif dim not in (1, sizes[char]):
                raise ValueError(f"Size of label '{char}' for operand {tnum} ({sizes[char]}) "
                                 f"does not match previous terms ({dim}).")
    return sizes


def _plan(operands, optimize, report):
    """NumPy's einsum_path: the path, and either its report or the list of
    (positions, 'ab,bc->ac') contractions einsum follows."""
    path_type = "greedy" if optimize is True else (False if optimize is None else optimize)
    explicit = False
    memory_limit = None
    if path_type is False or isinstance(path_type, str):
        pass
    elif len(path_type) and path_type[0] == "einsum_path":
        explicit = True
    elif (len(path_type) == 2 and isinstance(path_type[0], str)
          and isinstance(path_type[1], (int, float))):
        memory_limit = int(path_type[1])
        path_type = path_type[0]
    else:
        raise TypeError(f"Did not understand the path: {path_type}")
    inputs, output, arrays = _parse_einsum_input(operands)
    input_list = inputs.split(",")
    input_sets = [set(x) for x in input_list]
    output_set = set(output)
    indices = set(inputs.replace(",", ""))
    sizes = _label_sizes(input_list, arrays)
    max_size = max(_size_of(t, sizes) for t in input_list + [output])
    memory_arg = max_size if memory_limit is None else memory_limit
    n = len(input_list)
    if explicit:
        path = list(path_type[1:])
    elif path_type is False or n in (1, 2) or indices == output_set:
        path = [tuple(range(n))]
    elif path_type == "greedy":
        path = _greedy_path(input_sets, output_set, sizes, memory_arg)
    elif path_type == "optimal":
        path = _optimal_path(input_sets, output_set, sizes, memory_arg)
    else:
        raise KeyError("Path name %s not found", path_type)
    costs, scales, out_sizes, contractions = [], [], [], []
    for cnum, inds in enumerate(path):
        inds = tuple(sorted(inds, reverse=True))
        out_inds, input_sets, removed, contract = _find_contraction(inds, input_sets, output_set)
        costs.append(_flop_count(contract, removed, len(inds), sizes))
        scales.append(len(contract))
        out_sizes.append(_size_of(out_inds, sizes))
        terms = [input_list.pop(x) for x in inds]
        if cnum == len(path) - 1:
            result = output
        else:
            result = "".join(x[1] for x in sorted((sizes[i], i) for i in out_inds))
        input_list.append(result)
        contractions.append((inds, ",".join(terms) + "->" + result, input_list[:]))
    if len(input_list) != 1:
        raise RuntimeError(f"Invalid einsum_path is specified: {len(input_list) - 1} more "
                           "operands has to be contracted.")
    if not report:
        return arrays, inputs.split(","), contractions
    inner = sum(len(set(x)) for x in inputs.split(",")) - len(indices) > 0
    naive_cost = _flop_count(indices, inner, n, sizes)
    opt_cost = sum(costs) + 1
    text = (f"  Complete contraction:  {inputs}->{output}\n"
            f"         Naive scaling:  {len(indices)}\n"
            f"     Optimized scaling:  {max(scales)}\n"
            f"      Naive FLOP count:  {naive_cost:.3e}\n"
            f"  Optimized FLOP count:  {opt_cost:.3e}\n"
            f"   Theoretical speedup:  {naive_cost / opt_cost:3.3f}\n"
            f"  Largest intermediate:  {max(out_sizes):.3e} elements\n"
            + "-" * 74 + "\n"
            + "%6s %24s %40s\n" % ("scaling", "current", "remaining")
            + "-" * 74)
    for scale, (_, einsum_str, remaining) in zip(scales, contractions):
        text += "\n%4d    %24s %40s" % (scale, einsum_str, ",".join(remaining) + "->" + output)
    return ["einsum_path"] + path, text


def einsum_path(*operands, optimize="greedy", einsum_call=False):
    """Order of contractions for an einsum, and a report of its cost.

    Parameters
    ----------
    subscripts : str
    *operands : array_like
    optimize : {bool, list, tuple, 'greedy', 'optimal'}
        'greedy' (or True) picks the best pair at each step, 'optimal'
        tries every order; ``(name, memory_limit)`` caps the intermediates;
        an explicit ``['einsum_path', (0, 1), ...]`` is checked and reported.

    Returns
    -------
    path : list
        ``['einsum_path', (i, j), ...]``, usable as einsum's ``optimize=``.
    string_repr : str
        The report NumPy prints (scaling, FLOP counts, each contraction).
    """
    if einsum_call:
        return _plan(operands, optimize, report=False)
    return _plan(operands, optimize, report=True)


def _diagonal_and_sum(x, labels, keep):
    """Take diagonals for repeated labels and sum away labels not in keep."""
    from ndmem.lib.stride_tricks import as_strided
    if len(set(labels)) != len(labels):
        uniq = "".join(dict.fromkeys(labels))
        shape, strides = [], []
        for lab in uniq:
            axes = [i for i, c in enumerate(labels) if c == lab]
            dims = {x.shape[i] for i in axes}
            if len(dims) != 1:
                raise ValueError(f"dimensions in operand for collapsing index '{lab}' "
                                 f"don't match ({x.shape[axes[0]]} != {x.shape[axes[1]]})")
            shape.append(x.shape[axes[0]])
            strides.append(sum(x.strides[i] for i in axes))
        x = as_strided(x, shape=tuple(shape), strides=tuple(strides),
                       writeable=bool(x.flags.writeable))
        labels = uniq
    gone = tuple(i for i, c in enumerate(labels) if c not in keep)
    if gone:
        x = x.sum(axis=gone, dtype=x.dtype)
        labels = "".join(c for c in labels if c in keep)
    return x, labels


def _drop_broadcast(x, lx, y, ly):
    """Index away x's size-1 axes whose label is longer in y (broadcasting)."""
    drop = [i for i, c in enumerate(lx) if x.shape[i] == 1 and c in ly and y.shape[ly.index(c)] != 1]
    if not drop:
        return x, lx
    key = tuple(0 if i in drop else slice(None) for i in range(x.ndim))
    return x[key], "".join(c for i, c in enumerate(lx) if i not in drop)


def _contract_pair(x, lx, y, ly, keep):
    x, lx = _diagonal_and_sum(x, lx, keep | set(ly))
    y, ly = _diagonal_and_sum(y, ly, keep | set(lx))
    x, lx = _drop_broadcast(x, lx, y, ly)
    y, ly = _drop_broadcast(y, ly, x, lx)
    # a label dropped from one side may now be summable on the other
    x, lx = _diagonal_and_sum(x, lx, keep | set(ly))
    y, ly = _diagonal_and_sum(y, ly, keep | set(lx))
    batch = [c for c in lx if c in ly and c in keep]
    con = [c for c in lx if c in ly and c not in keep]
    xo = [c for c in lx if c not in ly]
    yo = [c for c in ly if c not in lx]
    xs = x.transpose([lx.index(c) for c in batch + xo + con])
    ys = y.transpose([ly.index(c) for c in batch + con + yo])
    nb, nx = len(batch), len(xo)
    bshape, xshape = xs.shape[:nb], xs.shape[nb:nb + nx]
    yshape = ys.shape[ys.ndim - len(yo):]
    if not con:
        xb = xs.reshape(bshape + xshape + (1,) * len(yo))
        yb = ys.reshape(bshape + (1,) * nx + yshape)
        return ndmem.multiply(xb, yb), "".join(batch + xo + yo)
    m, n, k = _prod(xshape), _prod(yshape), _prod(xs.shape[nb + nx:])
    res = ndmem.empty(bshape + xshape + yshape, x.dtype)
    _core._gemm(xs.reshape(bshape + (m, k)), ys.reshape(bshape + (k, n)),
                res.reshape(bshape + (m, n)))
    return res, "".join(batch + xo + yo)


def _contract(arrays, terms, result, keep_later):
    """Contract arrays (labels terms) left to right into labels result."""
    keep = set(result) | keep_later
    x, lx = arrays[0], terms[0]
    for i in range(1, len(arrays)):
        needed = keep | set("".join(terms[i + 1:]))
        x, lx = _contract_pair(x, lx, arrays[i], terms[i], needed)
    x, lx = _diagonal_and_sum(x, lx, keep)
    return x.transpose([lx.index(c) for c in result])


def einsum(*operands, out=None, optimize=False, dtype=None, order="K", casting="safe"):
    """Einstein summation over the operands' labelled axes.

    Parameters
    ----------
    subscripts : str
        Comma-separated labels per operand, optionally '->' and the output
        labels; '...' stands for broadcast axes; a label repeated within an
        operand takes a diagonal; labels absent from the output are summed.
    *operands : array_like
        (Or the interleaved form ``einsum(a, [0, 1], b, [1, 2], [0, 2])``.)
    out : ndarray, optional
        Written under ``casting`` and returned.
    optimize : {False, True, 'greedy', 'optimal', list}
        Contraction order for three or more operands (see einsum_path);
        False contracts left to right.
    dtype : dtype, optional
        Dtype to compute in.
    casting : str
        Allowed casting of inputs to ``dtype`` and of the result to ``out``.

    Returns
    -------
    ndarray or scalar
    """
    arrays, terms, contractions = _plan(operands, optimize, report=False)
    from ndmem import dtype as _dtype
    if any(a.dtype.kind not in _NUMERIC for a in arrays):
        raise TypeError("invalid data type for einsum")
    dt = ndmem.result_type(*arrays) if dtype is None else _dtype(dtype)
    for a in arrays:
        if not ndmem.can_cast(a.dtype, dt, casting=casting):
            raise TypeError(f"Cannot cast array data from {_dtype_text(a.dtype)} to "
                            f"{_dtype_text(dt)} according to the rule '{casting}'")
    ops = [_as_compute(a, dt.newbyteorder("=") if not dt.isnative else dt) for a in arrays]
    current = list(zip(ops, terms))
    last_blas = False
    for inds, einsum_str, remaining in contractions:
        group = [current.pop(i) for i in inds]
        if optimize is False:
            # NumPy's unoptimized einsum multiplies the operands in the
            # order given (its path runs them in reverse, as _plan does)
            group.reverse()
        if optimize is not False and not current:
            last_blas = _numpy_uses_blas(group, einsum_str.split("->")[1])
        result = einsum_str.split("->")[1]
        later = set("".join(t for _, t in current))
        res = _contract([g[0] for g in group], [g[1] for g in group], result, later)
        current.append((res, result))
    res = current[0][0]
    if out is not None:
        if out.shape != res.shape:
            raise ValueError(f"non-broadcastable output operand with shape {out.shape} "
                             f"doesn't match the broadcast shape {res.shape}")
        if not ndmem.can_cast(dt, out.dtype, casting=casting):
            raise TypeError(f"Cannot cast array data from {_dtype_text(dt)} to "
                            f"{_dtype_text(out.dtype)} according to the rule '{casting}'")
        ndmem.copyto(out, res, casting="unsafe")
        return out
    if order in ("C", "F"):
        res = ndmem.asarray(res, order=order)
    # NumPy's optimized path ends in tensordot where its _can_dot allows,
    # which keeps a 0-d result an array
    return res[()] if res.ndim == 0 and not last_blas else res


def _numpy_uses_blas(group, result):
    """Whether NumPy's optimized einsum ends this pair in matmul (its
    bmm_einsum), which keeps a 0-d result an array: only when a label of
    length > 1 in both operands is summed away; otherwise it multiplies."""
    if len(group) != 2:
        return False
    (a, left), (b, right) = group
    big_left = {c for c, d in zip(left, a.shape) if d != 1}
    big_right = {c for c, d in zip(right, b.shape) if d != 1}
    return bool((big_left & big_right) - set(result))
