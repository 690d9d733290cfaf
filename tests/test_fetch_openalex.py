"""OpenAlex cursor paging against a loopback stand-in serving real ``/works`` pages byte for byte
(``api-samples/openalex_openalexPro``), chained by their own ``meta.next_cursor``: the key-paper page
(2 works), then the DOI-filter page (25 works), then its empty last page (``next_cursor: null``)."""
from __future__ import annotations

import json

import pytest

from bibtwin.fetch import FetchError, RetryPolicy
from bibtwin.fetch.openalex import OpenAlexSettings, fetch_openalex
from fixtures.fetch.standins import FakeClock, OpenAlexStandIn

FILTER = "to_publication_date:2022-06-30"
SEARCH = '("digital twin" OR "digital twins") AND (health OR medicine)'
CANARY = "CANARY-OPENALEX-24680"


@pytest.fixture(scope="module")
def pages(api_samples):
    d = api_samples / "openalex_openalexPro"
    return [(d / name).read_bytes() for name in ("keypaper_results_page_1.json",
                                                 "doifilter_chunk_4_results_page_1.json",
                                                 "doifilter_chunk_4_results_page_2.json")]


@pytest.fixture
def openalex(pages):
    server = OpenAlexStandIn(pages).start()
    yield server
    server.stop()


def settings(server, clock, **kw):
    return OpenAlexSettings(**{"base_url": server.url, "email": "me@example.org", "clock": clock,
                               "sleep": clock.sleep, "retry": RetryPolicy(retries=1, backoff=0.1), **kw})


def test_pages_saved_raw_until_next_cursor_is_null(openalex, pages, tmp_path):
    res = fetch_openalex(tmp_path / "openalex", filter=FILTER, search=SEARCH,
                         settings=settings(openalex, FakeClock()))
    assert [f.name for f in res.files] == ["page-0001.json", "page-0002.json"]
    assert [f.read_bytes() for f in res.files] == pages[:2]  # the bytes the API sent
    assert res.count_reported == 2 and res.count_saved == 27 and res.pages_fetched == 2
    params = [s.params for s in openalex.seen]
    assert [p["cursor"] for p in params] == ["*", json.loads(pages[0])["meta"]["next_cursor"],
                                             json.loads(pages[1])["meta"]["next_cursor"]]
    assert all(p["filter"] == FILTER and p["search"] == SEARCH and p["per-page"] == "200"
               and p["mailto"] == "me@example.org" for p in params)
    assert res.query == f"filter={FILTER}&search={SEARCH}"


def test_rate_limit_and_resume_after_interruption(openalex, pages, tmp_path):
    clock = FakeClock()
    folder = tmp_path / "openalex"
    openalex.fail = lambda path, p: p["cursor"] != "*"
    with pytest.raises(FetchError, match="did not answer"):
        fetch_openalex(folder, search=SEARCH, settings=settings(openalex, clock))
    assert [f.name for f in folder.glob("page-*.json")] == ["page-0001.json"]
    openalex.fail = None
    openalex.seen.clear()
    res = fetch_openalex(folder, search=SEARCH, settings=settings(openalex, clock))
    assert openalex.seen[0].params["cursor"] == json.loads(pages[0])["meta"]["next_cursor"]
    assert len(openalex.seen) == 2 and res.count_saved == 27
    assert [f.read_bytes() for f in res.files] == pages[:2]


def test_api_key_redacted_and_never_saved(openalex, tmp_path, caplog):
    caplog.set_level("DEBUG", logger="bibtwin")
    openalex.script = [(429, {"Retry-After": "1"})]
    fetch_openalex(tmp_path / "openalex", search=SEARCH,
                   settings=settings(openalex, FakeClock(), api_key=CANARY))
    assert openalex.seen[0].params["api_key"] == CANARY
    assert CANARY not in caplog.text and "api_key=REDACTED" in caplog.text
    for f in tmp_path.rglob("*"):
        if f.is_file():
            assert CANARY.encode() not in f.read_bytes()


def test_pages_read_by_the_openalex_reader(openalex, tmp_path):
    from bibtwin.readers import known_formats
    if "openalex_json" not in known_formats():
        pytest.skip("readers/openalex_json.py not written yet")
    import bibtwin
    res = fetch_openalex(tmp_path / "openalex", search=SEARCH, settings=settings(openalex, FakeClock()))
    frames = [bibtwin.read(f) for f in res.files]
    assert sum(len(f) for f in frames) == 27
    assert all((f["database"] == "openalex").all() for f in frames)


def test_needs_a_filter_or_search(tmp_path):
    with pytest.raises(FetchError, match="neither 'filter' nor 'search'"):
        fetch_openalex(tmp_path, settings=OpenAlexSettings())
