"""Fixtures for the Python binding's tests: the package from this checkout (unless
AUTODECO_TEST_INSTALLED=1 asks for the installed one), the real SmolLM2 model and test heads."""
import os
import pathlib
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
if os.environ.get("AUTODECO_TEST_INSTALLED") != "1":
    sys.path.insert(0, str(HERE.parent))

MODELS = pathlib.Path(os.environ.get("AUTODECO_MODELS", pathlib.Path.home() / ".cache/autodeco/models"))
SMOLLM2 = MODELS / "SmolLM2-135M-Instruct.Q4_1.gguf"
HEADS = ROOT / "Tests/AutoDecoTests/Fixtures/heads/smollm2.safetensors"


@pytest.fixture(scope="session")
def model_path():
    if not SMOLLM2.exists():
        pytest.fail(f"model missing: {SMOLLM2} (run scripts/fetch-models)")
    return SMOLLM2


@pytest.fixture(scope="session")
def heads_path():
    assert HEADS.exists(), HEADS
    return HEADS


@pytest.fixture(scope="session")
def model(model_path):
    """SmolLM2 without heads (find_heads off, so the result does not depend on the disk)."""
    import autodeco
    m = autodeco.Model(model_path, find_heads=False)
    yield m
    m.close()


@pytest.fixture(scope="session")
def model_with_heads(model_path, heads_path):
    import autodeco
    m = autodeco.Model(model_path, heads=heads_path)
    yield m
    m.close()


@pytest.fixture
def greedy(model):
    import autodeco
    with autodeco.Context(model, n_ctx=256, n_threads=1, sampler="greedy") as ctx:
        yield ctx
