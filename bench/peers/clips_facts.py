#!/usr/bin/env python3
"""Converts a JSONL portfolio into one CLIPS customer fact per line, for clips_rules.clp."""
import json, sys

FIELDS = ["id", "annual_revenue", "cost_to_serve", "satisfaction", "repeat_rate", "tenure_years", "custom_processes",
          "expectations", "churn_signals", "acquired_for", "offerings_used", "expected_score", "experienced_score",
          "frontline_engagement", "price_sensitivity", "revenue_growth", "goal_attainment", "ideas_adopted",
          "product_maturity"]

def atom(v):
    return json.dumps(v) if isinstance(v, str) else repr(v)

with open(sys.argv[1]) as src, open(sys.argv[2], "w") as out:
    for line in src:
        if not line.strip():
            continue
        r = json.loads(line)
        slots = []
        for f in FIELDS:
            if f not in r or r[f] is None:
                continue
            v = r[f]
            slots.append(f"({f} {' '.join(atom(x) for x in v)})" if isinstance(v, list) else f"({f} {atom(v)})")
        out.write("(customer " + " ".join(slots) + ")\n")
