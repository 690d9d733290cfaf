"""PRISMA 2020 flow counts and diagram (new systematic reviews, databases only).

Counts come from three tables: ``records`` (one row per record read, with ``database``), ``works``
(one row per unique work entering screening) and the screening decisions (see
:mod:`bibtwin.screening`). Definitions, following Page et al. 2021 (BMJ 372:n71), with one work
counted as one record at screening, one report at retrieval and one study at inclusion:

- records identified: rows of ``records``, per database and in total;
- records removed before screening: duplicates (records - works - other removals) and any other
  removals the caller reports through ``other_removed`` (e.g. ``{"Marked as ineligible by automation
  tools": 12}``), for records that are in ``records`` but whose works never entered screening;
- records screened: works; records excluded: works excluded at title/abstract, by reason;
- reports sought for retrieval: works included at title/abstract;
- reports not retrieved: works excluded at full text with a reason in :data:`NOT_RETRIEVED_REASONS`
  (``no full text``, ``full text not available``, ... compared without case); every other full-text
  exclusion is a report assessed and excluded, counted by reason;
- studies included (and reports of included studies): works included at full text.

When decisions are incomplete, works without a title/abstract decision and works awaiting full-text
assessment are counted separately, shown in the diagram and announced under it, so an unfinished
screening is never drawn as a finished one. :func:`check_prisma_consistency` verifies every sum.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd
from matplotlib.font_manager import FontProperties
from matplotlib.patches import FancyBboxPatch
from matplotlib.textpath import text_to_path

from .errors import BibtwinError
from .screening import empty_decisions, screening_status

NOT_RETRIEVED_REASONS = frozenset({
    "no full text", "no full-text", "full text not available", "full-text not available",
    "full text not retrieved", "not retrieved", "report not retrieved", "no access to full text",
})

DATABASE_NAMES = {
    "scopus": "Scopus", "pubmed": "PubMed", "wos": "Web of Science", "lens": "Lens",
    "dimensions": "Dimensions", "openalex": "OpenAlex", "scholar": "Google Scholar",
    "crossref": "Crossref", "embase": "Embase", "unknown": "Unknown database",
}


class PrismaConsistencyError(BibtwinError, ValueError):
    """PRISMA counts that do not add up."""


@dataclass(frozen=True)
class PrismaCounts:
    """Every number of a PRISMA 2020 flow diagram for databases only (see the module documentation)."""

    identified_by_database: dict[str, int]
    identified: int
    duplicates_removed: int
    other_removed: dict[str, int]
    screened: int
    awaiting_title_abstract: int
    excluded_title_abstract: int
    excluded_title_abstract_by_reason: dict[str, int]
    sought_for_retrieval: int
    not_retrieved: int
    awaiting_full_text: int
    assessed: int
    excluded_full_text: int
    excluded_full_text_by_reason: dict[str, int]
    included: int
    notes: tuple[str, ...] = field(default=())

    @property
    def complete(self) -> bool:
        """True when every work has gone as far through screening as it can."""
        return self.awaiting_title_abstract == 0 and self.awaiting_full_text == 0

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


# ------------------------------------------------------------------------------------------- counting

def compute_prisma_counts(records: pd.DataFrame, works: pd.DataFrame, decisions: pd.DataFrame | None, *,
                          other_removed: dict[str, int] | None = None,
                          not_retrieved_reasons=NOT_RETRIEVED_REASONS) -> PrismaCounts:
    """Count the PRISMA 2020 flow from records, works and screening decisions (checked before counting)."""
    decisions = empty_decisions() if decisions is None else decisions
    status = screening_status(works, decisions)
    database = records["database"].astype("string").fillna("unknown")
    by_database = _ordered_counts(database)
    identified = int(len(records))
    other = {str(k): int(v) for k, v in (other_removed or {}).items()}
    if any(v < 0 for v in other.values()):
        raise PrismaConsistencyError(f"other_removed counts must not be negative: {other}")
    screened = int(len(status))
    duplicates = identified - sum(other.values()) - screened
    if duplicates < 0:
        raise PrismaConsistencyError(
            f"more works entering screening ({screened}) than records identified ({identified}) minus "
            f"other removals ({sum(other.values())}): records and works do not belong together")

    state = status["status"]
    excluded_ta = state == "excluded_title_abstract"
    excluded_ft = state == "excluded_full_text"
    wanted = {r.casefold() for r in not_retrieved_reasons}
    missing_report = excluded_ft & status["full_text_reason"].str.casefold().isin(wanted).fillna(False)
    assessed_excluded = excluded_ft & ~missing_report
    included = int((state == "included").sum())

    counts = PrismaCounts(
        identified_by_database=by_database,
        identified=identified,
        duplicates_removed=int(duplicates),
        other_removed=other,
        screened=screened,
        awaiting_title_abstract=int((state == "to_screen_title_abstract").sum()),
        excluded_title_abstract=int(excluded_ta.sum()),
        excluded_title_abstract_by_reason=_ordered_counts(status.loc[excluded_ta, "title_abstract_reason"]),
        sought_for_retrieval=int((status["title_abstract_decision"] == "include").sum()),
        not_retrieved=int(missing_report.sum()),
        awaiting_full_text=int((state == "to_screen_full_text").sum()),
        assessed=int(assessed_excluded.sum()) + included,
        excluded_full_text=int(assessed_excluded.sum()),
        excluded_full_text_by_reason=_ordered_counts(status.loc[assessed_excluded, "full_text_reason"]),
        included=included,
        notes=_notes(status),
    )
    check_prisma_consistency(counts)
    return counts


def _ordered_counts(values: pd.Series) -> dict[str, int]:
    """Counts of each value, largest first, then alphabetically (case-insensitive)."""
    counts = values.astype("string").value_counts(dropna=True)
    table = pd.DataFrame({"value": counts.index.astype(str), "n": counts.to_numpy()})
    table["key"] = table["value"].str.casefold()
    table = table.sort_values(["n", "key", "value"], ascending=[False, True, True], kind="stable")
    return {str(v): int(n) for v, n in zip(table["value"], table["n"])}


def _notes(status: pd.DataFrame) -> tuple[str, ...]:
    notes = []
    waiting_ta = int((status["status"] == "to_screen_title_abstract").sum())
    waiting_ft = int((status["status"] == "to_screen_full_text").sum())
    if waiting_ta:
        notes.append(f"{waiting_ta} record{'s' if waiting_ta != 1 else ''} "
                     f"await{'s' if waiting_ta == 1 else ''} title/abstract screening")
    if waiting_ft:
        notes.append(f"{waiting_ft} report{'s' if waiting_ft != 1 else ''} "
                     f"await{'s' if waiting_ft == 1 else ''} full-text assessment")
    return tuple(notes)


def check_prisma_consistency(counts: PrismaCounts) -> PrismaCounts:
    """Raise :class:`PrismaConsistencyError` listing every sum that fails; return ``counts`` otherwise."""
    c = counts
    failures = []

    def need(ok: bool, text: str):
        if not ok:
            failures.append(text)

    numbers = {f.name: getattr(c, f.name) for f in dataclasses.fields(c) if isinstance(getattr(c, f.name), int)}
    for name, value in numbers.items():
        need(value >= 0, f"{name} is negative ({value})")
    for name in ("identified_by_database", "other_removed", "excluded_title_abstract_by_reason",
                 "excluded_full_text_by_reason"):
        for key, value in getattr(c, name).items():
            need(value >= 0, f"{name}[{key!r}] is negative ({value})")
    other = sum(c.other_removed.values())
    need(sum(c.identified_by_database.values()) == c.identified,
         f"records per database sum to {sum(c.identified_by_database.values())}, not identified = {c.identified}")
    need(c.identified - c.duplicates_removed - other == c.screened,
         f"identified {c.identified} - duplicates {c.duplicates_removed} - other removed {other} "
         f"!= screened {c.screened}")
    need(c.excluded_title_abstract + c.awaiting_title_abstract + c.sought_for_retrieval == c.screened,
         f"excluded at title/abstract {c.excluded_title_abstract} + awaiting {c.awaiting_title_abstract} "
         f"+ sought for retrieval {c.sought_for_retrieval} != screened {c.screened}")
    need(sum(c.excluded_title_abstract_by_reason.values()) == c.excluded_title_abstract,
         f"title/abstract exclusions by reason sum to {sum(c.excluded_title_abstract_by_reason.values())}, "
         f"not {c.excluded_title_abstract}")
    need(c.not_retrieved + c.awaiting_full_text + c.assessed == c.sought_for_retrieval,
         f"not retrieved {c.not_retrieved} + awaiting full text {c.awaiting_full_text} + assessed "
         f"{c.assessed} != sought for retrieval {c.sought_for_retrieval}")
    need(c.excluded_full_text + c.included == c.assessed,
         f"reports excluded {c.excluded_full_text} + included {c.included} != assessed {c.assessed}")
    need(sum(c.excluded_full_text_by_reason.values()) == c.excluded_full_text,
         f"full-text exclusions by reason sum to {sum(c.excluded_full_text_by_reason.values())}, "
         f"not {c.excluded_full_text}")
    if failures:
        raise PrismaConsistencyError("PRISMA counts do not add up: " + "; ".join(failures))
    return counts


def database_label(database: str) -> str:
    """Display name of a database code (``wos`` -> ``Web of Science``)."""
    return DATABASE_NAMES.get(database, database)


def prisma_table(counts: PrismaCounts) -> pd.DataFrame:
    """The diagram's numbers as rows ``box, label, n`` (for ``data/processed/tables/prisma-flow.csv``)."""
    rows: list[tuple[str, str, int]] = []
    used: set[str] = set()

    def box_id(prefix: str, text: str) -> str:
        slug = re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_") or "unnamed"
        candidate, k = f"{prefix}.{slug}", 2
        while candidate in used:
            candidate, k = f"{prefix}.{slug}_{k}", k + 1
        used.add(candidate)
        return candidate

    for db, n in counts.identified_by_database.items():
        rows.append((box_id("records_identified", db), f"Records identified from {database_label(db)}", n))
    rows.append(("records_identified", "Records identified", counts.identified))
    rows.append(("records_removed.duplicates", "Duplicate records removed", counts.duplicates_removed))
    for label, n in counts.other_removed.items():
        rows.append((box_id("records_removed", label), label, n))
    rows.append(("records_screened", "Records screened", counts.screened))
    rows.append(("records_awaiting_screening", "Records awaiting title/abstract screening",
                 counts.awaiting_title_abstract))
    rows.append(("records_excluded", "Records excluded", counts.excluded_title_abstract))
    for reason, n in counts.excluded_title_abstract_by_reason.items():
        rows.append((box_id("records_excluded", reason), f"Records excluded: {reason}", n))
    rows.append(("reports_sought", "Reports sought for retrieval", counts.sought_for_retrieval))
    rows.append(("reports_not_retrieved", "Reports not retrieved", counts.not_retrieved))
    rows.append(("reports_awaiting_assessment", "Reports awaiting full-text assessment", counts.awaiting_full_text))
    rows.append(("reports_assessed", "Reports assessed for eligibility", counts.assessed))
    rows.append(("reports_excluded", "Reports excluded", counts.excluded_full_text))
    for reason, n in counts.excluded_full_text_by_reason.items():
        rows.append((box_id("reports_excluded", reason), f"Reports excluded: {reason}", n))
    rows.append(("studies_included", "Studies included in review", counts.included))
    rows.append(("reports_included", "Reports of included studies", counts.included))
    table = pd.DataFrame(rows, columns=["box", "label", "n"])
    table["box"] = table["box"].astype("string")
    table["label"] = table["label"].astype("string")
    table["n"] = table["n"].astype("Int64")
    return table


# ------------------------------------------------------------------------------------------- drawing

FONT_PT = 8.0          # box text; >= 7 pt at the printed width
HEADER_PT = 8.5
STAGE_PT = 8.0
LINE_SPACING = 1.28    # baseline to baseline, in font sizes
PAD_X, PAD_Y = 0.08, 0.07            # inches inside boxes
INDENT = 0.14                        # inches, for listed items (databases, reasons)
HANGING = 0.10                       # inches, extra indent of a wrapped item's continuation lines
MARGIN = 0.03
BAR_WIDTH = 0.27                     # stage bars (Identification / Screening / Included)
BAR_GAP = 0.10
ARROW_GAP = 0.42                     # horizontal space between the columns, for arrows
ROW_GAP = 0.24                       # vertical space between rows, for arrows
HEADER_GAP = 0.12
WRAP_SAFETY = 0.97                   # share of a line's width that measured text may fill
LEFT_SHARE = 0.46                    # share of the box width given to the left column

# colour-blind-safe (Okabe-Ito) tints; every colour carries a label, none carries meaning alone
HEADER_FILL = "#F7EFA8"              # light tint of Okabe-Ito yellow (#F0E442), as the template's header
STAGE_FILL = "#A9D8F4"               # light tint of Okabe-Ito sky blue (#56B4E9), as the template's bars
BOX_EDGE = "#000000"
WARN_COLOR = "#D55E00"               # Okabe-Ito vermillion
LINE_WIDTH = 0.8


@dataclass
class _Box:
    lines: list[tuple[str, int]]      # (text, indent level)
    align: str = "left"
    warn: bool = False
    wrapped: list[tuple[str, float]] = field(default_factory=list)   # (text, x offset in inches)
    x: float = 0.0
    y: float = 0.0                    # top, inches from the top of the drawing
    width: float = 0.0
    height: float = 0.0


@dataclass
class _Layout:
    width: float
    height: float
    header: _Box
    rows: list[tuple[str, _Box, _Box | None]]
    bars: list[tuple[str, float, float]]     # (label, top, bottom)
    banner: list[str]
    banner_y: float


def _n(value: int) -> str:
    return f"(n = {value})"


def _boxes(counts: PrismaCounts) -> list[tuple[str, _Box, _Box | None]]:
    identified = [("Records identified from:", 0)]
    identified += [(f"{database_label(db)} {_n(n)}", 1) for db, n in counts.identified_by_database.items()]
    if len(counts.identified_by_database) != 1:
        identified.append((f"Total {_n(counts.identified)}", 1))
    removed = [("Records removed before screening:", 0),
               (f"Duplicate records removed {_n(counts.duplicates_removed)}", 1)]
    removed += [(f"{label} {_n(n)}", 1) for label, n in counts.other_removed.items()]

    screened = [(f"Records screened {_n(counts.screened)}", 0)]
    if counts.awaiting_title_abstract:
        screened.append((f"of which not yet screened {_n(counts.awaiting_title_abstract)}", 0))
    excluded = [(f"Records excluded {_n(counts.excluded_title_abstract)}"
                 + (":" if counts.excluded_title_abstract_by_reason else ""), 0)]
    excluded += [(f"{_capital(r)} {_n(n)}", 1) for r, n in counts.excluded_title_abstract_by_reason.items()]

    sought = [(f"Reports sought for retrieval {_n(counts.sought_for_retrieval)}", 0)]
    if counts.awaiting_full_text:
        sought.append((f"of which not yet assessed in full text {_n(counts.awaiting_full_text)}", 0))
    not_retrieved = [(f"Reports not retrieved {_n(counts.not_retrieved)}", 0)]

    assessed = [(f"Reports assessed for eligibility {_n(counts.assessed)}", 0)]
    rejected = [(f"Reports excluded {_n(counts.excluded_full_text)}"
                 + (":" if counts.excluded_full_text_by_reason else ""), 0)]
    rejected += [(f"{_capital(r)} {_n(n)}", 1) for r, n in counts.excluded_full_text_by_reason.items()]

    included = [(f"Studies included in review {_n(counts.included)}", 0),
                (f"Reports of included studies {_n(counts.included)}", 0)]
    return [
        ("Identification", _Box(identified), _Box(removed)),
        ("Screening", _Box(screened, "center", warn=bool(counts.awaiting_title_abstract)), _Box(excluded)),
        ("Screening", _Box(sought, "center", warn=bool(counts.awaiting_full_text)), _Box(not_retrieved, "center")),
        ("Screening", _Box(assessed, "center"), _Box(rejected)),
        ("Included", _Box(included, "center"), None),
    ]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=4096)
def _text_width(text: str, size: float, weight: str, family: tuple) -> float:
    """Width of ``text`` in inches, measured from the font's glyphs (no renderer needed)."""
    prop = FontProperties(family=list(family), size=size, weight=weight)
    width, _, _ = text_to_path.get_text_width_height_descent(text, prop, ismath=False)
    return width / 72.0


def _family() -> tuple:
    import matplotlib as mpl
    family = mpl.rcParams["font.family"]
    return tuple(family) if isinstance(family, (list, tuple)) else (family,)


def _wrap(text: str, width: float, size: float, weight: str = "normal", rest_width: float | None = None) -> list[str]:
    """Greedy word wrap: the first line ``width`` inches, the others ``rest_width`` (default the same).

    ``(n = 12)`` stays on one line; a word longer than a line is cut. Widths are measured from the
    glyph outlines; rendering with hinting can be up to ~2 % wider, hence the safety margin.
    """
    family = _family()
    rest_width = width if rest_width is None else rest_width
    lines: list[str] = []

    def fits(candidate: str) -> bool:
        return _text_width(candidate, size, weight, family) <= WRAP_SAFETY * (rest_width if lines else width)

    current = ""
    for word in re.findall(r"\(n = \d+\):?|\S+", text):
        candidate = f"{current} {word}" if current else word
        if fits(candidate):
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while len(current) > 1 and not fits(current):
            cut = 1
            while cut < len(current) and fits(current[:cut + 1]):
                cut += 1
            lines.append(current[:cut])
            current = current[cut:]
    if current or not lines:
        lines.append(current)
    return lines


def _line_height(size: float) -> float:
    return size * LINE_SPACING / 72.0


def _fill(box: _Box, width: float) -> None:
    """Wrap the box's lines to its width and set its height from the line count."""
    box.width = width
    inner = width - 2 * PAD_X
    box.wrapped = []
    for text, level in box.lines:
        indent = level * INDENT
        hanging = indent + (HANGING if level else 0.0)
        for k, line in enumerate(_wrap(text, inner - indent, FONT_PT, rest_width=inner - hanging)):
            box.wrapped.append((line, indent if k == 0 else hanging))
    em = FONT_PT / 72.0
    box.height = 2 * PAD_Y + (len(box.wrapped) - 1) * _line_height(FONT_PT) + em


def _layout(counts: PrismaCounts, width_in: float) -> _Layout:
    usable = width_in - 2 * MARGIN - BAR_WIDTH - BAR_GAP - ARROW_GAP
    if usable < 2.0:
        raise ValueError(f"width_in={width_in} is too narrow for a PRISMA diagram; use at least 3.5 in")
    left_w = round(usable * LEFT_SHARE, 4)
    right_w = usable - left_w
    left_x = MARGIN + BAR_WIDTH + BAR_GAP
    right_x = left_x + left_w + ARROW_GAP

    header = _Box([("Identification of studies via databases and registers", 0)], "center")
    header.width = left_w + ARROW_GAP + right_w
    header.wrapped = [(t, 0.0) for t in _wrap(header.lines[0][0], header.width - 2 * PAD_X, HEADER_PT, "bold")]
    header.height = 2 * PAD_Y + (len(header.wrapped) - 1) * _line_height(HEADER_PT) + HEADER_PT / 72.0
    header.x, header.y = left_x, MARGIN

    rows = _boxes(counts)
    for _, left, right in rows:
        _fill(left, left_w)
        if right is not None:
            _fill(right, right_w)
    heights = [max(left.height, right.height if right is not None else 0.0) for _, left, right in rows]

    # a stage bar must be long enough for its rotated label: grow its rows evenly when it is not
    stages = list(dict.fromkeys(stage for stage, _, _ in rows))
    for stage in stages:
        members = [i for i, (s, _, _) in enumerate(rows) if s == stage]
        span = sum(heights[i] for i in members) + ROW_GAP * (len(members) - 1)
        need = _text_width(stage, STAGE_PT, "bold", _family()) + 2 * PAD_Y + 0.1
        if span < need:
            for i in members:
                heights[i] += (need - span) / len(members)

    y = header.y + header.height + HEADER_GAP
    tops = []
    for (_, left, right), h in zip(rows, heights):
        tops.append(y)
        centre = y + h / 2
        left.x, left.y = left_x, centre - left.height / 2
        if right is not None:
            right.x, right.y = right_x, centre - right.height / 2
        y += h + ROW_GAP
    bottom = y - ROW_GAP

    bars = []
    for stage in stages:
        members = [i for i, (s, _, _) in enumerate(rows) if s == stage]
        bars.append((stage, tops[members[0]], tops[members[-1]] + heights[members[-1]]))

    banner: list[str] = []
    banner_y = bottom
    if counts.notes:
        text = ("Screening incomplete: " + " and ".join(counts.notes)
                + ". The boxes outlined with dashes, and every count below them, are provisional.")
        banner = _wrap(text, width_in - 2 * MARGIN, FONT_PT)
        banner_y = bottom + 0.12
        bottom = banner_y + (len(banner) - 1) * _line_height(FONT_PT) + FONT_PT / 72.0
    return _Layout(width=width_in, height=bottom + MARGIN, header=header, rows=rows, bars=bars,
                   banner=banner, banner_y=banner_y)


def prisma_size(counts: PrismaCounts, width_in: float = 7.2) -> tuple[float, float]:
    """``(width, height)`` in inches of the diagram :func:`plot_prisma` draws at ``width_in``."""
    layout = _layout(counts, width_in)
    return layout.width, layout.height


def plot_prisma(counts: PrismaCounts, ax=None, *, width_in: float = 7.2):
    """Draw the PRISMA 2020 flow diagram (new systematic reviews, databases only); return the axes.

    Text is set at print size (8 pt) for a figure ``width_in`` inches wide, wrapped to the boxes, and
    box heights follow the number of lines, so long reason lists never overlap. Without ``ax`` a
    figure of exactly :func:`prisma_size` is made; a given ``ax`` should have that size for the text
    to fit. The axes uses inches as data units, y pointing down, and is turned off.
    """
    import matplotlib.pyplot as plt

    check_prisma_consistency(counts)
    layout = _layout(counts, width_in)
    if ax is None:
        fig = plt.figure(figsize=(layout.width, layout.height))
        ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, layout.width)
    ax.set_ylim(layout.height, 0)
    ax.set_aspect("equal")
    ax.set_axis_off()

    _draw_box(ax, layout.header, fill=HEADER_FILL, size=HEADER_PT, weight="bold", edge=HEADER_FILL)
    for stage, top, bottom in layout.bars:
        ax.add_patch(FancyBboxPatch((MARGIN, top), BAR_WIDTH, bottom - top,
                                    boxstyle="round,pad=0,rounding_size=0.05", facecolor=STAGE_FILL,
                                    edgecolor=STAGE_FILL, linewidth=LINE_WIDTH))
        ax.text(MARGIN + BAR_WIDTH / 2, (top + bottom) / 2, stage, rotation=90, ha="center", va="center",
                fontsize=STAGE_PT, fontweight="bold", rotation_mode="anchor", parse_math=False)

    rows = layout.rows
    for i, (_, left, right) in enumerate(rows):
        _draw_box(ax, left)
        if right is not None:
            _draw_box(ax, right)
            centre = left.y + left.height / 2
            _arrow(ax, (left.x + left.width, centre), (right.x, centre))
        if i + 1 < len(rows):
            below = rows[i + 1][1]
            x = left.x + left.width / 2
            _arrow(ax, (x, left.y + left.height), (x, below.y))

    for k, line in enumerate(layout.banner):
        ax.text(MARGIN, layout.banner_y + 0.78 * FONT_PT / 72.0 + k * _line_height(FONT_PT), line,
                ha="left", va="baseline", fontsize=FONT_PT, color=WARN_COLOR, parse_math=False)
    return ax


def _draw_box(ax, box: _Box, *, fill: str = "white", size: float = FONT_PT, weight: str = "normal",
              edge: str | None = None) -> None:
    edge = edge or (WARN_COLOR if box.warn else BOX_EDGE)
    ax.add_patch(FancyBboxPatch((box.x, box.y), box.width, box.height,
                                boxstyle="round,pad=0,rounding_size=0.04", facecolor=fill, edgecolor=edge,
                                linewidth=LINE_WIDTH * (1.5 if box.warn else 1.0),
                                linestyle="--" if box.warn else "-"))
    baseline = box.y + PAD_Y + 0.78 * size / 72.0
    for k, (text, offset) in enumerate(box.wrapped):
        y = baseline + k * _line_height(size)
        if box.align == "center":
            ax.text(box.x + box.width / 2, y, text, ha="center", va="baseline", fontsize=size,
                    fontweight=weight, parse_math=False)
        else:
            ax.text(box.x + PAD_X + offset, y, text, ha="left", va="baseline", fontsize=size,
                    fontweight=weight, parse_math=False)


def _arrow(ax, start, end) -> None:
    ax.annotate("", xy=end, xytext=start,
                arrowprops=dict(arrowstyle="-|>", color=BOX_EDGE, linewidth=LINE_WIDTH, shrinkA=0, shrinkB=0,
                                mutation_scale=8))


__all__ = ["PrismaCounts", "PrismaConsistencyError", "NOT_RETRIEVED_REASONS", "compute_prisma_counts",
           "check_prisma_consistency", "prisma_table", "plot_prisma", "prisma_size", "database_label"]

