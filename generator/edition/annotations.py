"""Join the editorial layer to a cable's paragraphs: note markers, [sic], glossary abbreviations, and
links to people and organisations, as token lists that templates only format."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .content import Annotations, Content, Entry
from ..errors import Problems
from ..model import Cable, Paragraph


@dataclass
class Matcher:
    """One regular expression for every form of every person, organisation and glossary term."""

    regex: re.Pattern | None
    by_form: dict[str, list[Entry]]

    @classmethod
    def build(cls, content: Content) -> "Matcher":
        by_form: dict[str, list[Entry]] = {}
        for table in (content.people, content.organizations, content.glossary):
            for entry in table.values():
                for form in entry.forms:
                    if form.strip():
                        by_form.setdefault(form, []).append(entry)
        if not by_form:
            return cls(None, {})
        forms = sorted(by_form, key=len, reverse=True)
        rx = re.compile(r"(?<![\w/])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w/])")
        return cls(rx, by_form)


@dataclass
class NoteRef:
    number: int
    paragraph: str
    html: str
    anchor_id: str


@dataclass
class Joined:
    """A cable's paragraphs as token blocks, and its numbered notes."""

    blocks: dict[str, list[list[dict]]] = field(default_factory=dict)
    notes: list[NoteRef] = field(default_factory=list)
    mentions: dict[str, list[str]] = field(default_factory=dict)
    """Entry key -> labels of the paragraphs that mention it."""


def join(cable: Cable, ann: Annotations | None, content: Content, matcher: Matcher, render_note,
         problems: Problems) -> Joined:
    """Tokenise every paragraph with the editorial layer applied."""
    out = Joined()
    labels = {p.label for p in cable.paragraphs}
    notes_by_para: dict[str, list] = {}
    if ann:
        for note in ann.notes:
            if note.paragraph not in labels:
                problems.error(ann.path, note.line, f"a note on ¶{note.paragraph}, which {cable.id} does not have "
                                                    f"(paragraphs: {', '.join(p.label for p in cable.paragraphs)}); "
                                                    "the note is left out")
                continue
            notes_by_para.setdefault(note.paragraph, []).append(note)
        for word in ann.sic:
            if not any(word in p.text for p in cable.paragraphs):
                problems.add(ann.path, None, f"[sic] word {word!r} does not occur in {cable.id}")
    seen_terms: set[str] = set()
    linked: set[str] = set()
    counter = 0
    for p in cable.paragraphs:
        inserts: list[tuple[int, int, dict]] = []  # (offset, order, token)
        spans: list[tuple[int, int, dict]] = []
        for note in notes_by_para.get(p.label, []):
            at = len(p.text)
            if note.anchor:
                k = p.text.find(note.anchor)
                if k < 0:
                    problems.add(ann.path, note.line, f"anchor {note.anchor!r} not found in ¶{p.label}; "
                                                      "the marker goes at the end of the paragraph")
                else:
                    at = k + len(note.anchor)
            inserts.append((at, 1, {"note": note}))
        if ann:
            for word in ann.sic:
                for m in re.finditer(re.escape(word), p.text):
                    inserts.append((m.end(), 0, {"t": "sic"}))
        for sb in p.section_breaks:
            inserts.append((sb.offset, 2, {"t": "sb", "section": sb.section, "of": sb.of,
                                          "line": next((ln for ln in sb.lines if "SECTION" in ln.upper()),
                                                       sb.lines[0] if sb.lines else "")}))
        for b in p.page_breaks:
            inserts.append((b.offset, 2, {"t": "pb", "page": b.page, "of": b.of, "line": b.line}))
        cuts = {at for at, _, _ in inserts}
        spans = entity_spans(p, matcher, seen_terms, linked, out.mentions, cuts)
        # Number notes in reading order.
        for at, order, tok in sorted(inserts, key=lambda x: (x[0], x[1])):
            if "note" in tok:
                counter += 1
                note = tok.pop("note")
                nid = f"n{counter}"
                tok.update({"t": "note", "n": counter, "id": nid, "para": p.label})
                out.notes.append(NoteRef(counter, p.label, render_note(note.text), nid))
        out.blocks[p.label] = tokens(p.text, spans, inserts)
    return out


def entity_spans(p: Paragraph, matcher: Matcher, seen_terms: set[str], linked: set[str], mentions: dict,
                 cuts: set[int] = frozenset()) -> list:
    """Spans to wrap: the first mention in the cable of each person, organisation and glossary term (a reader
    meets the apparatus once; every mention is still counted for the entry's index)."""
    if not matcher.regex:
        return []
    spans = []
    for m in matcher.regex.finditer(p.text):
        entries = matcher.by_form[m.group(0)]
        link = next((e for e in entries if e.kind != "term" and e.key not in linked), None)
        term = next((e for e in entries if e.kind == "term" and e.key not in seen_terms), None)
        for e in entries:
            lst = mentions.setdefault(f"{e.kind}:{e.key}", [])
            if p.label not in lst:
                lst.append(p.label)
        if (not link and not term) or any(m.start() < at < m.end() for at in cuts):
            continue  # a marker inside the name would be lost: the next mention carries the link
        tok: dict = {"t": "ref"}
        if link:
            linked.add(link.key)
            tok.update({"kind": link.kind, "key": link.key, "name": link.name})
        if term:
            seen_terms.add(term.key)
            tok.update(abbr=term.description, term=term.key)
        spans.append((m.start(), m.end(), tok))
    return spans


def tokens(text: str, spans: list, inserts: list) -> list[list[dict]]:
    """Walk the text once, emitting text, wrapped spans and insertions; split into blocks at blank lines."""
    # A marker must never be lost inside a wrapped name: such a span stays plain text.
    spans = [sp for sp in spans if not any(sp[0] < at < sp[1] for at, _, _ in inserts)]
    events: list[tuple[int, int, dict]] = [(a, 1, {"span": (a, b, tok)}) for a, b, tok in spans]
    events += [(at, 0 if tok.get("t") != "pb" else 0, tok) for at, _, tok in sorted(inserts, key=lambda x: (x[0], x[1]))]
    events.sort(key=lambda e: (e[0], e[1]))
    flat: list[dict] = []
    pos = 0
    for at, _, ev in events:
        if at < pos:
            continue  # an insertion inside a wrapped span waits for its end
        if at > pos:
            flat.append({"t": "text", "v": text[pos:at]})
            pos = at
        if "span" in ev:
            a, b, tok = ev["span"]
            flat.append({**tok, "v": text[a:b]})
            pos = b
        else:
            flat.append(ev)
    if pos < len(text):
        flat.append({"t": "text", "v": text[pos:]})
    blocks: list[list[dict]] = [[]]
    for tok in flat:
        if tok["t"] == "text" and "\n\n" in tok["v"]:
            parts = tok["v"].split("\n\n")
            for k, part in enumerate(parts):
                if k:
                    blocks.append([])
                if part:
                    blocks[-1].append({"t": "text", "v": part})
        else:
            blocks[-1].append(tok)
    return [b for b in blocks if b] or [[]]
