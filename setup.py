import glob
import os

from setuptools import Extension, setup

# -fno-math-errno: ufuncs report domain errors by the FP flags, as NumPy's;
# a libm errno kept every sqrt a call per element instead of vsqrtpd.
extra_compile_args = ["-std=c11", "-O3", "-Wall", "-Wextra", "-fno-strict-aliasing",
                      "-fno-math-errno"]
extra_link_args = []
if os.environ.get("NDMEM_SANITIZE"):
    # .ci/sanitize: ASan + UBSan, every UB report fatal (no recovery).
    sanitize = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"]
    extra_compile_args += sanitize + ["-fno-omit-frame-pointer", "-O1", "-g"]
    extra_link_args += sanitize

setup(
    ext_modules=[
        Extension(
            "ndmem._core",
            sources=sorted(glob.glob("src/*.c")),
            depends=sorted(glob.glob("src/*.h")),
            include_dirs=["src"],
            extra_compile_args=extra_compile_args,
            extra_link_args=extra_link_args,
            libraries=["m"],
        )
    ],
)
