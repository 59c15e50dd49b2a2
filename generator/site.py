"""Build the site: read every cable in content/, then write site/ atomically.

The full cable pages arrive with the page issue; until then the build writes a home page that
lists what was read, so that the pipeline (read, check, render, swap) runs end to end.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .errors import Problems
from .load import read_cables
from .write import atomic_tree

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def environment() -> Environment:
    """The jinja2 environment: autoescape everywhere, undefined names are errors."""
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                       keep_trailing_newline=True)


def index_context(cables) -> dict:
    """The home page's view-model: one row per cable, oldest first."""
    rows = sorted(({"id": c.id, "created": (c.created or "")[:10], "subject": c.subject or "",
                    "classification": c.classification or "", "origin": c.origin or ""} for c in cables),
                  key=lambda r: (r["created"], r["id"]))
    return {"title": "Cables", "cables": rows}


def build(content: Path, output: Path, problems: Problems) -> Problems:
    """Read content/cables, then write the site; a build that fails midway leaves the previous site as it was."""
    cables = list(read_cables([content / "cables"], problems))
    seen: dict[str, str] = {}
    for c in cables:
        if c.id in seen:
            problems.error(c.source.path, None, f"cable {c.id} is also in {seen[c.id]}")
        seen.setdefault(c.id, c.source.path)
    # A cable that could not be read is reported; the others are still published.
    page = environment().get_template("index.html").render(index_context(cables))
    with atomic_tree(output) as tmp:
        (tmp / "index.html").write_text(page, encoding="utf-8")
    return problems
