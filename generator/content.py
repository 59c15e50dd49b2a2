"""The editorial layer in content/: site settings, annotations per cable, glossary, people, organisations, TAGS.

Every file is read with YAML's safe loader (the C one where present); each mapping remembers the line it
starts on, so that a problem names its file and line. Values are checked for type after loading.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problems

try:
    _Base = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Base = yaml.SafeLoader


class LineDict(dict):
    """A mapping read from YAML that knows the line it starts on."""

    line: int = 0


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """The safe loader, with mappings that keep their line numbers."""


def _mapping(loader, node):
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load_yaml(path: Path, problems: Problems) -> Any:
    """Read one YAML file safely; on failure record `path:line: message` and return None."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        problems.error(str(path), None, f"cannot read: {e}")
        return None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from the safe loader
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(e, "problem", None) or str(e)
        if "could not determine a constructor" in str(e):
            problem = "a YAML tag that is not plain data (only the safe loader is used): " + problem
        problems.error(str(path), line, f"invalid YAML: {problem}")
        return None


def line_of(value: Any) -> int | None:
    return getattr(value, "line", None)


@dataclass(frozen=True, slots=True)
class Note:
    """An editorial note attached to a paragraph."""

    paragraph: str
    """Label of the paragraph (1, 3a)."""
    text: str
    """The note, in Markdown (raw HTML is not allowed)."""
    anchor: str | None
    """Words of the paragraph after which the note marker stands; the end of the paragraph if None."""
    line: int | None
    """Line of the annotations file where the note is written."""


@dataclass(frozen=True, slots=True)
class Annotations:
    """The editor's layer for one cable."""

    cable: str
    """Id of the cable."""
    path: str
    """File the annotations were read from."""
    headnote: str | None = None
    """The headnote, in Markdown."""
    notes: tuple[Note, ...] = ()
    """Notes on paragraphs, in the order written."""
    sic: tuple[str, ...] = ()
    """Typos that stay as written; each occurrence is followed by [sic]."""


@dataclass(frozen=True, slots=True)
class Entry:
    """A person, an organisation or a glossary term."""

    key: str
    """Stable key, used in URLs and anchors (herbst-john)."""
    name: str
    """Name as the edition shows it (John Herbst); for a glossary term, the term (S/CRS)."""
    forms: tuple[str, ...]
    """Forms in which the cables write it, matched whole-word and case-sensitive."""
    description: str
    """What the edition says of it, in Markdown; for a glossary term, its expansion."""
    sources: tuple[str, ...]
    """Where each statement of outside fact comes from."""
    kind: str
    """person, organization or term."""
    path: str
    line: int | None


@dataclass
class Content:
    """Everything the editor writes, read and checked."""

    site: dict = field(default_factory=dict)
    annotations: dict[str, Annotations] = field(default_factory=dict)
    people: dict[str, Entry] = field(default_factory=dict)
    organizations: dict[str, Entry] = field(default_factory=dict)
    glossary: dict[str, Entry] = field(default_factory=dict)
    tags: dict[str, dict] = field(default_factory=dict)


SITE_DEFAULTS = {
    "title": "Cables",
    "subtitle": "",
    "description": "",
    "base_url": "",
    "language": "en",
    "editor": "",
    "publisher": "",
}


def _text(value: Any, where: tuple[str, int | None], what: str, problems: Problems, required=False) -> str | None:
    if value is None:
        if required:
            problems.error(where[0], where[1], f"{what} is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        problems.error(where[0], where[1], f"{what} must be text, not {type(value).__name__}")
        return None
    return str(value)


def load_site(path: Path, problems: Problems) -> dict:
    data = load_yaml(path, problems) if path.exists() else {}
    site = dict(SITE_DEFAULTS)
    if data is None:
        return site
    if not isinstance(data, dict):
        problems.error(str(path), None, "site.yaml must be a mapping of settings")
        return site
    for key, value in data.items():
        if key not in SITE_DEFAULTS:
            problems.add(str(path), line_of(data), f"unknown setting {key!r} (known: {', '.join(SITE_DEFAULTS)})")
            continue
        text = _text(value, (str(path), line_of(data)), key, problems)
        if text is not None:
            site[key] = text
    site["base_url"] = site["base_url"].rstrip("/")
    return site


def load_annotations(path: Path, problems: Problems) -> Annotations | None:
    data = load_yaml(path, problems)
    if data is None:
        return None
    where = (str(path), line_of(data))
    if not isinstance(data, dict):
        problems.error(*where, "an annotations file must be a mapping (cable, headnote, notes, sic)")
        return None
    cable = _text(data.get("cable"), where, "cable (the id this file annotates)", problems, required=True)
    if not cable:
        return None
    unknown = set(data) - {"cable", "headnote", "notes", "sic"}
    for key in sorted(unknown):
        problems.add(*where, f"unknown key {key!r} (known: cable, headnote, notes, sic)")
    notes = []
    for item in data.get("notes") or []:
        w = (str(path), line_of(item) or where[1])
        if not isinstance(item, dict):
            problems.error(*w, "each note is a mapping with paragraph and text")
            continue
        para = _text(item.get("paragraph"), w, "paragraph of the note", problems, required=True)
        text = _text(item.get("text"), w, "text of the note", problems, required=True)
        anchor = _text(item.get("anchor"), w, "anchor", problems)
        if para and text:
            notes.append(Note(para.strip().lstrip("¶p"), text, anchor, w[1]))
    sic = []
    for word in data.get("sic") or []:
        t = _text(word, where, "sic entry", problems)
        if t:
            sic.append(t)
    return Annotations(cable, str(path), _text(data.get("headnote"), where, "headnote", problems), tuple(notes),
                       tuple(sic))


def slug(text: str) -> str:
    """A URL-safe key: lower case, ASCII letters and digits, hyphens."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s or "x"


def load_entries(path: Path, kind: str, problems: Problems) -> dict[str, Entry]:
    """Read people.yaml, organizations.yaml or glossary.yaml: a mapping of key to entry."""
    if not path.exists():
        return {}
    data = load_yaml(path, problems)
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.error(str(path), None, f"{path.name} must be a mapping of key to entry")
        return {}
    out: dict[str, Entry] = {}
    for key, item in data.items():
        w = (str(path), line_of(item) or line_of(data))
        if not isinstance(item, dict):
            problems.error(*w, f"entry {key!r} must be a mapping")
            continue
        name_field = "term" if kind == "term" else "name"
        desc_field = "expansion" if kind == "term" else "description"
        name = _text(item.get(name_field, key if kind == "term" else None), w, name_field, problems, required=True)
        desc = _text(item.get(desc_field), w, desc_field, problems, required=True)
        forms = item.get("forms") or [name]
        sources = item.get("sources") or []
        if not isinstance(forms, list) or not all(isinstance(f, str) for f in forms):
            problems.error(*w, f"forms of {key!r} must be a list of text")
            continue
        if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
            problems.error(*w, f"sources of {key!r} must be a list of text")
            continue
        if not name or not desc:
            continue
        k = slug(str(key))
        out[k] = Entry(k, name, tuple(forms), desc, tuple(sources), kind, str(path), w[1])
    return out


def load_tags(path: Path, problems: Problems) -> dict[str, dict]:
    """Read content/tags.csv: TAGS code, kind, definition, confidence and source."""
    if not path.exists():
        return {}
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out[row["tag"]] = row
    return out


def load_content(root: Path, problems: Problems) -> Content:
    """Read the whole editorial layer under `root` (content/)."""
    c = Content()
    c.site = load_site(root / "site.yaml", problems)
    folder = root / "annotations"
    if folder.is_dir():
        for path in sorted(folder.glob("*.yaml")):
            a = load_annotations(path, problems)
            if a is None:
                continue
            if a.cable in c.annotations:
                problems.error(str(path), None, f"{a.cable} is annotated again (also in {c.annotations[a.cable].path})")
                continue
            c.annotations[a.cable] = a
    c.people = load_entries(root / "people.yaml", "person", problems)
    c.organizations = load_entries(root / "organizations.yaml", "organization", problems)
    c.glossary = load_entries(root / "glossary.yaml", "term", problems)
    c.tags = load_tags(root / "tags.csv", problems)
    return c
