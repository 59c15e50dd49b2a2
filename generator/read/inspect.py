"""`build.py inspect`: what the parser reads from each cable, for people (a summary) or tools (JSON Lines)."""

from __future__ import annotations

import json
from typing import TextIO

from ..model import Cable, to_jsonable

CONTRACT_KEYS = ("id", "created", "dtg", "precedence", "origin", "station", "to", "info", "classification",
                 "banner", "caveats", "sections", "tags", "subject", "references", "classified_by",
                 "reasons", "declassify_on", "signer", "summary", "paragraphs", "source")
"""Keys every JSON line carries, in this order (a public contract: other tools read it)."""

PARAGRAPH_KEYS = ("number", "label", "marking", "heading", "text", "page_breaks")


def as_json(cable: Cable) -> dict:
    """The JSON Lines object of one cable: the contract keys first, then the rest of the model."""
    data = to_jsonable(cable)
    data.pop("words", None)  # a digest for telling releases apart, not something the parser read
    if data.get("snapshot") is None:
        data.pop("snapshot", None)  # only a WikiLeaks page says which state of the site it was made in
    out = {k: data.pop(k) for k in CONTRACT_KEYS}
    out["paragraphs"] = [
        {**{k: p[k] for k in PARAGRAPH_KEYS}, **{k: v for k, v in p.items() if k not in PARAGRAPH_KEYS}}
        for p in out["paragraphs"]
    ]
    out.update(data)
    return out


def write_json_line(cable: Cable, out: TextIO) -> None:
    out.write(json.dumps(as_json(cable), ensure_ascii=False, sort_keys=False) + "\n")


def write_summary(cable: Cable, out: TextIO) -> None:
    """A readable summary of one cable."""
    st = cable.station
    rows = [
        ("id", cable.id),
        ("created", cable.created or "(unknown)"),
        ("dtg", cable.dtg),
        ("precedence", cable.precedence),
        ("origin", cable.origin),
        ("station", st and " ".join(str(x) for x in (st.routing_indicator, st.name) if x)),
        ("de line", st and st.line),
        ("to", "; ".join(r.line for r in cable.to)),
        ("info", f"{len(cable.info)} addressees" if cable.info else None),
        ("classification", cable.classification),
        ("banner", cable.banner),
        ("caveats", " ".join(cable.caveats)),
        ("sections", str(cable.sections)),
        ("tags", " ".join(cable.tags)),
        ("subject", cable.subject),
        ("references", "; ".join(f"{r.letter + '. ' if r.letter else ''}{r.text}"
                                 f"{' -> ' + r.id if r.id else ''}" for r in cable.references)),
        ("classified by", cable.classified_by),
        ("reasons", ", ".join(cable.reasons)),
        ("declassify on", cable.declassify_on),
        ("signer", cable.signer),
        ("summary", cable.summary and f"¶{cable.summary.start}–¶{cable.summary.end}"),
        ("source", f"{cable.source.path} ({cable.source.format}, sha256 {cable.source.sha256[:16]}…)"),
    ]
    out.write(f"== {cable.id}{' (partial extract)' if cable.partial else ''}\n")
    for name, value in rows:
        if value:
            out.write(f"  {name:<15}{value}\n")
    out.write(f"  {'paragraphs':<15}{len(cable.paragraphs)}\n")
    for p in cable.paragraphs:
        mark = f"({p.marking}) " if p.marking else ""
        head = f"[{p.heading}] " if p.heading else ""
        pages = "".join(f" ‖p{b.page}" for b in p.page_breaks)
        text = p.text.replace("\n", " ")
        out.write(f"    ¶{p.label:<4}{head}{mark}{text[:70]}{'…' if len(text) > 70 else ''}{pages}\n")
