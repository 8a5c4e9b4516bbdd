"""The pieces of the HumanEval harness (benchmarks/humaneval.py), one concept per module:
problems (the data set and the instruction), extract (code out of a reply), sandbox and
sandbox_child (running the tests), passk (the estimator), configs (decoding settings),
generate (sampling through the Python binding), results (resumable JSONL) and report."""
