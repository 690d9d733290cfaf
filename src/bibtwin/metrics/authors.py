"""Authors: production (full and fractional counting), Lotka's law, author impact.

bibliometrix: ``biblioAnalysis`` (Authors, AuthorsFrac), ``lotka()``, ``Hindex(field = "author")``.
Authors are the ``authors`` column (``SURNAME INITIALS``, bibliometrix's form), so homonyms share a name
as they do in bibliometrix.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ._frame import explode, list_lengths
from .citations import impact_indices


def author_production(df: pd.DataFrame) -> pd.DataFrame:
    """Per author: ``articles`` (full counting: author appearances) and ``articles_fractionalized``
    (each document shares 1 among its n authors: sum of 1/n). Sorted by articles, ties alphabetical."""
    items = explode(df["authors"])
    n_authors = list_lengths(df["authors"])
    items["share"] = 1.0 / n_authors[items["row"].to_numpy()]
    out = items.groupby("item").agg(articles=("row", "size"), articles_fractionalized=("share", "sum"))
    out.index.name = "author"
    out = out.reset_index()
    out["author"] = out["author"].astype(object)
    return out.sort_values(["articles", "author"], ascending=[False, True], ignore_index=True)


def top_authors(df: pd.DataFrame, n: int = 10, fractionalized: bool = False) -> pd.DataFrame:
    """The ``n`` most productive authors by full counting, or by fractional counting."""
    prod = author_production(df)
    if fractionalized:
        prod = prod.sort_values(["articles_fractionalized", "author"], ascending=[False, True],
                                ignore_index=True)
    return prod.head(n)


def lotka(df: pd.DataFrame) -> dict:
    """Lotka's law fit as bibliometrix ``lotka()`` does it.

    ``table``: ``n_articles`` (x), ``n_authors`` (authors who wrote exactly x documents, full counting),
    ``freq`` = n_authors / all authors, ``fitted`` = C / x**beta, ``theoretical`` = C / x**2.
    The fit is least squares on ``log10(freq) = log10(C) - beta * log10(x)``;
    ``beta`` = |slope|, ``C`` = 10**intercept, ``r2`` its R squared, and ``p_value`` the two-sample
    Kolmogorov-Smirnov test (asymptotic) between the observed frequencies and Lotka's law with beta = 2
    and the fitted C, as bibliometrix computes it. NaN fit values with fewer than two distinct x.
    """
    per_author = author_production(df)["articles"]
    table = per_author.value_counts().sort_index()
    table = pd.DataFrame({"n_articles": table.index.to_numpy(dtype=np.int64),
                          "n_authors": table.to_numpy(dtype=np.int64)})
    table["freq"] = table["n_authors"] / table["n_authors"].sum()
    result = {"beta": float("nan"), "C": float("nan"), "r2": float("nan"), "p_value": float("nan")}
    if len(table) >= 2:
        x = np.log10(table["n_articles"].to_numpy(dtype=float))
        yv = np.log10(table["freq"].to_numpy(dtype=float))
        fit = stats.linregress(x, yv)
        theoretical = 10 ** (fit.intercept - 2 * x)
        p = stats.ks_2samp(table["freq"].to_numpy(), theoretical, method="asymp").pvalue
        result = {"beta": abs(float(fit.slope)), "C": float(10 ** fit.intercept),
                  "r2": float(fit.rvalue ** 2), "p_value": float(p)}
        table["fitted"] = 10 ** (fit.intercept + fit.slope * x)
        table["theoretical"] = theoretical
    else:
        table["fitted"] = np.nan
        table["theoretical"] = np.nan
    result["table"] = table
    return result


def author_impact(df: pd.DataFrame, reference_year: int, column: str = "cited_by") -> pd.DataFrame:
    """h-, g-, m-index, TC, NP and first year per author (bibliometrix ``Hindex(field = "author")``)."""
    group = explode(df["authors"], unique_per_row=True)
    return impact_indices(df, group, reference_year, column).rename(columns={"item": "author"})
