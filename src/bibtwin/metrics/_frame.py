"""Shared column helpers for the indicator modules: identifiers, list explosion, citations, years.

Every indicator accepts a *records* table (canonical schema, one row per record, ``record_id`` and
``database``) or a *works* table (the same columns plus ``work_id``, ``databases`` ...). These helpers hide
that difference and keep the hot paths in Arrow/NumPy: a list column is exploded once into two aligned
arrays (row position, item) instead of a Python loop over rows.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..schema import STRING


def id_column(df: pd.DataFrame) -> str:
    """``work_id`` for a works table, ``record_id`` for a records table."""
    if "work_id" in df.columns:
        return "work_id"
    if "record_id" in df.columns:
        return "record_id"
    raise KeyError("table has neither 'work_id' nor 'record_id': pass a records or works table")


def list_array(values: pd.Series) -> pa.ListArray:
    """A list column as one Arrow ``list<string>`` array; missing lists become empty lists."""
    arr = None
    if isinstance(values.dtype, pd.ArrowDtype):
        arr = values.array._pa_array  # noqa: SLF001 - the documented way to reach the Arrow data
        arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
        if not (pa.types.is_list(arr.type) or pa.types.is_large_list(arr.type)):
            arr = None
    if arr is None:  # python lists (hand-made tables in tests and notebooks)
        arr = pa.array([v if isinstance(v, (list, tuple, np.ndarray)) else ([] if _missing(v) else [v])
                        for v in values.tolist()], type=pa.list_(pa.string()))
    if arr.type != pa.list_(pa.string()):
        arr = arr.cast(pa.list_(pa.string()))
    if arr.null_count:
        arr = arr.fill_null(pa.scalar([], type=arr.type))
    return arr


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))


def list_lengths(values: pd.Series) -> np.ndarray:
    """Number of items in each list (0 for missing lists)."""
    return pc.list_value_length(list_array(values)).to_numpy(zero_copy_only=False).astype(np.int64)


def explode(values: pd.Series, *, transform=None, unique_per_row: bool = False) -> pd.DataFrame:
    """Items of a list column as a long table ``row`` (0-based position in ``values``), ``item``.

    ``transform`` (Series -> Series) normalizes the items (e.g. upper-casing) before empty items are
    dropped; ``unique_per_row`` keeps one copy of an item repeated inside one list.
    """
    arr = list_array(values)
    rows = pc.list_parent_indices(arr).to_numpy(zero_copy_only=False).astype(np.int64)
    items = pd.Series(pd.arrays.ArrowExtensionArray(arr.flatten()), dtype=STRING) \
        if len(arr) else pd.Series([], dtype=STRING)
    items = items.astype(STRING)
    if transform is not None:
        items = transform(items)
    out = pd.DataFrame({"row": rows, "item": items.array})
    out = out[out["item"].notna() & (out["item"] != "")]
    if unique_per_row:
        out = out.drop_duplicates(["row", "item"])
    return out.reset_index(drop=True)


def upper_terms(items: pd.Series) -> pd.Series:
    """bibliometrix's term normal form: upper case, runs of spaces collapsed, trimmed."""
    return items.str.upper().str.replace(r"\s+", " ", regex=True).str.strip()


def citations(df: pd.DataFrame, column: str = "cited_by") -> np.ndarray:
    """Citation counts as float with NaN for unknown (never 0 for unknown)."""
    if column not in df.columns:
        return np.full(len(df), np.nan)
    return pd.to_numeric(df[column], errors="coerce").astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def years(df: pd.DataFrame) -> np.ndarray:
    """Publication years as float with NaN for unknown."""
    return pd.to_numeric(df["year"], errors="coerce").astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def database_membership(df: pd.DataFrame) -> pd.DataFrame:
    """``row``, ``database``: one line per (document, database holding it).

    Records carry one ``database``; works carry the list ``databases`` of every database that holds them.
    """
    if "databases" in df.columns:
        return explode(df["databases"], unique_per_row=True).rename(columns={"item": "database"})
    return pd.DataFrame({"row": np.arange(len(df), dtype=np.int64),
                         "database": df["database"].astype(STRING).array})


def citation_columns(df: pd.DataFrame) -> list[str]:
    """Per-database citation columns of a works table (``cited_by_scopus``, ``cited_by_wos`` ...)."""
    return sorted(c for c in df.columns if c.startswith("cited_by_"))
