"""``bibtwin fetch --config config/dt-healthcare.yaml`` against loopback stand-ins of all three APIs.

The stand-ins (tests/fixtures/fetch/standins.py) check that the queries sent are the config's; base URLs
come from ``BIBTWIN_EUTILS_URL``, ``BIBTWIN_SCOPUS_URL`` and ``BIBTWIN_OPENALEX_URL``; canary keys are
planted in ``NCBI_API_KEY`` and ``SCOPUS_API_KEY`` and looked for in every file written and everything
printed or logged.
"""
from __future__ import annotations

import builtins
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

import bibtwin
from bibtwin.cli import main
from bibtwin.fetch import FetchError
from bibtwin.fetch.scopus import cache_name
from bibtwin.fetch.study import LOG_COLUMNS, load_config, run_study
from bibtwin.ingest import ingest
from bibtwin.io import discover
from bibtwin.pipeline import input_files, load_run_config
from fixtures.fetch.standins import EUtilsStandIn, OpenAlexStandIn, ScopusStandIn, medline_records

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config" / "dt-healthcare.yaml"
UPDATE = ROOT / "config" / "dt-healthcare-update.yaml"
NCBI_CANARY = "CANARY-KEY-12345"
SCOPUS_CANARY = "CANARY-SCOPUS-KEY-67890"


@pytest.fixture
def servers(corpus, api_samples, tmp_path, monkeypatch):
    cfg = load_config(CONFIG)
    eutils = EUtilsStandIn(medline_records(corpus / "gut_microbiome" / "pubmed_medline.txt"),
                           expect_term=cfg.databases["pubmed"]["query"]).start()
    entries = json.loads((api_samples / "scopus_search_elsapy_covid_suicide" / "dump.json").read_text())
    scopus = ScopusStandIn(entries[:120], expect_query=cfg.databases["scopus"]["query"]).start()
    d = api_samples / "openalex_openalexPro"
    openalex = OpenAlexStandIn([(d / "keypaper_results_page_1.json").read_bytes(),
                                (d / "keypaper_results_page_2.json").read_bytes()]).start()
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("BIBTWIN_EUTILS_URL", eutils.url)
    monkeypatch.setenv("BIBTWIN_SCOPUS_URL", scopus.search_url)
    monkeypatch.setenv("BIBTWIN_OPENALEX_URL", openalex.url)
    monkeypatch.setenv("NCBI_API_KEY", NCBI_CANARY)
    monkeypatch.setenv("SCOPUS_API_KEY", SCOPUS_CANARY)
    monkeypatch.setenv("NCBI_EMAIL", "reviewer@example.org")
    monkeypatch.delenv("OPENALEX_EMAIL", raising=False)
    monkeypatch.delenv("OPENALEX_API_KEY", raising=False)
    monkeypatch.setattr(builtins, "input", lambda *a: (_ for _ in ()).throw(AssertionError("prompt")))
    yield {"pubmed": eutils, "scopus": scopus, "openalex": openalex}
    for s in (eutils, scopus, openalex):
        s.stop()


def assert_no_canary(folder: Path, *texts: str):
    written = [f for f in folder.rglob("*") if f.is_file()]
    assert written
    for f in written:
        data = f.read_bytes()
        assert NCBI_CANARY.encode() not in data and SCOPUS_CANARY.encode() not in data, f
    for text in texts:
        assert NCBI_CANARY not in text and SCOPUS_CANARY not in text


def test_cli_fetch_writes_raw_files_and_query_log(servers, corpus, tmp_path, capsys, caplog):
    caplog.set_level("DEBUG", logger="bibtwin")
    out = tmp_path / "raw"
    assert main(["fetch", "--config", str(CONFIG), "--out", str(out)]) == 0
    study = out / "dt-healthcare"
    assert (study / "pubmed" / "batch-0001.txt").exists() and (study / "pubmed" / "pubmed.txt").exists()
    assert (study / "openalex" / "page-0001.json").exists()
    assert len(list((study / "scopus" / "STANDARD").iterdir())) == 1  # the canary key is not COMPLETE
    log = pd.read_csv(study / "query_log.csv", dtype=str)
    assert list(log.columns) == LOG_COLUMNS
    assert log["database"].tolist() == ["openalex", "pubmed", "scopus"]
    row = log.set_index("database")
    cfg = load_config(CONFIG)
    assert row.loc["pubmed", "query"] == cfg.databases["pubmed"]["query"]
    assert row.loc["scopus", "query"] == cfg.databases["scopus"]["query"]
    assert (row.loc["pubmed", "count_reported"], row.loc["pubmed", "count_saved"]) == ("140", "140")
    assert (row.loc["scopus", "count_reported"], row.loc["scopus", "count_saved"]) == ("120", "120")
    assert (row.loc["openalex", "count_reported"], row.loc["openalex", "count_saved"]) == ("2", "2")
    assert row.loc["pubmed", "files"] == "pubmed/pubmed.txt; pubmed/batch-0001.txt"
    assert row.loc["scopus", "notes"] == "STANDARD view"
    for when in log["date_run"]:
        stamp = dt.datetime.fromisoformat(when)
        assert stamp.utcoffset() == dt.timedelta(0)
        assert abs(dt.datetime.now(dt.timezone.utc) - stamp) < dt.timedelta(minutes=5)
    # requests carried the key, tool and email the way NCBI and Elsevier want them
    assert all(s.params["api_key"] == NCBI_CANARY and s.params["email"] == "reviewer@example.org"
               for s in servers["pubmed"].seen)
    assert all(s.headers["X-ELS-APIKey"] == SCOPUS_CANARY and "apiKey" not in s.params
               for s in servers["scopus"].seen)
    assert servers["openalex"].seen[0].params["mailto"] == "reviewer@example.org"
    printed = capsys.readouterr()
    assert "pubmed: 140 of 140 records saved" in printed.out
    assert_no_canary(out, printed.out, printed.err, caplog.text)
    fetched = bibtwin.read(study / "pubmed" / "pubmed.txt")
    original = bibtwin.read(corpus / "gut_microbiome" / "pubmed_medline.txt")
    assert fetched["record_id"].tolist() == original["record_id"].tolist()
    assert fetched["doi"].fillna("").tolist() == original["doi"].fillna("").tolist()


def test_fetched_study_folder_is_ingested_as_it_is(servers, api_samples, tmp_path):
    """``bibtwin ingest data/raw/<study>`` on what ``bibtwin fetch`` wrote: every record once, the
    intermediate files (PubMed batches, state files, manifest, query log) not read, nothing skipped."""
    out = tmp_path / "raw"
    assert main(["fetch", "--config", str(CONFIG), "--out", str(out)]) == 0
    study = out / "dt-healthcare"
    scopus_file = f"scopus/STANDARD/{cache_name(load_config(CONFIG).databases['scopus']['query'])}"
    written = {f.relative_to(study).as_posix() for f in study.rglob("*") if f.is_file()}
    listed = {f.relative_to(study).as_posix() for f, _ in discover(study)}
    assert listed == {"pubmed/pubmed.txt", scopus_file, "openalex/page-0001.json"}
    assert written - listed == {".bibtwinignore", "query_log.csv", "pubmed/batch-0001.txt", "pubmed/state.json",
                                "scopus/searches.json", "openalex/state.json"}

    result = ingest(study)
    assert result.failed == []
    assert sorted((f.path, f.format) for f in result.reports) == sorted([
        (str(study / "pubmed" / "pubmed.txt"), "medline"), (str(study / scopus_file), "scopus_api_json"),
        (str(study / "openalex" / "page-0001.json"), "openalex_json")])
    assert all(f.rejected == [] for f in result.reports)
    records = result.records.set_index("database")["record_id"]
    assert records["pubmed"].tolist() == bibtwin.read(study / "pubmed" / "pubmed.txt")["record_id"].tolist()
    assert records["pubmed"].is_unique and len(records["pubmed"]) == 140
    entries = json.loads((api_samples / "scopus_search_elsapy_covid_suicide" / "dump.json").read_text())
    assert records["scopus"].tolist() == [f"scopus:{e['eid']}" for e in entries[:120]]
    assert records["openalex"].tolist() == \
        bibtwin.read(study / "openalex" / "page-0001.json")["record_id"].tolist()
    assert len(result.records) == 140 + 120 + 2 and result.merged is not None

    cfg = load_run_config(raw=study)
    assert cfg["raw"] == str(study) and cfg["study"] == "dt-healthcare"
    assert {p for p in input_files(cfg, ROOT) if study in p.parents} == \
        {study / "pubmed" / "pubmed.txt", study / scopus_file, study / "openalex" / "page-0001.json"}


def test_ignore_file_keeps_user_lines_and_lists_an_empty_scopus_search(servers, tmp_path, monkeypatch):
    out = tmp_path / "raw"
    study = out / "dt-healthcare"
    study.mkdir(parents=True)
    (study / ".bibtwinignore").write_text("# mine\nnotes-*.csv\n")
    query = load_config(CONFIG).databases["scopus"]["query"]
    empty = ScopusStandIn([], expect_query=query).start()
    try:
        monkeypatch.setenv("BIBTWIN_SCOPUS_URL", empty.search_url)
        rows = run_study(CONFIG, out, only=["scopus"])
    finally:
        empty.stop()
    assert (rows[0].count_reported, rows[0].count_saved) == (0, 0)
    cache = study / "scopus" / "STANDARD" / cache_name(query)
    assert cache.read_bytes() == b""  # pybliometrics' cache of a search that found nothing
    lines = (study / ".bibtwinignore").read_text().splitlines()
    assert lines[:2] == ["# mine", "notes-*.csv"]
    assert [ln for ln in lines[2:] if not ln.startswith("#")] == [
        "scopus/searches.json", f"scopus/STANDARD/{cache_name(query)}", "query_log.csv"]
    (study / "notes-1.csv").write_text("a,b\n1,2\n")
    assert discover(study) == []
    run_study(CONFIG, out, only=["pubmed"])  # the block grows; the user's lines stay
    lines = (study / ".bibtwinignore").read_text().splitlines()
    assert lines[:2] == ["# mine", "notes-*.csv"]
    assert [ln for ln in lines[2:] if not ln.startswith("#")] == [
        "pubmed/batch-*.txt", "pubmed/state.json", "scopus/searches.json",
        f"scopus/STANDARD/{cache_name(query)}", "query_log.csv"]
    assert [f.relative_to(study).as_posix() for f, _ in discover(study)] == ["pubmed/pubmed.txt"]


def test_query_log_keeps_other_databases_rows(servers, tmp_path):
    out = tmp_path / "raw"
    run_study(CONFIG, out, only=["pubmed"])
    run_study(CONFIG, out, only=["openalex"])
    log = pd.read_csv(out / "dt-healthcare" / "query_log.csv", dtype=str)
    assert log["database"].tolist() == ["openalex", "pubmed"]
    servers["pubmed"].seen.clear()
    rows = run_study(CONFIG, out, only=["pubmed"])  # complete: nothing asked again
    assert servers["pubmed"].seen == [] and rows[0].count_saved == 140


def test_missing_scopus_key_stops_before_anything_is_written(servers, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("SCOPUS_API_KEY")
    out = tmp_path / "raw"
    assert main(["fetch", "--config", str(CONFIG), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bibtwin: error: no Scopus API key") and "docs/fetching.md" in err
    assert len(err.strip().splitlines()) <= 2
    assert not out.exists()
    assert all(s.seen == [] for s in servers.values())


def test_no_network_message(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BIBTWIN_EUTILS_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("NCBI_API_KEY", NCBI_CANARY)
    from bibtwin.fetch import RetryPolicy
    with pytest.raises(FetchError) as err:
        run_study(CONFIG, tmp_path / "raw", only=["pubmed"],
                  overrides={"pubmed": {"retry": RetryPolicy(retries=0)}})
    assert "no network?" in str(err.value) and "docs/fetching.md" in str(err.value)
    assert NCBI_CANARY not in str(err.value)
    assert not (tmp_path / "raw" / "dt-healthcare" / "query_log.csv").exists()


def test_manual_databases_are_not_fetched(tmp_path):
    with pytest.raises(FetchError, match="wos automatically.*docs/fetching.md"):
        run_study(CONFIG, tmp_path, only=["wos"])


def test_configs_hold_each_databases_own_syntax():
    original, update = load_config(CONFIG), load_config(UPDATE)
    assert original.study == "dt-healthcare" and update.study == "dt-healthcare-update"
    for cfg in (original, update):
        assert cfg.automatic() == ["pubmed", "scopus", "openalex"]
        assert {"wos", "scholar"} <= set(cfg.databases)
        assert cfg.databases["wos"]["fetch"] == cfg.databases["scholar"]["fetch"] == "manual"
        pubmed = cfg.databases["pubmed"]["query"]
        assert '"digital twin"[tiab]' in pubmed and "health*[tiab]" in pubmed and '"in silico twin"' in pubmed
        assert cfg.databases["scopus"]["query"].startswith("TITLE-ABS-KEY(")
        assert cfg.databases["wos"]["query"].startswith("TS=(")
        assert "virtual healthcare" in cfg.databases["openalex"]["search"]
    assert '"2022/06/30"[dp]' in original.databases["pubmed"]["query"]
    assert original.databases["scopus"]["query"].endswith("AND PUBYEAR < 2023")
    assert original.databases["openalex"]["filter"] == "to_publication_date:2022-06-30"
    assert "2022" not in update.databases["pubmed"]["query"] + update.databases["scopus"]["query"] \
        + update.databases["wos"]["query"] and "filter" not in update.databases["openalex"]


@pytest.mark.parametrize("text, problem", [
    ("databases: {pubmed: {query: x}}\n", "'study' name"),
    ("study: s\n", "'databases'"),
    ("study: s\ndatabases: {scopus: {view: auto}}\n", "databases.scopus: expected a 'query'"),
    ("study: s\ndatabases: {openalex: {}}\n", "'filter' and/or 'search'"),
    ("study: [unclosed\n", "not valid YAML"),
])
def test_config_errors_name_the_file_and_the_problem(tmp_path, text, problem):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(FetchError) as err:
        load_config(path)
    assert str(err.value).startswith(str(path)) and problem in str(err.value)
