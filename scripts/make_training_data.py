#!/usr/bin/env python3
"""Training data for `autodeco train-heads` from Python's own standard library.

Each example: prompt "Implement this function: <signature + docstring>", completion the real
source of the function (a Python code block). Deterministic: modules and functions are walked in
sorted order, and the output depends only on the Python version that runs this script.

Licence: the Python standard library is under the PSF License Agreement (Python Software
Foundation License Version 2); the generated JSONL inherits it. HumanEval is never used here:
it is evaluation data only, and these prompts come from a disjoint source (stdlib functions).

Usage: python3 scripts/make_training_data.py OUT.jsonl [--max N] [--max-lines 40]
"""
import argparse, importlib, inspect, json, random, sys, textwrap, warnings

MODULES = sorted("""
abc argparse ast base64 bisect calendar cmd code codecs colorsys configparser contextlib copy csv
dataclasses datetime decimal difflib dis email.utils enum filecmp fileinput fnmatch fractions ftplib
functools genericpath getopt gettext glob gzip hashlib heapq hmac html html.parser http.cookies imaplib
inspect ipaddress json.decoder json.encoder keyword linecache locale logging mailbox mimetypes
ntpath numbers opcode operator optparse os pathlib pickle pickletools pkgutil platform plistlib poplib
posixpath pprint pydoc queue quopri random re reprlib sched selectors shlex shutil smtplib socket
socketserver statistics string stringprep subprocess sysconfig tabnanny tarfile tempfile textwrap
threading timeit token tokenize traceback turtle types typing urllib.parse urllib.request uu uuid
warnings wave weakref webbrowser xml.dom.minidom zipfile zipimport
""".split())


def functions(module):
    """(qualified name, function) for plain functions and methods defined in `module`."""
    out = []
    for name, obj in sorted(vars(module).items()):
        if inspect.isfunction(obj) and obj.__module__ == module.__name__:
            out.append((name, obj))
        elif inspect.isclass(obj) and obj.__module__ == module.__name__:
            for mname, m in sorted(vars(obj).items()):
                if inspect.isfunction(m) and not mname.startswith("__"):
                    out.append((f"{name}.{mname}", m))
    return out


def example(module, qualname, fn, max_lines):
    doc = inspect.getdoc(fn)
    if not doc or len(doc) < 20:
        return None
    try:
        src = textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError):
        return None
    lines = src.rstrip().split("\n")
    if len(lines) > max_lines or len(lines) < 3:
        return None
    try:
        sig = str(inspect.signature(fn))
    except (TypeError, ValueError):
        return None
    header = f"def {fn.__name__}{sig}:"
    where = f"(from Python's `{module}` module, `{qualname}`)"
    prompt = f"Implement this function {where}:\n\n```python\n{header}\n{textwrap.indent(chr(34) * 3 + doc + chr(34) * 3, '    ')}\n```"
    return {"prompt": prompt, "completion": f"```python\n{src.rstrip()}\n```", "source": f"{module}.{qualname}"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--max", type=int, default=0, help="at most N examples (0 = all)")
    ap.add_argument("--max-lines", type=int, default=40, help="skip functions longer than this")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    rows = []
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except Exception:
            continue
        for qualname, fn in functions(module):
            row = example(name, qualname, fn, args.max_lines)
            if row:
                rows.append(row)
    # A fixed shuffle, so any prefix (--max-examples) mixes modules.
    random.Random(0).shuffle(rows)
    if args.max:
        rows = rows[: args.max]
    with open(args.out, "w") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
    print(f"{len(rows)} examples from {len(MODULES)} modules (Python {sys.version.split()[0]}) -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
