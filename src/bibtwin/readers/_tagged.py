"""The structure PubMed MEDLINE and Web of Science plain text share: a tag, its value, continuation lines.

A *field* is one tag line plus the indented lines that continue it (6 spaces in MEDLINE, 3 in WoS).
:func:`split_fields` cuts a whole file into lines and fields with Arrow kernels (no Python loop over lines):
a file of a million records is tens of millions of lines, so everything here works on whole arrays with one
row per line or per field. The readers decide which field belongs to which record (MEDLINE: blank-line
separated blocks; WoS: ``ER`` closes a record) and then pull columns out with :func:`values_per_record`,
:func:`first_of`, :func:`join_lists` and :func:`extra_per_record`.

Continuation lines mean two things: a wrapped line of running text (a title, an abstract, WoS ``DE``
keywords) or the next item of a list (WoS ``AU``, ``C1``, ``CR``: one author, address or reference per
line). :class:`Fields` keeps both readings: ``items`` (one list item per line) and ``text`` (lines joined
with a space).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..schema import bool_array, surround
from ..textio import Text


@dataclass(frozen=True)
class Fields:
    """One row per field (a tag line with its continuation lines, or a blank line), in file order."""
    line: np.ndarray        # 1-based line where the field starts
    tag: pa.Array           # the tag (``AU``, ``PMID``); null for a blank or unparsable line
    items: pa.ListArray     # the value's lines, trimmed: the tag line's value, then each continuation line
    blank: np.ndarray       # bool: a blank line (separates MEDLINE records)
    raw: pa.Array           # every line of the file as written (a view of the file's bytes)

    def __len__(self) -> int:
        return len(self.line)

    def text(self, mask: np.ndarray | None = None) -> pa.Array:
        """The value of each field (where ``mask`` is true) with its lines joined by one space.

        Computed on request for the fields asked for: the whole file's joined text held beside ``items``
        would be one more copy of the file.
        """
        items = self.items if mask is None else self.items.filter(bool_array(mask))
        return pc.binary_join(items, pa.scalar(" ", items.type.value_type))

    def head(self, i: int) -> str:
        """Field ``i``'s first line as written, for error messages."""
        return self.raw[int(self.line[i]) - 1].as_py().strip()


def _lines(text: Text) -> pa.Array:
    """The lines of ``text`` as an Arrow array over its UTF-8 bytes, without decoding the file into a Python
    string (which for non-ASCII text takes two or four bytes a character) or copying it: each line keeps
    its ``\n``; callers trim."""
    data = text.checked_utf8()
    newlines = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    ends_with_newline = bool(len(newlines)) and newlines[-1] == len(data) - 1
    offsets = np.empty(len(newlines) + (1 if ends_with_newline else 2), dtype=np.int64)
    offsets[0] = 0
    offsets[1:1 + len(newlines)] = newlines + 1
    offsets[-1] = len(data)
    return pa.LargeStringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(data))


def split_fields(text: Text | str, *, head_pattern: str, tag_width: int, value_start: int) -> Fields:
    """Cut ``text`` (``\n`` line endings) into fields.

    A line is a continuation when it starts with a space or tab and is not blank; any other non-blank line
    starts a field and is a tag line when its first ``value_start`` characters match the RE2
    ``head_pattern``; its tag is the first ``tag_width`` characters (stripped) and its value what follows
    ``value_start``.
    """
    raw = _lines(text if isinstance(text, Text) else Text(text=text))
    lines = pc.utf8_trim_whitespace(raw)
    blank = pc.equal(pc.binary_length(lines), 0).to_numpy(zero_copy_only=False)
    # byte slices: tags are ASCII, and slicing bytes does not scan the (long) values
    first_byte = pc.binary_slice(raw.cast(pa.large_binary()), 0, 1)
    indented = pc.is_in(first_byte, value_set=pa.array([b" ", b"\t"], pa.large_binary()))
    del first_byte
    continuation = indented.to_numpy(zero_copy_only=False) & ~blank
    continuation[:1] = False            # nothing to continue before the first line
    starts = np.flatnonzero(~continuation)
    # the first `value_start` bytes of each field's first line say whether it is a tag line, and which
    line_bytes = lines.cast(pa.large_binary())
    head_bytes = pc.binary_slice(line_bytes, 0, value_start).take(pa.array(starts))
    is_tag = pc.match_substring_regex(head_bytes, head_pattern).fill_null(False)
    tag = pc.if_else(is_tag, pc.binary_slice(head_bytes, 0, tag_width), pa.scalar(None, pa.large_binary()))
    tag = pc.utf8_trim_whitespace(tag.cast(pa.large_string()))
    del head_bytes
    # a tag line's value: what follows its first `value_start` bytes (only those are known to be ASCII:
    # cutting another line there could split a multi-byte character); any other first line of a field
    # (blank, or not a field: an error for the reader) has the value ""
    start_is_tag = is_tag.to_numpy(zero_copy_only=False)
    replaced = starts[start_is_tag]
    longest = pc.max(pc.binary_length(line_bytes)).as_py() or 0
    values = pc.binary_slice(pc.take(line_bytes, pa.array(replaced)), value_start, max(longest, value_start))
    values = pc.utf8_ltrim_whitespace(values.cast(pa.large_string()))
    junk = starts[~start_is_tag & ~blank[starts]]
    if len(junk):
        replaced = np.concatenate([replaced, junk])
        order = np.argsort(replaced, kind="stable")
        replaced = replaced[order]
        values = pc.take(pa.concat_arrays([values, pa.array([""] * len(junk), pa.large_string())]),
                         pa.array(order))
    mask = np.zeros(len(lines), dtype=bool)
    mask[replaced] = True
    parts = pc.replace_with_mask(lines, bool_array(mask), values)
    del lines, line_bytes, values, mask
    offsets = np.append(starts, len(parts)).astype(np.int64)
    items = pa.LargeListArray.from_arrays(pa.array(offsets), parts)
    return Fields(line=starts + 1, tag=tag.cast(pa.string()), items=items, blank=blank[starts], raw=raw)


class TagIndex:
    """Where each tag occurs among the fields of records (computed once; selecting a tag is then a numpy
    comparison on small integer codes instead of a string kernel over every field)."""

    def __init__(self, record: np.ndarray, tags: pa.Array):
        encoded = pc.dictionary_encode(tags)
        self.codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        self.codes = np.where(record >= 0, self.codes, -1)
        self.names = {name: i for i, name in enumerate(encoded.dictionary.to_pylist())}
        self.record = record

    def mask(self, wanted) -> np.ndarray:
        codes = [self.names[t] for t in wanted if t in self.names]
        if not codes:
            return np.zeros(len(self.codes), dtype=bool)
        if len(codes) == 1:
            return self.codes == codes[0]
        return np.isin(self.codes, codes)

    def present(self) -> set[str]:
        used = np.unique(self.codes[self.codes >= 0])
        names = {i: n for n, i in self.names.items()}
        return {names[i] for i in used}


def values_per_record(index: TagIndex, fields: Fields, wanted, n_records: int, *,
                      items: bool = False) -> pa.ListArray:
    """The values of the ``wanted`` tags per record, in file order; with ``items`` every line of a field is
    its own item (WoS author, address and reference lists), otherwise a field is one value."""
    mask = index.mask(wanted)
    rec = index.record[mask]
    if items:
        lists = fields.items.filter(bool_array(mask))
        parent = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
        return list_from_sorted(rec[parent], pc.list_flatten(lists), n_records)
    return list_from_sorted(rec, fields.text(mask), n_records)


def list_from_sorted(record: np.ndarray, values: pa.Array, n_records: int) -> pa.ListArray:
    """A ``list<string>`` per record from values whose record numbers are sorted (file order); empty
    values are dropped, so an empty tag gives no item rather than ``""``."""
    values = values.cast(pa.string())
    if len(values):
        keep = pc.and_(pc.is_valid(values), pc.not_equal(values, "")).fill_null(False)
        if not pc.all(keep).as_py():
            keep_np = keep.to_numpy(zero_copy_only=False)
            record, values = record[keep_np], values.filter(keep)
    counts = np.bincount(record, minlength=n_records) if len(record) else np.zeros(n_records, np.int64)
    offsets = np.zeros(n_records + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def join_lists(lists: pa.ListArray, sep: str) -> pa.Array:
    """Join each list with ``sep``; an empty list gives null (unknown), never ""."""
    joined = pc.binary_join(lists, sep)
    return pc.if_else(pc.equal(pc.list_value_length(lists), 0), pa.scalar(None, pa.string()), joined)


def first_of(lists: pa.ListArray) -> pa.Array:
    """The first item of each list; null for an empty list."""
    return join_lists(pc.list_slice(lists, 0, 1), "")


def unique_items(lists: pa.ListArray) -> pa.ListArray:
    """Each list without repeated items, first occurrence kept (hash-based, linear in items)."""
    parent = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
    flat = pc.list_flatten(lists)
    frame = pd.DataFrame({"r": parent, "v": pd.array(flat, dtype=pd.ArrowDtype(pa.string()))})
    keep = (~frame.duplicated()).to_numpy()
    return list_from_sorted(parent[keep], flat.filter(bool_array(keep)), len(lists))


# ------------------------------------------------------------------------------------------ extra JSON

def _json_strings(values: pa.Array) -> pa.Array:
    """JSON string literals (``"..."``) for each value, built in Arrow; the rare value with control
    characters goes through :func:`json.dumps`."""
    values = values.cast(pa.string())
    escaped = pc.replace_substring(pc.replace_substring(values, "\\", "\\\\"), '"', '\\"')
    quoted = surround(escaped, '"', '"')
    odd = pc.match_substring_regex(values, "[\x00-\x1f]").fill_null(False)
    if pc.any(odd).as_py():
        fixed = quoted.to_pylist()
        for i in np.flatnonzero(odd.to_numpy(zero_copy_only=False)):
            fixed[i] = json.dumps(values[int(i)].as_py(), ensure_ascii=False)
        quoted = pa.array(fixed, type=pa.string())
    return quoted


def extra_per_record(index: TagIndex, fields: Fields, held, n_records: int) -> pa.Array:
    """One JSON object per record with every field whose tag is not in ``held``: ``{tag: value}``, or
    ``{tag: [values]}`` when the tag repeats; keys sorted and formatted like
    :func:`bibtwin.io.extra_json`; null for a record with no such field."""
    mask = (index.codes >= 0) & ~index.mask(held)
    texts = fields.text(mask)
    nonempty = pc.not_equal(texts, "").fill_null(False)
    texts = texts.filter(nonempty)
    mask[np.flatnonzero(mask)[~nonempty.to_numpy(zero_copy_only=False)]] = False
    if not mask.any():
        return pa.nulls(n_records, pa.string())
    rec, line, codes = index.record[mask], np.flatnonzero(mask), index.codes[mask]
    names = pa.array(sorted(index.names, key=index.names.get), type=pa.string())
    # sort by record, then tag name, then file order; tag rank makes the key order alphabetical
    rank = np.empty(len(names), dtype=np.int64)
    rank[np.argsort(names.to_numpy(zero_copy_only=False))] = np.arange(len(names))
    order = np.lexsort((line, rank[codes], rec))
    rec, codes = rec[order], codes[order]
    encoded = _json_strings(texts.take(pa.array(order)))
    starts = np.ones(len(rec), dtype=bool)
    starts[1:] = (rec[1:] != rec[:-1]) | (codes[1:] != codes[:-1])
    group = np.cumsum(starts) - 1
    group_lists = list_from_sorted(group, encoded, int(group[-1]) + 1)
    joined = pc.binary_join(group_lists, ", ")
    many = pc.greater(pc.list_value_length(group_lists), 1)
    value_text = pc.if_else(many, surround(joined, "[", "]"), joined)
    first = np.flatnonzero(starts)
    keys = surround(names.take(pa.array(codes[first])), '"', '": ')
    per_record = list_from_sorted(rec[first], pc.binary_join_element_wise(keys, value_text, ""), n_records)
    body = surround(pc.binary_join(per_record, ", "), "{", "}")
    return pc.if_else(pc.equal(pc.list_value_length(per_record), 0), pa.scalar(None, pa.string()), body)
