"""RIS: Scopus RIS and the generic RIS written by Embase, Ovid, EBSCO, Zotero, EndNote and others.

A record is a run of lines ``TG  - value`` (two capital letters or a letter and a digit, two spaces, a
hyphen, a space) that starts with ``TY`` and ends with ``ER  -``. Lines that are not tag lines continue the
value of the tag above them (some exports wrap abstracts), and a tag may repeat (``AU``, ``AD``, ``KW``).

The parsing is our own and vectorized: the file is split into lines once, tags are extracted with one
Arrow regex and records are numbered with cumulative sums. ``rispy`` (0.10) was measured first: it reads
the 411-record Scopus file in 0.06 s, but keeps one ``AD`` of the nine a record has (the rest of the
affiliations, and so the countries, are lost), silently drops a last record that has no ``ER``, and gives
no line numbers for errors. This reader takes about the same time and loses nothing.

Decisions:

* A file whose last record has no ``ER`` is cut off (an interrupted download or a bad copy): more records
  than that one are probably missing, so :class:`~bibtwin.errors.TruncatedRecordError` is raised naming the
  line where the unfinished record starts, rather than quietly reading part of an export.
* A ``TY`` inside a record (the ``ER`` of the record before is missing) starts a new record; the earlier
  record is kept, with a warning naming its line.
* A record that does not start with ``TY`` is returned as a :class:`~bibtwin.readers.Rejection`.
* Scopus RIS (``UR  - https://www.scopus.com/...`` or ``DB  - Scopus``): the document type is ``M3``
  (``TY`` is ``JOUR`` for articles and reviews alike); ``N1`` holds labelled parts ``Export Date: ...;
  Cited By: 12; Correspondence Address: ...; Funding details: ...; References: ...`` which are split into
  ``cited_by``, ``corresponding_address``, ``funding`` and ``references`` (the rest stays in ``extra``). A
  record whose ``N1`` has no ``Cited By`` has 0 citations, as an empty ``Cited by`` in Scopus CSV. ``KW``
  holds author and index keywords mixed together (Scopus RIS does not tell them apart); they go to
  ``author_keywords``. ``C2`` is the PubMed ID and the record link carries the EID.
* Generic RIS: ``database`` comes from ``DB`` (else ``DP``) in lower case (``Embase`` -> ``embase``,
  ``Ovid MEDLINE(R)`` -> ``pubmed``), ``unknown`` when neither is given; the record identifier is the
  accession number ``AN`` (else the PMID) as ``<database>:<id>``; citation counts are unknown (NA).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import normalize as nz
from ..errors import EmptyFileError, TruncatedRecordError
from ..io import extra_json
from ..schema import STRING, bool_array
from ..textio import Text
from . import ReaderResult, Rejection

FORMATS = ("scopus_ris", "ris")

# RIS tag line: the value may be absent ("ER  -"); RE2 syntax (Arrow)
_TAG_LINE = r"^(?P<tag>[A-Z][A-Z0-9])  -(?: (?P<value>.*))?$"
_TAG_LINE_RE = re.compile(r"^[A-Z][A-Z0-9]  -(?: |$)", re.MULTILINE)
_SCOPUS_HINT = re.compile(r"^(?:UR  - https?://(?:www\.)?scopus\.com/|DB  - Scopus\s*$)", re.MULTILINE)
_EID = r"eid=(2-s2\.0-\d+)"
_DOI_LIKE = r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?10\.\d{4,9}/\S+"

# tags held by a canonical column (everything else goes to `extra`, keyed by its tag)
_LIST_TAGS = {"AU", "A1", "KW", "AD", "UR"}
_SCALAR_TAGS = {"TI", "T1", "PY", "Y1", "DA", "T2", "JF", "JO", "J2", "JA", "J1", "SN", "VL", "IS", "SP",
                "EP", "C7", "DO", "AB", "N2", "PB", "LA", "DB", "DP", "AN", "M3", "TY"}

# Scopus puts several labelled parts in N1, "; "-separated; these labels start a part
_N1_LABELS = ("Export Date", "Cited [Bb]y", "Correspondence Address", "CODEN", "Funding details",
              r"Funding text(?: \d+)?", "References", "Sponsors", "Conference name", "Conference date",
              "Conference location", "Conference code", "Chemicals/CAS", "Tradenames", "Manufacturers",
              "Molecular Sequence Numbers", "PubMed ID", "Language of Original Document", "Publisher",
              "Abbreviated Source Title", "Document Type", "Publication Stage", "Open Access", "Source",
              r"Art\. No\.", "Editors", "ISBN", "Original language title")
_N1_NEXT = r"(?=;\s*(?:" + "|".join(_N1_LABELS) + r"):|\s*$)"
_N1_HELD = {"Cited [Bb]y": "cited_by", "Correspondence Address": "corresponding_address",
            "Funding details": "funding", r"Funding text(?: \d+)?": "funding", "References": "references",
            "Open Access": "open_access"}

# database names as RIS DB/DP tags spell them -> the names used across bibtwin
_DATABASE_NAMES = ((r"medline|pubmed", "pubmed"), (r"embase", "embase"), (r"scopus", "scopus"),
                   (r"web of science|wos", "wos"), (r"crossref", "crossref"), (r"psycinfo", "psycinfo"),
                   (r"cinahl", "cinahl"), (r"cochrane", "cochrane"))


def sniff(head: str) -> str | None:
    """RIS when the first tag line of the text is ``TY  - ``; Scopus RIS when it links to scopus.com or
    names Scopus as its database."""
    first = _TAG_LINE_RE.search(head)
    if first is None or not head.startswith("TY  -", first.start()):
        return None
    return "scopus_ris" if _SCOPUS_HINT.search(head) else "ris"


# ------------------------------------------------------------------------------------------ tokenizing


def _fields(text: Text) -> tuple[np.ndarray, pa.Array, pa.Array, np.ndarray]:
    """One row per tag line: 1-based line number, tag, value (continuation lines joined with a space), and
    the number of stray lines (not tag, not blank) seen before the first tag."""
    lines = pa.array(text.text.split("\n"), type=pa.string())
    lines = pc.utf8_rtrim_whitespace(pc.replace_substring_regex(lines, "^\ufeff", ""))  # BOMs of joined files
    parts = pc.extract_regex(lines, _TAG_LINE)
    is_tag = pc.is_valid(parts).to_numpy(zero_copy_only=False)
    blank = pc.equal(pc.utf8_trim_whitespace(lines), "").to_numpy(zero_copy_only=False)
    tag_index = np.flatnonzero(is_tag)
    values = pc.utf8_trim_whitespace(parts.field("value").filter(bool_array(is_tag)))
    # a non-blank line that is not a tag line continues the value of the tag line above it
    owner = np.cumsum(is_tag) - 1
    cont = ~is_tag & ~blank
    header = cont & (owner < 0)
    cont &= owner >= 0
    if cont.any():
        cont_owner = owner[cont]
        cont_text = pc.utf8_trim_whitespace(lines.filter(bool_array(cont)))
        joined = join_lists(list_from_sorted(cont_owner, cont_text, len(tag_index)), " ")
        values = pc.if_else(pc.is_valid(joined),
                            pc.utf8_trim_whitespace(pc.binary_join_element_wise(values, joined, " ")), values)
    tags = parts.field("tag").filter(bool_array(is_tag))
    return tag_index + 1, tags, values, np.flatnonzero(header) + 1


def _records(text: Text) -> tuple[np.ndarray, np.ndarray, pa.Array, pa.Array, list[str]]:
    """Assign each tag line to a record. Returns record number per field (0-based; -1 for ER lines), the
    line of each field, tags, values, and warnings. Raises on an empty or truncated file."""
    line, tags, values, header_lines = _fields(text)
    if not len(tags):
        raise EmptyFileError(text.path, "no RIS records", expected="records starting with 'TY  - '",
                             found=_first_line(text.text))
    is_ty = pc.equal(tags, "TY").to_numpy(zero_copy_only=False)
    is_er = pc.equal(tags, "ER").to_numpy(zero_copy_only=False)
    after_er = np.ones(len(tags), dtype=bool)
    after_er[1:] = is_er[:-1]
    starts = (is_ty | after_er) & ~is_er
    record = np.cumsum(starts) - 1
    warnings = []
    if len(header_lines):
        warnings.append(f"{text.path}: {len(header_lines)} line(s) before the first record ignored "
                        f"(line {header_lines[0]}: {text.text.split(chr(10))[header_lines[0] - 1][:60]!r})")
    if record[-1] < 0 or not starts.any():
        raise EmptyFileError(text.path, "no RIS records", line=int(line[0]),
                             expected="records starting with 'TY  - '", found="only 'ER' lines")
    # the last record must be closed by ER
    if not is_er[-1]:
        start = int(line[np.flatnonzero(starts)[-1]])
        raise TruncatedRecordError(text.path, "the last record has no 'ER  -' line: the file looks cut off",
                                   line=start, record=int(record[-1]) + 1,
                                   expected=f"'ER  -' closing the record that starts on line {start}",
                                   found=f"end of file after line {int(line[-1])}")
    missing_er = np.flatnonzero(is_ty & ~after_er)
    if len(missing_er):
        where = ", ".join(f"line {int(line[i])}" for i in missing_er[:5])
        warnings.append(f"{text.path}: {len(missing_er)} record(s) start with TY before the record above "
                        f"was closed by ER ({where}); the records above them were kept")
    stray_er = is_er & after_er
    record = np.where(is_er, -1, record)
    if stray_er.any():
        warnings.append(f"{text.path}: {int(stray_er.sum())} 'ER' line(s) outside any record ignored "
                        f"(line {int(line[np.flatnonzero(stray_er)[0]])})")
    return record, line, tags, values, warnings


# ---------------------------------------------------------------------------------------------- parse


def parse(text: Text, fmt: str = "ris") -> ReaderResult:
    record, line, tags, values, warnings = _records(text)
    n = int(record.max()) + 1
    in_record = record >= 0

    def per_record(tag: str) -> pa.ListArray:
        mask = pc.equal(tags, tag).to_numpy(zero_copy_only=False) & in_record
        return list_from_sorted(record[mask], values.filter(bool_array(mask)), n)

    present = set(pc.unique(tags.filter(pa.array(in_record))).to_pylist())
    empty = pa.array([[]] * n, type=pa.list_(pa.string()))
    lists = {t: per_record(t) for t in present}

    def listed(tag: str) -> pd.Series:
        return nz.list_series(lists.get(tag, empty))

    def scalar(tag: str) -> pd.Series:
        return pd.Series(pd.arrays.ArrowExtensionArray(join_lists(lists.get(tag, empty), "; "))) \
            .astype(STRING)

    scopus = fmt == "scopus_ris"
    leftover: dict[str, pd.Series] = {}   # values of held tags that no column took, for `extra`

    def coalesce(*names: str) -> pd.Series:
        """The first non-empty of the tags, in priority order; the others go to `extra` when not used."""
        out = pd.Series(pd.NA, index=range(n), dtype=STRING)
        for name in names:
            s = scalar(name)
            leftover[name] = s.where(out.notna())
            out = out.fillna(s)
        return out

    frame = pd.DataFrame(index=range(n))
    frame["title"] = coalesce("TI", "T1")
    frame["year"] = nz.parse_year(coalesce("PY", "Y1", "DA"))
    frame["journal"] = coalesce("T2", "JF", "JO") if scopus else coalesce("JF", "T2", "JO")
    frame["journal_abbrev"] = coalesce("J2", "JA", "J1")
    frame["issn"] = scalar("SN").str.replace(r"\s*\(ISSN\)", "", regex=True)
    frame["volume"] = scalar("VL")
    frame["issue"] = scalar("IS")
    frame["pages"] = _pages(scalar("SP"), scalar("EP"), scalar("C7"))
    frame["abstract"] = coalesce("AB", "N2")
    frame["publisher"] = scalar("PB")
    frame["language"] = scalar("LA")
    frame["authors"] = pd.Series(pd.arrays.ArrowExtensionArray(
        pc.if_else(pc.greater(pc.list_value_length(lists.get("AU", empty)), 0),
                   lists.get("AU", empty), lists.get("A1", empty))))
    leftover["A1"] = scalar("A1").where(listed("AU").list.len() > 0)
    if not scopus:
        # RIS names authors "Lastname, Firstname": full names where the database gives them
        frame["author_full_names"] = frame["authors"]
    frame["affiliations"] = listed("AD")
    frame["author_keywords"] = listed("KW")

    # doc type: M3 ("Article", "Review", "Conference Abstract") is more precise than TY ("JOUR"), but
    # some publishers put a DOI in M3
    m3 = scalar("M3")
    m3_is_doi = m3.str.match(_DOI_LIKE).fillna(False)
    frame["doc_type_raw"] = m3.mask(m3_is_doi).fillna(scalar("TY"))
    leftover["TY"] = scalar("TY").where(m3.mask(m3_is_doi).notna())
    frame["doi"] = scalar("DO").fillna(m3.where(m3_is_doi))
    leftover["M3"] = m3.where(m3_is_doi & scalar("DO").notna())

    urls = lists.get("UR", empty)
    frame["url"] = pd.Series(pd.arrays.ArrowExtensionArray(join_lists(pc.list_slice(urls, 0, 1), "")),
                             dtype=STRING)
    leftover["UR"] = pd.Series(pd.arrays.ArrowExtensionArray(join_lists(pc.list_slice(urls, 1), "; ")),
                               dtype=STRING)
    frame["eid"] = frame["url"].str.extract(_EID, expand=False).astype(STRING)

    if scopus:
        frame["database"] = "scopus"
        note = scalar("N1")
        for col, values_ in _scopus_notes(note).items():
            frame[col] = values_
        frame["cited_by"] = nz.parse_count(frame["cited_by"], empty_is_zero=True)
        leftover["N1"] = _scopus_notes_rest(note)
        c2 = scalar("C2")
        frame["pmid"] = c2.where(c2.str.fullmatch(r"\d+").fillna(False))
        leftover["C2"] = c2.where(frame["pmid"].isna())
        frame["record_id"] = "scopus:" + frame["eid"]
        # DB is "Scopus" (the database column says so); AN and DP are not Scopus tags: kept in extra
        held = (_LIST_TAGS | _SCALAR_TAGS | {"N1", "C2"}) - {"AN", "DP"}
    else:
        database = _database_name(coalesce("DB", "DP"))
        frame["database"] = database
        frame["cited_by"] = pd.array([pd.NA] * n, dtype="Int64")
        pmid = _generic_pmid(database, scalar)
        frame["pmid"] = pmid
        frame["record_id"] = database + ":" + scalar("AN").fillna(pmid)
        held = _LIST_TAGS | _SCALAR_TAGS   # C5, U2, N1 ... stay in extra as given
    frame["source_record"] = np.arange(1, n + 1)

    # `extra`: every tag no column holds (repeats "; "-joined), plus held values that lost to a
    # higher-priority tag (T1 when TI is there)
    rest = pd.DataFrame({t: scalar(t) for t in sorted(present - held - {"ER"})}, index=range(n))
    for name, unused in leftover.items():
        if unused.notna().any():
            rest[name] = unused
    frame["extra"] = extra_json(rest, sorted(rest.columns))
    record_line = line[_record_starts(record)]

    # records that do not start with TY are not RIS records: reject them, naming their line
    has_ty = np.bincount(record[in_record & pc.equal(tags, "TY").to_numpy(zero_copy_only=False)],
                         minlength=n) > 0
    rejected = [Rejection(source_record=int(i) + 1, line=int(record_line[i]),
                          reason=f"record does not start with 'TY  - ' (its first tag is "
                                 f"{tags[int(np.flatnonzero(record == i)[0])].as_py()!r})")
                for i in np.flatnonzero(~has_ty)]
    frame = frame.loc[has_ty].reset_index(drop=True)
    return ReaderResult(frame, rejected, warnings)


def list_from_sorted(record: np.ndarray, values: pa.Array, n_records: int) -> pa.ListArray:
    """A ``list<string>`` per record from values whose record numbers are sorted (file order); empty
    values are dropped."""
    keep = pc.and_(pc.is_valid(values), pc.not_equal(values, "")).fill_null(False)
    keep_np = keep.to_numpy(zero_copy_only=False)
    record, values = record[keep_np], values.filter(keep)
    counts = np.bincount(record, minlength=n_records)
    offsets = np.zeros(n_records + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), values.cast(pa.string()))


def join_lists(lists: pa.ListArray, sep: str) -> pa.Array:
    """Join each list with ``sep``; an empty list gives null (unknown), never ""."""
    joined = pc.binary_join(lists, sep)
    return pc.if_else(pc.equal(pc.list_value_length(lists), 0), pa.scalar(None, pa.string()), joined)


def _record_starts(record: np.ndarray) -> np.ndarray:
    """Index of the first field of each record (record numbers are sorted, ER rows are -1)."""
    idx = np.flatnonzero(record >= 0)
    rec = record[idx]
    first = np.ones(len(rec), dtype=bool)
    first[1:] = rec[1:] != rec[:-1]
    return idx[first]


def _pages(start: pd.Series, end: pd.Series, article_number: pd.Series) -> pd.Series:
    """``SP-EP``; ``SP`` alone (some exports put the whole range there); else the article number."""
    both = start + "-" + end
    return both.fillna(start).fillna(article_number).astype(STRING)


def _scopus_notes(note: pd.Series) -> dict[str, pd.Series]:
    """Split Scopus ``N1`` into the parts that have columns."""
    def part(label: str) -> pd.Series:
        return note.str.extract(r"(?:^|;\s*)" + label + r":\s*(.*?)" + _N1_NEXT, expand=False).astype(STRING)

    # "Funding details" may repeat and "Funding text 1", "Funding text 2" follow: keep them all, in order
    funding = note.str.findall(r"(?:^|;\s*)(?:Funding details|Funding text(?: \d+)?):\s*(.*?)" + _N1_NEXT)
    funding = funding.str.join("; ").astype(STRING)
    return {
        "cited_by": part("Cited [Bb]y"),
        "corresponding_address": part("Correspondence Address"),
        "funding": funding.mask(funding == ""),
        "references": nz.split_list(part("References"), ";"),
        "open_access": part("Open Access"),
    }


def _scopus_notes_rest(note: pd.Series) -> pd.Series:
    """What is left of ``N1`` once the parts held by columns are taken out (Export Date, CODEN, ...)."""
    rest = note
    for label in _N1_HELD:
        rest = rest.str.replace(r"(?:^|;\s*)" + label + r":\s*.*?" + _N1_NEXT, "", regex=True)
    rest = rest.str.strip().str.lstrip("; ").str.strip()
    return rest.mask(rest == "").astype(STRING)


def _database_name(raw: pd.Series) -> pd.Series:
    name = raw.str.strip().str.lower()
    out = pd.Series(pd.NA, index=raw.index, dtype=STRING)
    for pattern, canonical in _DATABASE_NAMES:
        out = out.mask(out.isna() & name.str.contains(pattern, regex=True).fillna(False), canonical)
    return out.fillna(name).fillna("unknown").astype(STRING)


def _generic_pmid(database: pd.Series, scalar) -> pd.Series:
    """PubMed IDs: Embase gives them in ``C5``; MEDLINE databases (Ovid, EBSCO) use the PMID as ``AN``."""
    digits = r"\s*(\d{1,9})\s*(?:\(PMID\)|\[PMID\])?\s*$"
    embase_pmid = scalar("C5").str.extract(digits, expand=False).where(database == "embase")
    medline_an = scalar("AN").str.extract(r"^" + digits, expand=False).where(database == "pubmed")
    return embase_pmid.fillna(medline_an).astype(STRING)


def _first_line(text: str) -> str:
    return next((ln for ln in text.splitlines() if ln.strip()), "")[:80]
