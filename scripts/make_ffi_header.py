#!/usr/bin/env python3
"""Writes include/autodeco_ffi.h: include/autodeco.h with every preprocessor line removed.

FFI front ends that parse C declarations at run time (LuaJIT's ffi.cdef, Python's cffi) have no
preprocessor: they reject #define, #include, #ifdef and the AUTODECO_API attribute macro. This
script turns the real header into plain declarations they accept:

  - integer #define constants become one anonymous enum (AUTODECO_API_VERSION and friends);
    string constants are dropped (autodeco_version() returns the same text);
  - the AUTODECO_API attribute, include guards, #include lines and extern "C" are removed;
  - comments are removed (the real header documents every declaration).

The output is committed and integration/test_ffi_header.py checks it equals what this script writes
today, and that both LuaJIT and cffi accept it with the same struct layouts as a C compiler.

    python3 scripts/make_ffi_header.py            # rewrite include/autodeco_ffi.h
    python3 scripts/make_ffi_header.py --check    # exit 1 if the committed file is stale
"""
import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
HEADER = ROOT / "include" / "autodeco.h"
FFI_HEADER = ROOT / "include" / "autodeco_ffi.h"

PREAMBLE = """\
/* autodeco_ffi.h: the declarations of autodeco.h without preprocessor lines, for FFI front
 * ends that parse C at run time (LuaJIT ffi.cdef, Python cffi). Generated from autodeco.h by
 * scripts/make_ffi_header.py; do not edit. C and C++ programs include autodeco.h instead.
 * Documentation: autodeco.h. */
"""


def strip_comments(text: str) -> str:
    """Removes /* */ and // comments (the header has no comment markers inside strings)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def ffi_header(source: str) -> str:
    text = strip_comments(source)
    constants = []
    lines = []
    in_cplusplus = False  # inside #ifdef __cplusplus ... #endif (extern "C" and its brace)
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            if re.fullmatch(r"#\s*ifdef\s+__cplusplus", stripped):
                in_cplusplus = True
            elif in_cplusplus and re.fullmatch(r"#\s*endif", stripped):
                in_cplusplus = False
            m = re.fullmatch(r"#\s*define\s+(AUTODECO_\w+)\s+(-?\d+)", stripped)
            if m:
                constants.append((m.group(1), m.group(2)))
            continue  # guards, includes, the attribute macro, string constants
        if in_cplusplus:
            continue
        lines.append(line.replace("AUTODECO_API ", "").rstrip())
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
    enum = "enum {\n" + "".join(f"    {name} = {value},\n" for name, value in constants) + "};\n"
    return PREAMBLE + "\n" + enum + "\n" + body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if include/autodeco_ffi.h is stale")
    args = parser.parse_args()
    generated = ffi_header(HEADER.read_text())
    if args.check:
        if not FFI_HEADER.exists() or FFI_HEADER.read_text() != generated:
            print(f"{FFI_HEADER.relative_to(ROOT)} is stale: run python3 {pathlib.Path(__file__).relative_to(ROOT)}",
                  file=sys.stderr)
            return 1
        return 0
    FFI_HEADER.write_text(generated)
    print(f"wrote {FFI_HEADER.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
