"""Fields of medicine (multi-label, ``config/fields-of-medicine.yaml``) and MeSH headings."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..metrics import (
    classify_fields,
    fields_by_year,
    mesh_heading_table,
    works_per_field,
)
from ..metrics._frame import explode
from ..metrics.fields import UNCLASSIFIED
from ._common import (
    BLUE,
    GREY,
    bar_chart_height,
    bar_end_labels,
    empty_message,
    in_year_range,
    label_chars,
    new_axes,
    row_labels,
    shorten,
    thousands,
)


def _ordered_fields(per_field: pd.DataFrame) -> pd.DataFrame:
    """Most works first, ties by name, ``unclassified`` last whatever its count."""
    per_field = per_field.assign(_last=per_field["field"] == UNCLASSIFIED)
    per_field = per_field.sort_values(["_last", "works", "field"], ascending=[True, False, True])
    return per_field.drop(columns="_last").reset_index(drop=True)


# -------------------------------------------------------------------------------------- works per field

def table_works_per_field(works: pd.DataFrame, *, mapping: dict | None = None,
                          classified: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per field of the mapping (and ``unclassified``): ``field``, ``label``, ``works`` (a work in
    several fields counts in each), ``share`` of all works and ``total_works`` (the number of unique
    works, the same on every row). Most works first, ``unclassified`` last. Fields without works are
    kept (with 0) so the figure shows every field of the mapping."""
    classified = classify_fields(works, mapping) if classified is None else classified
    out = _ordered_fields(works_per_field(classified, mapping))
    out["total_works"] = np.int64(len(works))
    return out[["field", "label", "works", "share", "total_works"]]


def plot_works_per_field(table: pd.DataFrame, ax=None, *, width_in: float | None = None,
                         hide_empty: bool = True):
    """Horizontal bars, most works at the top, 'Unclassified' last in grey; counts at the bar ends.
    Fields without works are left out of the drawing when ``hide_empty`` (they stay in the table)."""
    rows = table[table["works"] > 0] if hide_empty else table
    if ax is None:
        ax = new_axes(width_in, bar_chart_height(len(rows), 0.7))
    if rows.empty:
        return empty_message(ax, "No works")
    y = np.arange(len(rows))
    colors = [GREY if f == UNCLASSIFIED else BLUE for f in rows["field"]]
    ax.barh(y, rows["works"].to_numpy(), color=colors, height=0.72, linewidth=0)
    row_labels(ax, y, rows["label"], 0.32)
    total = int(table["total_works"].iloc[0]) if len(table) else 0
    ax.set_xlabel(f"Works (of {total:,} unique works; a work can be in several fields)")
    thousands(ax.xaxis)
    works = rows["works"].to_numpy()
    bar_end_labels(ax, y, works, [f"{n:,}" for n in works], 1.12)
    if UNCLASSIFIED in set(rows["field"]) and len(rows) > 1:
        ax.axhline(len(rows) - 1.5, color="0.6", linewidth=0.5, linestyle=(0, (2, 2)))
    return ax


# --------------------------------------------------------------------------------------- field by year

def table_field_by_year(works: pd.DataFrame, *, mapping: dict | None = None, year_min: int | None = None,
                        year_max: int | None = None, classified: pd.DataFrame | None = None) -> pd.DataFrame:
    """Works per field and publication year (long): ``field``, ``label``, ``year``, ``works`` for every
    field with works in the range and every year of the range (0 where none). Fields in the order of
    :func:`table_works_per_field`, ``unclassified`` last."""
    classified = classify_fields(works, mapping) if classified is None else classified
    keep = in_year_range(works["year"], year_min, year_max).to_numpy()
    sub_works = works.loc[keep].reset_index(drop=True)
    sub_class = classified.loc[keep].reset_index(drop=True)
    per_field = _ordered_fields(works_per_field(sub_class, mapping))
    per_field = per_field[per_field["works"] > 0]
    long = fields_by_year(sub_works, sub_class) if len(sub_works) else \
        pd.DataFrame({"year": [], "field": [], "works": []})
    observed = pd.to_numeric(sub_works["year"]).dropna().astype(int)
    lo = year_min if year_min is not None else (observed.min() if len(observed) else 0)
    hi = year_max if year_max is not None else (observed.max() if len(observed) else -1)
    years = np.arange(lo, hi + 1, dtype=np.int64)
    grid = pd.MultiIndex.from_product([per_field["field"].tolist(), years], names=["field", "year"])
    counts = long.set_index(["field", "year"])["works"].reindex(grid, fill_value=0)
    out = counts.rename("works").reset_index()
    out.insert(1, "label", out["field"].map(dict(zip(per_field["field"], per_field["label"]))))
    out["works"] = out["works"].astype(np.int64)
    out["year"] = out["year"].astype(np.int64)
    return out[["field", "label", "year", "works"]]


def plot_field_by_year(table: pd.DataFrame, ax=None, *, width_in: float | None = None):
    """Heatmap of works per field (rows, in table order) and year (columns), each cell labelled with
    its count (empty cells blank)."""
    import seaborn as sns

    fields = list(dict.fromkeys(table["field"]))
    labels = dict(zip(table["field"], table["label"]))
    years = sorted(table["year"].unique().tolist())
    if ax is None:
        ax = new_axes(width_in, max(1.8, 0.2 * len(fields) + 0.8))
    if not fields or not years:
        return empty_message(ax, "No works with a publication year in the range")
    matrix = table.pivot(index="field", columns="year", values="works").reindex(index=fields, columns=years)
    values = matrix.to_numpy(dtype=np.int64)
    annot = np.where(values > 0, np.vectorize(lambda v: f"{v:,}")(values), "")
    width = label_chars(ax, 0.28 if ax.figure.get_figwidth() > 5 else 0.4)
    narrow = ax.figure.get_figwidth() < 5
    sns.heatmap(values, ax=ax, cmap="Blues", annot=annot, fmt="", annot_kws={"fontsize": 6 if narrow else 7},
                linewidths=0.4, linecolor="white", cbar=False, square=False,
                vmin=0, vmax=max(1, values.max()))
    ax.set_yticks(np.arange(len(fields)) + 0.5, [shorten(labels[f], width, 1) for f in fields], rotation=0)
    ax.set_xticks(np.arange(len(years)) + 0.5, [str(y) if not narrow or (y - years[0]) % 2 == 0 else ""
                                                for y in years], rotation=0)
    ax.tick_params(axis="both", length=0)
    ax.set_xlabel("Publication year")
    ax.set_ylabel("")
    unclassified = [i for i, f in enumerate(fields) if f == UNCLASSIFIED]
    if unclassified and len(fields) > 1:
        ax.axhline(unclassified[0], color="0.25", linewidth=0.8)
    return ax


# ---------------------------------------------------------------------------------------- MeSH headings

def _display_headings(works: pd.DataFrame) -> dict:
    """Upper-case heading -> its most frequent spelling in the data (``Precision Medicine``)."""
    items = explode(works["mesh_terms"])
    original = items["item"].str.replace(r"/.*$", "", regex=True).str.replace("*", "", regex=False)
    original = original.str.replace(r"\s+", " ", regex=True).str.strip()
    frame = pd.DataFrame({"key": original.str.upper().to_numpy(dtype=object),
                          "text": original.to_numpy(dtype=object)})
    if frame.empty:
        return {}
    counts = frame.value_counts().rename("n").reset_index()
    counts = counts.sort_values(["key", "n", "text"], ascending=[True, False, True]).drop_duplicates("key")
    return dict(zip(counts["key"], counts["text"]))


def table_top_mesh_terms(works: pd.DataFrame, *, top_n: int = 15) -> pd.DataFrame:
    """The ``top_n`` MeSH descriptors on the most works (subheadings merged, check tags such as Humans
    left out): ``heading`` (upper case, as bibliometrix), ``label`` (as spelled in the data), ``works``,
    ``works_with_mesh`` (works carrying any MeSH term) and ``total_works``. Ties alphabetical."""
    table = mesh_heading_table(works).head(top_n)
    labels = _display_headings(works) if "mesh_terms" in works.columns else {}
    n_mesh = int((explode(works["mesh_terms"])["row"].nunique())) if "mesh_terms" in works.columns else 0
    out = pd.DataFrame({"heading": table["heading"].astype(object),
                        "label": [labels.get(h, h) for h in table["heading"]],
                        "works": table["documents"].to_numpy(dtype=np.int64)})
    out["works_with_mesh"] = np.int64(n_mesh)
    out["total_works"] = np.int64(len(works))
    return out


def plot_top_mesh_terms(table: pd.DataFrame, ax=None, *, width_in: float | None = None):
    """Horizontal bars of works per MeSH heading, most frequent at the top."""
    if ax is None:
        ax = new_axes(width_in, bar_chart_height(len(table), 0.7))
    if table.empty:
        return empty_message(ax, "No MeSH headings: no work in this corpus is indexed with MeSH\n"
                                 "(MeSH comes with PubMed MEDLINE exports)")
    y = np.arange(len(table))
    ax.barh(y, table["works"].to_numpy(), color=BLUE, height=0.72, linewidth=0)
    row_labels(ax, y, table["label"], 0.36)
    with_mesh = int(table["works_with_mesh"].iloc[0])
    total = int(table["total_works"].iloc[0])
    ax.set_xlabel(f"Works (of {with_mesh:,} works indexed with MeSH; {total:,} works in all)")
    thousands(ax.xaxis)
    works = table["works"].to_numpy()
    bar_end_labels(ax, y, works, [f"{n:,}" for n in works], 1.1)
    return ax


__all__ = ["table_works_per_field", "plot_works_per_field", "table_field_by_year", "plot_field_by_year",
           "table_top_mesh_terms", "plot_top_mesh_terms"]
