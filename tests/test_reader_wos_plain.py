"""Web of Science plain-text reader (``bibtwin.readers.wos_plain``): real exports against FACTS.json,
hand-checked records, our own fixtures, and bad input."""
from __future__ import annotations

import json

import pytest

import bibtwin
from bibtwin.errors import EmptyFileError, EncodingError, ParseError
from bibtwin.io import load
from bibtwin.readers import wos_plain


def test_gut_microbiome_first_record(corpus):
    r = bibtwin.read(corpus / "gut_microbiome/wos_savedrecs.txt").iloc[0]   # UTF-8 BOM before FN
    assert r["record_id"] == "wos:WOS:000961937800001"
    assert r["title"] == "Link of Gut Microbiome with Risk of 2 Diabetes Mellitus"
    assert r["authors"] == ["ALKHAMMASH AM", "ALSHEHRI WA", "ALHOZALI AM", "BAHIELDIN A"]
    assert r["author_full_names"][0] == "Alkhammash, Alhanouf M."
    assert r["journal"] == "JOURNAL OF CONTEMPORARY MEDICAL SCIENCES"
    assert r["doi"] == "10.22317/jcms.v8i6.1305" and r["year"] == 2022 and r["cited_by"] == 0
    # DE wraps after "microbial": joined with a space before splitting
    assert r["author_keywords"] == ["Gastrointestinal microbiome", "diabetes mellitus", "type 2",
                                    "microbial metabolites", "epigenomics"]
    assert r["index_keywords"][:2] == ["CHAIN FATTY-ACIDS", "RNA GENE DATABASE"]
    assert r["affiliations"][0] == "King Abdulaziz Univ, Fac Sci, Dept Biol Sci, Jeddah, Saudi Arabia."
    assert r["countries"] == ["Saudi Arabia"]
    assert r["references"][0] == "Allin KH, 2015, EUR J ENDOCRINOL, V172, pR167, DOI 10.1530/EJE-14-0874"
    assert json.loads(r["extra"])["C3"] == "King Abdulaziz University; University of Jeddah; King Abdulaziz University"


def test_internal_fixation_first_record(corpus):
    r = bibtwin.read(corpus / "internal_fixation/wos_plain.txt").iloc[0]
    assert r["record_id"] == "wos:WOS:000345340900006"
    assert r["title"] == ("Biomechanical evaluation of maxillary Lefort I fracture with bioabsorbable "
                          "osteosynthesis internal fixation")
    assert r["authors"][0] == "WU W" and r["journal"] == "DENTAL TRAUMATOLOGY"
    assert r["journal_abbrev"] == "DENT TRAUMATOL"
    assert r["doi"] == "10.1111/edt.12120" and r["year"] == 2014 and r["cited_by"] == 8
    assert r["pmid"] == "25146129" and r["pages"] == "447-454"
    assert r["issn"] == "1600-4469; 1600-9657"
    assert "maxillary fractures" in r["author_keywords"]
    assert r["subject_categories"] == ["Dentistry, Oral Surgery & Medicine"]
    assert r["affiliations"] == ["Tianjin Med Univ Gen Hosp, Dept Stomatol, Tianjin 300052, Peoples R China."]
    assert r["countries"] == ["China"]


def test_fixture_fields(fixtures):
    df = bibtwin.read(fixtures / "wos_plain/two_records.txt")
    first, early = df.iloc[0], df.iloc[1]
    assert first["title"] == "Biomechanics of bioabsorbable plates: a hand-made test record whose title wraps"
    assert first["authors"] == ["WU W", "ZHOU J", "MÜLLER J"]
    assert first["author_full_names"] == ["Wu, Wei", "Zhou, Jiang", "Müller, Jörg"]
    assert first["author_keywords"] == ["bioabsorbable materials", "finite element", "internal fixation"]
    assert first["affiliations"] == ["Tianjin Med Univ Gen Hosp, Dept Stomatol, Tianjin 300052, Peoples R China.",
                                     "Charite Univ Med Berlin, Berlin, Germany."]
    assert first["countries"] == ["China", "Germany"]
    assert first["subject_categories"] == ["Dentistry, Oral Surgery & Medicine", "Surgery"]
    assert first["funding"] == ("National Natural Science Foundation of China [81000000]; This work was "
                                "supported by a made-up grant.")
    assert first["corresponding_address"].startswith("Wu, W (corresponding author), Tianjin")
    assert first["references"][1] == "Alberts LR, 2003, J ORAL MAXIL SURG, V61, P79"
    assert first["doi"] == "10.1111/edt.12120" and first["publisher"] == "WILEY"
    extra = json.loads(first["extra"])
    assert extra["Z9"] == "9" and extra["SC"] == "Dentistry, Oral Surgery & Medicine; Surgery"
    assert extra["C3"] == "Tianjin Medical University; Charite Universitatsmedizin Berlin"
    # no PY: the early-access year, EA kept in extra; no BP: the article number
    assert early["year"] == 2023 and json.loads(early["extra"])["EA"] == "MAR 2023"
    assert early["pages"] == "1169476" and early["cited_by"] == 0 and early["open_access"] == "gold"
    assert early["doc_type"] == "article"


def test_cut_off_record_is_rejected(fixtures):
    loaded = load(fixtures / "wos_plain/cut_off.txt")
    assert loaded.records["record_id"].tolist() == ["wos:WOS:000000000000001"]
    assert loaded.report.rejected == [{"source_record": 2, "line": 57, "identifier": "A record cut off before its",
                                       "reason": "record cut off: the file ends before its 'ER' line"}]
    with pytest.warns(UserWarning, match="1 record"):
        bibtwin.read(fixtures / "wos_plain/cut_off.txt")


def test_header_only_is_empty(fixtures):
    with pytest.raises(EmptyFileError, match="no Web of Science records"):
        bibtwin.read(fixtures / "wos_plain/header_only.txt")


def test_sniff():
    assert wos_plain.sniff("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\n") == "wos_plain"
    assert wos_plain.sniff("FN Thomson Reuters Web of Science\nVR 1.0\n") == "wos_plain"
    assert wos_plain.sniff("PT J\nAU Wu, W\nTI x\nER\n") == "wos_plain"
    assert wos_plain.sniff("PT\tAU\tBA\tBE\n") is None           # tab-delimited WoS
    assert wos_plain.sniff("PMID- 1\nTI  - x\n") is None


def test_bad_input(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"   \n")
    with pytest.raises(EmptyFileError):
        bibtwin.read(empty)
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"FN x\nVR 1.0\n" + bytes(range(1, 32)) * 20)
    with pytest.raises(EncodingError):
        bibtwin.read(junk)
    corrupt = tmp_path / "corrupt.txt"
    corrupt.write_text("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI fine\nlowercase junk\nER\nEF\n")
    with pytest.raises(ParseError, match=r"line 5: line is not a Web of Science field.*lowercase junk"):
        bibtwin.read(corrupt)


def test_concatenated_exports_read_as_one(fixtures, tmp_path):
    text = (fixtures / "wos_plain/two_records.txt").read_text(encoding="utf-8-sig")
    both = tmp_path / "both.txt"
    both.write_text(text + text, encoding="utf-8")
    df = bibtwin.read(both)
    assert df["record_id"].tolist() == ["wos:WOS:000000000000001", "wos:WOS:000000000000002",
                                        "wos:WOS:000000000000001#2", "wos:WOS:000000000000002#2"]
