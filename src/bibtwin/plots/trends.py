"""Trends: annual production per database with the cumulative number of unique works, and document
types per year."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..metrics import (
    annual_production,
    annual_production_by_database,
    document_types_by_year,
)
from ._common import (
    BLACK,
    GREY,
    OKABE_ITO,
    database_color,
    database_label,
    database_order,
    empty_message,
    in_year_range,
    new_axes,
    thousands,
    year_axis,
)

DOC_TYPE_LABELS = {"article": "Article", "review": "Review", "conference_paper": "Conference paper",
                   "book_chapter": "Book chapter", "book": "Book", "editorial": "Editorial", "letter": "Letter",
                   "note": "Note", "erratum": "Erratum", "retracted": "Retracted", "preprint": "Preprint",
                   "data_paper": "Data paper", "short_survey": "Short survey", "other": "Other",
                   "unknown": "Unknown type"}
# at most this many document types get their own colour; the rest are drawn together as "Other types"
MAX_DOC_TYPES = 6


def _years(year_min: int | None, year_max: int | None, observed) -> np.ndarray:
    observed = [int(y) for y in observed]
    lo = year_min if year_min is not None else (min(observed) if observed else None)
    hi = year_max if year_max is not None else (max(observed) if observed else None)
    if lo is None or hi is None or hi < lo:
        return np.array([], dtype=np.int64)
    return np.arange(lo, hi + 1, dtype=np.int64)


# ------------------------------------------------------------------------------------ annual production

def table_annual_production(works: pd.DataFrame, *, year_min: int | None = None,
                            year_max: int | None = None) -> pd.DataFrame:
    """Per publication year in ``[year_min, year_max]``: ``works_<database>`` (works found in that
    database; a work held by several databases counts once for each), ``unique_works`` and
    ``cumulative_unique_works`` (unique works published up to that year, earlier years included).
    Works without a year are left out."""
    by_db = annual_production_by_database(works)
    unique = annual_production(works)
    years = _years(year_min, year_max, unique["year"])
    out = pd.DataFrame({"year": years})
    for db in database_order(by_db["database"].unique()):
        counts = by_db[by_db["database"] == db].set_index("year")["documents"]
        out[f"works_{db}"] = counts.reindex(years, fill_value=0).to_numpy(dtype=np.int64)
    per_year = unique.set_index("year")["documents"]
    out["unique_works"] = per_year.reindex(years, fill_value=0).to_numpy(dtype=np.int64)
    before = int(per_year[per_year.index < years[0]].sum()) if len(years) else 0
    out["cumulative_unique_works"] = before + np.cumsum(out["unique_works"].to_numpy(dtype=np.int64))
    return out


def plot_annual_production(table: pd.DataFrame, ax=None, *, width_in: float | None = None):
    """Bars per database and year (left axis) and the cumulative number of unique works (line, right
    axis). Returns the left axes; the right one is ``ax.right_ax``."""
    if ax is None:
        ax = new_axes(width_in, 0.42 * (width_in or 7.2) if (width_in or 7.2) > 5 else 2.6)
    dbs = [c[len("works_"):] for c in table.columns if c.startswith("works_")]
    years = table["year"].to_numpy(dtype=np.int64)
    if not dbs or not len(years):
        return empty_message(ax, "No works with a publication year in the range")
    n = max(len(dbs), 1)
    group = 0.8
    bar = group / n
    handles = []
    for i, db in enumerate(dbs):
        x = years - group / 2 + bar * (i + 0.5)
        handles.append(ax.bar(x, table[f"works_{db}"].to_numpy(), width=bar * 0.92, color=database_color(db, i),
                              label=database_label(db), linewidth=0))
    ax.set_xlabel("Publication year")
    ax.set_ylabel("Works per database\n(a work in several counts in each)")
    thousands(ax.yaxis)
    if len(years):
        ax.set_xlim(years[0] - 0.6, years[-1] + 0.6)
    year_axis(ax, years)
    right = ax.twinx()
    right.spines["right"].set_visible(True)
    right.spines["top"].set_visible(False)
    line, = right.plot(years, table["cumulative_unique_works"].to_numpy(), color=BLACK, marker="o",
                       markersize=3, linewidth=1.2, label="Cumulative unique works (right axis)")
    right.set_ylabel("Cumulative unique works")
    right.set_ylim(0, max(1, table["cumulative_unique_works"].max() if len(table) else 1) * 1.08)
    ax.set_ylim(0, max(1, table[[f"works_{d}" for d in dbs]].to_numpy().max() if dbs and len(table) else 1) * 1.08)
    thousands(right.yaxis)
    ncol = len(handles) + 1 if ax.figure.get_figwidth() > 5 else 2
    ax.legend(handles=[*handles, line], loc="lower left", bbox_to_anchor=(0, 1.01), ncol=ncol,
              borderaxespad=0, handlelength=1.2, columnspacing=1.0, frameon=False)
    ax.right_ax = right
    return ax


# -------------------------------------------------------------------------------- document types by year

def table_document_types_by_year(works: pd.DataFrame, *, year_min: int | None = None,
                                 year_max: int | None = None) -> pd.DataFrame:
    """Unique works per publication year (rows, every year of the range) and normalized document type
    (one column per type, most frequent first; ``unknown`` when the type is missing)."""
    keep = in_year_range(works["year"], year_min, year_max).to_numpy()
    sub = works.loc[keep].reset_index(drop=True)
    years = _years(year_min, year_max, pd.to_numeric(sub["year"]).dropna())
    wide = document_types_by_year(sub) if len(sub) else pd.DataFrame({"year": []})
    wide = wide.set_index("year").reindex(years, fill_value=0)
    totals = wide.sum(axis=0)
    order = sorted(wide.columns, key=lambda c: (c == "unknown", -int(totals[c]), c))
    wide = wide[order].astype(np.int64)
    wide.index.name = "year"
    return wide.reset_index()


def plot_document_types_by_year(table: pd.DataFrame, ax=None, *, width_in: float | None = None):
    """Stacked bars: works per year, split by document type (the most frequent at the bottom)."""
    if ax is None:
        ax = new_axes(width_in, 0.38 * (width_in or 7.2) if (width_in or 7.2) > 5 else 2.5)
    types = [c for c in table.columns if c != "year"]
    years = table["year"].to_numpy(dtype=np.int64)
    if not types or not len(years) or int(table[types].to_numpy().sum()) == 0:
        return empty_message(ax, "No works with a publication year in the range")
    shown = types[:MAX_DOC_TYPES] if len(types) <= MAX_DOC_TYPES else types[:MAX_DOC_TYPES - 1]
    rest = [t for t in types if t not in shown]
    series = [(DOC_TYPE_LABELS.get(t, t.replace("_", " ").capitalize()), table[t].to_numpy(), OKABE_ITO[i])
              for i, t in enumerate(shown)]
    if rest:
        series.append((f"Other types ({len(rest)})", table[rest].sum(axis=1).to_numpy(), GREY))
    bottom = np.zeros(len(years))
    for label, values, color in series:
        ax.bar(years, values, bottom=bottom, width=0.75, color=color, label=label, linewidth=0)
        bottom = bottom + values
    ax.set_xlabel("Publication year")
    ax.set_ylabel("Unique works")
    thousands(ax.yaxis)
    if len(years):
        ax.set_xlim(years[0] - 0.6, years[-1] + 0.6)
        ax.set_ylim(0, max(1, bottom.max()) * 1.05)
    year_axis(ax, years)
    ncol = len(series) if ax.figure.get_figwidth() > 5 else min(3, len(series))
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncol=ncol, borderaxespad=0, handlelength=1.2,
              columnspacing=1.0, frameon=False)
    return ax
