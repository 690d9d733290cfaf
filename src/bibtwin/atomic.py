"""Atomic, deterministic file writes: a failure or an interruption never leaves a half-written output.

Each writer writes to a temporary file in the destination folder, flushes it to disk and renames it over
the destination with ``os.replace`` (atomic on POSIX). ``publish`` does the same for a group of files:
all are written first, then renamed, so a reader never sees a new ``records.parquet`` beside an old
report.
"""
from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq


@contextlib.contextmanager
def atomic_path(dest):
    """Yield a temporary path next to ``dest``; on success rename it to ``dest``, on error delete it."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def write_bytes(dest, data: bytes) -> Path:
    with atomic_path(dest) as tmp:
        tmp.write_bytes(data)
    return Path(dest)


def write_text(dest, text: str) -> Path:
    return write_bytes(dest, text.encode("utf-8"))


def write_json(dest, obj) -> Path:
    return write_text(dest, json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=True, default=str) + "\n")


# Rows converted and written at a time: a table is never held as one string (works.csv is 1.4 GB at a
# million records). Every value is formatted on its own, so the bytes do not depend on this number.
CSV_CHUNK_ROWS = 20_000


def write_csv_to(path, df: pd.DataFrame) -> None:
    """CSV with list columns joined by ``; `` (for spreadsheets), ``\\n`` line endings, UTF-8."""
    lists = [col for col in df.columns if isinstance(df[col].dtype, pd.ArrowDtype)
             and pa.types.is_list(df[col].dtype.pyarrow_dtype)]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        for start in range(0, max(len(df), 1), CSV_CHUNK_ROWS):
            part = df.iloc[start:start + CSV_CHUNK_ROWS]
            if lists:
                part = part.assign(**{
                    col: pd.Series(pc.binary_join(part[col].array._pa_array, "; ").to_pylist(),
                                   index=part.index, dtype="string") for col in lists})
            part.to_csv(fh, index=False, header=start == 0, lineterminator="\n")


def write_parquet_to(path, df: pd.DataFrame) -> None:
    """Parquet without the pandas metadata: it names the pandas version (the bytes would change with an
    upgrade) and pandas 3 cannot rebuild ``list<string>`` dtypes from it. Read back with
    :func:`bibtwin.io.read_parquet`, which restores the canonical dtypes."""
    table = pa.Table.from_pandas(df, preserve_index=False).replace_schema_metadata(None)
    pq.write_table(table, path, compression="zstd", write_statistics=True)


def parquet_writer(df: pd.DataFrame):
    return lambda tmp: write_parquet_to(tmp, df)


def write_csv(dest, df: pd.DataFrame) -> Path:
    with atomic_path(dest) as tmp:
        write_csv_to(tmp, df)
    return Path(dest)


def write_parquet(dest, df: pd.DataFrame) -> Path:
    with atomic_path(dest) as tmp:
        write_parquet_to(tmp, df)
    return Path(dest)


def publish(files: dict) -> list[Path]:
    """Write several outputs as one step: ``{dest: writer}`` where writer(tmp_path) writes the content.

    Every file is written to a temporary path first; only when all succeeded are they renamed into place.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for dest, writer in files.items():
            dest = Path(dest)
            dest.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
            os.close(fd)
            staged.append((Path(tmp), dest))
            writer(Path(tmp))
        for tmp, dest in staged:
            os.replace(tmp, dest)
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        raise
    return [dest for _, dest in staged]
