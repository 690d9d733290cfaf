"""Main information about the data, as bibliometrix's ``summary()`` prints it.

``main_information(df, reference_year)`` returns a dict keyed by the labels bibliometrix prints; the
reference year is explicit (bibliometrix reads the clock). ``format_main_information`` renders the values
with the significant digits bibliometrix prints, for side-by-side comparison. ``docs/indicators.md``
lists every deliberate difference from bibliometrix.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ._frame import citations, explode, list_lengths, upper_terms, years
from .countries import international_collaboration_share
from .keywords import term_items
from .sources import source_names
from .trends import annual_growth_rate

# label -> significant digits bibliometrix prints with (``format(x, digits = d)``); None: printed as is
PRINT_DIGITS: dict[str, int | None] = {
    "Timespan": None, "Sources (Journals, Books, etc)": None, "Documents": None,
    "Annual Growth Rate %": 4, "Document Average Age": 3, "Average citations per doc": 4,
    "Average citations per year per doc": 4, "References": None, "Keywords Plus (ID)": None,
    "Author's Keywords (DE)": None, "Authors": None, "Author Appearances": None,
    "Authors of single-authored docs": None, "Single-authored docs": None, "Documents per Author": 3,
    "Co-Authors per Doc": 3, "International co-authorships %": 4,
}


def _nan_to_none(x: float):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


def main_information(df: pd.DataFrame, reference_year: int, doc_type_column: str = "doc_type") -> dict:
    """bibliometrix's "Main information about data" for a records or works table.

    Definitions (``n`` = documents; lists are the canonical list columns):

    - Timespan: ``"min:max"`` of the publication years;
    - Sources (Journals, Books, etc): distinct source titles (upper case, commas removed);
    - Documents: ``n``;
    - Annual Growth Rate %: ``((N_last / N_first) ** (1 / (last - first)) - 1) * 100``, rounded to 2
      decimals as bibliometrix;
    - Document Average Age: ``reference_year - mean(year)``;
    - Average citations per doc: mean of ``cited_by`` over documents with a known count (None when no
      count is known: bibliometrix prints 0 for PubMed);
    - Average citations per year per doc: mean of ``cited_by / (reference_year - year + 1)``;
    - References: distinct cited references (upper case, spaces collapsed); 0 when no document has any;
    - Keywords Plus (ID) / Author's Keywords (DE): distinct index keywords / author keywords (upper case,
      a final full stop dropped: ``keywords.term_form``);
    - Authors: distinct authors; Author Appearances: sum of authors per document;
    - Authors of single-authored docs: distinct authors of documents with exactly one author;
    - Single-authored docs: documents with exactly one author;
    - Documents per Author: ``n / Authors``;
    - Co-Authors per Doc: mean authors per document, over documents listing authors;
    - International co-authorships %: documents whose affiliations name >= 2 countries / n * 100;
    - DOCUMENT TYPES: documents per value of ``doc_type_column`` (``doc_type``: normalized types;
      ``doc_type_raw``: as exported, which is what bibliometrix prints).

    Extra keys after bibliometrix's: "Documents without year", "Documents with citation counts",
    "MeSH headings" (distinct MeSH descriptors: PubMed's subject terms, which bibliometrix counts as both
    DE and ID).
    """
    n = len(df)
    y = years(df)
    known_years = y[~np.isnan(y)]
    tc = citations(df)
    known_tc = ~np.isnan(tc)
    tc_year = tc / (reference_year - y + 1.0)
    n_authors = list_lengths(df["authors"])
    authors = explode(df["authors"])
    single_rows = np.flatnonzero(n_authors == 1)
    distinct_authors = authors["item"].nunique()
    growth = annual_growth_rate(df)
    references = explode(df["references"], transform=upper_terms)["item"].nunique() \
        if "references" in df.columns else 0
    doc_types = df[doc_type_column].fillna("unknown").value_counts().sort_index() \
        if doc_type_column in df.columns else pd.Series(dtype=np.int64)
    info = {
        "Timespan": f"{int(known_years.min())}:{int(known_years.max())}" if len(known_years) else None,
        "Sources (Journals, Books, etc)": int(source_names(df).nunique()),
        "Documents": n,
        "Annual Growth Rate %": _nan_to_none(round(growth, 2)),
        "Document Average Age": _nan_to_none(float(reference_year - known_years.mean())
                                             if len(known_years) else float("nan")),
        "Average citations per doc": _nan_to_none(float(tc[known_tc].mean()) if known_tc.any()
                                                  else float("nan")),
        "Average citations per year per doc": _nan_to_none(float(np.nanmean(tc_year))
                                                           if (~np.isnan(tc_year)).any() else float("nan")),
        "References": int(references),
        "Keywords Plus (ID)": int(term_items(df, "index_keywords")["item"].nunique()),
        "Author's Keywords (DE)": int(term_items(df, "author_keywords")["item"].nunique()),
        "Authors": int(distinct_authors),
        "Author Appearances": int(n_authors.sum()),
        "Authors of single-authored docs": int(authors.loc[authors["row"].isin(single_rows), "item"].nunique()),
        "Single-authored docs": int(len(single_rows)),
        "Documents per Author": _nan_to_none(n / distinct_authors if distinct_authors else float("nan")),
        "Co-Authors per Doc": _nan_to_none(float(n_authors[n_authors > 0].mean())
                                           if (n_authors > 0).any() else float("nan")),
        "International co-authorships %": _nan_to_none(international_collaboration_share(df)),
        "DOCUMENT TYPES": {str(k): int(v) for k, v in doc_types.items()},
        "Documents without year": int(n - len(known_years)),
        "Documents with citation counts": int(known_tc.sum()),
        "MeSH headings": int(term_items(df, "mesh_headings")["item"].nunique())
        if "mesh_terms" in df.columns else 0,
    }
    return info


def r_format(value, digits: int | None) -> str:
    """A number as R's ``format(x, digits = d)`` prints it: ``d`` significant digits, trailing zeros
    dropped, no exponent for large numbers; ``"n/a"`` for unknown."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if digits is None or isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return str(value)
    if value != 0 and abs(value) >= 10 ** digits:
        return str(int(round(value)))
    text = f"{value:.{digits}g}"
    return text


def format_main_information(info: dict) -> dict[str, str]:
    """The values of :func:`main_information` as bibliometrix prints them (strings)."""
    out = {label: r_format(info.get(label), digits) for label, digits in PRINT_DIGITS.items()}
    for doc_type, count in info.get("DOCUMENT TYPES", {}).items():
        out[f"DOCUMENT TYPES/{doc_type}"] = str(count)
    return out
