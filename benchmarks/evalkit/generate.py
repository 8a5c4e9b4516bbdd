"""Samples replies through the Python binding (bindings/python/autodeco).

n samples of one prompt, sample i drawn with seed base+i. Uses Context.generate_batch (several
sequences sharing each forward pass) when the binding has it, else n sequential
Context.generate calls with the same seeds, each rewinding to the prompt decoded once per
problem. Either way each sample starts from the prompt alone and a freshly seeded generator,
so results do not depend on what ran before (which is what makes interrupted runs resumable)."""
import dataclasses
import inspect
import pathlib
import sys
import time
from typing import List, Optional, Tuple

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bindings" / "python"))
import autodeco  # noqa: E402  (the binding of this checkout)

# The reply is complete once its code block closes: stop there instead of paying for the
# explanation the model writes after it. (An unlabelled opening fence preceded by a newline
# would also match; extraction then finds no code and the sample fails, counted as such.)
STOP = ["\n```\n"]


@dataclasses.dataclass
class Sample:
    seed: int
    text: str
    n_tokens: int
    stop_reason: str
    temperatures: List[float]   # per generated token, as used by the sampler
    top_ps: List[float]
    seconds: float              # this sample's share of the generation time


def has_batch() -> bool:
    return hasattr(autodeco.Context, "generate_batch")


def has_requests() -> bool:
    """Whether the binding has continuous batching of different prompts (Context.generate_requests)."""
    return hasattr(autodeco.Context, "generate_requests")


def has_mixed_batch() -> bool:
    """Whether generate_batch takes a sampler per sequence (several configurations per batch)."""
    return has_batch() and "samplers" in inspect.signature(autodeco.Context.generate_batch).parameters


class Generator:
    """One model, one context per n (batched decoding sizes the context for n sequences)."""

    def __init__(self, model_path: str, heads: Optional[str], n_threads: int, n_ctx: int):
        self.model = autodeco.Model(model_path, heads=heads, find_heads=False)
        self.n_threads = n_threads
        self.n_ctx = n_ctx
        self._contexts = {}

    def _context(self, n: int) -> "autodeco.Context":
        key = n if has_batch() else 1
        if key not in self._contexts:
            kwargs = dict(n_ctx=self.n_ctx, n_threads=self.n_threads)
            if has_batch() and "n_seq_max" in inspect.signature(autodeco.Context).parameters:
                kwargs["n_seq_max"] = n
            self._contexts[key] = autodeco.Context(self.model, **kwargs)
        return self._contexts[key]

    def samples(self, instruction: str, sampler: dict, n: int, seed: int, max_tokens: int) -> List[Sample]:
        ctx = self._context(n)
        if has_batch():
            ctx.reset()
            _reseed(ctx, sampler, seed)
            start = time.monotonic()
            results = ctx.generate_batch(instruction, n, max_tokens=max_tokens, stop=STOP, chat=True)
            share = (time.monotonic() - start) / max(n, 1)
            return [Sample(seed + i, r.text, len(r.tokens), r.stop_reason, list(r.temperatures), list(r.top_ps), share)
                    for i, r in enumerate(results)]
        # Sequential: the prompt but its last few tokens is decoded once; each sample rewinds to
        # it and generates after the rest (`suffix`), so the long prompt is not recomputed n times.
        prefix, suffix = self._split_prompt(instruction)
        ctx.reset()
        if prefix:
            ctx.decode(prefix)
        out = []
        for i in range(n):
            ctx.rewind(len(prefix))
            _reseed(ctx, sampler, seed + i)
            start = time.monotonic()
            text, temps, tops = [], [], []
            for ev in ctx.generate(suffix, max_tokens=max_tokens, stop=STOP):
                text.append(ev.text)
                temps.append(ev.temperature)
                tops.append(ev.top_p)
            out.append(Sample(seed + i, "".join(text), len(temps), ctx.stop_reason or "", temps, tops,
                              time.monotonic() - start))
        return out

    def mixed_samples(self, instruction: str, draws: List[Tuple[dict, int]], max_tokens: int,
                      capacity: int) -> List[Sample]:
        """One sample per (sampler, seed) in `draws`, in batches of at most `capacity` sequences,
        each sequence with its own sampler and seed (needs has_mixed_batch()). Sample j is
        exactly what samples(instruction, sampler_j, 1, seed_j, …) gives."""
        ctx = self._context(capacity)
        out = []
        for lo in range(0, len(draws), capacity):
            chunk = draws[lo:lo + capacity]
            ctx.reset()
            start = time.monotonic()
            results = ctx.generate_batch(instruction, len(chunk), max_tokens=max_tokens, stop=STOP, chat=True,
                                         samplers=[autodeco.SamplerParams(**sp, seed=seed) for sp, seed in chunk])
            share = (time.monotonic() - start) / len(chunk)
            out += [Sample(seed, r.text, len(r.tokens), r.stop_reason, list(r.temperatures), list(r.top_ps), share)
                    for (_, seed), r in zip(chunk, results)]
        return out

    def request_samples(self, jobs: List[Tuple[str, dict, int]], max_tokens: int, capacity: int) -> List[Sample]:
        """One sample per (instruction, sampler, seed) in `jobs`, by continuous batching: at most
        `capacity` sequences decode at once and a finished one's slot takes the next job (jobs
        with the same instruction share its prompt's computation). Sample j is exactly what
        samples(instruction_j, sampler_j, 1, seed_j, …) gives. Needs has_requests()."""
        ctx = self._context(capacity)
        start = time.monotonic()
        results = ctx.generate_requests([instruction for instruction, _, _ in jobs], max_tokens=max_tokens,
                                        stop=STOP, chat=True,
                                        samplers=[autodeco.SamplerParams(**sp, seed=seed) for _, sp, seed in jobs])
        tokens = sum(len(r.tokens) for r in results)
        elapsed = time.monotonic() - start
        # Each sample's share of the time, by its number of tokens.
        return [Sample(seed, r.text, len(r.tokens), r.stop_reason, list(r.temperatures), list(r.top_ps),
                       elapsed * len(r.tokens) / max(tokens, 1))
                for (_, _, seed), r in zip(jobs, results)]

    def _split_prompt(self, instruction: str):
        """(prefix token ids, suffix text) of the rendered chat prompt such that the suffix's own
        tokenization, as generate() does it, is exactly the prompt's last tokens."""
        text = self.model.apply_chat_template([{"role": "user", "content": instruction}])
        ids = self.model.tokenize(text, special=True)
        for k in range(1, min(8, len(ids))):
            tail = self.model.detokenize_bytes(ids[-k:], special=True)
            try:
                suffix = tail.decode("utf-8")
            except UnicodeDecodeError:
                continue
            if (self.model.tokenize(suffix, special=True) == ids[-k:]
                    and self.model.tokenize(suffix, special=True, add_special=True) == ids[-k:]):
                return ids[:-k], suffix
        return [], text

    def close(self) -> None:
        for ctx in self._contexts.values():
            ctx.close()
        self.model.close()


def _reseed(ctx, sampler: dict, seed: int) -> None:
    """Sets the sampler with `seed` and a freshly seeded generator: the library reseeds only
    when the seed changes, so pass through another seed first."""
    ctx.set_sampler(autodeco.SamplerParams(**sampler, seed=(seed + 1) % (1 << 64)))
    ctx.set_sampler(seed=seed)
