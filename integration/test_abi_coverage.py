"""The sanitizer driver (integration/c/abi_sanitize.c, run by scripts/sanitize) must call every
function the header exports, so a new ABI function cannot escape the ASan/TSan runs unnoticed."""
import re

from conftest import ROOT

HEADER = ROOT / "include" / "autodeco.h"
DRIVER = ROOT / "integration" / "c" / "abi_sanitize.c"


def without_comments(c_source: str) -> str:
    c_source = re.sub(r"/\*.*?\*/", " ", c_source, flags=re.S)
    return re.sub(r"//[^\n]*", " ", c_source)


def api_functions() -> list[str]:
    header = without_comments(HEADER.read_text())
    # Declarations: "AUTODECO_API <return type> autodeco_name(" (the macro's #define lines excluded).
    names = re.findall(r"^AUTODECO_API\b[^;(]*?\b(autodeco_\w+)\s*\(", header, flags=re.M)
    uses = len(re.findall(r"^AUTODECO_API\b", header, flags=re.M))
    assert len(names) == uses, "a declaration the pattern does not parse"
    return names


def test_header_declarations_parse():
    names = api_functions()
    assert len(names) == len(set(names))
    for expected in ("autodeco_version", "autodeco_model_load_from_memory", "autodeco_generate", "autodeco_log_set"):
        assert expected in names
    assert len(names) >= 40   # 44 when this test was written


def test_sanitizer_driver_calls_every_abi_function():
    driver = without_comments(DRIVER.read_text())
    missing = [n for n in api_functions() if not re.search(rf"\b{n}\s*\(", driver)]
    assert not missing, f"integration/c/abi_sanitize.c never calls: {missing}"
