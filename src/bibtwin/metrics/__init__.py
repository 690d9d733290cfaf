"""Bibliometric indicators that agree with bibliometrix, and fields of medicine.

Every function is pure: a records table (canonical schema) or a works table (``bibtwin.merge``) in, a
DataFrame or dict out; no I/O, no plotting. ``docs/indicators.md`` gives each formula, its source and
every deliberate difference from bibliometrix. Functions that depend on "now" take ``reference_year``.
"""
from __future__ import annotations

from .authors import author_impact, author_production, lotka, top_authors
from .citations import (citation_distribution, citation_summary, citations_by_database,
                        citations_per_year, impact_indices, most_cited, normalized_citations,
                        tc_per_year)
from .countries import (collaboration_type, corresponding_country, country_citations,
                        country_collaboration, country_impact, country_production,
                        international_collaboration_share)
from .fields import (classify_fields, citations_per_field, fields_by_year, load_field_mapping,
                     mesh_heading_table, subject_category_table, works_per_field)
from .keywords import (cooccurrence, keyword_frequencies, pair_counts, term_year_quartiles,
                       trend_topics)
from .sources import bradford, source_impact, source_production, top_sources
from .summary import format_main_information, main_information, r_format
from .trends import (annual_growth_rate, annual_production, annual_production_by_database,
                     document_types_by_year)

__all__ = [
    "annual_growth_rate", "annual_production", "annual_production_by_database", "author_impact",
    "author_production", "bradford", "citation_distribution", "citation_summary",
    "citations_by_database", "citations_per_field", "citations_per_year", "classify_fields",
    "collaboration_type", "cooccurrence", "corresponding_country", "country_citations",
    "country_collaboration", "country_impact", "country_production", "document_types_by_year",
    "fields_by_year", "format_main_information", "impact_indices", "international_collaboration_share",
    "keyword_frequencies", "load_field_mapping", "lotka", "main_information", "mesh_heading_table",
    "most_cited", "normalized_citations", "pair_counts", "r_format", "source_impact",
    "source_production", "subject_category_table", "tc_per_year", "term_year_quartiles", "top_authors",
    "top_sources", "trend_topics", "works_per_field",
]
