"""Web of Science plain text ("Full Record and Cited References" saved as Plain Text File).

``FN Clarivate Analytics Web of Science`` and ``VR 1.0`` open the file, ``EF`` closes it; each record is a
run of two-letter tags (``AU Wu, W``) closed by ``ER``. Continuation lines are indented by three spaces and
mean either the next item of a list (``AU``, ``AF``, ``C1``, ``CR``: one per line) or wrapped text
(``TI``, ``AB``, ``DE``: joined with a space before ``DE``/``ID``/``WC`` are split at ``; ``).

``FN``/``VR``/``EF`` are file-level, so concatenated exports (several ``FN ... EF`` blocks in one file) read
as one. A record after the last ``ER`` (the file was cut off) cannot be trusted: it is returned as a
:class:`~bibtwin.readers.Rejection` naming its line, and the complete records are kept.

``year`` is ``PY``, falling back to the early-access year in ``EA`` when ``PY`` is empty (the schema's rule;
``EA`` itself stays in ``extra``). ``cited_by`` is ``TC`` (WoS Core Collection times cited); ``Z9`` (all
databases) stays in ``extra``.
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
from ._tagged import TagIndex, extra_per_record, first_of, join_lists, split_fields, values_per_record

FORMATS = ("wos_plain",)

# the first 3 characters of a tag line: a two-letter tag, then a space (or nothing: "ER", "EF")
_HEAD = r"^[A-Z][A-Z0-9]( |$)"
_SNIFF = re.compile(r"\A\s*FN [^\n]*\n(?:[^\n]*\n)*?VR \d", re.ASCII)
_SNIFF_BARE = re.compile(r"\A\s*PT [A-Z]\s*\n(?:.*\n)*?(?:UT WOS:|ER\s*$)", re.ASCII | re.MULTILINE)
_FILE_TAGS = {"FN", "VR", "EF"}

# one item per line
_ITEM_TAGS = {"AU": "authors", "AF": "author_full_names", "CR": "references"}
# running text, "; "-separated lists
_SPLIT_TAGS = {"DE": "author_keywords", "ID": "index_keywords", "WC": "subject_categories"}
_FIRST_TAGS = {"TI": "title", "SO": "journal", "J9": "journal_abbrev", "LA": "language",
               "DT": "doc_type_raw", "AB": "abstract", "PU": "publisher", "VL": "volume", "IS": "issue",
               "DI": "doi", "PM": "pmid", "UT": "wos_uid", "OA": "open_access"}
_HELD = (set(_ITEM_TAGS) | set(_SPLIT_TAGS) | set(_FIRST_TAGS)
         | {"C1", "RP", "FU", "FX", "TC", "SN", "EI", "PY", "BP", "EP", "AR"} | _FILE_TAGS | {"ER"})


def sniff(head: str) -> str | None:
    """WoS plain text: ``FN ...`` then ``VR ...`` lines, or (header removed) ``PT J`` and WoS tags."""
    if _SNIFF.match(head) or _SNIFF_BARE.match(head):
        return "wos_plain"
    return None


def parse(text: Text, fmt: str = "wos_plain") -> ReaderResult:
    fields = split_fields(text, head_pattern=_HEAD, tag_width=2, value_start=3)
    is_tag = pc.is_valid(fields.tag).to_numpy(zero_copy_only=False)
    junk = ~is_tag & ~fields.blank
    if junk.any():
        i = int(np.flatnonzero(junk)[0])
        raise ParseError(text.path, "line is not a Web of Science field", line=int(fields.line[i]),
                         expected="a two-letter tag and a space (e.g. 'AU Wu, W') or a continuation line "
                                  "indented by 3 spaces", found=fields.head(i))
    tags = fields.tag
    file_level = pc.is_in(tags, value_set=pa.array(sorted(_FILE_TAGS))).fill_null(False) \
        .to_numpy(zero_copy_only=False)
    in_record = is_tag & ~file_level
    is_end = pc.equal(tags, "ER").fill_null(False).to_numpy(zero_copy_only=False)
    # fields up to and including an ER belong to one record
    record = np.cumsum(is_end) - is_end
    n_closed = int(is_end.sum())
    rejected = []
    after_last = in_record & (record == n_closed)
    if after_last.any():
        first = int(np.flatnonzero(after_last)[0])
        rejected.append(_cut_off(fields, after_last, n_closed + 1, first, text.path))
    record = np.where(in_record & (record < n_closed), record, -1)
    n = n_closed
    if n == 0 and not rejected:
        raise EmptyFileError(text.path, "no Web of Science records", expected="records ending with 'ER'",
                             found="only the file header" if is_tag.any() else "nothing")

    index = TagIndex(record, tags)

    def values(*wanted, items=False):
        return values_per_record(index, fields, wanted, n, items=items)

    cols: dict[str, object] = {}
    for tag, col in _ITEM_TAGS.items():
        cols[col] = values(tag, items=True)
    for tag, col in _SPLIT_TAGS.items():
        cols[col] = _split(join_lists(values(tag), "; "))
    for tag, col in _FIRST_TAGS.items():
        cols[col] = first_of(values(tag))
    # "[Wu, W; Zhou, J] Zhejiang Univ, ..." -> the address without the bracketed authors
    addresses = values("C1", items=True)
    cols["affiliations"] = pa.ListArray.from_arrays(
        addresses.offsets, pc.utf8_trim_whitespace(pc.replace_substring_regex(addresses.values,
                                                                              r"^\[[^\]]*\]\s*", "")))
    cols["corresponding_address"] = join_lists(values("RP", items=True), "; ")
    cols["funding"] = join_lists(values("FU", "FX"), "; ")
    cols["issn"] = join_lists(values("SN", "EI"), "; ")
    cols["pages"] = _pages(first_of(values("BP")), first_of(values("EP")), first_of(values("AR")))
    cols["extra"] = extra_per_record(index, fields, _HELD, n)

    frame = pd.DataFrame({k: pd.arrays.ArrowExtensionArray(v) for k, v in cols.items()})
    year = nz.parse_year(_series(first_of(values("PY"))))
    early_access = nz.parse_year(_series(first_of(values("EA"))))
    frame["year"] = year.fillna(early_access)
    frame["cited_by"] = nz.parse_count(_series(first_of(values("TC"))), empty_is_zero=False)
    frame["record_id"] = "wos:" + frame["wos_uid"].astype("string[pyarrow]")
    frame["source_record"] = np.arange(1, n + 1)
    return ReaderResult(frame, rejected)


def _series(arr: pa.Array) -> pd.Series:
    return pd.Series(pd.arrays.ArrowExtensionArray(arr))


def _split(joined: pa.Array) -> pa.ListArray:
    return nz.clean_list_items(pc.split_pattern(joined, ";"))


def _pages(begin: pa.Array, end: pa.Array, article: pa.Array) -> pa.Array:
    """``BP-EP``, ``BP`` alone, or the article number ``AR`` when there are no pages."""
    both = pc.binary_join_element_wise(begin, end, "-")
    return pc.coalesce(both, begin, article)


def _cut_off(fields, mask, source_record: int, first: int, path: str) -> Rejection:
    uid = pc.utf8_trim_whitespace(fields.text(mask & _tag_is(fields, "UT")))
    title = fields.text(mask & _tag_is(fields, "TI"))
    identifier = uid[0].as_py() if len(uid) else (title[0].as_py()[:80] if len(title) else None)
    return Rejection(source_record=source_record, line=int(fields.line[first]), identifier=identifier,
                     reason="record cut off: the file ends before its 'ER' line")


def _tag_is(fields, tag: str) -> np.ndarray:
    return pc.equal(fields.tag, tag).fill_null(False).to_numpy(zero_copy_only=False)
