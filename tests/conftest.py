import contextlib
import io
import os
import re

import numpy
import pytest
from hypothesis import HealthCheck, settings

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


# Hypothesis profiles (issue 9).  "ci", the default, is deterministic so a CI
# run never fails on a new random draw; the fuzz families in test_fuzz.py take
# their example counts from it.  NDMEM_FUZZ=long runs 50 times as many
# examples with fresh randomness, for a local hunt; NDMEM_FUZZ_EXAMPLES sets
# the base count (test_npyio.py's fuzzing reads it too).
FUZZ_EXAMPLES = int(os.environ.get("NDMEM_FUZZ_EXAMPLES", "1000"))
settings.register_profile(
    "ci", max_examples=FUZZ_EXAMPLES, derandomize=True, database=None,
    deadline=None, suppress_health_check=list(HealthCheck), print_blob=True)
settings.register_profile(
    "long", settings.get_profile("ci"), max_examples=50 * FUZZ_EXAMPLES,
    derandomize=False)
settings.load_profile(os.environ.get("NDMEM_FUZZ", "ci"))


# Tests that .ci/sanitize leaves out (marked no_sanitizer here, so that the
# list and its reasons live in one place), by node id prefix:
NO_SANITIZER = {
    # RSS after 100,000 creations: ASan's quarantine keeps freed blocks
    # resident (RSS grows by megabytes by design), and each case runs
    # 100,000 iterations in a subprocess (15 s each under ASan).  The same
    # entry points are checked for references by test_refcount.py, which
    # does run under the sanitizers.
    "tests/test_leaks.py::",
    # Exact peaks of expressions with temporaries: ndmem elides temporaries
    # only when every C frame up to the interpreter is CPython or ndmem
    # (NumPy's rule), and ASan's interceptor frames are neither, so peaks
    # count one more array under the sanitizer.
    "tests/test_memory.py::test_peak_counts_temporaries_as_numpy",
    "tests/test_notebooks.py::test_temporaries_notebook",
}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "no_sanitizer: left out of the ASan/UBSan run (.ci/sanitize); "
        "see NO_SANITIZER in conftest.py for why")


def pytest_collection_modifyitems(config, items):
    for item in items:
        node = item.nodeid[item.nodeid.find("tests/"):]
        if node.startswith(tuple(NO_SANITIZER)):
            item.add_marker(pytest.mark.no_sanitizer)
