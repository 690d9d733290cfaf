"""Live queries of PubMed (E-utilities), Scopus (pybliometrics) and OpenAlex, saved reproducibly.

One module per database (:mod:`.pubmed`, :mod:`.scopus`, :mod:`.openalex`) turns a query into raw files
under ``data/raw/<study>/<database>/``; :mod:`.study` reads a study config, runs them and writes the query
log. This module holds what they share: :class:`FetchError`, key redaction, and :class:`HttpClient` (rate
limit, retries with exponential backoff honouring ``Retry-After``), with an injectable clock and sleep so
tests run in seconds.

Keys never leave the process: :func:`redact` strips ``api_key``/``apiKey``/``insttoken`` query parameters
and any key value given to it from every URL and message that is logged, saved or raised.
"""
from __future__ import annotations

import email.utils
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..errors import BibtwinError

log = logging.getLogger("bibtwin.fetch")

MANUAL_HINT = "export by hand instead: see docs/fetching.md"


class FetchError(BibtwinError):
    """A live query could not be run or finished (missing key, no network, refused by the server)."""


# --------------------------------------------------------------------------------------- redaction

_KEY_PARAM = re.compile(r"(?i)(\b(?:api_?key|insttoken|access_token)=)[^&#\s'\"]*")
_KEY_HEADER = re.compile(r"(?i)((?:X-ELS-APIKey|X-ELS-Insttoken)['\"]?\s*[:=]\s*['\"]?)[^'\"\s,}]+")


def redact(text, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with key query parameters, key headers and the given secret values replaced."""
    out = str(text)
    for secret in secrets:
        if secret and len(secret) >= 4:
            out = out.replace(secret, "REDACTED")
    out = _KEY_PARAM.sub(r"\1REDACTED", out)
    return _KEY_HEADER.sub(r"\1REDACTED", out)


# ------------------------------------------------------------------------------------ rate, retries

class RateLimiter:
    """At most ``rate`` request starts in any window of one second (minimum spacing ``1/rate``)."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval = 1.0 / rate if rate and rate > 0 else 0.0
        self.clock = clock
        self.sleep = sleep
        self._last: float | None = None

    def wait(self) -> float:
        """Sleep until the next request may start; return the time it starts (by ``clock``)."""
        now = self.clock()
        if self._last is not None and self.interval:
            due = self._last + self.interval
            if now < due:
                self.sleep(due - now)
                now = max(self.clock(), due)
        self._last = now
        return now


@dataclass
class RetryPolicy:
    """Retries on 429, 5xx and connection errors: waits ``backoff * 2**attempt`` (capped at
    ``max_wait``) or the server's ``Retry-After`` when it is longer."""
    retries: int = 5
    backoff: float = 1.0
    max_wait: float = 60.0
    statuses: frozenset = field(default_factory=lambda: frozenset({429, 500, 502, 503, 504}))

    def wait_for(self, attempt: int, retry_after: float | None) -> float:
        wait = min(self.backoff * (2 ** attempt), self.max_wait)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_wait * 5))
        return wait


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass
class Request:
    """One request as sent (URL redacted) and when, by the client's clock: for logs and tests."""
    url: str
    started: float
    status: int | None
    error: str | None = None


class HttpClient:
    """``requests`` with a rate limit, retries and redacted logs; one per database and run."""

    def __init__(self, *, rate: float, retry: RetryPolicy | None = None, timeout: float = 60.0,
                 secrets: Iterable[str | None] = (), user_agent: str = "bibtwin",
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 session=None, service: str = "the server"):
        import requests

        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = user_agent
        self.limiter = RateLimiter(rate, clock, sleep)
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.secrets = [s for s in secrets if s]
        self.sleep = sleep
        self.service = service
        self.requests: list[Request] = []

    def redact(self, text) -> str:
        return redact(text, self.secrets)

    def get(self, url: str, params: dict | None = None):
        """GET with retries; return the ``requests.Response`` (status 2xx) or raise :class:`FetchError`."""
        import requests

        last_problem = ""
        for attempt in range(self.retry.retries + 1):
            started = self.limiter.wait()
            prepared = requests.Request("GET", url, params=params).prepare()
            shown = self.redact(prepared.url)
            try:
                resp = self.session.send(prepared, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                kind = "timed out" if isinstance(exc, requests.Timeout) else "could not connect"
                self.requests.append(Request(shown, started, None, kind))
                last_problem = f"{kind} ({type(exc).__name__})"
                retry_after = None
            else:
                self.requests.append(Request(shown, started, resp.status_code))
                if resp.status_code < 400:
                    log.debug("GET %s -> %s", shown, resp.status_code)
                    return resp
                if resp.status_code not in self.retry.statuses:
                    raise FetchError(f"{self.service} refused the request: HTTP {resp.status_code} "
                                     f"{resp.reason} for {shown}: {self.redact(resp.text[:200]).strip()}")
                last_problem = f"HTTP {resp.status_code} {resp.reason}"
                retry_after = parse_retry_after(resp.headers.get("Retry-After"))
            if attempt == self.retry.retries:
                break
            wait = self.retry.wait_for(attempt, retry_after)
            log.warning("GET %s: %s; retry %d/%d in %.1f s", shown, last_problem, attempt + 1,
                        self.retry.retries, wait)
            self.sleep(wait)
        raise FetchError(f"{self.service} did not answer after {self.retry.retries + 1} attempts "
                         f"({last_problem}) for {shown}; no network? {MANUAL_HINT}")


__all__ = ["FetchError", "HttpClient", "RateLimiter", "RetryPolicy", "redact", "MANUAL_HINT"]
