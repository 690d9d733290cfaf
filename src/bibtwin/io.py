"""Reading exports: detect the format, run its reader, finish the canonical table.

``read(path)`` is the front door; ``load(path)`` also returns the per-file report (records read, kept,
rejected with reasons) that ``bibtwin ingest`` writes.
"""
from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from . import normalize as nz
from ._threads import largest_first, run_all
from .errors import ParseError, UnknownFormatError
from .readers import ReaderResult, known_formats, reader_for, reader_modules
from .schema import STRING, conform, list_column, validate
from .textio import Text, read_text

SNIFF_BYTES = 65536


@dataclass
class FileReport:
    path: str
    format: str
    encoding: str
    records_read: int
    records_kept: int
    rejected: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"path": self.path, "format": self.format, "encoding": self.encoding,
                "records_read": self.records_read, "records_kept": self.records_kept,
                "records_rejected": len(self.rejected), "rejected": self.rejected,
                "warnings": self.warnings}


@dataclass
class Loaded:
    records: pd.DataFrame
    report: FileReport


def detect_format(text: Text) -> str:
    """The format of decoded text, judged from its content (never from the file name)."""
    head = text.head(SNIFF_BYTES)
    for mod in reader_modules():
        fmt = mod.sniff(head)
        if fmt:
            return fmt
    first = next((ln for ln in head.splitlines() if ln.strip()), "")
    raise UnknownFormatError(text.path, "not a bibliographic export bibtwin can read", line=1,
                             expected="one of " + ", ".join(known_formats()), found=first[:80])


def load(path, format: str | None = None, *, name: str | None = None) -> Loaded:
    """Read one export; return the canonical records and the file's report.

    ``name`` is what ``source_file`` and the report call the file (default: ``path`` as given).
    """
    name = str(path) if name is None else name
    text = read_text(path)
    fmt = format or detect_format(text)
    try:
        module = reader_for(fmt)
    except KeyError:
        raise ParseError(path, f"unknown format name {fmt!r}",
                         expected="one of " + ", ".join(known_formats()), found=fmt) from None
    result: ReaderResult = module.parse(text, fmt)
    encoding = text.encoding
    text.release()  # the file's content can be hundreds of MB: free it before finish() copies columns
    records = finish(result.records, source_file=name, source_format=fmt)
    report = FileReport(path=name, format=fmt, encoding=encoding,
                        records_read=result.n_read, records_kept=len(records),
                        rejected=[r.as_dict() for r in result.rejected], warnings=list(result.warnings))
    return Loaded(records, report)


def read(path, format: str | None = None) -> pd.DataFrame:
    """Read one export (format detected from its content) into the canonical record table.

    Rejected records and reader warnings (such as a last record cut off but kept) are reported with
    :mod:`warnings`; use :func:`load` to get them as data.
    """
    loaded = load(path, format)
    if loaded.report.rejected:
        reasons = "; ".join(f"record {r['source_record']}: {r['reason']}" for r in loaded.report.rejected[:3])
        warnings.warn(f"{path}: {len(loaded.report.rejected)} record(s) rejected ({reasons})", stacklevel=2)
    for message in loaded.report.warnings:
        warnings.warn(f"{path}: {message}", stacklevel=2)
    return loaded.records


def expand_paths(paths_or_folder) -> list[Path]:
    """Files named, and the files inside folders named (recursively, sorted; hidden files and
    documentation such as ``README.md`` skipped)."""
    return [p for p, _ in discover(paths_or_folder)]


_NOT_EXPORTS = {".md", ".txt.md", ".yaml", ".yml", ".py", ".ipynb", ".pdf", ".png", ".svg", ".parquet"}


def discover(paths_or_folder) -> list[tuple[Path, bool]]:
    """``(file, named)`` pairs: ``named`` is True for a file given explicitly, False for one found in a
    folder (a folder may hold other files beside exports; those are skipped, not errors).

    Files a ``.bibtwinignore`` in a folder read lists (a fetch's batches, state files, query log; see
    :mod:`bibtwin.ignorefile`) are not listed at all; a file named explicitly is always listed.
    """
    from .ignorefile import IgnoreRules

    if isinstance(paths_or_folder, (str, Path)):
        paths_or_folder = [paths_or_folder]
    found: dict[Path, bool] = {}
    for p in map(Path, paths_or_folder):
        if p.is_dir():
            rules = IgnoreRules(p)
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if f.is_file() and not any(part.startswith(".") for part in rel) \
                        and f.suffix.lower() not in _NOT_EXPORTS and not rules.ignored(f):
                    found.setdefault(f, False)
        elif p.is_file():
            found[p] = True
        else:
            raise FileNotFoundError(f"{p}: no such file or folder")
    return sorted(found.items())


def source_name(path: Path, relative_to=None) -> str:
    """How a file is named in ``source_file`` and reports: relative to ``relative_to`` (e.g. the project
    root) when it lies inside it, so the outputs do not depend on where a project was cloned."""
    if relative_to is not None:
        try:
            return Path(path).resolve().relative_to(Path(relative_to).resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


def load_files(paths_or_folder, *, keep_going: bool = False, relative_to=None):
    """Load every export named or found in folders.

    Returns ``(frames, reports, failed)``. A file found inside a folder that is not an export (notes, a
    truth table, screening decisions) is skipped and listed in ``reports`` with format ``skipped``; a file
    named explicitly must be an export. With ``keep_going``, files that fail to parse are listed in
    ``failed`` instead of raising.
    """
    from .errors import BibtwinError

    frames, reports, failed = [], [], []
    for f, named in discover(paths_or_folder):
        try:
            loaded = load(f, name=source_name(f, relative_to))
        except UnknownFormatError as exc:
            if named:
                raise
            reports.append(FileReport(path=source_name(f, relative_to), format="skipped", encoding="",
                                      records_read=0,
                                      records_kept=0, warnings=[f"not an export: {exc.message}"]))
            continue
        except BibtwinError as exc:
            if not keep_going:
                raise
            failed.append({"path": source_name(f, relative_to), "error": str(exc),
                           "error_type": type(exc).__name__})
            continue
        frames.append(loaded.records)
        reports.append(loaded.report)
    return frames, reports, failed


def concat_records(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """One canonical table from several files' tables, record ids kept unique across files."""
    from .schema import empty_frame

    if not frames:
        return empty_frame()
    records = pd.concat(frames, ignore_index=True)
    records["record_id"] = _unique_ids(records["record_id"])
    return validate(records)


def load_many(paths_or_folder) -> tuple[pd.DataFrame, list[FileReport]]:
    """Read several exports; return the canonical table and one report per file."""
    frames, reports, _ = load_files(paths_or_folder)
    return concat_records(frames), reports


def read_many(paths_or_folder) -> pd.DataFrame:
    """Read several exports (files, or every export inside a folder) into one canonical table."""
    records, reports = load_many(paths_or_folder)
    rejected = sum(len(r.rejected) for r in reports)
    if rejected:
        warnings.warn(f"{rejected} record(s) rejected across {len(reports)} files; "
                      "use bibtwin.io.load_many for the reasons", stacklevel=2)
    return records


# ------------------------------------------------------------------------------------------ finishing

_DEFAULT_DATABASE = {
    "scopus_csv": "scopus", "scopus_bibtex": "scopus", "scopus_ris": "scopus", "medline": "pubmed",
    "pubmed_csv": "pubmed", "wos_plain": "wos", "wos_tab": "wos", "wos_bibtex": "wos",
    "lens_csv": "lens", "dimensions_csv": "dimensions", "openalex_json": "openalex",
    "pop_csv": "scholar", "ris": "unknown", "bibtex": "unknown", "scopus_api_json": "scopus",
}


def finish(df: pd.DataFrame, *, source_file: str, source_format: str) -> pd.DataFrame:
    """Shared normalization after a reader: the step that makes every format look the same."""
    df = df.copy()
    n = len(df)
    df["source_file"] = source_file
    df["source_format"] = source_format
    if "database" not in df.columns:
        df["database"] = _DEFAULT_DATABASE.get(source_format, "unknown")
    else:
        df["database"] = df["database"].astype(STRING).fillna(_DEFAULT_DATABASE.get(source_format, "unknown"))
    if "source_record" not in df.columns:
        df["source_record"] = range(1, n + 1)
    # independent column passes, run side by side (bibtwin._threads); the abstracts, by far the largest,
    # in two halves so that one thread does not finish long after the other
    tasks = {}
    if "abstract" in df.columns:
        for i, half in enumerate(_halves(df["abstract"])):
            tasks[("abstract", i)] = partial(nz.clean_abstract, half)
    for col in _CLEANED_TEXT:
        if col in df.columns:
            tasks[col] = partial(nz.clean_text, df[col])
    if "doi" in df.columns:
        tasks["doi"] = partial(nz.normalize_doi, df["doi"])
    if "doc_type_raw" in df.columns and "doc_type" not in df.columns:
        tasks["doc_type"] = partial(nz.normalize_doc_type, df["doc_type_raw"])
    if n:
        # the list columns as conform() makes them (a no-op for Arrow lists), normalized beside the text
        lists = {col: list_column(df[col] if col in df.columns else None, n, df.index)
                 for col in ("authors", "affiliations", "countries")}
        tasks["authors"] = partial(nz.normalize_authors, lists["authors"])
        if lists["countries"].list.len().sum() == 0 and lists["affiliations"].list.len().sum() > 0:
            tasks["countries"] = partial(nz.countries_from_affiliations, lists["affiliations"])
    done = run_all(largest_first(tasks))
    # in row order whatever order the tasks ran and came back in (largest first)
    halves = [done.pop(key) for key in sorted(key for key in done if isinstance(key, tuple))]
    if halves:
        done["abstract"] = halves[0] if len(halves) == 1 else nz.string_series(pa.chunked_array(
            [c for h in halves for c in h.array._pa_array.chunks], type=halves[0].array._pa_array.type), df.index)
    for col, values in done.items():
        df[col] = values
    # what clean_text returned is stripped, with NA for empty text: conform need not strip it again
    df = conform(df, stripped=frozenset(done.keys() & {"abstract", *_CLEANED_TEXT}))
    df["record_id"] = _fill_record_ids(df)
    return validate(df)


_CLEANED_TEXT = ("title", "journal", "journal_abbrev", "publisher", "corresponding_address", "funding", "language")


def _halves(values: pd.Series) -> list[pd.Series]:
    """A text column in two parts split at a chunk boundary (no copy), or whole if it has one chunk."""
    arr = values.array._pa_array if values.dtype == STRING else None
    if arr is None or arr.num_chunks < 2:
        return [values]
    sizes = np.cumsum([c.nbytes for c in arr.chunks])
    cut = min(max(int(np.searchsorted(sizes, sizes[-1] / 2)) + 1, 1), arr.num_chunks - 1)
    return [nz.string_series(pa.chunked_array(part, type=arr.type)) for part in (arr.chunks[:cut], arr.chunks[cut:])]


def _fill_record_ids(df: pd.DataFrame) -> pd.Series:
    ids = df["record_id"].astype(STRING)
    missing = ids.isna()
    if missing.any():
        # no identifier in the export: a hash of what identifies the work, stable across reruns
        sub = df.loc[missing]
        key = (sub["title"].fillna("").str.lower() + "|" + sub["year"].astype(STRING).fillna("") + "|"
               + sub["doi"].fillna("") + "|" + sub["journal"].fillna("").str.lower() + "|"
               + _joined_authors(sub["authors"]) if len(sub) else sub["title"])
        hashed = [hashlib.sha1(k.encode("utf-8")).hexdigest()[:16] for k in key.tolist()]
        prefix = sub["database"].fillna("unknown")
        ids = ids.copy()
        ids.loc[missing] = (prefix + ":h" + pd.Series(hashed, index=sub.index, dtype=STRING)).values
    return _unique_ids(ids)


def _joined_authors(authors: pd.Series) -> pd.Series:
    """Authors ``;``-joined per record (pandas' list accessor has no ``join``: Arrow does it)."""
    import pyarrow.compute as pc
    joined = pc.binary_join(authors.array._pa_array, ";")
    return pd.Series(pd.arrays.ArrowExtensionArray(joined), index=authors.index).astype(STRING).fillna("")


def _unique_ids(ids: pd.Series) -> pd.Series:
    """Append ``#2``, ``#3`` ... to repeated identifiers (file order), keeping the first as is."""
    ids = ids.astype(STRING)
    if ids.is_unique:  # the usual case, answered by one hashing pass
        return ids
    rank = ids.groupby(ids, sort=False).cumcount()
    if (rank > 0).any():
        ids = ids.where(rank == 0, ids + "#" + (rank + 1).astype(str).astype(STRING))
        if ids.duplicated().any():  # a literal "x#2" already present: go on numbering
            return _unique_ids(ids)
    return ids


def extra_json(df: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Pack the given columns of ``df`` into one JSON object per row, skipping empty values.

    Readers use this for fields that have no canonical column, so nothing read is dropped.
    """
    if not columns:
        return pd.Series(pd.NA, index=df.index, dtype=STRING)
    sub = df[columns]
    out = []
    for row in sub.itertuples(index=False, name=None):
        d = {c: v for c, v in zip(columns, row) if v is not None and v is not pd.NA and v == v and v != ""}
        out.append(json.dumps(d, ensure_ascii=False, sort_keys=True) if d else None)
    return pd.Series(out, index=df.index, dtype=STRING)


def read_parquet(path, columns: list[str] | None = None) -> pd.DataFrame:
    """Read a table bibtwin wrote (``records.parquet``, ``works.parquet``) with canonical dtypes:
    text as ``string[pyarrow]``, lists as ``list<string>``, integers as nullable ``Int64``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .schema import INT, LIST

    table = pq.read_table(path, columns=columns)

    def mapper(t: pa.DataType):
        if pa.types.is_list(t) or pa.types.is_large_list(t):
            return LIST if pa.types.is_string(t.value_type) else pd.ArrowDtype(t)
        if pa.types.is_string(t) or pa.types.is_large_string(t):
            return STRING
        if pa.types.is_integer(t):
            return INT
        if pa.types.is_boolean(t):
            return pd.BooleanDtype()
        if pa.types.is_floating(t):
            return pd.Float64Dtype()
        return None

    return table.to_pandas(types_mapper=mapper)
