"""Figures: for each figure of :data:`bibtwin.catalog.FIGURES`, a ``table_<figure>`` function that
computes exactly the numbers the figure draws (saved as ``data/processed/tables/<figure>.csv``) and a
``plot_<figure>(table, ax=None, ...)`` function that draws that table and returns the axes.

Both are pure: ``table_*`` reads a works table (and nothing else), ``plot_*`` draws into the given axes
(or a new figure of the printed size ``width_in`` when ``ax`` is None) and never saves or shows.
Apply the house style around them (``with bibtwin.figures.use_style(): ...``) and write both files with
:func:`publish`. The PRISMA flow diagram is :func:`bibtwin.prisma.plot_prisma`.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import catalog
from ..atomic import write_csv
from ..figures import FORMATS, save_figure
from .citations import (
    plot_citation_distribution,
    plot_mean_citations_by_year,
    plot_most_cited_works,
    table_citation_distribution,
    table_mean_citations_by_year,
    table_most_cited_works,
)
from .fields import (
    plot_field_by_year,
    plot_top_mesh_terms,
    plot_works_per_field,
    table_field_by_year,
    table_top_mesh_terms,
    table_works_per_field,
)
from .keywords import (
    plot_keyword_co_occurrence,
    plot_keyword_trend_topics,
    table_keyword_co_occurrence,
    table_keyword_trend_topics,
)
from .overlap import plot_database_overlap, table_database_overlap
from .sources import (
    plot_countries_scp_mcp,
    plot_top_authors,
    plot_top_sources_bradford,
    table_countries_scp_mcp,
    table_top_authors,
    table_top_sources_bradford,
)
from .trends import (
    plot_annual_production,
    plot_document_types_by_year,
    table_annual_production,
    table_document_types_by_year,
)


def publish(fig, table: pd.DataFrame, name: str, figures_dir, tables_dir, formats=FORMATS,
            note: str | None = None) -> list[Path]:
    """Write ``fig`` as ``figures_dir/<name>.<format>`` (:func:`bibtwin.figures.save_figure`, byte-identical
    for the same figure) and ``table`` as ``tables_dir/<name>.csv``; return the paths written.

    ``name`` must be a figure of :data:`bibtwin.catalog.FIGURES`. The figure is left open (a notebook
    shows it below the cell); close it with ``plt.close(fig)`` when drawing many in a script.
    """
    catalog.spec(name)  # KeyError for a name the gallery does not know
    paths = save_figure(fig, name, figures_dir, formats=tuple(formats), note=note or None)
    paths.append(write_csv(Path(tables_dir) / f"{name}.csv", table))
    return paths


def draw_and_publish(name: str, table: pd.DataFrame, plot, *, width_in: float, figures_dir, tables_dir,
                     formats=FORMATS, note: str | None = None):
    """Draw ``table`` with ``plot`` (a ``plot_*`` function) in the house style at the printed width
    ``width_in``, then :func:`publish` figure and table under ``name``; return the axes.

    The one line a notebook needs per figure: ``plots.draw_and_publish("annual-production", table,
    plots.plot_annual_production, **output)``.
    """
    from ..figures import use_style

    with use_style():
        ax = plot(table, width_in=width_in)
        publish(ax.figure, table, name, figures_dir, tables_dir, formats, note)
    return ax


__all__ = [
    "publish", "draw_and_publish",
    "table_database_overlap", "plot_database_overlap",
    "table_annual_production", "plot_annual_production",
    "table_document_types_by_year", "plot_document_types_by_year",
    "table_works_per_field", "plot_works_per_field",
    "table_field_by_year", "plot_field_by_year",
    "table_top_mesh_terms", "plot_top_mesh_terms",
    "table_citation_distribution", "plot_citation_distribution",
    "table_most_cited_works", "plot_most_cited_works",
    "table_mean_citations_by_year", "plot_mean_citations_by_year",
    "table_top_sources_bradford", "plot_top_sources_bradford",
    "table_top_authors", "plot_top_authors",
    "table_countries_scp_mcp", "plot_countries_scp_mcp",
    "table_keyword_trend_topics", "plot_keyword_trend_topics",
    "table_keyword_co_occurrence", "plot_keyword_co_occurrence",
]
