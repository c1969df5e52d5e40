#!/usr/bin/env python3
"""No lost file: every way an output could replace an input, another output or a file it should
not, and every input that must be an error rather than an empty or endless portfolio.

- an output that is an input (by name, through a symbolic or a hard link, the policy, an import)
  or another output is refused before anything is written, and every file keeps its content;
- a failed -o leaves --summary and --rejects as they were (they are replaced together or not);
- replacing a file keeps its mode, writes through a symbolic link, refuses a read-only file and
  a file with other names (hard links);
- SIGTERM and SIGHUP in the middle of a run leave no temporary file;
- a failed write to standard output is exit status 2 for every command that writes there;
- a closed standard input and a device as input are errors.

Usage: file_safety.py TENET GENERATE_PORTFOLIO POLICY WORKDIR
"""
import os
import shutil
import signal
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from script_checks import expect, run  # noqa: E402


def content(path):
    with open(path, "rb") as f:
        return f.read()


def temporaries(work):
    return [n for n in os.listdir(work) if ".tmp-" in n]


def main():
    tenet, generate, policy, work = sys.argv[1:5]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    os.chdir(work)
    subprocess.run([generate, "--records", "2000", "--seed", "4", "-o", "p.jsonl"], check=True)
    shutil.copy(policy, "policy.tenet")
    with open("lens.tenet", "w") as f:
        f.write('import { advocate } from "policy.tenet"\npolicy lens "Lens" version "1"\n'
                'decision d {\n  hit collect\n  default none\n}\n')
    before = {name: content(name) for name in ("p.jsonl", "policy.tenet", "lens.tenet")}

    def unchanged():
        return all(content(name) == data for name, data in before.items())

    # An output that is an input, or another output: refused, nothing written.
    os.symlink("p.jsonl", "symlink.jsonl")
    os.link("p.jsonl", "hardlink.jsonl")
    refusals = [
        (["batch", "policy.tenet", "p.jsonl", "-o", "p.jsonl"],
         "tenet: -o p.jsonl is the file PORTFOLIO reads (p.jsonl); writing it would replace the input: choose another file\n"),
        (["eval", "policy.tenet", "p.jsonl", "-o", "symlink.jsonl"],
         "tenet: -o symlink.jsonl is the file FACTS reads (p.jsonl); writing it would replace the input: choose another file\n"),
        (["eval", "policy.tenet", "p.jsonl", "-o", "hardlink.jsonl"],
         "tenet: -o hardlink.jsonl is the file FACTS reads (p.jsonl); writing it would replace the input: choose another file\n"),
        (["batch", "policy.tenet", "p.jsonl", "-o", "out.jsonl", "--summary", "policy.tenet"],
         "tenet: --summary policy.tenet is the file POLICY reads (policy.tenet); writing it would replace the input: choose another file\n"),
        (["batch", "lens.tenet", "p.jsonl", "-o", "policy.tenet"],
         "tenet: -o policy.tenet is the file POLICY (an import) reads (policy.tenet); writing it would replace the input: choose another file\n"),
        (["batch", "policy.tenet", "p.jsonl", "-o", "x.jsonl", "--summary", "x.jsonl"],
         "tenet: -o x.jsonl and --summary x.jsonl are one file; give each output its own\n"),
        (["batch", "policy.tenet", "p.jsonl", "-o", "x.jsonl", "--rejects", "./x.jsonl"],
         "tenet: -o x.jsonl and --rejects ./x.jsonl are one file; give each output its own\n"),
        (["diff", "policy.tenet", "policy.tenet", "p.jsonl", "-o", "p.jsonl"],
         "tenet: -o p.jsonl is the file PORTFOLIO reads (p.jsonl); writing it would replace the input: choose another file\n"),
        (["diff", "policy.tenet", "policy.tenet", "p.jsonl", "--summary", "policy.tenet"],
         "tenet: --summary policy.tenet is the file OLD reads (policy.tenet); writing it would replace the input: choose another file\n"),
        (["report", "policy.tenet", "p.jsonl", "-o", "p.jsonl"],
         "tenet: -o p.jsonl is the file PORTFOLIO reads (p.jsonl); writing it would replace the input: choose another file\n"),
        (["ranks", "policy.tenet", "p.jsonl", "-o", "p.jsonl"],
         "tenet: -o p.jsonl is the file PORTFOLIO reads (p.jsonl); writing it would replace the input: choose another file\n"),
    ]
    for args, message in refusals:
        p = run([tenet] + args + (["--quiet"] if args[0] in ("batch", "report", "diff") else []))
        expect(f"{' '.join(args)} is refused", p.returncode == 2 and p.stderr == message and unchanged()
               and not os.path.exists("x.jsonl") and not os.path.exists("out.jsonl") and not temporaries("."),
               f"exit {p.returncode}\n{p.stderr}")

    # Standard input is a file too: an output onto the file it comes from is refused, and so is
    # standard input named by two inputs (the second would read it empty).
    with open("p.jsonl") as stdin:
        p = run([tenet, "batch", "policy.tenet", "-", "-o", "p.jsonl", "--quiet"], stdin=stdin)
    expect("batch - -o FILE < FILE is refused", p.returncode == 2 and unchanged() and p.stderr ==
           "tenet: -o p.jsonl is the file PORTFOLIO reads (standard input); writing it would replace the input: choose another file\n",
           p.stderr)
    with open("policy.tenet") as stdin:
        p = run([tenet, "batch", "-", "-", "-o", "x.jsonl", "--quiet"], stdin=stdin)
    expect("standard input as policy and portfolio is refused", p.returncode == 2 and not os.path.exists("x.jsonl") and p.stderr ==
           "tenet: POLICY and PORTFOLIO are both standard input (-), which can be read once: give one of them a file\n", p.stderr)
    # A dangling link as one output and its target as another are one file.
    os.symlink("not-yet.json", "dangling.json")
    p = run([tenet, "batch", "policy.tenet", "p.jsonl", "-o", "dangling.json", "--summary", "not-yet.json", "--quiet"])
    expect("a dangling link and its target as two outputs are refused", p.returncode == 2 and not os.path.exists("not-yet.json") and
           p.stderr == "tenet: -o dangling.json and --summary not-yet.json are one file; give each output its own\n", p.stderr)
    # tenet test --junit is an output like the others.
    with open("policy.tests.jsonl", "w") as f:
        f.write('{"policy": "policy.tenet"}\n{"test": "t", "record": {"id": "T1"}, "expect": {"decision": "keep"}}\n')
    p = run([tenet, "test", "policy.tests.jsonl", "--junit", "policy.tenet"])
    expect("test --junit onto the tested policy is refused", p.returncode == 2 and unchanged() and p.stderr ==
           "tenet: --junit policy.tenet is the file a tested policy reads (policy.tenet); writing it would replace the input: choose "
           "another file\n", p.stderr)
    # /dev/stdout and /dev/fd/N are written through, never reopened: `>> log` keeps what it had.
    with open("log.txt", "w") as f:
        f.write("old\n")
    with open("log.txt", "a") as log:
        p = subprocess.run([tenet, "eval", "policy.tenet", "p.jsonl", "-o", "/dev/stdout"], stdout=log, stderr=subprocess.PIPE, text=True)
    with open("log.txt") as f:
        logged = f.read()
    expect("-o /dev/stdout appended to a log keeps the log's lines", p.returncode in (0, 3) and logged.startswith("old\n{") and
           logged.count("\n") == 2001, f"exit {p.returncode}\n{p.stderr}\n{logged[:80]!r}")
    p = subprocess.run(["bash", "-c", f"'{tenet}' eval policy.tenet p.jsonl -o /dev/stdout | wc -l"], capture_output=True, text=True)
    expect("-o /dev/stdout into a pipe", p.returncode == 0 and p.stdout.strip() == "2000", p.stdout + p.stderr)

    # Facts from a pipe are read whole (no bytes taken to guess the format are lost).
    p = subprocess.run(["bash", "-c", f"'{tenet}' eval policy.tenet <(head -3 p.jsonl) | wc -l"], capture_output=True, text=True)
    expect("eval of a pipe decides every record", p.stdout.strip() == "3", p.stdout + p.stderr)

    # A summary of one shard merged onto itself is refused too.
    p = run([tenet, "batch", "policy.tenet", "p.jsonl", "-o", "d.jsonl", "--summary", "s.json", "--quiet"])
    expect("a batch with a summary runs", p.returncode in (0, 3), p.stderr)
    summary = content("s.json")
    p = run([tenet, "merge-summaries", "s.json", "-o", "s.json"])
    expect("merge-summaries -o onto its input is refused", p.returncode == 2 and content("s.json") == summary and
           p.stderr == "tenet: -o s.json is the file SUMMARY reads (s.json); writing it would replace the input: choose another file\n",
           p.stderr)

    # A failed -o leaves --summary and --rejects as they were.
    for name in ("s.json", "r.jsonl"):
        with open(name, "w") as f:
            f.write("OLD\n")
    p = run([tenet, "batch", "policy.tenet", "p.jsonl", "-o", "/dev/full", "--summary", "s.json", "--rejects", "r.jsonl", "--quiet"])
    expect("batch -o /dev/full leaves --summary and --rejects as they were",
           p.returncode == 2 and p.stderr == "tenet: cannot write /dev/full: No space left on device\n" and
           content("s.json") == b"OLD\n" and content("r.jsonl") == b"OLD\n" and not temporaries("."), p.stderr)
    p = run([tenet, "diff", "policy.tenet", "policy.tenet", "p.jsonl", "--old-param", "max_custom_processes=1", "-o", "/dev/full",
             "--summary", "s.json", "--quiet"])
    expect("diff -o /dev/full leaves --summary as it was",
           p.returncode == 2 and content("s.json") == b"OLD\n" and not temporaries("."), p.stderr)

    # Replacing keeps the mode, writes through a symbolic link, refuses a read-only file.
    with open("private.jsonl", "w") as f:
        f.write("OLD\n")
    os.chmod("private.jsonl", 0o600)
    p = run([tenet, "eval", "policy.tenet", "p.jsonl", "-o", "private.jsonl"])
    mode = stat.S_IMODE(os.stat("private.jsonl").st_mode)
    expect("-o onto a 0600 file keeps it 0600", p.returncode in (0, 3) and mode == 0o600 and content("private.jsonl") != b"OLD\n",
           f"mode {mode:o}\n{p.stderr}")
    with open("target.jsonl", "w") as f:
        f.write("OLD\n")
    os.symlink("target.jsonl", "link-out.jsonl")
    p = run([tenet, "eval", "policy.tenet", "p.jsonl", "-o", "link-out.jsonl"])
    expect("-o onto a symbolic link replaces the file it points to, and the link stays",
           p.returncode in (0, 3) and os.path.islink("link-out.jsonl") and content("target.jsonl").count(b"\n") == 2000,
           p.stderr)
    with open("readonly.jsonl", "w") as f:
        f.write("OLD\n")
    os.chmod("readonly.jsonl", 0o444)
    p = run([tenet, "eval", "policy.tenet", "p.jsonl", "-o", "readonly.jsonl"])
    expect("-o onto a read-only file is refused", p.returncode == 2 and content("readonly.jsonl") == b"OLD\n" and p.stderr ==
           "tenet: cannot write readonly.jsonl: it is read-only (mode 0444); make it writable or choose another file\n", p.stderr)
    with open("linked.jsonl", "w") as f:
        f.write("OLD\n")
    os.link("linked.jsonl", "other-name.jsonl")
    p = run([tenet, "eval", "policy.tenet", "p.jsonl", "-o", "linked.jsonl"])
    expect("-o onto a file with another name (a hard link) is refused, both names keep the old content",
           p.returncode == 2 and content("linked.jsonl") == b"OLD\n" and content("other-name.jsonl") == b"OLD\n" and p.stderr ==
           "tenet: cannot write linked.jsonl: it has 2 names (hard links), and replacing it would leave the others with the old "
           "content; remove the other links or choose another file\n", p.stderr)

    # A signal in the middle of a run leaves no temporary file.
    subprocess.run([generate, "--records", "400000", "--seed", "5", "-o", "big.jsonl"], check=True)
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        proc = subprocess.Popen([tenet, "batch", "policy.tenet", "big.jsonl", "-o", "sig.jsonl", "--summary", "sig.json",
                                 "--threads", "1", "--quiet"], stderr=subprocess.PIPE,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        deadline = time.monotonic() + 30
        while len(temporaries(".")) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        seen = temporaries(".")
        proc.send_signal(sig)
        proc.wait()
        expect(f"{signal.Signals(sig).name} mid-run leaves no temporary file and no output",
               len(seen) == 2 and proc.returncode == -sig and not temporaries(".") and not os.path.exists("sig.jsonl"),
               f"seen {seen}, exit {proc.returncode}, left {temporaries('.')}")

    # A failed write to standard output: exit 2 with a message, for every command.
    commands = [["check", "policy.tenet"], ["graph", "policy.tenet"], ["fmt", "-"], ["eval", "policy.tenet", "p.jsonl"],
                ["flip", "policy.tenet", "p.jsonl"],
                ["sensitivity", "policy.tenet", "p.jsonl", "--param", "max_custom_processes", "--range", "1..3"],
                ["merge-summaries", "d-summary.json"]]
    run([tenet, "batch", "policy.tenet", "p.jsonl", "-o", "/dev/null", "--summary", "d-summary.json", "--quiet"])
    with open("flip.jsonl", "wb") as f:  # flip is slow: a few records
        f.write(b"".join(content("p.jsonl").splitlines(keepends=True)[:3]))
    commands[4][2] = "flip.jsonl"
    for args in commands:
        with open("/dev/full", "w") as full, open("policy.tenet") as stdin:
            p = subprocess.run([tenet] + args, stdout=full, stdin=stdin, stderr=subprocess.PIPE, text=True)
        expect(f"{args[0]} > /dev/full exits 2", p.returncode == 2 and
               p.stderr.endswith("tenet: cannot write the output: No space left on device\n"), f"exit {p.returncode}\n{p.stderr}")

    # A closed standard input is an error, not an empty portfolio; a device is not an input.
    for args in (["batch", "policy.tenet", "-", "-o", "closed.jsonl"], ["eval", "policy.tenet", "-"],
                 ["report", "policy.tenet", "-", "-o", "closed.html"], ["diff", "policy.tenet", "policy.tenet", "-"],
                 ["sensitivity", "policy.tenet", "-", "--param", "max_custom_processes", "--range", "1..3"]):
        p = run([tenet] + args, stdin=subprocess.DEVNULL, preexec_fn=lambda: os.close(0))
        expect(f"{args[0]} of a closed standard input is an error", p.returncode == 2 and
               p.stderr == "tenet: standard input is closed\n" and not os.path.exists("closed.jsonl") and
               not os.path.exists("closed.html"), f"exit {p.returncode}\n{p.stderr}")
    device = "tenet: cannot read /dev/zero: it is a device, not a file (pipe a stream to standard input, -)\n"
    for args in (["eval", "/dev/zero", "p.jsonl"], ["eval", "policy.tenet", "/dev/zero"], ["check", "/dev/zero"],
                 ["eval", "policy.tenet", "p.jsonl", "--params", "/dev/zero"],
                 ["batch", "policy.tenet", "/dev/zero", "--input-format", "jsonl", "-o", "dev.jsonl"],
                 ["merge-summaries", "/dev/zero"]):
        p = run([tenet] + args)
        expect(f"{' '.join(args)} is refused", p.returncode == 2 and p.stderr == device, f"exit {p.returncode}\n{p.stderr}")
    with open("imports-device.tenet", "w") as f:
        f.write('import "/dev/zero"\n')
    p = run([tenet, "check", "imports-device.tenet"])
    expect("an import of /dev/zero is an error", p.returncode == 1 and
           "cannot import '/dev/zero': it is a device, not a file (pipe a stream to standard input, -)" in p.stderr, p.stderr)


if __name__ == "__main__":
    main()
