"""The structure PubMed MEDLINE and Web of Science plain text share: a tag, its value, continuation lines.

A *field* is one tag line plus the indented lines that continue it (6 spaces in MEDLINE, 3 in WoS).
:func:`split_fields` cuts a whole file into fields with one C-level regex split, so that everything after it
works on Arrow arrays with one row per field: a file of a million records is a few tens of millions of
fields, and no step below loops over them in Python. The readers decide which field belongs to which
record (MEDLINE: blank-line separated blocks; WoS: ``ER`` closes a record) and then pull columns out with
:func:`values_per_record`, :func:`joined_per_record` and :func:`extra_per_record`.

Continuation lines mean two different things: a wrapped line of running text (a title, an abstract, WoS
``DE`` keywords) or the next item of a list (WoS ``AU``, ``C1``, ``CR``: one author, address or reference
per line). Values keep the raw ``\\n   `` so each reader chooses per tag: :func:`unwrap` joins with a
space, :func:`explode_items` splits into items.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# a newline NOT followed by an indented non-blank line ends a field
_FIELD_END = re.compile(r"\n(?![ \t]+\S)")
# the line break and indentation between a line and its continuation (trailing blanks included)
CONTINUATION = r"[ \t]*\n[ \t]+"


@dataclass(frozen=True)
class Fields:
    """One row per field (tag line with its continuation lines), in file order."""
    line: np.ndarray        # 1-based line where the field starts
    tag: pa.Array           # the tag (``AU``, ``PMID``); null for blank or unparsable chunks
    value: pa.Array         # the raw value, continuation lines still ``\\n``-separated
    blank: np.ndarray       # bool: a blank line (separates MEDLINE records)
    raw: pa.Array           # the chunk as written, for error messages

    def __len__(self) -> int:
        return len(self.line)


def split_fields(text: str, tag_pattern: str) -> Fields:
    """Cut ``text`` (``\\n`` line endings) into fields; ``tag_pattern`` is an RE2 pattern with the named
    groups ``tag`` and ``value``, matched against each field with ``(?s)`` so values span lines."""
    chunks = pa.array(_FIELD_END.split(text), type=pa.large_string())
    newlines = pc.count_substring(chunks, "\n").to_numpy(zero_copy_only=False).astype(np.int64)
    line = np.ones(len(chunks), dtype=np.int64)
    line[1:] += np.cumsum(newlines[:-1] + 1)
    parts = pc.extract_regex(chunks, "(?s)" + tag_pattern)
    tag = pc.if_else(parts.is_valid(), parts.field("tag"), pa.scalar(None, pa.large_string()))
    tag = pc.utf8_trim_whitespace(tag)
    value = pc.if_else(parts.is_valid(), parts.field("value"), pa.scalar(None, pa.large_string()))
    value = pc.utf8_rtrim_whitespace(pc.utf8_ltrim(value, characters=" \t"))
    blank = pc.equal(pc.utf8_trim_whitespace(chunks), "").to_numpy(zero_copy_only=False)
    return Fields(line=line, tag=tag, value=value, blank=blank, raw=chunks)


def unwrap(values: pa.Array) -> pa.Array:
    """Join continuation lines with one space (running text)."""
    return pc.replace_substring_regex(values, CONTINUATION, " ")


def explode_items(values: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Split each value at its continuation lines (one item per line); returns the items and, for each
    item, the index of the value it came from."""
    lists = pc.split_pattern_regex(values, CONTINUATION)
    return pc.utf8_trim_whitespace(pc.list_flatten(lists)), \
        pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)


def list_from_sorted(record: np.ndarray, values: pa.Array, n_records: int) -> pa.ListArray:
    """A ``list<string>`` per record from values whose record numbers are sorted (file order)."""
    counts = np.bincount(record, minlength=n_records) if len(record) else np.zeros(n_records, np.int64)
    offsets = np.zeros(n_records + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    values = values.cast(pa.string())
    keep = pc.and_(pc.is_valid(values), pc.not_equal(values, "")).fill_null(False)
    if not pc.all(keep).as_py() and len(values):
        # drop empty items and recount, so an empty tag gives no item rather than ""
        return list_from_sorted(record[keep.to_numpy(zero_copy_only=False)], values.filter(keep), n_records)
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def select(record: np.ndarray, tags: pa.Array, wanted) -> np.ndarray:
    """Boolean mask of fields with one of the ``wanted`` tags that belong to a record (record >= 0)."""
    mask = pc.is_in(tags, value_set=pa.array(list(wanted), type=tags.type)).fill_null(False)
    return mask.to_numpy(zero_copy_only=False) & (record >= 0)


def values_per_record(record, tags, values, wanted, n_records, *, items: bool = False) -> pa.ListArray:
    """The values of the ``wanted`` tags per record, in file order; with ``items`` every continuation line
    is its own item (WoS author and address lists), otherwise continuation lines are unwrapped."""
    mask = select(record, tags, wanted)
    rec, vals = record[mask], values.filter(pa.array(mask))
    if items:
        vals, parent = explode_items(vals)
        rec = rec[parent]
    else:
        vals = unwrap(vals)
    return list_from_sorted(rec, vals, n_records)


def join_lists(lists: pa.ListArray, sep: str) -> pa.Array:
    """Join each list with ``sep``; an empty list gives null (unknown), never ""."""
    joined = pc.binary_join(lists, sep)
    return pc.if_else(pc.equal(pc.list_value_length(lists), 0), pa.scalar(None, pa.string()), joined)


def first_of(lists: pa.ListArray) -> pa.Array:
    """The first item of each list; null for an empty list."""
    return join_lists(pc.list_slice(lists, 0, 1), "")


def unique_in_order(record: np.ndarray, values: pa.Array) -> np.ndarray:
    """Mask keeping the first occurrence of each (record, value) pair (hash-based, linear)."""
    import pandas as pd
    frame = pd.DataFrame({"r": record, "v": pd.array(values.cast(pa.string()), dtype="string[pyarrow]")})
    return (~frame.duplicated()).to_numpy()


# ------------------------------------------------------------------------------------------ extra JSON

_CONTROL = "[\x00-\x1f]"


def _json_strings(values: pa.Array) -> pa.Array:
    """JSON string literals (``"..."``) for each value, built in Arrow; the rare value with control
    characters goes through :func:`json.dumps`."""
    values = values.cast(pa.string())
    escaped = pc.replace_substring(pc.replace_substring(values, "\\", "\\\\"), '"', '\\"')
    quoted = pc.binary_join_element_wise('"', escaped, '"', "")
    odd = pc.match_substring_regex(values, _CONTROL).fill_null(False)
    if pc.any(odd).as_py():
        idx = np.flatnonzero(odd.to_numpy(zero_copy_only=False))
        fixed = quoted.to_pylist()
        for i in idx:
            fixed[i] = json.dumps(values[i].as_py(), ensure_ascii=False)
        quoted = pa.array(fixed, type=pa.string())
    return quoted


def extra_per_record(record: np.ndarray, line: np.ndarray, tags: pa.Array, values: pa.Array,
                     n_records: int) -> pa.Array:
    """One JSON object per record, ``{tag: value}`` (``{tag: [values]}`` when a tag repeats), keys sorted,
    formatted like :func:`bibtwin.io.extra_json`; null for a record with no such field.

    ``record``/``tags``/``values`` are the fields to keep (already unwrapped), ``line`` orders repeats.
    """
    if not len(record):
        return pa.nulls(n_records, pa.string())
    tags = tags.cast(pa.string())
    order = pc.sort_indices(pa.table({"r": record, "t": tags, "l": line}),
                            sort_keys=[("r", "ascending"), ("t", "ascending"), ("l", "ascending")])
    order = order.to_numpy(zero_copy_only=False)
    rec, tag = record[order], tags.take(pa.array(order))
    encoded = _json_strings(values.take(pa.array(order)))
    # groups of equal (record, tag)
    tag_codes = pc.dictionary_encode(tag).indices.to_numpy(zero_copy_only=False)
    starts = np.ones(len(rec), dtype=bool)
    starts[1:] = (rec[1:] != rec[:-1]) | (tag_codes[1:] != tag_codes[:-1])
    group = np.cumsum(starts) - 1
    n_groups = int(group[-1]) + 1
    group_lists = list_from_sorted(group, encoded, n_groups)
    joined = pc.binary_join(group_lists, ", ")
    many = pc.greater(pc.list_value_length(group_lists), 1)
    value_text = pc.if_else(many, pc.binary_join_element_wise("[", joined, "]", ""), joined)
    first = np.flatnonzero(starts)
    keys = pc.binary_join_element_wise('"', tag.take(pa.array(first)), '": ', "")
    pairs = pc.binary_join_element_wise(keys, value_text, "")
    per_record = list_from_sorted(rec[first], pairs, n_records)
    body = pc.binary_join_element_wise("{", pc.binary_join(per_record, ", "), "}", "")
    return pc.if_else(pc.equal(pc.list_value_length(per_record), 0), pa.scalar(None, pa.string()), body)
