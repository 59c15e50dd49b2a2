"""The books a build makes (see books.py): the EPUB and the PDF of the edition and of each thread, as
(path, bytes), with the PDFs printed side by side."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from jinja2 import Environment

from . import epub, pdf
from .books import Books, book_path, wanted
from ..edition.link import Site
from ..errors import Problems
from ..parallel import workers

PRINTERS = 2
"""Books printed at once: each is one chromium, busy on about one core."""


def book_files(site: Site, formats: tuple[str, ...], env: Environment, found: Problems,
               printer: str | None = None) -> list[tuple[str, bytes]]:
    """Every book the formats ask for, as (path, bytes): the edition's, then each thread's, EPUB before PDF.
    A PDF that cannot be printed is reported (path: message) and left out; the rest of the build goes on.
    The PDFs are printed side by side, one chromium per core (PRINTERS at most)."""
    kinds = wanted(formats)
    if not kinds:
        return []
    books = Books(site)
    made = [books.book(slug) for slug in [None] + [t.slug for t in site.threads]]
    files: dict[str, bytes] = {}
    if "epub" in kinds:
        for book in made:
            files[book_path(book.slug, "epub")] = epub.epub_bytes(book, env)
    if "pdf" in kinds:
        pages = [(book, pdf.print_html(book, env)) for book in made]  # templates are rendered here, not in threads

        def printed(job) -> bytes | str:
            try:
                return pdf.pdf_bytes(job[0], job[1], printer)
            except pdf.PrintFailed as e:
                return str(e)
        with ThreadPoolExecutor(max_workers=max(1, min(PRINTERS, workers(), len(pages)))) as pool:
            for (book, _), result in zip(pages, list(pool.map(printed, pages))):
                path = book_path(book.slug, "pdf")
                if isinstance(result, bytes):
                    files[path] = result
                else:
                    found.add(path, None, f"the PDF is not made: {result}")
    order = [book_path(b.slug, k) for b in made for k in kinds]
    return [(p, files[p]) for p in order if p in files]
