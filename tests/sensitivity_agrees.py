#!/usr/bin/env python3
"""`tenet sensitivity` agrees with one `tenet batch --param` run per value.

Over a generated portfolio, the decision counts, provisional counts and fired counts of every
step equal those of a batch run's summary with the param set to that step's value; the values
run from LOW to HIGH in equal steps, both ends included. Also for a range whose step does not
terminate (0..1 in 3 steps: 0.333333333333333333).

Usage: sensitivity_agrees.py TENET GENERATE_PORTFOLIO POLICY WORKDIR
"""
import json
import os
import subprocess
import sys

from script_checks import expect, generated_portfolio

tenet, generate, policy, work = sys.argv[1:5]
os.makedirs(work, exist_ok=True)


portfolio = generated_portfolio(generate, os.path.join(work, "portfolio.jsonl"), 5000, 21)


def check(name, param, value_range, steps, expected_values):
    p = subprocess.run([tenet, "sensitivity", policy, portfolio, "--param", param, "--range", value_range,
                        "--steps", str(steps), "--format", "json", "--threads", "2"], capture_output=True, text=True)
    expect(f"{name}: runs", p.returncode == 0, p.stderr)
    result = json.loads(p.stdout)
    values = [s["value"] for s in result["steps"]]
    expect(f"{name}: the values are {expected_values}", values == expected_values, str(values))
    for step in result["steps"]:
        summary = os.path.join(work, "summary.json")
        b = subprocess.run([tenet, "batch", policy, portfolio, "-o", os.devnull, "--summary", summary, "--quiet",
                            "--param", f"{param}={step['value']}"], capture_output=True, text=True)
        expect(f"{name}: batch at {step['value']} runs", b.returncode in (0, 3), b.stderr)
        s = json.load(open(summary))
        same = (s["decisions"] == step["decisions"] and s["provisional"] == step["provisional"] and
                s["errors"] == step["errors"] and {k: v["fired"] for k, v in s["rules"].items()} == step["fired"])
        expect(f"{name}: at {step['value']} the counts are batch's", same, f"{s['decisions']}\n{step['decisions']}")


check("thin margin", "thin_margin_rate", "0%..30%", 3, ["0", "0.1", "0.2", "0.3"])
check("a step that does not terminate", "satisfied_score", "6..7", 3, ["6", "6.33333333333333333", "6.66666666666666667", "7"])
