"""A seeded synthetic demo corpus on "digital twin in healthcare", with known truth.

``write_demo_corpus`` writes the same set of works as three database exports, each in the layout the
database really uses (Scopus CSV, PubMed MEDLINE text, Web of Science plain text), plus the truth: which
records are the same work, the true fields of medicine and the true publication year. The merge and the
field-of-medicine classifier are scored against that truth, so the generator plants the quirks that make
real data hard: title case and punctuation that differ between databases, British and American spelling,
DOIs missing on one side or in another case, years off by one (early access), PubMed records without DOI,
different works with nearly the same title, names with diacritics that Web of Science folds to ASCII, and
fields of medicine that show only in the abstract or the MeSH terms.

Everything is synthetic: titles, abstracts, people and all identifiers. Identifiers live in ranges real
databases do not use yet (DOI prefix ``10.5555`` is Crossref's test prefix; PMIDs from 90,000,000; EIDs
``2-s2.0-9…``; UTs ``WOS:009…``) so the corpus can never be mistaken for, or collide with, real records.

Text is built column-wise with pyarrow compute functions over whole arrays, a chunk of works at a time, so
a million records take seconds per hundred thousand and bounded memory. The same seed and size give the
same bytes.
"""
from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from .atomic import atomic_path

SCOPUS, PUBMED, WOS = 1, 2, 4
DATABASE_NAMES = {SCOPUS: "scopus", PUBMED: "pubmed", WOS: "wos"}
FILE_NAMES = {SCOPUS: "scopus.csv", PUBMED: "pubmed.txt", WOS: "wos_savedrecs.txt"}

# Which databases hold a work: about 68% of works are in Scopus, 48% in PubMed, 38% in WoS, 40% in two or
# three of them, so 1,500 records make about 975 works.
PATTERNS = np.array([SCOPUS, PUBMED, WOS, SCOPUS | PUBMED, SCOPUS | WOS, PUBMED | WOS, SCOPUS | PUBMED | WOS])
PATTERN_PROBS = np.array([0.30, 0.18, 0.12, 0.14, 0.10, 0.02, 0.14])
_POPCOUNT = np.array([0, 1, 1, 2, 1, 2, 2, 3])

# works are generated and written a chunk at a time: this bounds memory and keeps every Arrow string
# array far below its 2 GiB limit. Part of the definition of the output (decoys pair inside a chunk).
CHUNK_WORKS = 20_000

ARTICLE, REVIEW, CONFERENCE, EDITORIAL, LETTER = range(5)
SCOPUS_DOC_TYPES = ("Article", "Review", "Conference paper", "Editorial", "Letter")
WOS_DOC_TYPES = ("Article", "Review", "Proceedings Paper", "Editorial Material", "Letter")
PUBMED_DOC_TYPES = ("Journal Article", "Journal Article\nPT  - Review", "Journal Article", "Editorial",
                    "Letter\nPT  - Comment")

SCOPUS_COLUMNS = (
    "Authors", "Author full names", "Author(s) ID", "Title", "Year", "Source title", "Volume", "Issue",
    "Art. No.", "Page start", "Page end", "Page count", "Cited by", "DOI", "Link", "Affiliations",
    "Authors with affiliations", "Abstract", "Author Keywords", "Index Keywords", "Correspondence Address",
    "Publisher", "ISSN", "PubMed ID", "Language of Original Document", "Abbreviated Source Title",
    "Document Type", "Publication Stage", "Open Access", "Source", "EID",
)

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SMALL_WORDS = ("a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of", "on", "or",
                "the", "to", "with", "via", "vs")
# non-English works (a MEDLINE quirk: the translated title in square brackets)
_LANGUAGES = (("German", "ger"), ("Chinese", "chi"), ("Spanish", "spa"))


# ------------------------------------------------------------------------------------ Arrow helpers

def _strings(values) -> pa.Array:
    return pa.array(list(values), type=pa.string())


def _take(table: pa.Array, idx) -> pa.Array:
    return table.take(pa.array(np.asarray(idx, dtype=np.int64)))


def _cat(*parts) -> pa.Array:
    """Element-wise concatenation; a null part makes the result null."""
    return pc.binary_join_element_wise(*parts, "")


def _cat_skip(*parts, sep: str = "") -> pa.Array:
    """Element-wise join that skips null parts (optional lines of a record)."""
    return pc.binary_join_element_wise(*parts, sep, null_handling="skip")


def _mask(values) -> pa.Array:
    return pa.array(np.asarray(values, dtype=bool))


def _where(mask, if_true, if_false) -> pa.Array:
    return pc.if_else(_mask(mask), if_true, if_false)


def _only(mask, values) -> pa.Array:
    """``values`` where ``mask``, else null."""
    return pc.if_else(_mask(mask), values, pa.scalar(None, pa.string()))


def _num(values) -> pa.Array:
    return pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string())


def _padded(values, width: int) -> pa.Array:
    return pc.utf8_lpad(_num(values), width, "0")


def _join_ragged(flat: pa.Array, counts, sep: str) -> pa.Array:
    """Join consecutive runs of ``flat`` (run lengths ``counts``) with ``sep``; empty runs give null."""
    counts = np.asarray(counts, dtype=np.int64)
    offsets = np.zeros(len(counts) + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    joined = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), flat), sep)
    return _only(counts > 0, joined)


def _flatten_slots(idx: np.ndarray, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-major values of a (rows, slots) index matrix where ``present``, and the count per row."""
    return idx[present], present.sum(axis=1)


def _upper_first(text: pa.Array) -> pa.Array:
    return _cat(pc.utf8_upper(pc.utf8_slice_codeunits(text, 0, 1)), pc.utf8_slice_codeunits(text, 1))


def _wrap(text: pa.Array, width: int, indent: str, keep_space: bool) -> pa.Array:
    """Greedy word wrap at ``width`` bytes, continuation lines starting with ``indent``.

    MEDLINE keeps the space that ends a wrapped line (``keep_space``); Web of Science drops it. Works on
    the UTF-8 buffer of the whole array at once: each pass finds, for every string still too long, the
    last space within reach (one ``searchsorted`` over all spaces), so the cost is one pass per line.
    """
    text = pa.concat_arrays([text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text])
    validity, offsets_buf, data_buf = text.buffers()  # fresh buffers: offsets start at 0
    offsets = np.frombuffer(offsets_buf, dtype=np.int32)[:len(text) + 1].astype(np.int64)
    data = np.frombuffer(data_buf, dtype=np.uint8)[:offsets[-1]] if data_buf is not None \
        else np.zeros(0, dtype=np.uint8)
    spaces = np.flatnonzero(data == 32)
    line_start = offsets[:-1].copy()
    end = offsets[1:]
    breaks = []
    active = np.flatnonzero(end - line_start > width)
    while len(active) and len(spaces):
        reach = np.searchsorted(spaces, line_start[active] + width, side="right") - 1
        found = (reach >= 0) & (spaces[np.maximum(reach, 0)] > line_start[active])
        # a word longer than the line: break at the first space after it
        after = np.searchsorted(spaces, line_start[active], side="right")
        choice = np.where(found, reach, after)
        pos = spaces[np.minimum(choice, len(spaces) - 1)]
        ok = (choice < len(spaces)) & (pos < end[active])
        active, pos = active[ok], pos[ok]
        breaks.append(pos)
        line_start[active] = pos + 1
        active = active[end[active] - line_start[active] > width]
    if not breaks or not sum(len(b) for b in breaks):
        return text
    cut = np.sort(np.concatenate(breaks))
    if keep_space:
        insert = np.frombuffer(("\n" + indent).encode(), dtype=np.uint8)
    else:
        data = data.copy()
        data[cut] = 10  # the space itself becomes the line break
        insert = np.frombuffer(indent.encode(), dtype=np.uint8)
    at = cut + 1
    out = np.insert(data, np.repeat(at, len(insert)), np.tile(insert, len(cut)))
    new_offsets = (offsets + np.searchsorted(at, offsets, side="right") * len(insert)).astype(np.int32)
    return pa.StringArray.from_buffers(len(text), pa.py_buffer(new_offsets.tobytes()),
                                       pa.py_buffer(out.tobytes()), validity, text.null_count)


def _replace_where(text: pa.Array, mask, pairs) -> pa.Array:
    """Apply literal replacements ``pairs`` to the rows of ``text`` selected by ``mask`` (only those rows
    are scanned: they are usually a small share)."""
    mask = np.asarray(mask, dtype=bool)
    rows = np.flatnonzero(mask)
    if not len(rows):
        return text
    changed = _take(text, rows)
    for old, new in pairs:
        changed = pc.replace_substring(changed, old, new)
    others = np.flatnonzero(~mask)
    order = np.concatenate([others, rows])
    inverse = np.empty(len(order), dtype=np.int64)
    inverse[order] = np.arange(len(order))
    return _take(pa.concat_arrays([_take(text, others), changed]), inverse)


def _title_case(titles: pa.Array) -> pa.Array:
    """Journal-style Title Case: capitalize lower-case words except short function words (kept lower
    unless first or after a colon); words with capitals already (COVID-19, mRNA, Parkinson's) stay."""
    words = pc.split_pattern(titles, " ")
    offsets = words.offsets.to_numpy()
    flat = words.values
    parent = np.repeat(np.arange(len(titles)), np.diff(offsets))
    position = np.arange(len(flat)) - offsets[:-1][parent]
    ends_clause = pc.match_substring_regex(flat, "[:?]$").to_numpy(zero_copy_only=False)
    after_clause = np.zeros(len(flat), dtype=bool)
    after_clause[1:] = ends_clause[:-1]
    after_clause &= position > 0
    small = pc.is_in(flat, value_set=_strings(_SMALL_WORDS)).to_numpy(zero_copy_only=False)
    lower = pc.utf8_is_lower(flat).to_numpy(zero_copy_only=False)
    capitalize = lower & (~small | (position == 0) | after_clause)
    new_flat = _where(capitalize, pc.utf8_capitalize(flat), flat)
    return pc.binary_join(pa.ListArray.from_arrays(words.offsets, new_flat), " ")


_SLOT = re.compile(r"\{(\w+)\}")


def _fill(templates: list[str], which: np.ndarray, slots: dict[str, pa.Array]) -> pa.Array:
    """Fill ``templates[which[i]]`` with ``slots[name][i]`` for every row i, template by template."""
    n = len(which)
    order = np.argsort(which, kind="stable")
    bounds = np.searchsorted(which[order], np.arange(len(templates) + 1))
    pieces = []
    for t, text in enumerate(templates):
        rows = order[bounds[t]:bounds[t + 1]]
        if not len(rows):
            continue
        parts: list = []
        last = 0
        for m in _SLOT.finditer(text):
            if m.start() > last:
                parts.append(text[last:m.start()])
            parts.append(_take(slots[m.group(1)], rows))
            last = m.end()
        if last < len(text):
            parts.append(text[last:])
        if any(isinstance(p, pa.Array) for p in parts):
            pieces.append(_cat(*parts))
        else:
            pieces.append(_strings([text] * len(rows)))
    joined = pa.concat_arrays(pieces) if pieces else _strings([])
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.arange(n)
    return _take(joined, inverse)


def _scramble(index, modulus: int, offset: int) -> np.ndarray:
    """A bijection of 0..modulus-1 (multiplier coprime to 10): unique, random-looking identifiers."""
    return (np.asarray(index, dtype=np.int64) * 7_368_787 + offset) % modulus


def _fold(text: str) -> str:
    """ASCII folding as Web of Science applies it to names (Ibáñez -> Ibanez, Łukasz -> Lukasz)."""
    text = text.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O").replace("ß", "ss")
    text = text.replace("ı", "i").replace("İ", "I").replace("æ", "ae")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _initials(given: str, scopus: bool) -> str:
    """``Jan-Niklas`` -> ``J.-N.`` (Scopus) or ``JN`` (PubMed, WoS); ``José Luis`` -> ``J.L.`` / ``JL``."""
    out = []
    for word in given.split():
        parts = [p[:1] for p in word.split("-") if p]
        out.append(("-".join(p + "." for p in parts)) if scopus else "".join(parts))
    return "".join(out)


def _issn(rng: np.random.Generator) -> str:
    digits = rng.integers(0, 10, size=7)
    total = sum(int(d) * w for d, w in zip(digits, range(8, 1, -1)))
    check = (11 - total % 11) % 11
    return "".join(map(str, digits)) + ("X" if check == 10 else str(check))


# ------------------------------------------------------------------------------------------ vocabulary

@dataclass(frozen=True)
class _Vocab:
    raw: dict
    fields: tuple[str, ...]
    field_weights: np.ndarray
    partners: np.ndarray            # (fields, max partners) field indices, -1 padded
    n_partners: np.ndarray
    topics: pa.Array                # field topics, then hidden topics, then generic topics
    topic_start: np.ndarray         # first topic of each field
    topic_count: np.ndarray
    hidden_start: int
    hidden_count: int
    generic_start: int
    generic_count: int
    keywords: pa.Array              # dt keywords, general keywords, field keywords
    kw_general_start: int
    kw_field_start: np.ndarray
    kw_field_count: np.ndarray
    mesh: pa.Array                  # sorted unique headings
    mesh_field: np.ndarray          # (fields, max) indices into mesh, -1 padded
    mesh_field_count: np.ndarray
    mesh_general: np.ndarray
    mesh_check: np.ndarray
    mesh_humans: int
    sentences: pa.Array             # field sentences
    sentence_start: np.ndarray
    sentence_count: np.ndarray
    departments_full: pa.Array      # field departments then other departments
    departments_wos: pa.Array
    wos_category: pa.Array


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    text = resources.files("bibtwin").joinpath("data/demo_vocab.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    fields = tuple(raw["fields"])
    fdefs = [raw["fields"][f] for f in fields]
    index = {f: i for i, f in enumerate(fields)}
    partners = [[] for _ in fields]
    for a, b in raw["field_pairs"]:
        partners[index[a]].append(index[b])
        partners[index[b]].append(index[a])
    width = max(len(p) for p in partners)
    partner_matrix = np.full((len(fields), width), -1, dtype=np.int64)
    for i, p in enumerate(partners):
        partner_matrix[i, :len(p)] = p

    topics, topic_start, topic_count = [], [], []
    for d in fdefs:
        topic_start.append(len(topics))
        topic_count.append(len(d["topics"]))
        topics.extend(d["topics"])
    hidden_start = len(topics)
    topics.extend(raw["hidden_topics"])
    generic_start = len(topics)
    topics.extend(raw["generic_topics"])

    keywords = list(raw["dt_keywords"])
    kw_general_start = len(keywords)
    keywords.extend(raw["general_keywords"])
    kw_field_start, kw_field_count = [], []
    for d in fdefs:
        kw_field_start.append(len(keywords))
        kw_field_count.append(len(d["keywords"]))
        keywords.extend(d["keywords"])

    all_mesh = sorted({m for d in fdefs for m in d["mesh"]} | set(raw["mesh_general"]) | set(raw["mesh_check"])
                      | {"Humans"})
    mesh_index = {m: i for i, m in enumerate(all_mesh)}
    mwidth = max(len(d["mesh"]) for d in fdefs)
    mesh_field = np.full((len(fields), mwidth), -1, dtype=np.int64)
    for i, d in enumerate(fdefs):
        mesh_field[i, :len(d["mesh"])] = [mesh_index[m] for m in d["mesh"]]

    sentences, sentence_start, sentence_count = [], [], []
    for d in fdefs:
        sentence_start.append(len(sentences))
        sentence_count.append(len(d["sentences"]))
        sentences.extend(d["sentences"])

    departments = [d["department"] for d in fdefs] + list(raw["other_departments"])
    return _Vocab(
        raw=raw, fields=fields,
        field_weights=np.array([d["weight"] for d in fdefs], dtype=float),
        partners=partner_matrix, n_partners=np.array([len(p) for p in partners]),
        topics=_strings(topics), topic_start=np.array(topic_start), topic_count=np.array(topic_count),
        hidden_start=hidden_start, hidden_count=len(raw["hidden_topics"]),
        generic_start=generic_start, generic_count=len(raw["generic_topics"]),
        keywords=_strings(keywords), kw_general_start=kw_general_start,
        kw_field_start=np.array(kw_field_start), kw_field_count=np.array(kw_field_count),
        mesh=_strings(all_mesh), mesh_field=mesh_field,
        mesh_field_count=np.array([len(d["mesh"]) for d in fdefs]),
        mesh_general=np.array([mesh_index[m] for m in raw["mesh_general"]]),
        mesh_check=np.array([mesh_index[m] for m in raw["mesh_check"]]),
        mesh_humans=mesh_index["Humans"],
        sentences=_strings(sentences), sentence_start=np.array(sentence_start),
        sentence_count=np.array(sentence_count),
        departments_full=_strings(d[0] for d in departments),
        departments_wos=_strings(d[1] for d in departments),
        wos_category=_strings(d["wos_category"] for d in fdefs),
    )


# --------------------------------------------------------------------------------- journals (venues)

@dataclass(frozen=True)
class _Journals:
    name: pa.Array
    iso: pa.Array
    nlm: pa.Array
    nlm_full: pa.Array
    j9: pa.Array
    so_upper: pa.Array
    publisher: pa.Array
    wos_publisher: pa.Array
    wos_city: pa.Array
    code: pa.Array
    issn_scopus: pa.Array
    issn_wos: pa.Array
    category: pa.Array
    weight: np.ndarray
    proceedings: np.ndarray
    in_pubmed: np.ndarray
    title_case: np.ndarray
    article_numbers: np.ndarray
    gold_oa: np.ndarray
    first_volume_year: np.ndarray
    open_access: pa.Array


def _nlm_title(name: str) -> str:
    """NLM's full journal title (JT): lower case after the first word, acronyms kept (IEEE, EMBC)."""
    words = name.split()
    return " ".join(w if i == 0 or w.strip("()").isupper() or w == "npj" else w.lower()
                    for i, w in enumerate(words))


def _journals(vocab: _Vocab, seed: int) -> _Journals:
    rows = vocab.raw["journals"]
    rng = np.random.default_rng([seed, 9])
    issns = [_issn(rng) for _ in rows]
    gold = np.array([r["publisher"].startswith(("Frontiers", "MDPI", "Multidisciplinary", "JMIR", "Nature"))
                     or r["name"] in ("IEEE Access", "Digital Health") for r in rows])
    return _Journals(
        name=_strings(r["name"] for r in rows), iso=_strings(r["iso"] for r in rows),
        nlm=_strings(r["nlm"] for r in rows),
        nlm_full=_strings(_nlm_title(r["name"]) for r in rows),
        j9=_strings(r["j9"] for r in rows), so_upper=_strings(r["name"].upper() for r in rows),
        publisher=_strings(r["publisher"] for r in rows), wos_publisher=_strings(r["wos_publisher"] for r in rows),
        wos_city=_strings(r["wos_city"] for r in rows), code=_strings(str(r["code"]) for r in rows),
        issn_scopus=_strings(issns), issn_wos=_strings(f"{s[:4]}-{s[4:]}" for s in issns),
        category=_strings(r["category"] for r in rows),
        weight=np.array([r["weight"] for r in rows], dtype=float),
        proceedings=np.array([r["kind"] == "proceedings" for r in rows]),
        in_pubmed=np.array([bool(r["pubmed"]) for r in rows]),
        title_case=np.array([bool(r["title_case"]) for r in rows]),
        article_numbers=np.array([bool(r["art"]) for r in rows]),
        gold_oa=gold, first_volume_year=rng.integers(1975, 2016, size=len(rows)),
        open_access=_strings("All Open Access; Gold Open Access" if g else "" for g in gold),
    )


# ------------------------------------------------------------------------------------------- people

@dataclass(frozen=True)
class _People:
    """A pool of synthetic researchers, sorted by institution (each institution is one block)."""
    institution: np.ndarray
    affiliation_key: np.ndarray     # institution x department: authors sharing it share an address
    block_start: np.ndarray         # per institution
    block_size: np.ndarray
    weight: np.ndarray              # cumulative productivity weights (Lotka-like)
    scopus_short: pa.Array
    scopus_full: pa.Array
    scopus_id: pa.Array
    corresponding_name: pa.Array
    pubmed_fau: pa.Array
    pubmed_au: pa.Array
    wos_au: pa.Array
    wos_af: pa.Array
    wos_cr: pa.Array                # first-author form inside WoS cited references: "Hahn W"
    email: pa.Array
    scopus_affiliation: pa.Array
    wos_affiliation: pa.Array
    pubmed_affiliation: pa.Array    # (person x 3 spelling variants) flattened
    pubmed_variants: np.ndarray


def _people(vocab: _Vocab, n_people: int, seed: int) -> _People:
    raw = vocab.raw
    rng = np.random.default_rng([seed, 1])
    countries = raw["countries"]
    pools = raw["names"]
    pool_names = list(pools)
    surnames, given, sur_start, sur_count, giv_start, giv_count = [], [], [], [], [], []
    for name in pool_names:
        sur_start.append(len(surnames))
        sur_count.append(len(pools[name]["surnames"]))
        surnames.extend(pools[name]["surnames"])
        giv_start.append(len(given))
        giv_count.append(len(pools[name]["given"]))
        given.extend(pools[name]["given"])
    sur_start, sur_count = np.array(sur_start), np.array(sur_count)
    giv_start, giv_count = np.array(giv_start), np.array(giv_count)

    # institutions, with each database's spelling of the address
    inst_country, scopus_addr, wos_addr, pubmed_addr, domains = [], [], [], [], []
    inst_rng = np.random.default_rng([seed, 8])
    for ci, c in enumerate(countries):
        variants = list(c["pubmed"])[:3]
        variants += variants[:1] * (3 - len(variants))
        for spec in c["institutions"]:
            full, wos_name, city, domain = spec.split("|")
            inst_country.append(ci)
            domains.append(domain)
            scopus_addr.append(f"{full}, {city}, {c['scopus']}")
            postal = int(inst_rng.integers(10000, 99999))
            if c["wos"] == "USA":
                wos_tail = f"{_fold(city)} {postal} USA"
            elif c["wos"] == "Peoples R China":
                wos_tail = f"{_fold(city)} {postal}0, Peoples R China"
            else:
                wos_tail = f"{_fold(city)}, {c['wos']}"
            wos_addr.append((wos_name, wos_tail))
            pubmed_addr.append([f"{full}, {city}, {v}." for v in variants])
    inst_country = np.array(inst_country)
    n_inst = len(inst_country)
    country_weight = np.array([c["weight"] for c in countries], dtype=float)
    inst_weight = country_weight[inst_country] / np.bincount(inst_country)[inst_country]
    institution = np.sort(rng.choice(n_inst, size=n_people, p=inst_weight / inst_weight.sum()))
    block_start = np.searchsorted(institution, np.arange(n_inst))
    block_size = np.searchsorted(institution, np.arange(n_inst), side="right") - block_start

    country = inst_country[institution]
    pool_of_country = np.array([pool_names.index(c["names"]) for c in countries])
    pool = pool_of_country[country]
    surname = sur_start[pool] + rng.integers(0, 1 << 30, size=n_people) % sur_count[pool]
    given_idx = giv_start[pool] + rng.integers(0, 1 << 30, size=n_people) % giv_count[pool]
    has_middle = (rng.random(n_people) < 0.3) & ~np.isin(pool, [pool_names.index(p) for p in
                                                                ("chinese", "korean", "japanese")])
    middle_letter = rng.integers(0, 26, size=n_people)
    n_field_dept = len(vocab.fields)
    n_dept = len(vocab.departments_full)
    department = np.where(rng.random(n_people) < 0.6, rng.integers(0, n_field_dept, size=n_people),
                          rng.integers(n_field_dept, n_dept, size=n_people))
    affiliation_key = institution * n_dept + department
    # Lotka: a few people write many papers
    rank = rng.permutation(n_people)
    weight = np.cumsum(1.0 / (1.0 + rank) ** 0.5)

    sur = _take(_strings(surnames), surname)
    sur_fold = _take(_strings(_fold(s) for s in surnames), surname)
    giv = _take(_strings(given), given_idx)
    giv_fold = _take(_strings(_fold(g) for g in given), given_idx)
    init_scopus = _take(_strings(_initials(g, True) for g in given), given_idx)
    init_raw = _take(_strings(_initials(g, False) for g in given), given_idx)
    init_plain = _take(_strings(_fold(_initials(g, False)) for g in given), given_idx)
    letters = _take(_strings(chr(65 + i) for i in range(26)), middle_letter)
    mid_plain = _where(has_middle, letters, pa.scalar(""))
    mid_dot = _where(has_middle, _cat(letters, "."), pa.scalar(""))
    mid_space_dot = _where(has_middle, _cat(" ", letters, "."), pa.scalar(""))
    mid_space = _where(has_middle, _cat(" ", letters), pa.scalar(""))
    ids = _num(57_000_000_000 + _scramble(np.arange(n_people), 1_000_000_000, seed % 1_000_000_007))

    email_local = pc.utf8_lower(_cat(pc.replace_substring_regex(giv_fold, "[ -].*$", ""), ".",
                                     pc.replace_substring_regex(sur_fold, "[ '\\-]", "")))
    dept_full = _take(vocab.departments_full, department)
    dept_wos = _take(vocab.departments_wos, department)
    wos_name = _take(_strings(w for w, _ in wos_addr), institution)
    wos_tail = _take(_strings(t for _, t in wos_addr), institution)
    variants = np.array([len(set(c["pubmed"])) for c in countries])[country]
    pubmed_table = _strings(a for addr in pubmed_addr for a in addr)
    pubmed_affiliation = _cat(_take(dept_full, np.repeat(np.arange(n_people), 3)), ", ",
                              _take(pubmed_table, np.repeat(institution * 3, 3) + np.tile(np.arange(3), n_people)))
    return _People(
        institution=institution, affiliation_key=affiliation_key, block_start=block_start,
        block_size=block_size, weight=weight,
        scopus_short=_cat(sur, " ", init_scopus, mid_dot),
        scopus_full=_cat(sur, ", ", giv, mid_space_dot, " (", ids, ")"),
        scopus_id=ids,
        corresponding_name=_cat(init_scopus, mid_dot, " ", sur),
        pubmed_fau=_cat(sur, ", ", giv, mid_space),
        pubmed_au=_cat(sur, " ", init_raw, mid_plain),
        wos_au=_cat(sur_fold, ", ", init_plain, mid_plain),
        wos_af=_cat(sur_fold, ", ", giv_fold, mid_space_dot),
        wos_cr=_cat(sur_fold, " ", init_plain, mid_plain),
        email=_cat(email_local, "@", _take(_strings(domains), institution)),
        scopus_affiliation=_cat(dept_full, ", ", _take(_strings(scopus_addr), institution)),
        wos_affiliation=_cat(wos_name, ", ", dept_wos, ", ", wos_tail),
        pubmed_affiliation=pubmed_affiliation,
        pubmed_variants=variants,
    )


# ---------------------------------------------------------------------------------------------- works

@dataclass
class _Works:
    """One chunk of true works, as numpy arrays (one row per work) and Arrow strings."""
    work_index: np.ndarray
    pattern: np.ndarray
    year: np.ndarray
    month: np.ndarray
    day: np.ndarray
    field1: np.ndarray
    field2: np.ndarray
    doc_type: np.ndarray
    journal: np.ndarray
    language: np.ndarray            # -1 English, else index into _LANGUAGES
    decoy_of: np.ndarray            # -1, or the global index of a different work with a near-identical title
    title: pa.Array                 # canonical title, sentence case
    title_case: pa.Array            # the same in Title Case
    abstract: pa.Array
    keywords: pa.Array              # "; "-joined author keywords (null when none)
    keyword_lines: pa.Array         # MEDLINE OT lines
    mesh_lines: pa.Array            # MEDLINE MH lines (null when the record is not indexed yet)
    mesh_plain: pa.Array            # "; "-joined headings for Scopus Index Keywords
    keywords_plus: pa.Array
    doi: pa.Array
    doi_missing_in: np.ndarray      # database bit whose copy has no DOI (0 none)
    doi_case_in: np.ndarray         # database bit whose copy has the DOI in another case
    year_shift_in: np.ndarray       # database bit whose copy shows the year before (epub / early access)
    author_counts: np.ndarray
    author_person: np.ndarray       # flat person index per author slot
    volume: pa.Array
    issue: pa.Array
    article_number: pa.Array
    page_start: pa.Array
    page_end: pa.Array
    page_count: pa.Array
    scopus_cites: np.ndarray
    wos_cites: np.ndarray


def _year_weights(start_year: int, end_year: int) -> tuple[np.ndarray, np.ndarray]:
    """Calendar-anchored growth: slow before 2018, steep to 2022 with a COVID bump, flatter after, and
    the last year only partly indexed."""
    years = np.arange(start_year, end_year + 1)
    log_w = 0.5 * (np.minimum(years, 2022) - 2014) + 0.12 * np.maximum(years - 2022, 0)
    w = np.exp(log_w) * np.where((years == 2020) | (years == 2021), 1.3, 1.0)
    w[-1] *= 0.8
    return years, w / w.sum()


def _random_member(pattern: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The bit of one database chosen at random among those holding each work."""
    bits = np.array([SCOPUS, PUBMED, WOS])
    held = (pattern[:, None] & bits[None, :]) > 0
    pick = rng.random(pattern.shape) * held.sum(axis=1)
    choice = np.minimum((np.cumsum(held, axis=1) <= pick[:, None]).sum(axis=1), 2)
    return bits[choice]


def _distinct_second(first_local: np.ndarray, count: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A second index in 0..count-1 different from ``first_local`` (when count > 1)."""
    step = 1 + rng.integers(0, 1 << 30, size=len(first_local)) % np.maximum(count - 1, 1)
    return (first_local + step) % count


def _plan_patterns(n_records: int, rng: np.random.Generator) -> np.ndarray:
    """Database patterns of the works, with exactly ``n_records`` records in total."""
    mean = float((PATTERN_PROBS * _POPCOUNT[PATTERNS]).sum())
    draw = PATTERNS[rng.choice(len(PATTERNS), size=int(n_records / mean * 1.1) + 10, p=PATTERN_PROBS)]
    sizes = np.cumsum(_POPCOUNT[draw])
    keep = int(np.searchsorted(sizes, n_records, side="right"))
    patterns = draw[:keep]
    rest = n_records - (int(sizes[keep - 1]) if keep else 0)
    if rest:  # one last work of the right size closes the count
        patterns = np.append(patterns, {1: SCOPUS, 2: SCOPUS | PUBMED}[rest])
    return patterns.astype(np.int64)


def _make_works(vocab: _Vocab, journals: _Journals, people: _People, pattern: np.ndarray, first_index: int,
                start_year: int, end_year: int, seed: int, chunk: int) -> _Works:
    rng = np.random.default_rng([seed, 3, chunk])
    raw = vocab.raw
    n = len(pattern)
    r = lambda: rng.random(n)  # noqa: E731 - a fresh uniform per row, read as "with probability"
    big = lambda: rng.integers(0, 1 << 30, size=n)  # noqa: E731 - pick modulo a per-row count
    in_pubmed = (pattern & PUBMED) > 0
    multi = _POPCOUNT[pattern] > 1

    # fields of medicine: 10% unclassified, 30% of the rest with a second, often related, field
    n_fields = len(vocab.fields)
    classified = r() >= 0.10
    field1 = np.where(classified, rng.choice(n_fields, size=n, p=vocab.field_weights / vocab.field_weights.sum()), -1)
    f1 = np.maximum(field1, 0)
    second = (f1 + 1 + big() % (n_fields - 1)) % n_fields
    partner = vocab.partners[f1, big() % np.maximum(vocab.n_partners[f1], 1)]
    second = np.where((r() < 0.6) & (partner >= 0), partner, second)
    field2 = np.where(classified & (r() < 0.30), second, -1)

    # document type (conference papers seldom reach PubMed) and venue
    u = r()
    conf_p = np.where(in_pubmed, 0.03, 0.10)
    doc_type = np.select([u < 0.17, u < 0.17 + conf_p, u < 0.20 + conf_p, u < 0.22 + conf_p],
                         [REVIEW, CONFERENCE, EDITORIAL, LETTER], ARTICLE)
    journal = np.zeros(n, dtype=np.int64)
    for proceedings in (False, True):
        for need_pubmed in (False, True):
            rows = np.flatnonzero(((doc_type == CONFERENCE) == proceedings) & (in_pubmed == need_pubmed))
            ok = (journals.proceedings == proceedings) & (journals.in_pubmed | (not need_pubmed))
            cand = np.flatnonzero(ok)
            w = journals.weight[cand]
            journal[rows] = cand[rng.choice(len(cand), size=len(rows), p=w / w.sum())]

    # where each field shows: a classifier has to look at the abstract and MeSH, not only the title
    title_shows = classified & (r() >= 0.25)
    template = big() % len(raw["title_templates"])
    method = big() % len(raw["methods"])
    dt_form = big() % len(raw["dt_singular"])
    kind = np.where(doc_type == REVIEW, big() % 6, 6 + big() % (len(raw["kinds"]) - 6))
    topic_local = big()
    british = r() < 0.2

    # decoys: pairs of different works whose titles differ by one disease, "for"/"in", or review kind
    decoy_of = np.full(n, -1, dtype=np.int64)
    n_pairs = int(round(n * 0.0105)) if n >= 50 else 0
    waiting: dict[int, int] = {}
    pairs: list[tuple[int, int]] = []
    for w_ in rng.permutation(np.flatnonzero(title_shows)):
        if len(pairs) >= n_pairs:
            break
        other = waiting.pop(int(pattern[w_]), None)
        if other is None:
            waiting[int(pattern[w_])] = int(w_)
        else:
            pairs.append((other, int(w_)))
    if pairs:
        a, b = np.array(pairs).T
        for arr in (field1, template, method, dt_form, doc_type, journal, kind, topic_local):
            arr[b] = arr[a]
        f1 = np.maximum(field1, 0)
        field2[b] = np.where(field2[b] == field1[b], -1, field2[b])
        british[b] = british[a]
        flip = (template[a] <= 1) & (rng.random(len(a)) < 0.5)
        template[b] = np.where(flip, 1 - template[a], template[a])
        review_kind = doc_type[a] == REVIEW
        kind[b] = np.where(flip, np.where(review_kind, (kind[a] + 1) % 6, 6 + (kind[a] - 5) % 4), kind[a])
        british[b] = np.where(flip, ~british[a], british[a])
        count = vocab.topic_count[f1[b]]
        topic_local[b] = np.where(flip, topic_local[a] % count,
                                  _distinct_second(topic_local[a] % count, count, rng))
        decoy_of[b] = first_index + a
        decoy_of[a] = first_index + b
    has_f2 = field2 >= 0
    f2 = np.maximum(field2, 0)

    # years: growth over time; COVID-19 work from 2020 on
    years, year_p = _year_weights(start_year, end_year)
    year = years[rng.choice(len(years), size=n, p=year_p)]
    covid = (field1 == vocab.fields.index("infectious_disease_covid19")) | \
            (field2 == vocab.fields.index("infectious_disease_covid19"))
    if end_year >= 2020 and start_year <= 2020:
        late = years >= 2020
        resample = years[late][rng.choice(late.sum(), size=n, p=year_p[late] / year_p[late].sum())]
        year = np.where(covid & (year < 2020), resample, year)
    month = 1 + big() % 12
    day = 1 + big() % 28

    # titles
    topic = np.where(~classified, vocab.generic_start + topic_local % vocab.generic_count,
                     np.where(title_shows, vocab.topic_start[f1] + topic_local % vocab.topic_count[f1],
                              vocab.hidden_start + topic_local % vocab.hidden_count))
    slots = {
        "dt": _take(_strings(raw["dt_singular"]), dt_form), "dts": _take(_strings(raw["dt_plural"]), dt_form),
        "topic": _take(vocab.topics, topic), "method": _take(_strings(raw["methods"]), method),
        "kind": _take(_strings(raw["kinds"]), kind),
        "Kind": _upper_first(_take(_strings(raw["kinds"]), kind)),
    }
    base = _fill(raw["title_templates"], template, slots)
    british_pairs = list(raw["british"].items())
    base = _replace_where(base, british, british_pairs)
    title = _upper_first(base)
    language = np.where(in_pubmed & (doc_type != CONFERENCE) & (r() < 0.012), big() % len(_LANGUAGES), -1)

    # abstracts: the field may show only here
    no_abstract = (doc_type == EDITORIAL) | (doc_type == LETTER)
    abs_f1 = classified & ((r() < 0.9) | ~title_shows)
    abs_f2 = has_f2 & (r() < 0.85)
    bg = _strings(raw["background"])
    nb = len(raw["background"])
    bg1 = big() % nb
    sentence = lambda f, mask, k: _only(mask, _take(vocab.sentences, vocab.sentence_start[f] + k))  # noqa: E731
    s_f1 = big() % vocab.sentence_count[f1]
    numbers = {
        "n": _num(12 + big() % 1500), "auc": _num(70 + big() % 28), "pct": _num(8 + big() % 55),
        "method": _take(_strings(raw["methods"]), np.where(r() < 0.5, method, big() % len(raw["methods"]))),
    }
    is_review = doc_type == REVIEW
    method_t = np.where(is_review & (r() < 0.7), 2, np.array([0, 1, 3])[big() % 3])
    result_t = np.where(is_review & (r() < 0.7), 2, np.array([0, 1, 3])[big() % 3])
    structured = ~is_review & (r() < 0.25)
    label = lambda text: _where(structured, pa.scalar(text), pa.scalar(""))  # noqa: E731
    parts = [
        _cat(label("Background: "), _take(bg, bg1)),
        _only(r() < 0.3, _take(bg, _distinct_second(bg1, np.full(n, nb), rng))),
        sentence(f1, abs_f1, s_f1),
        sentence(f2, abs_f2, big() % vocab.sentence_count[f2]),
        _cat(label("Methods: "), _fill(raw["method_sentences"], method_t, numbers)),
        sentence(f1, abs_f1 & (r() < 0.5), _distinct_second(s_f1, vocab.sentence_count[f1], rng)),
        _cat(label("Results: "), _fill(raw["result_sentences"], result_t, numbers)),
        _only(~classified & is_review & (r() < 0.6),
              _take(_strings(raw["survey_mentions"]), big() % len(raw["survey_mentions"]))),
        _cat(label("Conclusions: "), _take(_strings(raw["conclusions"]), big() % len(raw["conclusions"]))),
    ]
    abstract = _only(~no_abstract, _replace_where(_cat_skip(*parts, sep=" "), british, british_pairs))

    # author keywords
    kw = np.zeros((n, 6), dtype=np.int64)
    present = np.zeros((n, 6), dtype=bool)
    n_dt_kw = len(raw["dt_keywords"])
    n_gen_kw = len(raw["general_keywords"])
    kw[:, 0] = big() % n_dt_kw
    present[:, 0] = r() < 0.95
    k1 = big() % vocab.kw_field_count[f1]
    kw[:, 1] = vocab.kw_field_start[f1] + k1
    present[:, 1] = classified & (r() < 0.75)
    kw[:, 2] = vocab.kw_field_start[f1] + _distinct_second(k1, vocab.kw_field_count[f1], rng)
    present[:, 2] = present[:, 1] & (r() < 0.5)
    kw[:, 3] = vocab.kw_field_start[f2] + big() % vocab.kw_field_count[f2]
    present[:, 3] = has_f2 & (r() < 0.6)
    g1 = big() % n_gen_kw
    kw[:, 4] = vocab.kw_general_start + g1
    present[:, 4] = r() < 0.85
    kw[:, 5] = vocab.kw_general_start + _distinct_second(g1, np.full(n, n_gen_kw), rng)
    present[:, 5] = r() < 0.55
    present &= ~(no_abstract & (r() < 0.7))[:, None]
    flat, counts = _flatten_slots(kw, present)
    kw_flat = _take(vocab.keywords, flat)
    keywords = _replace_where(_join_ragged(kw_flat, counts, "; "), british, british_pairs)
    keyword_lines = _join_ragged(_cat("OT  - ", kw_flat), counts, "\n")

    # MeSH: headings sorted as MEDLINE prints them, "*" for major topics, "/" subheadings
    subs = raw["mesh_subheadings"]
    n_sub = len(subs)
    marker_prefix = _strings(["", "*"] + [""] * (2 * n_sub))
    marker_suffix = _strings(["", ""] + [f"/{s}" for s in subs] + [f"/*{s}" for s in subs])
    sub = lambda: big() % n_sub  # noqa: E731
    mesh = np.zeros((n, 9), dtype=np.int64)
    code = np.zeros((n, 9), dtype=np.int64)
    mpresent = np.zeros((n, 9), dtype=bool)
    mesh[:, 0] = vocab.mesh_humans
    mpresent[:, 0] = r() < 0.85
    mesh[:, 1], mesh[:, 2] = vocab.mesh_check[0], vocab.mesh_check[1]
    mpresent[:, 1] = mpresent[:, 2] = mpresent[:, 0] & (r() < 0.3)
    mesh[:, 3] = vocab.mesh_check[2 + big() % (len(vocab.mesh_check) - 2)]
    mpresent[:, 3] = mpresent[:, 1] & (r() < 0.6)
    m1 = big() % vocab.mesh_field_count[f1]
    mesh[:, 4] = vocab.mesh_field[f1, m1]
    code[:, 4] = np.where(r() < 0.6, 2 + n_sub + sub(), 1)
    mpresent[:, 4] = classified & ((r() < 0.85) | ~(abs_f1 | title_shows))
    mesh[:, 5] = vocab.mesh_field[f1, _distinct_second(m1, vocab.mesh_field_count[f1], rng)]
    code[:, 5] = np.where(r() < 0.5, 2 + sub(), 0)
    mpresent[:, 5] = mpresent[:, 4] & (r() < 0.5)
    mesh[:, 6] = vocab.mesh_field[f2, big() % vocab.mesh_field_count[f2]]
    code[:, 6] = np.where(r() < 0.5, 1, 0)
    mpresent[:, 6] = has_f2 & (r() < 0.7)
    n_gen_mesh = len(vocab.mesh_general)
    gm = big() % n_gen_mesh
    mesh[:, 7] = vocab.mesh_general[gm]
    code[:, 7] = np.where(r() < 0.4, 1, np.where(r() < 0.3, 2 + subs.index("methods"), 0))
    mpresent[:, 7] = r() < 0.8
    mesh[:, 8] = vocab.mesh_general[_distinct_second(gm, np.full(n, n_gen_mesh), rng)]
    mpresent[:, 8] = r() < 0.5
    sentinel = np.iinfo(np.int64).max
    composite = np.sort(np.where(mpresent, mesh * 64 + code, sentinel), axis=1)
    heading = composite // 64
    repeated = np.zeros_like(mpresent)
    repeated[:, 1:] = heading[:, 1:] == heading[:, :-1]
    keep = (composite != sentinel) & ~repeated
    flat, mcounts = _flatten_slots(composite, keep)
    names = _take(vocab.mesh, flat // 64)
    marked = _cat(_take(marker_prefix, flat % 64), names, _take(marker_suffix, flat % 64))
    recent = year >= end_year - 1
    indexed = np.where(recent, r() < 0.45, r() < 0.92)
    mesh_lines = _only(indexed, _join_ragged(_cat("MH  - ", marked), mcounts, "\n"))
    mesh_plain = _only(r() < 0.8, _join_ragged(names, mcounts, "; "))

    # Web of Science Keywords Plus
    kp = np.stack([big() % len(raw["keywords_plus"]) for _ in range(4)], axis=1)
    kp_present = (r()[:, None] < np.array([0.8, 0.6, 0.4, 0.25])[None, :]) & ~no_abstract[:, None]
    kp_present[:, 1:] &= kp[:, 1:] != kp[:, :1]
    kp_present[:, 2:] &= kp[:, 2:] != kp[:, 1:2]
    kp_present[:, 3] &= kp[:, 3] != kp[:, 2]
    flat, kcounts = _flatten_slots(kp, kp_present)
    keywords_plus = _join_ragged(_take(_strings(raw["keywords_plus"]), flat), kcounts, "; ")

    # identifiers and the ways copies of one work disagree about them
    serial = _scramble(first_index + np.arange(n), 10_000_000, seed % 9_999_991)
    doi = _cat("10.5555/", _take(journals.code, journal), ".", _num(year), ".", _padded(serial, 7))
    no_doi = ((pattern == PUBMED) & (r() < 0.35)) | (r() < 0.02)
    doi = _only(~no_doi, doi)
    doi_missing_in = np.where(multi & ~no_doi & (r() < 0.15), _random_member(pattern, rng), 0)
    doi_case_in = np.where(multi & ~no_doi & (r() < 0.10), _random_member(pattern, rng), 0)
    year_shift_in = np.where(multi & (r() < 0.10), _random_member(pattern, rng), 0)

    # authors: a first author weighted by productivity, co-authors mostly from the same institution
    author_counts = np.where(no_abstract, 1 + rng.poisson(0.8, size=n),
                             1 + rng.poisson(np.where(is_review, 3.5, 4.3)))
    author_counts = np.clip(author_counts, 1, 25)
    total = int(author_counts.sum())
    cum = people.weight
    first = np.searchsorted(cum, rng.random(n) * cum[-1])
    first = np.minimum(first, len(cum) - 1)
    owner = np.repeat(np.arange(n), author_counts)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(author_counts, out=starts[1:])
    is_first = np.zeros(total, dtype=bool)
    is_first[starts[:-1]] = True
    inst = people.institution[first][owner]
    # walking through the institution from the first author gives distinct colleagues
    position = np.arange(total) - starts[owner]
    block_start, block_size = people.block_start[inst], people.block_size[inst]
    colleague = block_start + (first[owner] - block_start + position) % block_size
    anyone = rng.integers(0, len(cum), size=total)
    person = np.where(is_first, first[owner], np.where(rng.random(total) < 0.65, colleague, anyone))
    for _ in range(4):  # the rare outside co-author who is already on the paper is replaced
        order = np.lexsort((person, owner))
        repeat = np.zeros(total, dtype=bool)
        repeat[order[1:]] = (person[order[1:]] == person[order[:-1]]) & (owner[order[1:]] == owner[order[:-1]])
        if not repeat.any():
            break
        person[repeat] = rng.integers(0, len(cum), size=int(repeat.sum()))

    # volume, issue, pages
    volume_n = np.maximum(year - journals.first_volume_year[journal] + 1, 1)
    art = journals.article_numbers[journal]
    pages_n = np.where(is_review, 12 + big() % 20, 5 + big() % 12)
    pages_n = np.where(no_abstract, 1 + big() % 3, pages_n)
    page_start_n = 1 + big() % 9000
    code_is = lambda c: pc.equal(_take(journals.code, journal), c).to_numpy(zero_copy_only=False)  # noqa: E731
    art_no = _num(100000 + big() % 900000)
    art_no = _where(code_is("JMIR"), _cat("e", _num(10000 + big() % 90000)), art_no)

    # citations: heavy-tailed, growing with age; WoS counts a little lower than Scopus
    age = np.maximum(end_year - year, 0) + 0.5
    doc_factor = np.array([1.0, 2.5, 0.35, 0.3, 0.2])[doc_type]
    latent = np.exp(rng.normal(0.2, 1.15, size=n)) * age ** 1.1 * doc_factor
    scopus_cites = rng.poisson(latent)
    wos_cites = rng.binomial(scopus_cites, 0.88)

    return _Works(
        work_index=first_index + np.arange(n), pattern=pattern, year=year, month=month, day=day,
        field1=field1, field2=field2, doc_type=doc_type, journal=journal, language=language,
        decoy_of=decoy_of, title=title, title_case=_title_case(title), abstract=abstract,
        keywords=keywords, keyword_lines=keyword_lines, mesh_lines=mesh_lines, mesh_plain=mesh_plain,
        keywords_plus=keywords_plus, doi=doi, doi_missing_in=doi_missing_in, doi_case_in=doi_case_in,
        year_shift_in=year_shift_in, author_counts=author_counts, author_person=person,
        volume=_num(volume_n), issue=_num(1 + (month - 1) % np.where(journals.proceedings[journal], 1, 12)),
        article_number=_only(art, art_no), page_start=_only(~art, _num(page_start_n)),
        page_end=_only(~art, _num(page_start_n + pages_n - 1)), page_count=_num(pages_n),
        scopus_cites=scopus_cites, wos_cites=wos_cites,
    )


# ------------------------------------------------------------------------------------ author text

@dataclass
class _AuthorText:
    """Per-work author strings in every database's form."""
    scopus_authors: pa.Array
    scopus_full: pa.Array
    scopus_ids: pa.Array
    scopus_affiliations: pa.Array
    scopus_with_affiliations: pa.Array
    scopus_correspondence: pa.Array
    pubmed_block: pa.Array
    wos_au: pa.Array
    wos_af: pa.Array
    wos_c1: pa.Array
    wos_rp: pa.Array
    wos_em: pa.Array
    wos_cr_first: pa.Array


def _author_text(works: _Works, people: _People, rng: np.random.Generator) -> _AuthorText:
    counts = works.author_counts
    person = works.author_person
    n, total = len(counts), len(person)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    owner = np.repeat(np.arange(n), counts)
    position = np.arange(total) - starts[owner]
    is_first = position == 0
    corresponding = person[starts[:-1]]

    # authors sharing an address form one group, in order of their first author (Scopus
    # "Affiliations" lists each address once; a WoS C1 line names the group's authors)
    key = owner * (int(people.affiliation_key.max()) + 1) + people.affiliation_key[person]
    order = np.lexsort((position, key))
    sorted_key = key[order]
    group_start = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    group_size = np.diff(np.r_[group_start, total])
    group_owner = owner[order][group_start]
    group_order = np.lexsort((position[order][group_start], group_owner))
    size_o, start_o = group_size[group_order], group_start[group_order]
    member = np.repeat(start_o - np.r_[0, np.cumsum(size_o)[:-1]], size_o) + np.arange(total)
    member_person = person[order[member]]
    group_person = person[order[start_o]]
    groups_per_work = np.bincount(group_owner[group_order], minlength=n)
    c1_entries = _cat("[", _join_ragged(_take(people.wos_af, member_person), size_o, "; "), "] ",
                      _take(people.wos_affiliation, group_person), ".")

    short = _take(people.scopus_short, person)
    scopus_aff = _take(people.scopus_affiliation, person)
    variant = rng.integers(0, 1 << 30, size=total) % people.pubmed_variants[person]
    address = _take(people.pubmed_affiliation, person * 3 + variant)
    address = _where(is_first & (rng.random(total) < 0.25),
                     _cat(address, " Electronic address: ", _take(people.email, person), "."), address)
    has_address = is_first | (rng.random(total) < 0.9)
    block = _cat_skip(_cat("FAU - ", _take(people.pubmed_fau, person)),
                      _cat("AU  - ", _take(people.pubmed_au, person)),
                      _only(has_address, _cat("AD  - ", _wrap(address, 73, "      ", True))), sep="\n")
    return _AuthorText(
        scopus_authors=_join_ragged(short, counts, "; "),
        scopus_full=_join_ragged(_take(people.scopus_full, person), counts, "; "),
        scopus_ids=_join_ragged(_take(people.scopus_id, person), counts, "; "),
        scopus_affiliations=_join_ragged(_take(people.scopus_affiliation, group_person), groups_per_work, "; "),
        scopus_with_affiliations=_join_ragged(_cat(short, ", ", scopus_aff), counts, "; "),
        scopus_correspondence=_cat(_take(people.corresponding_name, corresponding), "; ",
                                   _take(people.scopus_affiliation, corresponding), "; email: ",
                                   _take(people.email, corresponding)),
        pubmed_block=_join_ragged(block, counts, "\n"),
        wos_au=_join_ragged(_take(people.wos_au, person), counts, "\n   "),
        wos_af=_join_ragged(_take(people.wos_af, person), counts, "\n   "),
        wos_c1=_join_ragged(c1_entries, groups_per_work, "\n   "),
        wos_rp=_cat(_take(people.wos_au, corresponding), " (corresponding author), ",
                    _take(people.wos_affiliation, corresponding), "."),
        wos_em=_take(people.email, corresponding),
        wos_cr_first=_take(people.wos_cr, corresponding),
    )


# ------------------------------------------------------------------------------- per-database copies

def _doi_in(works: _Works, bit: int) -> pa.Array:
    doi = works.doi
    other_case = pc.if_else(pc.equal(doi, pc.utf8_lower(doi)), pc.utf8_upper(doi), pc.utf8_lower(doi))
    doi = _where(works.doi_case_in == bit, other_case, doi)
    return _only(works.doi_missing_in != bit, doi)


def _year_in(works: _Works, bit: int) -> np.ndarray:
    return works.year - (works.year_shift_in == bit)


def _md5_like(rng: np.random.Generator, n: int) -> pa.Array:
    """Random 32-character hex strings (the md5 Scopus puts in record links), built without a loop."""
    data = rng.bytes(16 * n).hex().encode("ascii")
    offsets = (np.arange(n + 1, dtype=np.int32) * 32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data))


def _spelling_flipped(title: pa.Array, pairs) -> pa.Array:
    """American -> British spelling, or British -> American when the title is British already."""
    to_british = _replace_where(title, np.ones(len(title), bool), pairs)
    to_american = _replace_where(title, np.ones(len(title), bool), [(b, a) for a, b in pairs])
    return pc.if_else(pc.not_equal(to_british, title), to_british, to_american)


def _scopus_rows(w: _Works, a: _AuthorText, j: _Journals, ids: dict, end_year: int,
                 rng: np.random.Generator) -> pa.Array:
    n = len(w.year)
    r = lambda: rng.random(n)  # noqa: E731
    journal = w.journal
    title = _where(j.title_case[journal], w.title_case, w.title)
    doi = _doi_in(w, SCOPUS)
    in_press = (w.year == end_year) & (r() < 0.25)
    link_doi = _cat("&doi=", pc.utf8_lower(pc.replace_substring(doi, "/", "%2f")))
    link = _cat_skip("https://www.scopus.com/inward/record.uri?eid=", ids["eid"], link_doi,
                     "&partnerID=40&md5=", _md5_like(rng, n))
    publisher = _take(j.publisher, journal)
    copyright_holder = _where(r() < 0.5, publisher, pa.scalar("The Author(s)"))
    abstract = _where(r() < 0.6, _cat(w.abstract, " © ", _num(w.year), " ", copyright_holder), w.abstract)
    abstract = pc.fill_null(_only(r() >= 0.03, abstract), "[No abstract available]")
    cited = _only(w.scopus_cites > 0, _num(w.scopus_cites))
    language = _take(_strings(["English"] + [name for name, _ in _LANGUAGES]), w.language + 1)
    open_access = _where((r() < 0.2) & ~j.gold_oa[journal], pa.scalar("All Open Access; Green Open Access"),
                         _take(j.open_access, journal))
    columns = [
        a.scopus_authors, a.scopus_full, a.scopus_ids, title, _num(_year_in(w, SCOPUS)),
        _take(j.name, journal), _only(~in_press, w.volume), _only(~in_press, w.issue),
        w.article_number, _only(~in_press, w.page_start), _only(~in_press, w.page_end),
        _only(~in_press & ((w.page_start.is_valid().to_numpy(zero_copy_only=False)) | (r() < 0.5)), w.page_count),
        cited, doi, link, a.scopus_affiliations, a.scopus_with_affiliations, abstract, w.keywords,
        w.mesh_plain, a.scopus_correspondence, publisher, _take(j.issn_scopus, journal),
        _only(((w.pattern & PUBMED) > 0) & (r() < 0.9), ids["pmid"]), language, _take(j.iso, journal),
        _take(_strings(SCOPUS_DOC_TYPES), w.doc_type),
        _where(in_press, pa.scalar("Article in press"), pa.scalar("Final")), open_access,
        pa.scalar("Scopus"), ids["eid"],
    ]
    quoted = [pc.replace_substring(pc.fill_null(c, ""), '"', '""') if isinstance(c, pa.Array) else c
              for c in columns]
    return _cat('"', pc.binary_join_element_wise(*quoted, '","'), '"')


def _medline_records(w: _Works, a: _AuthorText, j: _Journals, ids: dict,
                     rng: np.random.Generator) -> pa.Array:
    n = len(w.year)
    r = lambda: rng.random(n)  # noqa: E731
    journal = w.journal
    shifted = w.year_shift_in == PUBMED
    year = _num(_year_in(w, PUBMED))
    month = np.where(shifted, 12, w.month)
    mon = _take(_strings(MONTHS), month - 1)
    u = r()
    dp = _where(u < 0.6, _cat(year, " ", mon, " ", _num(w.day)), _where(u < 0.9, _cat(year, " ", mon), year))
    title = _where(j.title_case[journal] & (r() >= 0.3), w.title_case, w.title)
    question = pc.ends_with(title, "?").to_numpy(zero_copy_only=False)
    title = _where(question, title, _cat(title, "."))
    foreign = w.language >= 0
    title = _where(foreign, _cat("[", pc.utf8_rtrim(title, "."), "]."), title)
    doi = _doi_in(w, PUBMED)
    pages = pc.coalesce(w.article_number, _cat(w.page_start, "-", w.page_end))
    date = _cat(year, "/", _padded(month, 2), "/", _padded(w.day, 2))
    epub = _cat(year, _padded(month, 2), _padded(w.day, 2))
    indexed = w.mesh_lines.is_valid().to_numpy(zero_copy_only=False)
    status = _where(indexed, pa.scalar("MEDLINE"),
                    _where(r() < 0.5, pa.scalar("In-Process"), pa.scalar("PubMed-not-MEDLINE")))
    doc_types = _take(_strings(PUBMED_DOC_TYPES), w.doc_type)
    doc_types = _where((w.doc_type == ARTICLE) & (r() < 0.35),
                       _cat(doc_types, "\nPT  - Research Support, Non-U.S. Gov't"), doc_types)
    language = _take(_strings(["eng"] + [code for _, code in _LANGUAGES]), w.language + 1)
    source = _cat_skip(_cat(_take(j.nlm, journal), ". ", dp, ";", w.volume, "(", w.issue, "):", pages, "."),
                       _cat("doi: ", doi, "."), sep=" ")
    lines = [
        _cat("PMID- ", ids["pmid"]), "OWN - NLM", _cat("STAT- ", status), _cat("LR  - ", epub),
        _cat("IS  - ", _take(j.issn_wos, journal), " (Electronic)"), _cat("VI  - ", w.volume),
        _cat("IP  - ", w.issue), _cat("DP  - ", dp), _cat("TI  - ", _wrap(title, 73, "      ", True)),
        _cat("PG  - ", pages), _cat("LID - ", doi, " [doi]"),
        _cat("AB  - ", _wrap(w.abstract, 73, "      ", True)), a.pubmed_block, _cat("LA  - ", language),
        _cat("PT  - ", doc_types), _cat("DEP - ", epub), _cat("TA  - ", _take(j.nlm, journal)),
        _cat("JT  - ", _wrap(_take(j.nlm_full, journal), 73, "      ", True)), "SB  - IM", w.mesh_lines,
        _only(w.keywords.is_valid().to_numpy(zero_copy_only=False) & (r() < 0.7),
              _cat("OTO - NOTNLM\n", w.keyword_lines)),
        _cat("EDAT- ", date, " 06:00"), _cat("MHDA- ", date, " 06:00"), _cat("CRDT- ", date, " 06:00"),
        _cat("AID - ", doi, " [doi]"),
        _where(r() < 0.5, pa.scalar("PST - ppublish"), pa.scalar("PST - epublish")),
        _cat("SO  - ", _wrap(source, 73, "      ", True)),
    ]
    return _cat_skip(*lines, sep="\n")


def _wos_records(w: _Works, a: _AuthorText, j: _Journals, ids: dict, references: pa.Array,
                 rng: np.random.Generator, export_date: str) -> pa.Array:
    n = len(w.year)
    r = lambda: rng.random(n)  # noqa: E731
    journal = w.journal
    raw = _vocab().raw
    tc = j.title_case[journal] ^ (r() < 0.15)
    title = _where(tc, w.title_case, w.title)
    title = _replace_where(title, r() < 0.25, list(raw["wos_variants"].items()))
    title = _where(r() < 0.10, _spelling_flipped(title, list(raw["british"].items())), title)
    shifted = w.year_shift_in == WOS
    early = shifted & (r() < 0.5)            # early access, no issue yet: PY empty, EA the year before
    early_seen = early | (r() < 0.05)
    year = _num(np.where(early, w.year, _year_in(w, WOS)))
    ea_year = _num(np.where(early, w.year - 1, _year_in(w, WOS)))
    mon = _take(_strings(m.upper() for m in MONTHS), w.month - 1)
    doc = _take(_strings(WOS_DOC_TYPES), w.doc_type)
    doc = _where(early_seen, _cat(doc, "; Early Access"), doc)
    tag = lambda t, v: _cat(t + " ", v)  # noqa: E731
    tc_count = _num(w.wos_cites)
    z9 = _num(w.wos_cites + rng.poisson(0.05 * w.wos_cites))
    proceedings = j.proceedings[journal]
    lines = [
        _where(proceedings, pa.scalar("PT C"), pa.scalar("PT J")), tag("AU", a.wos_au), tag("AF", a.wos_af),
        tag("TI", _wrap(title, 67, "   ", False)), tag("SO", _take(j.so_upper, journal)),
        tag("LA", _take(_strings(["English"] + [name for name, _ in _LANGUAGES]), w.language + 1)),
        tag("DT", doc), tag("DE", _wrap(w.keywords, 67, "   ", False)),
        tag("ID", _wrap(w.keywords_plus, 67, "   ", False)), tag("AB", w.abstract), tag("C1", a.wos_c1),
        tag("RP", a.wos_rp), tag("EM", a.wos_em), tag("CR", references["text"]),
        tag("NR", references["count"]), tag("TC", tc_count), tag("Z9", z9),
        tag("U1", _num(rng.integers(0, 30, size=n))), tag("U2", _num(rng.integers(30, 90, size=n))),
        tag("PU", _take(j.wos_publisher, journal)), tag("PI", _take(j.wos_city, journal)),
        tag("SN", _take(j.issn_wos, journal)), tag("J9", _take(j.j9, journal)), tag("JI", _take(j.iso, journal)),
        _only(~early, tag("PD", _where(r() < 0.5, _cat(mon, " ", _num(w.day)), mon))),
        _only(~early, tag("PY", year)), _only(~early, tag("VL", w.volume)), _only(~early, tag("IS", w.issue)),
        tag("BP", w.page_start), tag("EP", w.page_end), tag("AR", w.article_number), tag("DI", _doi_in(w, WOS)),
        _only(early_seen, tag("EA", _cat(mon, " ", ea_year))), tag("PG", w.page_count),
        tag("WC", _take(j.category, journal)), tag("SC", _take(j.category, journal)), tag("UT", ids["ut"]),
        _only(((w.pattern & PUBMED) > 0) & (r() < 0.75), tag("PM", ids["pmid"])), "DA " + export_date, "ER",
    ]
    return _cat_skip(*lines, sep="\n")


def _classic_references(vocab: _Vocab, size: int, seed: int) -> tuple[pa.Array, np.ndarray]:
    """A pool of (synthetic) older references that many papers cite, with Zipf-like popularity."""
    rng = np.random.default_rng([seed, 2])
    surnames = sorted({_fold(s) for pool in vocab.raw["names"].values() for s in pool["surnames"]})
    sources = ["NAT MED", "LANCET", "NEW ENGL J MED", "J BIOMECH", "ANN BIOMED ENG", "IEEE T BIO-MED ENG",
               "PLOS ONE", "NATURE", "SCIENCE", "J R SOC INTERFACE", "BIOMECH MODEL MECHAN", "CIRP ANN-MANUF TECHN",
               "J MANUF SYST", "PROG AEROSP SCI", "INT J NUMER METH BIO", "MED IMAGE ANAL", "J AM MED INFORM ASSN"]
    name = _take(_strings(surnames), rng.integers(0, len(surnames), size=size))
    initial = _take(_strings(chr(65 + i) for i in range(26)), rng.integers(0, 26, size=size))
    year = rng.integers(1995, 2020, size=size)
    ref = _cat(name, " ", initial, ", ", _num(year), ", ", _take(_strings(sources), rng.integers(0, len(sources), size)),
               ", V", _num(rng.integers(1, 400, size=size)), ", P", _num(rng.integers(1, 3000, size=size)))
    with_doi = _cat(ref, ", DOI 10.5555/ref.", _padded(np.arange(size), 6))
    popularity = np.cumsum(1.0 / (1.0 + rng.permutation(size)) ** 1.05)
    refs = _where(rng.random(size) < 0.8, with_doi, ref)
    alphabetical = pc.array_sort_indices(refs).to_numpy()
    return _take(refs, alphabetical), popularity


def _references(w: _Works, a: _AuthorText, j: _Journals, classics: tuple[pa.Array, np.ndarray],
                rng: np.random.Generator) -> dict:
    """Cited references of every work: classics and earlier works of the corpus (co-citation)."""
    n = len(w.year)
    count = np.select([w.doc_type == REVIEW, w.doc_type == CONFERENCE, w.doc_type >= EDITORIAL],
                      [25 + rng.integers(0, 35, n), 6 + rng.integers(0, 15, n), rng.integers(0, 8, n)],
                      10 + rng.integers(0, 25, n))
    total = int(count.sum())
    owner = np.repeat(np.arange(n), count)
    by_year = np.argsort(w.year, kind="stable")
    earlier = np.searchsorted(w.year[by_year], w.year, side="left")[owner]
    internal = (rng.random(total) < 0.3) & (earlier > 0)
    cited_work = by_year[np.minimum((rng.random(total) * earlier).astype(np.int64), np.maximum(earlier - 1, 0))]
    pool, popularity = classics
    classic = np.minimum(np.searchsorted(popularity, rng.random(total) * popularity[-1]), len(popularity) - 1)
    own = _cat_skip(_cat(a.wos_cr_first, ", ", _num(w.year), ", ", _take(j.j9, w.journal), ", V", w.volume),
                    _cat("DOI ", pc.utf8_upper(w.doi)), sep=", ")
    table = pa.concat_arrays([pool, own])
    ref = np.where(internal, len(pool) + cited_work, classic)
    order = np.lexsort((ref, owner))
    ref, owner = ref[order], owner[order]
    distinct = np.r_[True, (ref[1:] != ref[:-1]) | (owner[1:] != owner[:-1])]
    count = np.bincount(owner[distinct], minlength=n)
    flat = _take(table, ref[distinct])
    return {"text": _join_ragged(flat, count, "\n   "), "count": _num(count)}


# -------------------------------------------------------------------------------------------- writing

def _field_labels(vocab: _Vocab, field1: np.ndarray, field2: np.ndarray) -> pa.Array:
    names = _strings(vocab.fields)
    first = _take(names, np.maximum(field1, 0))
    second = _only(field2 >= 0, _take(names, np.maximum(field2, 0)))
    return _where(field1 < 0, pa.scalar("unclassified"), _cat_skip(first, second, sep=";"))


def _blob(records: pa.Array, sep: str, *, lead: str = "", tail: str = "") -> list:
    """``records`` joined by ``sep`` as buffers to write (the text is never decoded into Python)."""
    if not len(records):
        return []
    joined = pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(records)], pa.int32()), records), sep)
    return [lead.encode("utf-8"), joined[0].as_buffer(), tail.encode("utf-8")]


def write_demo_corpus(out_dir, n_records: int = 1500, seed: int = 20221, start_year: int = 2014,
                      end_year: int = 2025) -> dict:
    """Write the synthetic corpus (three exports and two truth tables) into ``out_dir``; return counts.

    ``scopus.csv``, ``pubmed.txt`` and ``wos_savedrecs.txt`` hold ``n_records`` records in total;
    ``truth.csv`` maps every record (database, native id) to its true work, fields and year;
    ``works_truth.csv`` lists the true works. The same arguments give byte-identical files.
    """
    if n_records < 1:
        raise ValueError(f"n_records must be at least 1, got {n_records}")
    if not 1900 <= start_year <= end_year <= 2100:
        raise ValueError(f"years must satisfy 1900 <= start_year <= end_year <= 2100, got {start_year}-{end_year}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    vocab = _vocab()
    journals = _journals(vocab, seed)
    patterns = _plan_patterns(n_records, np.random.default_rng([seed, 0]))
    n_works = len(patterns)
    people = _people(vocab, int(np.clip(n_works * 1.2, 400, 2_000_000)), seed)
    classics = _classic_references(vocab, int(np.clip(n_works // 4, 300, 200_000)), seed)
    export_date = f"{end_year}-06-30"
    counts = {"scopus": 0, "pubmed": 0, "wos": 0}
    id_offset = seed % 1_000_003

    with contextlib.ExitStack() as stack:
        paths = {name: stack.enter_context(atomic_path(out / name)) for name in
                 (*FILE_NAMES.values(), "truth.csv", "works_truth.csv")}
        files = {name: stack.enter_context(open(path, "wb")) for name, path in paths.items()}
        for path in paths.values():
            os.chmod(path, 0o644)
        files["scopus.csv"].write(("\ufeff" + ",".join(f'"{c}"' for c in SCOPUS_COLUMNS) + "\n").encode("utf-8"))
        files["wos_savedrecs.txt"].write("\ufeffFN Clarivate Analytics Web of Science\nVR 1.0\n".encode("utf-8"))
        for chunk, first in enumerate(range(0, n_works, CHUNK_WORKS)):
            pattern = patterns[first:first + CHUNK_WORKS]
            w = _make_works(vocab, journals, people, pattern, first, start_year, end_year, seed, chunk)
            rng = np.random.default_rng([seed, 4, chunk])
            a = _author_text(w, people, rng)
            # native identifiers in ranges real databases have not used
            ids = {}
            for bit, name, make in (
                (SCOPUS, "eid", lambda k: _cat("2-s2.0-9", _padded(_scramble(k, 10**10, id_offset * 7 + 3), 10))),
                (PUBMED, "pmid", lambda k: _num(90_000_000 + _scramble(k, 10_000_000, id_offset * 3 + 1))),
                (WOS, "ut", lambda k: _cat("WOS:009", _padded(_scramble(k, 10**12, id_offset * 11 + 5), 12))),
            ):
                held = (pattern & bit) > 0
                k = counts[DATABASE_NAMES[bit]] + np.cumsum(held) - 1
                ids[name] = _only(held, make(np.maximum(k, 0)))
            keys = _cat("W", _padded(w.work_index, 7))
            labels = _field_labels(vocab, w.field1, w.field2)
            refs = _references(w, a, journals, classics, rng)

            truth_parts = []
            for bit, file_name in FILE_NAMES.items():
                rows = np.flatnonzero((pattern & bit) > 0)
                sub = lambda x: x.take(pa.array(rows)) if isinstance(x, (pa.Array, pa.ChunkedArray)) else x[rows]  # noqa: E731
                ws = _Works(**{f: sub(getattr(w, f)) for f in w.__dataclass_fields__
                               if f not in ("author_counts", "author_person")},
                            author_counts=w.author_counts[rows], author_person=w.author_person[:0])
                aa = _AuthorText(**{f: sub(getattr(a, f)) for f in a.__dataclass_fields__})
                ii = {k: sub(v) for k, v in ids.items()}
                if bit == SCOPUS:
                    recs = _scopus_rows(ws, aa, journals, ii, end_year, rng)
                    blob = _blob(recs, "\n", tail="\n")
                    native = ii["eid"]
                elif bit == PUBMED:
                    recs = _medline_records(ws, aa, journals, ii, rng)
                    lead = "" if counts["pubmed"] == 0 else "\n"
                    blob = _blob(recs, "\n\n", lead=lead, tail="\n")
                    native = ii["pmid"]
                else:
                    rr = {k: sub(v) for k, v in refs.items()}
                    recs = _wos_records(ws, aa, journals, ii, rr, rng, export_date)
                    blob = _blob(recs, "\n\n", tail="\n\n")
                    native = ii["ut"]
                for part in blob:
                    files[file_name].write(part)
                counts[DATABASE_NAMES[bit]] += len(rows)
                truth_parts.append(pd.DataFrame({
                    "database": DATABASE_NAMES[bit], "native_id": native.to_pylist(),
                    "work_key": sub(keys).to_pylist(), "fields": sub(labels).to_pylist(),
                    "year_true": w.year[rows]}))
            truth = pd.concat(truth_parts, ignore_index=True)
            files["truth.csv"].write(truth.to_csv(index=False, header=chunk == 0, lineterminator="\n")
                                     .encode("utf-8"))
            databases = _cat_skip(*[_only((pattern & bit) > 0, pa.scalar(name)) for bit, name
                                    in DATABASE_NAMES.items()], sep=";")
            decoy = _only(w.decoy_of >= 0, _cat("W", _padded(np.maximum(w.decoy_of, 0), 7)))
            works = pd.DataFrame({"work_key": keys.to_pylist(), "fields": labels.to_pylist(), "year": w.year,
                                  "title": w.title.to_pylist(), "databases": databases.to_pylist(),
                                  "decoy_of": decoy.to_pylist()})
            files["works_truth.csv"].write(works.to_csv(index=False, header=chunk == 0, lineterminator="\n")
                                           .encode("utf-8"))
        files["wos_savedrecs.txt"].write(b"EF")
        for fh in files.values():
            fh.close()
    return {"records": n_records, "works": n_works, **counts}


def write_demo_decisions(raw_dir, out_csv, seed: int = 20221) -> int:
    """SYNTHETIC screening decisions for a demo corpus, so its PRISMA diagram is complete.

    The corpus in ``raw_dir`` is read and merged as ``bibtwin ingest`` does, and
    :func:`bibtwin.screening.simulate_decisions` decides every work (seeded). Never use this for a real
    review: real decisions are the reviewers' (``data/screening/decisions.csv``). Returns the row count.
    """
    from .atomic import write_csv
    from .ingest import ingest
    from .screening import simulate_decisions

    works = ingest(raw_dir).merged.works
    decisions = simulate_decisions(works, seed=seed)
    decisions = decisions[[c for c in decisions.columns if c != "line"]]  # "line" is for error messages
    write_csv(out_csv, decisions)
    return len(decisions)
