#!/usr/bin/env python3
"""Input faults: a portfolio file that shrinks while `tenet batch` reads it.

`tenet batch` notes a regular file's size when it starts; reading fewer bytes than that means
the file was cut under it. The run must stop with a clear message and exit status 2, and
`-o FILE` and `--rejects FILE` must keep their old content with no temporary file left.

The run is stopped (SIGSTOP) as soon as it has read a block of the file, the file is cut to
1000 bytes, and the run is let go on: what it reads next is gone.

Usage: input_faults.py TENET GENERATE_PORTFOLIO POLICY WORKDIR
"""
import os
import signal
import subprocess
import sys
import time


def expect(name, ok, detail=""):
    if not ok:
        sys.exit(f"FAILED: {name}\n{detail}")
    print(f"ok: {name}")


def reading(pid, path):
    """Whether the process has the file open and has read a block of it (its own reads, in
    /proc/PID/io, pass 2 MiB: the policy is a few kB, a block 1 MiB)."""
    try:
        if not any(os.readlink(f"/proc/{pid}/fd/{fd}") == path for fd in os.listdir(f"/proc/{pid}/fd")):
            return False
        with open(f"/proc/{pid}/io") as io:
            return any(line.startswith("rchar:") and int(line.split()[1]) > 2 << 20 for line in io)
    except (FileNotFoundError, ProcessLookupError, ValueError):
        return False


def main():
    tenet, generate, policy, work = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    portfolio = os.path.abspath(os.path.join(work, "portfolio.jsonl"))
    out = os.path.join(work, "decisions.jsonl")
    rejects = os.path.join(work, "rejects.jsonl")
    subprocess.run([generate, "--records", "400000", "--seed", "9", "-o", portfolio], check=True)
    for path in (out, rejects):
        with open(path, "w") as f:
            f.write("OLD\n")

    proc = subprocess.Popen([tenet, "batch", policy, portfolio, "-o", out, "--rejects", rejects, "--threads", "1", "--quiet"],
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not reading(proc.pid, portfolio) and proc.poll() is None and time.monotonic() < deadline:
        pass
    os.kill(proc.pid, signal.SIGSTOP)
    size = os.path.getsize(portfolio)
    os.truncate(portfolio, 1000)
    os.kill(proc.pid, signal.SIGCONT)
    stderr = proc.communicate()[1]

    kept = [open(path).read() for path in (out, rejects)]
    leftovers = [name for name in os.listdir(work) if ".tmp-" in name]
    expect("batch on a file that shrinks mid-run stops with exit 2 and says why",
           proc.returncode == 2 and stderr == f"tenet: {portfolio}: the file shrank from {size} to 1000 bytes while it was read; "
           "stopped, the output is incomplete\n",
           f"exit {proc.returncode}\n{stderr}")
    expect("... and -o FILE and --rejects FILE keep their old content, with no temporary file left",
           kept == ["OLD\n", "OLD\n"] and not leftovers, f"kept {[k[:40] for k in kept]}\nleftovers {leftovers}")


if __name__ == "__main__":
    main()
