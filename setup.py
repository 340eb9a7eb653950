import glob
import os

from setuptools import Extension, setup

extra_compile_args = ["-std=c11", "-O3", "-Wall", "-Wextra", "-fno-strict-aliasing"]
if os.environ.get("NDMEM_SANITIZE"):
    extra_compile_args += ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-O1", "-g"]

setup(
    ext_modules=[
        Extension(
            "ndmem._core",
            sources=sorted(glob.glob("src/*.c")),
            depends=sorted(glob.glob("src/*.h")),
            include_dirs=["src"],
            extra_compile_args=extra_compile_args,
            libraries=["m"],
        )
    ],
)
