"""The options of one build, as one typed object that the engine passes whole."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BuildOptions:
    """How a build runs: for which address, with or without search, where its records live, what it shows."""

    preview: bool = False
    """A preview build (`build.py serve`): the reload script allowed by the CSP, problems shown on the pages,
    and the last good site kept while the content has errors."""
    base_url: str | None = None
    """The address the site is published at (canonical links, feeds, sitemap); None for relative links only."""
    index_search: bool = True
    """Index the pages for search with Pagefind, where it is installed."""
    cache_dir: Path | None = None
    """Where the parse cache and the record of the last build live; None for `.cache/<output name>`."""
    show: bool | None = None
    """Show progress on the terminal: True, False, or None to show it where stderr is a terminal."""
    defer_search: bool = False
    """Leave the search index of a notes-only rebuild to the caller (the preview indexes after serving)."""
    strict: bool = False
    """Treat warnings as errors: any problem keeps the previous site and its record as they were."""
    formats: tuple[str, ...] = ()
    """Editions made beside the website (`--formats`): "tei" for each cable's TEI P5 document
    (cables/<ID>/<ID>.xml) and the edition's teiCorpus (edition.xml); "epub" and "pdf" for the books of the
    edition (edition.epub, edition.pdf) and of each thread (threads/<slug>/<slug>.epub, .pdf)."""


FORMATS = ("tei", "epub", "pdf")
"""What `--formats` can ask for."""


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH from the environment (reproducible-builds.org), if set and valid."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None
