"""include/autodeco_ffi.h, the macro-free header for LuaJIT's ffi.cdef and Python's cffi: it is
what scripts/make_ffi_header.py writes from autodeco.h today, it declares everything autodeco.h
declares, both FFI parsers accept it, every function resolves in the built library, and the
struct layouts they compute equal the C compiler's from the real header."""
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
HEADER = ROOT / "include" / "autodeco.h"
FFI_HEADER = ROOT / "include" / "autodeco_ffi.h"

sys.path.insert(0, str(ROOT / "scripts"))
import make_ffi_header  # noqa: E402

SOURCE = HEADER.read_text()
FUNCTIONS = re.findall(r"AUTODECO_API\s+[^;]*?\b(autodeco_\w+)\s*\(", SOURCE)
STRUCTS = re.findall(r"typedef struct (autodeco_\w+) \{", SOURCE)
ENUMERATORS = re.findall(r"^\s+(AUTODECO_[A-Z0-9_]+) = -?\d+", SOURCE, flags=re.M)
INT_DEFINES = re.findall(r"#define (AUTODECO_\w+) (-?\d+)$", SOURCE, flags=re.M)


def test_the_header_lists_are_not_empty():
    # Guards the regexes above: if the header's style changed, the checks below would pass vacuously.
    assert len(FUNCTIONS) >= 40 and len(STRUCTS) >= 8 and len(ENUMERATORS) >= 20 and len(INT_DEFINES) >= 5


def test_committed_ffi_header_is_up_to_date():
    assert FFI_HEADER.read_text() == make_ffi_header.ffi_header(SOURCE), \
        "include/autodeco_ffi.h is stale: run python3 scripts/make_ffi_header.py"


def test_ffi_header_has_no_preprocessor_lines_and_every_declaration():
    text = FFI_HEADER.read_text()
    assert not re.search(r"^\s*#", text, flags=re.M)
    assert "AUTODECO_API " not in text
    for name in FUNCTIONS + STRUCTS + ENUMERATORS + [n for n, _ in INT_DEFINES]:
        assert re.search(rf"\b{name}\b", text), f"{name} missing from autodeco_ffi.h"


@pytest.fixture(scope="module")
def c_layout(tmp_path_factory):
    """sizeof and offsetof of every struct field, from gcc compiling the real header."""
    import cffi
    ffi = cffi.FFI()
    ffi.cdef(FFI_HEADER.read_text())
    lines = []
    for s in STRUCTS:
        lines.append(f'printf("%s size %zu\\n", "{s}", sizeof({s}));')
        for field, _ in ffi.typeof(s).fields:
            lines.append(f'printf("%s.%s %zu\\n", "{s}", "{field}", offsetof({s}, {field}));')
    src = tmp_path_factory.mktemp("layout") / "layout.c"
    src.write_text('#include <stdio.h>\n#include <stddef.h>\n#include "autodeco.h"\nint main(void) {\n'
                   + "\n".join(lines) + "\nreturn 0;\n}\n")
    exe = src.with_suffix("")
    subprocess.run(["gcc", "-std=c11", "-Wall", "-Werror", "-I", str(ROOT / "include"), str(src), "-o", str(exe)],
                   check=True)
    out = subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout
    return dict(line.rsplit(" ", 1) for line in out.splitlines())


def test_cffi_parses_it_with_the_c_layouts_and_resolves_every_function(libpath, c_layout):
    import cffi
    ffi = cffi.FFI()
    ffi.cdef(FFI_HEADER.read_text())
    lib = ffi.dlopen(str(libpath))
    for name in FUNCTIONS:
        getattr(lib, name)  # raises AttributeError if the symbol is absent
    for name, value in INT_DEFINES:
        assert getattr(lib, name) == int(value)
    assert lib.AUTODECO_API_VERSION == lib.autodeco_api_version()
    assert ffi.string(lib.autodeco_version()).decode() == re.search(r'AUTODECO_VERSION_STRING "(.*)"', SOURCE)[1]
    layout = {}
    for s in STRUCTS:
        layout[f"{s} size"] = str(ffi.sizeof(s))
        for field, _ in ffi.typeof(s).fields:
            layout[f"{s}.{field}"] = str(ffi.offsetof(s, field))
    assert layout == c_layout


LUA_CHECK = r"""
local ffi = require('ffi')
local header_path, lib_path, names_json = ...
local f = assert(io.open(header_path)); ffi.cdef(f:read('*a')); f:close()
local lib = ffi.load(lib_path)
local out = {}
-- names_json is a flat list: functions, then structs as {"struct", name, field...}
for line in names_json:gmatch('[^\n]+') do
  local kind, a, b = line:match('^(%S+) (%S+) ?(%S*)$')
  if kind == 'fn' then
    assert(lib[a] ~= nil, a)
  elseif kind == 'const' then
    out[#out + 1] = a .. ' ' .. tostring(tonumber(lib[a]))
  elseif kind == 'size' then
    out[#out + 1] = a .. ' size ' .. tostring(ffi.sizeof(a))
  elseif kind == 'field' then
    out[#out + 1] = a .. '.' .. b .. ' ' .. tostring(ffi.offsetof(a, b))
  end
end
io.write(table.concat(out, '\n'), '\n')
"""


def test_luajit_parses_it_with_the_c_layouts_and_resolves_every_function(libpath, c_layout, tmp_path):
    luajit = shutil.which("luajit")
    if luajit is None:
        pytest.fail("luajit is missing: scripts/test installs it (apt install luajit)")
    import cffi
    ffi = cffi.FFI()
    ffi.cdef(FFI_HEADER.read_text())
    spec = [f"fn {n}" for n in FUNCTIONS] + [f"const {n}" for n, _ in INT_DEFINES]
    for s in STRUCTS:
        spec.append(f"size {s}")
        spec += [f"field {s} {field}" for field, _ in ffi.typeof(s).fields]
    script = tmp_path / "check.lua"
    script.write_text(LUA_CHECK)
    out = subprocess.run([luajit, str(script), str(FFI_HEADER), str(libpath), "\n".join(spec)],
                         check=True, capture_output=True, text=True).stdout
    values = dict(line.rsplit(" ", 1) for line in out.splitlines())
    for name, value in INT_DEFINES:
        assert values.pop(f"{name}") == value
    assert values == c_layout
