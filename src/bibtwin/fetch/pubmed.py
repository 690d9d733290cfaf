"""PubMed through NCBI E-utilities: ESearch with the history server, EFetch MEDLINE text in batches.

``fetch_pubmed(term, folder)`` writes

* ``batch-0001.txt`` ... : the EFetch responses (``rettype=medline&retmode=text``) byte for byte, each
  written atomically, so a batch file that exists is complete;
* ``state.json``: the plan (date pieces, counts, batch numbers) and the batches done, so a rerun after an
  interruption fetches only the missing batches;
* ``pubmed.txt``: every batch joined, each PMID once (what ``bibtwin.read`` reads).

ESearch cannot hand out more than 10,000 records of one query (``retstart`` beyond 9,999 fails, with or
without the history server). A larger query is split into publication-date pieces (``datetype=pdat``,
``mindate``/``maxdate``), halving a range until each piece holds at most 10,000 records; the pieces are
fetched one after another and PMIDs seen in an earlier piece are dropped.

NCBI allows 3 requests per second without an API key and 10 with one (``NCBI_API_KEY``); requests carry
``tool`` and ``email`` (``NCBI_EMAIL``) as NCBI asks. The key travels as the ``api_key`` query parameter,
so every URL logged or raised goes through :func:`bibtwin.fetch.redact` and no file written holds it.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from .. import atomic
from . import MANUAL_HINT, FetchError, HttpClient, RetryPolicy

log = logging.getLogger("bibtwin.fetch.pubmed")

EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
MAX_RETRIEVABLE = 10_000
STATE_VERSION = 1
# written beside the records but not exports (.bibtwinignore): the batches hold pubmed.txt's records again
INTERMEDIATE_FILES = ("batch-*.txt", "state.json")
_PMID_LINE = re.compile(r"^PMID- ?(\d+)", re.MULTILINE)
_RECORD_SEP = re.compile(r"\n[ \t]*\n")
_DATE = re.compile(r"^\d{4}(/\d{2}/\d{2})?$")


@dataclass
class PubmedSettings:
    """How to talk to E-utilities; every field has a default that suits NCBI."""
    base_url: str = EUTILS_URL
    batch_size: int = 500
    max_retrievable: int = MAX_RETRIEVABLE
    mindate: str = "1700/01/01"          # the date range that is split when a query is too large
    maxdate: str | None = None           # default: 31 December of next year
    api_key: str | None = None
    email: str | None = None
    tool: str = "bibtwin"
    rate: float | None = None            # default: 10/s with an API key, 3/s without
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: float = 120.0
    clock: Callable[[], float] | None = None
    sleep: Callable[[float], None] | None = None

    @classmethod
    def from_env(cls, **overrides) -> "PubmedSettings":
        env = {"base_url": os.environ.get("BIBTWIN_EUTILS_URL") or None,
               "api_key": os.environ.get("NCBI_API_KEY") or None,
               "email": os.environ.get("NCBI_EMAIL") or None}
        values = {k: v for k, v in env.items() if v is not None}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


@dataclass
class Piece:
    """A publication-date slice of the query (None, None: the whole query) and its count."""
    mindate: str | None
    maxdate: str | None
    count: int
    first_batch: int = 0
    n_batches: int = 0
    webenv: str | None = field(default=None, repr=False)
    query_key: str | None = field(default=None, repr=False)

    def as_state(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k not in ("webenv", "query_key")}


@dataclass
class PubmedResult:
    query: str
    count_reported: int
    count_saved: int
    files: list[Path]
    combined: Path
    duplicates_dropped: int
    batches_fetched: int
    pieces: list[Piece]


class EUtils:
    """The two E-utilities calls bibtwin needs, over a rate-limited, retrying :class:`HttpClient`."""

    def __init__(self, settings: PubmedSettings):
        self.settings = settings
        rate = settings.rate or (10.0 if settings.api_key else 3.0)
        kw = {}
        if settings.clock is not None:
            kw["clock"] = settings.clock
        if settings.sleep is not None:
            kw["sleep"] = settings.sleep
        self.http = HttpClient(rate=rate, retry=settings.retry, timeout=settings.timeout,
                               secrets=[settings.api_key], user_agent=f"{settings.tool} (bibtwin.fetch)",
                               service="PubMed E-utilities", **kw)
        self.base = settings.base_url.rstrip("/") + "/"

    def _common(self) -> dict:
        params = {"db": "pubmed", "tool": self.settings.tool}
        if self.settings.email:
            params["email"] = self.settings.email
        if self.settings.api_key:
            params["api_key"] = self.settings.api_key
        return params

    def esearch(self, term: str, mindate: str | None = None, maxdate: str | None = None) -> Piece:
        params = {**self._common(), "term": term, "usehistory": "y", "retmax": 0, "retmode": "json"}
        if mindate or maxdate:
            params.update(datetype="pdat", mindate=mindate, maxdate=maxdate)
        resp = self.http.get(self.base + "esearch.fcgi", params)
        where = f"ESearch for {term!r}" + (f" ({mindate}-{maxdate})" if mindate else "")
        try:
            result = resp.json()["esearchresult"]
        except (ValueError, KeyError, TypeError):
            raise FetchError(f"{where}: expected a JSON object with 'esearchresult', found "
                             f"{self.http.redact(resp.text[:120])!r}") from None
        if "ERROR" in result or "count" not in result:
            raise FetchError(f"{where}: PubMed answered an error: "
                             f"{self.http.redact(result.get('ERROR', result))}")
        return Piece(mindate, maxdate, int(result["count"]), webenv=result.get("webenv"),
                     query_key=result.get("querykey"))

    def efetch(self, piece: Piece, retstart: int, retmax: int) -> bytes:
        params = {**self._common(), "query_key": piece.query_key, "WebEnv": piece.webenv,
                  "retstart": retstart, "retmax": retmax, "rettype": "medline", "retmode": "text"}
        return self.http.get(self.base + "efetch.fcgi", params).content


# ------------------------------------------------------------------------------------------- dates

def _parse_date(text: str) -> dt.date:
    if not _DATE.match(text):
        raise FetchError(f"PubMed date {text!r}: expected YYYY or YYYY/MM/DD")
    if len(text) == 4:
        return dt.date(int(text), 1, 1)
    y, m, d = map(int, text.split("/"))
    return dt.date(y, m, d)


def _fmt(day: dt.date) -> str:
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"


def plan_pieces(eu: EUtils, term: str, mindate: str, maxdate: str, limit: int) -> tuple[int, list[Piece]]:
    """The total count of ``term`` and date pieces of at most ``limit`` records each.

    A range whose count exceeds ``limit`` is halved (by days) until each half fits; a single day with more
    than ``limit`` records cannot be split further and raises :class:`FetchError`.
    """
    whole = eu.esearch(term)
    if whole.count <= limit:
        return whole.count, ([whole] if whole.count else [])

    def split(lo: dt.date, hi: dt.date) -> list[Piece]:
        piece = eu.esearch(term, _fmt(lo), _fmt(hi))
        if piece.count == 0:
            return []
        if piece.count <= limit:
            return [piece]
        if lo == hi:
            raise FetchError(f"PubMed query {term!r} has {piece.count:,} records published on {_fmt(lo)}, "
                             f"more than the {limit:,} one search can return; narrow the query")
        mid = lo + (hi - lo) // 2
        return split(lo, mid) + split(mid + dt.timedelta(days=1), hi)

    pieces = split(_parse_date(mindate), _parse_date(maxdate))
    in_pieces = sum(p.count for p in pieces)
    if in_pieces != whole.count:
        log.warning("PubMed: %d records in %d date pieces, %d for the whole query (records outside %s-%s "
                    "or counted in two pieces)", in_pieces, len(pieces), whole.count, mindate, maxdate)
    return whole.count, pieces


# ------------------------------------------------------------------------------------------ running

def _batch_name(number: int) -> str:
    return f"batch-{number:04d}.txt"


def _signature(term: str, s: PubmedSettings, mindate: str, maxdate: str) -> dict:
    return {"version": STATE_VERSION, "query": term, "batch_size": s.batch_size,
            "max_retrievable": s.max_retrievable, "mindate": mindate, "maxdate": maxdate}


def _load_state(path: Path, signature: dict) -> dict | None:
    if not path.exists():
        return None
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None
    return state if state.get("signature") == signature else None


def _remove_batches(folder: Path) -> None:
    for old in folder.glob("batch-*.txt"):
        old.unlink()


def fetch_pubmed(term: str, folder, settings: PubmedSettings | None = None) -> PubmedResult:
    """Run ``term`` against PubMed and save the MEDLINE records under ``folder`` (resuming a previous run)."""
    s = settings or PubmedSettings.from_env()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    maxdate = s.maxdate or f"{dt.date.today().year + 1}/12/31"
    signature = _signature(term, s, s.mindate, maxdate)
    state_path = folder / "state.json"
    eu = EUtils(s)

    state = _load_state(state_path, signature)
    fresh: dict[int, Piece] = {}
    if state is not None:
        pieces = [Piece(**p) for p in state["pieces"]]
        log.info("PubMed: resuming %s (%d of %d batches done)", folder, len(state["done"]),
                 sum(p.n_batches for p in pieces))
    else:
        state, pieces = _new_plan(eu, term, s, maxdate, signature, folder, state_path)
        fresh = {i: p for i, p in enumerate(pieces)}

    fetched = 0
    for i, piece in enumerate(pieces):
        numbers = range(piece.first_batch, piece.first_batch + piece.n_batches)
        missing = [n for n in numbers if not (str(n) in state["done"] and (folder / _batch_name(n)).exists())]
        if not missing:
            continue
        live = fresh.get(i) or eu.esearch(term, piece.mindate, piece.maxdate)
        if live.count != piece.count:
            log.warning("PubMed: count for %s-%s changed since the interrupted run (%d -> %d); starting over",
                        piece.mindate, piece.maxdate, piece.count, live.count)
            state_path.unlink()
            return fetch_pubmed(term, folder, s)
        for n in missing:
            retstart = (n - piece.first_batch) * s.batch_size
            retmax = min(s.batch_size, piece.count - retstart)
            body = eu.efetch(live, retstart, retmax)
            got = len(_PMID_LINE.findall(body.decode("utf-8", errors="replace")))
            if got == 0:
                raise FetchError(f"PubMed EFetch returned no MEDLINE records for batch {n} (retstart "
                                 f"{retstart}, {retmax} expected); rerun to resume, or {MANUAL_HINT}")
            if got != retmax:
                log.warning("PubMed batch %d: %d records, %d expected", n, got, retmax)
            atomic.write_bytes(folder / _batch_name(n), body)
            state["done"][str(n)] = got
            atomic.write_json(state_path, state)
            fetched += 1

    files = [folder / _batch_name(n) for p in pieces for n in range(p.first_batch, p.first_batch + p.n_batches)]
    combined, n_saved, dropped = _combine(files, folder / "pubmed.txt")
    state["complete"] = True
    state["count_saved"] = n_saved
    atomic.write_json(state_path, state)
    return PubmedResult(query=term, count_reported=state["count_reported"], count_saved=n_saved,
                        files=files, combined=combined, duplicates_dropped=dropped, batches_fetched=fetched,
                        pieces=pieces)


def _new_plan(eu: EUtils, term: str, s: PubmedSettings, maxdate: str, signature: dict, folder: Path,
              state_path: Path) -> tuple[dict, list[Piece]]:
    total, pieces = plan_pieces(eu, term, s.mindate, maxdate, s.max_retrievable)
    number = 1
    for p in pieces:
        p.first_batch = number
        p.n_batches = -(-p.count // s.batch_size)
        number += p.n_batches
    _remove_batches(folder)  # batches of another query or plan must not be mixed in
    (folder / "pubmed.txt").unlink(missing_ok=True)
    state = {"signature": signature, "count_reported": total, "pieces": [p.as_state() for p in pieces],
             "done": {}, "complete": False}
    atomic.write_json(state_path, state)
    log.info("PubMed: %d records for %r in %d piece(s), %d batch(es)", total, term, len(pieces), number - 1)
    return state, pieces


def split_records(text: str) -> list[str]:
    """MEDLINE text split into records (blank-line separated), line endings made ``\\n``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return [r.strip("\n") for r in _RECORD_SEP.split(text) if r.strip()]


def _combine(files: list[Path], dest: Path) -> tuple[Path, int, int]:
    """Join batch files into one MEDLINE file, keeping the first record of each PMID."""
    seen: set[str] = set()
    kept: list[str] = []
    dropped = 0
    for f in files:
        for record in split_records(f.read_bytes().decode("utf-8")):
            m = _PMID_LINE.search(record)
            if m:
                if m.group(1) in seen:
                    dropped += 1
                    continue
                seen.add(m.group(1))
            kept.append(record)
    if dropped:
        log.info("PubMed: %d record(s) found in two date pieces dropped", dropped)
    atomic.write_text(dest, "\n\n".join(kept) + "\n" if kept else "")
    return dest, len(kept), dropped
