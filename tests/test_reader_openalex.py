"""OpenAlex works reader (``bibtwin.readers.openalex_json``): real API responses (list pages, the empty
last page, a single work), our own JSON Lines and array fixtures, and bad input."""
from __future__ import annotations

import json

import pandas as pd
import pytest

import bibtwin
from bibtwin.errors import EmptyFileError, ParseError
from bibtwin.io import load
from bibtwin.readers import openalex_json
from bibtwin.readers.openalex_json import country_name, surname_first


def test_list_page(api_samples):
    df = bibtwin.read(api_samples / "openalex_openalexPro/doifilter_chunk_4_results_page_1.json")
    assert len(df) == 25                                     # meta.count
    assert df["record_id"].str.fullmatch(r"openalex:W\d+").all()
    assert df["year"].value_counts().sort_index().to_dict() == {
        1995: 2, 2000: 2, 2001: 1, 2002: 1, 2003: 2, 2004: 1, 2005: 2, 2007: 3, 2008: 4, 2009: 6, 2010: 1}
    assert df["doi"].notna().sum() == 25 and df["doi"].nunique() == 25
    assert df["cited_by"].notna().all()
    r = df.iloc[0]
    assert r["record_id"] == "openalex:W1984314264" and r["doi"] == "10.1111/j.1936-704x.2009.00057.x"
    assert r["journal"] == "Journal of Contemporary Water Research & Education"
    assert r["authors"] == ["SMITH WJ"] and r["author_full_names"] == ["Smith, William J."]
    assert r["countries"] == ["United States"]
    # an author with two countries
    assert df.iloc[10]["countries"] == ["Bulgaria", "China"]


@pytest.mark.parametrize("name", ["doifilter_chunk_4_results_page_2.json", "keypaper_results_page_2.json"])
def test_empty_last_page_gives_empty_table(api_samples, name):
    loaded = load(api_samples / "openalex_openalexPro" / name)
    assert loaded.report.format == "openalex_json"
    assert len(loaded.records) == 0 and loaded.report.rejected == []
    assert list(loaded.records.columns) == list(bibtwin.read(api_samples / "openalex_single_work/W2741809807.json").columns)


def test_single_work(api_samples):
    df = bibtwin.read(api_samples / "openalex_single_work/W2741809807.json")
    assert len(df) == 1
    r = df.iloc[0]
    assert r["record_id"] == "openalex:W2741809807"
    assert r["title"] == ("The state of OA: a large-scale analysis of the prevalence and impact of Open "
                          "Access articles")
    assert r["doi"] == "10.7717/peerj.4375" and r["pmid"] == "29456894"
    assert r["year"] == 2018 and r["cited_by"] == 962
    assert r["journal"] == "PeerJ" and r["issn"] == "2167-8359" and r["volume"] == "6" and r["pages"] == "e4375"
    assert r["authors"][0] == "PIWOWAR H" and r["author_full_names"][3] == "Alperín, Juan Pablo"
    assert r["countries"] == ["United States", "Canada"]
    assert r["affiliations"][0] == "Impactstory, Sanford, NC, USA"
    assert r["abstract"].startswith("Despite growing interest in Open Access (OA) to scholarly literature, "
                                    "there is an unmet need")
    assert r["open_access"] == "gold" and r["doc_type"] == "article" and r["language"] == "en"
    assert "Scholarly Communication" in r["index_keywords"] and "Citation" in r["index_keywords"]
    assert r["subject_categories"][:2] == ["Statistics, Probability and Uncertainty", "Decision Sciences"]
    assert len(r["references"]) == 45
    assert json.loads(r["extra"])["publication_date"] == "2018-02-13"


def test_keypaper_page(api_samples):
    df = bibtwin.read(api_samples / "openalex_openalexPro/keypaper_results_page_1.json")
    assert df["record_id"].tolist() == ["openalex:W2755950973", "openalex:W2741809807"]
    assert df["doi"].tolist() == ["10.1016/j.joi.2017.08.007", "10.7717/peerj.4375"]
    assert df["abstract"].isna().tolist() == [True, False]      # no inverted index: unknown


def test_fixture_fields(fixtures):
    df = bibtwin.read(fixtures / "openalex/works.jsonl")
    r, bare = df.iloc[0], df.iloc[1]
    assert r["abstract"] == "Gut bacteria shape the bacteria"
    assert r["doi"] == "10.1000/oa.test.1" and r["pmid"] == "90000001"
    assert r["authors"] == ["MÜLLER J", "VAN BURG JAC", "SMITH JA"]
    assert r["author_full_names"] == ["Müller, Jörg", "van Burg, J.A.C.", "Smith, John A."]
    assert r["author_ids"] == ["A1", "A2", "A3"]
    # raw strings, else the institution; one per affiliation
    assert r["affiliations"] == ["Charité, Berlin, Germany", "Wageningen University"]
    assert r["countries"] == ["Germany", "Netherlands", "United States"]
    assert r["mesh_terms"] == ["Humans", "Colorectal Neoplasms/microbiology"]
    assert r["index_keywords"] == ["Microbiome", "Biology"]
    assert r["subject_categories"] == ["Microbiology", "Immunology and Microbiology"]
    assert r["funding"] == "National Cancer Institute (R01 CA000001)"
    assert r["issn"] == "1234-5678; 8765-4321" and r["pages"] == "101-110" and r["publisher"] == "Test Press"
    assert r["open_access"] == "green" and r["cited_by"] == 7
    assert pd.isna(bare["year"]) and pd.isna(bare["doi"]) and bare["cited_by"] == 0
    assert bare["doc_type"] == "preprint"
    pd.testing.assert_frame_equal(bibtwin.read(fixtures / "openalex/works_array.json").drop(columns="source_file"),
                                  df.drop(columns="source_file"))


def test_malformed_json_names_line_and_column(fixtures):
    with pytest.raises(ParseError, match=r"malformed\.json, line 3: malformed JSON: Expecting property name "
                                         r"enclosed in double quotes \(column 50\)"):
        bibtwin.read(fixtures / "openalex/malformed.json")


def test_malformed_json_line(tmp_path, fixtures):
    lines = (fixtures / "openalex/works.jsonl").read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_text(lines[0] + "\n" + lines[1][:-5] + "\n", encoding="utf-8")
    with pytest.raises(ParseError, match=r"bad\.jsonl, line 2: malformed JSON"):
        bibtwin.read(bad)


def test_values_that_are_not_works_are_rejected(tmp_path):
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps([{"id": "https://openalex.org/W1", "title": "kept"}, 42, {"error": "x"}]))
    loaded = load(path)
    assert loaded.records["record_id"].tolist() == ["openalex:W1"]
    assert [r["source_record"] for r in loaded.report.rejected] == [2, 3]


def test_empty_file(tmp_path):
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    with pytest.raises(EmptyFileError):
        bibtwin.read(path)


def test_sniff():
    assert openalex_json.sniff('{"meta":{"count":2,"db_response_time_ms":57},"results":[]}') == "openalex_json"
    assert openalex_json.sniff('{"id": "https://openalex.org/W1", "doi": null}') == "openalex_json"
    assert openalex_json.sniff('[{"dc:identifier": "SCOPUS_ID:1"}]') is None
    assert openalex_json.sniff("PMID- 1\n") is None


@pytest.mark.parametrize("given, expected", [
    ("John A. Smith", "Smith, John A."), ("J.A.C. van Burg", "van Burg, J.A.C."),
    ("Smith, John", "Smith, John"), ("Plato", "Plato"), ("Martin Luther King Jr.", "King Jr., Martin Luther"),
])
def test_surname_first(given, expected):
    assert surname_first(given) == expected


def test_country_names_match_normalize():
    from bibtwin.normalize import country_of
    for code, affiliation in [("US", "Boston, MA, USA"), ("GB", "London, UK"), ("KR", "Seoul, South Korea"),
                              ("TW", "Taipei, Taiwan"), ("IR", "Tehran, Iran"), ("CN", "Beijing, China")]:
        assert country_name(code) == country_of(affiliation), code
