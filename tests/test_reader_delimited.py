"""Delimited readers: Scopus CSV, PubMed CSV, WoS tab-delimited, Lens, Dimensions, Publish or Perish.

Real exports are read from ../shared (corpus fixtures); expected values come from FACTS.json or were read off
the files by hand. Lens and Dimensions fixtures are hand-made (no real export was available; see
tests/fixtures/delimited/README.md).
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

import bibtwin
from bibtwin.errors import (DuplicateColumnsError, EmptyFileError, MissingColumnsError, ParseError,
                            TruncatedRecordError)
from bibtwin.io import detect_format, extra_json, load
from bibtwin.readers import delimited
from bibtwin.textio import Text, read_text


@pytest.fixture
def delim(fixtures):
    return fixtures / "delimited"


def _record(df: pd.DataFrame, **where) -> pd.Series:
    mask = pd.Series(True, index=df.index)
    for column, value in where.items():
        mask &= df[column] == value
    assert mask.sum() == 1, where
    return df[mask].iloc[0]


# ------------------------------------------------------------------------------------ real corpus facts

CORPUS_FILES = {
    "smart_on_fhir/scopus.csv": "scopus_csv",
    "ukbiobank/scopus.csv": "scopus_csv",
    "dt_bim/scopus.csv": "scopus_csv",
    "smart_on_fhir/pubmed.csv": "pubmed_csv",
    "anopheles/pubmed.csv": "pubmed_csv",
    "internal_fixation/wos_tab.txt": "wos_tab",
}


@pytest.fixture(scope="module")
def corpus_read(request):
    cache = {}

    def read(corpus, name):
        if name not in cache:
            cache[name] = bibtwin.read(corpus / name)
        return cache[name]
    return read




def test_smart_on_fhir_scopus_record(corpus, corpus_read):
    df = corpus_read(corpus, "smart_on_fhir/scopus.csv")
    r = _record(df, eid="2-s2.0-85202002537")
    assert r["record_id"] == "scopus:2-s2.0-85202002537"
    assert r["title"] == "Synthetic Data Generation in Hematology - Paving the Way for OMOP and FHIR Integration"
    assert list(r["authors"])[:4] == ["HAHN W", "AHMADI N", "HOFFMANN K", "ECKARDT J-N"]
    assert list(r["author_full_names"])[0] == "Hahn, Waldemar"
    assert list(r["author_ids"])[0] == "57255281800"
    assert r["journal"] == "Studies in Health Technology and Informatics"
    assert r["doi"] == "10.3233/shti240692"
    assert (r["year"], r["cited_by"], r["pages"], r["volume"]) == (2024, 0, "1472-1476", "316")
    assert "Synthetic patient data" in list(r["author_keywords"])
    assert "Leukemia, Myeloid, Acute" in list(r["index_keywords"])
    assert (r["doc_type"], r["pmid"], r["language"]) == ("conference_paper", "39176482", "English")
    assert r["open_access"] == "All Open Access; Hybrid Gold Open Access"
    extra = json.loads(r["extra"])
    assert extra["Conference location"] == "Athens" and extra["Publication Stage"] == "Final"


def test_ukbiobank_old_layout_record(corpus, corpus_read):
    df = corpus_read(corpus, "ukbiobank/scopus.csv")
    r = df.iloc[0]
    assert r["record_id"] == "scopus:2-s2.0-85049629569"  # EID recovered from the Link URL
    assert list(r["authors"])[:3] == ["MERINO J", "DASHTI HS", "LI SX"]  # comma-separated layout
    assert r["journal"] == "Molecular Psychiatry" and r["journal_abbrev"] == "Mol. Psychiatry"
    assert (r["year"], r["cited_by"], r["doi"], r["pmid"]) == (2019, 3, "10.1038/s41380-018-0079-4", "29988085")
    assert list(r["countries"])[:2] == ["United States", "United Kingdom"]
    assert list(r["affiliations"])[0] == ("Center for Genomic Medicine, Massachusetts General Hospital, "
                                          "Boston, MA, United States")
    assert "Authors with affiliations" in json.loads(r["extra"])


def test_dt_bim_minimal_layout_record(corpus, corpus_read):
    df = corpus_read(corpus, "dt_bim/scopus.csv")
    r = df.iloc[0]
    assert r["title"] == "Digital tools for floating offshore wind turbines (FOWT): A state of the art"
    assert list(r["authors"]) == ["CIURIUC A", "RAPHA JI", "GUANCHE R", "DOMÍNGUEZ-GARCÍA JL"]
    assert (r["journal"], r["year"], r["cited_by"], r["doc_type"]) == ("Energy Reports", 2022, 0, "review")
    assert pd.isna(r["doi"])  # no DOI column: the DOI inside the Link is not taken as the record's DOI


def test_pubmed_csv_records(corpus, corpus_read):
    df = corpus_read(corpus, "smart_on_fhir/pubmed.csv")
    r = _record(df, pmid="27274012")
    assert r["record_id"] == "pubmed:27274012"
    assert r["title"] == "SMART-on-FHIR implemented over i2b2"
    assert list(r["authors"])[0] == "WAGHOLIKAR KB" and list(r["authors"])[-1] == "MURPHY SN"
    assert (r["journal"], r["year"], r["doi"]) == ("J Am Med Inform Assoc", 2017, "10.1093/jamia/ocw079")
    assert (r["volume"], r["issue"], r["pages"]) == ("24", "2", "398-402")
    assert pd.isna(r["cited_by"])
    assert json.loads(r["extra"])["PMCID"] == "PMC5391721"
    r = _record(df, pmid="29888095")  # "AMIA Jt Summits Transl Sci Proc. 2018 May 18;2017:369-378."
    assert (r["volume"], pd.isna(r["issue"]), r["pages"]) == ("2017", True, "369-378")


def test_pubmed_csv_anopheles_record(corpus, corpus_read):
    df = corpus_read(corpus, "anopheles/pubmed.csv")
    r = _record(df, pmid="31984558")
    assert r["title"] == "Anopheles daciae, a new country record for Finland"
    assert list(r["authors"]) == ["CULVERWELL CL", "VAPALAHTI OP", "HARBACH RE"]
    assert (r["journal"], r["year"], r["doi"]) == ("Med Vet Entomol", 2020, "10.1111/mve.12431")
    assert (r["volume"], r["issue"], r["pages"]) == ("34", "2", "145-150")


def test_wos_tab_record(corpus, corpus_read):
    df = corpus_read(corpus, "internal_fixation/wos_tab.txt")
    r = _record(df, wos_uid="WOS:000345340900006")
    assert r["record_id"] == "wos:WOS:000345340900006"
    assert r["title"] == ("Biomechanical evaluation of maxillary Lefort I fracture with bioabsorbable "
                          "osteosynthesis internal fixation")
    assert list(r["authors"]) == ["WU W", "ZHOU J", "XU CT", "ZHANG J", "JIN YJ", "SUN GL"]
    assert (r["journal"], r["journal_abbrev"]) == ("DENTAL TRAUMATOLOGY", "DENT TRAUMATOL")
    assert (r["year"], r["cited_by"], r["doi"], r["pmid"]) == (2014, 8, "10.1111/edt.12120", "25146129")
    assert (r["volume"], r["issue"], r["pages"], r["issn"]) == ("30", "6", "447-454", "1600-4469; 1600-9657")
    assert list(r["affiliations"]) == ["Tianjin Med Univ Gen Hosp, Dept Stomatol, Tianjin 300052, Peoples R China"]
    assert list(r["countries"]) == ["China"]
    assert "finite element" in list(r["author_keywords"])
    assert list(r["subject_categories"]) == ["Dentistry, Oral Surgery & Medicine"]
    assert json.loads(r["extra"])["JI"] == "Dent. Traumatol."


# ------------------------------------------------------------------------------------ Publish or Perish

def test_pop_google_scholar(api_samples):
    df = bibtwin.read(api_samples / "pop_dao_negiiirah" / "google_scholar.csv")
    assert len(df) == 981 and (df["database"] == "scholar").all() and df["record_id"].is_unique
    r = df.iloc[0]
    # the cites id from CitesURL; records without citations get it from the "related:" id instead
    assert r["record_id"] == "scholar:12656041895707268466"
    assert list(r["authors"]) == ["ALIMOĞLU A", "ÖZTURAN C"]
    assert (r["year"], r["cited_by"]) == (2017, 12)
    assert r["title"] == "Design of a smart contract based autonomous organization for sustainable software"
    cut = df[df["source_record"] == 3].iloc[0]  # "S Angieri, A García-Martínez, B Liu…"
    assert list(cut["authors"]) == ["ANGIERI S", "GARCÍA-MARTÍNEZ A", "LIU B"]


def test_pop_scopus_and_crossref_sources(api_samples):
    df = bibtwin.read(api_samples / "pop_dao_negiiirah" / "scopus.csv")
    assert len(df) == 8 and (df["database"] == "scopus").all()
    r = df.iloc[0]
    # the Scopus id is kept as the EID, but the record id cannot collide with a real Scopus export's
    assert (r["record_id"], r["eid"]) == ("pop:2-s2.0-85044579220", "2-s2.0-85044579220")
    assert (list(r["authors"]), r["cited_by"], r["pages"]) == (["ZAMANI ED"], 49, "637-652")
    assert r["doi"] == "10.1108/imds-05-2017-0231"
    df = bibtwin.read(api_samples / "pop_crossref_chemeng" / "PoPCites.csv")
    assert len(df) == 200 and (df["database"] == "crossref").all()
    # counted with the csv module: 32 rows have non-zero Cites, 144 in all (not "all 0" as PROVENANCE says)
    assert df["doi"].notna().all() and int(df["cited_by"].sum()) == 144 and int((df["cited_by"] > 0).sum()) == 32
    r = df.iloc[1]
    assert (r["title"], r["doc_type"], r["pages"]) == ("Chapter 1. Introduction to Sulfur Chemical Biology",
                                                       "book_chapter", "5-22")


# ----------------------------------------------------------------------------------- hand-made fixtures

def test_scopus_current_layout_fixture(delim):
    df = bibtwin.read(delim / "scopus_small.csv")
    assert list(df["record_id"]) == ["scopus:2-s2.0-85100000001", "scopus:2-s2.0-85100000002",
                                     "scopus:2-s2.0-85100000003"]
    first, second, third = (df.iloc[i] for i in range(3))
    assert list(first["authors"]) == ["MÜLLER K", "DUPRÉ A-M"]
    assert list(first["author_full_names"]) == ["Müller, Klaus", "Dupré, Anne-Marie"]
    assert list(first["references"]) == ["Smith J., Doe A., Title one, J. Inf., 3, pp. 1-2, (2019)",
                                         "Brown B., Title two, Proc. Conf., (2020)"]
    assert list(first["subject_categories"]) == ["Computer Science", "Medicine"]
    assert list(first["countries"]) == ["Switzerland"]
    assert first["abstract"] == 'Electronic records, "interoperable" by design.'
    assert (second["cited_by"], second["pages"], second["language"]) == (0, "e12", "French")
    assert pd.isna(second["abstract"])  # "[No abstract available]"
    assert list(third["authors"]) == []  # "[No author name available]"
    assert json.loads(first["extra"]) == {"Source": "Scopus"}


def test_scopus_old_layout_fixture(delim):
    df = bibtwin.read(delim / "scopus_old_layout.csv")
    assert list(df["authors"].iloc[0]) == ["MERINO J", "DASHTI HS", "DE VRIES PS"]
    assert df["funding"].iloc[0] == "Funded by NIH.; Also by MRC."
    assert list(df["cited_by"]) == [3, 0]
    assert df["open_access"].iloc[0] == "Open Access"




def test_lens_fixture(delim):
    df = bibtwin.read(delim / "lens_small.csv")
    assert list(df["record_id"]) == ["lens:000-123-456-789-01X", "lens:001-999-888-777-66X"]
    r = df.iloc[0]
    assert list(r["authors"]) == ["DOE JA", "VAN DER BERG J", "WEI L"]  # given names first in Lens
    assert list(r["author_full_names"]) == ["Doe, Jane A.", "van der Berg, Jan", "Wei, Li"]
    assert (r["year"], r["cited_by"], r["doi"], r["pages"]) == (2019, 42, "10.1186/s12936-019-2700-1", "45-52")
    assert list(r["mesh_terms"]) == ["Animals", "Mosquito Control", "Malaria/prevention & control"]
    assert (r["doc_type"], r["open_access"]) == ("article", "true; gold; cc-by")
    assert json.loads(r["extra"])["PMCID"] == "PMC6419358"
    assert pd.isna(df["cited_by"].iloc[1])  # empty Citing Works Count: unknown


def test_dimensions_fixture(delim):
    df = bibtwin.read(delim / "dimensions_small.csv")  # the "About the data" line above the header
    assert list(df["record_id"]) == ["dimensions:pub.1130000001", "dimensions:pub.1130000002"]
    r = df.iloc[0]
    assert list(r["authors"]) == ["SMITH J", "DOE J"]
    assert list(r["countries"]) == ["United Kingdom", "Switzerland"]
    assert list(r["affiliations"]) == ["University of Cambridge", "ETH Zurich"]
    assert (r["year"], r["cited_by"], r["pages"], r["journal"]) == (2020, 25, "103001", "Automation in Construction")
    assert list(r["subject_categories"]) == ["40 Engineering", "4005 Civil Engineering"]
    assert list(df["source_record"]) == [1, 2]
    assert list(df["countries"].iloc[1]) == ["Chile"]


def test_wos_tab_trailing_tab_and_early_access(delim):
    df = bibtwin.read(delim / "wos_trailing_tab.txt")
    assert list(df["record_id"]) == ["wos:WOS:000345340900006", "wos:WOS:001100000000001"]
    assert df["title"].iloc[0] == 'A "quoted" title'  # WoS does not quote: '"' is text
    # semicolons inside the bracketed author lists do not split affiliations
    assert list(df["affiliations"].iloc[0]) == ["Tianjin Med Univ, Tianjin 300052, Peoples R China",
                                                "Harvard Med Sch, Boston, MA 02115 USA"]
    assert list(df["year"]) == [2014, 2024]  # record 2: no PY, early access "JAN 2024"
    assert "unnamed column 14" not in df["extra"].iloc[0]


# ------------------------------------------------------------------------------------------ bad input

def test_header_only_is_empty(delim):
    with pytest.raises(EmptyFileError, match="no records") as err:
        bibtwin.read(delim / "header_only.csv")
    assert err.value.line == 2


def test_duplicate_columns(delim):
    with pytest.raises(DuplicateColumnsError) as err:
        bibtwin.read(delim / "duplicate_columns.csv")
    assert (err.value.line, err.value.found) == (1, "Title")


def test_missing_required_columns(delim):
    with pytest.raises(MissingColumnsError) as err:
        bibtwin.read(delim / "missing_title.csv", format="scopus_csv")
    assert "Title" in err.value.expected and "missing_title.csv" in str(err.value)


def test_row_with_wrong_field_count_is_rejected_with_its_line(delim):
    loaded = load(delim / "wrong_field_count.csv")
    assert list(loaded.records["source_record"]) == [1, 3]
    assert loaded.report.records_read == 3
    [rejected] = loaded.report.rejected
    assert (rejected["source_record"], rejected["line"]) == (2, 3)
    assert "expected 5 fields" in rejected["reason"] and "found 4" in rejected["reason"]
    with pytest.warns(UserWarning, match="1 record"):
        bibtwin.read(delim / "wrong_field_count.csv")


def test_rejected_row_line_counts_multiline_fields(tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text('"Title","EID"\n"A title\nover two lines","2-s2.0-1"\n"short"\n"B","2-s2.0-2"\n',
                    encoding="utf-8")
    loaded = load(path, format="scopus_csv")
    assert loaded.report.rejected[0]["line"] == 4 and loaded.report.rejected[0]["source_record"] == 2
    assert list(loaded.records["title"]) == ["A title over two lines", "B"]


def test_truncated_last_record(delim):
    with pytest.raises(TruncatedRecordError) as err:
        bibtwin.read(delim / "truncated.csv")
    assert (err.value.line, err.value.record) == (3, 2)
    assert isinstance(err.value, ParseError)


# ---------------------------------------------------------------------------------------- detection

@pytest.mark.parametrize("head,expected", [
    ('"Authors","Title","Year","Source title","EID"\n', "scopus_csv"),
    ("Authors,Title,Year,Source title,Cited by,Link\n", "scopus_csv"),
    ("PMID,Title,Authors,Citation,First Author,Journal/Book,Publication Year\n", "pubmed_csv"),
    ("PT\tAU\tTI\tSO\tUT\n", "wos_tab"),
    ('"Lens ID","Title","Source Title"\n', "lens_csv"),
    ('"About the data: Exported on Nov 29, 2026."\n"Rank","Publication ID","Title","Source title"\n',
     "dimensions_csv"),
    ('"Rank","Publication ID","DOI","Title","Source title","PubYear","Times cited"\n', "dimensions_csv"),
    ("Cites,Authors,Title,Year,Source,Publisher,ArticleURL,CitesURL,GSRank\n", "pop_csv"),
    ("Title,Year\n", None),
    ("TY  - JOUR\nTI  - x\nER  - \n", None),
    ("a\tb\tc\n", None),
])
def test_sniff(head, expected):
    assert delimited.sniff(head) == expected


def test_detect_format_on_real_files(corpus, api_samples):
    for name, fmt in CORPUS_FILES.items():
        assert detect_format(read_text(corpus / name)) == fmt, name
    for name in ("pop_dao_negiiirah/google_scholar.csv", "pop_crossref_chemeng/PoPCites.csv"):
        assert detect_format(read_text(api_samples / name)) == "pop_csv", name


# --------------------------------------------------------------------------------------- extra JSON

def test_vectorized_extra_matches_io_extra_json():
    import pyarrow as pa
    values = {"b": ['x\x01y"\\\n\t', None, "", "plain"], "a": ["é\u2028", None, None, "  "]}
    mine = delimited.json_objects({k: pa.array(v, pa.string()) for k, v in values.items()}).to_pylist()
    expected = extra_json(pd.DataFrame(values), ["a", "b"]).astype(object).where(lambda s: s.notna(), None)
    assert mine == expected.tolist()


def test_parse_takes_text_not_files(delim):
    text = Text(text=(delim / "scopus_small.csv").read_text(encoding="utf-8"), encoding="utf-8",
                path="in-memory.csv")
    result = delimited.parse(text, "scopus_csv")
    assert len(result.records) == 3 and result.rejected == []


@pytest.mark.parametrize("values", [
    ["2020", "1999", None, "0999", "3000", "2099", "2100", "1000"],   # bare years, some implausible
    ["2020", "-2020"], ["2020 ", "2020"], ["12345", "2020"], ["\u0662\u0660\u0662\u0660", "2020"],
    ["May 2020", "2020"], [None, None],
])
def test_year_column_read_as_numbers_gives_what_the_pattern_gives(values):
    import pyarrow as pa
    import pyarrow.compute as pc

    from bibtwin.readers.delimited import _extract, _year

    arr = pa.array(values, pa.string())
    by_pattern = pc.cast(_extract(arr, r"\b(?P<year>1\d{3}|20\d{2})\b"), pa.int64())
    assert _year(arr).to_pylist() == by_pattern.to_pylist()


@pytest.mark.parametrize("values, zero, unknown", [
    (["12", None, "007"], [12, 0, 7], [12, None, 7]),                   # digits or nothing: cast
    ([None, None], [0, 0], [None, None]),
    (["1,200", " 5 ", "n/a", "", "-3", None], [1200, 5, None, 0, None, 0], [1200, 5, None, None, None, None]),
])
def test_citation_counts_empty_is_zero_or_unknown(values, zero, unknown):
    import pyarrow as pa

    from bibtwin.readers.delimited import _count

    arr = pa.array(values, pa.string())
    assert _count(arr, empty_is_zero=True).to_pylist() == zero
    assert _count(arr, empty_is_zero=False).to_pylist() == unknown
