#!/usr/bin/env python3
"""The Python module `tenet` (engine/python/) against `tenet batch`, record for record.

- a DataFrame of the sample portfolio (JSON lines) and of a generated CSV portfolio (lists as
  "a|b" text) decide as `tenet batch` decides the same files: id, decision, chosen, fired, flags,
  provisional; the library reads percentile(), so the frame is its portfolio, as the file is;
- typed params decide as --param does; a dict gives one decision as a dict;
- errors: PolicyError with the diagnostics as data, RecordError with its kind, a bad row of a
  frame has its reason in `error` and the others are decided;
- a Policy survives pickling (Dask ships it to workers).

Usage: python_module.py TENET GENERATE_PORTFOLIO POLICY SAMPLE_PORTFOLIO MODULE_DIR WORKDIR
"""
import json
import os
import pickle
import subprocess
import sys

tenet_cli, generate, policy_path, sample, module_dir, work = sys.argv[1:7]
sys.path.insert(0, module_dir)
os.makedirs(work, exist_ok=True)

import pandas  # noqa: E402
import tenet  # noqa: E402
from script_checks import expect, generated_portfolio  # noqa: E402


def batch(path, *args):
    out = os.path.join(work, "batch.jsonl")
    p = subprocess.run([tenet_cli, "batch", policy_path, path, "-o", out, "--quiet", *args], capture_output=True, text=True)
    expect(f"tenet batch {os.path.basename(path)} {' '.join(args)}", p.returncode in (0, 3), p.stderr)
    rows = [json.loads(line) for line in open(out)]
    return [r for r in rows if "policy" not in r or "id" in r]


def same(name, frame_out, batch_rows):
    expect(f"{name}: one row per record ({len(frame_out)} and {len(batch_rows)})", len(frame_out) == len(batch_rows))
    mismatches = 0
    for row, b in zip(frame_out.itertuples(index=False), batch_rows):
        if "error" in b:
            ok = row.error is not None and row.id == (b.get("id") or "")
        else:
            ok = (row.id, row.decision, row.chosen, list(row.fired), list(row.flags), bool(row.provisional)) == (
                b["id"], b["decision"], b["chosen"], b["fired"], b["flags"], bool(b.get("provisional", False)))
        if not ok:
            mismatches += 1
            if mismatches < 4:
                print(f"  differs: {row} / {b}")
    expect(f"{name}: every record decided as tenet batch decides it", mismatches == 0)


policy = tenet.Policy.from_file(policy_path)
expect("the policy compiles from a file", policy.name == "customer_focus" and policy.rules[0] == "leaving")

frame = pandas.read_json(sample, lines=True)
same("the sample portfolio as a DataFrame", policy.evaluate(frame), batch(sample))

csv = generated_portfolio(generate, os.path.join(work, "portfolio.csv"), 5000, 23, "--format", "csv")
csv_frame = pandas.read_csv(csv, dtype=str, keep_default_na=False)
same("a generated CSV portfolio read by pandas", policy.evaluate(csv_frame), batch(csv))

typed = tenet.Policy.from_file(policy_path, params={"thin_margin_rate": 0.25, "core_competences": ["support"]})
same("typed params, as --param gives them", typed.evaluate(frame),
     batch(sample, "--param", "thin_margin_rate=25%", "--param", "core_competences=support"))

one = policy.evaluate({"id": "C1", "annual_revenue": 80000, "cost_to_serve": 120000, "tenure_years": 4, "satisfaction": 4})
expect("a dict gives one decision as a dict", one["decision"] == "release" and one["chosen"] == "release_unprofitable"
       and one["because"] == ["serving C1 costs 120000 a year but brings 80000, and it is not a satisfied, loyal customer"], str(one))

try:
    tenet.Policy.from_text('policy p "P" version "1"\nschema s { id: string key }\nrule r { when nope > 1 then recommend a }\n'
                           'decision d { hit priority default keep }\n', "broken.tenet")
    expect("a broken policy raises PolicyError", False)
except tenet.PolicyError as e:
    text, diagnostics = e.args
    expect("PolicyError: the text check prints, and the diagnostics as data",
           text.startswith("broken.tenet:3:15: error: unknown name 'nope'") and diagnostics == [
               {"severity": "error", "file": "broken.tenet", "line": 3, "column": 15,
                "message": "unknown name 'nope' (not a field, param or let)"}], repr(e.args))

try:
    policy.evaluate({"id": "X", "annual_revenue": "lots"})
    expect("a bad record raises RecordError", False)
except tenet.RecordError as e:
    expect("RecordError: message, kind, id", e.args == ("field `annual_revenue` is a string, expected number", "wrong_type", "X"), repr(e.args))

mixed = pandas.DataFrame([{"id": "G1", "annual_revenue": 100}, {"id": "B1", "annual_revenue": "lots"}])
out = policy.evaluate(mixed)
expect("a bad row has its reason in `error`, the others are decided",
       out["error"].tolist() == [None, "wrong_type: field `annual_revenue` is a string, expected number"] and out["decision"][0] == "keep",
       out.to_string())

again = pickle.loads(pickle.dumps(typed))
expect("a policy survives pickling, params included", again.sha256 == typed.sha256 and
       again.evaluate(frame)["decision"].tolist() == typed.evaluate(frame)["decision"].tolist())
expect("the because texts on request", "because" in policy.evaluate(frame, because=True).columns)

# A pickle carries the texts compiled, imports included: unpickled in another folder, or after
# the file was edited, it is the policy that was pickled (it once re-read the path where it landed).
import shutil  # noqa: E402
lens_dir = os.path.join(work, "pickled")
shutil.rmtree(lens_dir, ignore_errors=True)
os.makedirs(lens_dir)
shutil.copy(policy_path, os.path.join(lens_dir, "customer_focus.tenet"))
shutil.copy(os.path.join(os.path.dirname(policy_path), "loyalty.tenet"), os.path.join(lens_dir, "loyalty.tenet"))
here = os.getcwd()
os.chdir(lens_dir)
lens = tenet.Policy.from_file("loyalty.tenet")
pickled = pickle.dumps(lens)
with open("customer_focus.tenet", "a") as f:
    f.write("\nthis is no longer a policy\n")
os.chdir(work)
unpickled = pickle.loads(pickled)
os.chdir(here)
expect("a pickled policy is the one pickled: same SHA-256, same imports, elsewhere and after an edit",
       unpickled.sha256 == lens.sha256 and [p for p, _ in unpickled._native.sources] == [p for p, _ in lens._native.sources] and
       unpickled.evaluate(frame)["decision"].tolist() == lens.evaluate(frame)["decision"].tolist(),
       repr(unpickled._native.sources[:1]))
given = {"thin_margin_rate": 0.15}
held = tenet.Policy.from_file(policy_path, params=given)
given["thin_margin_rate"] = 0.99  # the caller's dict changes after: the policy's params do not
expect("a pickle carries the params compiled, not the caller's dict as it is later",
       pickle.loads(pickle.dumps(held)).evaluate(frame)["decision"].tolist() == held.evaluate(frame)["decision"].tolist() ==
       tenet.Policy.from_file(policy_path, params={"thin_margin_rate": 0.15}).evaluate(frame)["decision"].tolist())
for bad in (-1, 70000, 1.5, True):
    try:
        policy.evaluate(frame, threads=bad)
        expect(f"threads={bad!r} is refused", False)
    except ValueError as e:
        expect(f"threads={bad!r} is refused", str(e) == f"threads: {bad!r}; expected a whole number from 0 (one per core) to 1024", str(e))
print("python module: every check passed")
