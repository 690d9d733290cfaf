"""Database overlap: unique works per combination of databases, drawn as an UpSet plot (upsetplot)."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..metrics._frame import explode
from ._common import (
    BLACK,
    database_color,
    database_label,
    database_order,
    empty_message,
    new_axes,
)


def table_database_overlap(works: pd.DataFrame) -> pd.DataFrame:
    """One row per combination of databases holding at least one work: one boolean column per database
    (house order), ``databases`` (display label, e.g. ``Scopus + PubMed``), ``n_databases`` and
    ``works``. Sorted by works (decreasing), then by label."""
    member = explode(works["databases"], unique_per_row=True)
    dbs = database_order(member["item"].unique().tolist())
    flags = pd.DataFrame(False, index=range(len(works)), columns=dbs)
    for db in dbs:
        flags.loc[member.loc[member["item"] == db, "row"].to_numpy(), db] = True
    counts = flags.value_counts(sort=False).rename("works").reset_index()
    counts = counts[counts[dbs].any(axis=1)] if dbs else counts
    counts["databases"] = [" + ".join(database_label(d) for d in dbs if row[d]) for _, row in counts.iterrows()]
    counts["n_databases"] = counts[dbs].sum(axis=1).astype(np.int64)
    counts["works"] = counts["works"].astype(np.int64)
    counts = counts.sort_values(["works", "databases"], ascending=[False, True], ignore_index=True)
    return counts[[*dbs, "databases", "n_databases", "works"]]


def plot_database_overlap(table: pd.DataFrame, ax=None, *, width_in: float | None = None):
    """UpSet plot: bars on top count the works found in exactly the databases marked below; bars on the
    left count each database's works (coloured as in every other figure).

    upsetplot draws several axes into a whole figure, so a given ``ax`` is replaced by the UpSet axes in
    its figure. Returns the intersections axes; all UpSet axes are in ``ax.upset_axes``.
    """
    dbs = [c for c in table.columns if c not in ("databases", "n_databases", "works")]
    width = width_in or 7.2
    if ax is None:
        ax = new_axes(width, 2.2 + 0.18 * len(dbs) if width > 5 else 2.0 + 0.18 * len(dbs))
    if table.empty or not dbs:
        return empty_message(ax, "No works")
    fig = ax.figure
    ax.remove()
    labels = {db: database_label(db) for db in dbs}
    index = pd.MultiIndex.from_frame(table[dbs].astype(bool).rename(columns=labels))
    sizes = pd.Series(table["works"].to_numpy(dtype=np.int64), index=index, name="works")
    with warnings.catch_warnings():
        # upsetplot 0.9 uses pandas idioms that pandas 3 warns about; the counts are unaffected
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        upset = _upset(sizes, sort_by="cardinality", sort_categories_by="-input", facecolor=BLACK,
                      other_dots_color=0.15, shading_color=0.06, element_size=None, show_counts="{:,}",
                      intersection_plot_elements=5, totals_plot_elements=2 if width > 5 else 3)
        for db in dbs:
            upset.style_categories(labels[db], bar_facecolor=database_color(db))
        axes = upset.plot(fig=fig)
    inter = axes["intersections"]
    inter.set_ylabel("Works in exactly\nthese databases")
    totals = axes["totals"]
    totals.set_xlabel("Works per\ndatabase")
    for a in axes.values():
        for text in a.texts:
            text.set_fontsize(7)
    inter.grid(False)
    totals.grid(False)
    inter.upset_axes = axes
    return inter


def _upset_class():
    from upsetplot import UpSet

    class _MatrixUpSet(UpSet):
        """upsetplot 0.9's ``plot_matrix`` fills style columns with ``fillna(inplace=True)`` on a column,
        which pandas 3 (copy-on-write) ignores, leaving NaN colours that matplotlib rejects. This draws the
        same dot matrix (horizontal orientation) without that step."""

        def plot_matrix(self, ax):
            data = self.intersections
            n_cats = data.index.nlevels
            inclusion = data.index.to_frame().to_numpy(dtype=bool)
            x = np.repeat(np.arange(len(data)), n_cats)
            y = np.tile(np.arange(n_cats), len(data))
            included = inclusion.reshape(-1)
            size = (self._element_size * 0.35) ** 2 if self._element_size is not None else 30
            ax.scatter(x[~included], y[~included], s=size, zorder=10, facecolors=str(1 - self._other_dots_color)
                       if isinstance(self._other_dots_color, float) else self._other_dots_color, linewidths=0)
            ax.scatter(x[included], y[included], s=size, zorder=10, facecolors=self._facecolor, linewidths=0)
            if self._with_lines:
                for i in range(len(data)):
                    rows = np.flatnonzero(inclusion[i])
                    if len(rows) > 1:
                        ax.vlines(i, rows.min(), rows.max(), lw=2, colors=self._facecolor, zorder=5)
            ax.yaxis.set_ticks(np.arange(n_cats))
            ax.yaxis.set_ticklabels(data.index.names)
            ax.xaxis.set_visible(False)
            ax.tick_params(axis="both", which="both", length=0)
            ax.set_frame_on(False)
            ax.set_xlim(-0.5, x[-1] + 0.5, auto=False)
            ax.grid(False)

        def _label_sizes(self, ax, rects, where):
            # upsetplot 0.9 offsets labels by a one-element array, which matplotlib 3.11 rejects
            if not self._show_counts:
                return
            fmt = self._show_counts if isinstance(self._show_counts, str) else "{:,.0f}"
            if where == "top":
                margin = 0.01 * abs(float(np.diff(ax.get_ylim())[0]))
                for rect in rects:
                    height = rect.get_height() + rect.get_y()
                    ax.text(rect.get_x() + rect.get_width() * 0.5, height + margin, fmt.format(height),
                            ha="center", va="bottom", fontsize=7)
            else:
                margin = 0.01 * abs(float(np.diff(ax.get_xlim())[0]))
                for rect in rects:
                    width = rect.get_width() + rect.get_x()
                    ax.text(width + margin, rect.get_y() + rect.get_height() * 0.5, fmt.format(width),
                            ha="left" if where == "right" else "right", va="center", fontsize=7)

    return _MatrixUpSet


def _upset(*args, **kwargs):
    return _upset_class()(*args, **kwargs)
