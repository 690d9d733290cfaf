"""``bibtwin ingest``: read exports, merge them into works, write the processed tables atomically."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import __version__
from .atomic import parquet_writer, publish
from .io import FileReport, concat_records, load_files


@dataclass
class IngestResult:
    records: pd.DataFrame
    reports: list[FileReport]
    failed: list[dict] = field(default_factory=list)
    merged: object | None = None  # bibtwin.merge.MergeResult when merged

    def report(self) -> dict:
        files = [r.as_dict() for r in self.reports]
        return {
            "bibtwin_version": __version__,
            "files": files,
            "failed_files": self.failed,
            "totals": {
                "files": len(files) + len(self.failed),
                "records_read": sum(f["records_read"] for f in files),
                "records_kept": sum(f["records_kept"] for f in files),
                "records_rejected": sum(f["records_rejected"] for f in files),
                "works": None if self.merged is None else int(self.merged.n_works),
            },
        }


def ingest(paths, *, keep_going: bool = False, do_merge: bool = True, relative_to=None) -> IngestResult:
    """Read every export in ``paths`` (files or folders) and, by default, merge them into works.

    With ``keep_going`` a file that cannot be read is listed in the report's ``failed_files`` instead of
    stopping the run; without it the first such file raises its :class:`~bibtwin.errors.ParseError`.
    With ``relative_to`` (the project root), files inside it are named relative to it in ``source_file``
    and the report, so two clones of a project give the same bytes.
    """
    frames, reports, failed = load_files(paths, keep_going=keep_going, relative_to=relative_to)
    records = concat_records(frames)
    result = IngestResult(records=records, reports=reports, failed=failed)
    if do_merge and len(records):
        from .merge import merge
        result.merged = merge(records)
    return result


def write_ingest(result: IngestResult, out_dir) -> list[Path]:
    """Write the processed tables of ``result`` into ``out_dir`` as one atomic step."""
    out = Path(out_dir)
    outputs: dict = {}
    if result.merged is not None:
        from .merge import output_writers
        outputs.update(output_writers(result.merged, out))
    else:
        outputs[out / "records.parquet"] = parquet_writer(result.records)
    report = json.dumps(result.report(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    outputs[out / "ingest_report.json"] = lambda tmp: tmp.write_text(report, encoding="utf-8")
    return publish(outputs)
