"""``ndmem.evaluate``: numexpr-style fused evaluation of array expressions.

The expression is parsed with :mod:`ast` into a small program, a DAG of
ufunc calls, which the C core runs block by block: every intermediate lives
in a few thousand elements of per-thread scratch, so the peak memory is the
output array, not one full-size temporary per operation.  Each operation is
resolved as the ufunc resolves it (NEP 50: Python scalars are weak), so the
result has the dtype and the values of the same expression written with
ndmem's operators and ufuncs.
"""

import ast
import functools
import operator
import sys

import ndmem as _nm
from ndmem import _core

__all__ = ["evaluate"]

# operator -> (ufunc, the Python operator used when both sides are Python
# scalars, as the interpreter folds them in the plain expression)
_BINARY = {
    ast.Add: ("add", operator.add),
    ast.Sub: ("subtract", operator.sub),
    ast.Mult: ("multiply", operator.mul),
    ast.Div: ("divide", operator.truediv),
    ast.FloorDiv: ("floor_divide", operator.floordiv),
    ast.Mod: ("remainder", operator.mod),
    ast.Pow: ("power", operator.pow),
    ast.BitAnd: ("bitwise_and", operator.and_),
    ast.BitOr: ("bitwise_or", operator.or_),
    ast.BitXor: ("bitwise_xor", operator.xor),
    ast.LShift: ("left_shift", operator.lshift),
    ast.RShift: ("right_shift", operator.rshift),
}
_UNARY = {
    ast.USub: ("negative", operator.neg),
    ast.UAdd: ("positive", operator.pos),
    ast.Invert: ("invert", operator.invert),
}
_COMPARE = {
    ast.Lt: ("less", operator.lt),
    ast.LtE: ("less_equal", operator.le),
    ast.Gt: ("greater", operator.gt),
    ast.GtE: ("greater_equal", operator.ge),
    ast.Eq: ("equal", operator.eq),
    ast.NotEq: ("not_equal", operator.ne),
}
_FUNCTIONS = {name: name for name in (
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2",
    "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh",
    "exp", "expm1", "exp2", "log", "log1p", "log10", "log2", "sqrt",
    "absolute", "conjugate", "square", "reciprocal", "floor", "ceil",
    "trunc", "fmod", "hypot", "maximum", "minimum", "copysign", "where", "real", "imag")}
_FUNCTIONS.update(abs="absolute", conj="conjugate")

_WEAK = (int, float, complex)


class _Program:
    """The operands (arrays, weak Python scalars) and nodes of one call."""

    def __init__(self, lookup):
        self.lookup = lookup
        self.ops = []
        self.nodes = []
        self.names = {}

    # A value is ("py", obj) for a Python-level constant not placed yet,
    # ("op", i) for ops[i], ("node", j) for the result of nodes[j].

    def place(self, value):
        kind, v = value
        if kind != "py":
            return value
        if type(v) not in _WEAK:
            # bools and ndmem scalars are strong operands, as in a ufunc call
            v = _nm.asarray(v)
        self.ops.append(v)
        return ("op", len(self.ops) - 1)

    def node(self, ufunc, args):
        self.nodes.append((ufunc, tuple(self.place(a) for a in args)))
        return ("node", len(self.nodes) - 1)

    def visit(self, n):
        if isinstance(n, ast.Expression):
            return self.visit(n.body)
        if isinstance(n, ast.Constant):
            if type(n.value) not in (bool, int, float, complex):
                raise ValueError(f"unsupported constant {n.value!r} in expression")
            return ("py", n.value)
        if isinstance(n, ast.Name):
            return self.variable(n.id)
        if isinstance(n, ast.BinOp) and type(n.op) in _BINARY:
            return self.apply(_BINARY[type(n.op)], [n.left, n.right])
        if isinstance(n, ast.UnaryOp) and type(n.op) in _UNARY:
            return self.apply(_UNARY[type(n.op)], [n.operand])
        if isinstance(n, ast.Compare) and len(n.ops) == 1 and type(n.ops[0]) in _COMPARE:
            return self.apply(_COMPARE[type(n.ops[0])], [n.left, n.comparators[0]])
        if isinstance(n, ast.Call):
            return self.call(n)
        raise ValueError(f"unsupported expression syntax: {ast.dump(n)[:60]}")

    def variable(self, name):
        if name in self.names:
            return self.names[name]
        v = self.lookup(name)
        if type(v) in _WEAK:
            value = ("py", v)
        else:
            self.ops.append(_nm.asarray(v))
            value = ("op", len(self.ops) - 1)
        self.names[name] = value
        return value

    def apply(self, spec, operands):
        ufunc, pyop = spec
        args = [self.visit(o) for o in operands]
        if all(a[0] == "py" for a in args):
            return ("py", pyop(*[a[1] for a in args]))
        return self.node(ufunc, args)

    def call(self, n):
        if not isinstance(n.func, ast.Name) or n.keywords or any(
                isinstance(a, ast.Starred) for a in n.args):
            raise ValueError("only calls like f(x, y) of supported functions are allowed")
        ufunc = _FUNCTIONS.get(n.func.id)
        if ufunc is None:
            raise TypeError(f"'{n.func.id}' is not a function evaluate supports")
        args = [self.visit(a) for a in n.args]
        if all(a[0] == "py" for a in args):
            return ("py", getattr(_nm, ufunc)(*[a[1] for a in args]))
        return self.node(ufunc, args)


@functools.lru_cache(maxsize=256)
def _parse(ex):
    # the tree is only read, so one parse serves every call of a loop
    return ast.parse(ex.strip(), mode="eval")


def _lookup(local_dict, global_dict):
    def lookup(name):
        if name in local_dict:
            return local_dict[name]
        return global_dict[name]
    return lookup


def evaluate(ex, local_dict=None, global_dict=None, out=None, order="K",
             casting="safe"):
    """Evaluate an array expression in blocks, without full-size temporaries.

    Parameters
    ----------
    ex : str
        An expression of names, numbers, the operators ``+ - * / // % **``,
        unary ``- + ~``, ``& | ^ << >>``, one comparison per operand pair
        (``<`` ``<=`` ``==`` ``!=`` ``>=`` ``>``) and the functions
        ``sin cos tan arcsin arccos arctan arctan2 sinh cosh tanh arcsinh
        arccosh arctanh exp expm1 exp2 log log1p log10 log2 sqrt abs
        absolute conj conjugate square reciprocal floor ceil trunc fmod
        hypot maximum minimum copysign real imag`` and
        ``where(condition, x, y)``.
    local_dict, global_dict : dict, optional
        Where names are looked up, first `local_dict` then `global_dict`;
        by default the caller's locals and globals.
    out : ndarray, optional
        Where the result goes; its shape must be the broadcast shape.  It
        may be one of the inputs.
    order : {'K', 'C', 'F', 'A'}, optional
        Memory layout of a new result; 'K' follows the inputs.
    casting : {'no', 'equiv', 'safe', 'same_kind', 'unsafe'}, optional
        The rule for casting the result into `out`.

    Returns
    -------
    ndarray
        The result (`out` when given), a 0-d array for scalar inputs.

    Raises
    ------
    KeyError
        A name is in neither dictionary.
    SyntaxError, ValueError, TypeError
        The text is not Python, or uses syntax or functions evaluate does
        not support, or the operands have no loop for an operation.

    Notes
    -----
    Every operation is resolved as the ufunc would resolve it (NEP 50:
    Python scalars take the dtype of the array they meet), so the dtype and
    the values are those of the same expression written with ndmem's
    operators and functions; floating-point errors are reported under the
    current ``errstate`` with the name of the operation that raised them.
    The work is split in blocks of 4096 elements across
    ``get_num_threads()`` threads, with the GIL released.  Peak memory is
    the output plus a few blocks per thread.

    Examples
    --------
    >>> import ndmem as np
    >>> a = np.arange(4.0)
    >>> np.evaluate("2*sin(a*a+1)").dtype
    dtype('float64')
    """
    if not isinstance(ex, str):
        raise TypeError(f"expression must be a string, not {type(ex).__name__}")
    if local_dict is None or global_dict is None:
        frame = sys._getframe(1)
        if local_dict is None:
            local_dict = frame.f_locals
        if global_dict is None:
            global_dict = frame.f_globals
    tree = _parse(ex)
    program = _Program(_lookup(local_dict, global_dict))
    kind, root = program.visit(tree)
    if kind != "node":
        # a bare name or a constant: a new array, as numexpr returns
        value = program.ops[root] if kind == "op" else root
        if out is None:
            return _nm.array(value, order=order)
        _nm.copyto(out, value, casting=casting)
        return out
    nops = len(program.ops)
    nodes = tuple((ufunc, tuple(i if k == "op" else nops + i for k, i in refs))
                  for ufunc, refs in program.nodes)
    return _core._evaluate(tuple(program.ops), nodes, out, order, casting)
