"""What the scale benchmark runs: every indicator, and every figure, on one works table."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from bibtwin import metrics as m  # noqa: E402


def all_indicators(works, reference_year: int) -> dict:
    """Every indicator of bibtwin.metrics once, as a notebook run computes them."""
    out = {
        "main_information": m.main_information(works, reference_year),
        "annual_production": m.annual_production(works),
        "annual_production_by_database": m.annual_production_by_database(works),
        "growth": m.annual_growth_rate(works),
        "document_types_by_year": m.document_types_by_year(works),
        "citation_distribution": m.citation_distribution(works),
        "citation_summary": m.citation_summary(works),
        "citations_by_database": m.citations_by_database(works),
        "most_cited": m.most_cited(works, reference_year, n=20),
        "citations_per_year": m.citations_per_year(works, reference_year),
        "corpus_impact": m.impact_indices(works, None, reference_year),
        "source_impact": m.source_impact(works, reference_year),
        "author_impact": m.author_impact(works, reference_year),
        "country_impact": m.country_impact(works, reference_year),
        "top_sources": m.top_sources(works, 20),
        "bradford": m.bradford(works),
        "top_authors": m.top_authors(works, 20),
        "top_authors_fractional": m.top_authors(works, 20, fractionalized=True),
        "lotka": m.lotka(works),
        "collaboration_type": m.collaboration_type(works),
        "country_production": m.country_production(works),
        "country_collaboration": m.country_collaboration(works),
    }
    for field in ("author_keywords", "index_keywords", "mesh_terms"):
        out[f"frequencies_{field}"] = m.keyword_frequencies(works, field, n=50)
    out["trend_topics"] = m.trend_topics(works, "author_keywords")
    out["cooccurrence"] = m.cooccurrence(works, "author_keywords", top_n=50)
    mapping = m.load_field_mapping()
    classified = m.classify_fields(works, mapping)
    out["works_per_field"] = m.works_per_field(classified, mapping)
    out["fields_by_year"] = m.fields_by_year(works, classified)
    out["citations_per_field"] = m.citations_per_field(works, classified, reference_year)
    out["mesh_headings"] = m.mesh_heading_table(works)
    out["subject_categories"] = m.subject_category_table(works)
    return out


def all_figures(works, records, out_dir, reference_year: int, year_min: int = 2014, year_max: int = 2025,
                top_n: int = 15) -> None:
    """Every figure of the catalog drawn and saved (PDF, SVG, PNG) with its table, by the calls the
    notebooks make."""
    from pathlib import Path

    import matplotlib.pyplot as plt

    from bibtwin import plots
    from bibtwin.metrics import classify_fields, load_field_mapping
    from bibtwin.prisma import compute_prisma_counts, plot_prisma, prisma_table

    out = dict(width_in=7.2, figures_dir=Path(out_dir), tables_dir=Path(out_dir) / "tables", note=None)
    mapping = load_field_mapping()
    classified = classify_fields(works, mapping)
    years = dict(year_min=year_min, year_max=year_max)
    figures = [
        ("database-overlap", plots.table_database_overlap(works), plots.plot_database_overlap),
        ("annual-production", plots.table_annual_production(works, **years), plots.plot_annual_production),
        ("document-types-by-year", plots.table_document_types_by_year(works, **years),
         plots.plot_document_types_by_year),
        ("works-per-field", plots.table_works_per_field(works, mapping=mapping, classified=classified),
         plots.plot_works_per_field),
        ("field-by-year", plots.table_field_by_year(works, mapping=mapping, classified=classified, **years),
         plots.plot_field_by_year),
        ("top-mesh-terms", plots.table_top_mesh_terms(works, top_n=top_n), plots.plot_top_mesh_terms),
        ("citation-distribution", plots.table_citation_distribution(works), plots.plot_citation_distribution),
        ("most-cited-works", plots.table_most_cited_works(works, reference_year=reference_year, top_n=top_n),
         plots.plot_most_cited_works),
        ("mean-citations-by-year", plots.table_mean_citations_by_year(works, reference_year=reference_year,
                                                                       **years),
         plots.plot_mean_citations_by_year),
        ("top-sources-bradford", plots.table_top_sources_bradford(works, top_n=top_n),
         plots.plot_top_sources_bradford),
        ("top-authors", plots.table_top_authors(works, top_n=top_n), plots.plot_top_authors),
        ("countries-scp-mcp", plots.table_countries_scp_mcp(works, top_n=top_n), plots.plot_countries_scp_mcp),
        ("keyword-trend-topics", plots.table_keyword_trend_topics(works, top_n=top_n, **years),
         plots.plot_keyword_trend_topics),
        ("keyword-co-occurrence", plots.table_keyword_co_occurrence(works, top_n=top_n),
         plots.plot_keyword_co_occurrence),
    ]
    for name, table, plot in figures:
        plots.draw_and_publish(name, table, plot, **out)
    counts = compute_prisma_counts(records, works, None)
    ax = plot_prisma(counts, width_in=7.2)
    plots.publish(ax.figure, prisma_table(counts), "prisma-flow", out["figures_dir"], out["tables_dir"])
    plt.close("all")
