"""Normalizers shared by every reader: DOIs, document types, author names, countries, list fields.

All functions work on whole columns (pandas Series or Arrow arrays) so that reading stays vectorized;
any per-value Python work runs once per *distinct* value, not once per record.
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .schema import (LIST, STRING, bool_array, edge_whitespace, may_contain, patch_strings, strip_edges,
                     value_offsets)

# ---------------------------------------------------------------------------------------------- lists


def split_list(values: pd.Series, sep: str = ";", *, regex: bool = False) -> pd.Series:
    """Split a text column into a ``list<string>`` column, stripping items and dropping empty ones."""
    arr = _as_string_array(values)
    if regex:
        parts = pc.split_pattern_regex(arr, sep)
    else:
        parts = pc.split_pattern(arr, sep)
    return list_series(clean_list_items(parts), values.index)


def clean_list_items(parts: pa.Array) -> pa.Array:
    """Strip whitespace from the items of a list array and drop empty items; null lists become empty."""
    if isinstance(parts, pa.ChunkedArray):
        parts = parts.combine_chunks()
    offsets = parts.offsets
    if parts.null_count:
        # a null list becomes an empty one by dropping the validity bitmap, when its slot holds no items
        # (as after a split; filling nulls with an empty-list scalar copies every list)
        starts, ends = offsets.to_numpy()[:-1], offsets.to_numpy()[1:]
        null_items = (ends - starts)[pc.is_null(parts).to_numpy(zero_copy_only=False)].sum()
        if null_items:
            parts = parts.fill_null(pa.scalar([], type=parts.type))
            offsets = parts.offsets
    first = offsets[0].as_py()
    if first:
        offsets = pc.subtract(offsets, first)
    items = parts.values.slice(first, offsets[-1].as_py())
    if items.null_count == 0:
        # trim only the items that start or end with whitespace (most split items start with a space)
        flat = strip_edges(items)
    else:
        flat = pc.utf8_trim_whitespace(items)
    return keep_items(offsets, flat, nonempty(flat))


def nonempty(items: pa.Array) -> np.ndarray | None:
    """Which string values are neither null nor empty (from the offsets); None when all are."""
    keep = np.diff(value_offsets(items)) > 0
    if items.null_count:
        keep &= items.is_valid().to_numpy(zero_copy_only=False)
    return None if keep.all() else keep


def keep_items(offsets: pa.Array, items: pa.Array, keep: np.ndarray | None) -> pa.ListArray:
    """The list array of ``offsets`` (starting at 0) over ``items``, with only the items ``keep`` marks
    (all when None); the lists shrink accordingly."""
    if keep is None:
        return pa.ListArray.from_arrays(offsets, items)
    kept_before = np.concatenate([[0], np.cumsum(keep, dtype=np.int64)])
    new_offsets = kept_before[np.asarray(offsets)].astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(new_offsets), items.filter(bool_array(keep)))


def list_series(arr: pa.Array, index=None) -> pd.Series:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = arr.cast(pa.list_(pa.string()))
    return pd.Series(pd.arrays.ArrowExtensionArray(arr), index=index, dtype=LIST)


def _as_string_array(values) -> pa.Array:
    if isinstance(values, pd.Series):
        values = values.astype(STRING).array
        arr = values._pa_array if hasattr(values, "_pa_array") else pa.array(values)
    else:
        arr = values
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pa.string())


def map_list_values(values: pd.Series, func) -> pd.Series:
    """Apply ``func`` (str -> str or None) to every item of a list column, once per distinct item."""
    arr = values.array._pa_array.combine_chunks() if isinstance(values.dtype, pd.ArrowDtype) \
        else pa.array(values.tolist(), type=pa.list_(pa.string()))
    arr = arr.fill_null(pa.scalar([], type=arr.type)) if arr.null_count else arr
    flat = arr.flatten()
    # one hashing pass gives the distinct items and where each item is among them; the mapped values are
    # trimmed (few), and an item is dropped where its mapped value is empty
    encoded = pc.dictionary_encode(flat)
    mapped = pa.array([func(u) for u in encoded.dictionary.to_pylist()], type=pa.string())
    mapped = pc.utf8_trim_whitespace(mapped)
    new_flat = pc.take(mapped, encoded.indices)
    keep = None if nonempty(mapped) is None and not flat.null_count else nonempty(new_flat)
    return list_series(keep_items(relative_offsets(arr), new_flat, keep), values.index)


def relative_offsets(lists: pa.ListArray) -> pa.Array:
    """The offsets of a list array into its flattened items (a slice's offsets start past 0)."""
    offsets = lists.offsets
    first = offsets[0].as_py()
    return pc.subtract(offsets, first) if first else offsets


# ----------------------------------------------------------------------------------------------- DOIs

_DOI_PREFIX = r"^(?:https?://)?(?:dx\.)?(?:doi\.org/|doi:\s*|doi\s+)"  # applied after lower-casing


def normalize_doi(values: pd.Series) -> pd.Series:
    """Lower-case DOIs without resolver prefixes; NA for values that are not DOIs (no ``10.`` prefix).

    Several DOIs in one field ("10.x/1; 10.x/2") keep the first, the record's own.
    """
    arr = pc.utf8_lower(pc.utf8_trim_whitespace(_as_string_array(values)))
    # the regexes run only where they may change something (most values are bare DOIs): a resolver
    # prefix where the value does not start with "10.", a cut where it holds ";" or whitespace
    arr = patch_strings(arr, pc.invert(pc.starts_with(arr, "10.")).fill_null(False),
                        lambda a: pc.replace_substring_regex(a, _DOI_PREFIX, ""))
    if may_contain(arr, r"[;\s]"):
        arr = patch_strings(arr, pc.match_substring_regex(arr, r"[;\s]").fill_null(False),
                            lambda a: pc.replace_substring_regex(a, r"(?s)[;\s].*$", ""))
    arr = pc.utf8_rtrim(arr, characters=".,")
    is_doi = pc.starts_with(arr, "10.").fill_null(False)
    return string_series(pc.if_else(is_doi, arr, pa.scalar(None, pa.string())), values.index)


# ------------------------------------------------------------------------------------ document types

DOC_TYPES = ("article", "review", "conference_paper", "book", "book_chapter", "editorial", "letter",
             "note", "erratum", "retraction", "preprint", "data_paper", "other")

_DOC_TYPE_MAP = {
    # Scopus
    "article": "article", "review": "review", "conference paper": "conference_paper",
    "conference review": "conference_paper", "book": "book", "book chapter": "book_chapter",
    "editorial": "editorial", "letter": "letter", "note": "note", "erratum": "erratum",
    "short survey": "review", "data paper": "data_paper", "retracted": "retraction",
    "article in press": "article", "undefined": "other", "business article": "article",
    # Web of Science
    "proceedings paper": "conference_paper", "meeting abstract": "conference_paper",
    "early access": "article", "editorial material": "editorial", "correction": "erratum",
    "book review": "other", "retracted publication": "retraction", "retraction": "retraction",
    "news item": "other", "biographical-item": "other", "reprint": "article",
    "software review": "other", "correction, addition": "erratum",
    # PubMed publication types (PT)
    "journal article": "article", "systematic review": "review", "meta-analysis": "review",
    "scoping review": "review", "comment": "letter", "preprint": "preprint",
    "published erratum": "erratum", "retraction of publication": "retraction",
    "congress": "conference_paper", "clinical trial": "article", "randomized controlled trial": "article",
    "case reports": "article", "comparative study": "article", "observational study": "article",
    "multicenter study": "article", "clinical study": "article", "evaluation study": "article",
    "validation study": "article", "practice guideline": "other", "guideline": "other",
    "consensus development conference": "conference_paper", "news": "other",
    "historical article": "article", "introductory journal article": "article",
    "dataset": "data_paper",
    # RIS TY tags
    "jour": "article", "ejour": "article", "conf": "conference_paper", "cpaper": "conference_paper",
    "chap": "book_chapter", "echap": "book_chapter", "ebook": "book", "edbook": "book",
    "gen": "other", "rprt": "other", "thes": "other", "ser": "other", "data": "data_paper",
    "inpr": "article", "abst": "other", "mgzn": "article", "elec": "other",
    # BibTeX entry types
    "inproceedings": "conference_paper", "proceedings": "conference_paper", "incollection": "book_chapter",
    "inbook": "book_chapter", "misc": "other", "phdthesis": "other", "techreport": "other",
    # OpenAlex / Crossref / Lens / Dimensions
    "journal-article": "article", "proceedings-article": "conference_paper", "book-chapter": "book_chapter",
    "posted-content": "preprint", "paratext": "other", "dissertation": "other",
    "monograph": "book", "edited_book": "book", "chapter": "book_chapter", "proceeding": "conference_paper",
    "conference proceedings": "conference_paper",
    "peer-review": "other", "report": "other", "standard": "other", "other": "other", "citation": "other",
    "html": "other", "pdf": "other",
}

# a PubMed record lists several publication types; the most specific one names the record
_PRIORITY = ("retraction", "erratum", "preprint", "review", "editorial", "letter", "conference_paper",
             "data_paper", "book_chapter", "book", "note", "article", "other")


@lru_cache(maxsize=None)
def _doc_type_one(raw: str) -> str | None:
    parts = [p.strip().lower() for p in re.split(r";|\|", raw) if p.strip()]
    found = {_DOC_TYPE_MAP.get(p) for p in parts} - {None}
    if not found:
        for p in parts:  # "Journal Article; Research Support, N.I.H., Extramural" -> article
            if "review" in p:
                found.add("review")
            elif "article" in p or "research support" in p:
                found.add("article")
            elif "conference" in p or "proceedings" in p:
                found.add("conference_paper")
    if not found:
        return "other" if parts else None
    return next(t for t in _PRIORITY if t in found)


def normalize_doc_type(raw: pd.Series) -> pd.Series:
    """Map raw document types (any database, ``; ``-joined lists allowed) onto :data:`DOC_TYPES`."""
    return map_values(raw, _doc_type_one)


def map_values(values: pd.Series, func) -> pd.Series:
    """Apply ``func`` (str -> str or None) to every value of a text column, once per distinct value (one
    hashing pass finds them; NA stays NA)."""
    encoded = pc.dictionary_encode(_string_chunks(values))
    chunks = encoded.chunks if isinstance(encoded, pa.ChunkedArray) else [encoded]
    if not chunks:
        return string_series(pa.chunked_array([], type=pa.string()), values.index)
    # Arrow gives each chunk the dictionary of the values seen up to its end, so the last one holds them
    # all and the others are its beginnings; mapped once (a chunk that is not, if any, on its own)
    full = chunks[-1].dictionary
    mapped_full = pa.array([func(v) for v in full.to_pylist()], type=pa.string())

    def mapped(chunk):
        dictionary = chunk.dictionary
        if dictionary.equals(full.slice(0, len(dictionary))):
            return pc.take(mapped_full, chunk.indices)
        return pc.take(pa.array([func(v) for v in dictionary.to_pylist()], type=pa.string()), chunk.indices)

    return string_series(pa.chunked_array([mapped(c) for c in chunks], type=pa.string()), values.index)


# ----------------------------------------------------------------------------------------- authors

_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=None)
def author_short(name: str) -> str | None:
    """One author in bibliometrix's form: ``SURNAME INITIALS`` upper-case, no dots, no commas.

    Accepts ``Merino J.`` / ``Merino J.A.`` (Scopus), ``Merino JA`` (PubMed ``AU``), ``Merino, J``
    (WoS ``AU``), ``Merino, Jordi A.`` (full names), ``Eckardt J.-N.`` (hyphenated initials).
    """
    name = _SPACE.sub(" ", name.replace("\u00a0", " ")).strip().strip(",;")
    if not name:
        return None
    suffix = ""
    if "," in name:
        surname, _, given = name.partition(",")
        parts = [p.strip() for p in given.split(",")]
        if len(parts) > 1 and _SUFFIX.match(parts[-1]):  # "Belliveau, R.A., Jr." -> BELLIVEAU RA JR
            suffix = parts.pop().rstrip(".")
        # "Loukola, L.L.C.S.,A." (a stray comma in a Scopus export): the last part names the person
        given = parts[-1]
        if given and not _is_initials(given):
            given = _initials_of(given)
    else:
        parts = name.rsplit(" ", 1)
        if len(parts) == 2 and _is_initials(parts[1]):
            surname, given = parts
        else:
            surname, given = name, ""
    given = given.replace(".", "").replace(" ", "")
    surname = surname.strip()
    return " ".join(part for part in (surname, given, suffix) if part).upper()


_SUFFIX = re.compile(r"^(?:jr|sr|ii|iii|iv)\.?$", re.IGNORECASE)


# letters, each but the first after an optional dot and an optional space or hyphen ("JA", "J.A.", "J.-N."):
# one letter per repetition, so a long string that fails near its end is rejected in linear time (the
# nested {1,3}/{1,2} groups this replaces tried every way of splitting a run of capitals: exponential)
_INITIALS = re.compile(r"^[A-Z\u00C0-\u024F](?:\.?[ -]?[A-Z\u00C0-\u024F])*\.?$")


def _is_initials(text: str) -> bool:
    t = text.replace(" ", "")
    return bool(t) and bool(_INITIALS.match(t)) and (t.upper() == t)


def _initials_of(given: str) -> str:
    out = []
    for word in re.split(r"[\s.]+", given):
        if not word:
            continue
        if "-" in word:
            out.append("-".join(w[:1] for w in word.split("-") if w))
        else:
            out.append(word[:1])
    return "".join(out)


def normalize_authors(values: pd.Series) -> pd.Series:
    """Apply :func:`author_short` to every name of a list column."""
    return map_list_values(values, author_short)


# --------------------------------------------------------------------------------------- countries

_ALIASES = {
    "usa": "United States", "u.s.a": "United States", "us": "United States", "united states of america":
    "United States", "uk": "United Kingdom", "u.k": "United Kingdom", "england": "United Kingdom",
    "scotland": "United Kingdom", "wales": "United Kingdom", "north ireland": "United Kingdom",
    "northern ireland": "United Kingdom", "great britain": "United Kingdom",
    "peoples r china": "China", "people's republic of china": "China", "pr china": "China",
    "p.r. china": "China", "p. r. china": "China", "china mainland": "China",
    "south korea": "South Korea", "republic of korea": "South Korea", "korea": "South Korea",
    "rep of korea": "South Korea", "korea, republic of": "South Korea",
    "north korea": "North Korea", "taiwan": "Taiwan", "republic of china": "Taiwan",
    "russia": "Russian Federation", "iran": "Iran", "turkey": "Türkiye", "turkiye": "Türkiye",
    "czech republic": "Czechia", "vietnam": "Viet Nam", "viet nam": "Viet Nam",
    "u arab emirates": "United Arab Emirates", "uae": "United Arab Emirates",
    "bosnia & herceg": "Bosnia and Herzegovina", "bosnia and herzegovina": "Bosnia and Herzegovina",
    "trinidad tobago": "Trinidad and Tobago", "papua n guinea": "Papua New Guinea",
    "cote ivoire": "Côte d'Ivoire", "ivory coast": "Côte d'Ivoire", "macedonia": "North Macedonia",
    "dem rep congo": "Congo, The Democratic Republic of the", "syria": "Syria",
    "laos": "Laos", "moldova": "Moldova", "tanzania": "Tanzania", "bolivia": "Bolivia",
    "venezuela": "Venezuela", "brunei": "Brunei Darussalam", "palestine": "Palestine, State of",
    "vatican": "Holy See (Vatican City State)", "the netherlands": "Netherlands",
    "holland": "Netherlands", "perú": "Peru", "brasil": "Brazil", "méxico": "Mexico",
    "españa": "Spain", "deutschland": "Germany", "italia": "Italy", "hong kong": "Hong Kong",
    "macau": "Macao", "micronesia": "Micronesia, Federated States of", "st lucia": "Saint Lucia",
    "kosovo": "Kosovo", "eswatini": "Eswatini", "swaziland": "Eswatini", "cape verde": "Cabo Verde",
    "burma": "Myanmar", "east timor": "Timor-Leste",
}

# US states and Canadian provinces as they end PubMed and WoS affiliations ("Boston, MA 02115, USA")
_US_STATE = re.compile(r"^(?:[A-Z]{2})(?:\s+\d{5}(?:-\d{4})?)?$")


@lru_cache(maxsize=1)
def _country_table() -> tuple[dict[str, str], re.Pattern]:
    import pycountry

    table: dict[str, str] = {}
    for c in pycountry.countries:
        standard = getattr(c, "common_name", None) or c.name
        for name in {c.name, getattr(c, "official_name", None), getattr(c, "common_name", None), standard}:
            if name:
                table[name.lower()] = standard
    for alias, target in _ALIASES.items():
        table[alias] = table.get(target.lower(), target)
    names = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w])(" + "|".join(re.escape(n) for n in names) + r")(?![\w])", re.IGNORECASE)
    return table, pattern


# matches start only where a run starts (the lookbehinds): trying every position inside a long run of
# non-blanks, or of trailing punctuation, would be quadratic in the run's length
_EMAIL = re.compile(r"(?<!\S)\S+@\S+")
_TRAILING = re.compile(r"(?<![\s.;,])[\s.;,]+$")


@lru_cache(maxsize=200_000)
def country_of(affiliation: str) -> str | None:
    """The country named in one affiliation string, as a standard (pycountry) name, or None."""
    table, pattern = _country_table()
    text = _EMAIL.sub(" ", affiliation)
    text = re.sub(r"\b(?:electronic address|e-mail|email)\s*:?", " ", text, flags=re.IGNORECASE)
    text = _TRAILING.sub("", text)
    last = text.rsplit(",", 1)[-1].strip()
    last = re.sub(r"\b\d[\d\s-]*\b", " ", last).strip(" .")
    hit = table.get(last.lower())
    if hit:
        return hit
    if _US_STATE.match(text.rsplit(",", 1)[-1].strip()) and "," in text:
        return "United States"
    matches = pattern.findall(text)
    if matches:
        return table[matches[-1].lower()]
    return None


def countries_from_affiliations(affiliations: pd.Series) -> pd.Series:
    """Unique standard country names per record, in order of first appearance, from its affiliations."""
    mapped = map_list_values(affiliations, country_of)
    return list_series(unique_within_lists(mapped.array._pa_array), affiliations.index)


def unique_within_lists(arr) -> pa.Array:
    """Drop repeated items inside each list, keeping the first appearance (vectorized)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = arr.fill_null(pa.scalar([], type=arr.type)) if arr.null_count else arr
    flat = arr.flatten()
    if len(flat) == 0:
        return arr
    parent = pc.list_parent_indices(arr).to_numpy()
    codes = pc.dictionary_encode(flat).indices.to_numpy()
    frame = pd.DataFrame({"parent": parent, "code": codes})
    keep = ~frame.duplicated(["parent", "code"]).to_numpy()
    counts = np.bincount(parent[keep], minlength=len(arr))
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
    return pa.ListArray.from_arrays(offsets, pc.filter(flat, bool_array(keep)))


# -------------------------------------------------------------------------------------------- text


_WHITESPACE = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())  # what Python's \s matches
# Runs of whitespace other than one plain space; replacing only those gives the same text as
# re.sub(r"\s+", " ", text). Spelled out because pandas sends "\s" patterns through Python's re one value
# at a time (RE2's \s is ASCII-only), which took 13 s of 20 s reading 70,100 Scopus rows; and matching
# only the runs to change keeps RE2 from replacing every single space (1.9 s -> 0.1 s on 14,000 abstracts).
_WHITESPACE_TO_COLLAPSE = f"[{_WHITESPACE}]*(?:[{_WHITESPACE.replace(' ', '')}]|  )[{_WHITESPACE}]*"

# The same runs found from the bytes (see collapsible_whitespace): the one-byte whitespace other than the
# space, and the UTF-8 encodings of the others as integers, keyed by their length.
_ONE_BYTE_SPACES = np.zeros(256, dtype=bool)
_ONE_BYTE_SPACES[[ord(ch) for ch in _WHITESPACE if ch != " " and ord(ch) < 0x80]] = True
_ENCODED_SPACES = [ch.encode() for ch in _WHITESPACE if ord(ch) >= 0x80]
_MULTIBYTE_SPACES = {n: np.array(sorted(int.from_bytes(e, "big") for e in _ENCODED_SPACES if len(e) == n))
                     for n in (2, 3)}
# what makes a byte worth a closer look, in one subtraction and one comparison: (byte - 0x20) mod 256 is
# at least 0xA2 exactly for the bytes below 0x20 and the lead bytes of characters from U+0080 on
assert not _ONE_BYTE_SPACES[0x20:].any() and set(_MULTIBYTE_SPACES) == {2, 3}
_SCAN_BLOCK = 1 << 18  # bytes per numpy step: the temporaries stay in the cache and are reused


def collapsible_whitespace(chunk: pa.Array) -> np.ndarray:
    """Which values of a string array contain a run that :func:`clean_text` collapses: whitespace other
    than one plain space (what ``_WHITESPACE_TO_COLLAPSE`` matches). A value that ends with a space
    before a value that starts with one may be flagged too (its trim then changes it or leaves it).

    Found with numpy from the array's bytes, a few comparisons per byte in cache-sized blocks, then an
    exact look at the few candidates: three times the speed of RE2 matching value by value (67 against
    200 ms over 100 MB of Scopus abstracts).
    """
    n = len(chunk)
    offsets = value_offsets(chunk)
    lo, hi = int(offsets[0]), int(offsets[-1])
    if hi == lo:
        return np.zeros(n, dtype=bool)
    data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)[lo:hi]
    shifted = np.empty(_SCAN_BLOCK, dtype=np.uint8)
    odd = np.empty(_SCAN_BLOCK, dtype=bool)
    spaces = np.empty(_SCAN_BLOCK + 1, dtype=bool)
    pairs = np.empty(_SCAN_BLOCK, dtype=bool)
    found = []
    for start in range(0, len(data), _SCAN_BLOCK):
        block = data[start:start + _SCAN_BLOCK + 1]  # one byte more, for a pair of spaces across blocks
        k = min(len(block), _SCAN_BLOCK)
        np.subtract(block[:k], 0x20, out=shifted[:k])
        np.greater_equal(shifted[:k], 0xA2, out=odd[:k])
        np.equal(block, 0x20, out=spaces[:len(block)])
        if len(block) == k:  # the last block: no byte after it
            spaces[k] = False
        np.logical_and(spaces[:k], spaces[1:k + 1], out=pairs[:k])
        np.logical_or(odd[:k], pairs[:k], out=odd[:k])
        hits = np.flatnonzero(odd[:k])
        if len(hits):
            found.append(hits + start)
    if not found:
        return np.zeros(n, dtype=bool)
    at = np.concatenate(found)
    first = data[at]
    keep = (first == 0x20) | _ONE_BYTE_SPACES[first]
    lead = np.flatnonzero(first >= 0xC2)
    if len(lead):
        pos = at[lead]
        nxt = [data[np.minimum(pos + i, len(data) - 1)].astype(np.int64) for i in (1, 2)]
        two = (first[lead].astype(np.int64) << 8) | nxt[0]
        three = (two << 8) | nxt[1]
        keep[lead] = np.isin(two, _MULTIBYTE_SPACES[2]) | np.isin(three, _MULTIBYTE_SPACES[3])
    out = np.zeros(n, dtype=bool)
    out[np.searchsorted(offsets, at[keep] + lo, side="right") - 1] = True
    return out


def clean_text(values: pd.Series, *, drop: str | None = None) -> pd.Series:
    """Collapse runs of whitespace and strip; empty becomes NA (pyarrow kernels, no Python per value).
    With ``drop`` (an RE2 pattern, case-insensitive, for short placeholder values), matching values are NA.

    Only the values that need something are rewritten, and all at once: which values hold a run to
    collapse is read from the bytes (:func:`collapsible_whitespace`; a regex replace over every abstract
    costs four times that scan), whether a value needs trimming from its first and last byte, and the
    fixed values go back in one copy per chunk (each copy of 100 MB of abstracts is fresh memory to
    fault in).
    """
    arr = _string_chunks(values)
    if not len(arr):
        return string_series(arr, values.index)
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    fixed = [_clean_chunk(chunk, drop) for chunk in chunks]
    arr = pa.chunked_array(fixed, type=pa.string()) if isinstance(arr, pa.ChunkedArray) else fixed[0]
    return string_series(arr, values.index)


def _clean_chunk(chunk: pa.Array, drop: str | None) -> pa.Array:
    if not len(chunk):
        return chunk
    needs = edge_whitespace(chunk).to_numpy(zero_copy_only=False) | collapsible_whitespace(chunk)
    present = nonempty(chunk)
    if present is not None:  # empty text becomes NA (nulls stay as they are)
        needs |= ~present & chunk.is_valid().to_numpy(zero_copy_only=False)
    needs = bool_array(needs)
    if drop is not None:
        # a placeholder is short: only short values are matched against it
        short = pc.less_equal(pc.binary_length(chunk), _PLACEHOLDER_BYTES).fill_null(False)
        needs = pc.or_(needs, short)

    def fix(values: pa.Array) -> pa.Array:
        values = pc.utf8_trim_whitespace(pc.replace_substring_regex(values, _WHITESPACE_TO_COLLAPSE, " "))
        gone = pc.equal(values, "")
        if drop is not None:
            gone = pc.or_(gone, pc.match_substring_regex(values, drop, ignore_case=True))
        return pc.if_else(gone.fill_null(False), pa.scalar(None, pa.string()), values)

    return patch_strings(chunk, needs, fix)


def _string_chunks(values: pd.Series):
    """The Arrow strings behind a Series, chunks kept (combining them would copy every value)."""
    s = values if values.dtype == STRING else values.astype(STRING)
    arr = s.array._pa_array
    return arr if arr.type == pa.string() else arr.cast(pa.string())


def string_series(arr, index=None) -> pd.Series:
    """A ``string[pyarrow]`` Series over an Arrow string array, without copying it through Python."""
    if arr.type != pa.string():
        arr = arr.cast(pa.string())
    return pd.Series(pd.arrays.ArrowStringArray(arr), index=index, dtype=STRING)


_NO_ABSTRACT = r"^\s*\[?\s*no abstract available\s*\]?\s*\.?\s*$"


def clean_abstract(values: pd.Series) -> pd.Series:
    """:func:`clean_text`, and NA for placeholders such as ``[No abstract available]``."""
    return clean_text(values, drop=_NO_ABSTRACT)


_PLACEHOLDER_BYTES = 64


def parse_year(values: pd.Series) -> pd.Series:
    """First four-digit year (1000-2099) in each value; NA when none."""
    s = values.astype(STRING).str.extract(r"\b(1\d{3}|20\d{2})\b", expand=False)
    return pd.to_numeric(s, errors="coerce").astype("Int64")


def parse_count(values: pd.Series, *, empty_is_zero: bool) -> pd.Series:
    """Citation counts: digits to Int64; empty to 0 (Scopus semantics) or NA (unknown)."""
    s = values.astype(STRING).str.strip()
    s = s.str.replace(",", "", regex=False)
    out = pd.to_numeric(s.where(s.str.fullmatch(r"\d+").fillna(False)), errors="coerce").astype("Int64")
    if empty_is_zero:
        out = out.mask(s.isna() | (s == ""), 0)
    return out
