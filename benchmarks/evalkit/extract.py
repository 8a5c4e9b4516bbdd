"""From a model's reply to a runnable program.

Rule (documented in docs/evaluation.md):
1. Code: the fenced block (``` or ```python) that defines the entry point; else the first
   block labelled python/py (or unlabelled); else the first block of any kind; else the whole
   reply. A block left open (the reply stopped inside it) runs to the end of the reply.
2. Program: the HumanEval prompt (its imports, helper functions and the stub of the entry
   point), then the extracted code. If the code defines the entry point at top level, that
   definition replaces the stub (Python rebinds the name) and the prompt's imports and helpers
   stay available. Otherwise the code is taken as the body of the stub: indented by four
   spaces unless it already is, and appended to the prompt (the original completion format).
"""
import re
import textwrap
from typing import List, Tuple

_OPEN = re.compile(r"^[ \t]*```[ \t]*([A-Za-z0-9_+.-]*)[ \t]*$")
_CLOSE = re.compile(r"^[ \t]*```[ \t]*$")
_PYTHON_LABELS = {"", "python", "py", "python3"}


def fenced_blocks(reply: str) -> List[Tuple[str, str]]:
    """(label, code) of each fenced block in order; an unclosed block runs to the end."""
    blocks, label, lines = [], None, []
    for line in reply.splitlines():
        if label is None:
            m = _OPEN.match(line)
            if m:
                label, lines = m.group(1).lower(), []
        elif _CLOSE.match(line):
            blocks.append((label, "\n".join(lines)))
            label = None
        else:
            lines.append(line)
    if label is not None:
        blocks.append((label, "\n".join(lines)))
    return blocks


def defines(code: str, name: str) -> bool:
    """True when `code` has a top-level `def name(` (or async def)."""
    return re.search(rf"^(async\s+)?def\s+{re.escape(name)}\s*\(", code, re.M) is not None


def extract_code(reply: str, entry_point: str) -> str:
    blocks = fenced_blocks(reply)
    for _, code in blocks:
        if defines(code, entry_point):
            return code
    for label, code in blocks:
        if label in _PYTHON_LABELS:
            return code
    if blocks:
        return blocks[0][1]
    return reply


def build_program(prompt: str, code: str, entry_point: str) -> str:
    """The prompt followed by the model's code (see the module docstring for the rule)."""
    if defines(code, entry_point):
        return prompt.rstrip() + "\n\n\n" + code.strip("\n") + "\n"
    body = code.strip("\n")
    first = next((line for line in body.splitlines() if line.strip()), "")
    if first and not first[0].isspace():
        body = textwrap.indent(body, "    ")
    return prompt.rstrip("\n") + "\n" + body + "\n"


def program_from_reply(prompt: str, reply: str, entry_point: str) -> Tuple[str, str]:
    """(extracted code, full program) for one reply."""
    code = extract_code(reply, entry_point)
    return code, build_program(prompt, code, entry_point)
