#!/usr/bin/env python3
"""A provisional decision names exactly the unknown rules that could have changed it.

Over 20,000 generated records and the bundled library, with each rule's priority read from the
policy text (canonically formatted, `tenet fmt`): an unknown recommending rule is marked
`"could_change":true` in the JSON exactly when it ranks above the chosen rule (higher priority,
or the same priority and declared earlier), or no rule was chosen; a decision is provisional
exactly when one is; and the text output's provisional note names those rules, and no other
(a rule ranked below the chosen one could not have changed it, so its fields are not worth
getting).

Usage: provisional_agrees.py TENET GENERATE_PORTFOLIO POLICY WORKDIR
"""
import json
import os
import re
import subprocess
import sys

from script_checks import expect, generated_portfolio

tenet, generate, policy, work = sys.argv[1:5]
os.makedirs(work, exist_ok=True)
portfolio = generated_portfolio(generate, os.path.join(work, "portfolio.jsonl"), 20000, 31)

text = open(policy).read()
order, priority = [], {}
for m in re.finditer(r"^rule (\w+) \{(.*?)^\}", text, re.S | re.M):
    order.append(m.group(1))
    p = re.search(r"then recommend \w+ priority (-?\d+)", m.group(2))
    if p:
        priority[m.group(1)] = int(p.group(1))
rank = {name: (-priority[name], order.index(name)) for name in priority}  # smaller ranks higher
expect("the policy's rules are read", len(order) >= 20 and len(priority) >= 18, f"{len(order)} rules, {len(priority)} recommending")

run = subprocess.run([tenet, "eval", policy, portfolio, "--format", "json"], capture_output=True, text=True)
decisions = [json.loads(line) for line in run.stdout.splitlines()]
decisions = [d for d in decisions if "decision" in d]
expect("every record is decided", len(decisions) == 20000, f"{len(decisions)} decided\n{run.stderr[-2000:]}")

wrong, named, provisional = [], {}, 0
for d in decisions:
    chosen = next((r["rule"] for r in d["recommendations"] if r["chosen"]), None)
    should = []
    for u in d.get("unknown", []):
        if u["rule"] not in priority:
            expect(f"{d['id']}: a flag rule never changes a decision", "could_change" not in u, json.dumps(u))
            continue
        could = chosen is None or rank[u["rule"]] < rank[chosen]
        if could != bool(u.get("could_change")):
            wrong.append((d["id"], u["rule"], chosen))
        if could:
            should.append(u["rule"])
    if bool(should) != bool(d.get("provisional")):
        wrong.append((d["id"], "provisional", chosen))
    provisional += bool(should)
    named[d["id"]] = should
expect("could_change marks exactly the unknown rules ranked above the chosen one, and provisional follows",
       not wrong, f"{len(wrong)} wrong, first {wrong[:5]}")
expect("the portfolio has provisional decisions, and unknown rules ranked below the chosen one",
       provisional > 1000 and sum(1 for d in decisions for u in d.get("unknown", []) if u["rule"] in priority and not u.get("could_change")) > 1000)

run = subprocess.run([tenet, "eval", policy, portfolio, "--format", "text"], capture_output=True, text=True)
notes = {}
for line in run.stdout.splitlines():
    m = re.match(r"^(\S+): \S+ \(provisional: (.*)\)$", line)
    if m:
        notes[m.group(1)] = re.findall(r"(?:^|; )(\w+) is unknown because", m.group(2))
mismatch = [(i, notes.get(i, []), should) for i, should in named.items() if notes.get(i, []) != should]
expect("the text's provisional note names exactly those rules, in declaration order", not mismatch and len(notes) == provisional,
       f"{len(mismatch)} differ, first {mismatch[:3]}")
print(f"ok: {provisional} provisional decisions of 20000, each naming only the rules that could have changed it")
