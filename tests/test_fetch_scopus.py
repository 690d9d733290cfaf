"""Scopus fetching through pybliometrics (its real ``ScopusSearch``, its real HTTP code and cache).

pybliometrics takes its Scopus Search URL from ``pybliometrics.utils.constants.URLS``; bibtwin sets it
for the run, so these tests serve the API on loopback (tests/fixtures/fetch/standins.py) and let
pybliometrics do the requests, paging and caching itself.

* STANDARD view: the real ``entry`` objects of ``api-samples/scopus_search_elsapy_covid_suicide/
  dump.json`` (1,778 entries saved by elsapy without the envelope), wrapped in the ``search-results``
  envelope the API returns (``opensearch:totalResults``, ``entry``), paged by ``start`` 200 at a time.
* COMPLETE view: no real COMPLETE response was available (see api-samples/README.md). Those entries are
  the STANDARD ones plus the fields the Scopus Search API documentation ("Scopus Search Views",
  dev.elsevier.com) lists for COMPLETE (``author`` with authid/surname/given-name/afid, ``afid``,
  ``dc:description``, ``authkeywords``, ``author-count``, ``fund-*``), values synthetic; paged by cursor
  25 at a time, as the API does for COMPLETE.
* The cache route: a cache file written as pybliometrics writes it (one JSON entry per line, named by
  the md5 of the query) is read back with no server at all.

pybliometrics only fetches: the records are read from its cache file by bibtwin's ``scopus_api_json``
reader (the one mapping of Scopus API fields; its own tests are tests/test_reader_scopus_json.py).

HOME and the pybliometrics config are temporary; ``input`` raises, so a prompt would fail the test.
"""
from __future__ import annotations

import builtins
import json

import pytest

from bibtwin.fetch import FetchError
from bibtwin.fetch.scopus import ScopusSettings, cache_name, fetch_scopus, read_cache
from bibtwin.schema import validate
from fixtures.fetch.standins import ScopusStandIn

QUERY = 'TITLE-ABS-KEY("digital twin" AND suicide) AND PUBYEAR < 2023'
CANARY = "CANARY-SCOPUS-98765"
COMPLETE_KEY = "CANARY-SCOPUS-COMPLETE-55555"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for var in ("SCOPUS_API_KEY", "SCOPUS_INSTTOKEN", "PYBLIOMETRICS_CONFIG", "BIBTWIN_SCOPUS_URL"):
        monkeypatch.delenv(var, raising=False)

    def no_prompt(*args):
        raise AssertionError("pybliometrics prompted for input")

    monkeypatch.setattr(builtins, "input", no_prompt)
    yield home
    assert not (home / ".config" / "pybliometrics.cfg").exists()
    assert not (home / ".cache").exists()


@pytest.fixture(scope="module")
def entries(api_samples):
    return json.loads((api_samples / "scopus_search_elsapy_covid_suicide" / "dump.json").read_text())


@pytest.fixture
def scopus(entries):
    server = ScopusStandIn(entries[:450], complete_keys=[COMPLETE_KEY], expect_query=QUERY).start()
    yield server
    server.stop()


def no_key_in(folder, *keys):
    for f in folder.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            for key in keys:
                assert key.encode() not in data, f


def test_standard_key_falls_back_from_complete(scopus, entries, tmp_path, caplog):
    folder = tmp_path / "scopus"
    res = fetch_scopus(QUERY, folder, ScopusSettings(keys=[CANARY], base_url=scopus.search_url))
    assert res.view == "STANDARD" and res.count_reported == 450 and res.count_saved == 450
    views = [s.params["view"] for s in scopus.seen]
    assert views[0] == "COMPLETE" and set(views[1:]) == {"STANDARD"}
    assert [int(s.params["start"]) for s in scopus.seen[1:]] == [0, 200, 400]
    assert all(s.headers["X-ELS-APIKey"] == CANARY for s in scopus.seen)
    assert "falling back to STANDARD" in caplog.text
    cache = folder / "STANDARD" / cache_name(QUERY)
    assert res.files == [cache] and cache.exists()
    assert [json.loads(line)["eid"] for line in cache.read_text().splitlines()] == \
        [e["eid"] for e in entries[:450]]
    rec = validate(res.records)
    assert rec["record_id"].tolist() == [f"scopus:{e['eid']}" for e in entries[:450]]
    assert (rec["database"] == "scopus").all() and (rec["source_format"] == "scopus_api_json").all()
    first = entries[0]
    row = rec.iloc[0]
    assert row["title"] == first["dc:title"]
    assert row["doi"] == first["prism:doi"].lower()
    assert row["year"] == 2021 and row["cited_by"] == int(first["citedby-count"])
    assert row["pmid"] == first["pubmed-id"] and row["journal"] == first["prism:publicationName"]
    assert list(row["authors"]) == ["NOMURA K"]  # STANDARD view: the first author only
    assert json.loads(row["extra"])["authors_complete"] is False
    assert list(row["countries"]) == ["Japan"]
    assert rec["doi"].notna().sum() == sum(1 for e in entries[:450] if e.get("prism:doi"))
    assert not (folder / ".partial").exists()
    no_key_in(tmp_path, CANARY)
    assert CANARY not in caplog.text


def test_complete_view_with_a_subscriber_key(scopus, tmp_path):
    folder = tmp_path / "scopus"
    res = fetch_scopus(QUERY, folder, ScopusSettings(keys=[COMPLETE_KEY], base_url=scopus.search_url))
    assert res.view == "COMPLETE" and res.count_saved == 40
    assert [s.params["cursor"] for s in scopus.seen] == ["*", "next-25"]
    assert all(s.params["count"] == "25" for s in scopus.seen)
    assert (folder / "COMPLETE" / cache_name(QUERY)).exists()
    row = res.records.iloc[0]
    assert list(row["authors"]) == ["NOMURA A", "SECOND B"]
    assert list(row["author_full_names"]) == ["Nomura, Alex", "Second, Bea"]
    assert list(row["author_ids"]) == ["57000000000", "57000000001"]
    assert list(row["author_keywords"]) == ["digital twin", "suicide", "COVID-19"]
    assert row["abstract"].startswith("Abstract of 2-s2.0-")
    assert row["funding"] == "National Institutes of Health; NIH; R01-123"
    assert json.loads(row["extra"])["authors_complete"] is True
    no_key_in(tmp_path, COMPLETE_KEY)


def test_cached_search_is_reused_and_rebuilt_offline(scopus, tmp_path):
    folder = tmp_path / "scopus"
    first = fetch_scopus(QUERY, folder, ScopusSettings(keys=[CANARY], base_url=scopus.search_url))
    scopus.seen.clear()
    again = fetch_scopus(QUERY, folder, ScopusSettings(keys=[CANARY], base_url=scopus.search_url))
    assert scopus.seen == [] and again.from_cache and again.count_reported == 450
    scopus.stop()  # no server from here on
    rebuilt = read_cache(folder)
    assert rebuilt["record_id"].tolist() == first.records["record_id"].tolist()
    assert rebuilt["title"].tolist() == first.records["title"].tolist()
    manifest = json.loads((folder / "searches.json").read_text())
    assert list(manifest.values())[0]["query"] == QUERY


def test_cache_written_as_pybliometrics_writes_it_reads_without_network(entries, tmp_path):
    """The pybliometrics cache format: ``<dir>/<VIEW>/<md5(query)>``, entries one JSON per line."""
    folder = tmp_path / "scopus"
    (folder / "STANDARD").mkdir(parents=True)
    lines = [json.dumps(e, separators=(",", ":")) for e in entries]
    (folder / "STANDARD" / cache_name(QUERY)).write_text("\n".join(lines))
    (folder / "searches.json").write_text(json.dumps({f"STANDARD/{cache_name(QUERY)}": {
        "query": QUERY, "view": "STANDARD", "file": f"STANDARD/{cache_name(QUERY)}"}}))
    rec = read_cache(folder)
    assert len(rec) == 1778 and rec["record_id"].is_unique
    assert rec["eid"].tolist() == [e["eid"] for e in entries]
    with_isbn_list = [i for i, e in enumerate(entries) if isinstance(e.get("prism:isbn"), list)]
    assert with_isbn_list and rec.iloc[with_isbn_list[0]]["title"] == entries[with_isbn_list[0]]["dc:title"]


def test_missing_key_is_a_clear_error_and_writes_nothing(tmp_path):
    with pytest.raises(FetchError) as err:
        fetch_scopus(QUERY, tmp_path / "scopus", ScopusSettings.from_env())
    msg = str(err.value)
    assert "SCOPUS_API_KEY" in msg and "docs/fetching.md" in msg and msg.count("\n") <= 1
    assert not (tmp_path / "scopus").exists()


def test_key_from_the_users_pybliometrics_config(scopus, isolated, tmp_path):
    cfg = isolated / ".config" / "pybliometrics.cfg"
    cfg.parent.mkdir(parents=True)
    cfg.write_text(f"[Authentication]\nAPIKey = {CANARY}\n")
    try:
        res = fetch_scopus(QUERY, tmp_path / "scopus", ScopusSettings.from_env(base_url=scopus.search_url))
        assert res.count_saved == 450
        assert cfg.read_text() == f"[Authentication]\nAPIKey = {CANARY}\n"  # never rewritten
    finally:
        cfg.unlink()


def test_no_network_is_a_clear_error(tmp_path):
    s = ScopusSettings(keys=[CANARY], base_url="http://127.0.0.1:9/content/search/scopus", retries=0)
    with pytest.raises(FetchError) as err:
        fetch_scopus(QUERY, tmp_path / "scopus", s)
    msg = str(err.value)
    assert "no network?" in msg and "docs/fetching.md" in msg and CANARY not in msg
    assert not any(f.is_file() for f in (tmp_path / "scopus").rglob("*"))
