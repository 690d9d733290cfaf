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


def write_csv(dest, df: pd.DataFrame) -> Path:
    """CSV with list columns joined by ``; `` (for spreadsheets), ``\\n`` line endings, UTF-8."""
    out = df.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.ArrowDtype) and pa.types.is_list(out[col].dtype.pyarrow_dtype):
            out[col] = _join_lists(df[col])
        elif out[col].dtype == object and out[col].map(lambda v: isinstance(v, (list, tuple))).any():
            out[col] = out[col].map(lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return write_text(dest, out.to_csv(index=False, lineterminator="\n"))


def _join_lists(s: pd.Series) -> pd.Series:
    import pyarrow.compute as pc
    arr = s.array._pa_array
    return pd.Series(pc.binary_join(arr, "; ").to_pylist(), index=s.index, dtype="string")


def _write_parquet_to(path, df: pd.DataFrame) -> None:
    table = pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(table, path, compression="zstd", write_statistics=True)


def _parquet_writer(df: pd.DataFrame):
    return lambda tmp: _write_parquet_to(tmp, df)


def write_parquet(dest, df: pd.DataFrame) -> Path:
    """Parquet without volatile metadata, so the same table gives the same bytes."""
    with atomic_path(dest) as tmp:
        _write_parquet_to(tmp, df)
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
