"""Figures: every ``plot_*`` draws its ``table_*`` without saving, tables hold the numbers checked by hand,
and the same inputs give byte-identical files."""
from __future__ import annotations

import hashlib

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from bibtwin import catalog, plots
from bibtwin.atomic import write_csv
from bibtwin.figures import use_style
from bibtwin.plots._common import display_case, shorten
from bibtwin.plots.citations import work_label

REFERENCE_YEAR = 2025
YEARS = dict(year_min=2014, year_max=2025)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Works and records of a small synthetic corpus (300 records), read and merged as ``bibtwin run`` does."""
    from bibtwin.demo import write_demo_corpus
    from bibtwin.ingest import ingest

    raw = tmp_path_factory.mktemp("raw")
    write_demo_corpus(raw, n_records=300)
    result = ingest(raw)
    return result.merged.works, result.records


def figure_tables(works: pd.DataFrame) -> dict:
    """name -> (table, plot function) for every figure drawn by ``bibtwin.plots``."""
    return {
        "database-overlap": (plots.table_database_overlap(works), plots.plot_database_overlap),
        "annual-production": (plots.table_annual_production(works, **YEARS), plots.plot_annual_production),
        "document-types-by-year": (plots.table_document_types_by_year(works, **YEARS),
                                   plots.plot_document_types_by_year),
        "works-per-field": (plots.table_works_per_field(works), plots.plot_works_per_field),
        "field-by-year": (plots.table_field_by_year(works, **YEARS), plots.plot_field_by_year),
        "top-mesh-terms": (plots.table_top_mesh_terms(works, top_n=15), plots.plot_top_mesh_terms),
        "citation-distribution": (plots.table_citation_distribution(works), plots.plot_citation_distribution),
        "most-cited-works": (plots.table_most_cited_works(works, reference_year=REFERENCE_YEAR, top_n=15),
                             plots.plot_most_cited_works),
        "mean-citations-by-year": (plots.table_mean_citations_by_year(works, reference_year=REFERENCE_YEAR,
                                                                      **YEARS), plots.plot_mean_citations_by_year),
        "top-sources-bradford": (plots.table_top_sources_bradford(works, top_n=15), plots.plot_top_sources_bradford),
        "top-authors": (plots.table_top_authors(works, top_n=15), plots.plot_top_authors),
        "countries-scp-mcp": (plots.table_countries_scp_mcp(works, top_n=15), plots.plot_countries_scp_mcp),
        "keyword-trend-topics": (plots.table_keyword_trend_topics(works, top_n=15, min_freq=2, **YEARS),
                                 plots.plot_keyword_trend_topics),
        "keyword-co-occurrence": (plots.table_keyword_co_occurrence(works, top_n=15),
                                  plots.plot_keyword_co_occurrence),
    }


@pytest.fixture(scope="module")
def tables(corpus):
    return figure_tables(corpus[0])


@pytest.fixture
def no_saving(monkeypatch):
    """Make any savefig or show inside a plot function fail the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("plot functions must not save or show figures")
    monkeypatch.setattr(Figure, "savefig", refuse)
    monkeypatch.setattr(plt, "savefig", refuse)
    monkeypatch.setattr(plt, "show", refuse)


def test_every_catalog_figure_is_drawn_by_plots_or_prisma(tables):
    assert set(tables) | {"prisma-flow"} == set(catalog.FIGURE_NAMES)


@pytest.mark.parametrize("width", [7.2, 3.5])
@pytest.mark.parametrize("name", [n for n in catalog.FIGURE_NAMES if n != "prisma-flow"])
def test_plot_returns_axes_without_saving(name, width, tables, no_saving):
    table, plot = tables[name]
    assert isinstance(table, pd.DataFrame) and len(table) > 0, f"{name}: empty table on the demo corpus"
    before = set(plt.get_fignums())
    try:
        with use_style():
            ax = plot(table, width_in=width)
            assert isinstance(ax, Axes)
            assert ax.figure.get_figwidth() == pytest.approx(width)
            ax.figure.canvas.draw()  # the whole figure renders
            for text in ax.figure.findobj(matplotlib.text.Text):
                if text.get_text() and text.get_visible():
                    assert text.get_fontsize() >= 6, f"{name}: {text.get_text()!r} below 6 pt"
                    assert "$" not in text.get_text() or not text.get_usetex()
    finally:
        for num in set(plt.get_fignums()) - before:
            plt.close(num)
    assert set(plt.get_fignums()) == before


@pytest.mark.parametrize("name", ["annual-production", "works-per-field", "keyword-co-occurrence"])
def test_plot_draws_into_a_given_axes(name, tables, no_saving):
    table, plot = tables[name]
    with use_style():
        fig, ax = plt.subplots(figsize=(7.2, 4))
        try:
            assert plot(table, ax=ax) is ax
        finally:
            plt.close(fig)


def test_overlap_plot_uses_the_given_axes_figure(tables, no_saving):
    table, plot = tables["database-overlap"]
    with use_style():
        fig, ax = plt.subplots(figsize=(7.2, 3))
        try:
            out = plot(table, ax=ax)
            assert out.figure is fig
            assert {"intersections", "matrix", "totals"} <= set(out.upset_axes)
        finally:
            plt.close(fig)


@pytest.mark.parametrize("name", [n for n in catalog.FIGURE_NAMES if n != "prisma-flow"])
def test_empty_corpus_gives_a_figure_with_a_message(name, corpus, no_saving):
    table, plot = figure_tables(corpus[0].head(0))[name]
    with use_style():
        ax = plot(table, width_in=7.2)
        try:
            assert isinstance(ax, Axes)
            ax.figure.canvas.draw()
        finally:
            plt.close(ax.figure)


def _digest(paths) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def test_publish_is_byte_identical(corpus, tmp_path):
    """Same works in another order -> the same table bytes for every figure, and the same PDF, SVG and
    PNG bytes (checked on the figures with layouts, labels placed by measuring text, and UpSet axes)."""
    works = corpus[0]
    drawn = {"keyword-co-occurrence", "database-overlap", "most-cited-works", "field-by-year"}
    runs = []
    for k in range(2):
        written = []
        for name, (table, plot) in figure_tables(works.sample(frac=1, random_state=k)).items():
            written.append(write_csv(tmp_path / f"t{k}" / f"{name}.csv", table))
            if name in drawn:
                ax = plots.draw_and_publish(name, table, plot, width_in=7.2, figures_dir=tmp_path / f"f{k}",
                                            tables_dir=tmp_path / f"t{k}", note="synthetic demo data")
                plt.close(ax.figure)
                written += sorted((tmp_path / f"f{k}").glob(f"{name}.*"))
        runs.append(_digest(written))
    assert len(runs[0]) == 14 + 3 * len(drawn)
    different = [n for n in runs[0] if runs[0][n] != runs[1][n]]
    assert not different, f"not reproducible (works in another order): {different}"


def test_publish_refuses_unknown_names(tmp_path):
    fig = plt.figure()
    try:
        with pytest.raises(KeyError):
            plots.publish(fig, pd.DataFrame(), "fig3", tmp_path, tmp_path)
    finally:
        plt.close(fig)


# ------------------------------------------------------------------------------- hand-checked tables

def works_frame(rows: list[dict]) -> pd.DataFrame:
    base = {"work_id": None, "databases": [], "year": pd.NA, "doc_type": pd.NA, "title": "", "abstract": "",
            "author_keywords": [], "index_keywords": [], "mesh_terms": [], "countries": [],
            "corresponding_address": pd.NA, "authors": [], "journal": pd.NA, "cited_by": pd.NA}
    frame = pd.DataFrame([{**base, "work_id": f"w{i}", **r} for i, r in enumerate(rows, start=1)])
    frame["year"] = frame["year"].astype("Int64")
    frame["cited_by"] = frame["cited_by"].astype("Int64")
    return frame


def test_annual_production_by_hand():
    works = works_frame([
        {"year": 2018, "databases": ["pubmed"]},             # before the range: only in the cumulative
        {"year": 2020, "databases": ["scopus", "pubmed"]},   # counts once for each database
        {"year": 2020, "databases": ["scopus"]},
        {"year": 2022, "databases": ["wos"]},
        {"year": pd.NA, "databases": ["scopus"]},            # no year: left out
    ])
    table = plots.table_annual_production(works, year_min=2019, year_max=2022)
    assert list(table.columns) == ["year", "works_scopus", "works_pubmed", "works_wos", "unique_works",
                                   "cumulative_unique_works"]
    assert table["year"].tolist() == [2019, 2020, 2021, 2022]
    assert table["works_scopus"].tolist() == [0, 2, 0, 0]
    assert table["works_pubmed"].tolist() == [0, 1, 0, 0]
    assert table["works_wos"].tolist() == [0, 0, 0, 1]
    assert table["unique_works"].tolist() == [0, 2, 0, 1]
    assert table["cumulative_unique_works"].tolist() == [1, 3, 3, 4]


def test_document_types_by_year_by_hand():
    works = works_frame([
        {"year": 2020, "doc_type": "article"}, {"year": 2020, "doc_type": "article"},
        {"year": 2021, "doc_type": "review"}, {"year": 2021, "doc_type": pd.NA},
        {"year": 2021, "doc_type": "review"}, {"year": 2023, "doc_type": "article"},
        {"year": 2030, "doc_type": "letter"},                 # outside the range
    ])
    table = plots.table_document_types_by_year(works, year_min=2020, year_max=2023)
    assert list(table.columns) == ["year", "article", "review", "unknown"]  # most frequent first, unknown last
    assert table["year"].tolist() == [2020, 2021, 2022, 2023]
    assert table["article"].tolist() == [2, 0, 0, 1]
    assert table["review"].tolist() == [0, 2, 0, 0]
    assert table["unknown"].tolist() == [0, 1, 0, 0]
    assert int(table.drop(columns="year").to_numpy().sum()) == 6


MAPPING = {"version": "test", "abstract_min_hits": 2, "min_sources": 1, "fields": {
    "cardiology": {"label": "Cardiology", "mesh": [], "keywords": [], "phrases": ["heart"], "exclude": []},
    "oncology": {"label": "Oncology", "mesh": [], "keywords": [], "phrases": ["cancer"], "exclude": []},
    "neurology": {"label": "Neurology", "mesh": [], "keywords": [], "phrases": ["brain"], "exclude": []},
}}


def test_works_per_field_multi_label_by_hand():
    works = works_frame([
        {"title": "A heart twin for cancer patients", "year": 2021},   # two fields
        {"title": "Heart valve model", "year": 2022},
        {"title": "Bridges and roads", "year": 2022},                  # no field
    ])
    table = plots.table_works_per_field(works, mapping=MAPPING)
    assert table["field"].tolist() == ["cardiology", "oncology", "neurology", "unclassified"]
    assert table["works"].tolist() == [2, 1, 0, 1]
    assert table["label"].tolist()[-1] == "Unclassified"
    assert table["works"].sum() == 4 > len(works)                       # multi-label: more than the works
    assert (table["total_works"] == 3).all()
    by_year = plots.table_field_by_year(works, mapping=MAPPING, year_min=2021, year_max=2022)
    assert list(by_year.columns) == ["field", "label", "year", "works"]
    assert by_year["field"].unique().tolist() == ["cardiology", "oncology", "unclassified"]  # empty field dropped
    cells = by_year.set_index(["field", "year"])["works"]
    assert cells[("cardiology", 2021)] == 1 and cells[("cardiology", 2022)] == 1
    assert cells[("oncology", 2022)] == 0 and cells[("unclassified", 2022)] == 1


def test_countries_scp_mcp_by_hand():
    works = works_frame([
        {"corresponding_address": "Dept of Cardiology, Charite, Berlin, Germany", "countries": ["Germany"]},
        {"corresponding_address": "Dept of Surgery, TU Munich, Munich, Germany", "countries": ["Germany", "France"]},
        {"corresponding_address": "Institut Curie, Paris, France", "countries": ["France"]},
        {"corresponding_address": "Inserm, Lyon, France", "countries": ["France"]},
        {"corresponding_address": "Hopital Nord, Marseille, France", "countries": []},  # no affiliations
        {"corresponding_address": pd.NA, "countries": []},                     # unknown country
    ])
    table = plots.table_countries_scp_mcp(works, top_n=10)
    assert list(table.columns) == ["country", "works", "SCP", "MCP", "unknown", "MCP_ratio",
                                   "works_without_country"]
    assert table["country"].tolist() == ["France", "Germany"]
    assert table["works"].tolist() == [3, 2]
    assert table["SCP"].tolist() == [2, 1]
    assert table["MCP"].tolist() == [0, 1]
    assert table["unknown"].tolist() == [1, 0]        # Scopus exports without affiliations: not called SCP
    assert (table["SCP"] + table["MCP"] + table["unknown"] == table["works"]).all()
    assert table["MCP_ratio"].tolist() == [0.0, 0.5]
    assert (table["works_without_country"] == 1).all()


def test_citation_distribution_counts_unknown_separately():
    works = works_frame([{"cited_by": c} for c in (0, 0, 1, 2, 3, 7, 8, pd.NA, pd.NA)])
    table = plots.table_citation_distribution(works)
    assert table["bin"].tolist() == ["0", "1\u20132", "3\u20136", "7\u201314", "unknown"]
    assert table["works"].tolist() == [2, 2, 1, 2, 2]
    assert table.loc[table["bin"] != "unknown", "works"].sum() == 7


def test_most_cited_labels_and_order():
    works = works_frame([
        {"authors": ["VAN SOEST J", "DEKKER A"], "year": 2020, "journal": "Journal of Personalized Medicine",
         "cited_by": 10},
        {"authors": ["SMITH J"], "year": 2019, "journal": "COMPUTERS IN BIOLOGY AND MEDICINE", "cited_by": 10},
        {"authors": ["LEE K"], "year": 2021, "journal": "Sensors", "cited_by": pd.NA},
    ])
    works["journal_abbrev"] = ["J. Pers. Med.", pd.NA, "Sensors"]
    table = plots.table_most_cited_works(works, reference_year=2025, top_n=5)
    assert table["work_id"].tolist() == ["w2", "w1"]                      # tie: older first; unknown left out
    smith, van_soest = table["label"].tolist()
    assert van_soest == "Van Soest et al. (2020) J Pers Med"          # NLM-style abbreviation, no periods
    assert smith == "Smith (2019) Computers in Biology and Medicine"  # no abbreviation: title in title case
    short = plots.table_most_cited_works(works, reference_year=2025, label_width=30)["label"].tolist()[0]
    assert short.startswith("Smith (2019) Computers") and short.endswith("\u2026") and len(short) <= 30
    assert table["citations_per_year"].tolist() == [round(10 / 7, 2), round(10 / 6, 2)]


def test_labels_are_shortened_with_an_ellipsis():
    assert shorten("Proceedings of the Annual International Conference of the IEEE", 20, 1).endswith("\u2026")
    assert len(shorten("Proceedings of the Annual International Conference", 20, 1)) <= 20
    assert shorten("Short name", 20, 1) == "Short name"
    assert work_label("O'BRIEN P", 2021, None, "Sensors", 1) == "O'Brien (2021) Sensors"
    assert work_label("SMITH-JONES J", None, "Sci. Rep.", None, 2) == "Smith-Jones et al. (n.d.) Sci Rep"
    assert display_case("PARKINSON'S DISEASE AND THE HEART") == "Parkinson's Disease and the Heart"
    assert display_case("npj Digital Medicine") == "npj Digital Medicine"


def test_co_occurrence_table_is_complete_and_seeded(corpus):
    works = corpus[0]
    a = plots.table_keyword_co_occurrence(works, top_n=10)
    b = plots.table_keyword_co_occurrence(works.iloc[::-1].reset_index(drop=True), top_n=10)
    pd.testing.assert_frame_equal(a, b)
    nodes, edges = a[a["kind"] == "node"], a[a["kind"] == "edge"]
    assert len(nodes) == 20
    assert set(edges["term"]) | set(edges["term_b"]) <= set(nodes["term"])
    assert nodes["x"].between(0, 1).all() and nodes["community"].min() == 1
    assert (edges["weight"] >= 2).all()


def test_trend_topics_table_is_ordered(corpus):
    table = plots.table_keyword_trend_topics(corpus[0], min_freq=2, **YEARS)
    assert list(table.columns) == ["term", "label", "occurrences", "year_q1", "year_median", "year_q3"]
    assert (table["year_q1"] <= table["year_median"]).all() and (table["year_median"] <= table["year_q3"]).all()
    assert table["year_median"].is_monotonic_increasing
    assert (table["occurrences"] >= 2).all()
