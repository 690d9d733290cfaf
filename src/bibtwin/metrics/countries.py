"""Countries: corresponding author's country, SCP/MCP, country citations, country collaboration.

bibliometrix: ``biblioAnalysis`` (AU1_CO: corresponding author's country; ``countryCollaboration``: SCP,
MCP), ``summary`` ("Corresponding Author's Countries", "Total Citations per Country").
Countries are the standard names of :func:`bibtwin.normalize.country_of` ("United States", "Taiwan").
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import normalize as nz
from ._frame import citations, explode, list_array
from .citations import impact_indices
from .keywords import pair_counts


_NEXT_ADDRESS = r"\.;\s.*$"  # WoS ends each corresponding address with "." and joins them with "; "


def corresponding_country(df: pd.DataFrame) -> pd.Series:
    """The corresponding author's country of each document (NA when unknown).

    ``country_of`` of the first corresponding address (WoS lists several); when that gives nothing, the first country of the document's
    affiliations (``countries`` holds them in order of first appearance, so this is the first affiliation
    that names a country). bibliometrix does the same with RP and C1.
    """
    address = df["corresponding_address"].astype("string[pyarrow]") \
        if "corresponding_address" in df.columns else pd.Series(pd.NA, index=df.index, dtype="string[pyarrow]")
    # WoS lists every corresponding author ("A, X (corresponding author), ..., Japan.; B, Y (corresponding
    # author), ..."): the first one is the corresponding author, as in bibliometrix
    wos_style = address.str.contains("(corresponding author)", regex=False).fillna(False)
    address = address.where(~wos_style, address.str.replace(_NEXT_ADDRESS, ".", regex=True))
    distinct = address.dropna().unique()
    mapping = {a: nz.country_of(a) for a in distinct}  # once per distinct address
    from_address = address.map(mapping, na_action="ignore")
    first = pc.list_element(_padded(list_array(df["countries"])), 0)
    fallback = pd.Series(first.to_pylist(), index=df.index, dtype=object)
    return from_address.astype(object).where(from_address.notna(), fallback).astype("string[pyarrow]")


def _padded(arr: pa.ListArray) -> pa.ListArray:
    # list_element fails on empty lists: give empty lists one null item
    lengths = pc.list_value_length(arr)
    empty = pc.equal(lengths, 0)
    return pc.if_else(empty, pa.scalar([None], type=arr.type), arr)


def collaboration_type(df: pd.DataFrame) -> pd.DataFrame:
    """Per document: ``country`` (corresponding author's), ``n_countries`` (distinct countries of all
    authors, the corresponding country included) and ``collaboration``: ``SCP`` (single-country
    publication: every author's country is the corresponding author's) or ``MCP`` (multiple-country
    publication).

    ``collaboration`` is NA (unknown) when the corresponding country is unknown, and when the document's
    affiliations name no country: a corresponding address alone does not tell the other authors'
    countries, so such a document is neither SCP nor MCP (bibliometrix then takes the countries of the
    corresponding address alone and calls it SCP)."""
    country = corresponding_country(df)
    items = explode(df["countries"], unique_per_row=True)
    n_listed = np.bincount(items["row"].to_numpy(), minlength=len(df))
    corr_of_row = country.to_numpy(dtype=object)[items["row"].to_numpy()]
    listed_corr = np.zeros(len(df), dtype=bool)
    hit = items["item"].to_numpy(dtype=object) == corr_of_row
    listed_corr[items["row"].to_numpy()[hit]] = True
    has_corr = country.notna().to_numpy()
    n_countries = n_listed + (has_corr & ~listed_corr)
    collab = pd.array(np.where(n_countries == 1, "SCP", "MCP"), dtype="string[pyarrow]")
    collab[~has_corr | (n_listed == 0)] = pd.NA
    return pd.DataFrame({"country": country.array, "n_countries": n_countries, "collaboration": collab})


def country_production(df: pd.DataFrame) -> pd.DataFrame:
    """Corresponding author's countries (bibliometrix summary "Corresponding Author's Countries").

    ``articles`` documents per corresponding country, ``freq`` = articles / documents with a
    corresponding country, ``SCP`` and ``MCP`` (see :func:`collaboration_type`), ``unknown`` = articles
    whose affiliations name no country (neither SCP nor MCP), ``MCP_ratio`` = MCP / (SCP + MCP), NaN when
    neither is known. Sorted by articles, ties alphabetical.
    """
    ct = collaboration_type(df).dropna(subset=["country"])
    kind = ct["collaboration"].astype(object).where(ct["collaboration"].notna(), "unknown")
    out = pd.crosstab(ct["country"], kind).reindex(columns=["SCP", "MCP", "unknown"], fill_value=0)
    out["articles"] = out["SCP"] + out["MCP"] + out["unknown"]
    out["freq"] = out["articles"] / out["articles"].sum()
    known = out["SCP"] + out["MCP"]
    out["MCP_ratio"] = out["MCP"] / known.where(known > 0)
    out.index.name = "country"
    out.columns.name = None
    out = out.reset_index()[["country", "articles", "freq", "SCP", "MCP", "unknown", "MCP_ratio"]]
    return out.sort_values(["articles", "country"], ascending=[False, True], ignore_index=True)


def country_citations(df: pd.DataFrame, column: str = "cited_by") -> pd.DataFrame:
    """Citations per corresponding author's country: ``total_citations`` and
    ``average_article_citations`` = total / documents with a known count (bibliometrix "Total Citations
    per Country"; it divides by all documents, reading unknown counts as 0)."""
    frame = pd.DataFrame({"country": corresponding_country(df).to_numpy(dtype=object),
                          "tc": citations(df, column)}).dropna(subset=["country"])
    g = frame.groupby("country")["tc"]
    out = pd.DataFrame({"documents": g.size(), "documents_with_citations_known": g.count(),
                        "total_citations": g.sum(min_count=1)})
    out["average_article_citations"] = out["total_citations"] / out["documents_with_citations_known"]
    out.index.name = "country"
    out = out.reset_index()
    return out.sort_values(["total_citations", "country"], ascending=[False, True], na_position="last",
                           ignore_index=True)


def international_collaboration_share(df: pd.DataFrame) -> float:
    """Percentage of documents whose authors' affiliations name two or more countries (bibliometrix
    "International co-authorships %"; denominator: all documents). NaN when no document names a country."""
    n = list_lengths_unique(df["countries"])
    if not (n > 0).any():
        return float("nan")
    return float((n >= 2).sum() / len(df) * 100.0)


def list_lengths_unique(values: pd.Series) -> np.ndarray:
    items = explode(values, unique_per_row=True)
    return np.bincount(items["row"].to_numpy(), minlength=len(values))


def country_collaboration(df: pd.DataFrame) -> pd.DataFrame:
    """Pairs of countries named together on a document: ``country_a`` < ``country_b``, ``documents``."""
    return pair_counts(df["countries"]).rename(columns={"term_a": "country_a", "term_b": "country_b",
                                                        "weight": "documents"})


def country_impact(df: pd.DataFrame, reference_year: int, column: str = "cited_by",
                   by: str = "corresponding") -> pd.DataFrame:
    """h-, g-, m-index per country: of the corresponding author (``by="corresponding"``) or of any
    author (``by="any"``: a document counts for each country of its affiliations)."""
    if by == "corresponding":
        country = corresponding_country(df)
        known = country.notna().to_numpy()
        group = pd.DataFrame({"row": np.flatnonzero(known), "item": country[known].to_numpy(dtype=object)})
    else:
        group = explode(df["countries"], unique_per_row=True)
    return impact_indices(df, group, reference_year, column).rename(columns={"item": "country"})
