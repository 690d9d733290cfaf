"""Every indicator formula on small hand-made tables; expected values are worked out in the comments."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from bibtwin import metrics as m
from bibtwin.schema import conform


def table(**columns) -> pd.DataFrame:
    """A canonical records table from a few columns (one record per list item)."""
    n = len(next(iter(columns.values())))
    base = {"record_id": [f"t:{i}" for i in range(n)], "database": ["scopus"] * n,
            "source_file": ["hand"] * n, "source_format": ["scopus_csv"] * n, "source_record": range(1, n + 1)}
    base.update(columns)
    return conform(pd.DataFrame(base))


def test_annual_production_and_growth_rate():
    # 2018: 2 documents, 2019: 0, 2020: 8 -> CAGR = ((8 / 2) ** (1 / (2020 - 2018)) - 1) * 100 = 100 %
    df = table(year=[2018, 2018] + [2020] * 8 + [None])
    prod = m.annual_production(df)
    assert prod["year"].tolist() == [2018, 2019, 2020]
    assert prod["documents"].tolist() == [2, 0, 8]  # the empty year is listed, the yearless record is not
    assert prod["cumulative"].tolist() == [2, 2, 10]
    assert m.annual_growth_rate(df) == pytest.approx(100.0)
    assert math.isnan(m.annual_growth_rate(table(year=[2020, 2020])))  # one year: no rate


def test_production_by_database_on_works():
    # work 1 (2020) is in scopus and wos, work 2 (2021) in wos: scopus 2020:1 2021:0, wos 2020:1 2021:1
    works = table(year=[2020, 2021]).assign(work_id=["w1", "w2"],
                                            databases=[["scopus", "wos"], ["wos"]])
    out = m.annual_production_by_database(works)
    got = {(r.year, r.database): (r.documents, r.cumulative) for r in out.itertuples()}
    assert got == {(2020, "scopus"): (1, 1), (2021, "scopus"): (0, 1), (2020, "wos"): (1, 1),
                   (2021, "wos"): (1, 2)}


def test_h_g_m_index_corpus_and_groups():
    # citations 10, 8, 5, 4, 3, 0 (+ one unknown); sorted ranks 1..6:
    # h: 10>=1, 8>=2, 5>=3, 4>=4, 3<5 -> h = 4
    # g: cumulative 10, 18, 23, 27, 30, 30 vs g^2 1, 4, 9, 16, 25, 36 -> g = 5
    # m = h / (2026 - 2020 + 1) = 4 / 7 (first year 2020, the unknown-count record's 2019 is not cited
    # but still opens the group's timespan: PY_start = 2019 -> m = 4 / 8)
    df = table(year=[2020, 2021, 2022, 2022, 2023, 2024, 2019], cited_by=[10, 8, 5, 4, 3, 0, None],
               journal=["J A", "J A", "J A", "J B", "J B", "J B", "J B"])
    corpus = m.impact_indices(df, None, 2026).iloc[0]
    assert (corpus["h_index"], corpus["g_index"], corpus["TC"], corpus["NP"]) == (4, 5, 30, 7)
    assert corpus["NP_citations_known"] == 6
    assert corpus["m_index"] == pytest.approx(4 / 8)
    # per source: J A has 10, 8, 5 -> h = 3 (5 >= 3), g: 10, 18, 23 >= 1, 4, 9 -> g = 3, m = 3 / (2026-2020+1)
    by_source = m.source_impact(df, 2026).set_index("source")
    assert by_source.loc["J A", ["h_index", "g_index"]].tolist() == [3, 3]
    assert by_source.loc["J A", "m_index"] == pytest.approx(3 / 7)
    # J B has 4, 3, 0 (+ unknown): h = 2 (4>=1, 3>=2, 0<3); g: 4, 7, 7 vs 1, 4, 9 -> g = 2
    assert by_source.loc["J B", ["h_index", "g_index", "TC"]].tolist() == [2, 2, 7]
    summary = m.citation_summary(df)
    assert summary["documents_citations_unknown"] == 1 and summary["h_index"] == 4
    assert summary["mean"] == pytest.approx(30 / 6)  # the unknown count is not a 0


def test_impact_with_no_known_citations_is_na():
    df = table(year=[2020, 2021], cited_by=[None, None])
    row = m.impact_indices(df, None, 2026).iloc[0]
    assert pd.isna(row["h_index"]) and pd.isna(row["TC"]) and row["NP"] == 2


def test_most_cited_tc_per_year_and_normalized():
    # 2020: TC 10 and 30 -> mean 20 -> NTC 0.5 and 1.5; TC per year = TC / (2026 - 2020 + 1) = TC / 7
    # 2021: TC 0 and unknown -> mean over known = 0 -> NTC undefined (NaN); the unknown is left out
    df = table(year=[2020, 2020, 2021, 2021], cited_by=[10, 30, 0, None],
               authors=[["A X"], ["B Y", "C Z"], ["D W"], ["E V"]])
    top = m.most_cited(df, 2026, n=None)
    assert top["record_id"].tolist() == ["t:1", "t:0", "t:2"]
    assert top["TC"].tolist() == [30, 10, 0]
    assert top["TC_per_year"].tolist() == pytest.approx([30 / 7, 10 / 7, 0 / 6])
    assert top["NTC"].iloc[:2].tolist() == pytest.approx([1.5, 0.5])
    assert math.isnan(top["NTC"].iloc[2])
    assert top["first_author"].tolist() == ["B Y", "A X", "D W"]
    per_year = m.citations_per_year(df, 2026).set_index("year")
    # 2020: 40 citations over 2 documents = 20 per article, / 7 citable years
    assert per_year.loc[2020, "mean_tc_per_article"] == pytest.approx(20)
    assert per_year.loc[2020, "mean_tc_per_year"] == pytest.approx(20 / 7)
    assert per_year.loc[2021, "documents_with_citations_known"] == 1


def test_bradford_zones():
    # sources A:6 B:3 C:2 D:1 E:1 F:1, N = 14; cumulative 6, 9, 11, 12, 13, 14
    # a = #{cum < 0.33 * 14 = 4.62} + 1 = 1 -> zone 1: A
    # b = #{cum < 0.67 * 14 = 9.38} + 1 = 3 -> zone 2: B, C; zone 3: D, E, F
    # Bradford multiplier = mean(2 / 1, 3 / 2) = 1.75
    journals = ["A"] * 6 + ["B"] * 3 + ["C"] * 2 + ["D", "E", "F"]
    result = m.bradford(table(journal=journals))
    assert result["table"]["zone"].tolist() == ["Zone 1"] + ["Zone 2"] * 2 + ["Zone 3"] * 3
    assert result["table"]["cumulative"].tolist() == [6, 9, 11, 12, 13, 14]
    assert result["zones"]["sources"].tolist() == [1, 2, 3]
    assert result["zones"]["documents"].tolist() == [6, 5, 3]
    assert result["multiplier"] == pytest.approx(1.75)


def test_lotka_fit():
    # authors: A wrote 2 documents, B C D E one each -> 4 authors with 1 article, 1 author with 2
    # freq = 0.8, 0.2; the log-log line through (0, log 0.8) and (log 2, log 0.2) has slope
    # log10(0.25) / log10(2) = -2 -> beta = 2, C = 0.8, R^2 = 1
    df = table(authors=[["A", "B"], ["A", "C"], ["D"], ["E"]])
    fit = m.lotka(df)
    assert fit["table"]["n_articles"].tolist() == [1, 2]
    assert fit["table"]["n_authors"].tolist() == [4, 1]
    assert fit["beta"] == pytest.approx(2.0)
    assert fit["C"] == pytest.approx(0.8)
    assert fit["r2"] == pytest.approx(1.0)
    # observed equals Lotka's law with beta = 2 here, so the KS test cannot reject it
    assert fit["p_value"] == pytest.approx(1.0)


def test_author_production_full_and_fractional():
    # A: documents 1 (2 authors) and 2 (3 authors) -> full 2, fractional 1/2 + 1/3 = 5/6
    df = table(authors=[["A", "B"], ["A", "C", "D"], ["E"]])
    prod = m.author_production(df).set_index("author")
    assert prod.loc["A", "articles"] == 2
    assert prod.loc["A", "articles_fractionalized"] == pytest.approx(5 / 6)
    assert prod.loc["E", "articles_fractionalized"] == pytest.approx(1.0)
    assert m.top_authors(df, 2, fractionalized=True)["author"].tolist() == ["E", "A"]


def test_corresponding_country_scp_mcp():
    # d1: corresponding Italy, authors' countries {Italy}         -> SCP, Italy
    # d2: corresponding Italy, authors' countries {Italy, France} -> MCP, Italy
    # d3: no address: first affiliation country France; {France, Germany} -> MCP, France
    # d4: corresponding Spain (address), affiliations only Italy -> {Spain, Italy} -> MCP, Spain
    # d5: nothing known -> left out
    # Italy: articles 2 (SCP 1, MCP 1), freq 2/4, MCP ratio 1/2; France 1 MCP; Spain 1 MCP
    df = table(corresponding_address=["Univ Rome, Rome, Italy", "Univ Milan, Milan, Italy.", None,
                                      "A. Author; Univ Madrid, Madrid, Spain; email: a@b.es", None],
               countries=[["Italy"], ["Italy", "France"], ["France", "Germany"], ["Italy"], []],
               cited_by=[4, 2, 6, None, 1])
    types = m.collaboration_type(df)
    assert types["collaboration"].fillna("none").tolist() == ["SCP", "MCP", "MCP", "MCP", "none"]
    prod = m.country_production(df).set_index("country")
    assert prod.loc["Italy", ["articles", "SCP", "MCP"]].tolist() == [2, 1, 1]
    assert prod.loc["Italy", "freq"] == pytest.approx(0.5)
    assert prod.loc["Italy", "MCP_ratio"] == pytest.approx(0.5)
    assert prod.loc["Spain", ["articles", "SCP", "MCP"]].tolist() == [1, 0, 1]
    cites = m.country_citations(df).set_index("country")
    assert cites.loc["Italy", "total_citations"] == 6 and cites.loc["Italy", "average_article_citations"] == 3
    assert pd.isna(cites.loc["Spain", "average_article_citations"])  # its only count is unknown
    # documents naming >= 2 countries in affiliations: d2, d3 -> 2 / 5 = 40 %
    assert m.international_collaboration_share(df) == pytest.approx(40.0)
    pairs = m.country_collaboration(df)
    assert pairs[["country_a", "country_b", "documents"]].values.tolist() == [
        ["France", "Germany", 1], ["France", "Italy", 1]]


def test_collaboration_unknown_without_affiliation_countries():
    # d1: affiliations {Italy}, no address -> corresponding Italy (first affiliation country), SCP
    # d2: affiliations name no country, address in Italy -> corresponding Italy, but the other authors'
    #     countries are unknown -> neither SCP nor MCP (NA); bibliometrix counts it as MCP
    # d3: affiliations {Italy, France}, address in Italy -> MCP
    # d4: no country at all -> no corresponding country, NA, left out of country_production
    # Italy: articles 3 = SCP 1 + MCP 1 + unknown 1, freq 3 / 3 = 1, MCP_ratio = 1 / (1 + 1) = 0.5
    # (bibliometrix: SCP 1, MCP 2, MCP_ratio 2 / 3)
    df = table(corresponding_address=[None, "Univ Rome, Rome, Italy", "Univ Milan, Milan, Italy.", None],
               countries=[["Italy"], [], ["Italy", "France"], []])
    types = m.collaboration_type(df)
    assert types["country"].fillna("none").tolist() == ["Italy", "Italy", "Italy", "none"]
    assert types["collaboration"].fillna("NA").tolist() == ["SCP", "NA", "MCP", "NA"]
    prod = m.country_production(df)
    assert prod["country"].tolist() == ["Italy"]
    assert prod.loc[0, ["articles", "SCP", "MCP", "unknown"]].tolist() == [3, 1, 1, 1]
    assert prod.loc[0, "freq"] == pytest.approx(1.0)
    assert prod.loc[0, "MCP_ratio"] == pytest.approx(0.5)
    # a country whose every article is unknown has no ratio (NaN), not 0
    only_unknown = m.country_production(df.iloc[[1]])
    assert only_unknown.loc[0, ["articles", "SCP", "MCP", "unknown"]].tolist() == [1, 0, 0, 1]
    assert math.isnan(only_unknown.loc[0, "MCP_ratio"])


def test_term_year_quartiles_and_trend_topics():
    # X occurs in 2010 (once), 2012 (twice), 2020 (once): sorted years 2010 2012 2012 2020, N = 4;
    # type-7 quantile at position (N - 1) p: q1 h = 0.75 -> 2010 + 0.75 * 2 = 2011.5 -> R round half
    # to even -> 2012; median h = 1.5 -> 2012; q3 h = 2.25 -> 2012 + 0.25 * 8 = 2014
    # Y occurs in 2010 and 2011: q1 2010.25 -> 2010; median 2010.5 -> 2010 (half to even); q3 2010.75 -> 2011
    df = table(year=[2010, 2012, 2012, 2020, 2011, 2019],
               author_keywords=[["x", "y"], ["X"], ["x "], ["X"], ["y"], ["z"]])
    q = m.term_year_quartiles(df, "author_keywords").set_index("term")
    assert q.loc["X", ["freq", "year_q1", "year_med", "year_q3"]].tolist() == [4, 2012, 2012, 2014]
    assert q.loc["Y", ["freq", "year_q1", "year_med", "year_q3"]].tolist() == [2, 2010, 2010, 2011]
    assert q.loc["Z", ["freq", "year_med"]].tolist() == [1, 2019]
    # min_freq 2 drops Z; one term per median year
    trends = m.trend_topics(df, "author_keywords", min_freq=2, n_items=1)
    assert trends["term"].tolist() == ["Y", "X"]


def test_keyword_frequencies_and_cooccurrence():
    # A in d1 d2 d3, B in d1 d2, C in d1: pairs A-B 2 documents, A-C 1, B-C 1 ("b." is B: a full stop
    # ending a keyword is punctuation, as "Tinnitus." in the UK Biobank export)
    df = table(author_keywords=[["a", "B", "c"], ["A", "b."], ["A"]])
    freq = m.keyword_frequencies(df, "author_keywords")
    assert freq[["term", "occurrences"]].values.tolist() == [["A", 3], ["B", 2], ["C", 1]]
    edges, graph = m.cooccurrence(df, "author_keywords", top_n=3)
    assert edges.values.tolist() == [["A", "B", 2], ["A", "C", 1], ["B", "C", 1]]
    assert graph["A"]["B"]["weight"] == 2 and graph.nodes["A"]["occurrences"] == 3
    edges2, graph2 = m.cooccurrence(df, "author_keywords", top_n=2)
    assert edges2.values.tolist() == [["A", "B", 2]] and set(graph2.nodes) == {"A", "B"}


def test_main_information_counts():
    # 4 documents, 2020 x2, 2021, 2022; sources "J, One" and "J ONE" are one source (commas dropped)
    # authors: d1 [A], d2 [A, B], d3 [C, B, D], d4 [] -> authors {A, B, C, D} = 4, appearances 6,
    # single-authored docs 1 (d1), its authors {A} = 1, co-authors per doc = 6 / 3 documents with authors
    # citations 4, 0, unknown, 6 -> mean over known = 10 / 3;
    # per year: 4 / 7, 0 / 7, 6 / 5 -> mean (4/7 + 0 + 6/5) / 3
    # average age = 2026 - mean(2020, 2020, 2021, 2022) = 2026 - 2020.75 = 5.25
    # growth: 2020: 2, 2022: 1 -> ((1/2) ** (1/2) - 1) * 100 = -29.29
    # keywords DE: "ml", "ML ", "Deep  learning" -> {ML, DEEP LEARNING} = 2; references {R1, R2} = 2
    # international: d3 names 2 countries -> 1 / 4 = 25 %
    df = table(year=[2020, 2020, 2021, 2022], journal=["J, One", "J ONE", "K", None],
               authors=[["A"], ["A", "B"], ["C", "B", "D"], []], cited_by=[4, 0, None, 6],
               author_keywords=[["ml"], ["ML "], ["Deep  learning"], []],
               references=[["r1"], ["R1", "r2"], [], []],
               countries=[["Italy"], [], ["Italy", "France"], ["Spain"]],
               doc_type=["article", "article", "review", None])
    info = m.main_information(df, reference_year=2026)
    assert info["Timespan"] == "2020:2022"
    assert info["Sources (Journals, Books, etc)"] == 2
    assert info["Documents"] == 4
    assert info["Annual Growth Rate %"] == pytest.approx(-29.29)
    assert info["Document Average Age"] == pytest.approx(5.25)
    assert info["Average citations per doc"] == pytest.approx(10 / 3)
    assert info["Average citations per year per doc"] == pytest.approx((4 / 7 + 0 + 6 / 5) / 3)
    assert info["References"] == 2
    assert info["Author's Keywords (DE)"] == 2 and info["Keywords Plus (ID)"] == 0
    assert (info["Authors"], info["Author Appearances"]) == (4, 6)
    assert (info["Authors of single-authored docs"], info["Single-authored docs"]) == (1, 1)
    assert info["Documents per Author"] == pytest.approx(1.0)
    assert info["Co-Authors per Doc"] == pytest.approx(2.0)
    assert info["International co-authorships %"] == pytest.approx(25.0)
    assert info["DOCUMENT TYPES"] == {"article": 2, "review": 1, "unknown": 1}
    assert info["Documents with citation counts"] == 3
    printed = m.format_main_information(info)
    assert printed["Annual Growth Rate %"] == "-29.29"
    assert printed["Average citations per doc"] == "3.333"
    assert printed["Document Average Age"] == "5.25"


def test_unknown_citations_print_as_na():
    info = m.main_information(table(year=[2020, 2021], cited_by=[None, None]), reference_year=2026)
    assert info["Average citations per doc"] is None
    assert m.format_main_information(info)["Average citations per doc"] == "n/a"


@pytest.mark.parametrize("value,digits,expected", [
    (10.4, 4, "10.4"), (30.0, 4, "30"), (16.518, 4, "16.52"), (15.985, 3, "16"), (0.14265335, 4, "0.1427"),
    (0.141369, 3, "0.141"), (1234.5, 3, "1234"), (None, 3, "n/a"), (5, None, "5")])
def test_r_format(value, digits, expected):
    assert m.r_format(value, digits) == expected


def test_citation_distribution_and_by_database():
    works = table(year=[2020, 2021, 2022], cited_by=[3, 0, 3]).assign(
        work_id=["w1", "w2", "w3"], databases=[["scopus"], ["wos"], ["scopus", "wos"]],
        cited_by_scopus=pd.array([3, None, 3], dtype="Int64"), cited_by_wos=pd.array([None, 0, 2], dtype="Int64"))
    dist = m.citation_distribution(works)
    assert dist.values.tolist() == [[0, 1], [3, 2]]
    by_db = m.citations_by_database(works).set_index("column")
    assert by_db.loc["cited_by_wos", "total"] == 2 and by_db.loc["cited_by_wos", "documents_citations_unknown"] == 1
    assert by_db.loc["cited_by_scopus", "h_index"] == 2


def test_document_types_by_year():
    df = table(year=[2020, 2020, 2022], doc_type=["article", "review", "article"])
    out = m.document_types_by_year(df).set_index("year")
    assert out.loc[2020].tolist() == [1, 1] and out.loc[2021].tolist() == [0, 0]
