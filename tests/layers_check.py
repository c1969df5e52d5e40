#!/usr/bin/env python3
"""The folders are layers: a file includes headers of its own layer or of the layers below it,
never above (docs/architecture.md). Each layer is a CMake library linking only what is below it;
this check refuses the include itself, before a link could miss it.

Usage: layers_check.py SOURCE_DIR
"""
import os
import re
import sys

# Each layer, and the layers it may include (itself included): the pipeline's order.
BELOW = {
    "dsl/base": set(),
    "dsl": {"dsl/base"},
    "engine": {"dsl", "dsl/base"},
    "engine/ingest": {"engine", "dsl", "dsl/base"},
    "engine/output": {"engine/ingest", "engine", "dsl", "dsl/base"},
    "engine/batch": {"engine/output", "engine/ingest", "engine", "dsl", "dsl/base"},
    "engine/testing": {"engine/ingest", "engine", "dsl", "dsl/base"},
    "engine/report": {"engine/batch", "engine/output", "engine/ingest", "engine", "dsl", "dsl/base"},
    "engine/analysis": {"engine/batch", "engine/output", "engine/ingest", "engine", "dsl", "dsl/base"},
    "engine/embedding": {"engine/batch", "engine/output", "engine/ingest", "engine", "dsl", "dsl/base"},
    "engine/python": {"engine/embedding"},
    "cli": {"engine/report", "engine/analysis", "engine/testing", "engine/batch", "engine/output", "engine/ingest", "engine", "dsl",
            "dsl/base"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"((?:dsl|engine|cli)/[^"]+)"', re.M)


def main():
    root = sys.argv[1]
    wrong, files = [], 0
    for layer, allowed in BELOW.items():
        folder = os.path.join(root, layer)
        for name in sorted(os.listdir(folder)):
            if not name.endswith((".cpp", ".hpp")):
                continue
            files += 1
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                text = f.read()
            for header in INCLUDE.findall(text):
                target = os.path.dirname(header)
                if target != layer and target not in allowed:
                    wrong.append(f"{layer}/{name} includes {header}: {target} is not below {layer}")
    if files < 80:
        sys.exit(f"FAILED: only {files} files seen under {root}: the layers moved?")
    if wrong:
        sys.exit("FAILED:\n" + "\n".join(wrong))
    print(f"ok: {files} files, every include is of its own layer or one below")


if __name__ == "__main__":
    main()
