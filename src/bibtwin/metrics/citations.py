"""Citation indicators: distribution, most cited documents, citations per year, h-, g- and m-index.

Unknown citation counts (NA: PubMed records, works no citing database holds) are left out of every
citation indicator and counted separately; they are never read as 0 (bibliometrix reads them as 0).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._frame import citation_columns, citations, explode, id_column, years


def citation_distribution(df: pd.DataFrame, column: str = "cited_by") -> pd.DataFrame:
    """Documents per citation count: ``cited_by``, ``documents`` (known counts only, ascending)."""
    tc = citations(df, column)
    tc = tc[~np.isnan(tc)].astype(np.int64)
    counts = pd.Series(tc).value_counts().sort_index()
    return pd.DataFrame({"cited_by": counts.index.to_numpy(dtype=np.int64),
                         "documents": counts.to_numpy(dtype=np.int64)})


def citation_summary(df: pd.DataFrame, column: str = "cited_by") -> dict:
    """Totals over documents with a known count: ``documents``, ``documents_with_citations_known``,
    ``documents_citations_unknown``, ``total``, ``mean``, ``median``, ``uncited_share``, ``h_index``,
    ``g_index``."""
    tc = citations(df, column)
    known = tc[~np.isnan(tc)]
    h, g = _h_g(np.sort(known)[::-1])
    return {"documents": int(len(tc)), "documents_with_citations_known": int(len(known)),
            "documents_citations_unknown": int(len(tc) - len(known)),
            "total": float(known.sum()) if len(known) else float("nan"),
            "mean": float(known.mean()) if len(known) else float("nan"),
            "median": float(np.median(known)) if len(known) else float("nan"),
            "uncited_share": float((known == 0).mean()) if len(known) else float("nan"),
            "h_index": h if len(known) else None, "g_index": g if len(known) else None}


def citations_by_database(df: pd.DataFrame) -> pd.DataFrame:
    """:func:`citation_summary` for ``cited_by`` and each ``cited_by_<database>`` column of a works table."""
    rows = []
    for col in ["cited_by"] + citation_columns(df):
        rows.append({"column": col, **citation_summary(df, col)})
    return pd.DataFrame(rows)


def _h_g(sorted_desc: np.ndarray) -> tuple[int, int]:
    """h and g of one citation vector sorted in decreasing order."""
    ranks = np.arange(1, len(sorted_desc) + 1)
    h = int((sorted_desc >= ranks).sum())
    g = int((np.cumsum(sorted_desc) >= ranks ** 2).sum())
    return h, g


def tc_per_year(df: pd.DataFrame, reference_year: int, column: str = "cited_by") -> np.ndarray:
    """Citations per year since publication: ``TC / (reference_year - year + 1)`` (bibliometrix)."""
    return citations(df, column) / (reference_year - years(df) + 1.0)


def normalized_citations(df: pd.DataFrame, column: str = "cited_by") -> np.ndarray:
    """Normalized citations: ``TC / mean(TC of the documents of the same publication year)``.

    The mean runs over documents with a known count; NaN for unknown counts and for a year whose mean is 0.
    """
    tc = citations(df, column)
    y = years(df)
    frame = pd.DataFrame({"tc": tc, "year": y})
    year_mean = frame.groupby("year")["tc"].transform("mean").to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = tc / year_mean
    out[year_mean == 0] = np.nan
    return out


def most_cited(df: pd.DataFrame, reference_year: int, n: int | None = 10,
               column: str = "cited_by") -> pd.DataFrame:
    """Most cited documents (bibliometrix "Most Cited Papers").

    Columns: id, ``first_author``, ``year``, ``journal``, ``doi``, ``title``, ``TC`` (global citations),
    ``TC_per_year`` = TC / (reference_year - year + 1), ``NTC`` = TC / mean TC of the same year. Sorted
    by TC decreasing, ties in table order (as bibliometrix); unknown counts are left out.
    """
    idc = id_column(df)
    first = explode(df["authors"]).drop_duplicates("row").set_index("row")["item"] \
        if "authors" in df.columns else pd.Series(dtype=object)
    out = pd.DataFrame({
        idc: df[idc].to_numpy(dtype=object),
        "first_author": first.reindex(range(len(df))).to_numpy(dtype=object),
        "year": df["year"].to_numpy(dtype=object),
        "journal": df["journal"].to_numpy(dtype=object) if "journal" in df.columns else None,
        "doi": df["doi"].to_numpy(dtype=object) if "doi" in df.columns else None,
        "title": df["title"].to_numpy(dtype=object) if "title" in df.columns else None,
        "TC": citations(df, column),
        "TC_per_year": tc_per_year(df, reference_year, column),
        "NTC": normalized_citations(df, column),
    })
    out = out[~np.isnan(out["TC"].to_numpy(dtype=float))]
    out = out.sort_values("TC", ascending=False, kind="stable")
    if n is not None:
        out = out.head(n)
    out["TC"] = out["TC"].astype("Int64")
    out["year"] = out["year"].astype("Int64")
    return out.reset_index(drop=True)


def citations_per_year(df: pd.DataFrame, reference_year: int, column: str = "cited_by") -> pd.DataFrame:
    """Per publication year (bibliometrix ``plot``: "Average Article Citations per Year"):

    ``documents``, ``documents_with_citations_known``, ``total_citations``, ``mean_tc_per_article`` =
    total / documents with a known count, ``citable_years`` = reference_year - year + 1,
    ``mean_tc_per_year`` = mean_tc_per_article / citable_years.
    """
    tc = citations(df, column)
    frame = pd.DataFrame({"year": years(df), "tc": tc})
    frame = frame[~np.isnan(frame["year"].to_numpy())]
    grouped = frame.groupby(frame["year"].astype(np.int64))["tc"]
    out = pd.DataFrame({"documents": grouped.size(), "documents_with_citations_known": grouped.count(),
                        "total_citations": grouped.sum(min_count=1)})
    out["mean_tc_per_article"] = out["total_citations"] / out["documents_with_citations_known"]
    out["citable_years"] = reference_year - out.index.to_numpy() + 1
    out["mean_tc_per_year"] = out["mean_tc_per_article"] / out["citable_years"]
    out.index.name = "year"
    return out.reset_index()


def impact_indices(df: pd.DataFrame, group: pd.DataFrame | None, reference_year: int,
                   column: str = "cited_by") -> pd.DataFrame:
    """h-, g- and m-index per group (bibliometrix ``Hindex``), vectorized over all groups at once.

    ``group`` has columns ``row`` (0-based document position in ``df``) and ``item`` (the group: source,
    author, country ...), one line per (document, group); None means the whole corpus as one group.

    - h: the largest h such that h documents have at least h citations each (Hirsch 2005);
    - g: the largest g such that the g most cited documents have together at least g**2 citations
      (Egghe 2006), at most the number of documents (as bibliometrix);
    - m = h / (reference_year - first publication year + 1) (Hirsch's m quotient, bibliometrix's
      denominator);
    - ``TC`` total citations, ``NP`` documents, ``NP_citations_known`` documents with a known count,
      ``PY_start`` first publication year.

    Documents with unknown citation counts count in ``NP`` and ``PY_start`` but not in h, g, TC.
    """
    if group is None:
        group = pd.DataFrame({"row": np.arange(len(df)), "item": "corpus"})
    tc = citations(df, column)
    y = years(df)
    rows = group["row"].to_numpy(dtype=np.int64)
    frame = pd.DataFrame({"item": group["item"].to_numpy(dtype=object), "tc": tc[rows], "year": y[rows]})
    base = frame.groupby("item", sort=True).agg(NP=("tc", "size"), NP_citations_known=("tc", "count"),
                                                TC=("tc", "sum"), PY_start=("year", "min"))
    known = frame[~np.isnan(frame["tc"].to_numpy())].sort_values(["item", "tc"], ascending=[True, False],
                                                                 kind="stable")
    rank = known.groupby("item").cumcount().to_numpy() + 1
    cum = known.groupby("item")["tc"].cumsum().to_numpy()
    known = known.assign(is_h=known["tc"].to_numpy() >= rank, is_g=cum >= rank.astype(float) ** 2)
    hg = known.groupby("item")[["is_h", "is_g"]].sum()
    base["h_index"] = hg["is_h"].reindex(base.index).fillna(0).astype(np.int64)
    base["g_index"] = hg["is_g"].reindex(base.index).fillna(0).astype(np.int64)
    base["m_index"] = base["h_index"] / (reference_year - base["PY_start"] + 1)
    base.loc[base["NP_citations_known"] == 0, ["h_index", "g_index", "m_index", "TC"]] = np.nan
    base["PY_start"] = base["PY_start"].astype("Int64")
    base["h_index"] = base["h_index"].astype("Int64")
    base["g_index"] = base["g_index"].astype("Int64")
    base["TC"] = base["TC"].astype("Int64")
    base.index.name = "item"
    out = base.reset_index()[["item", "h_index", "g_index", "m_index", "TC", "NP", "NP_citations_known",
                              "PY_start"]]
    return out.sort_values(["h_index", "TC", "item"], ascending=[False, False, True],
                           na_position="last", ignore_index=True)
