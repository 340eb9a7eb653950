"""The example notebooks run top to bottom (nbclient) and show the figures
their text promises; their own cells assert the exact numbers."""

import os
import sys
from pathlib import Path

import nbformat
import numpy
import pytest
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def execute(name):
    nb = nbformat.read(EXAMPLES / name, as_version=4)
    # the kernel must import the ndmem this test imports
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(EXAMPLES)}}).execute(env=env)
    return nb


def text_of(cell):
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif "data" in out:
            parts.append(out.data.get("text/plain", ""))
            parts.append(out.data.get("text/html", ""))
    return "".join(parts)


@pytest.fixture(scope="module")
def views_nb():
    return execute("views_and_pinning.ipynb")


@pytest.fixture(scope="module")
def temps_nb():
    return execute("temporaries_out_memmap.ipynb")


def cell_with(nb, source_start):
    return next(c for c in nb.cells if c.cell_type == "code"
                and c.source.startswith(source_start))


def test_views_notebook(views_nb):
    assert "[2 4 6] True True" in text_of(cell_with(views_nb, "arr = np.arange(10)"))
    track = text_of(cell_with(views_nb, "%%memtrack"))
    assert "memtrack: net +80,000,000 B, peak 80,000,000 B, 1 allocation(s)" in track
    assert "buffers kept alive only by views: 1" in track
    html = text_of(cell_with(views_nb, "memory.explain(small)"))
    assert "<svg" in html and "only views keep it" in html
    memit = text_of(cell_with(views_nb, "%memit"))
    assert "memit: net -79,999,920 B, peak 80 B, 1 allocation(s)" in memit
    live = numpy.arange(10).nbytes + numpy.arange(10_000_000)[:10].copy().nbytes
    assert text_of(cell_with(views_nb, "assert memory.pinned() == []")).strip() == str(live)


def test_temporaries_notebook(temps_nb):
    assert "peak 2.0 arrays, net 1.0 arrays" in text_of(
        cell_with(temps_nb, "with memory.track() as t:\n    r = (x"))
    assert "0 allocation(s)" in text_of(cell_with(temps_nb, "with memory.track() as t:\n    np.multiply"))
    assert "memmap 8000000 " in text_of(cell_with(temps_nb, "tmp = tempfile"))
