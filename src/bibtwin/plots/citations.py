"""Citations: distribution of citation counts, most cited works, mean citations by publication year.

Unknown citation counts (works no citing database holds, such as PubMed-only works) are never read as
0: they are left out of every citation figure and their number is given in the table and on the figure.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..metrics import citations_per_year, most_cited
from ..metrics._frame import citations
from ._common import (
    BLUE,
    VERMILLION,
    bar_chart_height,
    bar_end_labels,
    display_case,
    empty_message,
    first_author_surname,
    in_year_range,
    new_axes,
    row_labels,
    shorten,
    thousands,
    year_axis,
)

# ---------------------------------------------------------------------------------- citation distribution

def table_citation_distribution(works: pd.DataFrame) -> pd.DataFrame:
    """Works per citation bin, bins doubling in width on ``cited_by + 1`` (0, 1, 2-3, 4-7, 8-15 ...): a
    histogram on a log scale that keeps uncited works. Columns ``bin``, ``citations_min``,
    ``citations_max``, ``works``; a last row ``bin = "unknown"`` (citation bounds empty) counts the works
    whose citation count is unknown, which the figure leaves out."""
    tc = citations(works)
    known = tc[~np.isnan(tc)].astype(np.int64)
    rows = []
    if len(known):
        top = int(np.floor(np.log2(known.max() + 1)))
        for k in range(top + 1):
            lo, hi = 2 ** k - 1, 2 ** (k + 1) - 2
            n = int(((known >= lo) & (known <= hi)).sum())
            rows.append((str(lo) if lo == hi else f"{lo}\u2013{hi}", lo, hi, n))
    out = pd.DataFrame(rows, columns=["bin", "citations_min", "citations_max", "works"])
    unknown = pd.DataFrame({"bin": ["unknown"], "citations_min": [pd.NA], "citations_max": [pd.NA],
                            "works": [int(np.isnan(tc).sum())]})
    out = pd.concat([out, unknown], ignore_index=True)
    out["citations_min"] = out["citations_min"].astype("Int64")
    out["citations_max"] = out["citations_max"].astype("Int64")
    out["works"] = out["works"].astype(np.int64)
    return out


def plot_citation_distribution(table: pd.DataFrame, ax=None, *, width_in: float | None = None):
    """Bars of works per citation bin (bins doubling in width: a log-scaled citation axis that keeps
    uncited works); the number of works with an unknown count is written in the corner."""
    if ax is None:
        ax = new_axes(width_in, 2.6 if (width_in or 7.2) > 5 else 2.3)
    bins = table[table["bin"] != "unknown"]
    unknown = int(table.loc[table["bin"] == "unknown", "works"].sum())
    if bins.empty or bins["works"].sum() == 0:
        return empty_message(ax, f"No work has a known citation count ({unknown:,} unknown)")
    x = np.arange(len(bins))
    ax.bar(x, bins["works"].to_numpy(), color=BLUE, width=0.8, linewidth=0)
    ax.set_xticks(x, bins["bin"].tolist(), rotation=0 if len(bins) <= 10 or ax.figure.get_figwidth() > 5 else 45)
    ax.set_xlim(-0.6, len(bins) - 0.4)
    ax.set_xlabel("Citations per work (log scale: each bin twice as wide as the one before)")
    ax.set_ylabel("Works")
    thousands(ax.yaxis)
    ymax = bins["works"].max()
    ax.set_ylim(0, ymax * 1.12)
    for xi, n in zip(x, bins["works"].to_numpy()):
        if n:
            ax.text(xi, n + ymax * 0.01, f"{n:,}", ha="center", va="bottom", fontsize=7)
    known = int(bins["works"].sum())
    ax.text(0.99, 0.98, f"{known:,} works with a known citation count\n"
                        f"{unknown:,} works with an unknown count left out",
            transform=ax.transAxes, ha="right", va="top", fontsize=7, parse_math=False)
    return ax


# -------------------------------------------------------------------------------------- most cited works

def work_label(first_author, year, journal_abbrev, journal, n_authors: int, width: int = 40) -> str:
    """``Surname et al. (2021) J Pers Med``: the first author's surname (``et al.`` when more authors),
    year and journal abbreviation (the full title shortened with an ellipsis when there is none)."""
    surname = first_author_surname(first_author) or "Anonymous"
    who = f"{surname} et al." if n_authors > 1 else surname
    when = f"({int(year)})" if year is not None and not pd.isna(year) else "(n.d.)"
    if isinstance(journal_abbrev, str) and journal_abbrev.strip():
        # one abbreviation style whatever the database: NLM's, without periods ("J. Pers. Med." -> "J Pers Med")
        source = display_case(" ".join(journal_abbrev.replace(".", " ").split()))
    else:
        source = display_case(journal) if isinstance(journal, str) else journal
    source = shorten(source, max(12, width - len(who) - len(when) - 2), 1) if isinstance(source, str) else ""
    return f"{who} {when} {source}".strip()


def table_most_cited_works(works: pd.DataFrame, *, reference_year: int, top_n: int = 15,
                           label_width: int = 56) -> pd.DataFrame:
    """The ``top_n`` works with the most global citations (reconciled ``cited_by``; unknown counts left
    out), ties by year then work id: ``rank``, ``work_id``, ``label`` (the figure's label),
    ``first_author``, ``year``, ``journal``, ``doi``, ``title``, ``citations``, ``citations_per_year``
    (citations / (reference_year - year + 1))."""
    top = most_cited(works, reference_year, n=None)
    top = top.sort_values(["TC", "year", "work_id"], ascending=[False, True, True], kind="stable",
                          na_position="last").head(top_n).reset_index(drop=True)
    by_id = works.set_index("work_id")
    n_authors = by_id["authors"].reindex(top["work_id"]).map(lambda a: 0 if a is None or a is pd.NA else len(a))
    abbrev = by_id["journal_abbrev"].reindex(top["work_id"]) if "journal_abbrev" in by_id.columns \
        else pd.Series(pd.NA, index=top["work_id"])
    labels = [work_label(a, y, ab, j, n, label_width) for a, y, ab, j, n in
              zip(top["first_author"], top["year"], abbrev.to_numpy(dtype=object), top["journal"],
                  n_authors.to_numpy())]
    return pd.DataFrame({
        "rank": np.arange(1, len(top) + 1, dtype=np.int64),
        "work_id": top["work_id"].astype(object),
        "label": labels,
        "first_author": top["first_author"],
        "year": top["year"].astype("Int64"),
        "journal": top["journal"],
        "doi": top["doi"],
        "title": top["title"],
        "citations": top["TC"].astype("Int64"),
        "citations_per_year": top["TC_per_year"].round(2),
    })


def plot_most_cited_works(table: pd.DataFrame, ax=None, *, width_in: float | None = None):
    """Horizontal bars of citations per work, the most cited at the top, labelled
    ``Surname et al. (Year) Journal``; citations and citations per year at the bar ends."""
    if ax is None:
        ax = new_axes(width_in, bar_chart_height(len(table), 0.7))
    if table.empty:
        return empty_message(ax, "No work has a known citation count")
    y = np.arange(len(table))
    values = table["citations"].to_numpy(dtype=float)
    ax.barh(y, values, color=BLUE, height=0.72, linewidth=0)
    row_labels(ax, y, table["label"], 0.45)
    ax.set_xlabel("Global citations (reconciled across databases)")
    thousands(ax.xaxis)
    per_year = table["citations_per_year"].to_numpy(dtype=float)
    bar_end_labels(ax, y, values, [f"{n:,.0f} ({p:.1f}/yr)" for n, p in zip(values, per_year)], 1.22)
    return ax


# -------------------------------------------------------------------------------- mean citations by year

def table_mean_citations_by_year(works: pd.DataFrame, *, reference_year: int, year_min: int | None = None,
                                 year_max: int | None = None) -> pd.DataFrame:
    """Per publication year in the range (bibliometrix "Average Article Citations per Year"): ``works``,
    ``works_with_citations_known``, ``total_citations``, ``mean_citations`` (per work with a known
    count), ``citable_years`` (reference_year - year + 1) and ``mean_citations_per_year``
    (mean_citations / citable_years). Years without a known count have empty means."""
    keep = in_year_range(works["year"], year_min, year_max).to_numpy()
    table = citations_per_year(works.loc[keep].reset_index(drop=True), reference_year)
    if year_min is not None and year_max is not None:
        table = table.set_index("year").reindex(np.arange(year_min, year_max + 1)).rename_axis("year").reset_index()
        table["citable_years"] = reference_year - table["year"] + 1
    out = pd.DataFrame({
        "year": table["year"].astype(np.int64),
        "works": table["documents"].fillna(0).astype(np.int64),
        "works_with_citations_known": table["documents_with_citations_known"].fillna(0).astype(np.int64),
        "total_citations": pd.array(table["total_citations"], dtype="Float64").round(0).astype("Int64"),
        "mean_citations": pd.array(table["mean_tc_per_article"], dtype="Float64").round(3),
        "citable_years": table["citable_years"].astype(np.int64),
        "mean_citations_per_year": pd.array(table["mean_tc_per_year"], dtype="Float64").round(3),
    })
    return out


def plot_mean_citations_by_year(table: pd.DataFrame, ax=None, *, width_in: float | None = None):
    """Bars: mean citations per work by publication year (left axis); line: mean citations per year
    since publication (right axis). Returns the left axes; the right one is ``ax.right_ax``."""
    if ax is None:
        ax = new_axes(width_in, 2.7 if (width_in or 7.2) > 5 else 2.4)
    known = table["works_with_citations_known"].to_numpy() > 0
    if table.empty or not known.any():
        return empty_message(ax, "No work with a known citation count in the year range")
    years = table["year"].to_numpy(dtype=np.int64)
    mean = table["mean_citations"].to_numpy(dtype=float, na_value=np.nan)
    per_year = table["mean_citations_per_year"].to_numpy(dtype=float, na_value=np.nan)
    bars = ax.bar(years, np.nan_to_num(mean), width=0.7, color=BLUE, linewidth=0, label="Mean citations per work")
    ax.set_xlabel("Publication year")
    ax.set_ylabel("Mean citations per work", color=BLUE)
    ax.set_xlim(years[0] - 0.6, years[-1] + 0.6)
    ax.set_ylim(0, np.nanmax(mean) * 1.1 if np.nanmax(mean) > 0 else 1)
    year_axis(ax, years)
    if ax.figure.get_figwidth() > 5:  # room for the number of works behind each mean
        n_known = dict(zip(years, table["works_with_citations_known"].to_numpy()))
        ax.set_xticks(ax.get_xticks(), [f"{int(t)}\n({n_known.get(int(t), 0):,})" for t in ax.get_xticks()])
        ax.set_xlabel("Publication year (works with a known citation count)")
    right = ax.twinx()
    right.spines["right"].set_visible(True)
    right.spines["top"].set_visible(False)
    line, = right.plot(years, per_year, color=VERMILLION, marker="o", markersize=3, linewidth=1.2,
                       label="Mean citations per year since publication (right axis)")
    right.set_ylabel("Mean citations per year\nsince publication", color=VERMILLION)
    right.set_ylim(0, np.nanmax(per_year) * 1.15 if np.nanmax(per_year) > 0 else 1)
    ax.tick_params(axis="y", colors=BLUE)
    right.tick_params(axis="y", colors=VERMILLION)
    ncol = 2 if ax.figure.get_figwidth() > 5 else 1
    ax.legend(handles=[bars, line], loc="lower left", bbox_to_anchor=(0, 1.01), ncol=ncol, borderaxespad=0,
              handlelength=1.2, frameon=False)
    ax.right_ax = right
    return ax


__all__ = ["table_citation_distribution", "plot_citation_distribution", "table_most_cited_works",
           "plot_most_cited_works", "table_mean_citations_by_year", "plot_mean_citations_by_year",
           "work_label"]
