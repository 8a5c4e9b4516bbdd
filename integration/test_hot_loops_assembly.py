"""The generated code of the hot loops in the built release libautodeco.so (issue #9).

Static checks on `objdump -d` of the library, no timing. The functions checked are the ones
that dominate a decode step (profiled with perf and callgrind on `autodeco bench`): the C
kernels' row dot products, matrix-vector loop, activation quantisation, dequantisation,
softmax, the heads' vocabulary statistics (stats.c: 8-lane AVX2 and 16-lane AVX-512F kernels)
and attention at every dispatch level, and the Swift element loops of the
token loop (RMSNorm, RoPE, residual adds, SwiGLU, the heads' output layers, the sampler's
vocabulary pass) plus the orchestration functions they are inlined into.

Loops are found exactly, not by address ranges: the function's control-flow graph is built
from its instructions and every strongly connected component is a loop; removing a loop's
header and repeating gives the nested loops, so "innermost" is the loop nest's leaves. A
*trap branch* is a conditional jump to a `ud2` (how Swift compiles a failed bounds,
overflow or range check in -O). What is accepted, and why:
  - traps outside loops (checks done once per call, e.g. `0..<count` with count < 0) and, in
    the orchestration functions, traps in loops that also call out (per layer, per token or
    per row work, not per element);
  - at the scalar level, libm's expf/logf per element in the softmax/statistics/attention
    fallbacks (that level exists for CPUs without AVX2 and is defined by libm's results),
    and expf in the scalar tail loops (< 8 elements) after the 8-lane loops (the statistics
    kernels have masked tails instead and call nothing at all);
  - expf per element in SwiGLU/SiLU (Swift, portable; see benchmarks/README.md) and cosf/sinf
    once per frequency in RoPE's outer loop;
  - the row kernel's indirect call once per row in ck_matvec / ck_matvec_rows.
Everything else listed below fails the test.
"""
import collections
import functools
import re
import shutil
import subprocess

import pytest

from conftest import library_path

pytestmark = pytest.mark.skipif(shutil.which("objdump") is None, reason="needs objdump (binutils)")

Insn = collections.namedtuple("Insn", "addr raw mnem ops target callee")

# ---- disassembly -------------------------------------------------------------------------------

_HEADER = re.compile(r"^([0-9a-f]+) <(.+)>:$")
_LINE = re.compile(r"^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(\S+)\s*(.*)$")
_DIRECT = re.compile(r"^([0-9a-f]+) <([^>]+)>")
_COMMENT = re.compile(r"# [0-9a-f]+ <([^>]+)>")
_PREFIXES = {"66", "67", "f2", "f3", "2e", "3e", "26", "64", "65", "36", "f0"}


class Disassembly(dict):
    """{function symbol: [Insn]}, parsed from `objdump -d` text on first access per function."""

    def __init__(self, text_by_function):
        super().__init__()
        self.text = text_by_function

    def __contains__(self, name):
        return name in self.text

    def __iter__(self):
        return iter(self.text)

    def __len__(self):
        return len(self.text)

    def get(self, name, default=None):
        return self[name] if name in self.text else default

    def __missing__(self, name):
        insns = [parse(line) for line in self.text[name]]
        insns = [i for i in insns if i is not None]
        self[name] = insns
        return insns

    def items(self):
        return ((n, self[n]) for n in self.text)

    def __repr__(self):
        return f"<disassembly of {len(self.text)} functions>"


def parse(line):
    m = _LINE.match(line)
    if not m:
        return None
    ops = m[4]
    target = callee = None
    d = _DIRECT.match(ops)
    if d:
        target, callee = int(d[1], 16), d[2]
    else:
        c = _COMMENT.search(ops)
        callee = c[1] if c else ops  # indirect call: keep the operand text
    return Insn(int(m[1], 16), m[2].split(), m[3], ops, target, callee)


@functools.lru_cache(maxsize=None)
def disassembly(path):
    out = subprocess.run(["objdump", "-d", "-w", str(path)], capture_output=True, text=True, check=True).stdout
    functions, current = {}, None
    for line in out.splitlines():
        if line and line[0] != " ":
            m = _HEADER.match(line)
            if m:
                current = functions.setdefault(m[2], [])
            continue
        if current is not None and line:
            current.append(line)
    return Disassembly(functions)


def has_avx_encoding(lines):
    """Whether any instruction line is VEX/EVEX encoded (without parsing the rest)."""
    for line in lines:
        parts = line.split("\t", 2)
        if len(parts) < 3:
            continue
        for b in parts[1].split():
            if b in _PREFIXES:
                continue
            if b in ("62", "c4", "c5"):
                return True
            break
    return False


@pytest.fixture(scope="module")
def code():
    functions = disassembly(library_path())
    assert "ck_matvec" in functions, "no symbols: is the library stripped?"
    return functions


def encoding(insn):
    """'evex', 'vex' or None: the first opcode byte after legacy prefixes (in 64-bit mode 0x62
    is always EVEX and 0xc4/0xc5 always VEX)."""
    raw = [b for b in insn.raw if b not in _PREFIXES] or [""]
    return {"62": "evex", "c4": "vex", "c5": "vex"}.get(raw[0])


# ---- control flow and loops --------------------------------------------------------------------

def _is_jump(i):
    return i.mnem.startswith("j")


def _ends_block(i):
    return _is_jump(i) or i.mnem.startswith(("ret", "ud2", "hlt"))


def _follows(insns, k):
    """Whether instruction k starts where instruction k - 1 ends (not after a skipped run of
    zero bytes, `...` in objdump, nor in a second local function of the same name: objdump
    lists both under one symbol, e.g. max_avx2 of softmax.c and of stats.c)."""
    a = insns[k - 1]
    return insns[k].addr == a.addr + len(a.raw)


def blocks(insns):
    """Basic blocks [(start index, end index)] and successor lists (by block number)."""
    if not insns:
        return [], []
    index = {i.addr: k for k, i in enumerate(insns)}
    leaders = {0}
    for k, i in enumerate(insns):
        if _is_jump(i) and i.target in index:
            leaders.add(index[i.target])
        if k + 1 < len(insns) and (_ends_block(i) or not _follows(insns, k + 1)):
            leaders.add(k + 1)
    starts = sorted(leaders)
    spans = [(s, (starts[n + 1] if n + 1 < len(starts) else len(insns)) - 1) for n, s in enumerate(starts)]
    block_of = {insns[s].addr: n for n, (s, _) in enumerate(spans)}
    succ = []
    for n, (s, e) in enumerate(spans):
        last, out = insns[e], []
        if _is_jump(last) and last.target in block_of:
            out.append(block_of[last.target])
        unconditional = last.mnem.startswith(("jmp", "ret", "ud2", "hlt"))
        if not unconditional and n + 1 < len(spans) and _follows(insns, spans[n + 1][0]):
            out.append(n + 1)
        succ.append(out)
    return spans, succ


def _sccs(nodes, succ):
    """Strongly connected components of the subgraph on `nodes` (iterative Tarjan)."""
    nodes = set(nodes)
    index, low, on, stack, result, counter = {}, {}, set(), [], [], [0]
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter([s for s in succ[root] if s in nodes]))]
        index[root] = low[root] = counter[0]; counter[0] += 1
        stack.append(root); on.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]; counter[0] += 1
                    stack.append(w); on.add(w)
                    work.append((w, iter([s for s in succ[w] if s in nodes])))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = set()
                while True:
                    w = stack.pop(); on.discard(w); comp.add(w)
                    if w == v:
                        break
                result.append(comp)
    return result


Loop = collections.namedtuple("Loop", "blocks insns innermost")


def loops(insns):
    """Every loop of the function (nested ones too), each with its instructions."""
    spans, succ = blocks(insns)
    pred = collections.defaultdict(set)
    for v, ws in enumerate(succ):
        for w in ws:
            pred[w].add(v)
    found = []

    def visit(nodes):
        for comp in _sccs(nodes, succ):
            if len(comp) == 1 and next(iter(comp)) not in succ[next(iter(comp))]:
                continue  # a block that is not a loop
            entries = [b for b in comp if pred[b] - comp] or [min(comp)]
            before = len(found)
            visit(comp - {min(entries)})
            body = [insns[k] for b in sorted(comp) for k in range(spans[b][0], spans[b][1] + 1)]
            found.append(Loop(comp, body, innermost=len(found) == before))

    visit(range(len(spans)))
    return found


def traps(insns):
    """Addresses of the `ud2` instructions (Swift's trap)."""
    return {i.addr for i in insns if i.mnem == "ud2"}


def trap_branches(body, trap_addrs):
    return [f"{i.addr:#x}" for i in body if _is_jump(i) and i.target in trap_addrs]


def calls(body):
    return [i.callee for i in body if i.mnem.startswith("call")]


def mnemonics(body):
    return {i.mnem for i in body}


def uses_ymm(body):
    return any("%ymm" in i.ops or "%zmm" in i.ops for i in body)


def uses_zmm(body):
    return any("%zmm" in i.ops for i in body)


def function(code, name):
    assert name in code, f"{name} is not in the library (renamed? update this test)"
    return code[name]


def swift_function(code, prefix):
    """The one Swift function (not a closure or thunk: the mangled name ends in F) whose
    mangled name starts with `prefix`."""
    names = [n for n in code if n.startswith(prefix) and n.endswith("F")]
    assert len(names) == 1, f"{prefix}: {len(names)} matches {names[:4]} (renamed? update this test)"
    return names[0], code[names[0]]


def short(name):
    return name if len(name) < 70 else name[:67] + "..."


# ---- the functions -----------------------------------------------------------------------------

TYPES = ["f32", "f16", "bf16", "q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q4_k", "q5_k", "q6_k"]
INTEGER_TYPES = ["q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q4_k", "q5_k", "q6_k"]
# Types whose blocks are one unsigned × signed product (dot_us in dot_simd.h): vpdpbusd at the
# VNNI level. The K-quants apply their sub-block scales with vpmaddwd and keep maddubs+madd.
DOT_US_TYPES = ["q4_0", "q4_1", "q5_0", "q5_1", "q8_0"]
# The several-vector forms of the integer row kernels (ck_matvec_rows: sequences decoding in
# lockstep), dot2_ … dot8_<type>_<level>; the same checks as the one-vector kernels.
MULTI = [f"dot{n}" for n in range(2, 9)]

# The vocabulary statistics of the AutoDeco heads (stats.c): per block maximum, exponentials,
# and q = p/Z with its entropy/moment sums (vmath.h's log), 8 lanes at the AVX2 level and 16
# (vmath512.h) at the AVX-512 level. Tails are masked, so none of them calls anything.
STATS_AVX2_FUNCTIONS = ["max_avx2", "exp_block_avx2", "q_block_avx2"]
STATS_AVX512_FUNCTIONS = ["max_avx512", "exp_block_avx512", "q_block_avx512"]
# Functions compiled for AVX2+FMA (+F16C): the only ones allowed VEX, never EVEX (an AVX2-only
# CPU — Haswell, Zen 2 — would raise SIGILL). max_avx2 is two local functions (softmax.c and
# stats.c) that objdump lists under one name: both are checked.
AVX2_FUNCTIONS = [f"dot_{t}_avx2" for t in TYPES] + [f"{m}_{t}_avx2" for m in MULTI for t in INTEGER_TYPES] + [
    "ck_dot_f32_avx2", "ck_fp16_to_fp32_row_f16c", "ck_fp32_to_fp16_row_f16c",
    "block_avx2", "exp_sum_avx2", "ck_matmul_panels_avx2",
] + STATS_AVX2_FUNCTIONS
# The AVX-512 level (CPUID: AVX-512 VNNI + VL + F, dispatch.c): EVEX allowed.
VNNI_FUNCTIONS = [f"dot_{t}_vnni" for t in TYPES] + [f"{m}_{t}_vnni" for m in MULTI for t in INTEGER_TYPES] + [
    "ck_matmul_panels_vnni"]
AVX512_FUNCTIONS = VNNI_FUNCTIONS + STATS_AVX512_FUNCTIONS
# SIMD loops with a multiply-add: each must have FMA instructions inside a loop.
FMA_FUNCTIONS = [f"dot_{t}_avx2" for t in TYPES] + [f"dot_{t}_vnni" for t in TYPES] + [
    f"{m}_{t}_{level}" for m in MULTI for t in INTEGER_TYPES for level in ("avx2", "vnni")] + [
    "ck_dot_f32_avx2", "block_avx2", "exp_sum_avx2", "ck_matmul_panels_avx2", "ck_matmul_panels_vnni",
    "exp_block_avx2", "q_block_avx2", "exp_block_avx512", "q_block_avx512",
]
# The portable (scalar) level and the dispatchers: plain x86-64 code, calls only as listed.
SCALAR_KERNELS = {
    **{f"dot_{t}": set() for t in TYPES},
    "ck_dequantize_row": set(),
    "ck_quantize_q8_32": set(),
    "ck_quantize_q8_256": set(),
    "ck_fp16_to_fp32_row": set(),
    "ck_fp32_to_fp16_row": set(),
    "ck_dot_f32": set(),
    "ck_argmax_f32": set(),
    "ck_scale_f32": set(),
    "ck_matvec": {"indirect"},
    "ck_matvec_rows": {"indirect"},
    "ck_matmul": {"ck_get_level", "ck_matmul_panels_avx2", "ck_matmul_panels_vnni"},
    "ck_panel_scales": set(),
    "ck_exp_sum": {"expf"},
    "ck_stats_exp_blocks": {"expf", "memset", "ck_get_level", "max_avx2", "exp_block_avx2",
                            "max_avx512", "exp_block_avx512"},
    "ck_stats_q_blocks": {"logf", "ck_get_level", "q_block_avx2", "q_block_avx512"},
    "ck_stats_block_scales": {"exp"},
    "ck_attention_block": {"expf", "memset"},
    "ck_attention_combine": {"expf", "memset"},
}

# Swift element functions: no trap branch and no runtime call in any of their loops.
# pattern -> callees allowed inside loops
SWIFT_ELEMENT_FUNCTIONS = {
    "$s8AutoDeco7rmsNorm__6weight5count3eps": set(),
    "$s8AutoDeco4rope_5heads7headDim8position": {"cosf", "sinf"},
    "$s8AutoDeco3add__5count": set(),
    "$s8AutoDeco3mul__5count": set(),
    "$s8AutoDeco5scale_2by5count": set(),
    "$s8AutoDeco4axpy___5count": set(),
    "$s8AutoDeco6swiglu__5count": {"expf"},
    "$s8AutoDeco4silu_5count": {"expf"},
    "$s8AutoDeco7softmax_5count": {"expf"},
    "$s8AutoDeco7SamplerC6sample_11temperature4topP0F1K4minP18probabilitiesReady": set(),
    "$s8AutoDeco11HeadsRunnerC7predict6logits": set(),
}
# Orchestration functions (per layer / token / row loops) into which element loops are
# inlined (rmsNorm, rope, add, bias adds): each has such loops, and none has a trap branch.
# An element loop: innermost, makes no call, does float arithmetic.
SWIFT_ORCHESTRATION = [
    "$s8AutoDeco11TransformerC7forward6tokens5count13computeLogits",
    "$s8AutoDeco11TransformerC16forwardSequences6tokens6caches",
    # the fused-product overloads (the one-matrix ones may or may not be inlined into them)
    "$s8AutoDeco11LinearLayerC5apply_5input5batchyAA12FusedProductV",
    "$s8AutoDeco11LinearLayerC9applyRows_5input5countyAA12FusedProductV",
]
FLOAT_ARITHMETIC = re.compile(r"^v?(add|sub|mul|div|max|min|sqrt)[sp][sd]$|^v?cvt|^vfn?m")

RUNTIME_CALL = re.compile(r"swift_|^\$ss|_assertionFailure|fatalError")
LIBM = {"fmaf", "fma", "expf", "exp", "logf", "log", "truncf", "roundf", "floorf", "ceilf", "lrintf", "rintf",
        "sqrtf", "powf", "sinf", "cosf", "nearbyintf", "fmaxf", "fminf", "ldexpf", "frexpf"}


def callee_name(c):
    """'expf' for 'expf@plt', 'indirect' for `call *%r8`."""
    return "indirect" if c.startswith("*") else c.split("@")[0]


# ---- SIMD levels ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", AVX2_FUNCTIONS)
def test_avx2_level_is_vex_only(code, name):
    insns = function(code, name)
    evex = [f"{i.addr:#x} {i.mnem} {i.ops}" for i in insns if encoding(i) == "evex"]
    assert not evex, f"{name}: AVX-512 (EVEX) instructions at the AVX2 level: {evex[:5]}"
    assert uses_ymm(insns), f"{name}: no 256-bit instructions — compiled without its target attribute?"
    assert "vpdpbusd" not in mnemonics(insns)


@pytest.mark.parametrize("name", FMA_FUNCTIONS)
def test_simd_loops_use_fma(code, name):
    in_loops = [i for loop in loops(function(code, name)) for i in loop.insns]
    fma = {m for m in mnemonics(in_loops) if re.match(r"vfn?m(add|sub)\d{3}[ps][sd]", m)}
    assert fma, f"{name}: no FMA instruction in any loop (a mul+add, or a call, instead?)"


@pytest.mark.parametrize("t", INTEGER_TYPES)
@pytest.mark.parametrize("form", ["dot"] + MULTI)
def test_avx2_integer_dots_use_maddubs_madd(code, t, form):
    name = f"{form}_{t}_avx2"
    inner = set().union(*(mnemonics(l.insns) for l in loops(function(code, name))))
    assert {"vpmaddubsw", "vpmaddwd"} <= inner, f"{name}: loop lacks vpmaddubsw/vpmaddwd: {sorted(inner)}"


@pytest.mark.parametrize("t", DOT_US_TYPES)
@pytest.mark.parametrize("form", ["dot"] + MULTI)
def test_vnni_dots_use_vpdpbusd(code, t, form):
    name = f"{form}_{t}_vnni"
    inner = set().union(*(mnemonics(l.insns) for l in loops(function(code, name))))
    assert "vpdpbusd" in inner, f"{name}: no vpdpbusd in its loop"
    assert "vpmaddubsw" not in inner, f"{name}: still the maddubs path at the VNNI level"


def test_matmul_panels_use_the_levels_integer_dot(code):
    """The prefill kernel's loops: vpdpbusd at the VNNI level, maddubs + madd at AVX2."""
    vnni = set().union(*(mnemonics(l.insns) for l in loops(function(code, "ck_matmul_panels_vnni"))))
    assert "vpdpbusd" in vnni and "vpmaddubsw" not in vnni
    avx2 = set().union(*(mnemonics(l.insns) for l in loops(function(code, "ck_matmul_panels_avx2"))))
    assert {"vpmaddubsw", "vpmaddwd"} <= avx2


@pytest.mark.parametrize("t", ["q4_k", "q5_k", "q6_k"])
def test_vnni_kquants_are_compiled_for_vnni_level(code, t):
    # Same source as AVX2 (scales need madd); the VNNI build may use EVEX forms, so it must
    # differ from the AVX2 function only in encoding, not lose its integer dot products.
    inner = set().union(*(mnemonics(l.insns) for l in loops(function(code, f"dot_{t}_vnni"))))
    assert {"vpmaddubsw", "vpmaddwd"} <= inner


@pytest.mark.parametrize("name", STATS_AVX512_FUNCTIONS)
def test_avx512_stats_use_512_bit_vectors(code, name):
    """The point of the AVX-512 statistics kernels: 16 lanes, i.e. zmm registers in their loop
    (and, for the exp/log ones, FMA on zmm), not a 256-bit loop compiled with EVEX encodings."""
    insns = function(code, name)
    assert any(encoding(i) == "evex" for i in insns), f"{name}: no EVEX instruction"
    vector_loops = [l for l in loops(insns) if uses_zmm(l.insns)]
    assert vector_loops, f"{name}: no loop uses 512-bit (zmm) registers"
    if name in FMA_FUNCTIONS:
        fma = [i for l in vector_loops for i in l.insns
               if re.match(r"vfn?m(add|sub)\d{3}[ps][sd]", i.mnem) and "%zmm" in i.ops]
        assert fma, f"{name}: no 512-bit FMA in its loops"


@pytest.mark.parametrize("name", STATS_AVX2_FUNCTIONS + STATS_AVX512_FUNCTIONS)
def test_stats_kernels_make_no_calls(code, name):
    """Masked tails (no scalar expf/logf tail) and no helper left out of line: no call at all.
    Stricter than the rule below, which looks at innermost loops only (q_block_*'s vector loop
    is not innermost: it holds the rarely taken top-5 update loop)."""
    found = sorted({callee_name(c) for c in calls(function(code, name))})
    assert not found, f"{name}: calls {found}"


def test_stats_dispatch_reaches_every_level(code):
    """The statistics entry points call the AVX2 and the AVX-512 kernels (neither level is
    dead code) and keep the libm fallback of the portable level."""
    want = {"ck_stats_exp_blocks": {"max_avx2", "exp_block_avx2", "max_avx512", "exp_block_avx512", "expf"},
            "ck_stats_q_blocks": {"q_block_avx2", "q_block_avx512", "logf"}}
    for name, callees in want.items():
        found = {callee_name(c) for c in calls(function(code, name))}
        assert callees <= found, f"{name}: does not call {sorted(callees - found)}"


@pytest.mark.parametrize("name", AVX2_FUNCTIONS + AVX512_FUNCTIONS)
def test_simd_loops_make_no_calls(code, name):
    """No call (fmaf, expf, truncf, memcpy, …) in any innermost loop that does vector work.
    The 8-lane functions' scalar tails (< 8 elements, no ymm) may call expf/logf."""
    bad = []
    for loop in loops(function(code, name)):
        if loop.innermost and uses_ymm(loop.insns) and calls(loop.insns):
            bad.append(sorted(set(calls(loop.insns))))
    assert not bad, f"{name}: calls inside vector loops: {bad}"
    everywhere = {callee_name(c) for c in calls(function(code, name))}
    assert not everywhere & {"fmaf", "fma", "truncf", "roundf", "lrintf"}, f"{name}: calls {everywhere}"


# ---- portable level ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(SCALAR_KERNELS))
def test_scalar_kernel_loops_call_only_what_they_must(code, name):
    insns = function(code, name)
    allowed = SCALAR_KERNELS[name]
    bad = set()
    for loop in loops(insns):
        bad |= {callee_name(c) for c in calls(loop.insns)} - allowed
    assert not bad, f"{name}: calls inside its loops: {sorted(bad)} (allowed: {sorted(allowed)})"
    assert not [i for i in insns if encoding(i)], f"{name}: VEX/EVEX code at the portable level"


def test_only_dispatched_kernels_contain_avx(code):
    """The default build is portable: Swift is compiled without -target-cpu and C without
    -m flags, so VEX/EVEX code may appear only in the functions chosen by CPUID at run time
    (any other function with it would raise SIGILL on an SSE4.2-only CPU)."""
    allowed = set(AVX2_FUNCTIONS) | set(AVX512_FUNCTIONS)
    offenders = sorted(n for n, lines in code.text.items() if n not in allowed and has_avx_encoding(lines))
    assert not offenders, f"VEX/EVEX instructions outside the dispatched kernels: {[short(n) for n in offenders[:10]]}"
    missing = [n for n in allowed if not any(encoding(i) for i in code.get(n, []))]
    assert not missing, f"dispatched kernels without AVX code: {missing}"


def test_no_scalar_fma_calls_in_engine(code):
    """SIMD.addProduct / fmaf compiled for a CPU without FMA is a libm call per element."""
    ours = [n for n in code if n.startswith(("ck_", "dot_", "block_")) or n.startswith("$s8AutoDeco")
            or n.startswith("$s9CAutoDeco")]
    bad = [short(n) for n in ours if {callee_name(c) for c in calls(code[n])} & {"fmaf", "fma"}]
    assert not bad, f"engine functions calling fmaf: {bad}"


# ---- Swift ------------------------------------------------------------------------------------

@pytest.mark.parametrize("pattern", sorted(SWIFT_ELEMENT_FUNCTIONS))
def test_swift_element_loops_have_no_traps_or_runtime_calls(code, pattern):
    name, insns = swift_function(code, pattern)
    found = loops(insns)
    assert found, f"{short(name)}: no loop found (inlined away? update this test)"
    trap_addrs = traps(insns)
    allowed = SWIFT_ELEMENT_FUNCTIONS[pattern]
    problems = []
    for loop in found:
        t = trap_branches(loop.insns, trap_addrs)
        if t:
            problems.append(f"trap branches at {t}")
        cs = {callee_name(c) for c in calls(loop.insns)}
        runtime = sorted(c for c in cs if RUNTIME_CALL.search(c))
        if runtime:
            problems.append(f"runtime calls {runtime}")
        other = cs - allowed - set(runtime)
        if other:
            problems.append(f"calls {sorted(other)}")
    assert not problems, f"{short(name)}: " + "; ".join(sorted(set(problems)))


def test_sampler_nucleus_element_loops_have_no_traps_or_calls(code):
    """The nucleus search (Sampler.nucleus): its loop over bands calls the sort, once per
    band; the loops over the vocabulary and the candidates inside it (innermost) must be
    plain: no trap branch, no call."""
    name, insns = swift_function(code, "$s8AutoDeco7SamplerC7nucleus")
    inner = [loop for loop in loops(insns) if loop.innermost]
    assert len(inner) >= 3, f"{short(name)}: expected the scan, copy and walk loops, found {len(inner)}"
    trap_addrs = traps(insns)
    problems = []
    for loop in inner:
        t = trap_branches(loop.insns, trap_addrs)
        if t:
            problems.append(f"trap branches at {t}")
        if calls(loop.insns):
            problems.append(f"calls {sorted({callee_name(c) for c in calls(loop.insns)})}")
    assert not problems, f"{short(name)}: " + "; ".join(sorted(set(problems)))


@pytest.mark.parametrize("pattern", SWIFT_ORCHESTRATION)
def test_inlined_element_loops_have_no_traps(code, pattern):
    name, insns = swift_function(code, pattern)
    trap_addrs = traps(insns)
    element = [l for l in loops(insns) if l.innermost and not calls(l.insns)
               and any(FLOAT_ARITHMETIC.match(i.mnem) for i in l.insns)]
    assert element, f"{short(name)}: no inlined element loop found (update this test)"
    bad = [trap_branches(l.insns, trap_addrs) for l in element if trap_branches(l.insns, trap_addrs)]
    assert not bad, f"{short(name)}: trap branches inside element loops: {bad}"


# ---- the analysis itself -------------------------------------------------------------------------

def test_loop_finder_on_known_functions(code):
    """The loop finder itself: dot_q4_1_avx2 is one loop over blocks; the scalar dot_q4_k
    nests loops (blocks, then sub-blocks); a function without a backward branch has none."""
    q41 = loops(function(code, "dot_q4_1_avx2"))
    assert len(q41) == 1 and q41[0].innermost
    q4k = loops(function(code, "dot_q4_k"))
    assert any(not l.innermost for l in q4k) and any(l.innermost for l in q4k)
    assert loops(function(code, "ck_activation_kind")) == []
