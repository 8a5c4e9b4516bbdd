"""The decoding configurations compared on HumanEval (issue #8).

`recommended` is the generation_config.json of the Qwen2.5-Coder instruct models: temperature
0.7, top_p 0.8, top_k 20, repetition_penalty 1.05 (the values in Qwen/Qwen2.5-Coder-32B-Instruct's
file, found at huggingface.co/ai-team-20/qwen3-coder-480b-3/commit/1f0ca894 "Add
generation_config.json from Qwen/Qwen2.5-Coder-32B-Instruct"; the 0.5B model's own file was
not in the reference corpus, see docs/evaluation.md). transformers applies the repetition
penalty to every earlier token, prompt included, so the window here covers the whole context."""
import dataclasses
from typing import Dict, List, Optional

ORACLE_TEMPERATURES = (0.2, 0.4, 0.6, 0.8, 1.0)
ORACLE_TOP_PS = (0.8, 0.9, 0.95, 1.0)
WHOLE_CONTEXT = 1 << 20  # repetition window larger than any context


@dataclasses.dataclass(frozen=True)
class DecodingConfig:
    name: str
    sampler: Dict[str, object]   # SamplerParams fields (seed excluded: set per sample)
    needs_heads: bool = False
    deterministic: bool = False  # greedy: one sample per problem is enough

    @property
    def group(self) -> str:
        """"oracle" for every grid point, else the name."""
        return "oracle" if self.name.startswith("oracle-") else self.name


def _static(t: float, p: float, **extra) -> Dict[str, object]:
    return {"mode": "static", "temperature": t, "top_p": p, "top_k": 0, **extra}


def oracle_name(t: float, p: float) -> str:
    return f"oracle-T{t:g}-P{p:g}"


def all_configs() -> Dict[str, DecodingConfig]:
    configs = [
        DecodingConfig("greedy", dict(mode="greedy"), deterministic=True),
        DecodingConfig("default", _static(1.0, 1.0)),
        DecodingConfig("recommended", _static(0.7, 0.8, top_k=20, repetition_penalty=1.05,
                                              repetition_window=WHOLE_CONTEXT)),
    ]
    configs += [DecodingConfig(oracle_name(t, p), _static(t, p))
                for t in ORACLE_TEMPERATURES for p in ORACLE_TOP_PS]
    configs += [
        # MeanShift: the static T, P the heads file records as the heads' held-out mean
        DecodingConfig("meanshift", dict(mode="mean", temperature=1.0, top_p=1.0, top_k=0), needs_heads=True),
        DecodingConfig("autodeco", dict(mode="autodeco", temperature=1.0, top_p=1.0, top_k=0), needs_heads=True),
    ]
    return {c.name: c for c in configs}


def resolve(names: List[str]) -> List[DecodingConfig]:
    """Expands "all" and "oracle" (the whole grid); keeps order, drops repeats."""
    table = all_configs()
    out: List[DecodingConfig] = []
    for name in names:
        if name == "all":
            picked = list(table.values())
        elif name == "oracle":
            picked = [c for c in table.values() if c.group == "oracle"]
        elif name in table:
            picked = [table[name]]
        else:
            raise KeyError(f"unknown config {name!r}; known: all, oracle, {', '.join(table)}")
        out += [c for c in picked if c not in out]
    return out


def find(name: str) -> Optional[DecodingConfig]:
    return all_configs().get(name)
