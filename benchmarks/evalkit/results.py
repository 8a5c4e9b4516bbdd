"""Results on disk: one JSONL file per configuration, one line per finished problem, written
(and fsynced) as soon as the problem is done, so a run can stop anywhere and resume: problems
already in the file are skipped. Every line carries the settings it was made with; resuming
with different settings is refused rather than mixing them."""
import json
import os
import pathlib
from typing import Dict, Iterator, List

# Settings that change what a line means; the rest (threads, batching, timing) may differ.
IDENTITY_KEYS = ("harness_version", "instruction_version", "model", "heads", "sampler", "n", "seed",
                 "max_tokens", "timeout")


def path_for(out_dir: pathlib.Path, config: str) -> pathlib.Path:
    return pathlib.Path(out_dir) / f"{config}.jsonl"


def read_lines(path: pathlib.Path) -> Iterator[dict]:
    """The complete lines of a results file (a line cut short by a crash is ignored)."""
    if not path.exists():
        return
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.endswith("\n"):
                break
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                continue


def identity(settings: dict) -> Dict[str, object]:
    return {k: settings.get(k) for k in IDENTITY_KEYS}


class ResultsFile:
    def __init__(self, path: pathlib.Path, settings: dict):
        self.path = pathlib.Path(path)
        self.settings = settings
        self.done: Dict[str, dict] = {}
        for row in read_lines(self.path):
            if identity(row["settings"]) != identity(settings):
                theirs, ours = identity(row["settings"]), identity(settings)
                diff = {k: (theirs[k], ours[k]) for k in IDENTITY_KEYS if theirs[k] != ours[k]}
                raise ValueError(f"{self.path} holds results made with other settings {diff} "
                                 "(existing, requested); use another --out directory")
            self.done[row["task_id"]] = row
        self._drop_partial_tail()

    def _drop_partial_tail(self) -> None:
        """Cuts a last line left incomplete by an interrupted write, so appends stay valid."""
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        end = data.rfind(b"\n") + 1
        if end != len(data):
            with open(self.path, "r+b") as f:
                f.truncate(end)

    def append(self, row: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
        self.done[row["task_id"]] = row


def load_all(out_dir: pathlib.Path) -> Dict[str, List[dict]]:
    """config name → its rows, for every *.jsonl in out_dir."""
    return {p.stem: list(read_lines(p)) for p in sorted(pathlib.Path(out_dir).glob("*.jsonl"))}
