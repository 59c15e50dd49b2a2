"""The generator's modules depend one way only: no module imports another that imports it back, directly or
through others, counting the imports made inside functions (a lazy import is still a dependency); and its
folders follow the pipeline: read, then edition, then render, then build, with cli and serve on top."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

STAGES = ("", "read", "edition", "render", "build")
"""The pipeline's folders in order ("" for the shared modules at the top): a module may import from its own
folder and from those before it, never from one after it."""

COMMANDS = {"cli", "serve", "__init__"}
"""Top modules that drive the whole pipeline, and so may import from every folder."""


def all_modules() -> dict[str, Path]:
    """Every module of the package by its dotted name under generator ("read.parse", "cli")."""
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def package_of(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name else ""


def imports_of(name: str, path: Path, modules: set[str]) -> set[str]:
    """The package's modules that one module imports, anywhere in it."""
    here = package_of(name).split(".") if package_of(name) else []
    if path.name == "__init__.py" and name != "__init__":
        here = name.split(".")
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
        elif (node.module or "").startswith("generator."):
            base, node_module = [], node.module.split(".", 1)[1]
            found.update(m for m in [node_module] if m in modules)
            found.update(f"{node_module}.{a.name}" for a in node.names if f"{node_module}.{a.name}" in modules)
            continue
        else:
            continue
        prefix = base + (node.module.split(".") if node.module else [])
        target = ".".join(prefix)
        if target in modules:
            found.add(target)
        for a in node.names:  # `from . import parallel` names modules
            sub = ".".join(prefix + [a.name])
            if sub in modules:
                found.add(sub)
    return found & modules


def cycle_from(graph: dict[str, set[str]], start: str) -> list[str] | None:
    """A path of imports that leads from `start` back to it, if there is one."""
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        for dep in sorted(graph[node]):
            if dep == start:
                return path + [start]
            if dep not in seen:
                seen.add(dep)
                stack.append((dep, path + [dep]))
    return None


def graph() -> dict[str, set[str]]:
    modules = all_modules()
    return {m: imports_of(m, p, set(modules)) - {m} for m, p in modules.items()}


def test_no_module_imports_itself_back():
    g = graph()
    cycles = [" -> ".join(c) for m in sorted(g) if (c := cycle_from(g, m))]
    assert not cycles, cycles


def test_the_folders_follow_the_pipeline():
    wrong = []
    for m, deps in graph().items():
        if m in COMMANDS or m in STAGES[1:]:
            continue
        rank = STAGES.index(package_of(m))
        for d in deps:
            stage = d if d in STAGES else package_of(d)
            if STAGES.index(stage) > rank:
                wrong.append(f"{m} imports {d}")
    assert not wrong, wrong


def test_each_module_can_be_read_in_one_sitting():
    long = {m: n for m, p in all_modules().items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > 1200}
    assert not long, long


def test_the_check_sees_a_cycle_and_a_backward_import(tmp_path):
    assert cycle_from({"a": {"b"}, "b": {"c"}, "c": {"a"}}, "a") == ["a", "b", "c", "a"]
    assert cycle_from({"a": {"b"}, "b": set()}, "a") is None
    module = tmp_path / "x.py"
    module.write_text("from ..build.site import build\nfrom ..model import Cable\nfrom . import parse\n"
                      "def f():\n    from ..render import views\n")
    mods = {"read.parse", "build.site", "model", "render.views", "read.x"}
    assert imports_of("read.x", module, mods) == {"build.site", "model", "read.parse", "render.views"}
