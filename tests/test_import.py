import subprocess
import sys


def test_import_does_not_load_numpy():
    code = "import sys, ndmem; print('numpy' in sys.modules, any(m.startswith('numpy.') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_version_is_a_string():
    import ndmem

    assert isinstance(ndmem.__version__, str)
    assert ndmem.__version__.count(".") == 2
