"""BibTeX reader: the real Scopus BibTeX export against FACTS.json and against the Scopus CSV of the same
records, hand-made Scopus 2026 / Web of Science / Zotero fixtures (tests/fixtures/bibtex/README.md says how
they were made) and bad input.

Timing on the real file (2 shared cores): ``bibtwin.read`` of ukbiobank/scopus.bib (558 entries, 1.9 MB)
takes about 0.7 s: tokenizing 0.14 s, mapping 0.2 s, the shared ``finish`` the rest. bibtexparser 1.4 took
15.8 s on the same file and returned only 173 entries.
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

import bibtwin
from bibtwin.errors import EmptyFileError, EncodingError, ParseError, TruncatedRecordError, UnknownFormatError
from bibtwin.readers import bibtex
from bibtwin.textio import Text

REAL = "ukbiobank/scopus.bib"


@pytest.fixture(scope="module")
def scopus_bib(corpus):
    return bibtwin.read(corpus / REAL)


def _records(fixtures, name):
    return bibtwin.read(fixtures / "bibtex" / name)


# ------------------------------------------------------------------------------------------- real file




def test_real_file_nothing_dropped(scopus_bib, corpus):
    loaded = bibtwin.load(corpus / REAL)
    assert loaded.report.format == "scopus_bibtex"
    assert loaded.report.rejected == [] and loaded.report.records_read == 558
    # 385 entries have "funding_text\u00a01" (a no-break space in the field name): all read
    assert scopus_bib["funding"].notna().sum() == 385
    assert scopus_bib["eid"].notna().all() and scopus_bib["record_id"].str.startswith("scopus:2-s2.0-").all()


def test_real_file_first_entry_by_hand(scopus_bib):
    # checked against lines 2-14 of the file
    r = scopus_bib.iloc[0]
    assert r["title"].startswith("Genome-wide meta-analysis of macronutrient intake of 91,114 European")
    assert list(r["authors"])[:2] == ["MERINO J", "DASHTI HS"]
    assert "MÄNNISTÖ S" in list(r["authors"])
    assert r["journal"] == "Molecular Psychiatry" and r["journal_abbrev"] == "Mol. Psychiatry"
    assert r["doi"] == "10.1038/s41380-018-0079-4" and r["year"] == 2019
    assert r["cited_by"] == 3
    assert r["eid"] == "2-s2.0-85049629569" and r["pmid"] == "29988085"
    assert r["countries"][0] == "United States" and "Finland" in list(r["countries"])
    assert r["corresponding_address"].startswith("Tanaka, T.; Division of Biostatistics")
    second = scopus_bib.iloc[1]
    assert list(second["author_keywords"]) == ["Polygenic risk score", "schizophrenia", "season of birth"]




# ---------------------------------------------------------------------------------------------- sniff


def test_sniff():
    assert bibtex.sniff("\n@ARTICLE{Merino2019,\nurl={https://www.scopus.com/inward/record.uri?eid=1}}") \
        == "scopus_bibtex"
    assert bibtex.sniff("Scopus\nEXPORT DATE: 29 November 2026\n\n@ARTICLE{Smith2025,\n") == "scopus_bibtex"
    assert bibtex.sniff("@article{ WOS:000123456700001,\nAuthor = {Wu, Wei},\n") == "wos_bibtex"
    assert bibtex.sniff("@article{smith2020,\n  title = {X},\n}") == "bibtex"
    assert bibtex.sniff("TY  - JOUR\nER  - \n") is None
    assert bibtex.sniff("Authors,Title,Year\n\"a@article{\",b,2020\n") is None


# ------------------------------------------------------------------------------------------- fixtures


def test_scopus_2026_fixture(fixtures):
    loaded = bibtwin.load(fixtures / "bibtex" / "scopus_2026.bib")
    assert loaded.report.format == "scopus_bibtex" and loaded.report.rejected == []
    df = loaded.records
    a, b = df.iloc[0], df.iloc[1]
    assert a["record_id"] == "scopus:2-s2.0-85212345678" and a["eid"] == "2-s2.0-85212345678"
    assert list(a["authors"]) == ["SMITH J", "DOE J", "MÜLLER J"]        # M{\"u}ller, J{\"o}rg
    assert a["title"] == "Gut barrier & microbiota in IBS: a 10% effect"   # {\&}, {IBS}, 10\%
    assert a["year"] == 2025 and a["journal"] == "Gut Microbes" and a["journal_abbrev"] == "Gut Microbes"
    assert (a["volume"], a["issue"], a["pages"]) == ("17", "1", "2451234")
    assert a["doi"] == "10.1080/19490976.2025.2451234"
    assert a["cited_by"] == 12 and a["open_access"] == "All Open Access; Gold Open Access"
    assert list(a["countries"]) == ["United Kingdom", "Austria"]
    assert list(a["author_keywords"]) == ["gut barrier", "IBS", "microbiota"]
    assert list(a["index_keywords"]) == ["Humans", "Intestinal Mucosa", "Permeability"]
    assert a["corresponding_address"].startswith("J. Smith; Department of Medicine")
    assert (a["issn"], a["pmid"], a["language"]) == ("19490976", "39812345", "English")
    assert a["publisher"] == "Taylor and Francis Ltd." and a["doc_type"] == "article"
    assert a["abstract"] == "Background: the gut barrier matters. Results: it does."
    assert json.loads(a["extra"]) == {"publication_stage": "Final"}
    assert b["cited_by"] == 0                        # no count in the note: 0, as in Scopus CSV
    assert b["pages"] == "45-48" and b["doc_type"] == "conference_paper" and b["year"] == 2026
    assert b["title"] == "Measuring permeability in vivo"
    assert json.loads(b["extra"]) == {"art_number": "9", "coden": "PEMBC", "note": "Conference of the IEEE EMBS",
                                      "publication_stage": "Final"}


def test_wos_fixture(fixtures):
    loaded = bibtwin.load(fixtures / "bibtex" / "wos.bib")
    assert loaded.report.format == "wos_bibtex"
    df = loaded.records
    a, b = df.iloc[0], df.iloc[1]
    assert (df["database"] == "wos").all()
    assert a["record_id"] == "wos:WOS:000123456700001" and a["wos_uid"] == "WOS:000123456700001"
    # "Zhou,\n   Jiang" is broken across lines: still one author (bibliometrix makes two of it)
    assert list(a["authors"]) == ["WU W", "ZHOU J", "GARCIA-LOPEZ MJ", "VAN DER BERG A"]
    assert list(a["author_full_names"]) == ["Wu, Wei", "Zhou, Jiang", "Garcia-Lopez, Maria Jose",
                                            "van der Berg, Anne"]
    assert a["title"] == "Bibliometric analysis of intestinal permeability research: trends and hotspots"
    assert a["journal"] == "FRONTIERS IN MEDICINE" and a["journal_abbrev"] == "Front. Med."
    assert (a["year"], a["volume"], a["issue"], a["pages"]) == (2023, "10", "2", "112-120")
    assert a["doi"] == "10.3389/fmed.2023.1234567" and a["cited_by"] == 7
    assert a["corresponding_address"] == ("Zhou, J (Corresponding Author), Zhejiang Univ, Sch Med, "
                                          "Hangzhou 310058, Peoples R China")
    assert len(a["affiliations"]) == 3 and list(a["countries"]) == ["China", "Spain", "Netherlands"]
    assert list(a["author_keywords"]) == ["intestinal permeability", "bibliometrics", "CiteSpace",
                                          "irritable bowel syndrome"]
    assert list(a["index_keywords"]) == ["TIGHT JUNCTIONS", "BARRIER FUNCTION"]
    assert list(a["subject_categories"]) == ["Medicine, General & Internal"]
    assert len(a["references"]) == 3
    assert a["references"][1] == "Camilleri M, 2019, GUT, V68, P1516, DOI 10.1136/gutjnl-2019-318427"
    assert a["funding"] == ("National Natural Science Foundation of China [81970123]; This work was "
                            "supported by the National Natural Science Foundation of China.")
    assert a["open_access"] == "gold, Green Published" and a["publisher"] == "FRONTIERS MEDIA SA"
    extra = json.loads(a["extra"])
    assert extra["research-areas"] == "General & Internal Medicine"
    assert extra["usage-count-since-2013"] == "25" and extra["month"] == "MAR 15"
    # only an early-access date: the year falls back to it; no Times-Cited: unknown, not 0
    assert b["year"] == 2024 and pd.isna(b["cited_by"])
    assert b["issn"] == "0017-5749; 1468-3288" and list(b["countries"]) == ["South Korea"]


def test_generic_fixture(fixtures):
    loaded = bibtwin.load(fixtures / "bibtex" / "generic.bib")
    assert loaded.report.format == "bibtex" and loaded.report.rejected == []
    df = loaded.records
    a, b = df.iloc[0], df.iloc[1]
    assert (df["database"] == "unknown").all() and a["record_id"].startswith("unknown:h")
    assert a["title"] == "Die Darmbarriere bei Reizdarm: Übersicht & Ausblick"
    assert list(a["author_full_names"]) == ["Schmidt, Jürgen", "González, María", "Østergaard, Søren",
                                            "Centers for Disease Control and Prevention"]
    assert a["journal"] == "Gut Online"                      # @string macro # " Online"
    assert a["year"] == 2021 and a["pages"] == "210-218" and a["abstract"] == "A review of the IBS barrier."
    assert list(a["author_keywords"]) == ["irritable bowel syndrome", "permeability"]
    assert json.loads(a["extra"])["month"] == "Mar"
    assert b["journal"] == "Proceedings of Sensors 2020" and b["year"] == 2020   # booktitle; biblatex date
    assert b["doc_type"] == "conference_paper"


def test_latex_to_unicode():
    s = pd.Series([r"Schr{\"o}dinger \& {\v{C}}apek", r"na\"{\i}ve {\ss} \'{e}t\'e", "plain", None,
                   r"\textit{in vivo} 5~mg \{x\}"], dtype="string[pyarrow]")
    assert bibtex.latex_to_unicode(s).tolist() == ["Schrödinger & Čapek", "naïve ß été", "plain", pd.NA,
                                                   "in vivo 5 mg {x}"]


# ------------------------------------------------------------------------------------------ bad input


def test_empty_file(tmp_path):
    f = tmp_path / "empty.bib"
    f.write_bytes(b"\n\n")
    with pytest.raises(EmptyFileError):
        bibtwin.read(f)


def test_preamble_only_has_no_entries(tmp_path):
    text = Text("Scopus\nEXPORT DATE: 29 November 2026\n\n", "utf-8", "preamble.bib")
    with pytest.raises(EmptyFileError) as info:
        bibtex.parse(text, "scopus_bibtex")
    assert "preamble.bib" in str(info.value) and "EXPORT DATE" not in str(info.value).split("found")[0]
    f = tmp_path / "preamble.bib"
    f.write_text(text.text, encoding="utf-8")
    with pytest.raises(UnknownFormatError):                 # nothing in it looks like BibTeX
        bibtwin.read(f)


def test_truncated_last_entry_names_its_line(tmp_path):
    f = tmp_path / "cut.bib"
    f.write_text("@article{a,\n  title={One},\n}\n\n@article{b,\n  title={Two},\n  abstract={The file ends "
                 "he", encoding="utf-8")
    with pytest.raises(TruncatedRecordError) as info:
        bibtwin.read(f)
    err = info.value
    assert isinstance(err, ParseError) and err.line == 5 and err.record == 2 and str(f) in str(err)


def test_unbalanced_entry_inside_the_file_is_rejected_and_the_rest_read(tmp_path):
    f = tmp_path / "broken.bib"
    f.write_text("@article{a,\n  title={One {with an open brace},\n  year={2001},\n}\n\n"
                 "@article{b,\n  title={Two},\n  year={2002},\n}\n", encoding="utf-8")
    loaded = bibtwin.load(f)
    assert loaded.records["title"].tolist() == ["Two"] and loaded.records["source_record"].tolist() == [2]
    (rej,) = loaded.report.rejected
    assert rej["source_record"] == 1 and rej["line"] == 1 and rej["identifier"] == "a"
    assert "before this one is closed" in rej["reason"]


def test_field_without_value_is_rejected(tmp_path):
    f = tmp_path / "bad_field.bib"
    f.write_text("@article{a,\n  title={One},\n  this is not a field\n}\n\n@article{b,\n  title={Two},\n}\n",
                 encoding="utf-8")
    loaded = bibtwin.load(f)
    assert loaded.records["title"].tolist() == ["Two"]
    assert "name = value" in loaded.report.rejected[0]["reason"]


def test_binary_junk(tmp_path):
    f = tmp_path / "junk.bib"
    f.write_bytes(b"@article{x,\n\x00\x01\x02" + bytes(range(256)) * 8)
    with pytest.raises(EncodingError):
        bibtwin.read(f)
