"""Annual scientific production, cumulative production, annual growth rate, document types per year.

bibliometrix: ``biblioAnalysis`` + ``summary`` ("Annual Scientific Production", "Annual Growth Rate %").
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._frame import database_membership, years


def _year_range(year_values: np.ndarray) -> np.ndarray:
    known = year_values[~np.isnan(year_values)]
    if not len(known):
        return np.array([], dtype=np.int64)
    return np.arange(int(known.min()), int(known.max()) + 1, dtype=np.int64)


def annual_production(df: pd.DataFrame) -> pd.DataFrame:
    """Documents per publication year over the whole timespan: ``year``, ``documents``, ``cumulative``.

    Years inside the timespan without documents are listed with 0 (bibliometrix's table skips them;
    a figure needs them). Documents without a year are left out; ``main_information`` reports them.
    """
    y = years(df)
    span = _year_range(y)
    counts = pd.Series(y[~np.isnan(y)].astype(np.int64)).value_counts()
    docs = counts.reindex(span, fill_value=0).to_numpy(dtype=np.int64)
    return pd.DataFrame({"year": span, "documents": docs, "cumulative": np.cumsum(docs)})


def annual_production_by_database(df: pd.DataFrame) -> pd.DataFrame:
    """Documents per year and database: ``year``, ``database``, ``documents``, ``cumulative``.

    A work held by several databases counts once for each of them (records: their ``database``; works:
    each item of ``databases``). Rows cover every year of the timespan for every database.
    """
    member = database_membership(df)
    y = years(df)
    member = member.assign(year=y[member["row"].to_numpy()])
    member = member[~np.isnan(member["year"].to_numpy(dtype=float))]
    span = _year_range(y)
    dbs = sorted(member["database"].dropna().unique().tolist())
    counts = member.groupby(["database", member["year"].astype(np.int64)]).size()
    full = pd.MultiIndex.from_product([dbs, span], names=["database", "year"])
    counts = counts.reindex(full, fill_value=0)
    out = counts.rename("documents").reset_index()
    out["cumulative"] = out.groupby("database")["documents"].cumsum()
    return out[["year", "database", "documents", "cumulative"]].sort_values(["year", "database"],
                                                                            ignore_index=True)


def annual_growth_rate(df: pd.DataFrame) -> float:
    """Compound annual growth rate of production, in percent (bibliometrix ``summary``: CAGR).

    ``((N_last / N_first) ** (1 / (last_year - first_year)) - 1) * 100`` where ``N_first`` and ``N_last``
    are the documents of the first and last year of the timespan. NaN with fewer than two years.
    bibliometrix rounds to 2 decimals; this returns the unrounded value.
    """
    prod = annual_production(df)
    if len(prod) < 2:
        return float("nan")
    first, last = prod["documents"].iloc[0], prod["documents"].iloc[-1]
    n_intervals = prod["year"].iloc[-1] - prod["year"].iloc[0]
    return float(((last / first) ** (1.0 / n_intervals) - 1.0) * 100.0)


def document_types_by_year(df: pd.DataFrame, column: str = "doc_type") -> pd.DataFrame:
    """Documents per year and document type (wide: one column per type, rows for every year)."""
    y = years(df)
    known = ~np.isnan(y)
    frame = pd.DataFrame({"year": y[known].astype(np.int64),
                          "doc_type": df[column].fillna("unknown").to_numpy(dtype=object)[known]})
    table = frame.groupby(["year", "doc_type"]).size().unstack("doc_type", fill_value=0)
    table = table.reindex(_year_range(y), fill_value=0).sort_index(axis=1)
    table.index.name = "year"
    table.columns.name = None
    return table.reset_index()
