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
from dataclasses import dataclass
from functools import lru_cache
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


@dataclass
class MergeResult:
    """What :func:`merge` found. ``near_misses`` lists pairs a rule matched but a guard kept apart."""
    records: pd.DataFrame
    works: pd.DataFrame
    duplicates: pd.DataFrame
    overlap: pd.DataFrame
    near_misses: pd.DataFrame


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
    arr = _list_array(lists)
    has_items = pc.greater(pc.list_value_length(arr), 0).fill_null(False)
    safe = pc.if_else(has_items, arr, pa.array([[None]] * len(arr), type=arr.type))
    return pc.list_element(safe, 0)


def _list_array(lists: pd.Series) -> pa.Array:
    arr = pa.array(lists.array) if not hasattr(lists.array, "_pa_array") else lists.array._pa_array
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pa.list_(pa.string()))


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
    """Union-find over record positions, with what each component holds for the title-rule guards."""

    def __init__(self, n: int, ids: dict[str, np.ndarray], databases: np.ndarray):
        self.parent = np.arange(n)
        self._ids = ids
        self._databases = databases
        self._info: dict[int, tuple[frozenset, dict[str, frozenset]]] = {}
        self._members: dict[int, np.ndarray] | None = None

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
        if self._members is not None:
            info_keep, info_gone = self.info(keep), self.info(gone)
            self._info[keep] = (info_keep[0] | info_gone[0],
                                {k: info_keep[1][k] | info_gone[1][k] for k in info_keep[1]})
            self._info.pop(gone, None)
        self.parent[gone] = keep
        return True

    def freeze_membership(self) -> None:
        """Start tracking what each component holds (before the title rules, which need the guards)."""
        roots = self.roots()
        self._members = pd.Series(np.arange(len(roots))).groupby(roots).indices
        self._info = {}

    def info(self, root: int) -> tuple[frozenset, dict[str, frozenset]]:
        if root not in self._info:
            members = self._members[root]
            dbs = frozenset(self._databases[members].tolist())
            ids = {key: frozenset(v for v in values[members].tolist() if v is not None)
                   for key, values in self._ids.items()}
            self._info[root] = (dbs, ids)
        return self._info[root]

    def conflict(self, a: int, b: int) -> str | None:
        """Why the components of ``a`` and ``b`` cannot be one work by a title rule, or None."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        dbs_a, ids_a = self.info(ra)
        dbs_b, ids_b = self.info(rb)
        for key in IDENTIFIER_RULES:
            if ids_a[key] and ids_b[key] and not (ids_a[key] & ids_b[key]):
                return f"different_{key}"
        shared = (dbs_a & dbs_b) - {"unknown"}
        if shared:
            return "same_database:" + ",".join(sorted(shared))
        return None


# ------------------------------------------------------------------------------------ pair finding


def _pairs_within_groups(keys: pd.Series, databases: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (i < j) of positions sharing a non-missing key, sorted.

    With ``databases``: every pair of records from two different databases, but records of one database
    only as a chain (each with the next one of its key). The title rules never join two records of one
    database, so the chain is enough to report them as near misses, and a title that many records of one
    database share (a repeated "Editorial", a search exported twice) no longer costs the square of its
    count.
    """
    frame = pd.DataFrame({"key": keys.to_numpy(dtype=object), "pos": np.arange(len(keys))})
    keep = keys.notna().to_numpy()
    if databases is not None:
        frame["db"] = databases
    frame = frame[keep]
    frame = frame[frame["key"].duplicated(keep=False)]
    if frame.empty:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    if databases is None:
        pairs = frame.merge(frame, on="key", suffixes=("_a", "_b"))
        pairs = pairs[pairs["pos_a"] < pairs["pos_b"]]
        a, b = pairs["pos_a"].to_numpy(np.int64), pairs["pos_b"].to_numpy(np.int64)
    else:
        # same database: each record with the next one of the same key and database
        chain = frame.sort_values(["key", "db", "pos"], kind="stable")
        same = (chain["key"].to_numpy()[1:] == chain["key"].to_numpy()[:-1]) & \
               (chain["db"].to_numpy()[1:] == chain["db"].to_numpy()[:-1])
        pos = chain["pos"].to_numpy(np.int64)
        parts_a, parts_b = [pos[:-1][same]], [pos[1:][same]]
        names = sorted(frame["db"].dropna().unique())
        by_db = {d: frame.loc[frame["db"] == d, ["key", "pos"]] for d in names}
        for i, d1 in enumerate(names):
            for d2 in names[i + 1:]:
                pairs = by_db[d1].merge(by_db[d2], on="key", suffixes=("_a", "_b"))
                parts_a.append(pairs["pos_a"].to_numpy(np.int64))
                parts_b.append(pairs["pos_b"].to_numpy(np.int64))
        x, y = np.concatenate(parts_a), np.concatenate(parts_b)
        a, b = np.minimum(x, y), np.maximum(x, y)
    order = np.lexsort((b, a))
    return a[order], b[order]


_NOTICE_TITLE = (r"^(erratum|errata|correction|corrigendum|retraction|retracted|expression of concern|"
                 r"notice of retraction)\b")


def _is_notice(doc_type: pd.Series, norm_title: pd.Series) -> np.ndarray:
    """Errata, corrections and retraction notices: documents about another document."""
    by_type = doc_type.isin(["erratum", "retraction"]).fillna(False).to_numpy(dtype=bool)
    by_title = pc.match_substring_regex(_string_array(norm_title), _NOTICE_TITLE).fill_null(False)
    return by_type | by_title.to_numpy(zero_copy_only=False)


# -------------------------------------------------------------------------------------------- merge


def merge(records: pd.DataFrame, *, fuzzy_threshold: float = DEFAULT_FUZZY_THRESHOLD) -> MergeResult:
    """Link records that describe the same work; reconcile each work's fields.

    ``records`` is a canonical record table (several databases concatenated, ``record_id`` unique).
    ``fuzzy_threshold`` (0-1) is the least title similarity for the fuzzy rule.
    Returns a :class:`MergeResult`; the input order of records does not change any work id.
    """
    if not 0 < fuzzy_threshold <= 1:
        raise ValueError(f"fuzzy_threshold must be in (0, 1], got {fuzzy_threshold}")
    validate(records)
    # Work on records in record_id order, so the outcome does not depend on the input row order.
    order = np.argsort(records["record_id"].to_numpy(dtype=object), kind="stable")
    recs = records.iloc[order].reset_index(drop=True)
    n = len(recs)

    record_ids = recs["record_id"].to_numpy(dtype=object)
    databases = recs["database"].to_numpy(dtype=object)
    norm_title = normalize_titles(recs["title"])
    norm_title_np = norm_title.to_numpy(dtype=object, na_value=None)
    surname = first_author_surnames(recs["authors"])
    surname_np = surname.to_numpy(dtype=object, na_value=None)
    year = recs["year"].to_numpy(dtype="float64", na_value=np.nan)
    ids = {key: recs[key].to_numpy(dtype=object, na_value=None) for key in IDENTIFIER_RULES}
    notice = _is_notice(recs["doc_type"], norm_title)

    comps = _Components(n, ids, databases)
    edges: list[tuple[int, int, str, float, str]] = []
    near: list[tuple[int, int, str, float, str, str]] = []

    # 1. identifiers, pair by pair: a shared identifier on two clearly different documents (a book DOI
    # on every chapter, an erratum with its article's DOI, a WoS record carrying another paper's PMID)
    # is an error in the data, not a duplicate.
    for key in IDENTIFIER_RULES:
        key_a, key_b = _pairs_within_groups(recs[key])
        if not len(key_a):
            continue
        similarity = _token_set_similarity(norm_title_np[key_a], norm_title_np[key_b])
        for a, b, score in zip(key_a.tolist(), key_b.tolist(), similarity.tolist()):
            value = ids[key][a]
            if notice[a] != notice[b]:
                near.append((a, b, key, score, f"{key}_blocked",
                             f"{value}: an erratum/retraction notice and the document it is about"))
            elif not np.isnan(score) and score < IDENTIFIER_TITLE_GUARD:
                near.append((a, b, key, score, f"{key}_blocked", f"{value}: titles differ"))
            elif comps.union(a, b):
                edges.append((a, b, key, 1.0, value))

    comps.freeze_membership()

    # 2. exact normalized title, years at most one apart, same first-author surname
    title_a, title_b = _pairs_within_groups(norm_title, databases)
    if len(title_a):
        year_gap = np.abs(year[title_a] - year[title_b])
        keep = ~(year_gap > 1)  # NaN (unknown year) passes: title and author must still agree
        title_a, title_b = title_a[keep], title_b[keep]
    for a, b in zip(title_a.tolist(), title_b.tolist()):
        sa, sb = surname_np[a], surname_np[b]
        if sa is not None and sb is not None:
            if sa != sb:
                continue
            detail = f"{norm_title_np[a]} | {sa}"
        elif len(norm_title_np[a].split()) >= LONG_TITLE_WORDS:
            detail = f"{norm_title_np[a]} | no first author on one side"
        else:
            continue
        _link_by_title(comps, a, b, "title_year_author", 1.0, detail, edges, near)

    # 3. fuzzy title over a sorted neighbourhood
    cand_a, cand_b, scores = _fuzzy_candidates(norm_title_np, year, databases, comps.roots(),
                                               min(fuzzy_threshold, NEAR_MISS_REPORT))
    for a, b, score in zip(cand_a.tolist(), cand_b.tolist(), scores.tolist()):
        reason = _fuzzy_guard(norm_title_np[a], norm_title_np[b], surname_np[a], surname_np[b])
        if reason is None and score < fuzzy_threshold:
            reason = "below_threshold"
        if reason is not None:
            if comps.find(a) != comps.find(b):
                near.append((a, b, "fuzzy_title", score, reason, f"{norm_title_np[a]} | {norm_title_np[b]}"))
            continue
        _link_by_title(comps, a, b, "fuzzy_title", score, f"{norm_title_np[a]} | {norm_title_np[b]}",
                       edges, near)

    roots = comps.roots()
    work_of_root = _work_ids(recs, roots)
    work_id = pd.Series(work_of_root[roots], dtype=STRING)

    merged = recs.assign(work_id=work_id)
    works = _reconcile(merged)
    duplicates = _edge_table(edges, record_ids, work_id.to_numpy(dtype=object))
    near_misses = _near_miss_table(near, record_ids)
    overlap = _overlap(works)

    # the records in the caller's order, with their work
    back = np.empty(n, dtype=np.int64)
    back[order] = np.arange(n)
    out_records = records.reset_index(drop=True).assign(work_id=work_id.iloc[back].reset_index(drop=True))
    return MergeResult(out_records, works, duplicates, overlap, near_misses)


def _link_by_title(comps: _Components, a: int, b: int, rule: str, score: float, detail: str,
                   edges: list, near: list) -> None:
    if comps.find(a) == comps.find(b):
        return
    reason = comps.conflict(a, b)
    if reason is not None:
        near.append((a, b, rule, score, reason, detail))
    elif comps.union(a, b):
        edges.append((a, b, rule, score, detail))


def _token_set_similarity(titles_a: np.ndarray, titles_b: np.ndarray) -> np.ndarray:
    """Token-set similarity (0-1) of paired titles; NaN where either title is missing."""
    out = np.full(len(titles_a), np.nan)
    present = np.array([x is not None and y is not None for x, y in zip(titles_a, titles_b)], dtype=bool)
    if present.any():
        out[present] = cpdist(titles_a[present].tolist(), titles_b[present].tolist(),
                              scorer=fuzz.token_set_ratio, workers=1) / 100.0
    return out


def _fuzzy_candidates(norm_title: np.ndarray, year: np.ndarray, databases: np.ndarray, roots: np.ndarray,
                      min_score: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of records near each other in title order (forwards and reversed) scoring >= min_score.

    Each record meets only its ``NEIGHBOURHOOD_WINDOW`` neighbours in each order, so the cost is linear
    in the number of records; reversing the titles catches differences near a title's start.
    """
    titles = pd.Series(norm_title, dtype=object)
    eligible = np.flatnonzero(titles.str.len().fillna(0).to_numpy() >= FUZZY_MIN_TITLE_CHARS)
    if len(eligible) < 2:
        empty = np.empty(0, np.int64)
        return empty, empty, np.empty(0)
    forward = titles.iloc[eligible].to_numpy(dtype=object)
    backward = np.array([t[::-1] for t in forward], dtype=object)
    pair_a, pair_b = [], []
    for sort_key in (forward, backward):
        ranked = eligible[np.lexsort((eligible, sort_key))]
        for step in range(1, min(NEIGHBOURHOOD_WINDOW, len(ranked) - 1) + 1):
            pair_a.append(ranked[:-step])
            pair_b.append(ranked[step:])
    a = np.concatenate(pair_a)
    b = np.concatenate(pair_b)
    a, b = np.minimum(a, b), np.maximum(a, b)
    year_gap = np.abs(year[a] - year[b])
    keep = (databases[a] != databases[b]) & (roots[a] != roots[b]) & ~(year_gap > 1)
    a, b = a[keep], b[keep]
    if len(a) == 0:
        return a, b, np.empty(0)
    unique_pairs = np.unique(np.stack([a, b], axis=1), axis=0)
    a, b = unique_pairs[:, 0], unique_pairs[:, 1]
    titles_a, titles_b = norm_title[a].tolist(), norm_title[b].tolist()
    score = cpdist(titles_a, titles_b, scorer=fuzz.ratio, workers=1) / 100.0
    # hyphenation differs between databases ("meta-analysis" / "metaanalysis"): compare without spaces
    compact = cpdist([t.replace(" ", "") for t in titles_a], [t.replace(" ", "") for t in titles_b],
                     scorer=fuzz.ratio, workers=1) / 100.0
    score = np.maximum(score, compact)
    keep = score >= min_score
    return a[keep], b[keep], score[keep]


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


def _work_ids(recs: pd.DataFrame, roots: np.ndarray) -> pd.Series:
    """Work id per root: from the work's most common DOI, else PMID, EID, WoS UT, else record id.

    Ties between identifiers are broken by the smallest value; two works that would get the same id
    (records sharing a DOI that the guard kept apart) get ``-2``, ``-3`` ... in record-id order.
    """
    frame = pd.DataFrame({"root": roots, "record_id": recs["record_id"].to_numpy(dtype=object)})
    candidates = []
    for rank, (key, prefix) in enumerate((("doi", None), ("pmid", "pmid:"), ("eid", "eid:"),
                                          ("wos_uid", "wos:"))):
        values = recs[key].to_numpy(dtype=object, na_value=None)
        sub = pd.DataFrame({"root": roots, "value": values}).dropna()
        if sub.empty:
            continue
        counts = sub.groupby(["root", "value"]).size().rename("count").reset_index()
        counts["rank"] = rank
        counts["prefix"] = prefix or ""
        candidates.append(counts)
    first_record = frame.groupby("root")["record_id"].min()
    best = pd.DataFrame({"root": first_record.index, "work_id": first_record.to_numpy(dtype=object)})
    if candidates:
        cand = pd.concat(candidates, ignore_index=True)
        cand = cand.sort_values(["root", "rank", "count", "value"], ascending=[True, True, False, True])
        cand = cand.drop_duplicates("root")
        is_doi = (cand["rank"] == 0).to_numpy()
        values = cand["value"].to_numpy(dtype=object)
        ident = np.where(is_doi, [_doi_work_id(v) for v in values],
                         cand["prefix"].to_numpy(dtype=object) + values.astype(str))
        chosen = pd.Series(ident, index=cand["root"].to_numpy())
        best["work_id"] = chosen.reindex(best["root"]).fillna(best.set_index("root")["work_id"]).to_numpy()
    best["first_record"] = first_record.to_numpy(dtype=object)
    best = best.sort_values(["work_id", "first_record"])
    repeat = best.groupby("work_id").cumcount().to_numpy()
    best["work_id"] = np.where(repeat > 0, best["work_id"] + "-" + (repeat + 1).astype(str), best["work_id"])
    lookup = np.empty(len(roots), dtype=object)
    lookup[best["root"].to_numpy()] = best["work_id"].to_numpy(dtype=object)
    return lookup


def _doi_work_id(doi: str) -> str:
    return "W" + hashlib.sha1(doi.encode("utf-8")).hexdigest()[:12]


# ------------------------------------------------------------------------------------ reconciliation


def _precedence_rank(databases: np.ndarray, field: str) -> np.ndarray:
    order = FIELD_PRECEDENCE.get(field, DEFAULT_PRECEDENCE)
    rank_of = {db: i for i, db in enumerate(order)}
    others = sorted(set(databases.tolist()) - set(rank_of))
    rank_of.update({db: len(order) + i for i, db in enumerate(others)})
    return pd.Series(databases).map(rank_of).to_numpy(dtype=np.int64)


class _Picker:
    """Take, per work, the value of the first record (in a field's database precedence) that has one.

    Records are pre-sorted by record id; each precedence order is turned into one permutation, shared
    by the fields that use it, so a field costs one column take and not a sort of the whole table.
    """

    def __init__(self, merged: pd.DataFrame, work_index: pd.Index):
        self.merged = merged
        self.work_code = work_index.get_indexer(merged["work_id"])
        self.n_works = len(work_index)
        self.databases = merged["database"].to_numpy(dtype=object)
        self._permutations: dict[tuple, np.ndarray] = {}

    def permutation(self, field: str) -> np.ndarray:
        key = FIELD_PRECEDENCE.get(field, DEFAULT_PRECEDENCE)
        if key not in self._permutations:
            rank = _precedence_rank(self.databases, field)
            # stable sort: within a work and a database, record-id order (the frame's order) decides
            self._permutations[key] = np.lexsort((np.arange(len(rank)), rank, self.work_code))
        return self._permutations[key]

    def first_present(self, field: str, present: np.ndarray) -> np.ndarray:
        """Row position, per work, of the first record with ``present`` true; -1 where none has."""
        perm = self.permutation(field)
        perm = perm[present[perm]]
        codes = self.work_code[perm]
        found, first = np.unique(codes, return_index=True)
        rows = np.full(self.n_works, -1, dtype=np.int64)
        rows[found] = perm[first]
        return rows

    def pick(self, field: str, rows: np.ndarray | None = None) -> pd.Series:
        column = self.merged[field]
        if rows is None:
            present = column.list.len().fillna(0).to_numpy() > 0 if column.dtype == LIST \
                else column.notna().to_numpy()
            rows = self.first_present(field, present)
        values = column.array.take(rows, allow_fill=True)
        series = pd.Series(values, dtype=column.dtype)
        return _fill_empty_lists(series) if column.dtype == LIST else series

    def ordered(self, field: str) -> pd.DataFrame:
        perm = self.permutation(field)
        return pd.DataFrame({"work_code": self.work_code[perm], field: self.merged[field].iloc[perm].array})


def _reconcile(merged: pd.DataFrame) -> pd.DataFrame:
    """One row per work: membership, then each field by precedence or union (see docs/merge.md)."""
    merged = merged.sort_values("record_id").reset_index(drop=True)
    work_index = pd.Index(sorted(merged["work_id"].unique()), name="work_id")
    picker = _Picker(merged, work_index)
    by_record = pd.DataFrame({"work_code": picker.work_code, "record_id": merged["record_id"].array,
                              "database": merged["database"].array})
    columns: dict[str, object] = {"work_id": pd.array(work_index.to_numpy(dtype=object), dtype=STRING)}
    columns["databases"] = _lists_per_work(
        by_record.drop_duplicates(["work_code", "database"]).sort_values(["work_code", "database"]),
        "database", picker.n_works)
    columns["record_ids"] = _lists_per_work(by_record, "record_id", picker.n_works)
    columns["n_records"] = pd.array(np.bincount(picker.work_code, minlength=picker.n_works), dtype=INT)

    # authors, their full names, affiliations and address come from one record so they stay aligned
    has_authors = merged["authors"].list.len().fillna(0).to_numpy() > 0
    author_rows = picker.first_present("authors", has_authors)
    for field in WORK_FIELDS:
        if field in AUTHOR_BLOCK:
            columns[field] = picker.pick(field, author_rows).array
        elif field in UNION_LIST_FIELDS:
            columns[field] = _union_per_work(picker.ordered(field), field, picker.n_works).array
        else:
            columns[field] = picker.pick(field).array
    columns["cited_by"] = picker.pick("cited_by").array
    counts = merged[merged["cited_by"].notna()]
    per_db = counts.groupby([picker.work_code[counts.index], "database"])["cited_by"].max() \
        .unstack("database")
    for db in sorted(per_db.columns):
        columns[f"cited_by_{db}"] = pd.array(per_db[db].reindex(range(picker.n_works)), dtype=INT)
    return pd.DataFrame(columns)


def _lists_per_work(frame: pd.DataFrame, column: str, n_works: int) -> pd.Series:
    """Items of ``column`` gathered into one list per work (``work_code``), in the frame's row order."""
    ordered = frame.sort_values("work_code", kind="stable")
    counts = np.bincount(ordered["work_code"].to_numpy(), minlength=n_works)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    values = pa.array(ordered[column].to_numpy(dtype=object), type=pa.string())
    arr = pa.ListArray.from_arrays(pa.array(offsets), values)
    return pd.Series(pd.arrays.ArrowExtensionArray(arr), dtype=LIST)


def _union_per_work(ordered: pd.DataFrame, field: str, n_works: int) -> pd.Series:
    """Items of every record of a work, first appearance kept, duplicates compared case-insensitively.

    Items stay in Arrow: duplicates are found on integer codes of the lower-cased items, so a million
    works' keywords never become Python strings.
    """
    arr = _list_array(ordered[field]).fill_null(pa.scalar([], pa.list_(pa.string())))
    parents = pc.list_parent_indices(arr).to_numpy()
    items = arr.flatten()
    work = ordered["work_code"].to_numpy()[parents]
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


def _edge_table(edges: list, record_ids: np.ndarray, work_id: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame(edges, columns=["a", "b", "rule", "score", "detail"])
    out = pd.DataFrame({
        "work_id": pd.array(work_id[frame["a"].to_numpy(np.int64)], dtype=STRING),
        "record_id_a": pd.array(record_ids[frame["a"].to_numpy(np.int64)], dtype=STRING),
        "record_id_b": pd.array(record_ids[frame["b"].to_numpy(np.int64)], dtype=STRING),
        "rule": pd.array(frame["rule"], dtype=STRING),
        "score": frame["score"].astype("float64").round(4),
        "detail": pd.array(frame["detail"], dtype=STRING),
    })
    return out.sort_values(["work_id", "record_id_a", "record_id_b"]).reset_index(drop=True)


def _near_miss_table(near: list, record_ids: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame(near, columns=["a", "b", "rule", "score", "reason", "detail"])
    out = pd.DataFrame({
        "record_id_a": pd.array(record_ids[frame["a"].to_numpy(np.int64)], dtype=STRING),
        "record_id_b": pd.array(record_ids[frame["b"].to_numpy(np.int64)], dtype=STRING),
        "rule": pd.array(frame["rule"], dtype=STRING),
        "score": frame["score"].astype("float64").round(4),
        "reason": pd.array(frame["reason"], dtype=STRING),
        "detail": pd.array(frame["detail"], dtype=STRING),
    })
    return out.sort_values(["record_id_a", "record_id_b", "rule"]).drop_duplicates(
        ["record_id_a", "record_id_b"]).reset_index(drop=True)


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
    ``database_overlap.csv``.
    """
    out_dir = Path(out_dir)
    records = result.records.sort_values("record_id").reset_index(drop=True)
    works = result.works.sort_values("work_id").reset_index(drop=True)
    return {
        out_dir / "records.parquet": lambda tmp: write_parquet_to(tmp, records),
        out_dir / "works.parquet": lambda tmp: write_parquet_to(tmp, works),
        out_dir / "works.csv": lambda tmp: write_csv_to(tmp, works),
        out_dir / "duplicates.csv": lambda tmp: write_csv_to(tmp, result.duplicates),
        out_dir / "near_misses.csv": lambda tmp: write_csv_to(tmp, result.near_misses),
        out_dir / "database_overlap.csv": lambda tmp: write_csv_to(tmp, result.overlap),
    }


def write_outputs(result: MergeResult, out_dir) -> list[Path]:
    """Write the merge outputs into ``out_dir`` as one atomic step, deterministically: every file is
    written beside its destination and renamed into place only when all were written, so a failure
    leaves the previous outputs intact."""
    return publish(output_writers(result, out_dir))
