"""Author keywords: trend topics (bibliometrix ``fieldByYear``) and the co-occurrence network."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from ..metrics import cooccurrence, trend_topics
from ..metrics._frame import explode
from ._common import (
    BLUE,
    GREY,
    OKABE_ITO,
    bar_chart_height,
    empty_message,
    label_chars,
    new_axes,
    row_labels,
    shorten,
    year_axis,
)

FIELD = "author_keywords"
LAYOUT_SEED = 20221
COMMUNITY_COLORS = OKABE_ITO[:6] + (OKABE_ITO[7],)  # yellow left out: too faint for nodes on white


def _display_terms(works: pd.DataFrame, field: str = FIELD) -> dict:
    """Upper-case term -> its most frequent spelling in the data (``FHIR`` stays, ``Digital Twin`` ->
    ``digital twin`` when that is the usual spelling)."""
    if field not in works.columns:
        return {}
    items = explode(works[field])
    text = items["item"].str.replace(r"\s+", " ", regex=True).str.strip()
    frame = pd.DataFrame({"key": text.str.upper().to_numpy(dtype=object), "text": text.to_numpy(dtype=object)})
    if frame.empty:
        return {}
    counts = frame.value_counts().rename("n").reset_index()
    counts = counts.sort_values(["key", "n", "text"], ascending=[True, False, True]).drop_duplicates("key")
    return dict(zip(counts["key"], counts["text"]))


# ------------------------------------------------------------------------------------------ trend topics

def table_keyword_trend_topics(works: pd.DataFrame, *, year_min: int | None = None, year_max: int | None = None,
                               top_n: int = 15, n_items: int = 3, min_freq: int = 5) -> pd.DataFrame:
    """Trend topics of the author keywords (bibliometrix ``fieldByYear``): for each median year in the
    range, the ``n_items`` most frequent terms with at least ``min_freq`` occurrences. ``top_n`` is not
    used by bibliometrix's rule; it caps the figure at ``3 * top_n`` terms (the most frequent kept).
    Columns ``term`` (upper case), ``label`` (usual spelling), ``occurrences``, ``year_q1``, ``year_median``,
    ``year_q3``; sorted by median year, then occurrences, then term."""
    span = None if year_min is None or year_max is None else (year_min, year_max)
    if FIELD not in works.columns or not len(works):
        return pd.DataFrame(columns=["term", "label", "occurrences", "year_q1", "year_median", "year_q3"])
    topics = trend_topics(works, FIELD, min_freq=min_freq, n_items=n_items, timespan=span)
    if len(topics) > 3 * top_n:
        topics = topics.sort_values(["freq", "term"], ascending=[False, True]).head(3 * top_n)
    topics = topics.sort_values(["year_med", "freq", "term"], ascending=[True, False, True], ignore_index=True)
    labels = _display_terms(works)
    return pd.DataFrame({"term": topics["term"].astype(object),
                         "label": [labels.get(t, t.lower()) for t in topics["term"]],
                         "occurrences": topics["freq"].to_numpy(dtype=np.int64),
                         "year_q1": topics["year_q1"].to_numpy(dtype=np.int64),
                         "year_median": topics["year_med"].to_numpy(dtype=np.int64),
                         "year_q3": topics["year_q3"].to_numpy(dtype=np.int64)})


def _size(freq, fmax):
    # marker area grows with the square root of the frequency: one dominant term (the search term itself)
    # would otherwise shrink every other point to the same dot
    return 6 + 130 * np.sqrt(np.asarray(freq, dtype=float) / max(float(fmax), 1.0))


def plot_keyword_trend_topics(table: pd.DataFrame, ax=None, *, width_in: float | None = None):
    """One row per term, earliest median year at the top: a line from the first to the third quartile of
    its works' publication years and a point at the median, sized by the term's occurrences."""
    if ax is None:
        ax = new_axes(width_in, bar_chart_height(len(table), 0.85))
    if table.empty:
        return empty_message(ax, "No author keyword is frequent enough for trend topics")
    y = np.arange(len(table))
    ax.hlines(y, table["year_q1"], table["year_q3"], color=GREY, linewidth=1.6, zorder=1)
    fmax = table["occurrences"].max()
    ax.scatter(table["year_median"], y, s=_size(table["occurrences"], fmax), color=BLUE, zorder=2,
               linewidths=0)
    row_labels(ax, y, table["label"], 0.3)
    ax.set_ylim(len(table) - 0.4, -0.6)
    years = np.arange(int(table["year_q1"].min()), int(table["year_q3"].max()) + 1)
    ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    year_axis(ax, years)
    ax.set_xlabel("Publication year (line: first to third quartile; point: median)")
    ax.grid(axis="x", color="0.9", linewidth=0.5)
    ax.set_axisbelow(True)
    # size legend: three round frequencies spanning the data
    marks = sorted({int(v) for v in np.unique(np.quantile(table["occurrences"], [0.0, 0.5, 1.0]).round())})
    handles = [ax.scatter([], [], s=_size(m, fmax), color=BLUE, linewidths=0, label=f"{m:,}") for m in marks]
    ax.legend(handles=handles, title="Occurrences", loc="upper left", bbox_to_anchor=(1.01, 1.0),
              frameon=False, labelspacing=0.9, borderpad=0.4, borderaxespad=0)
    return ax


# ------------------------------------------------------------------------------------ co-occurrence network

def table_keyword_co_occurrence(works: pd.DataFrame, *, top_n: int = 15, n_terms: int | None = None,
                                max_edges: int | None = None, min_weight: int = 2) -> pd.DataFrame:
    """The co-occurrence network of the ``n_terms`` (default ``2 * top_n``) most frequent author keywords
    as one table: rows ``kind = "node"`` (``term``, ``label``, ``occurrences``, ``community``, layout
    ``x``, ``y``) then rows ``kind = "edge"`` (``term``, ``term_b``, ``weight`` = works naming both).
    Edges with at least ``min_weight`` works, at most ``max_edges`` (default ``3 * n_terms``, heaviest
    first, ties alphabetical), are drawn and laid out. Communities: greedy modularity on the drawn
    edges, numbered from the largest (1); the layout is a spring layout with a fixed seed, so the table
    (and the figure) is the same on every run."""
    n_terms = n_terms or 2 * top_n
    max_edges = max_edges or 3 * n_terms
    columns = ["kind", "term", "term_b", "label", "occurrences", "weight", "community", "x", "y"]
    if FIELD not in works.columns or not len(works):
        return pd.DataFrame(columns=columns)
    edges, graph = cooccurrence(works, FIELD, top_n=n_terms, min_weight=min_weight)
    nodes = list(graph.nodes)  # most frequent first, ties alphabetical
    if not nodes:
        return pd.DataFrame(columns=columns)
    occurrences = {n: graph.nodes[n]["occurrences"] for n in nodes}
    # association strength (van Eck & Waltman 2009): co-occurrences relative to what the two terms'
    # frequencies would give by chance, so the most frequent terms do not pull every other term onto them
    edges = edges.assign(association=edges["weight"] / (edges["term_a"].map(occurrences).astype(float)
                                                        * edges["term_b"].map(occurrences).astype(float)))
    edges["association"] = edges["association"] / edges["association"].max() if len(edges) else 0.0
    edges = edges.sort_values(["association", "weight", "term_a", "term_b"],
                              ascending=[False, False, True, True]).head(max_edges)
    edges = edges.sort_values(["weight", "term_a", "term_b"], ascending=[False, True, True], ignore_index=True)
    drawn = nx.Graph()
    drawn.add_nodes_from(nodes)
    drawn.add_weighted_edges_from(edges[["term_a", "term_b", "weight"]].itertuples(index=False, name=None))
    communities = _communities(drawn)
    linked = [n for n in nodes if drawn.degree(n) > 0]
    unlinked = [n for n in nodes if drawn.degree(n) == 0]
    xy = {}
    if linked:
        layout = nx.Graph()
        layout.add_nodes_from(linked)
        layout.add_weighted_edges_from(edges[["term_a", "term_b", "association"]].itertuples(index=False, name=None))
        # a weak tie of every term to a hidden centre keeps small components near the rest instead of at
        # the far corners (which would squeeze the main network into a corner)
        hub = ("centre",)  # not a string, so never a keyword
        gravity = 0.2 * float(edges["association"].median())
        layout.add_weighted_edges_from((hub, n, gravity) for n in linked)
        pos = nx.spring_layout(layout, seed=LAYOUT_SEED, weight="weight", k=1.0 / np.sqrt(len(linked)),
                               iterations=300)
        points = np.array([pos[n] for n in linked])
        span = points.max(axis=0) - points.min(axis=0)
        points = (points - points.min(axis=0)) / np.where(span > 0, span, 1.0)
        xy.update({n: tuple(p) for n, p in zip(linked, points)})
    # terms without a drawn link: a row under the network, most frequent first
    for i, n in enumerate(unlinked):
        xy[n] = ((i + 0.5) / len(unlinked), -0.12 if linked else 0.5)
    xy = np.array([xy[n] for n in nodes])
    labels = _display_terms(works)
    node_rows = pd.DataFrame({"kind": "node", "term": nodes, "term_b": None,
                              "label": [labels.get(n, n.lower()) for n in nodes],
                              "occurrences": [graph.nodes[n]["occurrences"] for n in nodes], "weight": pd.NA,
                              "community": [communities[n] for n in nodes],
                              "x": xy[:, 0].round(4), "y": xy[:, 1].round(4)})
    edge_rows = pd.DataFrame({"kind": "edge", "term": edges["term_a"].to_numpy(dtype=object),
                              "term_b": edges["term_b"].to_numpy(dtype=object), "label": None,
                              "occurrences": pd.NA, "weight": edges["weight"].to_numpy(dtype=np.int64),
                              "community": pd.NA, "x": np.nan, "y": np.nan})
    out = pd.concat([node_rows, edge_rows], ignore_index=True)[columns]
    for c in ("occurrences", "weight", "community"):
        out[c] = out[c].astype("Int64")
    return out


def _communities(graph: nx.Graph) -> dict:
    """Node -> community number (1 = largest; ties by the community's first term alphabetically)."""
    if graph.number_of_edges() == 0:
        groups = [{n} for n in graph.nodes]
    else:
        groups = nx.community.greedy_modularity_communities(graph, weight="weight")
    groups = sorted((sorted(g) for g in groups), key=lambda g: (-len(g), g[0]))
    return {n: i for i, g in enumerate(groups, start=1) for n in g}


def plot_keyword_co_occurrence(table: pd.DataFrame, ax=None, *, width_in: float | None = None,
                               max_labels: int | None = None):
    """Nodes at the table's layout, sized by occurrences and coloured by community; edge width by the
    number of works naming both terms. Labels are placed for the most frequent terms first and a label
    that would overlap one already placed is tried on the other side of its node, then left out."""
    width = width_in or 7.2
    if ax is None:
        ax = new_axes(width, width * (0.62 if width > 5 else 0.9))
    nodes = table[table["kind"] == "node"].reset_index(drop=True)
    edges = table[table["kind"] == "edge"]
    if nodes.empty:
        return empty_message(ax, "No author keywords")
    pos = {t: (x, y) for t, x, y in zip(nodes["term"], nodes["x"].astype(float), nodes["y"].astype(float))}
    wmax = float(edges["weight"].max()) if len(edges) else 1.0
    for a, b, w in zip(edges["term"], edges["term_b"], edges["weight"].astype(float)):
        (x0, y0), (x1, y1) = pos[a], pos[b]
        ax.plot([x0, x1], [y0, y1], color="0.55", alpha=0.25 + 0.45 * w / wmax, linewidth=0.3 + 2.2 * w / wmax,
                zorder=1, solid_capstyle="round")
    fmax = float(nodes["occurrences"].max())
    sizes = 15 + 330 * nodes["occurrences"].to_numpy(dtype=float) / fmax
    colors = [COMMUNITY_COLORS[c - 1] if c <= len(COMMUNITY_COLORS) else GREY
              for c in nodes["community"].astype(int)]
    ax.scatter(nodes["x"].astype(float), nodes["y"].astype(float), s=sizes, c=colors, zorder=2,
               edgecolors="white", linewidths=0.5)
    ax.set_xlim(-0.08, 1.08)
    ax.set_ylim(min(-0.08, float(nodes["y"].astype(float).min()) - 0.06), 1.08)
    ax.set_axis_off()
    _place_labels(ax, nodes, sizes, max_labels or len(nodes))
    return ax


def _place_labels(ax, nodes: pd.DataFrame, sizes: np.ndarray, max_labels: int) -> None:
    from matplotlib.transforms import Bbox

    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    axes_box = ax.get_window_extent(renderer)
    chars = max(14, label_chars(ax, 0.28))
    # node discs are obstacles too: a label may touch its own node's edge, never cover a node
    centres = ax.transData.transform(nodes[["x", "y"]].to_numpy(dtype=float))
    radii = np.sqrt(sizes) / 2 * fig.dpi / 72.0
    placed = [Bbox.from_extents(cx - r, cy - r, cx + r, cy + r).expanded(0.8, 0.8)
              for (cx, cy), r in zip(centres, radii)]
    for i in range(min(max_labels, len(nodes))):
        x, y = float(nodes.at[i, "x"]), float(nodes.at[i, "y"])
        radius_pt = np.sqrt(sizes[i]) / 2 + 1.5
        text = shorten(nodes.at[i, "label"], chars, 1)
        for dx, dy, ha, va in ((0, radius_pt, "center", "bottom"), (0, -radius_pt, "center", "top"),
                               (radius_pt, 0, "left", "center"), (-radius_pt, 0, "right", "center")):
            artist = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                                 fontsize=7, zorder=3, annotation_clip=False,
                                 bbox=dict(boxstyle="square,pad=0.05", facecolor="white", edgecolor="none",
                                           alpha=0.7))
            box = artist.get_window_extent(renderer).expanded(1.02, 1.05)
            inside = (box.x0 >= axes_box.x0 - 2 and box.x1 <= axes_box.x1 + 2 and box.y0 >= axes_box.y0 - 2
                      and box.y1 <= axes_box.y1 + 2)
            if inside and not any(box.overlaps(other) for other in placed):
                placed.append(box)
                break
            artist.remove()


__all__ = ["table_keyword_trend_topics", "plot_keyword_trend_topics", "table_keyword_co_occurrence",
           "plot_keyword_co_occurrence"]
