"""Scale: the whole pipeline on synthetic corpora of 10,000, 100,000 and 1,000,000 records (the demo
generator's Scopus CSV, PubMed MEDLINE and WoS plain text): time and peak memory of each stage, each
stage in its own process, and how they grow from one size to the next.

``BENCH_SIZES=10000,100000 make bench BENCH=bench_scale`` runs fewer sizes.
"""
from __future__ import annotations

import math
import os
import shutil

from common import WORK, header, measure

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000,1000000").split(",")]
REFERENCE_YEAR = 2025

STAGES = {
    "generate": ("from bibtwin.demo import write_demo_corpus",
                 "counts = write_demo_corpus({raw!r}, n_records={size}); n = counts['records']"),
    "read": ("import bibtwin\nfrom bibtwin.atomic import write_parquet",
             "records = bibtwin.read_many({raw!r}); write_parquet({out!r} + '/records-read.parquet', records);"
             " n = len(records)"),
    "merge": ("from bibtwin.io import read_parquet\nfrom bibtwin.merge import merge, write_outputs",
              "records = read_parquet({out!r} + '/records-read.parquet'); result = merge(records);"
              " write_outputs(result, {out!r}); n = len(records)"),
    "indicators": ("import sys; sys.path.insert(0, 'benchmarks')\nfrom bibtwin.io import read_parquet\n"
                   "from scale_stages import all_indicators",
                   "works = read_parquet({out!r} + '/works.parquet'); tables = all_indicators(works, "
                   + str(REFERENCE_YEAR) + "); n = len(works)"),
    "figures": ("import sys; sys.path.insert(0, 'benchmarks')\nfrom bibtwin.io import read_parquet\n"
                "from scale_stages import all_figures",
                "works = read_parquet({out!r} + '/works.parquet'); "
                "records = read_parquet({out!r} + '/records.parquet', columns=['record_id', 'database', "
                "'work_id']); all_figures(works, records, {out!r} + '/figures', " + str(REFERENCE_YEAR)
                + "); n = len(works)"),
}


def main() -> None:
    header("Scale: each stage in its own process (seconds, peak MiB); n = records (read, merge) or works")
    print(f"{'records':>10s} {'stage':>11s} {'n':>10s} {'seconds':>9s} {'per second':>11s} {'peak MiB':>9s}")
    results: dict[tuple[int, str], dict] = {}
    for size in SIZES:
        base = WORK / f"scale-{size}"
        raw, out = base / "raw", base / "out"
        for stage, (setup, body) in STAGES.items():
            if stage == "generate" and (raw / "scopus.csv").exists():
                continue
            if stage == "generate":
                shutil.rmtree(raw, ignore_errors=True)
            out.mkdir(parents=True, exist_ok=True)
            res = measure(body.format(raw=str(raw), out=str(out), size=size), setup=setup)
            results[(size, stage)] = res
            print(f"{size:10,d} {stage:>11s} {res['n']:10,d} {res['seconds']:9.1f} "
                  f"{res['n'] / res['seconds']:11,.0f} {res['peak_mib']:9.0f}", flush=True)
    header("Growth from one size to the next (time ratio / size ratio; exponent 1 = linear)")
    for a, b in zip(SIZES, SIZES[1:]):
        for stage in STAGES:
            if (a, stage) in results and (b, stage) in results:
                rt = results[(b, stage)]["seconds"] / results[(a, stage)]["seconds"]
                rn = b / a
                print(f"{a:>9,d} -> {b:<9,d} {stage:>11s}: x{rt:6.1f} time for x{rn:.0f} records "
                      f"(exponent {math.log(rt) / math.log(rn):.2f})")


if __name__ == "__main__":
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).parent))
    main()
