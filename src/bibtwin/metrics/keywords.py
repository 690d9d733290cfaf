"""Keywords and MeSH: frequencies, trend topics (bibliometrix ``fieldByYear``), co-occurrence network.

Terms are compared in bibliometrix's normal form: upper case, spaces collapsed (``upper_terms``), and a
full stop ending the term dropped (``term_form``: "Tinnitus." is the keyword "TINNITUS"; bibliometrix
replaces every "." and "," by a space, which also drops it).
Fields: ``author_keywords`` (bibliometrix DE), ``index_keywords`` (ID, Keywords Plus), ``mesh_terms``
(MeSH heading with subheading, ``Colorectal Neoplasms/microbiology``), ``mesh_headings`` (the descriptor
alone, subheadings dropped), ``subject_categories``.
"""
from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from ._frame import explode, upper_terms, years

FIELDS = ("author_keywords", "index_keywords", "mesh_terms", "mesh_headings", "subject_categories")


def term_form(items: pd.Series) -> pd.Series:
    """A keyword in its normal form: :func:`upper_terms`, then trailing full stops removed."""
    return upper_terms(items).str.replace(r"[\s.]+$", "", regex=True)


def _mesh_heading(items: pd.Series) -> pd.Series:
    # "Colorectal Neoplasms/microbiology*" -> "COLORECTAL NEOPLASMS"
    return upper_terms(items.str.replace(r"/.*$", "", regex=True).str.replace("*", "", regex=False))


def term_items(df: pd.DataFrame, field: str, *, unique_per_row: bool = False) -> pd.DataFrame:
    """``row``, ``item``: the normalized terms of ``field`` per document (see module docstring)."""
    if field == "mesh_headings":
        return explode(df["mesh_terms"], transform=_mesh_heading, unique_per_row=unique_per_row)
    if field not in df.columns:
        raise KeyError(f"no column {field!r}; expected one of {FIELDS}")
    return explode(df[field], transform=term_form, unique_per_row=unique_per_row)


def keyword_frequencies(df: pd.DataFrame, field: str = "author_keywords", n: int | None = None) -> pd.DataFrame:
    """Per term: ``occurrences`` (bibliometrix ``tableTag``: every appearance) and ``documents`` (documents
    naming it). Sorted by occurrences, ties alphabetical (as bibliometrix's top-10 lists)."""
    items = term_items(df, field)
    g = items.groupby("item")["row"]
    out = pd.DataFrame({"occurrences": g.size(), "documents": g.nunique()})
    out.index.name = "term"
    out = out.reset_index()
    out["term"] = out["term"].astype(object)
    out = out.sort_values(["occurrences", "term"], ascending=[False, True], ignore_index=True)
    return out.head(n) if n is not None else out


def term_year_quartiles(df: pd.DataFrame, field: str = "index_keywords") -> pd.DataFrame:
    """Per term: ``freq`` (occurrences) and ``year_q1``, ``year_med``, ``year_q3``: the 25th, 50th and 75th
    percentiles of the publication years of its occurrences (each occurrence weighs one), by R's default
    quantile (type 7: linear interpolation at position (N - 1) p of the sorted years), rounded half to
    even as R's ``round`` - bibliometrix ``fieldByYear``'s ``quantile(rep(PY, x))``.
    Occurrences in documents without a year are left out."""
    items = term_items(df, field)
    y = years(df)[items["row"].to_numpy()]
    keep = ~np.isnan(y)
    frame = pd.DataFrame({"term": items["item"].to_numpy(dtype=object)[keep], "year": y[keep].astype(np.int64)})
    w = frame.groupby(["term", "year"]).size()  # sorted by term, then year
    terms = w.index.get_level_values(0).to_numpy(dtype=object)
    year_v = w.index.get_level_values(1).to_numpy(dtype=np.int64)
    weights = w.to_numpy(dtype=np.int64)
    cum = np.cumsum(weights)
    term_codes, term_names = pd.factorize(terms, sort=False)
    totals = np.bincount(term_codes, weights=weights).astype(np.int64)
    start = np.concatenate([[0], np.cumsum(totals)[:-1]])
    out = {"term": np.asarray(term_names, dtype=object), "freq": totals}
    for name, p in (("year_q1", 0.25), ("year_med", 0.5), ("year_q3", 0.75)):
        h = (totals - 1) * p
        lo = np.floor(h).astype(np.int64)
        hi = np.minimum(lo + 1, totals - 1)
        y_lo = year_v[np.searchsorted(cum, start + lo, side="right")]
        y_hi = year_v[np.searchsorted(cum, start + hi, side="right")]
        out[name] = np.round(y_lo + (h - lo) * (y_hi - y_lo)).astype(np.int64)
    return pd.DataFrame(out)


def trend_topics(df: pd.DataFrame, field: str = "index_keywords", min_freq: int = 2, n_items: int = 5,
                 timespan: tuple[int, int] | None = None) -> pd.DataFrame:
    """Trend topics (bibliometrix ``fieldByYear``): per median year, the ``n_items`` most frequent terms
    (ties alphabetical) with at least ``min_freq`` occurrences, median year inside ``timespan``
    (default: the range of the median years). Columns as :func:`term_year_quartiles`, sorted by median
    year then frequency. bibliometrix lower-cases the terms for display; they stay upper case here."""
    q = term_year_quartiles(df, field)
    q = q.sort_values(["year_med", "freq", "term"], ascending=[True, False, True])
    q = q.groupby("year_med", sort=False).head(n_items)  # slice first, then filter: as bibliometrix
    q = q[q["freq"] >= min_freq]
    if timespan is not None:
        q = q[(q["year_med"] >= timespan[0]) & (q["year_med"] <= timespan[1])]
    return q.reset_index(drop=True)


def pair_counts(values: pd.Series, terms=None, transform=None) -> pd.DataFrame:
    """Documents naming both items of each pair: ``term_a`` < ``term_b``, ``weight`` (vectorized self-join)."""
    items = explode(values, transform=transform, unique_per_row=True)
    if terms is not None:
        items = items[items["item"].isin(list(terms))]
    return _pairs_from_items(items)


def cooccurrence(df: pd.DataFrame, field: str = "author_keywords", top_n: int = 50,
                 min_weight: int = 1) -> tuple[pd.DataFrame, nx.Graph]:
    """Co-occurrence network of the ``top_n`` most frequent terms (bibliometrix ``biblioNetwork(analysis =
    "co-occurrences")``: edge weight = documents naming both terms).

    Returns the edge table (``term_a``, ``term_b``, ``weight`` >= ``min_weight``) and a networkx graph whose
    nodes carry ``occurrences`` and ``documents`` and whose edges carry ``weight``.
    """
    freq = keyword_frequencies(df, field, n=top_n)
    items = term_items(df, field, unique_per_row=True)
    items = items[items["item"].isin(freq["term"])]
    edges = _pairs_from_items(items)
    edges = edges[edges["weight"] >= min_weight].reset_index(drop=True)
    graph = nx.Graph()
    for term, occ, docs in freq[["term", "occurrences", "documents"]].itertuples(index=False):
        graph.add_node(term, occurrences=int(occ), documents=int(docs))  # top_n nodes only
    graph.add_weighted_edges_from(edges[["term_a", "term_b", "weight"]].itertuples(index=False, name=None))
    return edges, graph


def _pairs_from_items(items: pd.DataFrame) -> pd.DataFrame:
    codes, names = pd.factorize(items["item"].to_numpy(dtype=object), sort=True)
    left = pd.DataFrame({"row": items["row"].to_numpy(), "a": codes})
    pairs = left.merge(left.rename(columns={"a": "b"}), on="row")
    pairs = pairs[pairs["a"] < pairs["b"]]
    weight = pairs.groupby(["a", "b"]).size()
    a = weight.index.get_level_values(0).to_numpy(dtype=np.int64)
    b = weight.index.get_level_values(1).to_numpy(dtype=np.int64)
    names = np.asarray(names, dtype=object)
    out = pd.DataFrame({"term_a": names[a], "term_b": names[b], "weight": weight.to_numpy(dtype=np.int64)})
    return out.sort_values(["weight", "term_a", "term_b"], ascending=[False, True, True], ignore_index=True)
