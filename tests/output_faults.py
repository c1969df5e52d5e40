#!/usr/bin/env python3
"""Output faults: a full disk, a reader that goes away, and a file size limit hit mid-run.

Each must end with a clear message and exit status 2, never a silent partial output, and
`-o FILE` must be all or nothing: a failed run leaves FILE as it was and no temporary file.

Usage: output_faults.py TENET GENERATE_PORTFOLIO POLICY WORKDIR
"""
import os
import resource
import signal
import subprocess
import sys


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def expect(name, ok, detail=""):
    if not ok:
        sys.exit(f"FAILED: {name}\n{detail}")
    print(f"ok: {name}")


def main():
    tenet, generate, policy, work = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    portfolio = os.path.join(work, "portfolio.jsonl")
    subprocess.run([generate, "--records", "50000", "--seed", "5", "-o", portfolio], check=True)

    # A full disk, as a named output and as standard output.
    for command in ("eval", "batch"):
        p = run([tenet, command, policy, portfolio, "-o", "/dev/full", "--quiet"] if command == "batch"
                else [tenet, command, policy, portfolio, "-o", "/dev/full"])
        expect(f"{command} -o /dev/full", p.returncode == 2 and
               p.stderr.startswith("tenet: cannot write /dev/full: No space left on device\n"), p.stderr)
        with open("/dev/full", "w") as full:
            p = subprocess.run([tenet, command, policy, portfolio] + (["-o", "-", "--quiet"] if command == "batch" else []),
                               stdout=full, stderr=subprocess.PIPE, text=True)
        expect(f"{command} > /dev/full", p.returncode == 2 and
               p.stderr.startswith("tenet: cannot write the output: No space left on device\n"), p.stderr)

    # A reader that reads one line and goes away (`| head -1`).
    for command in ("eval", "batch"):
        args = [tenet, command, policy, portfolio] + (["-o", "-"] if command == "batch" else [])
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        first = proc.stdout.readline()
        proc.stdout.close()
        stderr = proc.stderr.read().decode()
        code = proc.wait()
        expect(f"{command} into a closed pipe", first.startswith(b"{") and code == 2 and
               "tenet: cannot write the output: Broken pipe\n" in stderr, f"exit {code}\n{stderr}")
    # batch also says the run stopped short.
    expect("batch into a closed pipe says the output is incomplete", "; stopped: the output is incomplete\n" in stderr, stderr)

    # A file size limit hit in the middle of writing -o FILE: FILE keeps its old content.
    def limit_file_size():
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write then fails with EFBIG instead of killing
    for command in ("eval", "batch"):
        out = os.path.join(work, f"{command}.out")
        with open(out, "w") as f:
            f.write("OLD\n")
        args = [tenet, command, policy, portfolio, "-o", out] + (["--quiet"] if command == "batch" else [])
        p = run(args, preexec_fn=limit_file_size)
        with open(out) as f:
            kept = f.read()
        leftovers = [name for name in os.listdir(work) if ".tmp-" in name]
        expect(f"{command} -o FILE over the file size limit fails and leaves FILE as it was",
               p.returncode == 2 and p.stderr.startswith(f"tenet: cannot write {out}: File too large\n") and kept == "OLD\n"
               and not leftovers, f"exit {p.returncode}\n{p.stderr}\nkept {kept[:40]!r}\nleftovers {leftovers}")
        # Without the limit the same run replaces it whole.
        p = run(args)
        with open(out) as f:
            lines = sum(1 for _ in f)
        expect(f"{command} -o FILE replaces it whole when the run succeeds", p.returncode in (0, 3) and lines == 50000,
               f"exit {p.returncode}, {lines} lines\n{p.stderr}")

    # An input that cannot be read at all (a CSV header without the key): -o FILE keeps its content.
    bad = os.path.join(work, "semicolons.csv")
    with open(bad, "w") as f:
        f.write("id;segment\nC1;smb\n")
    out = os.path.join(work, "eval-bad-header.out")
    with open(out, "w") as f:
        f.write("OLD\n")
    p = run([tenet, "eval", policy, bad, "-o", out])
    with open(out) as f:
        kept = f.read()
    expect("eval -o FILE with an unreadable CSV header leaves FILE as it was",
           p.returncode == 2 and kept == "OLD\n" and not [n for n in os.listdir(work) if ".tmp-" in n], f"exit {p.returncode}\n{p.stderr}")

    # A --rejects file that cannot be created: no temporary output file is left behind.
    p = run([tenet, "batch", policy, portfolio, "-o", os.path.join(work, "rejects-fail.out"), "--rejects", "/nonexistent/rejects"])
    leftovers = [n for n in os.listdir(work) if ".tmp-" in n or n.startswith("rejects-fail.out")]
    expect("batch --rejects into a missing folder fails and leaves no temporary file",
           p.returncode == 2 and p.stderr == "tenet: cannot write /nonexistent/rejects: No such file or directory\n" and not leftovers,
           f"exit {p.returncode}\n{p.stderr}\nleftovers {leftovers}")


if __name__ == "__main__":
    main()
