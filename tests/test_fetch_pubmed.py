"""PubMed fetching against a loopback E-utilities stand-in (tests/fixtures/fetch/standins.py).

EFetch answers real MEDLINE records of ``corpus/gut_microbiome/pubmed_medline.txt`` (140 records, CRLF in
the file, LF as efetch sends them). Rate limits and backoff run on an injected clock except in one test
that measures real request arrival times.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest

import bibtwin
from bibtwin.fetch import FetchError, HttpClient, RateLimiter, RetryPolicy, redact
from bibtwin.fetch.pubmed import EUtils, PubmedSettings, fetch_pubmed, plan_pieces
from fixtures.fetch.standins import EUtilsStandIn, FakeClock, medline_records

TERM = '("gut microbiome"[tiab]) AND ("2012"[dp] : "2023"[dp])'
CANARY = "CANARY-KEY-12345"


@pytest.fixture(scope="module")
def medline_file(corpus):
    return corpus / "gut_microbiome" / "pubmed_medline.txt"


@pytest.fixture(scope="module")
def records(medline_file):
    return medline_records(medline_file)


@pytest.fixture
def eutils(records):
    server = EUtilsStandIn(records, expect_term=TERM).start()
    yield server
    server.stop()


def settings(server, clock, **kw) -> PubmedSettings:
    base = dict(base_url=server.url, batch_size=25, retry=RetryPolicy(retries=2, backoff=1.0),
                clock=clock, sleep=clock.sleep, email="test@example.org")
    base.update(kw)
    return PubmedSettings(**base)


def same_records(a, b):
    assert a["record_id"].tolist() == b["record_id"].tolist()
    assert a["title"].tolist() == b["title"].tolist()
    assert a["doi"].fillna("").tolist() == b["doi"].fillna("").tolist()
    assert a["year"].tolist() == b["year"].tolist()


def test_batches_and_combined_file_equal_the_reader(eutils, medline_file, tmp_path):
    clock = FakeClock()
    res = fetch_pubmed(TERM, tmp_path / "pubmed", settings(eutils, clock))
    assert (res.count_reported, res.count_saved, res.batches_fetched) == (140, 140, 6)
    assert [f.name for f in res.files] == [f"batch-000{i}.txt" for i in range(1, 7)]
    fetches = eutils.requests_to("efetch.fcgi")
    assert [(int(r.params["retstart"]), int(r.params["retmax"])) for r in fetches] == \
        [(0, 25), (25, 25), (50, 25), (75, 25), (100, 25), (125, 15)]
    search = eutils.requests_to("esearch.fcgi")[0].params
    assert search["usehistory"] == "y" and search["tool"] == "bibtwin" and search["email"] == "test@example.org"
    assert all(r.params["WebEnv"].startswith("MCID_") and r.params["query_key"] == "1" for r in fetches)
    # raw batch files are the response bytes
    assert res.files[0].read_text(encoding="utf-8").startswith("\nPMID- 31281534\n")
    fetched = bibtwin.read(res.combined)
    same_records(fetched, bibtwin.read(medline_file))
    assert (fetched["database"] == "pubmed").all()


def test_rate_limit_without_and_with_key(eutils, tmp_path):
    for key, rate in ((None, 3), (CANARY, 10)):
        clock = FakeClock()
        eu = EUtils(settings(eutils, clock, api_key=key))
        for _ in range(12):
            eu.esearch(TERM)
        starts = [r.started for r in eu.http.requests]
        # no more than `rate` request starts inside any one second
        assert all(starts[i + rate] - starts[i] >= 1.0 - 1e-9 for i in range(len(starts) - rate))
        assert starts[-1] - starts[0] == pytest.approx(11 / rate)


def test_rate_limit_measured_on_the_wire(eutils):
    """Real clock: four requests at 3/s arrive no faster than one second apart from first to last."""
    eu = EUtils(PubmedSettings(base_url=eutils.url))
    for _ in range(4):
        eu.esearch(TERM)
    arrivals = [s.at for s in eutils.seen]
    assert arrivals[3] - arrivals[0] >= 0.98


def test_retries_429_then_500_then_ok_honouring_retry_after(eutils, tmp_path):
    clock = FakeClock()
    eutils.script = [(429, {"Retry-After": "7"}), (500, {})]
    eu = EUtils(settings(eutils, clock, retry=RetryPolicy(retries=3, backoff=0.5)))
    piece = eu.esearch(TERM)
    assert piece.count == 140
    assert [r.status for r in eu.http.requests] == [429, 500, 200]
    assert clock.sleeps[:1] == [7.0]          # Retry-After wins over the 0.5 s backoff
    assert 1.0 in clock.sleeps                # then 0.5 * 2**1


def test_no_network_is_a_clear_error(tmp_path):
    clock = FakeClock()
    s = PubmedSettings(base_url="http://127.0.0.1:9/", retry=RetryPolicy(retries=2), clock=clock,
                       sleep=clock.sleep, api_key=CANARY)
    with pytest.raises(FetchError) as err:
        fetch_pubmed(TERM, tmp_path / "pubmed", s)
    msg = str(err.value)
    assert "no network?" in msg and "docs/fetching.md" in msg and CANARY not in msg
    assert "api_key=REDACTED" in msg
    assert clock.sleeps == [1.0, 2.0]         # exponential backoff between the 3 attempts
    assert not (tmp_path / "pubmed" / "pubmed.txt").exists()


def test_interrupted_fetch_resumes_with_missing_batches_only(eutils, medline_file, tmp_path):
    clock = FakeClock()
    folder = tmp_path / "pubmed"
    eutils.fail = lambda path, p: path.endswith("efetch.fcgi") and int(p["retstart"]) >= 75
    with pytest.raises(FetchError, match="did not answer"):
        fetch_pubmed(TERM, folder, settings(eutils, clock))
    assert sorted(f.name for f in folder.glob("batch-*.txt")) == ["batch-0001.txt", "batch-0002.txt",
                                                                  "batch-0003.txt"]
    assert not (folder / "pubmed.txt").exists()
    assert not list(folder.glob(".*.tmp"))   # no half-written file
    state = json.loads((folder / "state.json").read_text())
    assert state["done"] == {"1": 25, "2": 25, "3": 25} and not state["complete"]

    eutils.fail = None
    eutils.seen.clear()
    res = fetch_pubmed(TERM, folder, settings(eutils, clock))
    assert [int(r.params["retstart"]) for r in eutils.requests_to("efetch.fcgi")] == [75, 100, 125]
    assert res.batches_fetched == 3
    same_records(bibtwin.read(res.combined), bibtwin.read(medline_file))

    eutils.seen.clear()  # a third run has nothing left to fetch and asks nothing
    again = fetch_pubmed(TERM, folder, settings(eutils, clock))
    assert eutils.seen == [] and again.count_saved == 140


def test_large_query_is_split_by_date_and_deduplicated(records, medline_file, tmp_path):
    """max_retrievable lowered to 40 so 140 real records need date pieces; one PMID is returned by
    every date-restricted search and must be saved once."""
    twice = records[0][0]
    server = EUtilsStandIn(records, also_in_every_range=[twice], expect_term=TERM).start()
    try:
        clock = FakeClock()
        res = fetch_pubmed(TERM, tmp_path / "pubmed", settings(server, clock, batch_size=10,
                                                               max_retrievable=40, maxdate="2025/12/31"))
        searches = server.requests_to("esearch.fcgi")
        ranged = [s.params for s in searches if "mindate" in s.params]
        assert ranged and all(p["datetype"] == "pdat" for p in ranged)
        assert len(res.pieces) > 3 and all(p.count <= 40 for p in res.pieces)
        days = [(dt.date(*map(int, p.mindate.split("/"))), dt.date(*map(int, p.maxdate.split("/"))))
                for p in res.pieces]
        assert all(a[1] < b[0] for a, b in zip(days, days[1:]))  # disjoint, in order
        assert res.duplicates_dropped == len(res.pieces) - 1
        fetched = bibtwin.read(res.combined)
        expected = bibtwin.read(medline_file)
        assert sorted(fetched["record_id"]) == sorted(expected["record_id"])
        assert fetched["record_id"].is_unique
        by_id = expected.set_index("record_id")
        got = fetched.set_index("record_id").loc[by_id.index]
        assert got["title"].tolist() == by_id["title"].tolist()
        assert got["year"].tolist() == by_id["year"].tolist()
    finally:
        server.stop()


def test_plan_splits_above_the_real_10000_limit(records):
    """25,000 virtual records spread over 2000-2024: every piece holds at most 10,000, the pieces
    tile the date range without gaps and add up to the total."""
    start = dt.date(2000, 1, 1)
    virtual = [start + dt.timedelta(days=(i * 7919) % 9131) for i in range(25_000)]
    server = EUtilsStandIn([], virtual_dates=virtual).start()
    try:
        clock = FakeClock()
        eu = EUtils(settings(server, clock))
        total, pieces = plan_pieces(eu, "x", "1990/01/01", "2026/12/31", 10_000)
        assert total == 25_000
        assert len(pieces) >= 3 and all(0 < p.count <= 10_000 for p in pieces)
        assert sum(p.count for p in pieces) == 25_000
        assert len(server.seen) < 40
    finally:
        server.stop()


def test_one_day_over_the_limit_cannot_be_split():
    server = EUtilsStandIn([], virtual_dates=[dt.date(2020, 5, 5)] * 30).start()
    try:
        clock = FakeClock()
        eu = EUtils(settings(server, clock))
        with pytest.raises(FetchError, match="published on 2020/05/05"):
            plan_pieces(eu, "x", "2020/01/01", "2020/12/31", 10)
    finally:
        server.stop()


def test_canary_key_is_sent_but_never_written_or_printed(eutils, tmp_path, capsys, caplog):
    caplog.set_level("DEBUG", logger="bibtwin")
    clock = FakeClock()
    eutils.script = [(503, {})]
    res = fetch_pubmed(TERM, tmp_path / "pubmed", settings(eutils, clock, api_key=CANARY))
    assert res.count_saved == 140
    assert all(s.params.get("api_key") == CANARY for s in eutils.seen)
    for f in tmp_path.rglob("*"):
        if f.is_file():
            assert CANARY.encode() not in f.read_bytes(), f
    out = capsys.readouterr()
    assert CANARY not in out.out + out.err + caplog.text
    assert "api_key=REDACTED" in caplog.text


def test_redact_strips_keys_from_urls_headers_and_values():
    text = ("https://x/esearch.fcgi?db=pubmed&api_key=SECRET1&term=a https://y/?apiKey=SECRET2&x=1 "
            "{'X-ELS-APIKey': 'SECRET3'} insttoken=SECRET4 plain SECRET5")
    clean = redact(text, ["SECRET5"])
    assert not any(f"SECRET{i}" in clean for i in range(1, 6))
    assert "db=pubmed" in clean and "term=a" in clean


def test_rate_limiter_spacing_on_fake_clock():
    clock = FakeClock()
    limiter = RateLimiter(3, clock, clock.sleep)
    times = [limiter.wait() for _ in range(7)]
    assert [round(b - a, 6) for a, b in zip(times, times[1:])] == [round(1 / 3, 6)] * 6
    assert isinstance(HttpClient(rate=3).limiter, RateLimiter)
