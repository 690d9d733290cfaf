"""RIS reader: the real Scopus RIS export against FACTS.json, hand-made Embase/Ovid/Zotero/Scopus fixtures
(tests/fixtures/ris/README.md says how they were made) and bad input.

Timing on the real file (2 shared cores): ``bibtwin.read`` of ibs_permeability/scopus.ris (411 records,
1.7 MB) takes about 0.45 s, of which ``ris.parse`` is about 0.2 s and the shared ``finish`` the rest.
"""
from __future__ import annotations

import json

import pytest

import bibtwin
from bibtwin.errors import EmptyFileError, EncodingError, ParseError, TruncatedRecordError
from bibtwin.readers import ris
from bibtwin.textio import Text

REAL = "ibs_permeability/scopus.ris"


@pytest.fixture(scope="module")
def scopus_ris(corpus):
    return bibtwin.read(corpus / REAL)


def _records(fixtures, name):
    return bibtwin.read(fixtures / "ris" / name)


# ------------------------------------------------------------------------------------------- real file




def test_real_file_is_sniffed_as_scopus_and_complete(scopus_ris, corpus):
    loaded = bibtwin.load(corpus / REAL)
    assert loaded.report.format == "scopus_ris"
    assert loaded.report.rejected == [] and loaded.report.warnings == []
    assert (scopus_ris["database"] == "scopus").all()
    assert scopus_ris["record_id"].str.startswith("scopus:2-s2.0-").all()
    # affiliations: the file has 1518 AD lines, all kept (rispy keeps one per record)
    assert scopus_ris["affiliations"].list.len().sum() == 1518
    assert scopus_ris["author_keywords"].list.len().sum() == 21423   # KW lines


def test_real_file_first_record_by_hand(scopus_ris):
    # checked against the first record of the file (lines 1-47)
    r = scopus_ris.iloc[0]
    assert r["title"] == ("Rome III Criteria Capture Higher Irritable Bowel Syndrome SNP-Heritability and "
                          "Highlight a Novel Genetic Link with Cardiovascular Traits")
    assert list(r["authors"])[:2] == ["CAMARGO TAVARES L", "LOPERA-MAYA EA"]
    assert len(r["authors"]) == 9 and r["authors"][-1] == "D'AMATO M"
    assert r["journal"] == "Cellular and Molecular Gastroenterology and Hepatology"
    assert r["journal_abbrev"] == "Cell. Mol. Gastroenterol. Hepatol."
    assert r["doi"] == "10.1016/j.jcmgh.2024.04.002"
    assert r["year"] == 2024 and r["volume"] == "18" and r["issue"] == "2"
    assert r["pages"] == "101345"          # C7 article number, no SP/EP
    assert r["cited_by"] == 0              # "Cited By: 0" in N1
    assert r["eid"] == "2-s2.0-85194543965" and r["record_id"] == "scopus:2-s2.0-85194543965"
    assert r["pmid"] == "38643935"         # C2
    assert r["issn"] == "2352345X"         # "2352345X (ISSN)"
    assert r["doc_type_raw"] == "Article" and r["doc_type"] == "article"
    assert "Genome-Wide Association Study" in list(r["author_keywords"])
    assert list(r["countries"]) == ["Australia", "Netherlands", "Italy", "Spain"]
    assert r["corresponding_address"].startswith("L. Camargo Tavares; School of Biological Sciences")
    assert json.loads(r["extra"]) == {"N1": "Export Date: 17 July 2024", "TY": "JOUR"}


# ---------------------------------------------------------------------------------------------- sniff


def test_sniff():
    assert ris.sniff("TY  - JOUR\nDB  - Scopus\nER  - \n") == "scopus_ris"
    assert ris.sniff("TY  - JOUR\nUR  - https://www.scopus.com/inward/record.uri?eid=2-s2.0-1\n") == "scopus_ris"
    assert ris.sniff("\n\nTY  - JOUR\nDB  - Embase\nER  - \n") == "ris"
    assert ris.sniff("PMID- 123\nTI  - A title\n") is None          # MEDLINE shares the tag layout
    assert ris.sniff("@article{x, title={TY  - JOUR}}") is None
    assert ris.sniff("Authors,Title\nA,B\n") is None


# ------------------------------------------------------------------------------------------- fixtures


def test_embase_fixture(fixtures):
    df = _records(fixtures, "embase.ris")
    assert len(df) == 3
    a, b, c = (df.iloc[i] for i in range(3))
    assert (df["database"] == "embase").all() and (df["source_format"] == "ris").all()
    assert a["record_id"] == "embase:2018234567" and b["record_id"] == "embase:2020345678"
    assert c["record_id"].startswith("embase:h")                      # no AN, no PMID: content hash
    assert a["title"].startswith("Intestinal permeability in patients")
    assert list(a["authors"]) == ["MÜLLER AK", "O'BRIEN S", "GARCÍA-LÓPEZ J"]
    assert list(a["author_full_names"])[0] == "Müller, Anna K."
    assert a["year"] == 2019                                           # Y1 "2019//"
    # N2 wraps over three lines; continuation lines are joined with a space
    assert a["abstract"].startswith("Background: Increased intestinal permeability has been reported in "
                                    "irritable bowel syndrome (IBS). Methods:")
    assert a["abstract"].endswith("Permeability was higher in IBS.")
    assert a["journal"] == "Neurogastroenterology and Motility"
    assert a["journal_abbrev"] == "Neurogastroenterol. Motil."
    assert a["issn"] == "1350-1925; 1365-2982 (electronic)"
    assert (a["volume"], a["issue"], a["pages"]) == ("31", "4", "e13512")
    assert a["doc_type_raw"] == "Article" and b["doc_type"] == "conference_paper"
    assert a["pmid"] == "30667116" and a["doi"] == "10.1111/nmo.13512"
    assert list(a["countries"]) == ["Germany", "Ireland"]
    assert "*irritable colon" in list(a["author_keywords"])
    assert pd_na(a["cited_by"])                                        # Embase gives no counts
    assert json.loads(a["extra"])["U2"] == "L2018234567"
    assert b["pages"] == "312-313" and b["journal"] == "United European Gastroenterology Journal"
    # a DOI written in M3 is the DOI; the type falls back to TY
    assert c["doi"] == "10.1136/gutjnl-2020-000000" and c["doc_type_raw"] == "JOUR"


def pd_na(value) -> bool:
    import pandas as pd
    return value is pd.NA or pd.isna(value)


def test_ovid_and_zotero_fixture(fixtures):
    df = _records(fixtures, "ovid_zotero.ris")
    ovid, zotero = df.iloc[0], df.iloc[1]
    assert ovid["database"] == "pubmed" and ovid["record_id"] == "pubmed:31234567"
    assert ovid["pmid"] == "31234567"
    assert ovid["doi"] == "10.1136/gutjnl-2018-317000"                 # resolver prefix removed, lower case
    assert ovid["journal"] == "Gut" and ovid["pages"] == "1000-1010"
    assert json.loads(ovid["extra"]) == {"N1": "Reviewed by the editors."}
    assert zotero["database"] == "springer link"                       # DP when there is no DB
    assert zotero["journal"] == "Journal of Gastroenterology" and zotero["journal_abbrev"] == "J Gastroenterol"
    assert zotero["year"] == 2022 and zotero["pages"] == "105234"      # C7 when no SP
    assert zotero["url"] == "https://example.org/articles/105234"
    assert json.loads(zotero["extra"]) == {"DA": "2022/03/15", "UR": "https://example.org/pdf/105234.pdf"}


def test_database_unknown_without_db_or_dp(tmp_path):
    f = tmp_path / "plain.ris"
    f.write_text("TY  - JOUR\nTI  - Alone\nAU  - Roe, R.\nPY  - 2001\nER  - \n", encoding="utf-8")
    r = bibtwin.read(f).iloc[0]
    assert r["database"] == "unknown" and r["record_id"].startswith("unknown:h")


def test_scopus_notes_fixture(fixtures):
    df = _records(fixtures, "scopus_notes.ris")
    a, b = df.iloc[0], df.iloc[1]
    assert a["cited_by"] == 521
    assert a["corresponding_address"] == ("T. Vanuytsel; Translational Research Center for Gastrointestinal "
                                          "Disorders, KU Leuven, Leuven, Herestraat 49, 3000, Belgium; "
                                          "email: tim.vanuytsel@kuleuven.be")
    assert a["funding"] == "Fonds Wetenschappelijk Onderzoek, FWO; TV is a postdoctoral fellow of the FWO."
    assert list(a["references"]) == ["Drossman, D.A., Rome III (2006) Gastroenterology, 130, pp. 1377-1390",
                                     "Camilleri, M., Leaky gut (2019) Gut, 68, pp. 1516-1526"]
    assert json.loads(a["extra"]) == {"N1": "Export Date: 17 July 2024; CODEN: GUTTA", "TY": "JOUR"}
    assert a["pages"] == "1293-1299" and a["doc_type"] == "review" and a["publisher"] == "BMJ Publishing Group"
    assert b["cited_by"] == 0            # N1 without "Cited By": 0, as an empty Scopus CSV "Cited by"
    assert b["doc_type"] == "letter"


# ------------------------------------------------------------------------------------------ bad input


def test_empty_file(tmp_path):
    f = tmp_path / "empty.ris"
    f.write_bytes(b"")
    with pytest.raises(EmptyFileError):
        bibtwin.read(f)


def test_header_only_has_no_records():
    text = Text("Provider: Elsevier\nDatabase: ScienceDirect\n\n", "utf-8", "header.ris")
    with pytest.raises(EmptyFileError) as info:
        ris.parse(text, "ris")
    assert "header.ris" in str(info.value) and "TY" in str(info.value)


def test_truncated_last_record_names_its_line(tmp_path):
    f = tmp_path / "cut.ris"
    f.write_text("TY  - JOUR\nTI  - One\nER  - \n\nTY  - JOUR\nTI  - Two\nAB  - The file ends he",
                 encoding="utf-8")
    with pytest.raises(TruncatedRecordError) as info:
        bibtwin.read(f)
    err = info.value
    assert isinstance(err, ParseError) and err.line == 5 and err.record == 2
    assert str(f) in str(err) and "ER" in str(err)


def test_missing_er_inside_the_file_keeps_both_records_with_a_warning(tmp_path):
    f = tmp_path / "no_er.ris"
    f.write_text("TY  - JOUR\nTI  - One\n\nTY  - JOUR\nTI  - Two\nER  - \n", encoding="utf-8")
    loaded = bibtwin.load(f)
    assert loaded.records["title"].tolist() == ["One", "Two"]
    assert len(loaded.report.warnings) == 1 and "line 4" in loaded.report.warnings[0]


def test_record_without_ty_is_rejected(tmp_path):
    f = tmp_path / "no_ty.ris"
    f.write_text("TY  - JOUR\nTI  - One\nER  - \n\nTI  - Orphan\nER  - \n\nTY  - JOUR\nTI  - Three\nER  - \n",
                 encoding="utf-8")
    loaded = bibtwin.load(f)
    assert loaded.records["title"].tolist() == ["One", "Three"]
    assert loaded.records["source_record"].tolist() == [1, 3]
    (rej,) = loaded.report.rejected
    assert rej["source_record"] == 2 and rej["line"] == 5 and "TY" in rej["reason"]
    assert loaded.report.records_read == 3


def test_binary_junk(tmp_path):
    f = tmp_path / "junk.ris"
    f.write_bytes(b"TY  - JOUR\n\x00\x01\x02\x03" + bytes(range(256)) * 8)
    with pytest.raises(EncodingError):
        bibtwin.read(f)
