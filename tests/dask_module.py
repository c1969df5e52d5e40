#!/usr/bin/env python3
"""The Python module on a local Dask cluster: dask.dataframe.read_csv(...).map_partitions(...)
over two worker processes decides a 100,000-record portfolio, record for record, as one
`tenet batch` over the same file. The library reads percentile(), so each partition ranks its
rows against the whole file (`portfolio=`), read once per worker process.

Usage: dask_module.py TENET GENERATE_PORTFOLIO POLICY MODULE_DIR WORKDIR
"""
import json
import os
import subprocess
import sys

tenet_cli, generate, policy_path, module_dir, work = sys.argv[1:6]
sys.path.insert(0, module_dir)
os.environ["PYTHONPATH"] = module_dir + os.pathsep + os.environ.get("PYTHONPATH", "")  # for the workers
os.makedirs(work, exist_ok=True)

import dask.dataframe as dd  # noqa: E402
from dask.distributed import Client, LocalCluster  # noqa: E402

import tenet  # noqa: E402
from script_checks import expect, generated_portfolio  # noqa: E402


def main():
    csv = generated_portfolio(generate, os.path.join(work, "portfolio.csv"), 100000, 29, "--format", "csv")
    out = os.path.join(work, "batch.jsonl")
    p = subprocess.run([tenet_cli, "batch", policy_path, csv, "-o", out, "--quiet"], capture_output=True, text=True)
    expect("tenet batch decides the portfolio", p.returncode in (0, 3), p.stderr)
    expected = [json.loads(line) for line in open(out)]
    policy = tenet.Policy.from_file(policy_path)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as cluster, \
            Client(cluster):
        frame = dd.read_csv(csv, blocksize=2_000_000, keep_default_na=False, dtype=str)
        meta = {"id": str, "decision": str, "chosen": object, "fired": object, "flags": object, "provisional": bool, "error": object}
        decided = frame.map_partitions(lambda part: policy.evaluate(part, portfolio=csv), meta=meta).compute()
        partitions = frame.npartitions
    expect(f"{partitions} partitions on 2 worker processes: one row per record ({len(decided)})", len(decided) == len(expected) and partitions > 1)
    mismatches = 0
    for row, b in zip(decided.itertuples(index=False), expected):
        got = (row.id, row.decision, row.chosen, list(row.fired), list(row.flags), bool(row.provisional))
        want = (b["id"], b["decision"], b["chosen"], b["fired"], b["flags"], bool(b.get("provisional", False)))
        if got != want:
            mismatches += 1
            if mismatches < 4:
                print(f"  differs: {got} / {want}")
    expect("every record decided as tenet batch decides it", mismatches == 0)


if __name__ == "__main__":
    main()
