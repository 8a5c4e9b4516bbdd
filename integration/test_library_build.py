"""The built libautodeco.so: self-contained, exports exactly the header's functions, and the
header compiles as strict C99 and C++17."""
import re
import subprocess

from conftest import ROOT

HEADER = ROOT / "include" / "autodeco.h"
# What a host must already have: libc and friends, the C++ runtime, and OpenBLAS with its
# Fortran runtime. No Swift runtime library may appear.
ALLOWED = re.compile(r"^(linux-vdso|ld-linux|libc|libm|libdl|libpthread|librt|libstdc\+\+|libgcc_s|"
                     r"libopenblas|libgfortran|libquadmath|libgomp)[.-]")


def declared_functions():
    text = HEADER.read_text()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return set(re.findall(r"\b(autodeco_[a-z0-9_]+)\s*\(", text))


def exported_functions(libpath):
    out = subprocess.run(["nm", "-D", "--defined-only", str(libpath)], check=True,
                         capture_output=True, text=True).stdout
    return {line.split()[2] for line in out.splitlines()
            if len(line.split()) == 3 and line.split()[1] == "T" and line.split()[2].startswith("autodeco_")}


def test_library_is_self_contained(libpath):
    out = subprocess.run(["ldd", str(libpath)], check=True, capture_output=True, text=True).stdout
    libs = [line.split()[0] for line in out.splitlines() if line.strip()]
    assert libs, "ldd printed nothing"
    bad = [l for l in libs if not ALLOWED.match(l.split("/")[-1])]
    assert not bad, f"unexpected run-time dependencies: {bad}"
    assert not any("swift" in l for l in libs)


def test_exports_match_header(libpath):
    declared = declared_functions()
    exported = exported_functions(libpath)
    assert len(declared) >= 10
    assert declared - exported == set(), "declared but not exported"
    assert exported - declared == set(), "exported but not declared"


def test_header_compiles_as_c99_and_cpp17(tmp_path):
    c = tmp_path / "h.c"
    c.write_text('#include "autodeco.h"\nint main(void) { return autodeco_version_number() > 0 ? 0 : 1; }\n')
    subprocess.run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", str(ROOT / "include"),
                    "-c", str(c), "-o", str(tmp_path / "h.o")], check=True)
    cpp = tmp_path / "h.cpp"
    cpp.write_text('#include "autodeco.h"\nint main() { return autodeco_version_number() > 0 ? 0 : 1; }\n')
    subprocess.run(["c++", "-std=c++17", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", str(ROOT / "include"),
                    "-c", str(cpp), "-o", str(tmp_path / "hpp.o")], check=True)


def test_header_version_matches_library(lib):
    import ctypes
    text = HEADER.read_text()
    number = int(re.search(r"#define AUTODECO_VERSION_NUMBER (\d+)", text).group(1))
    api = int(re.search(r"#define AUTODECO_API_VERSION (\d+)", text).group(1))
    string = re.search(r'#define AUTODECO_VERSION_STRING "([^"]+)"', text).group(1)
    lib.autodeco_version.restype = ctypes.c_char_p
    assert lib.autodeco_version_number() == number
    assert lib.autodeco_api_version() == api
    assert lib.autodeco_version().decode() == string
