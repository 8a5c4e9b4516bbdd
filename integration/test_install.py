"""`cmake --install` into a temporary prefix, then two consumer projects built against it:
integration/consumer/cmake (find_package(autodeco REQUIRED)) and integration/consumer/pkgconfig
(pkg-config --cflags --libs autodeco). Both must build, link the installed library and run."""
import os
import shutil
import subprocess

import pytest

from conftest import ROOT

CONSUMER = ROOT / "integration" / "consumer"


def run(cmd, **kw):
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    assert p.returncode == 0, f"{' '.join(map(str, cmd))} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}"
    return p.stdout


@pytest.fixture(scope="module")
def prefix(tmp_path_factory, libpath):
    if shutil.which("cmake") is None:
        pytest.fail("cmake is missing: scripts/test installs it (pip install -r scripts/requirements-test.txt)")
    tmp = tmp_path_factory.mktemp("install")
    build = tmp / "build"
    # The library is already built (scripts/build): install that one, no second swift build.
    run(["cmake", "-S", ROOT, "-B", build, "-DAUTODECO_BUILD_EXAMPLES=OFF", "-DAUTODECO_BUILD_TESTS=OFF",
         "-DAUTODECO_BUILD_CLI=OFF", "-DAUTODECO_SWIFT_BUILD=OFF"])
    run(["cmake", "--build", build])
    run(["cmake", "--install", build, "--prefix", tmp / "prefix"])
    return tmp / "prefix"


def test_install_layout(prefix):
    assert (prefix / "lib" / "libautodeco.so").is_file()
    assert (prefix / "include" / "autodeco.h").read_text() == (ROOT / "include" / "autodeco.h").read_text()
    assert (prefix / "include" / "autodeco_ffi.h").read_text() == (ROOT / "include" / "autodeco_ffi.h").read_text()
    for heads in (ROOT / "heads").glob("*.autodeco"):  # the shipped heads, found by the installed library
        assert (prefix / "share" / "autodeco" / "heads" / heads.name / "model.safetensors").is_file()
    pc = (prefix / "lib" / "pkgconfig" / "autodeco.pc").read_text()
    assert "Libs: -L${libdir} -lautodeco" in pc
    cfg = prefix / "lib" / "cmake" / "autodeco"
    assert (cfg / "autodeco-config.cmake").is_file()
    version = (cfg / "autodeco-config-version.cmake").read_text()
    assert "SameMajorVersion" in version or "CVF_VERSION_MAJOR" in version


def check_consumer(exe, smollm2):
    out = run([exe])
    assert out.startswith("autodeco 0.")
    out = run([exe, smollm2])
    assert "n_vocab 49152; 'Hello world' -> 2 tokens" in out
    needed = run(["readelf", "-d", exe])
    assert "[libautodeco.so]" in needed  # a relocatable dependency, not a build path


def test_cmake_consumer(prefix, tmp_path, smollm2):
    build = tmp_path / "consumer"
    run(["cmake", "-S", CONSUMER / "cmake", "-B", build, f"-DCMAKE_PREFIX_PATH={prefix}"])
    run(["cmake", "--build", build])
    check_consumer(build / "consumer", smollm2)


def test_cmake_consumer_rejects_another_major_version(prefix, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.16)\nproject(v C)\n"
                                        "find_package(autodeco 1 REQUIRED)\n")
    p = subprocess.run(["cmake", "-S", str(src), "-B", str(tmp_path / "b"), f"-DCMAKE_PREFIX_PATH={prefix}"],
                       capture_output=True, text=True)
    assert p.returncode != 0 and "autodeco" in p.stderr


def test_pkgconfig_consumer(prefix, tmp_path, smollm2):
    env = dict(os.environ, PKG_CONFIG_PATH=str(prefix / "lib" / "pkgconfig"))
    flags = run(["pkg-config", "--cflags", "--libs", "autodeco"], env=env)
    assert "-lautodeco" in flags and "-I" in flags
    exe = tmp_path / "consumer"
    run(["make", "-C", CONSUMER / "pkgconfig", f"OUT={exe}"], env=env)
    check_consumer(exe, smollm2)


def test_pip_install_carries_the_library(tmp_path, libpath, smollm2):
    """`pip install ./bindings/python` copies the built library into the package: the installed
    package works from anywhere, without the checkout or AUTODECO_LIBRARY."""
    target = tmp_path / "site"
    run(["python3", "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "--target", target, ROOT / "bindings" / "python"])
    assert (target / "autodeco" / "lib" / "libautodeco.so").is_file()
    env = {k: v for k, v in os.environ.items() if k not in ("AUTODECO_LIBRARY", "PYTHONPATH")}
    env["PYTHONPATH"] = str(target)
    code = ("import autodeco, sys\n"
            "print(autodeco._lib.lib._name)\n"
            f"with autodeco.Model({str(smollm2)!r}, find_heads=False) as m, "
            "autodeco.Context(m, n_ctx=64, n_threads=1, sampler='greedy') as c:\n"
            "    print(repr(c.generate_text('The capital of France is', max_tokens=3)))\n"
            f"with autodeco.Model({str(smollm2)!r}) as m, autodeco.Context(m, n_ctx=64, n_threads=1) as c:\n"
            "    print('heads', c.has_heads)\n")
    out = run(["python3", "-c", code], cwd=tmp_path, env=env)
    assert out.splitlines()[0] == str(target / "autodeco" / "lib" / "libautodeco.so")
    assert "Paris" in out
    # The package carries the shipped heads, and its library finds them for the model.
    assert (target / "autodeco" / "heads" / "smollm2-135m-instruct.autodeco" / "config.json").is_file()
    assert "heads True" in out
