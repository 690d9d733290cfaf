"""Shared pieces of the figure modules: palette, labels, sizes, axis formatting.

Nothing here sets a style: the house style lives in ``styles/bibtwin.mplstyle`` and is applied by the
caller with :func:`bibtwin.figures.use_style`. These helpers only pick colours from the Okabe-Ito
palette, shorten long labels and format axes the same way in every figure.
"""
from __future__ import annotations

import re
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..figures import DOUBLE_COLUMN_IN
from ..prisma import database_label

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")
BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, YELLOW, BLACK = OKABE_ITO
GREY = "#999999"        # "Unclassified", "other": outside the palette on purpose
LIGHT_GREY = "#DDDDDD"

# one colour per database, the same in every figure
DATABASE_COLORS = {"scopus": ORANGE, "pubmed": BLUE, "wos": GREEN, "openalex": PURPLE, "lens": SKY,
                   "dimensions": VERMILLION, "scholar": YELLOW, "crossref": BLACK, "embase": GREY}
DATABASE_ORDER = ("scopus", "pubmed", "wos", "openalex", "dimensions", "lens", "embase", "crossref",
                  "scholar", "unknown")

ROW_HEIGHT_IN = 0.17     # height of one bar/row in horizontal bar charts, in inches at print size
MIN_HEIGHT_IN = 1.6
ELLIPSIS = "\u2026"


def database_order(databases) -> list[str]:
    """Databases in the house order (Scopus, PubMed, WoS, ... then others alphabetically)."""
    known = {d: i for i, d in enumerate(DATABASE_ORDER)}
    return sorted(dict.fromkeys(databases), key=lambda d: (known.get(d, len(known)), d))


def database_color(database: str, fallback_index: int = 0) -> str:
    return DATABASE_COLORS.get(database, OKABE_ITO[fallback_index % len(OKABE_ITO)])


def new_axes(width_in: float | None, height_in: float):
    """A new figure of ``width_in`` x ``height_in`` inches (the printed size) and its axes."""
    width = float(width_in or DOUBLE_COLUMN_IN)
    fig, ax = plt.subplots(figsize=(width, max(height_in, MIN_HEIGHT_IN)))
    return ax


def bar_chart_height(n_rows: int, extra_in: float = 0.55) -> float:
    """Height for a horizontal bar chart of ``n_rows`` bars plus room for the x axis and legend."""
    return max(MIN_HEIGHT_IN, n_rows * ROW_HEIGHT_IN + extra_in)


def label_chars(ax, share: float = 0.42, min_chars: int = 16) -> int:
    """Characters per label line that fit in ``share`` of the figure width at the 7 pt tick size
    (about 0.055 in per average character)."""
    width_in = ax.figure.get_figwidth()
    return max(min_chars, int(width_in * share / 0.055))


def row_labels(ax, y, labels, share: float) -> None:
    """Label the rows of a horizontal bar chart, first row at the top: each label shortened to the
    characters that fit in ``share`` of the figure's width, on one line, without tick marks."""
    width = label_chars(ax, share)
    ax.set_yticks(y, [shorten(t, width, 1) for t in labels])
    ax.invert_yaxis()
    ax.tick_params(axis="y", length=0)


def shorten(text: str, width: int, lines: int = 2) -> str:
    """``text`` wrapped to ``width`` characters on at most ``lines`` lines, cut with an ellipsis."""
    text = " ".join(str(text).split())
    wrapped = textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=True)
    if len(wrapped) <= lines:
        return "\n".join(wrapped)
    kept = wrapped[:lines]
    last = kept[-1]
    if len(last) > width - 1:
        last = last[:width - 1].rstrip()
    kept[-1] = last.rstrip(" ,;:-") + ELLIPSIS
    return "\n".join(kept)


_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the",
                "to", "with", "de", "la", "le", "des", "du", "und", "fur", "für", "y", "e"}
_ACRONYMS = {"IEEE", "ACM", "BMC", "BMJ", "JAMA", "PLOS", "NPJ", "AMIA", "MEDINFO", "IFMBE", "SPIE", "IOP",
             "ASME", "JMIR", "MIE", "AI", "IOT", "ICT", "USA", "UK", "EU", "II", "III", "IV", "CEUR", "MDPI",
             "NEJM", "FHIR", "HL7", "MRI", "CT", "ECG", "EHR", "COVID-19"}


def display_case(text: str) -> str:
    """Upper-case names (WoS sources, bibliometrix terms) in title case, small words in lower case and
    known acronyms kept; names already in mixed case are returned as they are."""
    text = str(text)
    if not text or text != text.upper():
        return text
    words = text.split(" ")
    out = []
    for i, word in enumerate(words):
        if word in _ACRONYMS:
            out.append(word)
        elif i > 0 and word.lower() in _SMALL_WORDS:
            out.append(word.lower())
        else:
            out.append(_capitalize_word(word))
    return " ".join(out)


def _capitalize_word(word: str) -> str:
    """``SMITH-JONES`` -> ``Smith-Jones``, ``O'BRIEN`` -> ``O'Brien``, ``PARKINSON'S`` -> ``Parkinson's``."""
    runs = re.split(r"([^\W\d_]+)", word.lower())
    out = []
    for i, run in enumerate(runs):
        after_apostrophe = i >= 2 and runs[i - 1] in ("'", "\u2019") and len(runs[i - 2]) > 1
        out.append(run.capitalize() if i % 2 == 1 and not after_apostrophe else run)
    return "".join(out)


def thousands(ax_axis) -> None:
    """Integer tick labels with thousands separators (1,000) on one axis (``ax.xaxis`` or ``ax.yaxis``)."""
    ax_axis.set_major_locator(MaxNLocator(integer=True, nbins="auto", steps=[1, 2, 2.5, 5, 10]))
    ax_axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))


def year_axis(ax, years, axis: str = "x") -> None:
    """Integer year ticks: every year when there are few, every second or fifth otherwise."""
    years = np.asarray(sorted(set(int(y) for y in years)), dtype=int)
    if not len(years):
        return
    width_in = ax.figure.get_figwidth() * ax.get_position().width
    per_inch = len(years) / max(width_in, 0.5)
    step = 1 if per_inch <= 3.2 else 2 if per_inch <= 6.5 else 5
    ticks = [y for y in years if (y - years[0]) % step == 0]
    (ax.set_xticks if axis == "x" else ax.set_yticks)(ticks)
    (ax.set_xticklabels if axis == "x" else ax.set_yticklabels)([str(t) for t in ticks])


def bar_end_labels(ax, y, ends, texts, headroom: float) -> None:
    """A text at the right end of each horizontal bar (``ends``: where the bars end), with room for it:
    the x axis runs from 0 to ``headroom`` times the longest bar."""
    xmax = np.max(ends)
    ax.set_xlim(0, xmax * headroom)
    for yi, end, text in zip(y, ends, texts):
        ax.text(end + xmax * 0.01, yi, text, va="center", ha="left", fontsize=7)


def empty_message(ax, message: str):
    """An axes saying why there is nothing to draw (a figure is still written, so every run has every
    file); returns ``ax``."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, fontsize=8,
            color="0.3", wrap=True, parse_math=False)
    return ax


def in_year_range(years: pd.Series, year_min: int | None, year_max: int | None) -> pd.Series:
    """Boolean mask of known years inside ``[year_min, year_max]`` (either bound may be None)."""
    y = pd.to_numeric(years, errors="coerce")
    mask = y.notna()
    if year_min is not None:
        mask &= y >= year_min
    if year_max is not None:
        mask &= y <= year_max
    return mask.fillna(False).astype(bool)


def first_author_surname(author) -> str | None:
    """``"VAN SOEST J"`` -> ``"Van Soest"`` (canonical authors are ``SURNAME INITIALS``)."""
    if author is None or author is pd.NA or (isinstance(author, float) and np.isnan(author)):
        return None
    parts = str(author).split()
    if len(parts) > 1 and parts[-1].replace(".", "").replace("-", "").isalpha() \
            and parts[-1].replace(".", "").replace("-", "").isupper() and len(parts[-1].replace(".", "")) <= 4:
        parts = parts[:-1]
    surname = " ".join(parts)
    return display_case(surname) if surname == surname.upper() else surname


__all__ = ["OKABE_ITO", "GREY", "DATABASE_COLORS", "database_label", "database_order", "database_color",
           "new_axes", "bar_chart_height", "label_chars", "shorten", "display_case", "thousands",
           "year_axis", "empty_message", "in_year_range", "first_author_surname"]
