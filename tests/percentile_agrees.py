#!/usr/bin/env python3
"""percentile() against a reference that sorts and counts, and the same whatever the threads.

Over a generated portfolio, every record's percentile(annual_revenue) and
percentile(annual_revenue by segment), written by a `because` text, equal the share of records
(of its segment) whose revenue is known and at most its own, computed here with exact decimals
rounded to 18 digits as Tenet rounds; a record without revenue (or segment) has the rule unknown.
So does percentile(margin by segment) of a let, margin = annual_revenue - cost_to_serve, which
the first pass computes for every record.
The batch output is byte-identical at 1 and 2 threads and when read from standard input.

Usage: percentile_agrees.py TENET GENERATE_PORTFOLIO WORKDIR
"""
import bisect
import collections
import decimal
import json
import os
import subprocess
import sys

from script_checks import expect, generated_portfolio

tenet, generate, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)


policy = os.path.join(work, "percentile.tenet")
open(policy, "w").write('''policy ranks "Ranks" version "1.0.0"
schema customer {
  id: string key
  segment: string optional
  annual_revenue: number optional
  cost_to_serve: number optional
}
let margin = annual_revenue - cost_to_serve
rule margin_ranked {
  when percentile(margin by segment) >= 0
  then recommend rank
  because "{percentile(margin by segment)}"
}
rule ranked {
  when percentile(annual_revenue) >= 0 and percentile(annual_revenue by segment) >= 0
  then recommend rank
  because "{percentile(annual_revenue)} {percentile(annual_revenue by segment)}"
}
decision d { hit priority default keep }
''')
portfolio = generated_portfolio(generate, os.path.join(work, "portfolio.jsonl"), 20000, 31)
with open(portfolio, "a") as f:  # records that leave the rule unknown: no revenue, no segment
    f.write('{"id":"X1","segment":"smb"}\n{"id":"X2","annual_revenue":1500}\n{"id":"X3","segment":null,"annual_revenue":null}\n')
records = [json.loads(line) for line in open(portfolio)]

decimal.getcontext().prec = 18
decimal.getcontext().rounding = decimal.ROUND_HALF_EVEN
D = decimal.Decimal
known = [D(str(r["annual_revenue"])) for r in records if r.get("annual_revenue") is not None]
known.sort()
by_segment = collections.defaultdict(list)
for r in records:
    if r.get("annual_revenue") is not None and r.get("segment") is not None:
        by_segment[r["segment"]].append(D(str(r["annual_revenue"])))
margin_by_segment = collections.defaultdict(list)
for r in records:
    if None not in (r.get("annual_revenue"), r.get("cost_to_serve"), r.get("segment")):
        margin_by_segment[r["segment"]].append(D(str(r["annual_revenue"])) - D(str(r["cost_to_serve"])))
for values in (*by_segment.values(), *margin_by_segment.values()):
    values.sort()


def share(values, v):
    return D(bisect.bisect_right(values, v)) / D(len(values))


outputs = []
for args, stdin in ((["--threads", "1"], None), (["--threads", "2"], None), (["--threads", "2"], portfolio)):
    out = os.path.join(work, f"out{len(outputs)}.jsonl")
    source = "-" if stdin else portfolio
    with open(stdin or os.devnull) as given:
        p = subprocess.run([tenet, "batch", policy, source, "-o", out, "--explain", "--quiet", *args], stdin=given,
                           capture_output=True, text=True)
    expect(f"batch {' '.join(args)}{' from standard input' if stdin else ''} runs", p.returncode in (0, 3), p.stderr)
    outputs.append(open(out).read())
expect("the output is the same at 1 and 2 threads and from standard input", outputs[0] == outputs[1] == outputs[2])

checked = unknown = margins = 0
for record, line in zip(records, outputs[0].splitlines()):
    j = json.loads(line)
    if None not in (record.get("annual_revenue"), record.get("cost_to_serve"), record.get("segment")):
        m = D(str(record["annual_revenue"])) - D(str(record["cost_to_serve"]))
        if D(j["because"]["margin_ranked"]) != share(margin_by_segment[record["segment"]], m):
            expect(f"{record['id']}: percentile of margin", False, f"{line}\nexpected {share(margin_by_segment[record['segment']], m)}")
        margins += 1
    elif not any(u["rule"] == "margin_ranked" for u in j.get("unknown", [])):
        expect(f"{record['id']}: margin's percentile unknown without revenue, cost or segment", False, line)
    revenue, segment = record.get("annual_revenue"), record.get("segment")
    if revenue is None or segment is None:
        expect_unknown = any(u["rule"] == "ranked" for u in j.get("unknown", []))
        if not expect_unknown:
            expect(f"{record['id']}: unknown without revenue or segment", False, line)
        unknown += 1
        continue
    v = D(str(revenue))
    whole, group = (D(x) for x in j["because"]["ranked"].split())
    if whole != share(known, v) or group != share(by_segment[segment], v):
        expect(f"{record['id']}: percentiles", False, f"{line}\nexpected {share(known, v)} {share(by_segment[segment], v)}")
    checked += 1
expect(f"every percentile equals the reference's ({checked} records, {unknown} unknown)", checked > 10000 and unknown > 0)
expect(f"every percentile of the margin equals the reference's ({margins} records)", margins > 10000)
