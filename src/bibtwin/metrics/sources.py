"""Sources: most relevant sources, Bradford's law zones, source impact.

bibliometrix: ``biblioAnalysis`` (Sources), ``bradford()``, ``Hindex(field = "source")``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .citations import impact_indices


def source_names(df: pd.DataFrame) -> pd.Series:
    """Source titles in bibliometrix's form: upper case, commas removed, spaces collapsed; NA when unknown."""
    s = df["journal"].astype("string[pyarrow]")
    return s.str.upper().str.replace(",", "", regex=False).str.replace(r"\s+", " ", regex=True).str.strip()


def source_production(df: pd.DataFrame) -> pd.DataFrame:
    """Documents per source: ``source``, ``documents``, sorted by documents, ties alphabetical."""
    counts = source_names(df).dropna().value_counts()
    out = pd.DataFrame({"source": counts.index.astype(object), "documents": counts.to_numpy(dtype=np.int64)})
    return out.sort_values(["documents", "source"], ascending=[False, True], ignore_index=True)


def top_sources(df: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The ``n`` most relevant sources (bibliometrix summary "Most Relevant Sources")."""
    return source_production(df).head(n)


def bradford(df: pd.DataFrame) -> dict:
    """Bradford's law zones as bibliometrix ``bradford()`` draws them.

    Sources sorted by documents (ties alphabetical), ``cumulative`` = running sum of documents, N = all
    documents with a source. Zone 1 (core) holds the first ``a = #{cumulative < 0.33 N} + 1`` sources,
    zone 2 the sources up to ``b = #{cumulative < 0.67 N} + 1``, zone 3 the rest: three zones of about
    one third of the documents each.

    Returns ``table`` (source, rank, documents, cumulative, zone), ``zones`` (zone, sources, documents,
    share of documents) and ``multiplier``: Bradford's multiplier k, the mean of the source-count ratios
    zone2/zone1 and zone3/zone2 (Bradford's law expects sources in the proportion 1 : k : k**2), NaN
    when a zone is empty.
    """
    prod = source_production(df)
    n_docs = int(prod["documents"].sum())
    cumulative = prod["documents"].cumsum().to_numpy()
    a = int((cumulative < n_docs * 0.33).sum()) + 1
    b = int((cumulative < n_docs * 0.67).sum()) + 1
    rank = np.arange(1, len(prod) + 1)
    zone = np.where(rank <= a, "Zone 1", np.where(rank <= b, "Zone 2", "Zone 3"))
    table = prod.assign(rank=rank, cumulative=cumulative, zone=zone)[
        ["source", "rank", "documents", "cumulative", "zone"]]
    zones = table.groupby("zone").agg(sources=("source", "size"), documents=("documents", "sum"))
    zones = zones.reindex(["Zone 1", "Zone 2", "Zone 3"], fill_value=0)
    zones["share_of_documents"] = zones["documents"] / n_docs if n_docs else np.nan
    s1, s2, s3 = zones["sources"].to_numpy(dtype=float)
    multiplier = float(np.mean([s2 / s1, s3 / s2])) if s1 > 0 and s2 > 0 and s3 > 0 else float("nan")
    return {"table": table, "zones": zones.reset_index(), "multiplier": multiplier}


def source_impact(df: pd.DataFrame, reference_year: int, column: str = "cited_by") -> pd.DataFrame:
    """h-, g-, m-index, TC, NP and first year per source (bibliometrix ``Hindex(field = "source")``)."""
    names = source_names(df)
    known = names.notna().to_numpy()
    group = pd.DataFrame({"row": np.flatnonzero(known), "item": names[known].to_numpy(dtype=object)})
    return impact_indices(df, group, reference_year, column).rename(columns={"item": "source"})
