"""Every figure bibtwin draws: its file name, the notebook that makes it, and its caption.

The gallery (``reports/index.html``) and the tests read this list; a notebook saves each figure under the
name given here, and its data under ``data/processed/tables/<name>.csv``.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FigureSpec:
    name: str
    notebook: str
    title: str
    caption: str


NOTEBOOKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # (notebook, notebooks it depends on) in dependency order
    ("01-ingest-merge", ()),
    ("02-screening-prisma", ("01-ingest-merge",)),
    ("03-trends", ("01-ingest-merge",)),
    ("04-fields", ("01-ingest-merge",)),
    ("05-citations", ("01-ingest-merge",)),
    ("06-sources-authors-countries", ("01-ingest-merge",)),
    ("07-keywords-mesh", ("01-ingest-merge",)),
)

FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec("database-overlap", "01-ingest-merge", "Database overlap",
               "Unique works per combination of databases (UpSet plot): bars above count the works found in "
               "exactly the databases marked below; bars on the left count each database's works."),
    FigureSpec("prisma-flow", "02-screening-prisma", "PRISMA 2020 flow diagram",
               "Records identified per database, duplicates removed, works screened on title and abstract, "
               "full texts assessed and studies included, with exclusion counts by reason."),
    FigureSpec("annual-production", "03-trends", "Annual production",
               "Unique works per publication year, by database where each work was found (a work found in "
               "several databases counts once per database), with the cumulative number of unique works."),
    FigureSpec("document-types-by-year", "03-trends", "Document types over time",
               "Unique works per publication year and normalized document type."),
    FigureSpec("works-per-field", "04-fields", "Fields of medicine",
               "Unique works per field of medicine (multi-label: a work can belong to several fields; "
               "'Unclassified' works match no field). Mapping: config/fields-of-medicine.yaml."),
    FigureSpec("field-by-year", "04-fields", "Fields of medicine over time",
               "Works per field of medicine and publication year (cell labels are counts)."),
    FigureSpec("top-mesh-terms", "04-fields", "Most frequent MeSH headings",
               "MeSH descriptors (subheadings merged) on the most works; only works indexed in PubMed carry MeSH."),
    FigureSpec("citation-distribution", "05-citations", "Citation distribution",
               "Distribution of citation counts per work (log scale; works with unknown counts, such as "
               "PubMed-only works, are excluded and counted in the table)."),
    FigureSpec("most-cited-works", "05-citations", "Most cited works",
               "Works with the most global citations (reconciled across databases), labelled by first "
               "author, year and journal."),
    FigureSpec("mean-citations-by-year", "05-citations", "Mean citations by publication year",
               "Mean citations per work by publication year, and mean citations per year since publication."),
    FigureSpec("top-sources-bradford", "06-sources-authors-countries", "Top sources and Bradford zones",
               "Sources with the most works, coloured by Bradford zone (core sources are zone 1)."),
    FigureSpec("top-authors", "06-sources-authors-countries", "Most productive authors",
               "Authors with the most works (full counting) and their fractionalized counts."),
    FigureSpec("countries-scp-mcp", "06-sources-authors-countries", "Corresponding-author countries",
               "Works per corresponding author's country, split into single-country (SCP) and "
               "multiple-country (MCP) publications."),
    FigureSpec("keyword-trend-topics", "07-keywords-mesh", "Trend topics",
               "For each frequent author keyword, the first quartile, median and third quartile of its "
               "works' publication years; point size shows its frequency."),
    FigureSpec("keyword-co-occurrence", "07-keywords-mesh", "Keyword co-occurrence network",
               "Author keywords that appear on the most works; edges join keywords used together, edge "
               "width shows how often; colours show communities (greedy modularity)."),
)

FIGURE_NAMES = tuple(f.name for f in FIGURES)


def figures_of(notebook: str) -> list[FigureSpec]:
    return [f for f in FIGURES if f.notebook == notebook]


def spec(name: str) -> FigureSpec:
    for f in FIGURES:
        if f.name == name:
            return f
    raise KeyError(f"{name!r} is not in bibtwin.catalog.FIGURES")
