"""Scopus through pybliometrics' ``ScopusSearch``, with its cache as the saved raw responses.

pybliometrics caches a search as one file, ``<cache dir>/<VIEW>/<md5 of the query>``, holding the API's
``entry`` objects one JSON object per line. bibtwin points that cache at ``data/raw/<study>/scopus/``, so
the cached file *is* the raw response: pybliometrics does the fetching (keys, paging, cache writing) and
bibtwin reads the file with its ``scopus_api_json`` reader (:mod:`bibtwin.readers.scopus_json`, the one
mapping of Scopus API fields), as ``bibtwin.read`` and ``bibtwin ingest`` do; :func:`read_cache` reads
every search listed in ``searches.json`` (query, view, file, counts) with no network.

The COMPLETE view (all authors, affiliation ids, abstract, author keywords, funding) needs a subscriber
key; with a key that is refused it (HTTP 401/403) the search falls back to the STANDARD view, which names
only the first author (``dc:creator``) and allows at most 5,000 results. The view used is in
``searches.json`` and the query log; each record's ``extra`` says whether its authors are complete.

pybliometrics is initialized programmatically, never by its prompt: the config it reads is a temporary
file without the key (keys are passed to ``init``), its other cache folders are temporary, and the
user's own config is only read for ``APIKey``/``InstToken`` when ``SCOPUS_API_KEY`` is not set. The key
travels in the ``X-ELS-APIKey`` header; a cache file that echoes it anyway is redacted.

Subject areas are not fetched: the Scopus Search API has none per document, and one Serial Title call
per source would multiply the quota used; ``subject_categories`` stays empty (unknown) for API records.
"""
from __future__ import annotations

import configparser
import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import atomic
from ..schema import empty_frame
from . import MANUAL_HINT, FetchError, redact

log = logging.getLogger("bibtwin.fetch.scopus")

SOURCE_FORMAT = "scopus_api_json"
VIEWS = ("COMPLETE", "STANDARD")
MANIFEST = "searches.json"


def intermediate_files(folder) -> list[str]:
    """Files under ``folder`` that are not exports (``.bibtwinignore``): the manifest, and the empty cache
    file of each search that found nothing."""
    folder = Path(folder)
    empty = [f.relative_to(folder).as_posix() for view in VIEWS if (folder / view).is_dir()
             for f in sorted((folder / view).iterdir()) if f.is_file() and is_empty_search(f)]
    return [MANIFEST, *empty]


@dataclass
class ScopusSettings:
    keys: list[str] | None = None
    inst_tokens: list[str] | None = None
    view: str = "auto"                 # auto: COMPLETE, falling back to STANDARD on 401/403
    base_url: str | None = None        # Scopus Search API URL (tests: a loopback stand-in)
    refresh: bool = False              # False: reuse a cached search of the same query and view
    timeout: int = 60
    retries: int = 5

    @classmethod
    def from_env(cls, **overrides) -> "ScopusSettings":
        values = {}
        env_keys = os.environ.get("SCOPUS_API_KEY")
        if env_keys:
            values["keys"] = [k.strip() for k in env_keys.split(",") if k.strip()]
            token = os.environ.get("SCOPUS_INSTTOKEN")
            if token:
                values["inst_tokens"] = [t.strip() for t in token.split(",") if t.strip()]
        if os.environ.get("BIBTWIN_SCOPUS_URL"):
            values["base_url"] = os.environ["BIBTWIN_SCOPUS_URL"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def credentials(self) -> tuple[list[str], list[str] | None]:
        """Keys from the settings (environment), else from the user's pybliometrics config; never a prompt."""
        if self.keys:
            return list(self.keys), self.inst_tokens
        path = _user_config_path()
        if path is not None and path.exists():
            cfg = configparser.ConfigParser()
            cfg.optionxform = str
            cfg.read(path)
            keys = [k.strip() for k in cfg.get("Authentication", "APIKey", fallback="").split(",") if k.strip()]
            tokens = [t.strip() for t in cfg.get("Authentication", "InstToken", fallback="").split(",")
                      if t.strip()]
            if keys:
                return keys, tokens or None
        raise FetchError("no Scopus API key: set SCOPUS_API_KEY (from https://dev.elsevier.com) or a "
                         f"pybliometrics config, or {MANUAL_HINT}")


def _user_config_path() -> Path | None:
    """The user's pybliometrics config (the places pybliometrics looks), or None."""
    if os.environ.get("PYBLIOMETRICS_CONFIG"):
        return Path(os.environ["PYBLIOMETRICS_CONFIG"])
    home = Path.home()
    for p in (home / ".scopus" / "config.ini", home / ".pybliometrics" / "Scopus" / "config.ini",
              home / ".config" / "pybliometrics.cfg"):
        if p.exists():
            return p
    return None


@dataclass
class ScopusResult:
    query: str
    view: str
    count_reported: int
    count_saved: int
    files: list[Path]
    records: pd.DataFrame
    from_cache: bool


def cache_name(query: str) -> str:
    """pybliometrics' cache file name of a search: the md5 of the query string."""
    return hashlib.md5(query.encode("utf8")).hexdigest()


@contextlib.contextmanager
def _pybliometrics(search_dir: Path, keys, tokens, base_url: str | None, timeout: int, retries: int):
    """pybliometrics initialized with a temporary key-less config whose ScopusSearch cache is ``search_dir``."""
    from pybliometrics.utils import constants
    from pybliometrics.utils.startup import init

    with tempfile.TemporaryDirectory(prefix="bibtwin-pybliometrics-") as tmp:
        cfg = configparser.ConfigParser()
        cfg.optionxform = str
        cfg.add_section("Directories")
        for api in constants.DEFAULT_PATHS:
            cfg.set("Directories", api, str(Path(tmp) / "cache" / api))
        cfg.set("Directories", "ScopusSearch", str(search_dir))
        cfg.add_section("Authentication")
        cfg.add_section("Requests")
        cfg.set("Requests", "Timeout", str(timeout))
        cfg.set("Requests", "Retries", str(retries))
        path = Path(tmp) / "pybliometrics.cfg"
        with open(path, "w", encoding="utf-8") as fh:
            cfg.write(fh)
        init(config_path=path, keys=list(keys), inst_tokens=tokens)
        old_url = constants.URLS["ScopusSearch"]
        if base_url:
            constants.URLS["ScopusSearch"] = base_url
        try:
            yield
        finally:
            constants.URLS["ScopusSearch"] = old_url


def fetch_scopus(query: str, folder, settings: ScopusSettings | None = None) -> ScopusResult:
    """Run ``query`` (Scopus advanced-search syntax) and cache the entries under ``folder``."""
    import requests
    from pybliometrics.exception import (Scopus401Error, Scopus403Error, ScopusException,
                                         ScopusQueryError)
    from pybliometrics.scopus import ScopusSearch

    s = settings or ScopusSettings.from_env()
    keys, tokens = s.credentials()
    secrets = keys + list(tokens or [])
    folder = Path(folder)
    views = list(VIEWS) if s.view.lower() == "auto" else [s.view.upper()]
    name = cache_name(query)

    if not s.refresh:
        for view in views:
            if (folder / view / name).exists():
                log.info("Scopus: using the cached %s search %s", view, folder / view / name)
                return _result_from_cache(folder, query, view)

    staging = folder / ".partial"  # pybliometrics writes its cache file in place: stage, then rename
    staging.mkdir(parents=True, exist_ok=True)
    search = None
    try:
        with _pybliometrics(staging, keys, tokens, s.base_url, s.timeout, s.retries):
            for view in views:
                try:
                    search = ScopusSearch(query, view=view, subscriber=(view == "COMPLETE"), refresh=True)
                    break
                except (Scopus401Error, Scopus403Error) as exc:
                    if view == views[-1]:
                        raise FetchError(f"Scopus refused the {view} view of the search "
                                         f"({type(exc).__name__}: {redact(exc, secrets)}); is the key valid "
                                         f"for the Scopus Search API? Otherwise {MANUAL_HINT}") from None
                    log.warning("Scopus: the key may not use the %s view (%s); falling back to %s",
                                view, type(exc).__name__, views[views.index(view) + 1])
                    (staging / view / name).unlink(missing_ok=True)
                except ScopusQueryError as exc:
                    raise FetchError(f"Scopus: {redact(exc, secrets)} (STANDARD view without subscription "
                                     f"returns at most 5,000); split the query by PUBYEAR or {MANUAL_HINT}") \
                        from None
                except (requests.ConnectionError, requests.Timeout) as exc:
                    raise FetchError(f"could not reach the Scopus API ({type(exc).__name__}); no network? "
                                     f"{MANUAL_HINT}") from None
                except (ScopusException, requests.HTTPError) as exc:
                    raise FetchError(f"Scopus search failed: {type(exc).__name__}: "
                                     f"{redact(exc, secrets)[:300]}; {MANUAL_HINT}") from None
        count_reported = search.get_results_size()
        staged = staging / view / name
        dest = folder / view / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        _scrub(staged, secrets)
        os.replace(staged, dest)
    finally:
        _remove_tree(staging)
    records = read_search_file(dest)
    _write_manifest(folder, query, view, dest, count_reported, len(records))
    return ScopusResult(query=query, view=view, count_reported=count_reported, count_saved=len(records),
                        files=[dest], records=records, from_cache=False)


def _result_from_cache(folder: Path, query: str, view: str) -> ScopusResult:
    manifest = _read_manifest(folder)
    entry = manifest.get(f"{view}/{cache_name(query)}", {})
    path = folder / view / cache_name(query)
    records = read_search_file(path)
    count = entry.get("count_reported", len(records))
    _write_manifest(folder, query, view, path, count, len(records))
    return ScopusResult(query=query, view=view, count_reported=count, count_saved=len(records),
                        files=[path], records=records, from_cache=True)


def read_search_file(path) -> pd.DataFrame:
    """The canonical records of one cached search (read with the ``scopus_api_json`` reader).

    A search with no results leaves an empty cache file (pybliometrics writes no line): no records.
    """
    from ..io import load

    path = Path(path)
    if not path.exists():
        raise FetchError(f"{path}: no cached Scopus search")
    if is_empty_search(path):
        return empty_frame()
    loaded = load(path, SOURCE_FORMAT)
    if loaded.report.rejected:
        log.warning("Scopus: %d entr(y/ies) of %s not kept: %s", len(loaded.report.rejected), path,
                    "; ".join(r["reason"] for r in loaded.report.rejected[:3]))
    return loaded.records


def is_empty_search(path) -> bool:
    """Whether a cache file holds no entry: pybliometrics writes an empty file for a search with no
    results (not an export; ``bibtwin fetch`` lists it in ``.bibtwinignore``)."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    return len(head) < 4096 and not head.strip()


def read_cache(folder) -> pd.DataFrame:
    """The canonical records of every search cached under ``folder`` (``data/raw/<study>/scopus``), read
    offline from the cache files listed in ``searches.json``."""
    from ..io import concat_records

    folder = Path(folder)
    manifest = _read_manifest(folder)
    if not manifest:
        raise FetchError(f"{folder / MANIFEST}: no cached Scopus searches listed")
    return concat_records([read_search_file(folder / e["file"]) for _, e in sorted(manifest.items())])


def _read_manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def _write_manifest(folder: Path, query: str, view: str, dest: Path, count_reported: int, count_saved: int):
    manifest = _read_manifest(folder)
    key = f"{view}/{cache_name(query)}"
    previous = manifest.get(key, {})
    manifest[key] = {"query": query, "view": view, "file": key, "count_reported": count_reported,
                     "count_saved": count_saved,
                     "date_run": previous.get("date_run") if previous.get("count_saved") == count_saved
                     and previous.get("date_run") else _now()}
    atomic.write_json(folder / MANIFEST, manifest)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _scrub(path: Path, secrets: list[str]) -> None:
    """Redact a key the API may have echoed into links (``apiKey=`` in an ``@href``)."""
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    clean = redact(text, secrets)
    if clean != text:
        log.warning("Scopus: the response carried an API key or token; redacted in %s", path.name)
        atomic.write_text(path, clean)


def _remove_tree(path: Path) -> None:
    if not path.exists():
        return
    for p in sorted(path.rglob("*"), key=lambda q: len(q.parts), reverse=True):
        p.rmdir() if p.is_dir() else p.unlink()
    path.rmdir()
