"""What the test scripts of tests/ share: a named check that stops the script when it fails."""
import subprocess
import sys


def run(args, **kw):
    """Runs a command, its output captured as text."""
    return subprocess.run(args, capture_output=True, text=True, **kw)


def expect(name, ok, detail=""):
    """Prints `ok: NAME`, or stops with `FAILED: NAME` and the detail (exit status 1)."""
    if not ok:
        sys.exit(f"FAILED: {name}\n{detail}")
    print(f"ok: {name}")


def generated_portfolio(generate, path, records, seed, *options):
    """Writes `generate_portfolio -n RECORDS --seed SEED OPTIONS` to PATH and returns PATH."""
    import subprocess
    with open(path, "w") as f:
        subprocess.run([generate, "-n", str(records), "--seed", str(seed), *options], stdout=f, check=True)
    return path
