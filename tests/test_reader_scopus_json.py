"""Scopus Search API JSON reader (``bibtwin.readers.scopus_json``).

* Real: ``api-samples/scopus_search_elsapy_covid_suicide/dump.json``, 1,778 STANDARD-view ``entry`` objects
  as a bare JSON array (elsapy's dump of every page), also re-saved here as pybliometrics saves its cache
  (JSON Lines, compact separators, no extension) and wrapped in the ``search-results`` envelope.
* ``fixtures/scopus_json/complete_page.json``: hand-made, one COMPLETE-view page (two entries) built from
  the Scopus Search API documentation ("Scopus Search Views" and the response format on
  dev.elsevier.com): every COMPLETE field (``author`` with authid/authname/surname/given-name/initials/afid/
  orcid, ``author-count``, ``afid``, ``dc:description``, ``authkeywords``, ``fund-*``, ``freetoreadLabel``).
  No real COMPLETE response without an API key in it was available (api-samples/PROVENANCE.md); the
  values are invented (the EIDs do not exist).
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

import bibtwin
from bibtwin.errors import ParseError
from bibtwin.io import detect_format, load
from bibtwin.readers import READER_MODULES, scopus_json
from bibtwin.schema import validate
from bibtwin.textio import read_text

DUMP = "scopus_search_elsapy_covid_suicide/dump.json"
EMPTY_RESULT = {"search-results": {
    "opensearch:totalResults": "0", "opensearch:startIndex": "0", "opensearch:itemsPerPage": "0",
    "opensearch:Query": {"@role": "request", "@searchTerms": "TITLE(nothing-matches-this)", "@startPage": "0"},
    "link": [], "entry": [{"@_fa": "true", "error": "Result set was empty"}]}}


@pytest.fixture(scope="module")
def entries(api_samples):
    return json.loads((api_samples / DUMP).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dump(api_samples):
    return bibtwin.read(api_samples / DUMP)


def jsonl(entries) -> str:
    """What pybliometrics writes: one compact JSON entry a line, no final newline."""
    return "\n".join(json.dumps(e, separators=(",", ":")) for e in entries)


def test_registered_before_openalex():
    assert READER_MODULES.index("scopus_json") < READER_MODULES.index("openalex_json")


def test_real_standard_view_dump(api_samples, entries, dump):
    validate(dump)
    assert len(entries) == len(dump) == 1778
    assert (dump["source_format"] == "scopus_api_json").all() and (dump["database"] == "scopus").all()
    assert dump["record_id"].tolist() == [f"scopus:{e['eid']}" for e in entries]
    assert dump["source_record"].tolist() == list(range(1, 1779))
    # PROVENANCE.md: prism:doi is missing in 21 entries
    assert sum("prism:doi" not in e for e in entries) == 21
    assert dump["doi"].notna().sum() == 1778 - 21
    assert (dump["year"] == 2021).all()                                  # cover dates 2021-01..2021-12
    assert dump["cited_by"].notna().all()                                # citedby-count is in every entry
    assert dump["authors"].list.len().tolist() == [1 if e.get("dc:creator") else 0 for e in entries]
    assert dump["author_full_names"].list.len().sum() == 0               # STANDARD: no author list
    assert {json.loads(x)["authors_complete"] for x in dump["extra"]} == {False}
    assert dump["doc_type_raw"].value_counts()["Article"] == 1404
    # one entry has subtype "dp" and no subtypeDescription
    assert dump["doc_type_raw"].value_counts()["Data Paper"] == 1
    assert dump["affiliations"].list.len().gt(0).sum() == 1730           # affiliation missing in 48


def test_real_entry_hand_checked(dump):
    """Entry 1,001 of dump.json, read by eye in the file (an editorial in Clinical Neurophysiology)."""
    r = dump.iloc[1000]
    assert r["record_id"] == "scopus:2-s2.0-85096389375" and r["eid"] == "2-s2.0-85096389375"
    assert r["title"] == "Alpha coma in COVID encephalopathy"
    assert r["doi"] == "10.1016/j.clinph.2020.10.005" and r["pmid"] == "33168462"
    assert r["year"] == 2021 and r["cited_by"] == 0
    assert r["journal"] == "Clinical Neurophysiology" and r["issn"] == "13882457; 18728952"
    assert (r["volume"], r["issue"], r["pages"]) == ("132", "1", "202-203")
    assert r["doc_type_raw"] == "Editorial" and r["doc_type"] == "editorial"
    assert list(r["authors"]) == ["NUWER MR"]                           # dc:creator "Nuwer M.R."
    assert list(r["affiliations"]) == ["David Geffen School of Medicine at UCLA, Los Angeles, United States"]
    assert list(r["countries"]) == ["United States"]
    assert r["open_access"] == "All Open Access; Bronze; Green"
    assert r["url"] == "https://www.scopus.com/inward/record.uri?partnerID=HzOxMe3b&scp=85096389375&origin=inward"
    extra = json.loads(r["extra"])
    assert extra["authors_complete"] is False
    assert extra["pii"] == "S1388245720305174" and extra["source-id"] == "14900"
    assert extra["prism:aggregationType"] == "Journal" and extra["subtype"] == "ed"
    assert extra["openaccess"] == "1" and extra["openaccessFlag"] is True
    assert extra["link"]["full-text"] == "https://api.elsevier.com/content/article/eid/1-s2.0-S1388245720305174"


def test_real_quirks(entries, dump):
    no_creator = next(i for i, e in enumerate(entries) if not e.get("dc:creator"))
    assert list(dump.iloc[no_creator]["authors"]) == []
    no_affiliation = next(i for i, e in enumerate(entries) if not e.get("affiliation"))
    assert list(dump.iloc[no_affiliation]["affiliations"]) == []
    null_pages = next(i for i, e in enumerate(entries)
                      if e["prism:pageRange"] is None and not e.get("article-number"))
    assert pd.isna(dump.iloc[null_pages]["pages"])
    isbn_list = next(i for i, e in enumerate(entries) if isinstance(e.get("prism:isbn"), list))
    assert json.loads(dump.iloc[isbn_list]["extra"])["prism:isbn"] == entries[isbn_list]["prism:isbn"]
    escaped = next(i for i, e in enumerate(entries) if "&amp;" in e["dc:title"])
    assert dump.iloc[escaped]["title"] == entries[escaped]["dc:title"].replace("&amp;", "&")
    # titles keep Scopus' <inf>/<sup> markup, as the Scopus CSV does
    assert dump["title"].str.contains("<inf>", regex=False).sum() == \
        sum("<inf>" in e["dc:title"] for e in entries)


def test_json_lines_as_pybliometrics_caches_them(entries, dump, tmp_path):
    cache = tmp_path / "STANDARD" / "5b9c2a5f7e0d1c3b4a69788766554433"   # no extension, as in the cache
    cache.parent.mkdir()
    cache.write_text(jsonl(entries), encoding="utf-8")
    assert detect_format(read_text(cache)) == "scopus_api_json"
    lines = bibtwin.read(cache)
    for col in dump.columns.drop("source_file"):
        assert lines[col].equals(dump[col]), col


def test_search_results_envelope_and_array_of_pages(entries, dump, tmp_path):
    pages = [{"search-results": {"opensearch:totalResults": "1778", "opensearch:startIndex": str(start),
                                 "opensearch:itemsPerPage": "200", "entry": entries[start:start + 200]}}
             for start in range(0, 1778, 200)]
    one = tmp_path / "page.json"
    one.write_text(json.dumps(pages[0], indent=2), encoding="utf-8")
    assert detect_format(read_text(one)) == "scopus_api_json"
    assert bibtwin.read(one)["record_id"].tolist() == dump["record_id"].tolist()[:200]
    every = tmp_path / "pages.json"
    every.write_text(json.dumps(pages), encoding="utf-8")
    assert bibtwin.read(every)["record_id"].tolist() == dump["record_id"].tolist()
    per_line = tmp_path / "pages.jsonl"
    per_line.write_text("\n".join(json.dumps(p) for p in pages) + "\n", encoding="utf-8")
    assert bibtwin.read(per_line)["record_id"].tolist() == dump["record_id"].tolist()


def test_complete_view_fixture(fixtures):
    loaded = load(fixtures / "scopus_json" / "complete_page.json")
    assert loaded.report.format == "scopus_api_json" and loaded.report.rejected == []
    df = validate(loaded.records)
    assert df["record_id"].tolist() == ["scopus:2-s2.0-85100000001", "scopus:2-s2.0-85100000002"]
    r = df.iloc[0]
    assert r["title"] == "Digital twins in cardiology & critical care: a review"    # &amp; unescaped
    assert r["abstract"].startswith("Digital twins & their use in cardiology. We review")
    assert r["doi"] == "10.1093/eurheartj/ehaa159" and r["pmid"] == "32128588"
    assert r["year"] == 2020 and r["cited_by"] == 412
    assert (r["journal"], r["issn"], r["volume"], r["issue"], r["pages"]) == \
        ("European Heart Journal", "0195668X; 15229645", "41", "48", "4556-4564")
    assert r["doc_type"] == "review"
    # the author listed twice (two affiliations) is kept once
    assert list(r["authors"]) == ["CORRAL-ACERO J", "NIEDERER SA", "CAMARA O"]
    assert list(r["author_full_names"]) == ["Corral-Acero, Jorge", "Niederer, Steven A.", "Camara, Oscar"]
    assert list(r["author_ids"]) == ["57200000001", "57200000002", "57200000003"]
    assert list(r["affiliations"]) == ["University of Oxford, Oxford, United Kingdom",
                                       "King's College London, London, United Kingdom",
                                       "Universitat Pompeu Fabra, Barcelona, Spain"]
    assert list(r["countries"]) == ["United Kingdom", "Spain"]
    assert list(r["author_keywords"]) == ["Digital twin", "Precision cardiology", "Computational modelling"]
    assert r["funding"] == "Engineering and Physical Sciences Research Council; EPSRC; EP/P01268X/1"
    assert r["open_access"] == "All Open Access; Hybrid Gold; Green"
    extra = json.loads(r["extra"])
    assert extra["authors_complete"] is True
    assert extra["author_afids"] == [["60002634"], ["60011520"], ["60025988", "60002634"]]
    assert extra["afid"] == ["60002634", "60011520", "60025988"]
    assert extra["author_orcids"] == ["0000-0002-0000-0001", None, None]
    assert "@_fa" not in extra and "author" not in extra and "dc:description" not in extra

    r = df.iloc[1]
    assert list(r["authors"]) == ["SMITH J", "LEE H-J"]
    assert json.loads(r["extra"])["authors_complete"] is False          # author-count @total 150 > 2 listed
    assert r["pages"] == "9715312"                                       # article number, no page range
    assert r["doc_type"] == "conference_paper" and r["cited_by"] == 0
    assert pd.isna(r["funding"])                                         # fund-no "undefined" is not funding
    assert pd.isna(r["open_access"]) and pd.isna(r["doi"])


@pytest.mark.parametrize("content", [json.dumps(EMPTY_RESULT), json.dumps(EMPTY_RESULT["search-results"]
                                                                          ["entry"][0]), "[]"])
def test_empty_result_is_an_empty_table(tmp_path, content):
    path = tmp_path / "empty.json"
    path.write_text(content, encoding="utf-8")
    loaded = load(path, "scopus_api_json")
    assert len(loaded.records) == 0 and loaded.report.rejected == [] and loaded.report.records_read == 0
    validate(loaded.records)
    if content != "[]":
        assert detect_format(read_text(path)) == "scopus_api_json"


def test_unusable_entries_are_rejected_not_dropped(entries, tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(jsonl([entries[0], {"@_fa": "true", "prism:volume": "3"}, entries[1],
                           {"error": "Invalid cursor"}, 42]), encoding="utf-8")
    loaded = load(path)
    assert loaded.report.format == "scopus_api_json"
    assert loaded.records["source_record"].tolist() == [1, 3]
    assert [(r["source_record"], r["reason"][:40]) for r in loaded.report.rejected] == [
        (2, "not a Scopus entry: an object without ei"),
        (4, "the API returned an error entry: Invalid"),
        (5, "not a Scopus entry: a JSON int, expected")]


def test_entry_identified_by_scopus_id_only(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps([{"dc:identifier": "SCOPUS_ID:85000000009", "citedby-count": "7"}]))
    r = bibtwin.read(path).iloc[0]
    assert r["record_id"] == "scopus:2-s2.0-85000000009" and r["cited_by"] == 7


def test_malformed_json_names_line_and_column(entries, tmp_path):
    cut = tmp_path / "cut.json"
    cut.write_text(json.dumps(entries[:3], indent=1)[:-40], encoding="utf-8")
    with pytest.raises(ParseError) as err:
        bibtwin.read(cut)
    assert err.value.path == str(cut) and err.value.line is not None and "column" in err.value.message
    broken = tmp_path / "broken"
    lines = jsonl(entries[:4]).split("\n")
    lines[2] = lines[2][:50]
    broken.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ParseError) as err:
        bibtwin.read(broken)
    assert err.value.line == 3 and "malformed JSON" in err.value.message


def test_sniff_leaves_other_json_alone(api_samples, entries):
    assert scopus_json.sniff(json.dumps(entries[:2])) == "scopus_api_json"
    assert scopus_json.sniff(jsonl(entries[:2])) == "scopus_api_json"
    assert scopus_json.sniff(json.dumps(EMPTY_RESULT)) == "scopus_api_json"
    # Abstract Retrieval responses also carry EIDs and cover dates; OpenAlex pages are OpenAlex's
    for name in ("scopus_abstract_chula_dsde/202101117.json", "scopus_abstract_chula_dsde/202203329.json",
                 "openalex_openalexPro/keypaper_results_page_1.json", "openalex_single_work/W2741809807.json"):
        assert scopus_json.sniff((api_samples / name).read_text(encoding="utf-8")[:65536]) is None, name
    assert scopus_json.sniff('{"service-error": {"status": {"statusCode": "INVALID_INPUT"}}}') is None
