"""Merge canonical records from several databases into unique works, with an audit trail.

``merge(records)`` links records that describe the same work (union-find over records), in this order:

1. shared identifiers: DOI, PMID, Scopus EID, WoS UT. A DOI shared by records whose titles are clearly
   different (a book DOI on every chapter, an erratum carrying its article's DOI) does not link them; the
   blocked pair is listed in ``near_misses`` with reason ``doi_blocked``;
2. the same normalized title, publication years at most one apart, and the same first-author surname
   (title and year alone when one side has no authors and the title is long);
3. fuzzy title similarity at least ``fuzzy_threshold`` with years at most one apart, found by a sorted
   neighbourhood over normalized titles (cost grows linearly with the number of records).

Title rules (2 and 3) never put two records of the same database into one work, nor link works whose
identifiers contradict each other (different DOIs, PMIDs, EIDs or WoS UTs); the pairs they refuse
with a high score are listed in ``near_misses`` so a user can check them. ``docs/merge.md`` gives the
rules, the guards and the field precedence used to reconcile a work's fields.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from array import array
from collections.abc import Callable
from functools import lru_cache, partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from .atomic import publish, write_csv_to, write_parquet_to
from .schema import INT, LIST, STRING, validate

DEFAULT_FUZZY_THRESHOLD = 0.93
# Below this token-set title similarity, two records sharing an identifier are "clearly different".
IDENTIFIER_TITLE_GUARD = 0.5
# Titles shorter than this (normalized characters) are too generic for the fuzzy rule ("Editorial").
FUZZY_MIN_TITLE_CHARS = 30
# Sorted-neighbourhood window: each record is compared with this many neighbours in title order.
NEIGHBOURHOOD_WINDOW = 8
# A title long enough to match on title and year alone when one side lists no authors.
LONG_TITLE_WORDS = 8
# Near misses of the title rules are reported from this similarity up.
NEAR_MISS_REPORT = 0.85

IDENTIFIER_RULES: tuple[str, ...] = ("doi", "pmid", "eid", "wos_uid")
RULES: tuple[str, ...] = IDENTIFIER_RULES + ("title_year_author", "fuzzy_title")

# Which database's value wins when records of one work disagree. Databases not listed come after these,
# alphabetically. See docs/merge.md for the reasons.
_CURATED_FIRST = ("scopus", "wos", "openalex", "dimensions", "lens", "crossref", "embase", "pubmed",
                  "scholar", "unknown")
FIELD_PRECEDENCE: dict[str, tuple[str, ...]] = {
    "title": _CURATED_FIRST,
    "abstract": ("pubmed", "scopus", "wos", "embase", "openalex", "lens", "dimensions", "crossref",
                 "scholar", "unknown"),
    "year": _CURATED_FIRST,
    "pmid": ("pubmed",) + tuple(d for d in _CURATED_FIRST if d != "pubmed"),
    "eid": ("scopus",) + tuple(d for d in _CURATED_FIRST if d != "scopus"),
    "wos_uid": ("wos",) + tuple(d for d in _CURATED_FIRST if d != "wos"),
    "journal": ("scopus", "pubmed", "openalex", "dimensions", "lens", "crossref", "embase", "wos",
                "scholar", "unknown"),
    "journal_abbrev": ("pubmed", "wos", "scopus", "embase", "openalex", "lens", "dimensions", "crossref",
                       "scholar", "unknown"),
    "references": ("wos", "scopus", "openalex", "lens", "dimensions", "crossref", "embase", "pubmed",
                   "scholar", "unknown"),
    "cited_by": ("scopus", "wos", "openalex", "dimensions", "lens", "crossref", "scholar", "embase",
                 "pubmed", "unknown"),
}
DEFAULT_PRECEDENCE = _CURATED_FIRST

# Fields whose items come from a shared vocabulary, so the union over databases has no near-duplicates.
UNION_LIST_FIELDS: tuple[str, ...] = ("countries", "author_keywords", "index_keywords", "mesh_terms",
                                      "subject_categories")
WORK_FIELDS: tuple[str, ...] = (
    "title", "abstract", "year", "doi", "pmid", "eid", "wos_uid", "journal", "journal_abbrev", "issn",
    "volume", "issue", "pages", "doc_type", "language", "authors", "author_full_names", "affiliations",
    "countries", "corresponding_address", "author_keywords", "index_keywords", "mesh_terms",
    "subject_categories", "references", "open_access", "funding", "publisher")
# Fields taken together from one record, so authors, their full names and affiliations stay aligned.
AUTHOR_BLOCK: tuple[str, ...] = ("authors", "author_full_names", "affiliations", "corresponding_address")

DUPLICATE_COLUMNS = ("work_id", "record_id_a", "record_id_b", "rule", "score", "detail")
NEAR_MISS_COLUMNS = ("record_id_a", "record_id_b", "rule", "score", "reason", "detail")


class MergeResult:
    """What :func:`merge` found: ``records`` (the caller's, each with its ``work_id``), ``works``,
    ``duplicates`` (the edge that joined each record to its work), ``overlap`` (works per combination of
    databases) and ``near_misses`` (pairs a rule matched but a guard kept apart).

    ``works`` and ``overlap`` are reconciled when first read. :func:`write_outputs` writes
    ``records.parquet`` before them, so the sorted copy of the records that file needs and the works are
    never in memory together (at a million records they are 2.6 GB and 1.5 GB).
    """

    def __init__(self, records: pd.DataFrame, duplicates: pd.DataFrame, near_misses: pd.DataFrame,
                 n_works: int, reconcile: Callable[[], pd.DataFrame]):
        self.records = records
        self.duplicates = duplicates
        self.near_misses = near_misses
        self.n_works = n_works
        self._reconcile: Callable[[], pd.DataFrame] | None = reconcile
        self._works: pd.DataFrame | None = None
        self._overlap: pd.DataFrame | None = None

    @property
    def works(self) -> pd.DataFrame:
        if self._works is None:
            self._works = self._reconcile()
            self._reconcile = None  # releases what reconciling needed
        return self._works

    @property
    def overlap(self) -> pd.DataFrame:
        if self._overlap is None:
            self._overlap = _overlap(self.works)
        return self._overlap


# ------------------------------------------------------------------------------------------- titles

# Each step is an RE2 pattern and rewrite applied to a whole column with pyarrow, in this order.
_TITLE_STEPS: tuple[tuple[str, str], ...] = (
    (r"<[^>]+>", " "),                                   # markup: <i>, <sup>
    (r"^\s*\[(.*)\][\s.]*$", r"\1"),                     # PubMed's brackets around translated titles
    (r"\p{Mn}+", ""),                                    # accents, after NFKD decomposition
    ("α", " alpha "), ("β", " beta "), ("γ", " gamma "), ("δ", " delta "), ("κ", " kappa "),
    ("μ", " mu "), ("λ", " lambda "), ("ω", " omega "), ("σ", " sigma "), ("τ", " tau "),
    ("ß", "ss"), ("&", " and "),
    (r"[^0-9a-z]+", " "),                                # punctuation and symbols
    (r"^ +| +$", ""),
)
# British spellings mapped to American ones. Both titles of a pair get the same mapping, so an
# over-eager rule can only make two titles equal that differ by nothing but such a spelling.
_SPELLING_STEPS: tuple[tuple[str, str], ...] = (
    (r"\b(\w{2,})is(e|ed|es|ing|ation|ations|er|ers)\b", r"\1iz\2"),   # personalised, organisation
    (r"\b(\w{2,})ys(e|ed|es|ing)\b", r"\1yz\2"),                        # analyse
    (r"\b(colo|behavio|favo|tumo|labo|hono|neighbo|humo|vapo|odo|flavo|rumo|harbo|savo)ur", r"\1r"),
    (r"ae", "e"),                                                       # haemoglobin, paediatric
    (r"\boe(soph|dem|str)", r"e\1"),                                    # oesophagus, oedema
    (r"(diarrh|dyspn|amenorrh|\bf|man)oe", r"\1e"),                    # diarrhoea, foetal
    (r"\bcoel", "cel"),                                                # coeliac
    (r"\b(cent|fib|lit|met|theat|calib)re(s?)\b", r"\1er\2"),           # centre, fibre
    (r"\bprogramme(s?)\b", r"program\1"),
    (r"\bageing\b", "aging"),
    (r"\bgrey\b", "gray"),
    (r"\b(ana|cata|dia)logue(s?)\b", r"\1log\2"),
    (r"\b(\w+)ll(ing|ed|er|ers)\b", r"\1l\2"),                          # modelling, labelled
)
_STOPWORDS = frozenset("a an and are as at by for from in into is of on or the to with via its their "
                       "using based study".split())
_ROMAN = frozenset("i ii iii iv v vi vii viii ix x xi xii".split())


def normalize_titles(titles: pd.Series) -> pd.Series:
    """The matching form of titles: no accents, case, punctuation, markup or British spellings.

    Vectorized with pyarrow (RE2). NA stays NA; a title with no letters or digits becomes NA.
    """
    arr = _string_array(titles)
    arr = pc.utf8_trim_whitespace(arr)
    arr = pc.utf8_lower(pc.utf8_normalize(arr, form="NFKD"))
    for pattern, rewrite in _TITLE_STEPS + _SPELLING_STEPS:
        arr = pc.replace_substring_regex(arr, pattern=pattern, replacement=rewrite)
    out = pd.Series(pd.arrays.ArrowExtensionArray(arr), index=titles.index).astype(STRING)
    return out.mask(out == "")


def normalize_title_one(title: str) -> str:
    """:func:`normalize_titles` for one title (for users checking why two titles matched)."""
    value = normalize_titles(pd.Series([title], dtype=STRING)).iloc[0]
    return "" if pd.isna(value) else value


def _string_array(values: pd.Series) -> pa.Array:
    values = values.astype(STRING)
    arr = values.array._pa_array if hasattr(values.array, "_pa_array") else pa.array(values.array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pa.string())


@lru_cache(maxsize=65536)
def _surname_one(author: str) -> str:
    """``SURNAME INITIALS`` -> surname letters only, accents removed ("GARCÍA-LÓPEZ J" -> "garcialopez")."""
    parts = author.rsplit(" ", 1)
    surname = parts[0] if len(parts) == 2 and len(parts[1]) <= 4 else author
    text = unicodedata.normalize("NFKD", surname)
    return re.sub(r"[^a-z]", "", "".join(ch for ch in text if not unicodedata.combining(ch)).casefold())


def first_author_surnames(authors: pd.Series) -> pd.Series:
    """Normalized surname of the first author of each record; NA when the record lists no authors."""
    first = pd.Series(pd.arrays.ArrowExtensionArray(_first_items(authors)), index=authors.index,
                      dtype=STRING)
    mapping = {a: _surname_one(a) for a in first.dropna().unique()}
    out = first.map(mapping, na_action="ignore").astype(STRING)
    return out.mask(out == "")


def _first_items(lists: pd.Series) -> pa.Array:
    """The first item of each list, null where the list is empty or missing.

    Read from the list offsets chunk by chunk, so the (large) list column is never copied.
    """
    arr = lists.array._pa_array if hasattr(lists.array, "_pa_array") else pa.chunked_array(
        [pa.array(lists.array)])
    parts = []
    for chunk in arr.chunks:
        chunk = chunk.cast(pa.list_(pa.string()))
        has_items = pc.greater(pc.list_value_length(chunk), 0).fill_null(False).to_numpy(zero_copy_only=False)
        starts = chunk.offsets.to_numpy()[:-1]
        parts.append(chunk.values.take(pa.array(starts, mask=~has_items)))
    return pa.concat_arrays(parts) if parts else pa.array([], pa.string())


def _list_array(lists: pd.Series) -> pa.Array:
    arr = pa.array(lists.array) if not hasattr(lists.array, "_pa_array") else lists.array._pa_array
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pa.list_(pa.string()))


def _codes(values: pa.Array) -> np.ndarray:
    """Integer code of each value (equal values, equal codes; in no particular order); -1 where missing."""
    return pc.dictionary_encode(values).indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _sorted_codes(values: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """(the distinct values, sorted; the position of each value among them, -1 where missing)."""
    distinct = pc.unique(values).drop_null()
    distinct = distinct.take(pc.sort_indices(distinct))
    codes = pc.index_in(values, value_set=distinct).fill_null(-1)
    return distinct, codes.to_numpy(zero_copy_only=False).astype(np.int64)


_NUMBER = re.compile(r"\d+")


@lru_cache(maxsize=65536)
def _title_numbers(norm_title: str) -> tuple[str, ...]:
    """Numbers and Roman numerals of a title, sorted: "part 1"/"part 2", "type 1"/"type 2" differ here."""
    digits = [n.lstrip("0") or "0" for n in _NUMBER.findall(norm_title)]
    romans = [w for w in norm_title.split() if w in _ROMAN]
    return tuple(sorted(digits + romans))


@lru_cache(maxsize=65536)
def _content_words(norm_title: str) -> frozenset[str]:
    return frozenset(w for w in norm_title.split() if w not in _STOPWORDS and not w.isdigit()
                     and w not in _ROMAN)


def _substituted_words(title_a: str, title_b: str) -> tuple[str, str] | None:
    """A content word of each title with no close counterpart in the other, or None.

    Two titles that differ by an *inserted* word (a subtitle, an article) may be one work; two that
    each have a word the other lacks ("colorectal" vs "gastric") name different things.
    """
    only_a = _content_words(title_a) - _content_words(title_b)
    only_b = _content_words(title_b) - _content_words(title_a)
    if not only_a or not only_b:
        return None
    compact_b = title_b.replace(" ", "")
    compact_a = title_a.replace(" ", "")
    for word in sorted(only_a):
        if word in compact_b or any(fuzz.ratio(word, other) >= 80 for other in only_b):
            continue
        for other in sorted(only_b):
            if other in compact_a or any(fuzz.ratio(other, w) >= 80 for w in only_a):
                continue
            return word, other
    return None


# ------------------------------------------------------------------------------------- union-find


class _Components:
    """Union-find over record positions, with what each component holds for the title-rule guards.

    After :meth:`freeze_membership`, each root carries its databases as a bit mask and, per identifier
    kind, the integer code of its one identifier (-1: none; -2: several, kept as a set in ``_several``),
    so a guard check or a union costs a few array reads, not sets of strings per component.
    """

    def __init__(self, n: int, databases: np.ndarray, database_names: list[str]):
        self.parent = np.arange(n)
        self._databases = databases
        self._database_names = database_names
        self._unknown = 1 << database_names.index("unknown") if "unknown" in database_names else 0
        self._masks: np.ndarray | None = None
        self._ids: dict[str, np.ndarray] = {}
        self._several: dict[str, dict[int, frozenset]] = {}

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return int(root)

    def roots(self) -> np.ndarray:
        """The root of every record (vectorized path halving until stable)."""
        parent = self.parent
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                return parent.copy()
            parent[:] = grand

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        keep, gone = (ra, rb) if ra < rb else (rb, ra)
        if self._masks is not None:
            self._masks[keep] |= self._masks[gone]
            for key, codes in self._ids.items():
                gone_code = codes[gone]
                if gone_code == -1 or (gone_code >= 0 and gone_code == codes[keep]):
                    continue
                if codes[keep] == -1:
                    codes[keep] = gone_code
                    if gone_code == -2:
                        self._several[key][keep] = self._several[key].pop(gone)
                    continue
                held = self._id_set(key, keep) | self._id_set(key, gone)
                self._several[key].pop(gone, None)
                codes[keep] = -2
                self._several[key][keep] = held
        self.parent[gone] = keep
        return True

    def freeze_membership(self, ids: dict[str, np.ndarray]) -> None:
        """Start tracking what each component holds (before the title rules, which need the guards).

        ``ids``: per identifier kind, the integer code of each record's identifier (-1 where missing).
        """
        roots = self.roots()
        n = len(roots)
        wide = len(self._database_names) >= 63  # more databases than bits in an int64: Python integers
        bits = np.left_shift(1, self._databases) if not wide else \
            np.array([1 << int(c) for c in self._databases], dtype=object)
        self._masks = np.zeros(n, dtype=object if wide else np.int64)
        np.bitwise_or.at(self._masks, roots, bits)
        for key, codes in ids.items():
            held = np.full(n, -1, dtype=np.int64)
            present = codes >= 0
            base = int(codes.max()) + 1 if present.any() else 1
            pairs = np.unique(roots[present] * base + codes[present])  # sorted by root, then code
            pair_root, pair_code = pairs // base, pairs % base
            counts = np.bincount(pair_root, minlength=n)
            held[pair_root] = pair_code
            several = np.flatnonzero(counts > 1)
            held[several] = -2
            starts = np.searchsorted(pair_root, several)
            # few components hold two identifiers of a kind (records a shared DOI linked, each with its PMID)
            self._several[key] = {int(r): frozenset(pair_code[s:s + counts[r]].tolist())
                                  for r, s in zip(several.tolist(), starts.tolist())}
            self._ids[key] = held

    def _id_set(self, key: str, root: int) -> frozenset:
        code = self._ids[key][root]
        if code == -2:
            return self._several[key][root]
        return frozenset() if code == -1 else frozenset((int(code),))

    def conflict(self, a: int, b: int) -> str | None:
        """Why the components of ``a`` and ``b`` cannot be one work by a title rule, or None."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        for key in IDENTIFIER_RULES:
            codes = self._ids[key]
            code_a, code_b = codes[ra], codes[rb]
            if code_a == -1 or code_b == -1:
                continue
            if code_a >= 0 and code_b >= 0:
                if code_a != code_b:
                    return f"different_{key}"
            elif not (self._id_set(key, ra) & self._id_set(key, rb)):
                return f"different_{key}"
        shared = int(self._masks[ra] & self._masks[rb]) & ~self._unknown
        if shared:
            names = [name for i, name in enumerate(self._database_names) if shared >> i & 1]
            return "same_database:" + ",".join(names)
        return None


# ------------------------------------------------------------------------------------ pair finding


def _pairs_within_groups(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (i < j) of positions sharing a code (codes >= 0; -1 is missing), sorted."""
    pos = np.flatnonzero(codes >= 0)
    frame = pd.DataFrame({"key": codes[pos], "pos": pos})
    frame = frame[frame["key"].duplicated(keep=False)]
    if frame.empty:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    pairs = frame.merge(frame, on="key", suffixes=("_a", "_b"))
    pairs = pairs[pairs["pos_a"] < pairs["pos_b"]]
    return _sorted_pairs(pairs["pos_a"].to_numpy(np.int64), pairs["pos_b"].to_numpy(np.int64), len(codes))


def _sorted_pairs(a: np.ndarray, b: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs as (smaller, larger) position, without repeats, sorted by the first then the second."""
    key = np.unique(np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b))
    return key // max(n, 1), key % max(n, 1)


def _pairs_across_databases(keys: np.ndarray, pos: np.ndarray, databases: np.ndarray
                            ) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of positions ``pos`` with the same key and different databases."""
    frame = pd.DataFrame({"key": keys, "pos": pos, "db": databases[pos]})
    frame = frame[frame["key"].duplicated(keep=False)]
    parts_a, parts_b = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    names = np.unique(frame["db"].to_numpy())
    by_db = {d: frame.loc[frame["db"] == d, ["key", "pos"]] for d in names}
    for i, d1 in enumerate(names):
        for d2 in names[i + 1:]:
            pairs = by_db[d1].merge(by_db[d2], on="key", suffixes=("_a", "_b"))
            parts_a.append(pairs["pos_a"].to_numpy(np.int64))
            parts_b.append(pairs["pos_b"].to_numpy(np.int64))
    return np.concatenate(parts_a), np.concatenate(parts_b)


def _title_pairs(title: np.ndarray, surname: np.ndarray, databases: np.ndarray, year: np.ndarray,
                 long_title: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs the ``title_year_author`` rule joins or reports, sorted: the same normalized title, years
    at most one apart, and the same first-author surname, or no surname on one side and a long title.

    Arguments are integer codes per record (-1: missing), years and the long-title flag. Pairs across
    databases are built from blocks of the same title *and* surname, so a title that many records share
    (the demo corpus repeats titles more as it grows) costs the pairs that agree, not the square of its
    count. Records of one database are paired only as a chain (each with the next one of its title and
    database): the rule never joins two records of one database, so the chain is enough to report them.
    """
    n = len(title)
    has_title = title >= 0
    shared = np.zeros(n, dtype=bool)
    shared[has_title] = np.bincount(title[has_title])[title[has_title]] >= 2
    pos = np.flatnonzero(shared)
    # same database: each record with the next one of the same title and database
    chain = pos[np.lexsort((pos, databases[pos], title[pos]))]
    same = (title[chain[1:]] == title[chain[:-1]]) & (databases[chain[1:]] == databases[chain[:-1]])
    parts_a, parts_b = [chain[:-1][same]], [chain[1:][same]]
    # different databases, the same surname
    named = pos[surname[pos] >= 0]
    width = int(surname.max()) + 1 if len(named) else 1
    a, b = _pairs_across_databases(title[named] * width + surname[named], named, databases)
    parts_a.append(a)
    parts_b.append(b)
    # different databases, no surname on one side (or both) and a long title
    unnamed = pos[(surname[pos] < 0) & long_title[pos]]
    if len(unnamed):
        lone = pd.DataFrame({"key": title[unnamed], "pos_a": unnamed})
        others = pos[long_title[pos]]
        pairs = lone.merge(pd.DataFrame({"key": title[others], "pos_b": others}), on="key")
        a, b = pairs["pos_a"].to_numpy(np.int64), pairs["pos_b"].to_numpy(np.int64)
        across = databases[a] != databases[b]
        parts_a.append(a[across])
        parts_b.append(b[across])
    a, b = _sorted_pairs(np.concatenate(parts_a), np.concatenate(parts_b), n)
    keep = ~(np.abs(year[a] - year[b]) > 1)  # NaN (unknown year) passes: title and author must still agree
    surname_a, surname_b = surname[a], surname[b]
    both = (surname_a >= 0) & (surname_b >= 0)
    keep &= np.where(both, surname_a == surname_b, long_title[a])
    return a[keep], b[keep]


_NOTICE_TITLE = (r"^(erratum|errata|correction|corrigendum|retraction|retracted|expression of concern|"
                 r"notice of retraction)\b")


def _is_notice(doc_type: pd.Series, norm_title: pd.Series) -> np.ndarray:
    """Errata, corrections and retraction notices: documents about another document."""
    by_type = doc_type.isin(["erratum", "retraction"]).fillna(False).to_numpy(dtype=bool)
    by_title = pc.match_substring_regex(_string_array(norm_title), _NOTICE_TITLE).fill_null(False)
    return by_type | by_title.to_numpy(zero_copy_only=False)


# -------------------------------------------------------------------------------------------- merge

# The columns the rules read, put in record-id order; reconciliation reads the caller's table directly.
_RULE_COLUMNS: tuple[str, ...] = ("record_id", "database", "title", "year", "doc_type") + IDENTIFIER_RULES


def merge(records: pd.DataFrame, *, fuzzy_threshold: float = DEFAULT_FUZZY_THRESHOLD) -> MergeResult:
    """Link records that describe the same work; reconcile each work's fields.

    ``records`` is a canonical record table (several databases concatenated, ``record_id`` unique).
    ``fuzzy_threshold`` (0-1) is the least title similarity for the fuzzy rule.
    Returns a :class:`MergeResult` (its ``works`` are reconciled when first read); the input order of
    records does not change any work id.
    """
    if not 0 < fuzzy_threshold <= 1:
        raise ValueError(f"fuzzy_threshold must be in (0, 1], got {fuzzy_threshold}")
    validate(records)
    records = records.reset_index(drop=True)
    n = len(records)
    # Work on records in record_id order, so the outcome does not depend on the input row order. Only the
    # columns the rules need are copied into that order: the whole table is the largest thing in memory.
    order = pc.sort_indices(_string_array(records["record_id"])).to_numpy(zero_copy_only=False)
    sorted_pos = np.empty(n, dtype=np.int64)
    sorted_pos[order] = np.arange(n)
    recs = records[list(_RULE_COLUMNS)].take(order).reset_index(drop=True)

    record_ids = _string_array(recs["record_id"])
    database_names, databases = _sorted_codes(_string_array(recs["database"]))
    database_names = database_names.to_pylist()
    norm_title = normalize_titles(recs["title"])
    title_arr = _string_array(norm_title)
    norm_title_np = norm_title.to_numpy(dtype=object, na_value=None)
    surname = _string_array(first_author_surnames(records["authors"])).take(pa.array(order))
    surname_np = surname.to_numpy(zero_copy_only=False)
    year = recs["year"].to_numpy(dtype="float64", na_value=np.nan)
    id_values = {key: _string_array(recs[key]) for key in IDENTIFIER_RULES}
    id_codes = {key: _codes(values) for key, values in id_values.items()}
    notice = _is_notice(recs["doc_type"], norm_title)
    del recs, norm_title

    comps = _Components(n, databases, database_names)
    edges, near = _PairLog(), _PairLog()

    # 1. identifiers, pair by pair: a shared identifier on two clearly different documents (a book DOI
    # on every chapter, an erratum with its article's DOI, a WoS record carrying another paper's PMID)
    # is an error in the data, not a duplicate.
    for key in IDENTIFIER_RULES:
        key_a, key_b = _pairs_within_groups(id_codes[key])
        if not len(key_a):
            continue
        similarity = _token_set_similarity(norm_title_np[key_a], norm_title_np[key_b])
        values = id_values[key].take(pa.array(key_a)).to_pylist()
        for a, b, score, value in zip(key_a.tolist(), key_b.tolist(), similarity.tolist(), values):
            if notice[a] != notice[b]:
                near.add(a, b, key, score, f"{key}_blocked",
                         f"{value}: an erratum/retraction notice and the document it is about")
            elif not np.isnan(score) and score < IDENTIFIER_TITLE_GUARD:
                near.add(a, b, key, score, f"{key}_blocked", f"{value}: titles differ")
            elif comps.union(a, b):
                edges.add(a, b, key, 1.0, None, value)
    del id_values

    comps.freeze_membership(id_codes)
    del id_codes

    # 2. exact normalized title, years at most one apart, same first-author surname
    words = pc.list_value_length(pc.utf8_split_whitespace(title_arr)).fill_null(0)
    long_title = words.to_numpy(zero_copy_only=False) >= LONG_TITLE_WORDS
    title_a, title_b = _title_pairs(_codes(title_arr), _codes(surname), databases, year, long_title)
    for a, b in zip(title_a.tolist(), title_b.tolist()):
        if comps.find(a) == comps.find(b):
            continue
        if surname_np[a] is not None and surname_np[b] is not None:
            detail = f"{norm_title_np[a]} | {surname_np[a]}"
        else:
            detail = f"{norm_title_np[a]} | no first author on one side"
        _link_by_title(comps, a, b, "title_year_author", 1.0, detail, edges, near)
    del title_a, title_b, long_title

    # 3. fuzzy title over a sorted neighbourhood; the detail of these pairs (both titles) is filled in
    # when the tables are made, so a million near misses do not each hold a Python string
    cand_a, cand_b, scores = _fuzzy_candidates(title_arr, norm_title_np, year, databases, comps.roots(),
                                               min(fuzzy_threshold, NEAR_MISS_REPORT))
    for a, b, score in zip(cand_a.tolist(), cand_b.tolist(), scores.tolist()):
        reason = _fuzzy_guard(norm_title_np[a], norm_title_np[b], surname_np[a], surname_np[b])
        if reason is None and score < fuzzy_threshold:
            reason = "below_threshold"
        if reason is not None:
            if comps.find(a) != comps.find(b):
                near.add(a, b, "fuzzy_title", score, reason, None)
            continue
        _link_by_title(comps, a, b, "fuzzy_title", score, None, edges, near)
    del cand_a, cand_b, scores, norm_title_np, surname_np, surname
    for cached in (_surname_one, _title_numbers, _content_words):  # they hold titles of this merge
        cached.cache_clear()

    roots = comps.roots()
    del comps
    work_ids, work_code = _work_ids(records, order, roots)
    work_of_record = work_ids.take(pa.array(work_code))  # record-id order
    duplicates = _edge_table(edges, record_ids, work_of_record, title_arr)
    near_misses = _near_miss_table(near, record_ids, title_arr)
    del edges, near, title_arr, record_ids
    reconcile = partial(_reconcile, records, work_ids, work_code[sorted_pos], sorted_pos,
                        databases[sorted_pos], database_names)

    # the records in the caller's order, with their work
    work_id = pd.Series(pd.arrays.ArrowStringArray(work_of_record.take(pa.array(sorted_pos))), dtype=STRING)
    return MergeResult(records.assign(work_id=work_id), duplicates, near_misses, len(work_ids), reconcile)


class _PairLog:
    """Pairs a rule joined (or a guard kept apart), held as arrays, not tuples: there are 1.4 million near
    misses among a million demo records.

    ``detail`` None stands for the two normalized titles, joined only when the table is made.
    """

    def __init__(self):
        self.a, self.b = array("q"), array("q")
        self.rule, self.score = array("b"), array("d")
        self.reason: list = []
        self.detail: list = []

    def add(self, a: int, b: int, rule: str, score: float, reason: str | None, detail: str | None) -> None:
        self.a.append(a)
        self.b.append(b)
        self.rule.append(RULES.index(rule))
        self.score.append(score)
        self.reason.append(reason)
        self.detail.append(detail)

    def __len__(self) -> int:
        return len(self.a)


def _link_by_title(comps: _Components, a: int, b: int, rule: str, score: float, detail: str | None,
                   edges: _PairLog, near: _PairLog) -> None:
    if comps.find(a) == comps.find(b):
        return
    reason = comps.conflict(a, b)
    if reason is not None:
        near.add(a, b, rule, score, reason, detail)
    elif comps.union(a, b):
        edges.add(a, b, rule, score, None, detail)


def _token_set_similarity(titles_a: np.ndarray, titles_b: np.ndarray) -> np.ndarray:
    """Token-set similarity (0-1) of paired titles; NaN where either title is missing."""
    out = np.full(len(titles_a), np.nan)
    present = pd.notna(titles_a) & pd.notna(titles_b)
    if present.any():
        out[present] = cpdist(titles_a[present].tolist(), titles_b[present].tolist(),
                              scorer=fuzz.token_set_ratio, workers=1) / 100.0
    return out


# Candidate pairs of the fuzzy rule are scored this many at a time, to bound the Python strings made.
_SCORE_CHUNK = 1 << 17


def _fuzzy_candidates(norm_title: pa.Array, titles: np.ndarray, year: np.ndarray, databases: np.ndarray,
                      roots: np.ndarray, min_score: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of records near each other in title order (forwards and reversed) scoring >= min_score.

    Each record meets only its ``NEIGHBOURHOOD_WINDOW`` neighbours in each order, so the cost is linear
    in the number of records; reversing the titles catches differences near a title's start.
    ``norm_title`` and ``titles`` are the normalized titles as Arrow and as Python strings.
    """
    n = len(titles)
    lengths = pc.utf8_length(norm_title).fill_null(0).to_numpy(zero_copy_only=False)
    eligible = np.flatnonzero(lengths >= FUZZY_MIN_TITLE_CHARS)
    if len(eligible) < 2:
        empty = np.empty(0, np.int64)
        return empty, empty, np.empty(0)
    forward = norm_title.take(pa.array(eligible))
    keys = []
    for sort_key in (forward, pc.utf8_reverse(forward)):
        ranked = eligible[pc.sort_indices(sort_key).to_numpy()]  # a stable sort: ties in record order
        for step in range(1, min(NEIGHBOURHOOD_WINDOW, len(ranked) - 1) + 1):
            a, b = np.minimum(ranked[:-step], ranked[step:]), np.maximum(ranked[:-step], ranked[step:])
            keep = (databases[a] != databases[b]) & (roots[a] != roots[b]) & ~(np.abs(year[a] - year[b]) > 1)
            keys.append(a[keep] * n + b[keep])
    del forward
    pairs = np.unique(np.concatenate(keys))
    del keys
    kept_a, kept_b, kept_score = [], [], []
    for start in range(0, len(pairs), _SCORE_CHUNK):
        chunk = pairs[start:start + _SCORE_CHUNK]
        a, b = chunk // n, chunk % n
        titles_a, titles_b = titles[a].tolist(), titles[b].tolist()
        score = cpdist(titles_a, titles_b, scorer=fuzz.ratio, workers=1) / 100.0
        # hyphenation differs between databases ("meta-analysis" / "metaanalysis"): compare without spaces
        compact = cpdist([t.replace(" ", "") for t in titles_a], [t.replace(" ", "") for t in titles_b],
                         scorer=fuzz.ratio, workers=1) / 100.0
        score = np.maximum(score, compact)
        keep = score >= min_score
        kept_a.append(a[keep])
        kept_b.append(b[keep])
        kept_score.append(score[keep])
    if not kept_a:
        empty = np.empty(0, np.int64)
        return empty, empty, np.empty(0)
    return np.concatenate(kept_a), np.concatenate(kept_b), np.concatenate(kept_score)


def _fuzzy_guard(title_a: str, title_b: str, surname_a, surname_b) -> str | None:
    """Why two similar titles are still different papers, or None."""
    if title_a.replace(" ", "") == title_b.replace(" ", ""):
        return _author_guard(surname_a, surname_b)
    if _title_numbers(title_a) != _title_numbers(title_b):
        return "different_numbers"
    swapped = _substituted_words(title_a, title_b)
    if swapped is not None:
        return f"different_words:{swapped[0]}/{swapped[1]}"
    return _author_guard(surname_a, surname_b)


def _author_guard(surname_a, surname_b) -> str | None:
    if surname_a is None or surname_b is None or surname_a == surname_b:
        return None
    if surname_a.startswith(surname_b) or surname_b.startswith(surname_a):
        return None  # compound surnames cut differently by two databases
    if fuzz.ratio(surname_a, surname_b) >= 80:
        return None
    return "different_first_author"


# ------------------------------------------------------------------------------------------ work ids

_WORK_ID_PREFIXES = (("doi", None), ("pmid", "pmid:"), ("eid", "eid:"), ("wos_uid", "wos:"))


def _work_ids(records: pd.DataFrame, order: np.ndarray, roots: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """(the work ids, sorted; the position of each record's work among them), records in record-id order.

    A work's id comes from its most common DOI, else PMID, EID, WoS UT, else its first record id. Ties
    between identifiers are broken by the smallest value; two works that would get the same id (records
    sharing a DOI that the guard kept apart) get ``-2``, ``-3`` ... in record-id order.
    """
    # a component's root is its smallest position, i.e. its first record in record-id order
    work_roots, root_code = np.unique(roots, return_inverse=True)
    n_works = len(work_roots)
    chosen = _string_array(records["record_id"]).take(pa.array(order[work_roots]))
    for key, prefix in reversed(_WORK_ID_PREFIXES):  # the first kind a work has wins
        values, codes = _sorted_codes(_string_array(records[key]).take(pa.array(order)))
        present = codes >= 0
        if not present.any():
            continue
        base = len(values)
        pairs, counts = np.unique(root_code[present] * base + codes[present], return_counts=True)
        work, code = pairs // base, pairs % base
        # per work: the most common value, then the smallest
        best = np.lexsort((code, -counts, work))
        first = np.ones(len(best), dtype=bool)
        first[1:] = work[best][1:] != work[best][:-1]
        best = best[first]
        picked = values.take(pa.array(code[best]))
        if prefix is None:
            ident = pa.array([_doi_work_id(v) for v in picked.to_pylist()], type=pa.string())
        else:
            ident = pc.binary_join_element_wise(prefix, picked, "")
        slot = np.full(n_works, -1)
        slot[work[best]] = np.arange(len(best))
        chosen = pc.if_else(pa.array(slot >= 0), ident.take(pa.array(np.maximum(slot, 0))), chosen)
    # the same id for two works: -2, -3 ... in the order of their first records
    by_id = pc.sort_indices(pa.table({"id": chosen, "first": work_roots}),
                            sort_keys=[("id", "ascending"), ("first", "ascending")]).to_numpy()
    ids_sorted = chosen.take(pa.array(by_id))
    repeat = np.zeros(n_works, dtype=np.int64)
    if n_works > 1:
        same = pc.equal(ids_sorted.slice(1), ids_sorted.slice(0, n_works - 1)).to_numpy(zero_copy_only=False)
        run_start = np.maximum.accumulate(np.where(np.concatenate([[False], same]), 0, np.arange(n_works)))
        repeat = np.arange(n_works) - run_start
    if repeat.any():
        suffix = pc.binary_join_element_wise(ids_sorted, pa.array((repeat + 1).astype(str)), "-")
        ids_sorted = pc.if_else(pa.array(repeat > 0), suffix, ids_sorted)
    final = np.empty(n_works, dtype=np.int64)
    final_order = pc.sort_indices(ids_sorted).to_numpy()
    final[by_id[final_order]] = np.arange(n_works)
    return ids_sorted.take(pa.array(final_order)), final[root_code]


def _doi_work_id(doi: str) -> str:
    return "W" + hashlib.sha1(doi.encode("utf-8")).hexdigest()[:12]


# ------------------------------------------------------------------------------------ reconciliation


def _precedence_rank(database_names: list[str], field: str) -> np.ndarray:
    """The precedence of each database (by its code) for ``field``: lower wins."""
    order = FIELD_PRECEDENCE.get(field, DEFAULT_PRECEDENCE)
    rank_of = {db: i for i, db in enumerate(order)}
    others = sorted(set(database_names) - set(rank_of))
    rank_of.update({db: len(order) + i for i, db in enumerate(others)})
    return np.array([rank_of[db] for db in database_names], dtype=np.int64)


class _Picker:
    """Take, per work, the value of the first record (in a field's database precedence) that has one.

    Rows are the caller's; ``sorted_pos`` (each row's place in record-id order) breaks ties. Each
    precedence order is turned into one permutation, shared by the fields that use it, so a field costs
    one column take and not a sort of the whole table.
    """

    def __init__(self, records: pd.DataFrame, work_code: np.ndarray, n_works: int, sorted_pos: np.ndarray,
                 databases: np.ndarray, database_names: list[str]):
        self.records = records
        self.work_code = work_code
        self.n_works = n_works
        self.sorted_pos = sorted_pos
        self.databases = databases
        self.database_names = database_names
        self._permutations: dict[tuple, np.ndarray] = {}

    def permutation(self, field: str) -> np.ndarray:
        key = FIELD_PRECEDENCE.get(field, DEFAULT_PRECEDENCE)
        if key not in self._permutations:
            rank = _precedence_rank(self.database_names, field)[self.databases]
            self._permutations[key] = np.lexsort((self.sorted_pos, rank, self.work_code))
        return self._permutations[key]

    def present(self, field: str) -> np.ndarray:
        column = self.records[field]
        if column.dtype == LIST:
            return column.list.len().fillna(0).to_numpy() > 0
        return column.notna().to_numpy()

    def first_present(self, field: str, present: np.ndarray) -> np.ndarray:
        """Row position, per work, of the first record with ``present`` true; -1 where none has."""
        perm = self.permutation(field)
        perm = perm[present[perm]]
        codes = self.work_code[perm]
        found, first = np.unique(codes, return_index=True)
        rows = np.full(self.n_works, -1, dtype=np.int64)
        rows[found] = perm[first]
        return rows

    def pick(self, field: str, rows: np.ndarray | None = None) -> pd.api.extensions.ExtensionArray:
        column = self.records[field]
        if rows is None:
            rows = self.first_present(field, self.present(field))
        values = _take_rows(column, rows)
        return _fill_empty_lists(values).array if column.dtype == LIST else values.array

    def union(self, field: str) -> pd.api.extensions.ExtensionArray:
        """The items of every record of a work, in precedence order (see :func:`_union_per_work`)."""
        perm = self.permutation(field)
        perm = perm[self.present(field)[perm]]
        lists = _list_array(_take_rows(self.records[field], perm))
        return _union_per_work(lists, self.work_code[perm], self.n_works).array


def _take_rows(values: pd.Series, rows: np.ndarray) -> pd.Series:
    """``values`` at positions ``rows`` (NA where -1), as one Arrow chunk.

    Arrow's take on a column of several chunks first concatenates them all, a copy of the whole column;
    here each chunk gives only its rows.
    """
    if not hasattr(values.array, "_pa_array"):
        return pd.Series(values.array.take(rows, allow_fill=True), dtype=values.dtype)
    chunks = values.array._pa_array.chunks
    missing = rows < 0
    if len(chunks) == 1:
        taken = chunks[0].take(pa.array(rows, mask=missing))
    else:
        bounds = np.cumsum([0] + [len(c) for c in chunks])
        which = np.searchsorted(bounds, rows, side="right") - 1
        parts, where = [], np.zeros(len(rows), dtype=np.int64)
        done = 0
        for i, chunk in enumerate(chunks):
            mine = np.flatnonzero((which == i) & ~missing)
            if len(mine):
                parts.append(chunk.take(pa.array(rows[mine] - bounds[i])))
                where[mine] = done + np.arange(len(mine))
                done += len(mine)
        gathered = pa.concat_arrays(parts) if parts else pa.array([], type=chunks[0].type if chunks
                                                                   else pa.string())
        taken = gathered.take(pa.array(where, mask=missing))
    if isinstance(values.dtype, pd.StringDtype):
        return pd.Series(pd.arrays.ArrowStringArray(taken.cast(pa.string())), dtype=values.dtype)
    return pd.Series(pd.arrays.ArrowExtensionArray(taken), dtype=values.dtype)


def _reconcile(records: pd.DataFrame, work_ids: pa.Array, work_code: np.ndarray, sorted_pos: np.ndarray,
               databases: np.ndarray, database_names: list[str]) -> pd.DataFrame:
    """One row per work: membership, then each field by precedence or union (see docs/merge.md).

    ``records`` in the caller's order, with each row's work (``work_code``, a position in the sorted
    ``work_ids``), place in record-id order and database code.
    """
    n_works = len(work_ids)
    picker = _Picker(records, work_code, n_works, sorted_pos, databases, database_names)
    columns: dict[str, object] = {"work_id": pd.arrays.ArrowStringArray(work_ids)}
    # membership lists: databases alphabetically, record ids in order
    pairs = np.unique(work_code * max(len(database_names), 1) + databases)
    columns["databases"] = _lists_per_work(pairs // max(len(database_names), 1),
                                           pa.array(database_names, pa.string()).take(
                                               pa.array(pairs % max(len(database_names), 1))), n_works)
    in_order = np.argsort(sorted_pos)
    columns["record_ids"] = _lists_per_work(work_code[in_order],
                                            _string_array(records["record_id"]).take(pa.array(in_order)),
                                            n_works)
    del in_order
    columns["n_records"] = pd.array(np.bincount(work_code, minlength=n_works), dtype=INT)

    # authors, their full names, affiliations and address come from one record so they stay aligned
    author_rows = picker.first_present("authors", picker.present("authors"))
    for field in WORK_FIELDS:
        if field in AUTHOR_BLOCK:
            columns[field] = picker.pick(field, author_rows)
        elif field in UNION_LIST_FIELDS:
            columns[field] = picker.union(field)
        else:
            columns[field] = picker.pick(field)
    columns["cited_by"] = picker.pick("cited_by")
    counted = records["cited_by"].notna().to_numpy()
    counts = pd.DataFrame({"work": work_code[counted], "database": records["database"].array[counted],
                           "cited_by": records["cited_by"].array[counted]})
    per_db = counts.groupby(["work", "database"])["cited_by"].max().unstack("database")
    for db in sorted(per_db.columns):
        columns[f"cited_by_{db}"] = pd.array(per_db[db].reindex(range(n_works)), dtype=INT)
    return pd.DataFrame(columns)


def _lists_per_work(work: np.ndarray, values: pa.Array, n_works: int) -> pd.Series:
    """``values`` gathered into one list per work (``work`` codes), in their order within each work."""
    ordered = np.argsort(work, kind="stable")
    counts = np.bincount(work, minlength=n_works)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    arr = pa.ListArray.from_arrays(pa.array(offsets), values.take(pa.array(ordered)).cast(pa.string()))
    return pd.Series(pd.arrays.ArrowExtensionArray(arr), dtype=LIST)


def _union_per_work(lists: pa.Array, work_of_list: np.ndarray, n_works: int) -> pd.Series:
    """Items of every record of a work, first appearance kept, duplicates compared case-insensitively.

    ``lists`` holds the records' lists in precedence order, ``work_of_list`` the work of each. Items stay
    in Arrow: duplicates are found on integer codes of the lower-cased items, so a million works'
    keywords never become Python strings.
    """
    arr = lists.fill_null(pa.scalar([], pa.list_(pa.string())))
    parents = pc.list_parent_indices(arr).to_numpy()
    items = arr.flatten()
    work = work_of_list[parents]
    key = pc.dictionary_encode(pc.utf8_lower(items)).indices.to_numpy(zero_copy_only=False)
    first = np.nonzero(~pd.DataFrame({"work": work, "key": key}).duplicated().to_numpy())[0]
    first = first[np.argsort(work[first], kind="stable")]
    counts = np.bincount(work[first], minlength=n_works)
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
    values = pc.take(items, pa.array(first)).cast(pa.string())
    return pd.Series(pd.arrays.ArrowExtensionArray(pa.ListArray.from_arrays(offsets, values)), dtype=LIST)


def _fill_empty_lists(values: pd.Series) -> pd.Series:
    arr = _list_array(values)
    arr = arr.fill_null(pa.scalar([], pa.list_(pa.string())))
    return pd.Series(pd.arrays.ArrowExtensionArray(arr), index=values.index, dtype=LIST)


# ------------------------------------------------------------------------------------- audit tables


def _pair_columns(log: _PairLog, rows: np.ndarray, record_ids: pa.Array, norm_title: pa.Array) -> dict:
    """The columns a pair table shares: record ids, rule, score and detail of the pairs ``rows``."""
    a = np.frombuffer(log.a, dtype=np.int64)[rows]
    b = np.frombuffer(log.b, dtype=np.int64)[rows]
    detail = pa.array(np.array(log.detail, dtype=object)[rows], type=pa.string())
    untold = detail.is_null().to_numpy(zero_copy_only=False)
    titles = pc.binary_join_element_wise(norm_title.take(pa.array(a[untold])),
                                         norm_title.take(pa.array(b[untold])), " | ")
    return {
        "a": a,
        "record_id_a": pd.arrays.ArrowStringArray(record_ids.take(pa.array(a))),
        "record_id_b": pd.arrays.ArrowStringArray(record_ids.take(pa.array(b))),
        "rule": pd.arrays.ArrowStringArray(pa.array(RULES, pa.string()).take(
            pa.array(np.frombuffer(log.rule, dtype=np.int8)[rows]))),
        "score": pd.Series(np.frombuffer(log.score, dtype=np.float64)[rows]).round(4),
        "reason": pd.arrays.ArrowStringArray(pa.array(np.array(log.reason, dtype=object)[rows],
                                                      type=pa.string())),
        "detail": pd.arrays.ArrowStringArray(pc.replace_with_mask(detail, pa.array(untold), titles)),
    }


def _edge_table(edges: _PairLog, record_ids: pa.Array, work_of_record: pa.Array,
                norm_title: pa.Array) -> pd.DataFrame:
    cols = _pair_columns(edges, np.arange(len(edges)), record_ids, norm_title)
    out = pd.DataFrame({
        "work_id": pd.arrays.ArrowStringArray(work_of_record.take(pa.array(cols["a"]))),
        **{name: cols[name] for name in DUPLICATE_COLUMNS[1:]},
    })
    return out.sort_values(["work_id", "record_id_a", "record_id_b"]).reset_index(drop=True)


def _near_miss_table(near: _PairLog, record_ids: pa.Array, norm_title: pa.Array) -> pd.DataFrame:
    """One row per pair kept apart, sorted by record ids; a pair two rules reported keeps the first rule
    in alphabetical order (positions are in record-id order, so sorting them sorts the record ids)."""
    a, b = np.frombuffer(near.a, dtype=np.int64), np.frombuffer(near.b, dtype=np.int64)
    rule_rank = np.argsort(np.argsort(np.array(RULES)))[np.frombuffer(near.rule, dtype=np.int8)]
    rows = np.lexsort((np.arange(len(a)), rule_rank, b, a))
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (a[rows][1:] != a[rows][:-1]) | (b[rows][1:] != b[rows][:-1])
    cols = _pair_columns(near, rows[first], record_ids, norm_title)
    return pd.DataFrame({name: cols[name] for name in NEAR_MISS_COLUMNS})


def _overlap(works: pd.DataFrame) -> pd.DataFrame:
    combos = pd.Series(pc.binary_join(_list_array(works["databases"]), "+").to_pylist(), dtype=STRING)
    counts = combos.value_counts().rename_axis("databases").reset_index(name="n_works")
    counts["n_works"] = counts["n_works"].astype(INT)
    return counts.sort_values("databases").reset_index(drop=True)


# ------------------------------------------------------------------------------------------- output

OUTPUT_FILES = ("records.parquet", "works.parquet", "works.csv", "duplicates.csv", "near_misses.csv",
                "database_overlap.csv")


def output_writers(result: MergeResult, out_dir) -> dict:
    """``{destination: writer}`` for every merge output, for :func:`bibtwin.atomic.publish`.

    ``records.parquet`` (sorted by record id), ``works.parquet`` and ``works.csv`` (sorted by work id;
    list columns joined with ``; `` in the CSV), ``duplicates.csv``, ``near_misses.csv`` and
    ``database_overlap.csv``. Tables are sorted when their file is written, so a sorted copy of the
    records lives only while ``records.parquet`` is written.
    """
    out_dir = Path(out_dir)

    def records():
        return result.records.sort_values("record_id").reset_index(drop=True)

    def works():
        return result.works.sort_values("work_id").reset_index(drop=True)

    return {
        out_dir / "records.parquet": lambda tmp: write_parquet_to(tmp, records()),
        out_dir / "works.parquet": lambda tmp: write_parquet_to(tmp, works()),
        out_dir / "works.csv": lambda tmp: write_csv_to(tmp, works()),
        out_dir / "duplicates.csv": lambda tmp: write_csv_to(tmp, result.duplicates),
        out_dir / "near_misses.csv": lambda tmp: write_csv_to(tmp, result.near_misses),
        out_dir / "database_overlap.csv": lambda tmp: write_csv_to(tmp, result.overlap),
    }


def write_outputs(result: MergeResult, out_dir) -> list[Path]:
    """Write the merge outputs into ``out_dir`` as one atomic step, deterministically: every file is
    written beside its destination and renamed into place only when all were written, so a failure
    leaves the previous outputs intact."""
    return publish(output_writers(result, out_dir))
