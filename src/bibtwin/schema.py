"""The canonical record table: one row per record read from an export.

Every reader maps its format onto these columns; :func:`conform` gives a frame the exact columns, order
and dtypes, and :func:`validate` checks a frame once after reading. ``docs/data-dictionary.md`` documents
each column; ``tests/test_schema.py`` checks that document and this module agree.

Dtypes: text is ``string[pyarrow]``, lists of text are ``list<string>`` Arrow columns (vectorized with
``pyarrow.compute``; ``Series.explode`` and ``Series.list`` work on them), counts are nullable ``Int64``.
Unknown is missing (NA), never 0 or the empty string.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa

from ._threads import run_all
from .errors import SchemaError

STRING = pd.StringDtype("pyarrow")
LIST = pd.ArrowDtype(pa.list_(pa.string()))
INT = pd.Int64Dtype()


@dataclass(frozen=True)
class Column:
    name: str
    dtype: object
    description: str


COLUMNS: tuple[Column, ...] = (
    Column("record_id", STRING, "Stable unique identifier: `scopus:2-s2.0-…`, `pubmed:<PMID>`, `wos:WOS:…`, "
           "`openalex:W…`, `lens:<lens id>`, `dimensions:pub.…`, `scholar:<hash>`, `ris:<hash>`; "
           "a content hash when the export carries no identifier; `#2`, `#3` appended to repeats "
           "inside one file."),
    Column("database", STRING, "Where the record came from: scopus, pubmed, wos, lens, dimensions, openalex, "
           "scholar (Google Scholar via Publish or Perish), crossref, embase, or another name taken from "
           "a RIS `DB` tag; `unknown` when a generic RIS file does not say."),
    Column("source_file", STRING, "Path of the export the record was read from, as given to `read`."),
    Column("source_format", STRING, "Format detected from the content (see `bibtwin.formats`)."),
    Column("source_record", INT, "1-based position of the record in its file (the row, entry or record)."),
    Column("title", STRING, "Document title, whitespace collapsed."),
    Column("abstract", STRING, "Abstract; NA when absent or when the database printed a placeholder "
           "such as `[No abstract available]`."),
    Column("year", INT, "Publication year (Scopus `Year`, PubMed year of `DP`, WoS `PY`, falling back to the "
           "early-access year `EA` only when `PY` is empty). NA when unknown."),
    Column("doi", STRING, "DOI, lower-case, without `https://doi.org/` or `doi:` prefixes."),
    Column("pmid", STRING, "PubMed identifier (digits) when the export gives one."),
    Column("eid", STRING, "Scopus EID (`2-s2.0-…`), also recovered from the Scopus record link."),
    Column("wos_uid", STRING, "Web of Science accession number (`WOS:…`)."),
    Column("journal", STRING, "Source title: journal, proceedings or book."),
    Column("journal_abbrev", STRING, "Abbreviated source title (ISO / NLM / J9)."),
    Column("issn", STRING, "ISSN(s), `; `-separated, as given."),
    Column("volume", STRING, "Volume."),
    Column("issue", STRING, "Issue."),
    Column("pages", STRING, "Pages `start-end`, or the article number when there are no pages."),
    Column("doc_type", STRING, "Normalized document type: article, review, conference_paper, book, "
           "book_chapter, editorial, letter, note, erratum, retraction, preprint, data_paper, other."),
    Column("doc_type_raw", STRING, "Document type exactly as exported (PubMed: all `PT` values, `; `-joined)."),
    Column("language", STRING, "Language of the document as exported."),
    Column("authors", LIST, "Authors in one form across databases: `SURNAME INITIALS` in upper case without "
           "dots or commas (`MERINO J`, `ECKARDT J-N`), the form bibliometrix uses."),
    Column("author_full_names", LIST, "Authors' full names as `Surname, Given names` when the export has them."),
    Column("author_ids", LIST, "Database author identifiers (Scopus author IDs) in author order."),
    Column("affiliations", LIST, "Affiliation strings, one per affiliation (not per author)."),
    Column("countries", LIST, "Standard country names (pycountry common names) found in the affiliations, "
           "unique, in order of first appearance."),
    Column("corresponding_address", STRING, "Corresponding (reprint) author's address."),
    Column("author_keywords", LIST, "Author keywords."),
    Column("index_keywords", LIST, "Indexed keywords: Scopus Index Keywords, WoS Keywords Plus, OpenAlex concepts."),
    Column("mesh_terms", LIST, "MeSH headings without the `*` major-topic marker (`Humans`, "
           "`Colorectal Neoplasms/microbiology`)."),
    Column("subject_categories", LIST, "Subject categories: WoS categories (`WC`), Scopus subject areas when known."),
    Column("cited_by", INT, "Times cited in the database the record came from. NA where the database gives no "
           "counts (PubMed); 0 where Scopus leaves `Cited by` empty."),
    Column("references", LIST, "Cited references as exported."),
    Column("open_access", STRING, "Open-access status as exported (e.g. `All Open Access; Gold Open Access`)."),
    Column("funding", STRING, "Funding details and texts, `; `-joined."),
    Column("publisher", STRING, "Publisher."),
    Column("url", STRING, "Link to the record in its database."),
    Column("extra", STRING, "Every field of the export that no column above holds, as a JSON object "
           "(`{field name: value}`), so nothing read is dropped."),
)

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
DTYPES: dict[str, object] = {c.name: c.dtype for c in COLUMNS}
LIST_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.dtype == LIST)
STRING_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.dtype == STRING)
INT_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.dtype == INT)
REQUIRED: tuple[str, ...] = ("record_id", "database", "source_file", "source_format", "source_record")


def list_column(values, n: int, index=None) -> pd.Series:
    """A list column as :func:`conform` makes it: ``list<string>``, no null lists (``values`` None: all
    empty). Arrow lists already of that type are not copied."""
    arr = _to_list_array(values, n) if values is not None else _empty_lists(n)
    return pd.Series(pd.arrays.ArrowExtensionArray(arr), index=index)


def _to_list_array(values, n: int) -> pa.Array:
    """Turn a column of lists (python lists, Arrow lists, or NA) into ``list<string>``."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.ArrowDtype):
        chunked = values.array._pa_array
        # one chunk: use it as is (combining would copy every list, references included)
        arr = chunked.chunk(0) if chunked.num_chunks == 1 else chunked.combine_chunks()
        if arr.type == pa.list_(pa.string()):
            return _fill_null_lists(arr)
        if pa.types.is_list(arr.type) or pa.types.is_large_list(arr.type):
            return _fill_null_lists(arr.cast(pa.list_(pa.string())))
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
        return _fill_null_lists(arr.cast(pa.list_(pa.string())))
    cleaned = []
    for v in values:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            cleaned.append([])
        elif isinstance(v, str):
            cleaned.append([v])
        else:
            cleaned.append([str(x) for x in v if x is not None and x is not pd.NA and str(x) != ""])
    return pa.array(cleaned, type=pa.list_(pa.string()))


def _empty_lists(n: int) -> pa.Array:
    return pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, dtype=np.int32)), pa.array([], pa.string()))


def _fill_null_lists(arr: pa.Array) -> pa.Array:
    """Null lists become empty lists: a record with no keywords has an empty list."""
    import pyarrow.compute as pc
    if arr.null_count == 0:
        return arr
    empty = pa.array([[]] * len(arr), type=arr.type)
    return pc.if_else(pc.is_null(arr), empty, arr)


def conform(df: pd.DataFrame, stripped: frozenset[str] = frozenset()) -> pd.DataFrame:
    """Return ``df`` with exactly the canonical columns, in order, with canonical dtypes.

    Missing columns are added as NA (empty lists for list columns); text is stripped and the empty
    string becomes NA, except in the ``stripped`` text columns, which the caller has made so already;
    columns outside the schema raise :class:`SchemaError`, since a reader must put such fields in
    ``extra``. Columns already in their canonical Arrow type are not copied.
    """
    unknown = [c for c in df.columns if c not in DTYPES]
    if unknown:
        raise SchemaError(f"columns outside the canonical schema: {unknown}; put them in 'extra'")
    n = len(df)
    out, tasks = {}, {}
    for col in COLUMNS:
        values = df[col.name] if col.name in df.columns else None
        if col.dtype == LIST:
            out[col.name] = list_column(values, n, df.index)
        elif col.dtype == INT:
            if values is None:
                out[col.name] = pd.Series(pd.NA, index=df.index, dtype=INT)
            else:
                out[col.name] = values if values.dtype == INT else \
                    pd.to_numeric(values, errors="raise").astype(INT)
        elif values is None:
            out[col.name] = pd.Series(pd.NA, index=df.index, dtype=STRING)
        elif col.name in stripped and values.dtype == STRING:
            out[col.name] = values
        else:
            out[col.name] = None
            tasks[col.name] = partial(_clean_strings, values)  # side by side: Arrow releases the GIL
    out.update(run_all(tasks))
    return pd.DataFrame(out, index=df.index).reset_index(drop=True)


def _clean_strings(values: pd.Series) -> pd.Series:
    """Strip text; the empty string and whitespace are "unknown" (NA)."""
    s = values if values.dtype == STRING else values.astype(STRING)
    arr = strip_to_null(s.array._pa_array)
    return pd.Series(pd.arrays.ArrowStringArray(arr), index=values.index, dtype=STRING)


# bytes a value may start or end with when it has whitespace at that edge: ASCII whitespace, or any
# non-ASCII byte (it may belong to a Unicode space, which the trim itself then checks)
_EDGE_BYTE = np.zeros(256, dtype=bool)
_EDGE_BYTE[list(b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f")] = True
_EDGE_BYTE[0x80:] = True


def strip_to_null(arr):
    """Strip surrounding whitespace and turn empty strings into nulls, touching only the values that need
    it: whether a value starts or ends with whitespace is read from its first and last character, so
    the cost grows with the number of values, not with the length of the text (abstracts are long)."""
    import pyarrow.compute as pc

    if arr.type != pa.string():
        arr = arr.cast(pa.string())
    if len(arr) == 0:
        return arr
    arr = strip_edges(arr)
    empty = pc.equal(pc.binary_length(arr), 0).fill_null(False)
    if pc.any(empty).as_py():
        arr = pc.if_else(empty, pa.scalar(None, pa.string()), arr)
    return arr


def strip_edges(arr):
    """``utf8_trim_whitespace`` applied only to the values that start or end with whitespace.

    Whether they do is read from their first and last byte (a slice of the bytes is O(1) per value, a
    slice of characters is not): ASCII whitespace, or any non-ASCII byte, which may belong to a Unicode
    space and is checked by the trim. The cost grows with the number of values, not their length.

    Where the first values mostly need it (the items of a "; "-separated list start with a space), all
    are trimmed without looking at each: the result is the same, and the look cost a third of the trim.
    """
    import pyarrow.compute as pc

    if len(arr) >= 4 * _EDGE_SAMPLE:
        sample = arr.slice(0, _EDGE_SAMPLE)
        if isinstance(sample, pa.ChunkedArray):
            sample = sample.combine_chunks()
        if np.count_nonzero(edge_whitespace(sample).to_numpy(zero_copy_only=False)) * 2 > _EDGE_SAMPLE:
            return pc.utf8_trim_whitespace(arr)
    return patch_strings(arr, edge_whitespace(arr), pc.utf8_trim_whitespace)


_EDGE_SAMPLE = 256


def edge_whitespace(arr):
    """True where a value's first or last byte may be whitespace (see :func:`strip_edges`); False for
    empty and null values. ``arr`` is a string or binary array (or chunked array, answered chunk by chunk).

    Read straight from the array's offsets and bytes with numpy: two gathers per value, nothing copied
    (slicing every value with Arrow kernels took 0.38 s of a 3.3 s read of 70,100 Scopus rows).
    """
    if isinstance(arr, pa.ChunkedArray):
        return pa.chunked_array([edge_whitespace(c) for c in arr.chunks], type=pa.bool_())
    n = len(arr)
    offsets, data_buf = value_offsets(arr), arr.buffers()[2]
    starts, ends = offsets[:-1], offsets[1:]
    present = ends > starts
    if data_buf is None or data_buf.size == 0 or not present.any():
        return bool_array(np.zeros(n, dtype=bool))
    if arr.null_count:
        present &= arr.is_valid().to_numpy(zero_copy_only=False)
    data = np.frombuffer(data_buf, dtype=np.uint8)
    # empty and null values index anywhere in range; their answer is masked out by `present`
    last = len(data) - 1
    edge = _EDGE_BYTE[data[np.minimum(starts, last)]] | _EDGE_BYTE[data[np.clip(ends - 1, 0, last)]]
    return bool_array(present & edge)


def value_offsets(arr: pa.Array) -> np.ndarray:
    """The ``len(arr) + 1`` offsets of a string or binary array's values in its data buffer (a view)."""
    if not len(arr):
        return np.zeros(1, dtype=np.int64)
    large = pa.types.is_large_string(arr.type) or pa.types.is_large_binary(arr.type)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64 if large else np.int32)
    return offsets[arr.offset:arr.offset + len(arr) + 1]


def may_contain(arr, pattern: str) -> bool:
    """Whether a value of the string array (or chunked array) ``arr`` may contain a match of the RE2
    ``pattern``: one search over each chunk's bytes taken as a single text, which stops at the first match.

    Searching value by value costs about 7 ms per 70,000 values however short they are, and most columns
    have nothing to find. A match that spans two neighbouring values is a false positive (the caller
    then looks value by value), never a false negative; ``pattern`` must not use anchors.
    """
    import pyarrow.compute as pc

    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    wholes = [whole for whole in map(_bytes_as_one_value, chunks) if whole is not None]
    if not wholes:
        return False
    return pc.any(pc.match_substring_regex(pa.chunked_array(wholes, type=pa.large_binary()), pattern)).as_py()


def _bytes_as_one_value(chunk: pa.Array) -> pa.LargeBinaryArray | None:
    """The bytes of a string array's values, side by side, as one binary value (no copy); None if none."""
    offsets, data_buf = value_offsets(chunk), chunk.buffers()[2] if len(chunk) else None
    if data_buf is None or offsets[-1] == offsets[0]:
        return None
    return bytes_value(data_buf, int(offsets[0]), int(offsets[-1]))


def bytes_value(data: pa.Buffer, start: int, end: int) -> pa.LargeBinaryArray:
    """``data[start:end]`` as a one-value binary array, without copying it (for one kernel call over it)."""
    span = pa.py_buffer(np.array([start, end], dtype=np.int64))
    return pa.LargeBinaryArray.from_buffers(pa.large_binary(), 1, [None, span, data])


def is_utf8(value: pa.LargeBinaryArray) -> bool:
    """Whether the binary value(s) are valid UTF-8 (Arrow's validation, by a cast)."""
    try:
        value.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def surround(arr, before: str, after: str):
    """``before + value + after`` for each string value (null stays null): two insertions by
    ``binary_replace_slice``, a third of the time of ``binary_join_element_wise`` with scalars."""
    import pyarrow.compute as pc

    return pc.binary_replace_slice(pc.binary_replace_slice(arr, 0, 0, before), _PAST_END, _PAST_END, after)


_PAST_END = 2**31 - 1  # a slice start past any value's end: the insertion goes at the end


def bool_array(mask: np.ndarray) -> pa.BooleanArray:
    """A numpy bool array as an Arrow one, its bits packed by numpy: ``pa.array`` takes 1.2 ms per million
    values, or 0.2 ms for a few thousand without an explicit type; this takes 0.09 ms and 6 us."""
    mask = np.asarray(mask, dtype=bool)
    return pa.Array.from_buffers(pa.bool_(), len(mask), [None, pa.py_buffer(np.packbits(mask, bitorder="little"))])


def patch_strings(arr, mask, func):
    """``func`` applied to the values of ``arr`` where ``mask`` is true, the others left as they are.

    ``func`` must work value by value (a trim, a replace). Works chunk by chunk, so a large column that
    needs a few fixes is not copied whole; where most values need it, ``func`` runs on the whole chunk
    (selecting and putting back would cost more than the values it spares).
    """
    import pyarrow.compute as pc

    if not pc.any(mask).as_py():  # the usual case for most columns: nothing to do, chunk by chunk
        return arr
    mask = mask.combine_chunks() if isinstance(mask, pa.ChunkedArray) else mask
    if isinstance(arr, pa.Array):
        return _patch(arr, mask, func)
    chunks, offset = [], 0
    for chunk in arr.chunks:
        chunks.append(_patch(chunk, mask.slice(offset, len(chunk)), func))
        offset += len(chunk)
    return pa.chunked_array(chunks, type=arr.type)


def _patch(arr, mask, func):
    import pyarrow.compute as pc

    hits = pc.sum(mask).as_py() or 0
    if hits == 0:
        return arr
    if hits * 4 >= len(arr):
        return func(arr)
    selected = pc.filter(arr, mask)
    fixed = func(selected).cast(arr.type)
    # a mask may be generous (a non-ASCII last byte is rarely a space): put back only what changed
    changed = pc.invert(pc.fill_null(pc.equal(fixed, selected), False))
    changed = pc.if_else(pc.and_(pc.is_null(fixed), pc.is_null(selected)), False, changed)
    n_changed = pc.sum(changed).as_py() or 0
    if n_changed == 0:
        return arr
    if n_changed < hits:
        where = np.flatnonzero(mask.fill_null(False).to_numpy(zero_copy_only=False))
        keep = np.zeros(len(arr), dtype=bool)
        keep[where[changed.to_numpy(zero_copy_only=False)]] = True
        mask, fixed = bool_array(keep), pc.filter(fixed, changed)
    # replace_with_mask: 41 ms on 100 MB of abstracts with 12 % of the values replaced, against 93 ms for a
    # take over both arrays (pyarrow 26; the take had been the faster)
    return pc.replace_with_mask(arr, mask.fill_null(False), fixed)


def empty_frame() -> pd.DataFrame:
    """A canonical table with no rows."""
    return conform(pd.DataFrame({c: [] for c in REQUIRED}))


def validate(df: pd.DataFrame) -> pd.DataFrame:
    """Check that ``df`` follows the canonical schema; return it unchanged or raise :class:`SchemaError`."""
    if tuple(df.columns) != COLUMN_NAMES:
        missing = [c for c in COLUMN_NAMES if c not in df.columns]
        extra = [c for c in df.columns if c not in DTYPES]
        raise SchemaError(f"columns differ from the schema: missing {missing}, unexpected {extra}, "
                          f"or out of order")
    for col in COLUMNS:
        if df[col.name].dtype != col.dtype:
            raise SchemaError(f"column {col.name!r} has dtype {df[col.name].dtype}, expected {col.dtype}")
    for name in REQUIRED:
        if df[name].isna().any():
            raise SchemaError(f"column {name!r} has missing values")
    if not df["record_id"].is_unique:
        dup = df["record_id"].duplicated()
        raise SchemaError(f"record_id not unique: {df.loc[dup, 'record_id'].head(5).tolist()}")
    years = df["year"].dropna()
    if len(years) and ((years < 1000) | (years > 2100)).any():
        raise SchemaError(f"implausible years: {sorted(set(years[(years < 1000) | (years > 2100)]))[:5]}")
    cites = df["cited_by"].dropna()
    if len(cites) and (cites < 0).any():
        raise SchemaError("negative citation counts")
    return df


def _dtype_label(dtype) -> str:
    if dtype == LIST:
        return "list<string>"
    if dtype == INT:
        return "Int64 (nullable)"
    return "string"


def data_dictionary_markdown() -> str:
    """The table of ``docs/data-dictionary.md``, generated from :data:`COLUMNS` (a test keeps them equal)."""
    lines = ["| column | dtype | meaning |", "|---|---|---|"]
    for c in COLUMNS:
        lines.append(f"| `{c.name}` | {_dtype_label(c.dtype)} | {c.description} |")
    return "\n".join(lines) + "\n"
