"""%load_ext ndmem: %memit and %%memtrack through IPython's InteractiveShell."""

import gc
import re

import numpy
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from ndmem import memory


@pytest.fixture(scope="module")
def shell():
    sh = InteractiveShell.instance()
    result = sh.run_cell("%load_ext ndmem")
    assert result.success
    sh.run_cell("import ndmem as np")
    yield sh
    sh.run_cell("%reset -f")
    gc.collect()


def run(shell, code):
    with capture_output() as out:
        result = shell.run_cell(code)
    return result, out.stdout


def figures(text, label):
    m = re.search(label + r": net ([+-][\d,]+) B, peak ([\d,]+) B, (\d+) allocation", text)
    assert m, text
    return tuple(int(g.replace(",", "")) for g in m.groups())


def test_memit_exact_figures(shell):
    result, out = run(shell, "%memit x = np.zeros(1000)")
    assert result.success
    n = numpy.zeros(1000).nbytes
    assert figures(out, "memit") == (n, n, 1)
    assert re.search(r"RSS [+-][\d,]+ B", out)
    assert "buffers created here and still alive: 1" in out
    assert "8,000 B heap, owner (1000,) float64" in out
    assert shell.user_ns["x"].shape == (1000,)


def test_memit_temporary_is_freed(shell):
    result, out = run(shell, "%memit np.ones(500).copy()")
    n = numpy.ones(500).nbytes
    assert figures(out, "memit") == (0, 2 * n, 2)
    assert "still alive" not in out


def test_memtrack_lists_pinned_buffers(shell):
    cell = "%%memtrack\nbig = np.arange(100_000)\nsmall = big[:10]\ndel big\n"
    result, out = run(shell, cell)
    assert result.success
    n = numpy.arange(100_000).nbytes
    assert figures(out, "memtrack") == (n, n, 1)
    assert "buffers kept alive only by views: 1" in out
    assert f"{n:,} B: 1 view(s) reach 80 B" in out
    run(shell, "del small")
    _, out = run(shell, "%%memtrack\npass\n")
    assert figures(out, "memtrack") == (0, 0, 0)
    assert "only by views" not in out


def test_memtrack_shows_cell_output_and_errors(shell):
    result, out = run(shell, "%%memtrack\nprint('hello')\n")
    assert "hello" in out and "memtrack: net +0 B" in out
    result, out = run(shell, "%%memtrack\ny = np.ones(10)\nraise ValueError('boom')\n")
    assert "ValueError" in out and "boom" in out
    assert figures(out, "memtrack")[0] == numpy.ones(10).nbytes


def test_pin_warning_after_the_cell_that_drops_the_owner(shell):
    run(shell, "np.memory.warn_pins(0.5)\nbig = np.arange(10_000)\nsmall = big[:5]")
    try:
        with pytest.warns(memory.PinWarning, match="80000 bytes"):
            shell.run_cell("del big")
    finally:
        run(shell, "np.memory.warn_pins(None)\ndel small")
