"""Sources (Bradford zones), most productive authors, corresponding-author countries (SCP/MCP)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..metrics import author_production, bradford, corresponding_country, country_production
from ..metrics.sources import source_names
from ._common import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    SKY,
    bar_chart_height,
    bar_end_labels,
    display_case,
    empty_message,
    first_author_surname,
    new_axes,
    row_labels,
    thousands,
)

ZONE_COLORS = {"Zone 1": BLUE, "Zone 2": ORANGE, "Zone 3": GREEN}


def _source_display_names(works: pd.DataFrame) -> dict:
    """bibliometrix source key (upper case, no commas) -> the most frequent spelling of the journal in
    the data, in title case when every spelling is upper case."""
    key = source_names(works)
    frame = pd.DataFrame({"key": key.to_numpy(dtype=object),
                          "text": works["journal"].astype("string").str.strip().to_numpy(dtype=object)}).dropna()
    if frame.empty:
        return {}
    # mixed-case spellings first, then the most frequent, then alphabetical
    frame["upper"] = frame["text"].map(lambda t: t == t.upper())
    counts = frame.groupby(["key", "text", "upper"]).size().rename("n").reset_index()
    counts = counts.sort_values(["key", "upper", "n", "text"], ascending=[True, True, False, True])
    best = counts.drop_duplicates("key")
    return {k: display_case(t) for k, t in zip(best["key"], best["text"])}


# ----------------------------------------------------------------------------------- sources + Bradford

def table_top_sources_bradford(works: pd.DataFrame, *, top_n: int = 15) -> pd.DataFrame:
    """The ``top_n`` sources with the most works (ties alphabetical) and their Bradford zone over all
    sources: ``rank``, ``source`` (bibliometrix's upper-case key), ``label`` (as spelled in the data),
    ``works``, ``cumulative_works``, ``zone``, and per zone over every source ``zone_sources`` and
    ``zone_works``."""
    result = bradford(works)
    table = result["table"]
    zones = result["zones"].set_index("zone")
    labels = _source_display_names(works)
    top = table.head(top_n)
    return pd.DataFrame({
        "rank": top["rank"].to_numpy(dtype=np.int64),
        "source": top["source"].astype(object).to_numpy(),
        "label": [labels.get(s, display_case(s)) for s in top["source"]],
        "works": top["documents"].to_numpy(dtype=np.int64),
        "cumulative_works": top["cumulative"].to_numpy(dtype=np.int64),
        "zone": top["zone"].to_numpy(dtype=object),
        "zone_sources": zones["sources"].reindex(top["zone"]).to_numpy(dtype=np.int64),
        "zone_works": zones["documents"].reindex(top["zone"]).to_numpy(dtype=np.int64),
    })


def plot_top_sources_bradford(table: pd.DataFrame, ax=None, *, width_in: float | None = None):
    """Horizontal bars of works per source, most works at the top, coloured by Bradford zone."""
    if ax is None:
        ax = new_axes(width_in, bar_chart_height(len(table), 0.75))
    if table.empty:
        return empty_message(ax, "No work names its source")
    y = np.arange(len(table))
    colors = [ZONE_COLORS.get(z, SKY) for z in table["zone"]]
    ax.barh(y, table["works"].to_numpy(), color=colors, height=0.72, linewidth=0)
    row_labels(ax, y, table["label"], 0.45)
    ax.set_xlabel("Works")
    thousands(ax.xaxis)
    works = table["works"].to_numpy()
    bar_end_labels(ax, y, works, [f"{n:,}" for n in works], 1.1)
    from matplotlib.patches import Patch
    zones = table.drop_duplicates("zone")
    names = {"Zone 1": "Zone 1 (core)", "Zone 2": "Zone 2", "Zone 3": "Zone 3"}
    handles = [Patch(color=ZONE_COLORS.get(z, SKY),
                     label=f"{names.get(z, z)}: {s:,} sources, {w:,} works")
               for z, s, w in zip(zones["zone"], zones["zone_sources"], zones["zone_works"])]
    ax.legend(handles=handles, loc="lower right", title="Bradford zone (all sources)", frameon=True,
              framealpha=0.9, edgecolor="none", handlelength=1.0)
    return ax


# --------------------------------------------------------------------------------------------- authors

def table_top_authors(works: pd.DataFrame, *, top_n: int = 15) -> pd.DataFrame:
    """The ``top_n`` authors with the most works (full counting; ties alphabetical): ``rank``,
    ``author`` (``SURNAME INITIALS`` as in the data), ``label``, ``works`` (full counting) and
    ``works_fractional`` (each work shares 1 among its authors)."""
    prod = author_production(works).head(top_n)
    initials = prod["author"].map(lambda a: str(a).split()[-1] if len(str(a).split()) > 1 else "")
    labels = [f"{first_author_surname(a)} {i}".strip() for a, i in zip(prod["author"], initials)]
    return pd.DataFrame({"rank": np.arange(1, len(prod) + 1, dtype=np.int64),
                         "author": prod["author"].to_numpy(dtype=object), "label": labels,
                         "works": prod["articles"].to_numpy(dtype=np.int64),
                         "works_fractional": prod["articles_fractionalized"].round(3).to_numpy(dtype=float)})


def plot_top_authors(table: pd.DataFrame, ax=None, *, width_in: float | None = None):
    """Horizontal bars of works per author (full counting, light) with the fractional count drawn over
    them (dark), most works at the top."""
    if ax is None:
        ax = new_axes(width_in, bar_chart_height(len(table), 0.75))
    if table.empty:
        return empty_message(ax, "No work lists its authors")
    y = np.arange(len(table))
    full = table["works"].to_numpy(dtype=float)
    frac = table["works_fractional"].to_numpy(dtype=float)
    ax.barh(y, full, color=SKY, height=0.75, linewidth=0, label="Full counting (1 per work)")
    ax.barh(y, frac, color=BLUE, height=0.4, linewidth=0, label="Fractional counting (1/number of authors)")
    row_labels(ax, y, table["label"], 0.3)
    ax.set_xlabel("Works")
    thousands(ax.xaxis)
    bar_end_labels(ax, y, full, [f"{n:,.0f} ({f:.1f})" for n, f in zip(full, frac)], 1.15)
    ax.legend(loc="lower right", frameon=True, framealpha=0.9, edgecolor="none", handlelength=1.0)
    return ax


# ------------------------------------------------------------------------------------------- countries

def table_countries_scp_mcp(works: pd.DataFrame, *, top_n: int = 15) -> pd.DataFrame:
    """The ``top_n`` corresponding-author countries (most works first, ties alphabetical): ``country``,
    ``works``, ``SCP`` (single-country publications), ``MCP`` (multiple-country), ``unknown`` (works whose
    affiliations name no country, so SCP or MCP cannot be told: exports without an affiliation field),
    ``MCP_ratio`` (MCP / (SCP + MCP)) and ``works_without_country`` (works whose corresponding country is
    unknown, the same on every row).

    Counts are :func:`bibtwin.metrics.country_production`'s (``articles`` there)."""
    prod = country_production(works).head(top_n)
    without_country = int(corresponding_country(works).isna().sum())
    return pd.DataFrame({"country": prod["country"].astype(object).to_numpy(),
                         "works": prod["articles"].to_numpy(dtype=np.int64),
                         "SCP": prod["SCP"].to_numpy(dtype=np.int64), "MCP": prod["MCP"].to_numpy(dtype=np.int64),
                         "unknown": prod["unknown"].to_numpy(dtype=np.int64),
                         "MCP_ratio": prod["MCP_ratio"].round(3).to_numpy(dtype=float),
                         "works_without_country": np.full(len(prod), without_country, dtype=np.int64)})


def plot_countries_scp_mcp(table: pd.DataFrame, ax=None, *, width_in: float | None = None):
    """Stacked horizontal bars per corresponding-author country: single-country (SCP), multiple-country
    (MCP) publications, and works whose affiliations name no country (grey, only when there are some)."""
    if ax is None:
        ax = new_axes(width_in, bar_chart_height(len(table), 0.75))
    if table.empty:
        return empty_message(ax, "No corresponding-author country is known")
    y = np.arange(len(table))
    scp = table["SCP"].to_numpy(dtype=float)
    mcp = table["MCP"].to_numpy(dtype=float)
    unknown = table["unknown"].to_numpy(dtype=float)
    ax.barh(y, scp, color=BLUE, height=0.72, linewidth=0, label="Single-country publications (SCP)")
    ax.barh(y, mcp, left=scp, color=ORANGE, height=0.72, linewidth=0, label="Multiple-country publications (MCP)")
    if unknown.sum():
        ax.barh(y, unknown, left=scp + mcp, color=GREY, height=0.72, linewidth=0,
                label="No affiliation countries: SCP or MCP unknown")
    row_labels(ax, y, table["country"], 0.3)
    without = int(table["works_without_country"].iloc[0])
    ax.set_xlabel("Works by corresponding author's country"
                  + (f" ({without:,} works without a known country)" if without else ""))
    thousands(ax.xaxis)
    total = scp + mcp + unknown
    bar_end_labels(ax, y, total, [f"{n:,.0f}" for n in total], 1.12)
    ax.legend(loc="lower right", frameon=True, framealpha=0.9, edgecolor="none", handlelength=1.0)
    return ax


__all__ = ["table_top_sources_bradford", "plot_top_sources_bradford", "table_top_authors", "plot_top_authors",
           "table_countries_scp_mcp", "plot_countries_scp_mcp"]
