#!/usr/bin/env python3
"""`tenet diff` agrees, record for record, with two `tenet batch` runs compared here.

Two versions of the library: the policy as it is, and a copy whose release threshold and one
priority moved (the kind of edit a consultant makes between two versions). Over a generated
portfolio, the records whose decision differs between the two batch outputs must be exactly the
lines diff writes, with the same old and new decisions and chosen rules; the summary's
transition counts must add up to those of the two runs. Then the same for one policy under two
params (--old-param, --new-param; one of them the level of its percentile()), for CSV input, and
for 1 thread against 2. The library reads percentile(), so every run here has its first pass.

Usage: diff_agrees.py TENET GENERATE_PORTFOLIO POLICY WORKDIR
"""
import collections
import json
import os
import subprocess
import sys

from script_checks import expect, generated_portfolio

tenet, generate, policy, work = sys.argv[1:5]
os.makedirs(work, exist_ok=True)


def run(*args, ok=(0,)):
    p = subprocess.run([tenet, *args], capture_output=True, text=True)
    if p.returncode not in ok:
        sys.exit(f"FAILED: tenet {' '.join(args)} exited {p.returncode}\n{p.stderr}")
    return p


def batch_decisions(policy_path, portfolio, params=()):
    out = os.path.join(work, "batch.jsonl")
    args = ["batch", policy_path, portfolio, "-o", out, "--quiet"]
    for p in params:
        args += ["--param", p]
    run(*args, ok=(0, 3))
    decisions = []
    with open(out) as f:
        for number, line in enumerate(f, 1):
            j = json.loads(line)
            if "error" in j:
                decisions.append((j.get("id"), j["line"], {"error": j["error"], "kind": j["kind"]}))
                continue
            decisions.append((j["id"], None, {"decision": j["decision"], "chosen": j.get("chosen")}))
    return decisions


def check(name, old_policy, new_policy, portfolio, old_params=(), new_params=(), threads=None):
    old = batch_decisions(old_policy, portfolio, old_params)
    new = batch_decisions(new_policy, portfolio, new_params)
    expect(f"{name}: both batch runs decide every record", len(old) == len(new) and len(old) > 0)
    expected = {}
    transitions = collections.Counter()
    for index, ((id_, _, a), (_, _, b)) in enumerate(zip(old, new)):
        transitions[(a.get("decision", "error") if isinstance(a.get("decision", "error"), str) else "+".join(a["decision"]),
                     b.get("decision", "error") if isinstance(b.get("decision", "error"), str) else "+".join(b["decision"]))] += 1
        if a != b and a.get("decision") != b.get("decision"):
            expected[index + (2 if portfolio.endswith(".csv") else 1)] = (id_, a, b)  # its line: after a CSV header
    out = os.path.join(work, "diff.jsonl")
    summary = os.path.join(work, "diff.summary.json")
    args = ["diff", old_policy, new_policy, portfolio, "-o", out, "--summary", summary, "--quiet"]
    for p in old_params:
        args += ["--old-param", p]
    for p in new_params:
        args += ["--new-param", p]
    if threads:
        args += ["--threads", str(threads)]
    status = run(*args, ok=(0, 1)).returncode
    got = {}
    with open(out) as f:
        for line in f:
            j = json.loads(line)
            got[j["line"]] = (j["id"], j["old"], j["new"])
    expect(f"{name}: diff lists exactly the records whose decision changed ({len(expected)} of {len(old)})", got == expected,
           f"only in diff: {sorted(set(got) - set(expected))[:5]}, only in batch: {sorted(set(expected) - set(got))[:5]}")
    expect(f"{name}: exit status 1 when decisions changed, else 0", status == (1 if expected else 0))
    s = json.load(open(summary))
    counted = collections.Counter({(t["old"], t["new"]): t["records"] for t in s["transitions"]})
    expect(f"{name}: the summary's transitions are the two runs' ({len(counted)} pairs)", counted == transitions,
           f"{counted}\n{transitions}")
    expect(f"{name}: the summary counts the records and the changes", s["records"] == len(old) and s["changed"] == len(expected))
    changed = [t for t in s["transitions"] if t["old"] != t["new"]]
    expect(f"{name}: every change names its causes (rules whose status changed, or the chosen rules)",
           all(t.get("rules") or t.get("chosen") for t in changed))
    return len(expected)


portfolio = generated_portfolio(generate, os.path.join(work, "portfolio.jsonl"), 20000, 11)
csv_portfolio = generated_portfolio(generate, os.path.join(work, "portfolio.csv"), 5000, 12, "--format", "csv")

text = open(policy).read()
edited = text.replace("then recommend release priority 85", "then recommend release priority 52")
edited = edited.replace('version "4.0.0"', 'version "4.1.0"')
expect("the edited copy differs from the policy", edited != text)
v2 = os.path.join(work, "customer_focus_v2.tenet")
open(v2, "w").write(edited)

n = check("two versions", policy, v2, portfolio)
expect("the edit changes some decisions", n > 0)
check("two versions, one thread", policy, v2, portfolio, threads=1)
check("one policy, two params", policy, policy, portfolio, ["thin_margin_rate=10%"], ["thin_margin_rate=25%"])
# The rule that ranks profit with percentile() outranking the others, at two levels: decisions
# then hang on the first pass.
ranked = text.replace("then recommend elevate_experience priority 54\n  because \"a profit of",
                      "then recommend elevate_experience priority 95\n  because \"a profit of")
expect("the ranked copy moves profitable_not_loyal's priority", ranked != text)
v3 = os.path.join(work, "customer_focus_ranked.tenet")
open(v3, "w").write(ranked)
n = check("one policy ranking profit, two percentile levels", v3, v3, portfolio, [], ["most_profitable_share=70%"])
expect("moving the percentile level changes some decisions", n > 0)
check("CSV input", policy, v2, csv_portfolio)
check("the same policy twice", policy, policy, portfolio)
