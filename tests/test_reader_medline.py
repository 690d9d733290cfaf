"""PubMed MEDLINE reader (``bibtwin.readers.medline``): real exports against FACTS.json, hand-checked
records, our own fixtures, and bad input.

Parser choice, measured on this machine (2 shared cores; best of 3; parse step only, 50 concatenated copies
of ``gut_microbiome/pubmed_medline.txt`` = 7,000 records, 43 MB): ``Bio.Medline.parse`` 0.87 s to produce
dicts (columns still to build), this reader 0.83 s to produce the finished columns. Biopython also keeps
the record cut off at the end of ``medline_test.medline`` without any sign, so the reader is our own.
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

import bibtwin
from bibtwin.errors import EmptyFileError, EncodingError, ParseError
from bibtwin.io import load
from bibtwin.readers import medline
from bibtwin.textio import decode


def test_gut_microbiome_first_record(corpus):
    df = bibtwin.read(corpus / "gut_microbiome/pubmed_medline.txt")   # CRLF file
    r = df.iloc[0]
    assert r["record_id"] == "pubmed:31281534" and r["pmid"] == "31281534"
    assert r["title"] == ("Integrated microbiome and metabolome analysis reveals a novel interplay between "
                          "commensal bacteria and metabolites in colorectal cancer.")
    assert r["authors"][0] == "YANG Y"
    assert r["author_full_names"][0] == "Yang, Yongzhi"
    assert r["journal"] == "Theranostics" and r["journal_abbrev"] == "Theranostics"
    assert r["doi"] == "10.7150/thno.35186"
    assert r["year"] == 2019
    assert (r["volume"], r["issue"], r["pages"]) == ("9", "14", "4101-4114")
    assert r["doc_type_raw"] == "Journal Article; Research Support, Non-U.S. Gov't"
    assert "Colorectal Neoplasms/metabolism/microbiology" in r["mesh_terms"]
    assert "Microbiota/genetics/physiology" in r["mesh_terms"]
    assert "colorectal cancer" in r["author_keywords"]
    assert r["countries"][:2] == ["China", "United States"]
    assert not any("\r" in a for a in r["affiliations"])
    assert pd.isna(r["cited_by"])


def test_ortho_nbib_first_record(corpus):
    df = bibtwin.read(corpus / "ortho_reviews/pubmed.nbib")   # starts with a blank line
    r = df.iloc[0]
    assert r["record_id"] == "pubmed:30514039"
    assert r["title"] == ("[Feasibility study of preoperative percutaneous catheter drainage in the "
                          "treatment of lumbar tuberculosis with psoas abscess].")
    assert r["authors"][:2] == ["LAI Z", "SHI SY"]
    assert r["journal_abbrev"] == "Zhongguo Gu Shang"
    assert r["doi"] == "10.3969/j.issn.1003-0034.2018.11.004"
    assert r["year"] == 2018
    assert "Psoas abscess" in r["author_keywords"]
    assert r["countries"] == ["China"]
    # five authors share one address: listed once (the first AD carries the e-mail, so it differs)
    assert len(r["affiliations"]) == 2


def test_truncated_last_record_is_kept_with_warning(api_samples):
    path = api_samples / "medline_metaknowledge/medline_test.medline"
    loaded = load(path)
    df = loaded.records
    assert len(df) == 175 and loaded.report.rejected == []
    last = df.iloc[-1]
    assert last["pmid"] == "26153366" and last["year"] == 2016
    assert last["title"].endswith("expression of this gene in the endometriu")
    assert len(loaded.report.warnings) == 1
    assert "record 175 (line 14925)" in loaded.report.warnings[0] and "cut off" in loaded.report.warnings[0]


@pytest.mark.parametrize("name, n", [("medline_hospitals_zelcofir/pubmed.txt", 10),
                                     ("medline_pybibx_crlf/mcda_pubmed.txt", 10),
                                     ("pubmed_biopython/pubmed_result1.txt", 1),
                                     ("pubmed_biopython/pubmed_result2.txt", 4),
                                     ("pubmed_biopython/pubmed_result3.txt", 1)])
def test_api_samples_read_completely(api_samples, name, n):
    loaded = load(api_samples / name)
    assert len(loaded.records) == n
    assert loaded.report.warnings == [] and loaded.report.rejected == []
    assert loaded.records["pmid"].notna().all() and loaded.records["year"].notna().all()
    assert loaded.records["cited_by"].isna().all()


def test_fixture_fields(fixtures):
    df = bibtwin.read(fixtures / "medline/three_records.txt")
    first, second, book = (df.iloc[i] for i in range(3))
    assert first["title"] == ("Gut microbiota and colorectal cancer: a hand-made test record that wraps "
                              "onto a second line.")
    assert first["abstract"] == ("Background: this abstract is made up for the test. It wraps onto a "
                                 "second line too.")
    # LID is the [pii]; the DOI comes from the AID ending [doi]
    assert first["doi"] == "10.1000/test.2021.001"
    assert first["year"] == 2021
    assert first["authors"] == ["MÜLLER J", "ECKARDT JN"]
    assert first["author_full_names"] == ["Müller, Jörg", "Eckardt, Jan-Niklas"]
    assert first["affiliations"] == ["Department of Surgery, Charité, Berlin, Germany.",
                                              "Institute of Pathology, Uppsala University, Uppsala, Sweden."]
    assert first["countries"] == ["Germany", "Sweden"]
    assert first["mesh_terms"] == ["Colorectal Neoplasms/microbiology", "Humans",
                                            "Neoplasms/genetics/pathology"]
    assert first["author_keywords"] == ["gut microbiome", "colorectal cancer"]
    assert first["issn"] == "1234-5678 (Electronic); 1234-5678 (Linking)"
    assert first["doc_type_raw"] == "Journal Article; Review" and first["doc_type"] == "review"
    assert first["funding"] == "R01 CA000001/CA/NCI NIH HHS/United States"
    assert first["journal"] == "Test journal of microbiome research"
    extra = json.loads(first["extra"])
    assert extra["DP"] == "2021 Mar 15" and extra["EDAT"] == "2021/01/02 06:00"
    assert extra["AID"] == ["S0000-0000(21)00001-2 [pii]", "10.1000/TEST.2021.001 [doi]"]
    # several affiliations in one AD line are kept as given
    assert second["affiliations"] == ["Harvard Medical School, Boston, MA 02115, USA; Broad "
                                               "Institute, Cambridge, MA, USA."]
    assert second["language"] == "eng; fre" and pd.isna(second["doi"])
    assert book["title"] == "Handbook of test chapters" and book["doc_type"] == "book"
    assert book["publisher"] == "Test Press" and book["doi"] == "10.1000/book.2018"
    assert "Test Consortium" in book["extra"]


def test_cut_off_record_without_pmid_is_rejected(fixtures):
    loaded = load(fixtures / "medline/cut_off.txt")
    assert loaded.records["record_id"].tolist() == ["pubmed:90000011"]
    assert loaded.report.rejected == [{"source_record": 2, "line": 9, "identifier": None,
                                       "reason": "record cut off: the file ends before its SO tag and it "
                                                 "has no PMID"}]
    with pytest.warns(UserWarning, match="1 record"):
        bibtwin.read(fixtures / "medline/cut_off.txt")


def test_sniff():
    assert medline.sniff("\nPMID- 123\nOWN - NLM\n") == "medline"
    assert medline.sniff("PMID- 123\nTI  - x\n") == "medline"
    assert medline.sniff("TY  - JOUR\nTI  - x\nER  - \n") is None            # RIS has the same shape
    assert medline.sniff("FN Clarivate Analytics Web of Science\nVR 1.0\n") is None


def test_bad_input(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFileError):
        bibtwin.read(empty)
    junk = tmp_path / "junk.nbib"
    junk.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(EncodingError):
        bibtwin.read(junk)
    corrupt = tmp_path / "corrupt.nbib"
    corrupt.write_text("PMID- 1\nTI  - fine\nthis line is no field\nSO  - x\n\nPMID- 2\nSO  - y\n")
    with pytest.raises(ParseError, match=r"line 3: line is not a MEDLINE field.*this line is no field"):
        bibtwin.read(corrupt)


def test_text_without_fields_is_empty_error():
    with pytest.raises(EmptyFileError, match="no MEDLINE records"):
        medline.parse(decode(b"\nnot a field\n", "x.txt"), "medline")
