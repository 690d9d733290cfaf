"""OpenAlex ``/works`` with cursor paging: each page saved byte for byte as ``page-0001.json`` ...

``GET /works?filter=...&search=...&per-page=200&cursor=*&mailto=...``; the next request carries
``meta.next_cursor``; paging stops when it is null or a page has no results (that empty last page is not
saved: it holds no record). Pages are written atomically and ``state.json`` keeps the cursor of the next
page, so a rerun after an interruption continues where the last saved page ended. The pages are what
``bibtwin.readers.openalex_json`` reads.

``mailto`` (``OPENALEX_EMAIL``, else ``NCBI_EMAIL``) puts requests in OpenAlex's polite pool; an
``OPENALEX_API_KEY``, when set, is sent as ``api_key`` and redacted from everything logged or saved.
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .. import atomic
from . import MANUAL_HINT, FetchError, HttpClient, RetryPolicy

log = logging.getLogger("bibtwin.fetch.openalex")

OPENALEX_URL = "https://api.openalex.org/"
STATE_VERSION = 1
INTERMEDIATE_FILES = ("state.json",)  # not an export (.bibtwinignore)


@dataclass
class OpenAlexSettings:
    base_url: str = OPENALEX_URL
    per_page: int = 200
    max_pages: int | None = None
    email: str | None = None
    api_key: str | None = None
    rate: float = 10.0           # OpenAlex allows 10 requests per second
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: float = 120.0
    clock: Callable[[], float] | None = None
    sleep: Callable[[float], None] | None = None

    @classmethod
    def from_env(cls, **overrides) -> "OpenAlexSettings":
        env = {"base_url": os.environ.get("BIBTWIN_OPENALEX_URL") or None,
               "email": os.environ.get("OPENALEX_EMAIL") or os.environ.get("NCBI_EMAIL") or None,
               "api_key": os.environ.get("OPENALEX_API_KEY") or None}
        values = {k: v for k, v in env.items() if v is not None}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


@dataclass
class OpenAlexResult:
    query: str
    count_reported: int
    count_saved: int
    files: list[Path]
    pages_fetched: int


def describe(filter: str | None, search: str | None) -> str:
    """The query as the log shows it: ``filter=...&search=...``."""
    return "&".join(f"{k}={v}" for k, v in (("filter", filter), ("search", search)) if v)


def _page_name(n: int) -> str:
    return f"page-{n:04d}.json"


def fetch_openalex(folder, *, filter: str | None = None, search: str | None = None,
                   settings: OpenAlexSettings | None = None) -> OpenAlexResult:
    """Page through ``/works`` for ``filter``/``search`` and save every non-empty page under ``folder``."""
    if not (filter or search):
        raise FetchError("OpenAlex: the config gives neither 'filter' nor 'search'")
    s = settings or OpenAlexSettings.from_env()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    kw = {k: v for k, v in (("clock", s.clock), ("sleep", s.sleep)) if v is not None}
    http = HttpClient(rate=s.rate, retry=s.retry, timeout=s.timeout, secrets=[s.api_key],
                      service="OpenAlex", **kw)
    query = describe(filter, search)
    signature = {"version": STATE_VERSION, "query": query, "per_page": s.per_page}
    state_path = folder / "state.json"
    state = _load(state_path)
    if state is None or state.get("signature") != signature:
        for old in folder.glob("page-*.json"):
            old.unlink()
        state = {"signature": signature, "next_cursor": "*", "pages": 0, "count_reported": None,
                 "count_saved": 0, "complete": False}
    elif not state.get("complete"):
        log.info("OpenAlex: resuming after page %d", state["pages"])

    url = s.base_url.rstrip("/") + "/works"
    fetched = 0
    while not state["complete"]:
        if s.max_pages is not None and state["pages"] >= s.max_pages:
            log.warning("OpenAlex: stopped after %d pages (max_pages)", s.max_pages)
            break
        params = {"per-page": s.per_page, "cursor": state["next_cursor"]}
        if filter:
            params["filter"] = filter
        if search:
            params["search"] = search
        if s.email:
            params["mailto"] = s.email
        if s.api_key:
            params["api_key"] = s.api_key
        resp = http.get(url, params)
        try:
            page = resp.json()
            results = page["results"]
            meta = page["meta"]
        except (ValueError, KeyError, TypeError):
            raise FetchError(f"OpenAlex page {state['pages'] + 1}: expected JSON with 'meta' and 'results', "
                             f"found {http.redact(resp.text[:120])!r}; {MANUAL_HINT}") from None
        if state["count_reported"] is None:
            state["count_reported"] = meta.get("count")
        if results:
            n = state["pages"] + 1
            atomic.write_bytes(folder / _page_name(n), resp.content)
            state["pages"] = n
            state["count_saved"] += len(results)
            fetched += 1
        next_cursor = meta.get("next_cursor")
        state["next_cursor"] = next_cursor
        state["complete"] = not results or not next_cursor
        atomic.write_json(state_path, state)

    files = [folder / _page_name(n) for n in range(1, state["pages"] + 1)]
    return OpenAlexResult(query=query, count_reported=state["count_reported"] or 0,
                          count_saved=state["count_saved"], files=files, pages_fetched=fetched)


def _load(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
