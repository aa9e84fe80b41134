"""Report modules and functions that have grown past the house limits.

    python tools/check_sizes.py [--max-module 400] [--max-function 60] [PATH ...]

A module counts its lines; a function (or method) counts the lines from its
``def`` to its last statement, decorators excluded. Exit status 1 when anything
is over a limit, so `make lint` can hold the line.
"""
from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path


def oversized(path: Path, max_module: int, max_function: int) -> list[str]:
    source = path.read_text(encoding="utf-8")
    found = []
    lines = source.count("\n") + (0 if source.endswith("\n") else 1)
    if lines > max_module:
        found.append(f"{path}: {lines} lines (module limit {max_module})")
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > max_function:
                found.append(f"{path}:{node.lineno}: {node.name}() {length} lines "
                             f"(function limit {max_function})")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["booking"])
    parser.add_argument("--max-module", type=int, default=400)
    parser.add_argument("--max-function", type=int, default=60)
    args = parser.parse_args(argv)
    found = []
    for root in map(Path, args.paths):
        for path in sorted([root] if root.is_file() else root.rglob("*.py")):
            found.extend(oversized(path, args.max_module, args.max_function))
    print("\n".join(found) if found else "sizes: every module and function within the limits")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
