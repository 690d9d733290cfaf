"""A study config (``config/<study>.yaml``) run against the databases, with a query log.

The config names the study and gives each database its query in that database's own syntax::

    study: dt-healthcare
    databases:
      pubmed:   {query: '("digital twin"[tiab] ...)'}
      scopus:   {query: 'TITLE-ABS-KEY(...) AND PUBYEAR < 2023', view: auto}
      openalex: {search: '...', filter: 'to_publication_date:2022-06-30'}
      wos:      {query: 'TS=(...)', fetch: manual}     # no API here: docs/fetching.md

Databases with ``fetch: manual`` (Web of Science, Google Scholar) are exported by hand. Everything is
written under ``<out>/<study>/`` (``out`` defaults to ``data/raw``): one folder per database and
``query_log.csv`` (database, query, date run in UTC, count the database reported, count saved, files),
rewritten atomically after each database, never holding a key. ``.bibtwinignore`` in the study folder lists
the files written that are not exports (PubMed batches and state, the Scopus manifest, OpenAlex state, the
query log), so ``bibtwin ingest data/raw/<study>`` reads each record once (:mod:`bibtwin.ignorefile`).

Base URLs come from the config (``base_url``) unless ``BIBTWIN_EUTILS_URL``, ``BIBTWIN_OPENALEX_URL`` or
``BIBTWIN_SCOPUS_URL`` is set, which win (tests point them at a loopback stand-in).
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from .. import atomic, paths
from . import MANUAL_HINT, FetchError, redact

log = logging.getLogger("bibtwin.fetch.study")

AUTOMATIC = ("pubmed", "scopus", "openalex")
MANUAL = ("wos", "scholar", "embase", "lens", "dimensions")
LOG_COLUMNS = ["database", "query", "date_run", "count_reported", "count_saved", "files", "notes"]
_ENV_URLS = {"pubmed": "BIBTWIN_EUTILS_URL", "openalex": "BIBTWIN_OPENALEX_URL", "scopus": "BIBTWIN_SCOPUS_URL"}


@dataclass
class StudyConfig:
    study: str
    path: Path
    databases: dict[str, dict]
    description: str = ""

    def automatic(self) -> list[str]:
        return [db for db in AUTOMATIC if db in self.databases
                and self.databases[db].get("fetch", "api") != "manual"]


def load_config(path) -> StudyConfig:
    """Read and check a study config; errors name the file and the key."""
    path = Path(path)
    if not path.exists():
        raise FetchError(f"{path}: no such study config")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FetchError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("study"), str) or not raw["study"].strip():
        raise FetchError(f"{path}: expected a mapping with a 'study' name (used as the folder name)")
    dbs = raw.get("databases")
    if not isinstance(dbs, dict) or not dbs:
        raise FetchError(f"{path}: expected 'databases' mapping database names to their queries")
    for name, spec in dbs.items():
        if not isinstance(spec, dict):
            raise FetchError(f"{path}: databases.{name}: expected a mapping with 'query', found {spec!r}")
        if name == "openalex":
            if not (spec.get("filter") or spec.get("search")):
                raise FetchError(f"{path}: databases.openalex: expected 'filter' and/or 'search'")
        elif not spec.get("query"):
            raise FetchError(f"{path}: databases.{name}: expected a 'query'")
    study = raw["study"].strip()
    if "/" in study or study.startswith("."):
        raise FetchError(f"{path}: study {study!r}: expected a plain folder name")
    return StudyConfig(study=study, path=path, databases=dbs, description=raw.get("description", ""))


@dataclass
class LogRow:
    database: str
    query: str
    date_run: str
    count_reported: int
    count_saved: int
    files: list[str]
    notes: str = ""

    def as_dict(self) -> dict:
        return {"database": self.database, "query": self.query, "date_run": self.date_run,
                "count_reported": self.count_reported, "count_saved": self.count_saved,
                "files": "; ".join(self.files), "notes": self.notes}


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _url(db: str, spec: dict) -> str | None:
    return os.environ.get(_ENV_URLS[db]) or spec.get("base_url") or None


def _settings(db: str, spec: dict, overrides: dict | None):
    """Settings for one database: environment (keys, URLs), then the config, then the caller's overrides."""
    extra = dict(overrides or {})
    if db == "pubmed":
        from .pubmed import PubmedSettings
        keys = ("batch_size", "max_retrievable", "mindate", "maxdate", "tool", "rate")
        cfg = {k: spec[k] for k in keys if k in spec}
        return PubmedSettings.from_env(**{**cfg, "base_url": _url(db, spec), **extra})
    if db == "openalex":
        from .openalex import OpenAlexSettings
        cfg = {k: spec[k] for k in ("per_page", "max_pages", "rate") if k in spec}
        return OpenAlexSettings.from_env(**{**cfg, "base_url": _url(db, spec), **extra})
    from .scopus import ScopusSettings
    cfg = {k: spec[k] for k in ("view",) if k in spec}
    return ScopusSettings.from_env(**{**cfg, "base_url": _url(db, spec), **extra})


def run_study(config, out=None, only=None, *, refresh: bool = False,
              overrides: dict[str, dict] | None = None) -> list[LogRow]:
    """Fetch every automatic database of ``config`` (or those in ``only``) into ``<out>/<study>/``.

    Keys are checked before anything is written: a missing Scopus key stops the run with a message
    naming what is missing and the manual route (``docs/fetching.md``).
    """
    cfg = config if isinstance(config, StudyConfig) else load_config(config)
    study_dir = Path(out if out is not None else paths.RAW) / cfg.study
    wanted = list(only) if only else cfg.automatic()
    unknown = [db for db in wanted if db not in AUTOMATIC]
    if unknown:
        raise FetchError(f"cannot fetch {', '.join(unknown)} automatically (only {', '.join(AUTOMATIC)}); "
                         f"{MANUAL_HINT}")
    absent = [db for db in wanted if db not in cfg.databases]
    if absent:
        raise FetchError(f"{cfg.path}: no query for {', '.join(absent)} under 'databases'")
    if not wanted:
        raise FetchError(f"{cfg.path}: no database to fetch automatically; {MANUAL_HINT}")
    settings = {db: _settings(db, cfg.databases[db], (overrides or {}).get(db)) for db in wanted}
    if "scopus" in settings:
        settings["scopus"].refresh = settings["scopus"].refresh or refresh
        settings["scopus"].credentials()  # raises before anything is written when no key is found
    secrets = _secrets(settings)

    rows = []
    write_ignore_file(study_dir, wanted)  # before the first batch: an interrupted fetch is ingestible too
    for db in wanted:
        spec = cfg.databases[db]
        try:
            row = _run_one(db, spec, study_dir, settings[db], refresh)
        except FetchError as exc:
            raise FetchError(redact(exc, secrets)) from None
        rows.append(row)
        write_query_log(study_dir / "query_log.csv", [row], secrets)
        write_ignore_file(study_dir, wanted)
        log.info("%s: %d of %d records saved", db, row.count_saved, row.count_reported)
    return rows


IGNORE_OWNER = "bibtwin fetch"


def intermediate_files(study_dir, databases=()) -> list[str]:
    """Patterns (relative to the study folder) of the files ``bibtwin fetch`` writes that are not exports,
    for the databases named and those already fetched there."""
    from . import openalex, pubmed, scopus

    study_dir = Path(study_dir)
    patterns = []
    for db in AUTOMATIC:
        folder = study_dir / db
        if db not in databases and not folder.is_dir():
            continue
        if db == "pubmed":
            names = pubmed.INTERMEDIATE_FILES
        elif db == "openalex":
            names = openalex.INTERMEDIATE_FILES
        else:
            names = scopus.intermediate_files(folder) if folder.is_dir() else [scopus.MANIFEST]
        patterns += [f"{db}/{name}" for name in names]
    return patterns + ["query_log.csv"]


def write_ignore_file(study_dir, databases=()) -> Path:
    """Write (atomically) the block of ``<study>/.bibtwinignore`` that ``bibtwin fetch`` manages."""
    from ..ignorefile import write_block

    return write_block(study_dir, IGNORE_OWNER, intermediate_files(study_dir, databases),
                       comment="Written by bibtwin fetch: files beside the records that are not exports\n"
                               "(PubMed batches hold pubmed.txt's records again). Lines outside this block "
                               "are kept.")


def _secrets(settings: dict) -> list[str]:
    out = []
    for s in settings.values():
        out += [getattr(s, "api_key", None)] + list(getattr(s, "keys", None) or []) \
            + list(getattr(s, "inst_tokens", None) or [])
    return [x for x in out if x]


def _relative(files, base: Path) -> list[str]:
    return [Path(f).relative_to(base).as_posix() for f in files]


def _run_one(db: str, spec: dict, study_dir: Path, settings, refresh: bool) -> LogRow:
    folder = study_dir / db
    if refresh and db in ("pubmed", "openalex"):
        (folder / "state.json").unlink(missing_ok=True)
    if db == "pubmed":
        from .pubmed import fetch_pubmed
        res = fetch_pubmed(spec["query"], folder, settings)
        notes = f"{len(res.pieces)} date piece(s)" if len(res.pieces) > 1 else ""
        if res.duplicates_dropped:
            notes += f"; {res.duplicates_dropped} duplicate PMID(s) dropped"
        files = _relative([res.combined, *res.files], study_dir)
        return LogRow(db, res.query, _now(), res.count_reported, res.count_saved, files, notes.strip("; "))
    if db == "openalex":
        from .openalex import fetch_openalex
        res = fetch_openalex(folder, filter=spec.get("filter"), search=spec.get("search"), settings=settings)
        return LogRow(db, res.query, _now(), res.count_reported, res.count_saved,
                      _relative(res.files, study_dir))
    from .scopus import fetch_scopus
    res = fetch_scopus(spec["query"], folder, settings)
    notes = f"{res.view} view" + ("; from the cache" if res.from_cache else "")
    return LogRow(db, res.query, _now(), res.count_reported, res.count_saved,
                  _relative(res.files, study_dir), notes)


def read_query_log(path) -> pd.DataFrame:
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=LOG_COLUMNS)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def write_query_log(path, rows: list[LogRow], secrets=()) -> Path:
    """Add or replace the rows of ``rows``' databases in the query log, written atomically."""
    path = Path(path)
    old = read_query_log(path)
    new = pd.DataFrame([r.as_dict() for r in rows], columns=LOG_COLUMNS).astype(str)
    replaced = set(new["database"])
    kept = old[~old["database"].isin(replaced)] if len(old) else old
    table = pd.concat([kept, new], ignore_index=True)[LOG_COLUMNS].sort_values("database", kind="stable")
    text = table.to_csv(index=False, lineterminator="\n")
    return atomic.write_text(path, redact(text, secrets))
