#!/usr/bin/env python3
"""The chart's values documentation, read from the `# --` comments in charts/maas/values.yaml.

- parse_docs(): every documented key as (path, text), e.g. ("workers.poolDefaults.replicas", "...").
- main: rewrites the values table in charts/maas/README.md between its markers; with --check it
  fails instead when the table is stale, when a value has no documentation (itself or an ancestor
  documented), or when a documented path does not exist.

Run: python3 scripts/chart/values_doc.py [--check]
"""
import dataclasses
import json
import pathlib
import re
import sys

CHART = pathlib.Path(__file__).resolve().parents[2] / "charts/maas"
VALUES = CHART / "values.yaml"
README = CHART / "README.md"
START, END = "<!-- values-table:start -->", "<!-- values-table:end -->"
KEY = re.compile(r"^(\s*)(- )?([A-Za-z0-9_]+):(.*)$")


@dataclasses.dataclass
class Doc:
    path: str
    text: str


def parse_docs(text=None):
    """Walks values.yaml by indentation; a `# --` comment documents the key on the next line."""
    lines = (text if text is not None else VALUES.read_text()).splitlines()
    stack = []  # (indent of the key, path)
    docs, pending = [], None
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("# --"):
            pending = stripped[4:].strip()
            continue
        if stripped.startswith("#") or not stripped:
            continue
        m = KEY.match(line)
        if not m:
            pending = None
            continue
        indent, dash, key = len(m.group(1)), m.group(2), m.group(3)
        if dash:
            indent += 2
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1] if stack else ""
        if dash and parent:
            parent += "[]"
        path = f"{parent}.{key}" if parent else key
        stack.append((indent, path))
        if pending is not None:
            docs.append(Doc(path, pending))
            pending = None
    return docs


def lookup(values, path):
    node = values
    for part in path.split("."):
        many = part.endswith("[]")
        part = part[:-2] if many else part
        if not isinstance(node, dict) or part not in node:
            raise KeyError(path)
        node = node[part]
        if many:
            if not node:
                raise KeyError(path)
            node = node[0]
    return node


def leaves(node, path=""):
    if isinstance(node, dict) and node:
        for k, v in node.items():
            yield from leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(node, list) and node and all(isinstance(i, dict) for i in node):
        for item in node:
            yield from leaves(item, f"{path}[]")
    else:
        yield path


def table(values, docs):
    rows = ["| Key | Default | Description |", "| --- | --- | --- |"]
    for d in docs:
        default = json.dumps(lookup(values, d.path), separators=(", ", ": "))
        if len(default) > 80:
            default = "see values.yaml"
        text = d.text.replace("|", r"\|").replace("<", "&lt;").replace(">", "&gt;")
        default = default.replace("|", r"\|")
        rows.append(f"| `{d.path}` | `{default}` | {text} |")
    return "\n".join(rows)


def main():
    import yaml  # PyYAML: scripts/chart/test.sh makes sure it is importable

    values = yaml.safe_load(VALUES.read_text())
    docs = parse_docs()
    problems = []
    documented = {d.path for d in docs}
    for d in docs:
        try:
            lookup(values, d.path)
        except KeyError:
            problems.append(f"documented key {d.path} is not in values.yaml")
    for leaf in leaves(values):
        parts = leaf.split(".")
        prefixes = {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
        prefixes |= {p.removesuffix("[]") for p in prefixes}
        if not prefixes & documented:
            problems.append(f"value {leaf} has no `# --` comment (nor does any parent)")
    readme = README.read_text()
    if START not in readme or END not in readme:
        problems.append(f"{README} lacks the {START} / {END} markers")
        new = readme
    else:
        head, rest = readme.split(START, 1)
        _, tail = rest.split(END, 1)
        new = f"{head}{START}\n{table(values, docs)}\n{END}{tail}"
    if "--check" in sys.argv:
        if new != readme:
            problems.append("charts/maas/README.md values table is stale: run python3 scripts/chart/values_doc.py")
    elif new != readme:
        README.write_text(new)
    for p in problems:
        print(f"values_doc: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
