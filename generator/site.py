"""Build the site: read everything, check it, render every page, then swap the new site in.

    cables = read content/cables          (parse)
    content = read the editorial layer    (content)
    join notes, names and terms           (annotations)
    render each page from its view-model  (render)
    write into a fresh folder, then swap  (write)
"""

from __future__ import annotations

import shutil
from pathlib import Path

from jinja2 import TemplateError

from . import cite
from .annotations import Matcher, join
from .content import Content, load_content
from .errors import Problems
from .load import read_cables
from .markup import render as markdown
from .model import Cable
from .render import (ASSETS, ENTRY_PAGES, cable_context, entries_context, environment, index_context,
                     source_context, url_for)
from .write import atomic_tree


def linker(ids: set[str], root: str):
    """A function giving the relative URL of a cable (and paragraph) in the collection, or None."""
    def link(cable_id: str, para: str | None) -> str | None:
        if cable_id not in ids:
            return None
        return f"{root}cables/{cable_id}/" + (f"#p{para}" if para else "")
    return link


def read_site(content_dir: Path, problems: Problems) -> tuple[list[Cable], Content]:
    """Read the cables and the editorial layer, and check that they fit together."""
    cables = []
    seen: dict[str, str] = {}
    for c in read_cables([content_dir / "cables"], problems):
        if c.id in seen:
            problems.error(c.source.path, None, f"cable {c.id} is also in {seen[c.id]}; the second is left out")
            continue
        seen[c.id] = c.source.path
        cables.append(c)
    content = load_content(content_dir, problems)
    for cid, ann in content.annotations.items():
        if cid not in seen:
            problems.error(ann.path, None, f"annotations for {cid}, which is not among the cables in content/cables")
    return cables, content


def build(content_dir: Path, output: Path, problems: Problems) -> Problems:
    """Read, join, render and write the whole site; the previous site stays if anything fails midway."""
    cables, content = read_site(content_dir, problems)
    ids = {c.id for c in cables}
    matcher = Matcher.build(content)
    env = environment()
    cable_link = linker(ids, "../../")
    joined = {}
    mentions: dict[str, list[tuple[str, str]]] = {}
    for c in cables:
        j = join(c, content.annotations.get(c.id), content, matcher, lambda t: markdown(t, cable_link), problems)
        joined[c.id] = j
        for key, labels in j.mentions.items():
            mentions.setdefault(key, []).extend((c.id, label) for label in labels)

    try:
        render_all(output, env, cables, content, joined, mentions, ids, cable_link)
    except TemplateError as e:
        name = getattr(e, "filename", None) or getattr(e, "name", None) or "templates"
        problems.error(str(name), getattr(e, "lineno", None), f"template error: {e.message or e}; the previous site is kept")
    return problems


def render_all(output: Path, env, cables, content, joined, mentions, ids, cable_link) -> None:
    """Render every page into a fresh folder and swap it in."""
    with atomic_tree(output) as out:
        write(out / "index.html", env.get_template("index.html").render(index_context(cables, content)))
        for c in cables:
            folder = out / "cables" / c.id
            folder.mkdir(parents=True, exist_ok=True)
            ctx = cable_context(c, joined[c.id], content, cable_link, "../../")
            write(folder / "index.html", env.get_template("cable.html").render(ctx))
            write(folder / "source.html", env.get_template("source.html").render(source_context(c, content, "../../")))
            (folder / ctx["source"]["href"]).write_bytes(c.source.data)
            url = url_for(content.site, f"cables/{c.id}/")
            write(folder / f"{c.id}.bib", cite.bibtex(c, content.site, url))
            (folder / f"{c.id}.ris").write_bytes(cite.ris(c, content.site, url).encode("utf-8"))
            write(folder / f"{c.id}.csl.json", cite.csl_json(c, content.site, url))
        for kind, (folder_name, _) in ENTRY_PAGES.items():
            table = {"person": content.people, "organization": content.organizations, "term": content.glossary}[kind]
            ctx = entries_context(kind, table, mentions, content, linker(ids, "../"))
            (out / folder_name).mkdir(exist_ok=True)
            write(out / folder_name / "index.html", env.get_template("entries.html").render(ctx))
        shutil.copytree(ASSETS, out / "assets")


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")
