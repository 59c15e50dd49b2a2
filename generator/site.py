"""Build the site: read everything, check it, link it, render every page, then swap the new site in.

    cables, content = read content/          (parse, content)
    site = link and check them together     (link)
    join notes, names and terms             (annotations)
    render each page from its view-model    (render, pages)
    write into a fresh folder, then swap    (write)
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from jinja2 import TemplateError

from . import cite, data, feeds, pages, search
from .pages import linker
from .annotations import Matcher, join
from .content import Content, checked_base_url, load_content, slug
from .errors import Problems
from .link import Site, link_site, tag_path
from .load import CABLE_SUFFIXES, read_cables
from .markup import render as markdown
from .model import Cable
from .render import ASSETS, ENTRY_PAGES, cable_context, entries_context, environment, source_context, url_for
from .write import atomic_tree


def read_site(content_dir: Path, problems: Problems, cache: dict | None = None) -> tuple[list[Cable], Content]:
    """Read the cables and the editorial layer."""
    cables = []
    seen: dict[str, str] = {}
    folder = content_dir / "cables"
    # A plain folder of cables (no cables/ inside) is read as it is, without its subfolders.
    sources = [folder] if folder.is_dir() else sorted(p for p in content_dir.iterdir()
                                                         if p.is_file() and p.suffix.lower() in CABLE_SUFFIXES)
    if not folder.is_dir() and not sources:
        problems.error(str(content_dir), None, "no cables: neither a cables/ folder nor cable files here")
    for c in read_cables(sources, problems, cache):
        if c.id in seen:
            problems.error(c.source.path, None, f"cable {c.id} is also in {seen[c.id]}; the second is left out")
            continue
        seen[c.id] = c.source.path
        cables.append(c)
    return cables, load_content(content_dir, problems)


def check(content_dir: Path, problems: Problems, base_url: str | None = None,
          cache: dict | None = None) -> tuple[Site, dict]:
    """Read and link everything, and check every reference the editor wrote; write nothing."""
    cables, content = read_site(content_dir, problems, cache)
    if base_url is not None:
        content.site["base_url"] = checked_base_url(base_url, "--base-url", None, problems)
    site = link_site(cables, content, problems)
    for cid, ann in content.annotations.items():
        if cid not in site.cables:
            problems.error(ann.path, None, f"annotations for {cid}, which is not among the cables in content/cables")
    matcher = Matcher.build(content)
    cable_link = linker(site.cables, "../../")
    joined = {}
    for cid, c in site.cables.items():
        joined[cid] = join(c, content.annotations.get(cid), content, matcher, lambda t: markdown(t, cable_link),
                           problems)
    for code, ids in site.tags.items():
        row = content.tags.get(code)
        if not row or not row.get("definition"):
            first = site.cables[ids[0]]
            problems.add(first.source.path, first.subject_line,
                         f"TAGS code {code} has no expansion in content/tags.csv ({len(ids)} cables)")
    return site, joined


def build(content_dir: Path, output: Path, problems: Problems, preview: bool = False,
          base_url: str | None = None, cache: dict | None = None) -> Problems:
    """Check, then render and write the whole site; the previous site stays if anything fails midway."""
    if not replaceable(output, problems):
        return problems
    site, joined = check(content_dir, problems, base_url, cache)
    if problems.errors and preview and (output / BUILD_MARK).exists():
        return problems  # the preview keeps serving the last good site and shows these problems
    try:
        render_all(output, site, joined, problems, preview)
    except search.SearchIndexError as e:
        problems.error("pagefind", None, f"{e}; the previous site is kept")
    except TemplateError as e:
        name = getattr(e, "filename", None) or getattr(e, "name", None) or "templates"
        problems.error(str(name), getattr(e, "lineno", None), f"template error: {e.message or e}; the previous site is kept")
    return problems


def replaceable(output: Path, problems: Problems) -> bool:
    """Refuse to replace a folder that holds something other than an earlier build."""
    if not output.exists():
        return True
    if not output.is_dir():
        problems.error(str(output), None, "the output is a file, not a folder; nothing was written")
        return False
    if any(output.iterdir()) and not (output / BUILD_MARK).exists():
        problems.error(str(output), None, f"not replaced: this folder is not empty and has no {BUILD_MARK}, so it "
                                          "is not a site built here; choose another --output or remove it")
        return False
    return True


BUILD_MARK = "catalog.json"
"""Every build writes it; a folder holding it may be replaced by the next build."""


def mentions_of(joined: dict) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for cid, j in joined.items():
        for key, labels in j.mentions.items():
            out.setdefault(key, []).extend((cid, label) for label in labels)
    return out


def render_all(output: Path, site: Site, joined: dict, problems: Problems, preview: bool = False) -> None:
    """Render every page and data file into a fresh folder and swap it in."""
    env = environment(preview)
    content = site.content
    settings = content.site
    cable_link = linker(site.cables, "../../")
    html_pages: list[str] = []
    with atomic_tree(output) as out:
        def write(path: str, text: str) -> None:
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="")

        def page(path: str, template: str, ctx: dict) -> None:
            write(path, env.get_template(template).render(ctx))
            if path.endswith(".html") and path != "404.html":
                html_pages.append(path)

        page("index.html", "index.html", pages.home_context(site))
        for cid, c in site.cables.items():
            page(f"cables/{cid}/index.html", "cable.html", pages.cable_page_context(site, cid, joined[cid], cable_link))
            page(f"cables/{cid}/source.html", "source.html", source_context(c, content, "../../"))
            files = data.cable_files(cid, c)
            (out / files["source"]).write_bytes(c.source.data)
            url = url_for(settings, f"cables/{cid}/")
            write(f"cables/{cid}/{cid}.bib", cite.bibtex(c, settings, url))
            write(f"cables/{cid}/{cid}.ris", cite.ris(c, settings, url))
            write(f"cables/{cid}/{cid}.csl.json", cite.csl_json(c, settings, url))
            write(files["json"], json.dumps(data.cable_record(site, cid, joined[cid]), ensure_ascii=False,
                                            indent=1) + "\n")
        mentions = mentions_of(joined)
        for kind, (folder_name, _) in ENTRY_PAGES.items():
            table = {"person": content.people, "organization": content.organizations, "term": content.glossary}[kind]
            page(f"{folder_name}/index.html", "entries.html",
                 entries_context(kind, table, mentions, content, linker(site.cables, "../")))
        page("tags/index.html", "tags.html", pages.tags_index_context(site))
        for code in site.tags:
            page(f"tags/{tag_path(code)}/index.html", "tag.html", pages.tag_context(site, code))
        for kind, groups in (("origins", site.origins), ("classifications", site.classifications)):
            page(f"{kind}/index.html", "groups.html", pages.group_index_context(site, kind))
            for name in groups:
                page(f"{kind}/{slug(name)}/index.html", "group.html", pages.group_context(site, kind, name))
        page("chronology/index.html", "chronology.html", pages.chronology_context(site))
        page("threads/index.html", "threads.html", pages.thread_index_context(site))
        for t in site.threads:
            page(f"threads/{t.slug}/index.html", "thread.html", pages.thread_context(site, t))
            page(f"threads/{t.slug}/feed.xml", "feed.xml", feeds.thread_feed_context(site, t))
        page("about/index.html", "page.html", pages.page_context(site, "about", "About this edition"))
        page("how-to-read/index.html", "page.html", pages.page_context(site, "how-to-read", "How to read a cable"))
        page("404.html", "404.html", pages.not_found_context(site))
        page("search/index.html", "search.html", pages.search_context(site))
        page("feed.xml", "feed.xml", feeds.cables_feed_context(site))
        rows = data.catalog_rows(site)
        write("catalog.csv", data.catalog_csv(rows))
        if settings["base_url"]:
            for name, ctx in feeds.sitemap_files(settings, html_pages).items():
                page(name, "sitemap.xml", ctx)
        write("robots.txt", feeds.robots(settings))
        write(".nojekyll", "")
        shutil.copytree(ASSETS, out / "assets")
        if search.available():
            report = search.index(out)
            if report.reproducible:
                problems.add("pagefind", None, "the search bundle is left as Pagefind wrote it, so two builds may "
                                               f"differ in pagefind/ ({report.reproducible})")
        else:
            problems.add("pagefind", None, "search is not indexed: the pagefind package is not installed "
                                           "(pip install 'pagefind[bin]'); the search page will say so")
        write(BUILD_MARK, data.catalog_json(site, rows))  # last: its presence marks a complete build
