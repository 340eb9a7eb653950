import contextlib
import io
import re

import numpy
import pytest

import ndmem

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+|\b\d{9,}\b")


def _normalise(text):
    """Hide what legitimately differs between two runs: addresses, and the
    package name in type reprs (<class 'numpy.ndarray'>)."""
    text = _ADDRESS.sub("ADDR", text)
    return text.replace("numpy.", "ndmem.")


def run_snippet(code, module):
    """Run code with ``np`` bound to module and return what it printed."""
    out = io.StringIO()
    namespace = {"np": module, "__name__": "__seed__"}
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<seed>", "exec"), namespace)
    return _normalise(out.getvalue())


@pytest.fixture
def same_output():
    """Assert that a snippet prints the same under NumPy and ndmem."""

    def check(code):
        expected = run_snippet(code, numpy)
        got = run_snippet(code, ndmem)
        assert got == expected
        return got

    return check
