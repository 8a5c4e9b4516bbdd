"""Copies the built libautodeco.so into the package (autodeco/lib/) when a wheel is built, so
`scripts/build && pip install ./bindings/python` gives a self-contained install, and the
repository's shipped AutoDeco heads (heads/*.autodeco) into autodeco/heads/, where the library
finds them for the models they were trained for.

Where the library comes from: $AUTODECO_LIBRARY, else the repository's release build
(../../.build/release/libautodeco.so). Without either, the package is installed without it and
finds the library at run time through $AUTODECO_LIBRARY (see autodeco/_loader.py)."""
import os
import pathlib
import shutil
import sys

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = pathlib.Path(__file__).resolve().parent


def built_library():
    env = os.environ.get("AUTODECO_LIBRARY")
    for p in ([pathlib.Path(env)] if env else []) + [HERE.parent.parent / ".build" / "release" / "libautodeco.so"]:
        if p.is_file():
            return p.resolve()
    return None


class BuildPyWithLibrary(build_py):
    def run(self):
        super().run()
        lib = built_library()
        if lib is None:
            print("autodeco: no built libautodeco.so found (run scripts/build first, or set AUTODECO_LIBRARY); "
                  "installing without it", file=sys.stderr)
            return
        dest = pathlib.Path(self.build_lib) / "autodeco" / "lib"
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy2(lib, dest / "libautodeco.so")
        for heads in sorted((HERE.parent.parent / "heads").glob("*.autodeco")):
            target = pathlib.Path(self.build_lib) / "autodeco" / "heads" / heads.name
            shutil.copytree(heads, target, dirs_exist_ok=True)


class NativeDistribution(Distribution):
    """The wheel carries a native library when one was found: tag it for this platform."""

    def has_ext_modules(self):
        return built_library() is not None


setup(cmdclass={"build_py": BuildPyWithLibrary}, distclass=NativeDistribution)
