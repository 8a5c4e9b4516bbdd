"""Shared fixtures for the library-level tests: the built library and the real models."""
import ctypes
import os
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The binding's low-level module is the one declaration of the C prototypes in Python.
sys.path.insert(0, str(ROOT / "bindings" / "python"))
MODELS = pathlib.Path(os.environ.get("AUTODECO_MODELS", pathlib.Path.home() / ".cache/autodeco/models"))
SMOLLM2 = MODELS / "SmolLM2-135M-Instruct.Q4_1.gguf"
QWEN = MODELS / "qwen2.5-coder-0.5b-instruct.gguf"


def library_path() -> pathlib.Path:
    p = pathlib.Path(os.environ.get("AUTODECO_LIBRARY", ROOT / ".build/release/libautodeco.so"))
    if not p.exists():
        pytest.fail(f"{p} is missing: run scripts/build first")
    return p


@pytest.fixture(scope="session")
def libpath():
    return library_path()


@pytest.fixture(scope="session")
def lib(libpath):
    return ctypes.CDLL(str(libpath))


def require_model(path: pathlib.Path) -> pathlib.Path:
    if not path.exists():
        pytest.fail(f"model missing: {path} (run scripts/fetch-models)")
    return path


@pytest.fixture(scope="session")
def smollm2():
    return require_model(SMOLLM2)


@pytest.fixture(scope="session")
def qwen():
    return require_model(QWEN)
