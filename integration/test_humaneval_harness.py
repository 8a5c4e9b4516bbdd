"""The HumanEval harness without a model: the execution check (sandbox), the pass@k
estimator and the code extraction (benchmarks/evalkit)."""
import itertools
import pathlib
import sys
from math import comb

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from evalkit.extract import build_program, extract_code, fenced_blocks, program_from_reply  # noqa: E402
from evalkit.passk import pass_at_k  # noqa: E402
from evalkit.problems import load_problems  # noqa: E402
from evalkit.sandbox import Limits, isolation_mode, run_tests  # noqa: E402

FAST = Limits(timeout=3.0)
ECHO_TEST = "def check(candidate):\n    assert candidate() == 1\n"


@pytest.fixture(scope="module")
def problems():
    return {p.task_id: p for p in load_problems()}


def needs_namespaces():
    if isolation_mode() != "namespaces":
        pytest.skip("unshare cannot create user namespaces here: the sandbox runs in 'plain' mode, "
                    "which does not contain file writes (only the socket block applies)")


# ---- the data set -------------------------------------------------------------------------------

def test_all_164_problems_load_in_order(problems):
    assert len(problems) == 164
    assert list(problems)[:2] == ["HumanEval/0", "HumanEval/1"]
    assert all(p.entry_point and "def check(" in p.test for p in problems.values())


# ---- (a) the execution check ----------------------------------------------------------------------

@pytest.mark.parametrize("task", ["HumanEval/0", "HumanEval/38", "HumanEval/53"])
def test_canonical_solution_passes(problems, task):
    p = problems[task]
    outcome = run_tests(p.prompt + p.canonical_solution, p.test, p.entry_point, FAST)
    assert outcome.status == "passed", outcome.detail


def test_broken_solution_fails(problems):
    p = problems["HumanEval/0"]
    broken = p.prompt + "    return False\n"  # right for some of the asserts only
    outcome = run_tests(broken, p.test, p.entry_point, FAST)
    assert outcome.status == "failed"
    assert "AssertionError" in outcome.detail


def test_infinite_loop_times_out(problems):
    p = problems["HumanEval/0"]
    outcome = run_tests(p.prompt + "    while True:\n        pass\n", p.test, p.entry_point, Limits(timeout=1.5))
    assert outcome.status == "timeout"
    assert outcome.seconds < 10


def test_exiting_early_cannot_fake_a_pass():
    outcome = run_tests("import sys\nsys.exit(0)\ndef f():\n    return 2\n", ECHO_TEST, "f", FAST)
    assert outcome.status == "failed"


def test_memory_limit_applies():
    outcome = run_tests("def f():\n    block = bytearray(8 << 30)\n    return 1\n", ECHO_TEST, "f", FAST)
    assert outcome.status == "failed" and "MemoryError" in outcome.detail


def test_socket_module_is_blocked_in_every_mode():
    program = "import socket\ndef f():\n    socket.create_connection(('127.0.0.1', 9), timeout=1)\n    return 1\n"
    for mode in ("plain", isolation_mode()):
        outcome = run_tests(program, ECHO_TEST, "f", FAST, mode=mode)
        assert outcome.status == "failed"
        assert "network access is disabled" in outcome.detail


def test_network_namespace_is_empty():
    needs_namespaces()
    # Only the loopback interface exists, and even a raw socket cannot reach an address.
    program = ("import _socket, socket\n"
               "def f():\n"
               "    names = [name for _, name in socket.if_nameindex()]\n"
               "    assert names == ['lo'], names\n"
               "    s = _socket.socket()\n"
               "    s.settimeout(2)\n"
               "    assert s.connect_ex(('1.1.1.1', 80)) != 0\n"
               "    return 1\n")
    outcome = run_tests(program, ECHO_TEST, "f", FAST)
    assert outcome.status == "passed", outcome.detail


def test_writes_outside_the_temporary_directory_are_refused(tmp_path):
    needs_namespaces()
    target = tmp_path / "escaped.txt"
    program = f"def f():\n    open({str(target)!r}, 'w').write('x')\n    return 1\n"
    outcome = run_tests(program, ECHO_TEST, "f", FAST)
    assert outcome.status == "failed" and "Read-only file system" in outcome.detail
    assert not target.exists()
    # ...even after trying to remount the file system writable again
    remount = ("import ctypes\n"
               "def f():\n"
               "    libc = ctypes.CDLL(None, use_errno=True)\n"
               "    libc.mount(None, b'/', None, 32 | 4096, None)\n"  # MS_REMOUNT | MS_BIND, no MS_RDONLY
               f"    open({str(target)!r}, 'w').write('x')\n"
               "    return 1\n")
    assert run_tests(remount, ECHO_TEST, "f", FAST).status == "failed"
    assert not target.exists()


def test_writes_inside_the_temporary_directory_work():
    program = "def f():\n    open('scratch.txt', 'w').write('x')\n    return len(open('scratch.txt').read())\n"
    assert run_tests(program, ECHO_TEST, "f", FAST).status == "passed"


def test_file_size_is_limited():
    program = "def f():\n    open('big', 'wb').write(b'x' * (64 << 20))\n    return 1\n"
    outcome = run_tests(program, ECHO_TEST, "f", Limits(timeout=5.0, file_bytes=1 << 20))
    assert outcome.status == "failed"


# ---- (b) pass@k -----------------------------------------------------------------------------------

@pytest.mark.parametrize("n,c,k,expected", [
    (10, 0, 1, 0.0), (10, 10, 1, 1.0), (10, 3, 1, 0.3), (1, 1, 1, 1.0), (1, 0, 1, 0.0),
    (4, 1, 2, 0.5),               # 1 - C(3,2)/C(4,2) = 1 - 3/6
    (10, 2, 5, 1 - 56 / 252),     # 1 - C(8,5)/C(10,5)
    (5, 1, 5, 1.0), (10, 6, 5, 1.0),  # fewer than k failures: every 5-subset has a pass
])
def test_pass_at_k_hand_values(n, c, k, expected):
    assert pass_at_k(n, c, k) == pytest.approx(expected, abs=1e-12)


def test_pass_at_k_matches_enumeration_of_subsets():
    for n in range(1, 9):
        for c in range(n + 1):
            samples = [True] * c + [False] * (n - c)
            for k in range(1, n + 1):
                subsets = list(itertools.combinations(samples, k))
                brute = sum(any(s) for s in subsets) / comb(n, k)
                assert pass_at_k(n, c, k) == pytest.approx(brute, abs=1e-12), (n, c, k)


def test_pass_at_k_rejects_impossible_counts():
    for n, c, k in [(5, 6, 1), (5, -1, 1), (5, 2, 6), (5, 2, 0)]:
        with pytest.raises(ValueError):
            pass_at_k(n, c, k)


# ---- (d) extraction ---------------------------------------------------------------------------------

def full_function(problem) -> str:
    """The reference solution as a model writes it: the prompt's last function, completed."""
    start = problem.prompt.index(f"def {problem.entry_point}(")
    return problem.prompt[start:] + problem.canonical_solution


def check(problem, reply: str) -> str:
    _, program = program_from_reply(problem.prompt, reply, problem.entry_point)
    return run_tests(program, problem.test, problem.entry_point, FAST).status


def test_fenced_block_with_explanation_around_it(problems):
    p = problems["HumanEval/2"]
    reply = f"Here is the function:\n\n```python\n{full_function(p)}```\n\nIt returns the decimal part."
    assert extract_code(reply, p.entry_point).startswith("def truncate_number(")
    assert check(p, reply) == "passed"


def test_the_block_defining_the_entry_point_wins_over_an_earlier_example(problems):
    p = problems["HumanEval/2"]
    reply = f"Usage:\n```python\nprint(truncate_number(3.5))\n```\nCode:\n```py\n{full_function(p)}```\n"
    assert "return number % 1.0" in extract_code(reply, p.entry_point)
    assert check(p, reply) == "passed"


def test_unclosed_block_runs_to_the_end(problems):
    p = problems["HumanEval/2"]
    reply = f"```python\n{full_function(p)}"  # stopped by the stop string or max tokens
    assert fenced_blocks(reply)[0][1].rstrip().endswith("return number % 1.0")
    assert check(p, reply) == "passed"


def test_raw_function_without_fence(problems):
    p = problems["HumanEval/2"]
    assert check(p, full_function(p)) == "passed"


def test_body_only_is_appended_to_the_prompt(problems):
    p = problems["HumanEval/0"]
    assert check(p, p.canonical_solution) == "passed"                         # indented body, raw
    unindented = "\n".join(line[4:] for line in p.canonical_solution.strip("\n").splitlines())
    assert check(p, f"```python\n{unindented}\n```") == "passed"               # unindented body, fenced


def test_full_function_keeps_the_prompts_helpers_and_imports(problems):
    p = problems["HumanEval/38"]   # decode_cyclic calls encode_cyclic, defined only in the prompt
    reply = f"```python\n{full_function(p)}\n```"
    code = extract_code(reply, p.entry_point)
    assert "def encode_cyclic" not in code
    assert "def encode_cyclic" in build_program(p.prompt, code, p.entry_point)
    assert check(p, reply) == "passed"


def test_wrong_full_function_fails(problems):
    p = problems["HumanEval/2"]
    reply = "```python\ndef truncate_number(number: float) -> float:\n    return number\n```"
    assert check(p, reply) == "failed"


def test_reply_without_code_fails(problems):
    p = problems["HumanEval/2"]
    assert check(p, "I cannot help with that.") == "failed"


# ---- the report's confidence interval -----------------------------------------------------------------

def test_bootstrap_interval():
    import numpy as np
    from evalkit.report import bootstrap_ci
    assert bootstrap_ci(np.full(50, 0.3)) == pytest.approx((0.3, 0.3))
    values = np.array([1.0] * 30 + [0.0] * 70)
    lo, hi = bootstrap_ci(values)
    # normal approximation: 0.3 ± 1.96·sqrt(0.3·0.7/100) = [0.210, 0.390]
    assert lo == pytest.approx(0.21, abs=0.02) and hi == pytest.approx(0.39, abs=0.02)


# ---- the report's tables ----------------------------------------------------------------------------

def pass_rows(passes):
    """Result lines with the given pass@1 for HumanEval/0, 1, …"""
    return [{"task_id": f"HumanEval/{t}", "n": 1, "pass@1": v, "settings": {}} for t, v in enumerate(passes)]


def test_cross_validated_oracle_scores_each_half_with_the_point_chosen_on_the_other():
    from evalkit.report import ConfigResult, cross_validated_oracle

    # a is best on even tasks only, b on odd tasks only: each half must be scored by the other's point
    results = {"oracle-T0.2-P0.8": ConfigResult("oracle-T0.2-P0.8", pass_rows([1, 0, 1, 0, 1, 0])),
               "oracle-T1-P1": ConfigResult("oracle-T1-P1", pass_rows([0, 1, 0, 1, 0, 0]))}
    cv = cross_validated_oracle(results)
    assert cv["chosen"] == ["oracle-T0.2-P0.8", "oracle-T1-P1"]
    # even tasks are scored by b (chosen on odd): 0,0,0; odd tasks by a (chosen on even): 0,0,0
    assert list(cv["values"]) == [0, 0, 0, 0, 0, 0]
    # when one point is best everywhere, the cross-validated score equals its own
    results = {"oracle-T0.2-P0.8": ConfigResult("oracle-T0.2-P0.8", pass_rows([0, 0, 1, 0, 0, 0])),
               "oracle-T0.6-P0.9": ConfigResult("oracle-T0.6-P0.9", pass_rows([1, 1, 1, 1, 0, 1]))}
    cv = cross_validated_oracle(results)
    assert cv["chosen"] == ["oracle-T0.6-P0.9"] * 2 and cv["values"].mean() == pytest.approx(5 / 6)


def test_outcome_table_splits_autodeco_samples_by_status():
    from evalkit.report import ConfigResult, outcome_table

    def sample(status, temps, reason="eog"):
        return {"status": status, "n_tokens": len(temps), "stop_reason": reason,
                "T_tokens": temps, "P_tokens": [0.9] * len(temps)}
    rows = [{"task_id": "HumanEval/0", "n": 3, "pass@1": 1 / 3, "settings": {},
             "samples": [sample("passed", [0.5, 0.5]), sample("failed", [1.5, 0.5, 0.5, 0.5], "max_tokens"),
                         sample("timeout", [0.5, 0.5])]}]
    table = outcome_table({"loaded": {"autodeco": ConfigResult("autodeco", rows)}})
    passed, failed = table.splitlines()[2:4]
    assert passed.split(" | ")[1:6] == ["1", "2", "0", "0.500", "0.0%"]
    assert failed.split(" | ")[1:6] == ["2", "3", "1", "0.667", "16.7%"]


def test_common_table_uses_only_the_problems_every_row_has():
    from evalkit.report import ConfigResult, common_table
    data = {"rows": [("greedy", ConfigResult("greedy", pass_rows([1, 0, 1, 1]))),
                     ("default", ConfigResult("default", pass_rows([0, 0]))), ("oracle", None)]}
    table = common_table(data)
    assert "2 problems that every row has (HumanEval/0–1)" in table
    assert "| greedy | 50.0 |" in table and "| default | 0.0 |" in table and "oracle" not in table
