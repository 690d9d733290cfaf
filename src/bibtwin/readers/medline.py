"""PubMed MEDLINE text (``.txt``, ``.nbib``; what ``efetch rettype=medline`` and PubMed's "Save > PubMed
format" write).

Records are blocks separated by blank lines; each line is a tag padded to four characters, ``- `` and a
value (``AU  - Merino J``), and long values continue on lines indented by six spaces.

Parsing is our own, vectorized over fields (:mod:`bibtwin.readers._tagged`), not ``Bio.Medline.parse``:
on the corpus Biopython parses 5-12k records/s into dicts that still have to be turned into columns, and
it keeps a record cut off mid-file without saying so; this reader is several times faster end to end and
reports the cut (numbers in ``tests/test_reader_medline.py``'s module docstring).

A file cut off mid-record (``medline_test.medline`` ends inside a title) is recognised by its last record
lacking the ``SO`` tag that closes every other record. That record is kept, with a warning naming its line,
when it has a PMID (what was read is correct, only the fields after the cut are missing); without a PMID it
is returned as a :class:`~bibtwin.readers.Rejection`.

PubMed has no citation counts: ``cited_by`` is always NA (unknown), never 0.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import normalize as nz
from ..errors import EmptyFileError, ParseError
from ..textio import Text
from . import ReaderResult, Rejection
from ._tagged import (TagIndex, extra_per_record, first_of, join_lists, list_from_sorted, split_fields,
                      unique_items, values_per_record)

FORMATS = ("medline",)

# the first 5 characters of a tag line: a tag padded to 4 characters, then "-"
_HEAD = r"^[A-Z][A-Z0-9]{1,3} *-$"
_SNIFF = re.compile(r"\A\s*PMID- ?\d", re.ASCII)
_SNIFF_ANY = re.compile(r"^PMID- ?\d+\s*$", re.MULTILINE)
_RIS = re.compile(r"^TY  - ", re.MULTILINE)

# tag -> canonical column, for the fields held whole by a column (everything else goes to `extra`)
_LIST_TAGS = {"AU": "authors", "FAU": "author_full_names", "OT": "author_keywords"}
_JOINED_TAGS = {"IS": "issn", "PT": "doc_type_raw", "LA": "language", "GR": "funding"}
_FIRST_TAGS = {"PMID": "pmid", "TA": "journal_abbrev", "JT": "journal", "VI": "volume", "IP": "issue",
               "PG": "pages", "AB": "abstract", "PB": "publisher"}
_HELD = set(_LIST_TAGS) | set(_JOINED_TAGS) | set(_FIRST_TAGS) | {"TI", "BTI", "AD", "MH"}
_CLOSING_TAG = "SO"


def sniff(head: str) -> str | None:
    """MEDLINE when the text starts with a ``PMID-`` line, or has ``PMID-`` lines and is not RIS."""
    if _SNIFF.match(head):
        return "medline"
    if _SNIFF_ANY.search(head) and not _RIS.search(head):
        return "medline"
    return None


def parse(text: Text, fmt: str = "medline") -> ReaderResult:
    fields = split_fields(text, head_pattern=_HEAD, tag_width=4, value_start=5)
    is_tag = pc.is_valid(fields.tag).to_numpy(zero_copy_only=False)
    _check_unparsable(fields, is_tag, text.path)
    # a record starts at a tag line that follows a blank line (or is the first tag line)
    prev_blank = np.ones(len(fields), dtype=bool)
    prev_blank[1:] = fields.blank[:-1]
    starts = is_tag & prev_blank
    record = np.where(is_tag, np.cumsum(starts) - 1, -1)
    n = int(starts.sum())
    if n == 0:
        raise EmptyFileError(text.path, "no MEDLINE records", expected="records starting with 'PMID- '",
                             found=_first_line(text.head()))
    index = TagIndex(record, fields.tag)

    def values(*tags):
        return values_per_record(index, fields, tags, n)

    cols: dict[str, pa.Array] = {}
    for tag, col in _LIST_TAGS.items():
        cols[col] = values(tag)
    for tag, col in _JOINED_TAGS.items():
        cols[col] = join_lists(values(tag), "; ")
    for tag, col in _FIRST_TAGS.items():
        cols[col] = first_of(values(tag))
    cols["title"] = pc.coalesce(first_of(values("TI")), first_of(values("BTI")))
    # PubMed repeats an address for every author who shares it; newer records put several in one AD
    # separated by "; ", which are kept as given
    cols["affiliations"] = unique_items(values("AD"))
    cols["mesh_terms"] = _strip_major_topic(values("MH"))
    cols["doi"] = _doi(values("LID", "AID"))
    cols["extra"] = extra_per_record(index, fields, _HELD, n)

    frame = pd.DataFrame({k: pd.arrays.ArrowExtensionArray(v) for k, v in cols.items()})
    frame["year"] = nz.parse_year(pd.Series(pd.arrays.ArrowExtensionArray(first_of(values("DP")))))
    frame["cited_by"] = pd.array([pd.NA] * n, dtype="Int64")
    frame["record_id"] = "pubmed:" + frame["pmid"].astype("string[pyarrow]")
    frame["source_record"] = np.arange(1, n + 1)
    record_line = fields.line[starts]

    warnings, rejected = [], []
    has_closing = np.bincount(record[index.mask({_CLOSING_TAG})], minlength=n) > 0
    last = n - 1
    if not has_closing[last] and (n == 1 or has_closing[:last].all()):
        where = f"record {n} (line {record_line[last]})"
        if pd.isna(frame.at[last, "pmid"]):
            rejected.append(Rejection(source_record=n, line=int(record_line[last]),
                                      reason="record cut off: the file ends before its SO tag and it has "
                                             "no PMID"))
            frame = frame.iloc[:last]
        else:
            warnings.append(f"{text.path}: {where}, PMID {frame.at[last, 'pmid']}, ends before the SO tag "
                            "that closes every record: the file looks cut off; kept with the fields read")
    no_pmid = frame["pmid"].isna()
    if no_pmid.any():
        lines = ", ".join(str(record_line[i]) for i in np.flatnonzero(no_pmid)[:5])
        warnings.append(f"{text.path}: {int(no_pmid.sum())} record(s) without PMID (lines {lines}); "
                        "kept with a content-hash record_id")
    return ReaderResult(frame, rejected, warnings)


def _check_unparsable(fields, is_tag: np.ndarray, path: str) -> None:
    """A chunk that is neither a tag line, its continuation nor blank: a corrupt file. The last chunk
    of a file cut mid-tag (``TI  `` without its ``- ``) is let through: the truncation check reports it."""
    junk = ~is_tag & ~fields.blank
    nonblank = np.flatnonzero(~fields.blank)
    if len(nonblank) and junk[nonblank[-1]]:
        junk[nonblank[-1]] = False
    if junk.any():
        i = int(np.flatnonzero(junk)[0])
        raise ParseError(path, "line is not a MEDLINE field", line=int(fields.line[i]),
                         expected="a tag padded to 4 characters and '- ' (e.g. 'AU  - Merino J') or a "
                                  "continuation line indented by 6 spaces",
                         found=fields.head(i))


def _first_line(text: str) -> str:
    return next((ln for ln in text.splitlines() if ln.strip()), "")[:80]


def _strip_major_topic(mesh: pa.ListArray) -> pa.ListArray:
    """``*Colorectal Neoplasms/microbiology`` and ``Neoplasms/*genetics`` lose the major-topic ``*``."""
    flat = pc.utf8_trim_whitespace(pc.replace_substring(mesh.values, "*", ""))
    return pa.ListArray.from_arrays(mesh.offsets, flat)


def _doi(ids: pa.ListArray) -> pa.Array:
    """The first ``LID``/``AID`` value ending ``[doi]`` (a record may have ``LID ... [pii]`` and
    ``AID ... [doi]``)."""
    flat = ids.values
    parent = pc.list_parent_indices(ids).to_numpy(zero_copy_only=False)
    is_doi = pc.match_substring_regex(flat, r"\[doi\]$").fill_null(False)
    dois = pc.replace_substring_regex(flat.filter(is_doi), r"\s*\[doi\]$", "")
    return first_of(list_from_sorted(parent[is_doi.to_numpy(zero_copy_only=False)], dois, len(ids)))
