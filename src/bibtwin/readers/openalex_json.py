"""OpenAlex works as JSON: an API list page (``{"meta": ..., "results": [...]}``), a single work
(``/works/W...``), a JSON array of works, or JSON Lines (one work per line, as bulk snapshots and most
harvesting scripts save them).

JSON has to be decoded object by object, so this reader walks the works in Python once (linear, one pass
per work, no per-field searches); the columns are then built in one go.

An empty page (``"results": []``, the last page of a cursor-paged query) gives an empty table, not an error.
Malformed JSON raises :class:`~bibtwin.errors.ParseError` with the line and column. A JSON value that is
not a work (not an object) is returned as a :class:`~bibtwin.readers.Rejection`.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache

import pandas as pd

from ..schema import COLUMN_NAMES
from ..textio import Text
from . import ReaderResult, Rejection
from ._json import json_values

FORMATS = ("openalex_json",)

_WORK_ID = re.compile(r'"id"\s*:\s*"https://openalex\.org/W\d+"')
_PAGE = re.compile(r'"meta"\s*:\s*\{[^{}]*"db_response_time_ms"')

# fields read into canonical columns; everything else a work has goes to `extra`
_HELD = {"id", "doi", "title", "display_name", "publication_year", "type", "language", "cited_by_count",
         "referenced_works", "abstract_inverted_index", "abstract_inverted_index_v3", "mesh", "keywords",
         "concepts", "grants", "funders", "open_access", "biblio", "authorships"}
_PARTICLES = {"van", "von", "de", "der", "den", "del", "della", "di", "da", "das", "do", "dos", "du", "la",
              "le", "ter", "ten", "bin", "ibn", "al", "el", "st", "mc"}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


def sniff(head: str) -> str | None:
    """JSON whose objects carry OpenAlex work ids, or an OpenAlex list page (even an empty one)."""
    start = head.lstrip()[:1]
    if start in ("{", "[") and (_WORK_ID.search(head) or _PAGE.search(head)):
        return "openalex_json"
    return None


def parse(text: Text, fmt: str = "openalex_json") -> ReaderResult:
    works, positions, rejected = [], [], []
    for position, item in enumerate(_json_values(text), start=1):
        if isinstance(item, dict) and (item.get("id") or item.get("title") or item.get("display_name")):
            works.append(item)
            positions.append(position)
        elif isinstance(item, dict):
            rejected.append(Rejection(source_record=position, reason="not an OpenAlex work: an object "
                                      f"without id or title (keys {sorted(item)[:5]})"))
        else:
            rejected.append(Rejection(source_record=position, reason=f"not an OpenAlex work: a JSON "
                                      f"{type(item).__name__}, expected an object"))
    rows = [_row(w) for w in works]
    frame = pd.DataFrame(rows, columns=list(_ROW_COLUMNS))
    frame["source_record"] = positions  # as rejections count them: a value that is not a work keeps its place
    for col in ("year", "cited_by"):
        frame[col] = pd.array(frame[col].tolist(), dtype="Int64")
    return ReaderResult(frame, rejected)


# ------------------------------------------------------------------------------------------- JSON


def _json_values(text: Text):
    """The works in ``text``, whatever the envelope."""
    return json_values(text, _unwrap, expected="an OpenAlex works response (JSON)")


def _unwrap(data):
    if isinstance(data, dict):
        if "results" in data and isinstance(data["results"], list):    # a list page
            yield from data["results"]
        else:                                                           # a single work
            yield data
    elif isinstance(data, list):
        for item in data:
            if isinstance(item, dict) and isinstance(item.get("results"), list) and "meta" in item:
                yield from item["results"]                              # an array of pages
            else:
                yield item
    else:
        yield data






# ------------------------------------------------------------------------------------------- works

_ROW_COLUMNS = ("record_id", "title", "abstract", "year", "doi", "pmid", "journal", "issn", "volume",
                "issue", "pages", "doc_type_raw", "language", "authors", "author_full_names", "author_ids",
                "affiliations", "countries", "index_keywords", "mesh_terms", "subject_categories",
                "cited_by", "references", "open_access", "funding", "publisher", "url", "extra")
assert set(_ROW_COLUMNS) <= set(COLUMN_NAMES)


def _row(w: dict) -> tuple:
    location = w.get("primary_location") or {}
    source = location.get("source") or {}
    biblio = w.get("biblio") or {}
    authorships = w.get("authorships") or []
    names = [((a.get("author") or {}).get("display_name") or a.get("raw_author_name") or "").strip()
             for a in authorships]
    full_names = [surname_first(n) for n in names if n]
    work_id = w.get("id") or ""
    short_id = work_id.rsplit("/", 1)[-1] if work_id else None
    return (
        f"openalex:{short_id}" if short_id else None,
        w.get("title") or w.get("display_name"),
        _abstract(w.get("abstract_inverted_index") or w.get("abstract_inverted_index_v3")),
        w.get("publication_year"),
        w.get("doi"),
        _pmid((w.get("ids") or {}).get("pmid")),
        source.get("display_name"),
        "; ".join(source.get("issn") or ([source["issn_l"]] if source.get("issn_l") else [])) or None,
        biblio.get("volume"),
        biblio.get("issue"),
        _pages(biblio.get("first_page"), biblio.get("last_page")),
        w.get("type"),
        w.get("language"),
        full_names,
        full_names,
        [((a.get("author") or {}).get("id") or "").rsplit("/", 1)[-1]
         for a, name in zip(authorships, names) if name],
        _affiliations(authorships),
        _unique(country_name(c) for a in authorships for c in (a.get("countries") or [])),
        _unique([k.get("display_name") for k in w.get("keywords") or []]
                + [c.get("display_name") for c in w.get("concepts") or []]),
        _unique(_mesh(m) for m in w.get("mesh") or []),
        _subjects(w),
        w.get("cited_by_count"),
        [r for r in w.get("referenced_works") or [] if r],
        (w.get("open_access") or {}).get("oa_status"),
        _funding(w),
        source.get("host_organization_name"),
        work_id or None,
        _extra(w),
    )


def _abstract(inverted: dict | None) -> str | None:
    """Rebuild the text from OpenAlex's ``{word: [positions]}`` index."""
    if not inverted:
        return None
    last = max((p for where in inverted.values() for p in where), default=-1)
    words = [""] * (last + 1)
    for word, where in inverted.items():
        for p in where:
            words[p] = word
    return " ".join(filter(None, words)) or None


def _pmid(url: str | None) -> str | None:
    return url.rstrip("/").rsplit("/", 1)[-1] if url else None


def _pages(first, last) -> str | None:
    if first and last and first != last:
        return f"{first}-{last}"
    return first or last or None


def _affiliations(authorships) -> list[str]:
    """Affiliation strings as the paper printed them (they carry the city and country), or the institution
    names when OpenAlex kept no raw string; one per affiliation, not per author."""
    found = []
    for a in authorships:
        raw = a.get("raw_affiliation_strings") or []
        found.extend(raw if raw else [i.get("display_name") for i in a.get("institutions") or []])
    return _unique(found)


def _mesh(m: dict) -> str | None:
    heading = m.get("descriptor_name")
    qualifier = m.get("qualifier_name")
    if not heading:
        return None
    return f"{heading}/{qualifier}" if qualifier else heading


def _subjects(w: dict) -> list[str]:
    """Subfields and fields of the primary topic first, then of the other topics."""
    topics = ([w["primary_topic"]] if w.get("primary_topic") else []) + list(w.get("topics") or [])
    return _unique((t.get(level) or {}).get("display_name")
                   for t in topics for level in ("subfield", "field"))


def _funding(w: dict) -> str | None:
    parts = []
    for g in w.get("grants") or []:
        funder = g.get("funder_display_name") or g.get("funder")
        award = g.get("award_id")
        parts.append(f"{funder} ({award})" if funder and award else funder or award)
    if not parts:
        parts = [f.get("display_name") for f in w.get("funders") or []]
    return "; ".join(_unique(parts)) or None


def _extra(w: dict) -> str | None:
    rest = {k: v for k, v in w.items() if k not in _HELD and v not in (None, "", [], {})}
    if w.get("display_name") and w.get("display_name") != w.get("title"):
        rest["display_name"] = w["display_name"]
    return json.dumps(rest, ensure_ascii=False, sort_keys=True) if rest else None


def _unique(values) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


@lru_cache(maxsize=None)
def country_name(code: str) -> str | None:
    """ISO 3166 alpha-2 code -> the standard name :func:`bibtwin.normalize.country_of` produces
    (pycountry common name, else name); an unknown code (``XK`` Kosovo) is kept as given."""
    import pycountry

    country = pycountry.countries.get(alpha_2=code.upper()) if code else None
    if country is None:
        return {"XK": "Kosovo"}.get(code.upper(), code) if code else None
    return getattr(country, "common_name", None) or country.name


@lru_cache(maxsize=200_000)
def surname_first(name: str) -> str:
    """``John A. Smith`` -> ``Smith, John A.``; ``J.A.C. van Burg`` -> ``van Burg, J.A.C.``; names that
    already have a comma, or are one word, are returned as given."""
    name = " ".join(name.split())
    if "," in name:
        return name
    words = name.split(" ")
    suffix = []
    while len(words) > 2 and words[-1].lower() in _SUFFIXES:
        suffix.insert(0, words.pop())
    if len(words) < 2:
        return " ".join(words + suffix)
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    surname = " ".join(words[start:] + suffix)
    return f"{surname}, {' '.join(words[:start])}"
