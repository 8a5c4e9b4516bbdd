"""Finds and loads libautodeco.so: $AUTODECO_LIBRARY, then the package's own lib/ directory,
then the build tree this package sits in (bindings/python → .build/release)."""
import ctypes
import os
import pathlib

_HERE = pathlib.Path(__file__).resolve().parent


def candidates():
    env = os.environ.get("AUTODECO_LIBRARY")
    if env:
        yield pathlib.Path(env)
    yield _HERE / "lib" / "libautodeco.so"
    root = _HERE.parent.parent.parent
    yield root / ".build" / "release" / "libautodeco.so"
    yield root / "lib" / "libautodeco.so"


def load() -> ctypes.CDLL:
    tried = []
    for path in candidates():
        tried.append(str(path))
        if path.exists():
            return ctypes.CDLL(str(path))
    raise OSError("libautodeco.so not found; set AUTODECO_LIBRARY or build it with scripts/build. Tried: "
                  + ", ".join(tried))
