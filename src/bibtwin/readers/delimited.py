"""Delimited-text exports: Scopus CSV, PubMed CSV, Web of Science tab-delimited, Lens, Dimensions, Publish or Perish.

Formats are told apart by their header row (never the file name); see :func:`sniff`. Every format is parsed
by :func:`bibtwin.readers._csv.read_rows` (pyarrow, all columns as text) and mapped onto the canonical
columns with Arrow compute functions, column by column. Columns without a canonical home go, by their
header name, into the JSON ``extra`` column. Columns used only as a fallback (``JI`` when ``J9`` is empty,
``Art. No.`` when pages are known, ``EA`` when ``PY`` is given, PubMed's ``Citation``) stay in ``extra`` as
well, so nothing read is dropped.

Required columns (anything less raises :class:`MissingColumnsError`):

============== ======================================================================
scopus_csv     ``Title`` and one of ``EID``, ``Link``, ``DOI``, ``Authors``
pubmed_csv     ``PMID`` and ``Title``
wos_tab        ``TI`` and one of ``UT``, ``DI``, ``AU``
lens_csv       ``Lens ID`` and ``Title``
dimensions_csv ``Publication ID`` and ``Title``
pop_csv        ``Title`` and ``Cites``
============== ======================================================================

Malformed input (see :mod:`bibtwin.readers._csv`): a header without rows, a repeated column name and a
quoted field cut off at the end of the file raise :class:`ParseError` subclasses; a row with the wrong
number of fields is returned as a :class:`Rejection` with its record number and line.
"""
from __future__ import annotations

import base64
import csv
import json
import re
from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import normalize as nz
from .._threads import largest_first, run_all
from ..errors import MissingColumnsError
from ..schema import STRING, may_contain, patch_strings, strip_to_null, surround
from ..textio import Text
from . import ReaderResult
from ._csv import Rows, read_rows, split_header

FORMATS = ("scopus_csv", "pubmed_csv", "wos_tab", "lens_csv", "dimensions_csv", "pop_csv")

# --------------------------------------------------------------------------------------------- sniff

# Header names only Scopus uses (lower-cased); "Title" alone says nothing.
_SCOPUS_MARKERS = frozenset({
    "eid", "source title", "author(s) id", "author full names", "authors with affiliations",
    "abbreviated source title", "art. no.", "page start", "index keywords", "language of original document",
    "correspondence address", "cited by", "publication stage",
})
_DIMENSIONS_NOTE = re.compile(r'^\s*"?about the data', re.IGNORECASE)


def sniff(head: str) -> str | None:
    """The delimited format whose header row ``head`` starts with, or None."""
    lines = head.lstrip("\ufeff").split("\n", 2)
    first = lines[0]
    if _DIMENSIONS_NOTE.match(first) and len(lines) > 1:
        names = _lower_names(lines[1], ",")
        return "dimensions_csv" if "publication id" in names else None
    if "\t" in first:
        tags = [t for t in first.split("\t") if t.strip()]
        is_tags = all(re.fullmatch(r"[A-Z][A-Z0-9]", t.strip()) for t in tags)
        return "wos_tab" if is_tags and {"PT", "TI"} <= {t.strip() for t in tags} else None
    if "," not in first:
        return None
    names = _lower_names(first, ",")
    if "lens id" in names:
        return "lens_csv"
    if "publication id" in names and ({"dimensions url", "pubyear", "times cited"} & names):
        return "dimensions_csv"
    if {"cites", "title"} <= names and ({"gsrank", "citesurl", "articleurl", "querydate"} & names):
        return "pop_csv"
    if "pmid" in names and ({"citation", "journal/book", "first author", "create date"} & names):
        return "pubmed_csv"
    if "title" in names and (_SCOPUS_MARKERS & names):
        return "scopus_csv"
    return None


def _lower_names(line: str, delimiter: str) -> set[str]:
    try:
        return {n.lower() for n in split_header(line, delimiter, True)}
    except csv.Error:
        return set()


# --------------------------------------------------------------------------------------------- parse

def parse(text: Text, fmt: str) -> ReaderResult:
    """Read ``text`` as ``fmt`` (one of :data:`FORMATS`) into canonical columns (finished by ``bibtwin.io``)."""
    if fmt == "wos_tab":
        rows = read_rows(text, delimiter="\t", quoted=False)
    elif fmt == "dimensions_csv":
        has_note = bool(_DIMENSIONS_NOTE.match(text.head(200)))
        rows = read_rows(text, header_line=2 if has_note else 1)
    elif fmt in FORMATS:
        rows = read_rows(text)
    else:
        raise KeyError(fmt)
    cols = _Columns(rows, text.path)
    required_all, required_any = _REQUIRED[fmt]
    cols.require(required_all, required_any)
    mapped = _MAPPERS[fmt](cols)  # every column is taken now; the work that remains is in deferred tasks
    unused = {name: rows.columns[name] for name in rows.header if name not in cols.used}
    tasks = {"extra": partial(json_objects, unused)}
    tasks.update((name, value) for name, value in mapped.items() if isinstance(value, partial))
    done = run_all(largest_first(tasks))
    out = {}
    for name, value in mapped.items():
        value = done[name] if isinstance(value, partial) else value
        if isinstance(name, tuple):  # one task computed several columns
            out.update(zip(name, value))
        else:
            out[name] = value
    out["source_record"] = pa.array(rows.source_record, type=pa.int64())
    out["extra"] = done["extra"]
    return ReaderResult(records=_frame(out), rejected=rows.rejected)


_REQUIRED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "scopus_csv": (("Title",), ("EID", "Link", "DOI", "Authors")),
    "pubmed_csv": (("PMID", "Title"), ()),
    "wos_tab": (("TI",), ("UT", "DI", "AU")),
    "lens_csv": (("Lens ID", "Title"), ()),
    "dimensions_csv": (("Publication ID", "Title"), ()),
    "pop_csv": (("Title", "Cites"), ()),
}


class _Columns:
    """Columns by header name (case-insensitive), remembering which ones a canonical column consumed."""

    def __init__(self, rows: Rows, path: str):
        self.rows = rows
        self.path = path
        self.n = len(rows)
        self.by_lower = {name.lower(): name for name in rows.header}
        self.used: set[str] = set()

    def has(self, name: str) -> bool:
        return name.lower() in self.by_lower

    def peek(self, *names: str) -> pa.Array | None:
        """The first of ``names`` present, without consuming it (it also stays in ``extra``)."""
        for name in names:
            actual = self.by_lower.get(name.lower())
            if actual is not None:
                return self.rows.columns[actual]
        return None

    def take(self, *names: str) -> pa.Array | None:
        """The first of ``names`` present; it is consumed (not repeated in ``extra``)."""
        for name in names:
            actual = self.by_lower.get(name.lower())
            if actual is not None:
                self.used.add(actual)
                return self.rows.columns[actual]
        return None

    def take_all(self, pattern: str) -> list[pa.Array]:
        """Every column whose name matches ``pattern`` (e.g. Scopus ``Funding Text 1`` ... ``5``), in order."""
        found = [name for name in self.rows.header if re.fullmatch(pattern, name, re.IGNORECASE)]
        self.used.update(found)
        return [self.rows.columns[name] for name in found]

    def require(self, all_of: tuple[str, ...], any_of: tuple[str, ...]) -> None:
        missing = [name for name in all_of if not self.has(name)]
        if any_of and not any(self.has(name) for name in any_of):
            missing.append(" or ".join(any_of))
        if missing:
            raise MissingColumnsError(self.path, "required columns are missing", line=self.rows.header_line,
                                      expected="columns " + ", ".join(missing),
                                      found="header " + ", ".join(self.rows.header[:12])
                                      + (" ..." if len(self.rows.header) > 12 else ""))


# ------------------------------------------------------------------------------------ column helpers

def _nulls(n: int) -> pa.Array:
    return pa.nulls(n, type=pa.string())


def _blank_to_null(arr: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(pc.utf8_trim_whitespace(arr), ""), pa.scalar(None, pa.string()), arr)


def _join(arrays: list[pa.Array | None], sep: str = "; ") -> pa.Array | None:
    """Non-empty values of several columns joined row by row; null where all are empty.

    Not ``binary_join_element_wise(..., null_handling="skip")``: pyarrow 26.0.1 drops the rows where every
    input is null from its output (701 rows in, 446 out on smart_on_fhir/scopus.csv pages).
    """
    arrays = [a for a in arrays if a is not None]
    if not arrays:
        return None
    if len(arrays) == 1:
        return arrays[0]
    n, k = len(arrays[0]), len(arrays)
    row_major = (np.arange(k) * n + np.arange(n)[:, None]).ravel()
    chunks = [chunk for a in arrays for chunk in (a.chunks if isinstance(a, pa.ChunkedArray) else [a])]
    stacked = pa.chunked_array(chunks, type=pa.string()).combine_chunks()
    flat = pc.take(stacked, pa.array(row_major))
    lists = pa.ListArray.from_arrays(pa.array(np.arange(0, n * k + 1, k, dtype=np.int32)), flat)
    lists = nz.clean_list_items(lists)  # items trimmed, empty ones dropped: only an empty list is blank
    return pc.if_else(pc.equal(pc.list_value_length(lists), 0), pa.scalar(None, pa.string()),
                      pc.binary_join(lists, sep))


def _prefixed(prefix: str, arr: pa.Array | None) -> pa.Array | None:
    """``prefix`` + value; null stays null."""
    if arr is None:
        return None
    return pc.binary_replace_slice(strip_to_null(arr), 0, 0, prefix)  # an insertion before each value


def _split(arr: pa.Array | None, sep: str) -> pa.Array | None:
    """A ``list<string>`` column: items split on ``sep``, stripped, empty ones dropped."""
    if arr is None:
        return None
    return nz.clean_list_items(pc.split_pattern(arr, sep))


def _map_items(lists: pa.Array, func) -> pa.Array:
    """Apply an Arrow function to every item of a list column, keeping the lists' shape, then clean."""
    lists = lists.fill_null(pa.scalar([], type=lists.type)) if lists.null_count else lists
    flat = func(lists.flatten())
    return nz.clean_list_items(pa.ListArray.from_arrays(nz.relative_offsets(lists), flat))


def _extract(arr: pa.Array | None, pattern: str) -> pa.Array | None:
    """The first (named: Arrow needs names) group of ``pattern`` (RE2) in each value; null if no match."""
    if arr is None:
        return None
    found = pc.extract_regex(arr, pattern)
    return pc.struct_field(found, [0])


def _year(arr: pa.Array | None) -> pa.Array | None:
    """First four-digit year 1000-2099 in each value (as :func:`bibtwin.normalize.parse_year`)."""
    if arr is None:
        return None
    if arr.null_count < len(arr) and pc.all(pc.and_(pc.equal(pc.binary_length(arr), 4),
                                                    pc.utf8_is_decimal(arr))).as_py():
        # the usual column of bare years: read as numbers (the pattern below costs 0.03 s per 70,000 rows)
        try:
            years = pc.cast(arr, pa.int64())
        except pa.ArrowInvalid:  # digits other than 0-9
            years = None
        if years is not None:
            plausible = pc.and_(pc.greater_equal(years, 1000), pc.less_equal(years, 2099))
            return pc.if_else(plausible, years, pa.scalar(None, pa.int64()))
    found = _extract(arr, r"\b(?P<year>1\d{3}|20\d{2})\b")
    return pc.cast(found, pa.int64())


def _count(arr: pa.Array | None, *, empty_is_zero: bool) -> pa.Array | None:
    """Citation counts; an empty field is 0 (Scopus's convention) or unknown. Non-numbers are unknown."""
    if arr is None:
        return None
    if pc.all(pc.ascii_is_decimal(arr)).as_py() is not False:  # the usual column: digits or nothing
        counts = pc.cast(arr, pa.int64())
        return counts.fill_null(0) if empty_is_zero else counts
    digits = pc.replace_substring(pc.utf8_trim_whitespace(arr), ",", "")
    is_number = pc.fill_null(pc.match_substring_regex(digits, r"^\d+$"), False)
    counts = pc.cast(pc.if_else(is_number, digits, pa.scalar(None, pa.string())), pa.int64())
    if empty_is_zero:
        is_empty = pc.fill_null(pc.equal(digits, ""), True)
        counts = pc.if_else(is_empty, pa.scalar(0, pa.int64()), counts)
    return counts


def _pages(start: pa.Array | None, end: pa.Array | None, article: pa.Array | None = None) -> pa.Array | None:
    """``start-end`` (or whichever is known), else the article number."""
    span = _join([start, end], "-")
    if article is None:
        return span
    return article if span is None else pc.coalesce(span, article)


def _first_present(arrays: list[pa.Array | None]) -> pa.Array | None:
    """Row by row, the first non-null value among the columns that exist."""
    arrays = [a for a in arrays if a is not None]
    if not arrays:
        return None
    return arrays[0] if len(arrays) == 1 else pc.coalesce(*arrays)


def _constant(value: str, n: int) -> pa.Array:
    return pa.array(np.full(n, value, dtype=object), type=pa.string())


_PARTICLES = "van|von|der|den|de|del|della|di|da|du|dos|das|do|le|la|ten|ter|al|el|bin|ibn|st"
# "Jane A. Doe" -> "Doe, Jane A."; "M van der Berg" -> "van der Berg, M"; one-word names stay as they are
_GIVEN_FIRST = rf"^(.+?)\s+((?:(?:{_PARTICLES})\s+)*\S+)$"


def _given_first_to_inverted(names: pa.Array) -> pa.Array:
    """Turn given-name-first author names into ``Surname, Given`` so the shared normalizer reads them."""
    names = pc.replace_substring_regex(names, r"^(?:Prof|Dr|Mr|Mrs|Ms)\.?\s+", "")
    return pc.replace_substring_regex(pc.utf8_trim_whitespace(names), _GIVEN_FIRST, r"\2, \1")


def _frame(columns: dict[str, pa.Array | None]) -> pd.DataFrame:
    """A DataFrame of canonical columns from Arrow arrays, without copying text through Python objects."""
    data = {}
    for name, arr in columns.items():
        if arr is None:
            continue
        if pa.types.is_list(arr.type):
            data[name] = nz.list_series(arr)
        elif pa.types.is_integer(arr.type):
            data[name] = pd.Series(arr.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get),
                                   dtype="Int64")
        else:
            data[name] = pd.Series(pd.arrays.ArrowStringArray(arr.cast(pa.string())), dtype=STRING)
    return pd.DataFrame(data)


# ------------------------------------------------------------------------------------------- extra

_JSON_ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"),
                 ("\b", "\\b"), ("\f", "\\f"))
_JSON_SPECIAL = '[\\x00-\\x1f"\\\\]'
_OTHER_CONTROLS = [chr(c) for c in range(32) if chr(c) not in "\n\r\t\b\f"]


def _json_string_body(arr: pa.Array) -> pa.Array:
    """Values escaped as the inside of JSON strings, exactly as ``json.dumps(..., ensure_ascii=False)``."""
    if not may_contain(arr, _JSON_SPECIAL):
        return arr
    return patch_strings(arr, pc.match_substring_regex(arr, _JSON_SPECIAL).fill_null(False), _escape_json)


def _escape_json(arr: pa.Array) -> pa.Array:
    for raw, escaped in _JSON_ESCAPES:
        arr = pc.replace_substring(arr, raw, escaped)
    if pc.any(pc.match_substring_regex(arr, "[\\x00-\\x1f]")).as_py():
        for ch in _OTHER_CONTROLS:
            arr = pc.replace_substring(arr, ch, f"\\u{ord(ch):04x}")
    return arr


def json_objects(columns: dict[str, pa.Array]) -> pa.Array:
    """One JSON object per row of the given text columns, keys sorted, empty values left out.

    The same text as :func:`bibtwin.io.extra_json` (``json.dumps(sort_keys=True, ensure_ascii=False)``),
    built with Arrow string functions instead of a Python loop over rows; null where a row has no values.
    """
    n = len(next(iter(columns.values()))) if columns else 0
    pairs = []
    for name in sorted(columns):
        arr = columns[name]
        empty = pc.equal(pc.binary_length(arr), 0)  # from the offsets: no string comparison, no copy
        if pc.any(empty).as_py():
            arr = pc.if_else(empty, pa.scalar(None, pa.string()), arr)
        if arr.null_count == len(arr):
            continue
        key = json.dumps(name, ensure_ascii=False) + ': "'
        pairs.append(surround(_json_string_body(arr), key, '", '))
    if not pairs:
        return _nulls(n)
    # each pair ends with ", ": joined with nothing (a missing pair adds nothing), the last ", " cut off
    # (a pair ends with the closing quote of its value, so nothing else is cut)
    body = pc.utf8_rtrim(pc.binary_join_element_wise(*pairs, "", null_handling="replace", null_replacement=""),
                         characters=", ")
    return pc.if_else(pc.equal(body, ""), pa.scalar(None, pa.string()), surround(body, "{", "}"))


# ------------------------------------------------------------------------------------------ Scopus

_NO_AUTHOR = "[No author name available]"


def _scopus_authors(authors_raw: pa.Array, semicolons: bool) -> pa.Array:
    authors = _split(authors_raw, ";" if semicolons else ",")
    # Scopus's placeholder for a record without authors is not an author (an equality test, not a regex)
    placeholder = pc.equal(authors.values, _NO_AUTHOR).to_numpy(zero_copy_only=False)
    return nz.keep_items(authors.offsets, authors.values, ~placeholder if placeholder.any() else None)


def _scopus_full_names(full_names_raw: pa.Array, with_ids: bool = True):
    """"Hahn, Waldemar (57255281800)": the names, and (``with_ids``) the Scopus author IDs in brackets.

    Each item is cut at its last "(" (a split from the right: a tenth of the time of the two regex
    passes it replaces); where what follows is digits and ")" that is the ID, and the name is what
    precedes it.
    """
    listed = _split(full_names_raw, ";")
    items = listed.values.slice(listed.offsets[0].as_py(), len(listed.flatten()))
    parts = pc.split_pattern(items, "(", max_splits=1, reverse=True)
    offsets = parts.offsets.to_numpy()
    first = pc.take(parts.values, pa.array(offsets[:-1]))
    last = pc.take(parts.values, pa.array(offsets[1:] - 1))
    # "digits)": ends with ")" and all ASCII digits before it (under half the time of a regex per item)
    id_like = pc.and_(pc.ends_with(last, ")"), pc.ascii_is_decimal(pc.utf8_slice_codeunits(last, 0, -1)))
    has_id = pc.and_(pc.equal(pc.list_value_length(parts), 2), id_like).fill_null(False)
    names = pc.if_else(has_id, first, items)
    full_names = nz.clean_list_items(pa.ListArray.from_arrays(nz.relative_offsets(listed), names))
    if not with_ids:
        return full_names
    ids = pc.if_else(has_id, pc.utf8_rtrim(last, characters=")"), pa.scalar(None, pa.string()))
    return full_names, nz.clean_list_items(pa.ListArray.from_arrays(nz.relative_offsets(listed), ids))


def _scopus(c: _Columns) -> dict:
    """Scopus CSV columns; the expensive ones are returned as deferred tasks (``partial``), run in parallel
    by :func:`parse` once every column has been taken."""
    authors_raw = c.take("Authors")
    full_names_raw = c.take("Author full names")
    # The 2019-2022 layout separates authors with commas ("Merino J., Dashti H.S."), the current one
    # with semicolons; a file uses one or the other, and names never contain ";".
    semicolons = full_names_raw is not None or (
        authors_raw is not None and pc.any(pc.match_substring(authors_raw, ";")).as_py())
    names = {}
    if authors_raw is not None:
        names["authors"] = partial(_scopus_authors, authors_raw, semicolons)
    ids_column = c.take("Author(s) ID")
    if full_names_raw is not None:
        if ids_column is None:
            names[("author_full_names", "author_ids")] = partial(_scopus_full_names, full_names_raw)
        else:
            names["author_full_names"] = partial(_scopus_full_names, full_names_raw, with_ids=False)
    if ids_column is not None:
        names["author_ids"] = partial(_split, ids_column, ";")
    link = c.take("Link")
    eid = c.take("EID")
    eid_from_link = _extract(link, r"[?&]eid=(?P<eid>2-s2\.0-\d+)") if eid is None or eid.null_count else None
    eid = eid_from_link if eid is None else (eid if eid_from_link is None else pc.coalesce(eid, eid_from_link))
    cited_by_raw = c.take("Cited by")
    funding = partial(_join, [c.take("Funding Details"), *c.take_all(r"Funding Texts?( \d+)?")])
    return {
        # references contain commas and are separated by "; " (as bibliometrix splits them)
        "references": partial(_split, c.take("References"), "; "),
        "index_keywords": partial(_split, c.take("Index Keywords"), ";"),
        **names,
        "record_id": _prefixed("scopus:", eid),
        "eid": eid,
        "title": c.take("Title"),
        "year": _year(c.take("Year")),
        "journal": c.take("Source title"),
        "journal_abbrev": c.take("Abbreviated Source Title"),
        "volume": c.take("Volume"),
        "issue": c.take("Issue"),
        "pages": partial(_pages, c.take("Page start"), c.take("Page end"), c.peek("Art. No.")),
        "cited_by": _count(cited_by_raw, empty_is_zero=True),  # no column at all stays unknown
        "doi": c.take("DOI"),
        "url": link,
        "abstract": c.take("Abstract"),
        "affiliations": partial(_split, c.take("Affiliations"), ";"),
        "corresponding_address": c.take("Correspondence Address"),
        "author_keywords": partial(_split, c.take("Author Keywords"), ";"),
        "subject_categories": _split(c.take("Subject area", "Subject areas"), ";"),
        "funding": funding,
        "publisher": c.take("Publisher"),
        "issn": c.take("ISSN"),
        "pmid": c.take("PubMed ID"),
        "language": c.take("Language of Original Document"),
        "doc_type_raw": c.take("Document Type"),
        "open_access": c.take("Open Access", "Access Type"),
    }


# ------------------------------------------------------------------------------------------ PubMed

# "J Am Med Inform Assoc. 2017 Mar 1;24(2):398-402. doi: ..." -> volume 24, issue 2, pages 398-402;
# "AMIA Jt Summits Transl Sci Proc. 2018 May 18;2017:369-378." -> volume 2017, pages 369-378
_CITATION = (r"\b(?:1\d|20)\d{2}\b[^;]*;\s*(?P<volume>[^(:;\s]*)\s*(?:\((?P<issue>[^)]*)\))?"
             r"(?::\s*(?P<pages>[^\s;]*[^\s;.]))?")


def _pubmed(c: _Columns) -> dict:
    pmid = pc.utf8_trim_whitespace(c.take("PMID"))
    citation = c.peek("Citation")
    volume = issue = pages = None
    if citation is not None:
        parts = pc.extract_regex(citation, _CITATION)
        volume, issue, pages = (_blank_to_null(pc.struct_field(parts, [i])) for i in range(3))
    authors = c.take("Authors")
    if authors is not None:  # "Wagholikar KB, Mandel JC, Murphy SN." : the list ends with a full stop
        authors = _split(pc.replace_substring_regex(authors, r"\.\s*$", ""), ",")
    journal = c.take("Journal/Book")
    return {
        "record_id": _prefixed("pubmed:", pmid),
        "pmid": pmid,
        "title": c.take("Title"),
        "authors": authors,
        "journal": journal,
        "journal_abbrev": journal,  # PubMed's CSV gives the NLM abbreviation as the journal
        "year": _year(c.take("Publication Year")),
        "doi": c.take("DOI"),
        "volume": volume,
        "issue": issue,
        "pages": pages,
        "url": _prefixed("https://pubmed.ncbi.nlm.nih.gov/", pmid) if pmid is not None else None,
    }


# ------------------------------------------------------------------------------------ Web of Science

def _wos_tab(c: _Columns) -> dict:
    uid = c.take("UT")
    py = c.take("PY")
    early_access = c.peek("EA")
    year = _year(py)
    if early_access is not None:  # an early-access article has no PY yet; its EA date gives the year
        year = _year(early_access) if year is None else pc.coalesce(year, _year(early_access))
    affiliations = c.take("C1")
    if affiliations is not None:
        # "[Wu, W; Zhou, J] Zhejiang Univ, Hangzhou, Peoples R China; [...] ...": drop the bracketed
        # author lists first, since their own semicolons would split an affiliation
        affiliations = _split(pc.replace_substring_regex(affiliations, r"\[[^\]]*\]\s*", ""), ";")
    url = _prefixed("https://www.webofscience.com/wos/woscc/full-record/", uid)
    return {
        "record_id": _prefixed("wos:", uid),
        "wos_uid": uid,
        "authors": _split(c.take("AU"), ";"),
        "author_full_names": _split(c.take("AF"), ";"),
        "title": c.take("TI"),
        "journal": c.take("SO"),
        "journal_abbrev": _first_present([c.take("J9"), c.peek("JI")]),
        "doc_type_raw": c.take("DT"),
        "language": c.take("LA"),
        "author_keywords": _split(c.take("DE"), ";"),
        "index_keywords": _split(c.take("ID"), ";"),
        "abstract": c.take("AB"),
        "affiliations": affiliations,
        "corresponding_address": c.take("RP"),
        "references": _split(c.take("CR"), ";"),
        "cited_by": _count(c.take("TC"), empty_is_zero=False),
        "year": year,
        "doi": c.take("DI"),
        "pmid": c.take("PM"),
        "subject_categories": _split(c.take("WC"), ";"),
        "issn": _join([c.take("SN"), c.take("EI")]),
        "volume": c.take("VL"),
        "issue": c.take("IS"),
        "pages": _pages(c.take("BP"), c.take("EP"), c.peek("AR")),
        "publisher": c.take("PU"),
        "open_access": c.take("OA"),
        "funding": _join([c.take("FU"), c.take("FX")]),
        "url": url,
    }


# -------------------------------------------------------------------------------------------- Lens

def _lens(c: _Columns) -> dict:
    lens_id = pc.utf8_trim_whitespace(c.take("Lens ID"))
    authors = _split(c.take("Author/s"), ";")
    full_names = None if authors is None else _map_items(authors, _given_first_to_inverted)
    return {
        "record_id": _prefixed("lens:", lens_id),
        "title": c.take("Title"),
        "year": _year(c.take("Publication Year")) if c.has("Publication Year") else _year(
            c.peek("Date Published")),
        "doc_type_raw": c.take("Publication Type"),
        "journal": c.take("Source Title"),
        "issn": c.take("ISSNs"),
        "publisher": c.take("Publisher"),
        "authors": full_names,
        "author_full_names": full_names,
        "abstract": c.take("Abstract"),
        "volume": c.take("Volume"),
        "issue": c.take("Issue Number"),
        "pages": _pages(c.take("Start Page"), c.take("End Page")),
        "subject_categories": _split(c.take("Fields of Study"), ";"),
        "author_keywords": _split(c.take("Keywords"), ";"),
        "mesh_terms": _split(c.take("MeSH Terms"), ";"),
        "funding": c.take("Funding"),
        "pmid": c.take("PMID"),
        "doi": c.take("DOI"),
        "references": _split(c.take("References"), ";"),
        "cited_by": _count(c.take("Citing Works Count"), empty_is_zero=False),
        "open_access": _join([c.take("Is Open Access"), c.take("Open Access Colour"),
                              c.take("Open Access License")]),
        "url": _prefixed("https://lens.org/", lens_id),
    }


# -------------------------------------------------------------------------------------- Dimensions

def _dimensions(c: _Columns) -> dict:
    pub_id = pc.utf8_trim_whitespace(c.take("Publication ID"))
    countries = _split(c.take("Country of Research organization"), ";")
    out = {
        "record_id": _prefixed("dimensions:", pub_id),
        "doi": c.take("DOI"),
        "pmid": c.take("PMID"),
        "title": c.take("Title"),
        "abstract": c.take("Abstract"),
        "journal": c.take("Source title"),
        "mesh_terms": _split(c.take("MeSH terms"), ";"),
        "year": _year(c.take("PubYear")) if c.has("PubYear") else _year(c.peek("Publication date")),
        "volume": c.take("Volume"),
        "issue": c.take("Issue"),
        "pages": c.take("Pagination"),
        "open_access": c.take("Open Access"),
        "doc_type_raw": c.take("Publication Type", "Document Type"),
        # "Smith, John; Doe, Jane": already surname first
        "authors": _split(c.peek("Authors"), ";"),
        "author_full_names": _split(c.take("Authors"), ";"),
        "affiliations": _split(c.take("Research Organizations - standardized"), ";"),
        "funding": c.take("Funder"),
        "cited_by": _count(c.take("Times cited"), empty_is_zero=False),
        "url": c.take("Dimensions URL"),
        "subject_categories": _split(c.take("Fields of Research (ANZSRC 2020)",
                                            "Fields of Research (ANZSRC 2008)"), ";"),
    }
    if countries is not None:
        # Dimensions names the countries itself; map them to the standard names the schema uses
        out["countries"] = nz.countries_from_affiliations(nz.list_series(countries)).array._pa_array
    return out


# ---------------------------------------------------------------------------------- Publish or Perish

def _pop_database(c: _Columns) -> str:
    """Which service a Publish or Perish export queried, judged from its links (one service per file).

    Only links that name the service's own records count: a Crossref export also links full texts at
    api.elsevier.com, which says nothing about where the record came from.
    """
    def anywhere(column: str, pattern: str) -> bool:
        arr = c.peek(column)
        return arr is not None and bool(pc.any(pc.match_substring_regex(arr, pattern)).as_py())

    if anywhere("CitesURL", r"scholar\.google\.") or anywhere("RelatedURL", r"scholar\.google\."):
        return "scholar"
    if anywhere("CitesURL", r"scopus\.com/") or anywhere("CitationURL", r"elsevier\.com/content/abstract/scopus_id"):
        return "scopus"
    if anywhere("CitesURL", r"semanticscholar\.org") or anywhere("ArticleURL", r"semanticscholar\.org"):
        return "semantic_scholar"
    if anywhere("ArticleURL", r"openalex\.org") or anywhere("CitesURL", r"openalex\.org"):
        return "openalex"
    if anywhere("CitesURL", r"webofscience\.com|webofknowledge\.com"):
        return "wos"
    if anywhere("ArticleURL", r"doi\.org/"):
        return "crossref"
    return "scholar"  # Publish or Perish's default source


def _scholar_cluster_from_related(related: pa.Array) -> pa.Array:
    """The Google Scholar cluster id inside ``related:<id>:`` links, as the decimal number ``cites=`` uses.

    The id is URL-safe base64 of the cluster number's 8 little-endian bytes (plus one byte). Publish or
    Perish caps Google Scholar at 1,000 rows, and this runs once per distinct id.
    """
    tokens = _extract(related, r"related:(?P<id>[A-Za-z0-9_-]{11,12}):")
    uniques = pc.unique(tokens.drop_null())

    def decode(token: str) -> str | None:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except ValueError:
            return None
        return str(int.from_bytes(raw[:8], "little")) if len(raw) >= 8 else None

    decoded = pa.array([decode(t) for t in uniques.to_pylist()], type=pa.string())
    return pc.take(decoded, pc.index_in(tokens, value_set=uniques))


def _pop(c: _Columns) -> dict:
    database = _pop_database(c)
    cites_url = c.peek("CitesURL")
    record_id = eid = None
    if database == "scholar":
        cluster = _extract(cites_url, r"[?&]cites=(?P<id>\d+)")
        related = c.peek("RelatedURL")
        if related is not None:
            from_related = _scholar_cluster_from_related(related)
            cluster = from_related if cluster is None else pc.coalesce(cluster, from_related)
        record_id = _prefixed("scholar:", cluster)
    elif database == "scopus":
        # CitesURL "...citedby.uri?...&scp=85044579220": the Scopus id; kept apart from real Scopus exports
        scopus_id = _extract(cites_url, r"[?&]scp=(?P<id>\d+)")
        if scopus_id is None or scopus_id.null_count == len(scopus_id):
            scopus_id = _extract(c.peek("CitationURL"), r"scopus_id/(?P<id>\d+)")
        eid = _prefixed("2-s2.0-", scopus_id)
        record_id = _prefixed("pop:", eid)
    authors = c.take("Authors")
    if authors is not None:
        # "A Alimoğlu, C Özturan" / "E.D. Zamani": initials first; Google Scholar marks a cut list with "…"
        authors = _split(pc.replace_substring(authors, "…", ""), ",")
        authors = _map_items(authors, _given_first_to_inverted)
    return {
        "database": _constant(database, c.n),
        "record_id": record_id,
        "eid": eid,
        "cited_by": _count(c.take("Cites"), empty_is_zero=False),
        "authors": authors,
        "title": c.take("Title"),
        "year": _year(c.take("Year")),
        "journal": c.take("Source"),
        "publisher": c.take("Publisher"),
        "url": c.take("ArticleURL"),
        "doc_type_raw": c.take("Type"),
        "doi": c.take("DOI"),
        "issn": c.take("ISSN"),
        "volume": c.take("Volume"),
        "issue": c.take("Issue"),
        "pages": _pages(c.take("StartPage"), c.take("EndPage")),
        "abstract": c.take("Abstract"),
    }


_MAPPERS = {
    "scopus_csv": _scopus,
    "pubmed_csv": _pubmed,
    "wos_tab": _wos_tab,
    "lens_csv": _lens,
    "dimensions_csv": _dimensions,
    "pop_csv": _pop,
}
