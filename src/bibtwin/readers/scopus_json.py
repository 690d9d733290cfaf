"""Scopus Search API responses as JSON: the ``search-results`` envelope (one page, or an array of pages),
a bare JSON array of ``entry`` objects (what elsapy saves), or JSON Lines of entries (pybliometrics'
``ScopusSearch`` cache file, ``<VIEW>/<md5 of the query>``, which has no extension).

Both views are read. STANDARD names only the first author (``dc:creator``): it becomes the only item of
``authors`` and ``extra`` says ``"authors_complete": false``. COMPLETE adds the ``author`` list (at most
100 authors; ``author-count/@total`` says when more exist), ``dc:description``, ``authkeywords``
(``" | "``-separated) and the ``fund-*`` fields. Field definitions: "Scopus Search Views",
dev.elsevier.com. ``citedby-count`` is a count whenever present (``"0"`` is zero citations).
``doc_type_raw`` is ``subtypeDescription`` (the document type, as the Scopus CSV's ``Document Type``;
the ``subtype`` code when the description is missing); ``prism:aggregationType`` (the source type,
``Journal``) stays in ``extra`` with every other field no column holds (``link`` as ``{@ref: @href}``,
author and affiliation ids as ``author_afids``/``afid``; the ``@_fa`` markers are dropped).

A search with no results gives an empty table: the API answers it with one entry
``{"error": "Result set was empty"}``, which is not a record. Any other entry without EID and title is a
:class:`~bibtwin.readers.Rejection`. Malformed JSON raises :class:`~bibtwin.errors.ParseError` with the
line and column.
"""
from __future__ import annotations

import html
import json
import re

import pandas as pd

from .. import normalize as nz
from ..schema import COLUMN_NAMES
from ..textio import Text
from . import ReaderResult, Rejection
from ._json import json_values

FORMATS = ("scopus_api_json",)

_ENVELOPE = re.compile(r'^[\[\s]*\{\s*"search-results"\s*:')
_ENTRY = re.compile(r'"eid"\s*:\s*"2-s2\.0-|"dc:identifier"\s*:\s*"SCOPUS_ID:|"prism:coverDate"\s*:'
                    r'|"error"\s*:\s*"Result set was empty"')
# other Elsevier responses (Abstract, Author, Affiliation Retrieval) also carry EIDs and cover dates
_OTHER_RESPONSE = re.compile(r'^[\[\s]*\{\s*"[\w-]+-response"\s*:')
_EMPTY_RESULT = "Result set was empty"

# Scopus subtype codes, for the entry that has a code but no subtypeDescription
_SUBTYPES = {"ar": "Article", "re": "Review", "cp": "Conference Paper", "cr": "Conference Review",
             "ch": "Book Chapter", "bk": "Book", "ed": "Editorial", "er": "Erratum", "le": "Letter",
             "no": "Note", "sh": "Short Survey", "dp": "Data Paper", "tb": "Retracted",
             "bz": "Business Article", "ab": "Abstract Report", "pr": "Press Release", "rp": "Report"}

# entry fields read into canonical columns; every other field goes to `extra`
_HELD = {"eid", "dc:identifier", "dc:title", "prism:coverDate", "prism:doi", "citedby-count",
         "prism:publicationName", "prism:issn", "prism:eIssn", "prism:volume", "prism:issueIdentifier",
         "prism:pageRange", "article-number", "subtypeDescription", "pubmed-id", "dc:description",
         "authkeywords", "author", "dc:creator", "affiliation", "freetoreadLabel", "fund-sponsor",
         "fund-acr", "fund-no", "prism:url", "link"}  # `link` goes to extra as {@ref: @href}


def sniff(head: str) -> str | None:
    """The ``search-results`` envelope, or JSON (array or lines) whose objects look like Scopus entries."""
    if _ENVELOPE.match(head):
        return "scopus_api_json"
    start = head.lstrip()[:1]
    if start in ("{", "[") and not _OTHER_RESPONSE.match(head) and _ENTRY.search(head):
        return "scopus_api_json"
    return None


def parse(text: Text, fmt: str = "scopus_api_json") -> ReaderResult:
    rows, rejected = [], []
    for position, item in enumerate(_entries(text), start=1):
        problem = _unusable(item)
        if problem is None:
            rows.append(_row(item) + (position,))
        elif problem != _EMPTY_RESULT:
            rejected.append(Rejection(source_record=position, reason=problem,
                                      identifier=item.get("eid") if isinstance(item, dict) else None))
    frame = pd.DataFrame(rows, columns=[*_ROW_COLUMNS, "source_record"])
    for col in ("year", "cited_by", "source_record"):
        frame[col] = pd.array(frame[col].tolist(), dtype="Int64")
    if len(frame):
        # finish() derives countries from affiliations only when no record has any
        frame["countries"] = nz.countries_from_affiliations(
            nz.list_series(_list_array(frame["countries"].tolist()), frame.index))
    return ReaderResult(frame, rejected)


def _unusable(item) -> str | None:
    """Why ``item`` is not a record, or None when it is one."""
    if not isinstance(item, dict):
        return f"not a Scopus entry: a JSON {type(item).__name__}, expected an object"
    if item.get("eid") or item.get("dc:title") or _scopus_id(item):
        return None
    if item.get("error") == _EMPTY_RESULT and len(set(item) - {"@_fa"}) == 1:
        return _EMPTY_RESULT
    if item.get("error"):
        return f"the API returned an error entry: {str(item['error'])[:200]}"
    return f"not a Scopus entry: an object without eid or dc:title (keys {sorted(item)[:5]})"


# ------------------------------------------------------------------------------------------- JSON


def _entries(text: Text):
    """The entries of ``text``, whatever the envelope."""
    return json_values(text, _unwrap, expected="a Scopus Search API response (JSON)")


def _unwrap(data):
    if isinstance(data, dict) and isinstance(data.get("search-results"), dict):
        yield from data["search-results"].get("entry") or []
    elif isinstance(data, list):
        for item in data:
            if isinstance(item, dict) and isinstance(item.get("search-results"), dict):
                yield from item["search-results"].get("entry") or []   # an array of pages
            else:
                yield item
    else:
        yield data                                                       # one entry (a JSON line)






# ----------------------------------------------------------------------------------------- entries

_ROW_COLUMNS = ("record_id", "eid", "title", "abstract", "year", "doi", "pmid", "journal", "issn", "volume",
                "issue", "pages", "doc_type_raw", "authors", "author_full_names", "author_ids",
                "affiliations", "countries", "author_keywords", "cited_by", "open_access", "funding", "url",
                "extra")
assert set(_ROW_COLUMNS) <= set(COLUMN_NAMES)


def _row(e: dict) -> tuple:
    eid = e.get("eid") or (f"2-s2.0-{_scopus_id(e)}" if _scopus_id(e) else None)
    authors = _dedupe_authors(e.get("author"))
    extra = {k: v for k, v in e.items() if k not in _HELD and k != "@_fa" and v not in (None, "", [], {})}
    if authors:
        count = e.get("author-count")
        total = _count(count.get("@total")) if isinstance(count, dict) else None
        complete = total is None or total <= len(authors)
        names = [a.get("authname") or _short_name(a) for a in authors]
        full_names = [_full_name(a) for a in authors]
        author_ids = [a.get("authid") for a in authors]
        afids = [[x.get("$") for x in _listify(a.get("afid")) if isinstance(x, dict) and x.get("$")]
                 for a in authors]
        if any(afids):
            extra["author_afids"] = afids
        orcids = [a.get("orcid") for a in authors]
        if any(orcids):
            extra["author_orcids"] = orcids
        if e.get("dc:creator") and e["dc:creator"] != names[0]:
            extra["dc:creator"] = e["dc:creator"]
    else:
        # STANDARD view: dc:creator is the first author, and the only one named
        complete = False
        names = [e["dc:creator"]] if e.get("dc:creator") else []
        full_names, author_ids = [], []
    extra["authors_complete"] = complete
    affiliations, countries, afids = [], [], []
    for a in _listify(e.get("affiliation")):
        if not isinstance(a, dict):
            continue
        parts = [_text(a.get(k)) for k in ("affilname", "affiliation-city", "affiliation-country")]
        joined = ", ".join(p for p in parts if p)
        if joined and joined not in affiliations:
            affiliations.append(joined)
        if parts[2]:
            countries.append(parts[2])
        if a.get("afid"):
            afids.append(a["afid"])
    if afids:
        extra["afid"] = afids
    links = {x.get("@ref"): x.get("@href") for x in _listify(e.get("link")) if isinstance(x, dict)}
    if links:
        extra["link"] = links
    return (
        f"scopus:{eid}" if eid else None,
        eid,
        _unescape(_text(e.get("dc:title"))),
        _unescape(_text(e.get("dc:description"))),
        _year(e.get("prism:coverDate")),
        _text(e.get("prism:doi")),
        _text(e.get("pubmed-id")),
        _text(e.get("prism:publicationName")),
        "; ".join(x for x in (_text(e.get("prism:issn")), _text(e.get("prism:eIssn"))) if x) or None,
        _text(e.get("prism:volume")),
        _text(e.get("prism:issueIdentifier")),
        _text(e.get("prism:pageRange")) or _text(e.get("article-number")),
        _text(e.get("subtypeDescription")) or _SUBTYPES.get(e.get("subtype") or "", e.get("subtype")),
        names,
        full_names,
        author_ids,
        affiliations,
        countries,
        [k.strip() for k in (_unescape(_text(e.get("authkeywords"))) or "").split("|") if k.strip()],
        _count(e.get("citedby-count")),
        _open_access(e),
        _funding(e),
        _url(e),
        json.dumps(extra, ensure_ascii=False, sort_keys=True),
    )


def _text(value) -> str | None:
    """A text field: the API sends strings, ``{"$": ...}`` objects or lists of them (``prism:isbn``)."""
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        return _text(value.get("$"))
    if isinstance(value, list):
        return "; ".join(t for t in (_text(v) for v in value) if t) or None
    return str(value)


def _unescape(value: str | None) -> str | None:
    """Titles and abstracts carry HTML entities (``&amp;``); markup such as ``<inf>`` is kept."""
    return html.unescape(value) if value and "&" in value else value


def _listify(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _scopus_id(e: dict) -> str | None:
    ident = e.get("dc:identifier") or ""
    return ident.removeprefix("SCOPUS_ID:") if ident.startswith("SCOPUS_ID:") else None


def _year(cover_date) -> int | None:
    date = _text(cover_date) or ""
    return int(date[:4]) if date[:4].isdigit() else None


def _count(value) -> int | None:
    value = _text(value)
    return int(value) if value is not None and value.strip().isdigit() else None


def _dedupe_authors(authors) -> list[dict]:
    """The ``author`` list without repeats (an author with two affiliations can be listed twice)."""
    seen, out = set(), []
    for a in _listify(authors):
        if not isinstance(a, dict):
            continue
        key = (a.get("authid"), a.get("authname"), a.get("surname"), a.get("given-name"))
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out


def _full_name(a: dict) -> str | None:
    surname, given = _text(a.get("surname")), _text(a.get("given-name"))
    if surname and given:
        return f"{surname}, {given}"
    return surname or _text(a.get("authname"))


def _short_name(a: dict) -> str | None:
    surname, initials = _text(a.get("surname")), _text(a.get("initials"))
    return f"{surname} {initials}" if surname and initials else surname


def _open_access(e: dict) -> str | None:
    """``freetoreadLabel`` values ``; ``-joined (``All Open Access; Gold``); else ``Open Access`` when the
    entry is flagged open access; else unknown."""
    label = e.get("freetoreadLabel")
    if isinstance(label, dict):
        label = label.get("value")
    labels = [_text(v) for v in _listify(label)]
    if any(labels):
        return "; ".join(v for v in labels if v)
    if e.get("openaccessFlag") is True or str(e.get("openaccess")) == "1":
        return "Open Access"
    return None


def _funding(e: dict) -> str | None:
    parts = [_text(e.get(k)) for k in ("fund-sponsor", "fund-acr", "fund-no")]
    return "; ".join(p for p in parts if p and p != "undefined") or None


def _url(e: dict) -> str | None:
    """The record's page on scopus.com (the ``link`` with ``@ref`` ``scopus``), else ``prism:url``."""
    for link in _listify(e.get("link")):
        if isinstance(link, dict) and link.get("@ref") == "scopus" and link.get("@href"):
            return link["@href"]
    return _text(e.get("prism:url"))


def _list_array(values):
    import pyarrow as pa
    return pa.array(values, type=pa.list_(pa.string()))
