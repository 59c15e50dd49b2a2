"""The cable as a reference: its CSL-JSON item (which csl.py writes the styles' citations from), BibTeX, RIS
and the Highwire meta tags."""

from __future__ import annotations

import json
from datetime import datetime

from ..ids import origin_from_station
from ..model import Cable

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
BIB_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def recipient(cable: Cable) -> str | None:
    """The first action addressee in words (SECSTATE WASHDC -> Secretary of State)."""
    if not cable.to:
        return None
    name = cable.to[0].name
    return origin_from_station(name) or name


def when(cable: Cable) -> datetime | None:
    # fromisoformat is the C parser; strptime costs more than the rest of a citation
    return datetime.fromisoformat(cable.created[:19]) if cable.created else None


def bibtex(cable: Cable, site: dict, url: str, para: str | None = None) -> str:
    d = when(cable)
    key = f"cable{cable.id}" + (f"p{para}" if para else "")

    def esc(s: str) -> str:
        return s.replace("\\", "\\textbackslash{}").replace("{", "\\{").replace("}", "\\}").replace("&", "\\&") \
            .replace("%", "\\%").replace("$", "\\$").replace("#", "\\#").replace("_", "\\_")

    fields = [("author", "{" + esc(cable.origin or "Unknown origin") + "}"),
              ("title", esc(cable.subject or cable.id) + (f", \\P{{}}{para}" if para else "")),
              ("howpublished", esc(f"Cable {cable.id} to {recipient(cable) or 'unknown'}, "
                                   f"{cable.classification or 'unmarked'}, released by WikiLeaks"))]
    if d:
        fields += [("year", str(d.year)), ("month", BIB_MONTHS[d.month - 1]), ("day", str(d.day))]
    if site.get("title"):
        fields.append(("note", esc(f"In {site['title']}")))
    fields.append(("url", url))
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def ris(cable: Cable, site: dict, url: str) -> str:
    d = when(cable)
    lines = [("TY", "LETTER"), ("AU", cable.origin or "Unknown origin"), ("TI", cable.subject or cable.id),
             ("M1", cable.id), ("M3", "Cable"), ("CY", cable.origin or "")]
    to = recipient(cable)
    if to:
        lines.append(("A2", to))
    if d:
        lines += [("PY", str(d.year)), ("DA", d.strftime("%Y/%m/%d"))]
    if cable.classification:
        lines.append(("N1", f"Classification: {cable.classification}. Released by WikiLeaks."))
    if site.get("title"):
        lines.append(("T2", site["title"]))
    lines += [("UR", url), ("ER", "")]
    return "".join(f"{k}  - {v}\r\n" for k, v in lines)


def csl(cable: Cable, site: dict, url: str) -> dict:
    """The cable's CSL-JSON item, which the pages' citations are rendered from: a letter (CSL's
    personal_communication, as Zotero maps its Letter) from the post to its first addressee."""
    d = when(cable)
    item = {
        "id": cable.id,
        "type": "personal_communication",
        "title": cable.subject or cable.id,
        "author": [{"literal": cable.origin or "Unknown origin"}],
        "genre": "Cable",
        "number": cable.id,
        "publisher": "WikiLeaks",
        "URL": url,
        "note": f"{cable.classification or 'unmarked'}; released by WikiLeaks",
    }
    to = recipient(cable)
    if to:
        item["recipient"] = [{"literal": to}]
    if d:
        item["issued"] = {"date-parts": [[d.year, d.month, d.day]]}
    if site.get("title"):
        item["container-title"] = site["title"]
    return item


def csl_json(cable: Cable, site: dict, url: str) -> str:
    return json.dumps([csl(cable, site, url)], ensure_ascii=False, indent=2) + "\n"


def highwire(cable: Cable, site: dict, url: str) -> list[tuple[str, str]]:
    """citation_* meta tags that Zotero and Google Scholar read."""
    d = when(cable)
    tags = [("citation_title", cable.subject or cable.id), ("citation_author", cable.origin or "Unknown origin")]
    if d:
        tags.append(("citation_date", d.strftime("%Y/%m/%d")))
        tags.append(("citation_publication_date", d.strftime("%Y/%m/%d")))
    tags += [("citation_technical_report_number", cable.id), ("citation_publisher", "WikiLeaks")]
    if site.get("title"):
        tags.append(("citation_journal_title", site["title"]))
    if url.startswith(("http://", "https://")):
        tags.append(("citation_public_url", url))
    tags.append(("citation_language", "en"))
    return tags
