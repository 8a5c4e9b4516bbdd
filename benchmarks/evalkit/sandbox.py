"""Runs a HumanEval program and its tests in a sandboxed subprocess.

What the sandbox guarantees (and integration/test_humaneval_harness.py checks):
- a fresh temporary directory as working directory, deleted afterwards;
- a clean environment (PATH, LANG, HOME and TMPDIR pointing at the directory, nothing else)
  and `python -I` (no user site, no PYTHON* variables, no script directory on sys.path);
- a wall-clock timeout (the whole process group is killed) and resource limits: address space
  (RLIMIT_AS), CPU seconds (RLIMIT_CPU), no core dumps, limited file size (RLIMIT_FSIZE);
- no network: where `unshare` can create user namespaces (mode "namespaces") the program runs
  in an empty network namespace, with every mount except the directory read-only, in its own
  pid namespace, without capabilities; everywhere, the socket module refuses to connect.
  Without namespaces (mode "plain") the program can still write wherever the user can.
The program may not fake a pass: the child prints a one-time token only after check() returns.
"""
import dataclasses
import json
import os
import pathlib
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from functools import lru_cache

CHILD = pathlib.Path(__file__).resolve().with_name("sandbox_child.py")
UNSHARE = ["unshare", "--user", "--map-root-user", "--net", "--mount", "--pid", "--fork", "--kill-child"]


@dataclasses.dataclass
class Limits:
    timeout: float = 10.0                 # wall-clock seconds
    memory_bytes: int = 1 << 30           # RLIMIT_AS
    file_bytes: int = 16 << 20            # RLIMIT_FSIZE

    def child_json(self) -> str:
        return json.dumps({"memory_bytes": self.memory_bytes, "file_bytes": self.file_bytes,
                           "cpu_seconds": int(self.timeout) + 1})


@dataclasses.dataclass
class Outcome:
    status: str      # "passed", "failed" or "timeout"
    detail: str      # the last line of stderr for a failure
    seconds: float

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@lru_cache(maxsize=None)
def isolation_mode() -> str:
    """"namespaces" when unshare can give us user+net+mount+pid namespaces, else "plain"."""
    if shutil.which("unshare") is None:
        return "plain"
    try:
        ok = subprocess.run(UNSHARE + ["true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        ok = False
    return "namespaces" if ok else "plain"


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def run_tests(program: str, test: str, entry_point: str, limits: Limits = Limits(),
              mode: str = "") -> Outcome:
    """Executes `program` followed by `test`, then check(entry_point), in the sandbox."""
    mode = mode or isolation_mode()
    token = secrets.token_hex(16)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="humaneval-") as tmp:
        work = os.path.realpath(tmp)
        pathlib.Path(work, "candidate.py").write_text(program + "\n\n" + test + "\n", encoding="utf-8")
        argv = [sys.executable, "-I", str(CHILD), entry_point, mode, limits.child_json()]
        if mode == "namespaces":
            argv = UNSHARE + argv
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": work, "TMPDIR": work}
        # Output goes to files in the directory, so RLIMIT_FSIZE bounds it too.
        with open(os.path.join(work, "stdout"), "wb+") as out, open(os.path.join(work, "stderr"), "wb+") as err:
            proc = subprocess.Popen(argv, cwd=work, env=env, stdin=subprocess.PIPE, stdout=out, stderr=err,
                                    start_new_session=True)
            try:
                proc.communicate(input=(token + "\n").encode(), timeout=limits.timeout)
                timed_out = False
            except subprocess.TimeoutExpired:
                timed_out = True
            finally:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)  # stragglers the program left behind
                except ProcessLookupError:
                    pass
                proc.wait()
            out.seek(0)
            err.seek(0)
            stdout = out.read(1 << 20).decode("utf-8", "replace")
            stderr = err.read(1 << 20).decode("utf-8", "replace")
    seconds = time.monotonic() - start
    if timed_out:
        return Outcome("timeout", f"no result within {limits.timeout:g} s", seconds)
    if proc.returncode == 0 and stdout.rstrip().endswith(token):
        return Outcome("passed", "", seconds)
    if proc.returncode < 0:
        if proc.returncode == -signal.SIGXCPU:
            return Outcome("timeout", f"CPU limit ({limits.timeout:g} s)", seconds)
        detail = f"killed by signal {-proc.returncode}"
    else:
        detail = _last_line(stderr) or f"exit status {proc.returncode}"
    return Outcome("failed", detail, seconds)
