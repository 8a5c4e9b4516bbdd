"""The Python binding's ctypes layer (bindings/python/autodeco/_lib.py) declares every function of
include/autodeco.h, each with the header's result and argument types, and its structs have the
header's layout. The header is read through include/autodeco_ffi.h and cffi, an independent C
parser; a declaration that drifted from the header (a missing argument, int32 for a pointer, a
field in the wrong place) fails here instead of corrupting memory at run time."""
import ctypes

import cffi
import pytest
from conftest import ROOT

from autodeco import _lib

FFI_HEADER = ROOT / "include" / "autodeco_ffi.h"

PRIMITIVES = {"int32_t": ctypes.c_int32, "float": ctypes.c_float, "_Bool": ctypes.c_bool, "bool": ctypes.c_bool,
              "size_t": ctypes.c_size_t, "uint64_t": ctypes.c_uint64}
OPAQUE = {"autodeco_model", "autodeco_context"}


@pytest.fixture(scope="module")
def header(libpath):
    ffi = cffi.FFI()
    ffi.cdef(FFI_HEADER.read_text())
    return ffi, ffi.dlopen(str(libpath))


def struct_name(ctype) -> str:
    return ctype.cname.replace("struct ", "").replace("const ", "").strip()


def matches(ctype, declared) -> bool:
    """Whether the ctypes type `declared` passes values of the cffi type `ctype` correctly."""
    if ctype.kind == "void":
        return declared is None
    if ctype.kind == "primitive":
        return declared is PRIMITIVES.get(ctype.cname)
    if ctype.kind == "struct":
        return isinstance(declared, type) and issubclass(declared, ctypes.Structure) \
            and declared.__name__ == struct_name(ctype)
    if ctype.kind == "function":  # a callback typedef
        return hasattr(declared, "_argtypes_") and len(declared._argtypes_) == len(ctype.args) \
            and matches(ctype.result, declared._restype_) \
            and all(matches(a, d) for a, d in zip(ctype.args, declared._argtypes_))
    if ctype.kind == "pointer":
        item = ctype.item
        if item.kind == "function":
            return matches(item, declared)
        if item.kind == "primitive" and item.cname in ("char", "const char"):
            # c_char_p for NUL-terminated strings; c_void_p where the bytes are not (event text)
            return declared in (ctypes.c_char_p, ctypes.c_void_p)
        if item.kind == "void" or (item.kind == "struct" and struct_name(item) in OPAQUE):
            return declared is ctypes.c_void_p  # opaque handles travel as void *
        return hasattr(declared, "_type_") and issubclass(declared, ctypes._Pointer) and matches(item, declared._type_)
    return False


def functions(ffi, lib):
    names = [n for n in dir(lib) if n.startswith("autodeco_")]
    return {n: ffi.typeof(getattr(lib, n)) for n in names if ffi.typeof(getattr(lib, n)).kind == "function"}


def test_every_header_function_is_declared_with_its_types(header):
    ffi, lib = header
    decls = functions(ffi, lib)
    assert len(decls) >= 45
    for name, ftype in decls.items():
        declared = getattr(_lib, name, None)
        assert declared is not None, f"_lib does not declare {name}"
        assert len(declared.argtypes) == len(ftype.args), f"{name}: {len(declared.argtypes)} arguments, header {len(ftype.args)}"
        assert matches(ftype.result, declared.restype), f"{name}: result {declared.restype} vs {ftype.result.cname}"
        for i, (a, d) in enumerate(zip(ftype.args, declared.argtypes)):
            assert matches(a, d), f"{name}: argument {i} is {d}, header {a.cname}"


def test_structs_have_the_header_layout(header):
    ffi, _ = header
    structs = [c for c in vars(_lib).values() if isinstance(c, type) and issubclass(c, ctypes.Structure)
               and c.__name__.startswith("autodeco_")]
    assert len(structs) >= 8
    for cls in structs:
        ct = ffi.typeof(cls.__name__)
        assert ctypes.sizeof(cls) == ffi.sizeof(ct), cls.__name__
        assert [f[0] for f in cls._fields_] == [f for f, _ in ct.fields], cls.__name__
        for field, info in ct.fields:
            assert getattr(cls, field).offset == info.offset, f"{cls.__name__}.{field}"
            assert matches(info.type, dict(cls._fields_)[field]), f"{cls.__name__}.{field}"


def test_the_checker_catches_a_wrong_declaration(header):
    ffi, lib = header
    ftype = functions(ffi, lib)["autodeco_step_text"]
    assert matches(ftype.args[0], ctypes.c_void_p) and not matches(ftype.args[0], ctypes.c_int32)
    assert not matches(ftype.args[2], ctypes.c_int64) and not matches(ftype.result, None)
