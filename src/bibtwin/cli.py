"""The ``bibtwin`` command line. Errors about input print one or two lines, never a traceback."""
from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from . import __version__, paths
from .errors import BibtwinError


def _cmd_ingest(args) -> int:
    from .ingest import ingest, write_ingest

    result = ingest(args.paths, keep_going=args.keep_going, do_merge=not args.no_merge)
    written = write_ingest(result, args.out)
    totals = result.report()["totals"]
    for rep in result.reports:
        line = f"{rep.path}: {rep.format}, {rep.records_read} read, {rep.records_kept} kept"
        if rep.rejected:
            line += f", {len(rep.rejected)} rejected (see ingest_report.json)"
        print(line)
    for bad in result.failed:
        print(f"{bad['path']}: FAILED: {bad['error']}", file=sys.stderr)
    works = f", {totals['works']} works" if totals["works"] is not None else ""
    print(f"{totals['records_kept']} records{works} -> {Path(args.out)} ({len(written)} files)")
    return 1 if result.failed else 0


def _cmd_merge(args) -> int:
    from .io import read_parquet
    from .merge import merge, write_outputs
    from .schema import COLUMN_NAMES, conform

    records = read_parquet(args.records)
    records = conform(records[[c for c in records.columns if c in COLUMN_NAMES]])
    result = merge(records)
    write_outputs(result, args.out)
    print(f"{len(records)} records -> {len(result.works)} works -> {Path(args.out)}")
    return 0


def _cmd_demo(args) -> int:
    from .demo import write_demo_corpus

    counts = write_demo_corpus(args.out, n_records=args.records, seed=args.seed)
    print(f"synthetic demo corpus -> {args.out}: {counts}")
    if args.decisions:
        from .demo import write_demo_decisions
        n = write_demo_decisions(args.out, args.decisions, seed=args.seed)
        print(f"synthetic screening decisions -> {args.decisions}: {n} rows")
    return 0


def _cmd_screening_sheet(args) -> int:
    from .io import read_parquet
    from .screening import load_decisions, write_screening_sheet

    works = read_parquet(Path(args.processed) / "works.parquet")
    decisions = load_decisions(args.decisions, works) if Path(args.decisions).exists() else None
    n = write_screening_sheet(works, decisions, args.out, stage=args.stage)
    print(f"{n} works to screen -> {args.out}")
    return 0


def _cmd_run(args) -> int:
    from .pipeline import run

    summary = run(args.config, raw=args.raw, force=args.force, only=args.only)
    print(f"{len(summary.executed)} notebook(s) executed, {len(summary.skipped)} up to date, "
          f"{summary.seconds:.1f} s; gallery: reports/index.html")
    return 0


def _cmd_fetch(args) -> int:
    from .fetch.study import run_study

    only = [db.strip() for db in args.only.split(",") if db.strip()] if args.only else None
    for row in run_study(args.config, out=args.out, only=only, refresh=args.refresh):
        note = f" ({row.notes})" if row.notes else ""
        print(f"{row.database}: {row.count_saved} of {row.count_reported} records saved, "
              f"{len(row.files)} file(s){note}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bibtwin", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"bibtwin {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="read exports (files or folders), merge them into works, write tables")
    p.add_argument("paths", nargs="+", help="export files or folders of exports")
    p.add_argument("--out", default=str(paths.PROCESSED), help="output folder (default: data/processed)")
    p.add_argument("--no-merge", action="store_true", help="only read: write records.parquet and the report")
    p.add_argument("--keep-going", action="store_true",
                   help="list unreadable files in the report instead of stopping (exit status 1)")
    p.set_defaults(func=_cmd_ingest)

    p = sub.add_parser("merge", help="merge a records.parquet into unique works")
    p.add_argument("--records", default=str(paths.PROCESSED / "records.parquet"))
    p.add_argument("--out", default=str(paths.PROCESSED))
    p.set_defaults(func=_cmd_merge)

    p = sub.add_parser("demo", help="write a synthetic demo corpus (Scopus CSV, MEDLINE, WoS) with its truth")
    p.add_argument("--records", type=int, default=1500, help="number of records in all (default 1500)")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--seed", type=int, default=20221, help="random seed (default 20221)")
    p.add_argument("--decisions", default=None, metavar="CSV",
                   help="also write synthetic screening decisions for the corpus to this file")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("fetch", help="run a study's queries on PubMed, Scopus and OpenAlex; save raw responses")
    p.add_argument("--config", required=True, help="study config (e.g. config/dt-healthcare.yaml)")
    p.add_argument("--out", default=str(paths.RAW), help="raw data folder; files go to OUT/<study> "
                   "(default: data/raw)")
    p.add_argument("--only", default=None, help="comma-separated subset: pubmed,scopus,openalex")
    p.add_argument("--refresh", action="store_true", help="query again instead of resuming or reusing saved "
                   "responses")
    p.set_defaults(func=_cmd_fetch)

    p = sub.add_parser("screening-sheet", help="export the works still to screen as a CSV to fill in")
    p.add_argument("--processed", default=str(paths.PROCESSED), help="folder with works.parquet")
    p.add_argument("--decisions", default=str(paths.SCREENING / "decisions.csv"))
    p.add_argument("--stage", choices=["title_abstract", "full_text"], default=None)
    p.add_argument("--out", default="screening-sheet.csv")
    p.set_defaults(func=_cmd_screening_sheet)
    p = sub.add_parser("run", help="execute the notebooks (incrementally) and write every figure")
    p.add_argument("--config", default=None, help="run configuration (default: config/default.yaml)")
    p.add_argument("--raw", default=None, help="folder of your own exports (overrides the config's raw)")
    p.add_argument("--force", action="store_true", help="rerun every notebook even if up to date")
    p.add_argument("--only", nargs="+", default=None, metavar="NOTEBOOK", help="run only these notebooks")
    p.set_defaults(func=_cmd_run)
    return parser


def _terminate(signum, frame):
    # SIGTERM (a CI timeout, `kill`) unwinds like Ctrl-C, so writers delete their temporary files and
    # the previous outputs stay as they were
    raise KeyboardInterrupt


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return args.func(args)
    except BibtwinError as exc:
        print(f"bibtwin: error: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"bibtwin: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bibtwin: interrupted; outputs left as they were", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
