"""Runs one HumanEval program inside the sandbox (started by sandbox.py; stdlib only).

    python -I sandbox_child.py ENTRY_POINT MODE LIMITS_JSON    (cwd: the temporary directory)

Reads a one-time token from stdin, confines itself, executes candidate.py (the program and
the problem's tests) in a fresh namespace named "candidate" (so `if __name__ == "__main__"`
blocks do not run), calls check(ENTRY_POINT) and prints the token only if check returned:
a program that exits early or swallows errors cannot fake a pass.

MODE "namespaces" (the child already runs in new user, network, mount and pid namespaces,
via `unshare`): every mount but the temporary directory is remounted read-only, then every
capability is dropped, so the program cannot write outside the directory nor undo that.
MODE "plain": no namespaces available; only the resource limits and the socket block apply.
In both modes the socket module refuses to create sockets or resolve names."""
import ctypes
import json
import os
import re
import resource
import socket
import sys

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND = 32, 4096
MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 1024, 2048, 4096
# Flags a user namespace may not change on an inherited mount: keep them as they are.
LOCKED_FLAGS = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME
PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 24, 38


def set_limits(limits: dict) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (limits["memory_bytes"],) * 2)
    resource.setrlimit(resource.RLIMIT_CPU, (limits["cpu_seconds"],) * 2)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_bytes"],) * 2)


def mount_points() -> list:
    with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as f:
        fields = [line.split()[4] for line in f]
    # mountinfo writes space, tab, newline and backslash as \ooo (octal)
    return [re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), p) for p in fields]


def confine_to(workdir: str) -> None:
    """Read-only everywhere but workdir, then no capabilities (needs the namespaces)."""
    libc = ctypes.CDLL(None, use_errno=True)

    def mount(target: str, flags: int, source=None) -> None:
        if libc.mount(source, target.encode(), None, flags, None) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"mount {target}: {os.strerror(err)}")

    mount(workdir, MS_BIND, source=workdir.encode())  # its own mount, left writable
    for point in reversed(mount_points()):
        if point == workdir:
            continue
        try:
            flags = os.statvfs(point).f_flag
        except OSError:
            continue  # hidden by a later mount or gone
        if flags & MS_RDONLY:
            continue
        mount(point, MS_REMOUNT | MS_BIND | MS_RDONLY | (flags & LOCKED_FLAGS))
    os.chdir(workdir)  # the old working directory was on the mount below, now read-only
    # No way back: no new privileges on exec, empty bounding set, no capabilities now.
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    for cap in range(64):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()                 # effective/permitted/inheritable, all zero
    if libc.capset(header, data) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"capset: {os.strerror(err)}")


def block_network() -> None:
    def refuse(*_args, **_kwargs):
        raise OSError("network access is disabled in the HumanEval sandbox")
    for name in ("socket", "socketpair", "create_connection", "create_server", "fromfd",
                 "getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        setattr(socket, name, refuse)


def main() -> None:
    entry_point, mode, limits = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    token = sys.stdin.readline().strip()
    workdir = os.getcwd()
    if mode == "namespaces":
        confine_to(workdir)
    block_network()
    with open("candidate.py", encoding="utf-8") as f:
        source = f.read()
    set_limits(limits)  # after the setup, whose own needs are not the program's
    namespace = {"__name__": "candidate", "__builtins__": __builtins__}
    exec(compile(source, "candidate.py", "exec"), namespace)
    namespace["check"](namespace[entry_point])
    sys.stdout.write("\n" + token + "\n")
    sys.stdout.flush()
    os._exit(0)  # skip atexit handlers the program may have registered


if __name__ == "__main__":
    main()
