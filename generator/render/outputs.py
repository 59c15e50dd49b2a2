"""Every file of the site, as (path, text or bytes): the files of one cable, and every other page.

The cable files are made in worker processes, one cable at a time; the other pages are made in the main
process once the cables' mentions are known. Nothing here writes: the build decides where each file goes.
"""

from __future__ import annotations

import json
from typing import Iterator

from jinja2 import Environment

from . import changes, cite, csl, data, feeds, pages, tei
from ..edition.link import Site
from ..model import Cable
from ..ids import valid_id
from .pages import linker
from .views import ENTRY_PAGES, entries_context, source_context, url_for


def cable_files(site: Site, cable: Cable, joined, env: Environment, cable_link,
                formats: tuple[str, ...] = ()) -> list[tuple[str, str | bytes]]:
    """The page, the verbatim source (as a file and as a page), citations and data of one cable."""
    cid = cable.id
    settings = site.content.site
    files = data.cable_files(cid, cable)
    url = url_for(settings, f"cables/{cid}/")
    return [
        (f"cables/{cid}/index.html",
         env.get_template("cable.html").render(pages.cable_page_context(site, cable, joined, cable_link))),
        (f"cables/{cid}/source.html", env.get_template("source.html").render(source_context(cable, site.content, "../../"))),
        (files["source"], cable.source.data),
        (f"cables/{cid}/{cid}.bib", cite.bibtex(cable, settings, url)),
        (f"cables/{cid}/{cid}.ris", cite.ris(cable, settings, url)),
        (f"cables/{cid}/{cid}.csl.json", cite.csl_json(cable, settings, url)),
        (f"cables/{cid}/{cid}.cite.json", csl.styles_json(cite.csl(cable, settings, url))),
        (files["json"], json.dumps(data.cable_record(site, cable, joined), ensure_ascii=False,
                                   separators=(",", ":")) + "\n"),
    ] + [(f"cables/{alias}/index.html", alias_page(site, cable, alias, env)) for alias in usable_aliases(site, cable)
         ] + changes.release_files(site, cid) + ([(f"cables/{cid}/{cid}.xml", tei.cable_document(cable, joined, site.content.annotations.get(cid),
                                                              settings, cable_link))] if "tei" in formats else [])


def usable_aliases(site: Site, cable: Cable) -> list[str]:
    """The publisher's ids of a cable that can lead to its page: well formed, and no other cable's id."""
    return [a for a in site.aliases_of(cable.id) if a != cable.id and valid_id(a) and a not in site.cables]


def alias_page(site: Site, cable: Cable, alias: str, env: Environment) -> str:
    """The page at the publisher's id of a repaired cable: it sends the reader on to the cable's own page."""
    ctx = pages.base(site, "../../", f"Published as {alias}", f"cables/{cable.id}/",
                     f"{alias} is the publisher's id of the cable {cable.id}")
    ctx.update(alias=alias, id=cable.id, target=f"../{cable.id}/")
    return env.get_template("redirect.html").render(ctx)


def other_pages(site: Site, mentions: dict[str, list[tuple[str, str]]], env: Environment,
                shards: list[str]) -> Iterator[tuple[str, str]]:
    """Every file but the cables' own, in a stable order; the catalog (the build's mark) comes last."""
    content = site.content
    settings = content.site

    def page(path: str, template: str, ctx: dict) -> tuple[str, str]:
        return path, env.get_template(template).render(ctx)

    yield page("index.html", "index.html", pages.home_context(site))
    for kind, (folder_name, _) in ENTRY_PAGES.items():
        table = {"person": content.people, "organization": content.organizations, "term": content.glossary}[kind]
        yield page(f"{folder_name}/index.html", "entries.html",
                   entries_context(kind, table, mentions, content, linker(site.cables, "../")))
    yield page("tags/index.html", "tags.html", pages.tags_index_context(site))
    for code in site.tags:
        for path, ctx in pages.tag_pages(site, code):
            yield page(path + "index.html", "tag.html", ctx)
    for kind, groups in (("origins", site.origins), ("classifications", site.classifications)):
        yield page(f"{kind}/index.html", "groups.html", pages.group_index_context(site, kind))
        for name in groups:
            for path, ctx in pages.group_pages(site, kind, name):
                yield page(path + "index.html", "group.html", ctx)
    for path, ctx in pages.chronology_pages(site):
        yield page(path + "index.html", "chronology.html", ctx)
    yield page("threads/index.html", "threads.html", pages.thread_index_context(site))
    if site.releases:
        yield page("releases/index.html", "releases.html", pages.releases_index_context(site))
    for t in site.threads:
        yield page(f"threads/{t.slug}/index.html", "thread.html", pages.thread_context(site, t))
        yield page(f"threads/{t.slug}/feed.xml", "feed.xml", feeds.thread_feed_context(site, t))
    yield page("about/index.html", "page.html", pages.page_context(site, "about", "About this edition"))
    yield page("how-to-read/index.html", "page.html", pages.page_context(site, "how-to-read", "How to read a cable"))
    yield page("404.html", "404.html", pages.not_found_context(site))
    yield page("search/index.html", "search.html", pages.search_context(site, shards))
    yield page("feed.xml", "feed.xml", feeds.cables_feed_context(site))
    rows = data.catalog_rows(site)
    yield "catalog.csv", data.catalog_csv(rows)
    yield "robots.txt", feeds.robots(settings)
    yield ".nojekyll", ""
    yield "catalog.json", data.catalog_json(site, rows)


def tei_corpus(site: Site, folders: list) -> str:
    """The edition's teiCorpus, from each cable's TEI document as the first of `folders` holding it has it
    (the new files, then the live site's)."""
    def documents():
        for cid in site.cables:
            rel = f"cables/{cid}/{cid}.xml"
            for folder in folders:
                if (folder / rel).is_file():
                    yield cid, (folder / rel).read_bytes()
                    break
    return "".join(tei.corpus_parts(site.content, site.content.site, documents(), len(site.cables)))


def sitemaps(site: Site, env: Environment, html_pages: list[str]) -> Iterator[tuple[str, str]]:
    """sitemap.xml (split where long), for a site that knows its address."""
    settings = site.content.site
    if settings["base_url"]:
        for name, ctx in feeds.sitemap_files(settings, html_pages).items():
            yield name, env.get_template("sitemap.xml").render(ctx)


def mentions_of(results: dict[str, dict]) -> dict[str, list[tuple[str, str]]]:
    """Who and what each cable names, gathered by entry key, in the edition's order."""
    out: dict[str, list[tuple[str, str]]] = {}
    for cid, r in results.items():
        for key, labels in r["mentions"].items():
            out.setdefault(key, []).extend((cid, label) for label in labels)
    return out

