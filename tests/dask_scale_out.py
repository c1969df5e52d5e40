#!/usr/bin/env python3
"""Scale-out on a local Dask cluster (scheduler and two workers on loopback).

Splits a generated portfolio into shards; as the policy reads percentile(), first collects each
shard's ranks with `tenet ranks` in a Dask worker; then runs `tenet batch --ranks` (all shards'
ranks) on each shard in a worker, merges the shard summaries with `tenet merge-summaries`, and
checks the merged summary is
identical (but for the inputs) to the summary of one process over the whole portfolio, and that every record
came out as a line. This is docs/scale-out.md, run for real.

Usage: dask_scale_out.py TENET GENERATE_PORTFOLIO POLICY WORKDIR
"""
import json
import os
import subprocess
import sys

from dask.distributed import Client, LocalCluster


def rank_shard(tenet, policy, shard, index, count):
    """Runs on a Dask worker: what percentile() ranks against in one shard (index of count, from 1);
    returns the ranks file."""
    ranks = shard + ".ranks"
    p = subprocess.run([tenet, "ranks", policy, shard, "--input-format", "jsonl", "-o", ranks, "--threads", "1",
                        "--shard", f"{index}/{count}"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"tenet ranks failed on {shard}: {p.stderr}")
    return ranks


def run_shard(tenet, policy, shard, ranks):
    """Runs on a Dask worker: one shard through tenet batch; returns its summary path and line count."""
    out, summary = shard + ".out", shard + ".summary"
    ranked = [arg for r in ranks for arg in ("--ranks", r)]
    p = subprocess.run([tenet, "batch", policy, shard, "--input-format", "jsonl", "-o", out, "--summary", summary,
                        "--sum", "annual_revenue", "--threads", "1", "--quiet", *ranked], capture_output=True, text=True)
    if p.returncode not in (0, 3):
        raise RuntimeError(f"tenet batch failed on {shard}: {p.stderr}")
    with open(out) as f:
        return summary, sum(1 for _ in f)


def main():
    tenet, generate, policy, work = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    portfolio = os.path.join(work, "dask-portfolio.jsonl")
    subprocess.run([generate, "-n", "30000", "--seed", "8", "-o", portfolio], check=True)
    with open(portfolio) as f:
        lines = f.readlines()
    lines.append('{"id":"broken",\n')  # one bad record: errors must merge too
    with open(portfolio, "w") as f:
        f.writelines(lines)

    whole_summary = os.path.join(work, "dask-whole.summary")
    subprocess.run([tenet, "batch", policy, portfolio, "-o", os.path.join(work, "dask-whole.out"), "--summary",
                    whole_summary, "--sum", "annual_revenue", "--quiet"], check=False)

    shards = []
    size = 7000
    for i in range(0, len(lines), size):
        path = os.path.join(work, f"dask-shard-{i // size:03d}.jsonl")
        with open(path, "w") as f:
            f.writelines(lines[i:i + size])
        shards.append(path)

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        ranks = client.gather([client.submit(rank_shard, tenet, policy, shard, i + 1, len(shards), pure=False)
                               for i, shard in enumerate(shards)])
        futures = [client.submit(run_shard, tenet, policy, shard, ranks, pure=False) for shard in shards]
        results = client.gather(futures)

    merged = os.path.join(work, "dask-merged.summary")
    subprocess.run([tenet, "merge-summaries"] + [summary for summary, _ in results] + ["-o", merged], check=True)
    with open(merged) as f, open(whole_summary) as g:
        merged_text, whole_text = f.read(), g.read()
    out_lines = sum(n for _, n in results)
    print(f"{len(shards)} shards on 2 Dask workers: {out_lines} lines out for {len(lines)} records in")
    if out_lines != len(lines):
        sys.exit(f"records lost: {len(lines)} in, {out_lines} out")
    # Every count is the same; only the inputs differ (the shards against the one file).
    merged_json, whole_json = json.loads(merged_text), json.loads(whole_text)
    if len(merged_json.pop("inputs")) != len(shards) or len(whole_json.pop("inputs")) != 1:
        sys.exit("the merged summary does not name every shard as an input")
    if merged_json != whole_json:
        sys.exit(f"merged summary differs from the single-process summary:\n{merged_text}\n{whole_text}")
    print("merged summary == single-process summary")


if __name__ == "__main__":
    main()
