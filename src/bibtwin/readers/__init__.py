"""One module per export format, each mapping its format onto the canonical schema.

A reader module exposes

* ``FORMATS``: the format names it reads (e.g. ``("scopus_csv",)``);
* ``sniff(head: str) -> str | None``: given the first 64 KiB of decoded text, the format name if the
  content is this module's format, else None (content only, never the file name);
* ``parse(text: bibtwin.textio.Text, fmt: str) -> ReaderResult``.

``parse`` returns canonical column names only (anything else goes into the JSON ``extra`` column), with
raw author names in ``authors`` and the raw document type in ``doc_type_raw``; the shared finishing step
in :mod:`bibtwin.io` normalizes DOIs, authors, document types and countries, fills ``record_id`` and
conforms dtypes. Records the reader cannot use are returned as :class:`Rejection` s, never dropped.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Rejection:
    """A record that was read but not kept, and why."""
    source_record: int | None
    reason: str
    line: int | None = None
    identifier: str | None = None

    def as_dict(self) -> dict:
        return {"source_record": self.source_record, "line": self.line,
                "identifier": self.identifier, "reason": self.reason}


@dataclass
class ReaderResult:
    records: pd.DataFrame
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def n_read(self) -> int:
        return len(self.records) + len(self.rejected)


# Order matters: specific formats are tried before generic ones (Scopus RIS before generic RIS).
READER_MODULES: tuple[str, ...] = (
    "wos_plain",
    "medline",
    "ris",
    "bibtex",
    "scopus_json",
    "openalex_json",
    "delimited",
)


def reader_modules():
    mods = []
    for name in READER_MODULES:
        try:
            mods.append(importlib.import_module(f"{__name__}.{name}"))
        except ModuleNotFoundError as exc:  # a reader not written yet must not break the others
            if exc.name != f"{__name__}.{name}":
                raise
    return mods


def reader_for(fmt: str):
    for mod in reader_modules():
        if fmt in mod.FORMATS:
            return mod
    raise KeyError(fmt)


def known_formats() -> list[str]:
    return [f for mod in reader_modules() for f in mod.FORMATS]
