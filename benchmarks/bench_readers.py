"""Reader speed: every corpus file (beside bibliometrix's convert2df time), and a 70,000-record Scopus CSV
beside litstudy's ``load_scopus_csv`` (run in its own virtual environment because of its pins)."""
from __future__ import annotations

import csv
import io
import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

from common import CORPUS, REFERENCE, WORK, header, measure

LITSTUDY_VENV = WORK / "litstudy-venv"
LITSTUDY_PINS = ["litstudy==1.0.6", "bibtexparser<2", "pandas<3"]
BIG_COPIES = 100
BLOCK_RUNS = 4  # measured runs per block; two blocks per side


def ensure_litstudy() -> Path | None:
    py = LITSTUDY_VENV / "bin" / "python"
    if py.exists() and subprocess.run([py, "-c", "import litstudy"], capture_output=True).returncode == 0:
        return py
    print("creating the litstudy environment (.bench/litstudy-venv) ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(LITSTUDY_VENV)], check=True)
    proc = subprocess.run([py, "-m", "pip", "install", "--quiet", *LITSTUDY_PINS], capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"  could not install litstudy: {proc.stderr.strip().splitlines()[-1:]}")
        return None
    return py


def build_big_scopus_csv(copies: int = BIG_COPIES) -> Path:
    """smart_on_fhir/scopus.csv repeated ``copies`` times with unique EIDs (column and Link), PubMed IDs
    and DOIs."""
    src = CORPUS / "smart_on_fhir" / "scopus.csv"
    out = WORK / f"scopus_{copies * 701}_unique.csv"
    if out.exists():
        return out
    WORK.mkdir(exist_ok=True)
    text = src.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    head, body = rows[0], rows[1:]
    i_doi, i_link = head.index("DOI"), head.index("Link")
    # every identifier made unique per copy, or the copies would be one work seen 100 times
    i_eid = head.index("EID") if "EID" in head else None
    i_pmid = head.index("PubMed ID") if "PubMed ID" in head else None
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(head)
    for c in range(copies):
        for r in body:
            r = list(r)
            if r[i_doi]:
                r[i_doi] = f"{r[i_doi]}.c{c}"
            r[i_link] = re.sub(r"eid=2-s2\.0-(\d+)", lambda m: f"eid=2-s2.0-{m.group(1)}{c:03d}", r[i_link])
            if i_eid is not None and r[i_eid]:
                r[i_eid] = f"{r[i_eid]}{c:03d}"
            if i_pmid is not None and r[i_pmid]:
                r[i_pmid] = f"{r[i_pmid]}{c:03d}"
            writer.writerow(r)
    out.write_text("\ufeff" + buf.getvalue(), encoding="utf-8")
    return out


def main() -> None:
    if not CORPUS.exists():
        print(f"corpus not found at {CORPUS}: reader benchmarks skipped")
        return
    facts = json.loads((CORPUS / "FACTS.json").read_text())
    header("Readers on the real corpus (best of 3; bibliometrix convert2df: one run, same machine kind)")
    print(f"{'file':40s} {'format':15s} {'records':>8s} {'MB':>6s} {'bibtwin s':>10s} {'rec/s':>9s} "
          f"{'MB/s':>6s} {'bibliometrix s':>15s}")
    for rel in sorted(facts):
        path = CORPUS / rel
        size_mb = path.stat().st_size / 1e6
        res = measure(f"df = bibtwin.read({str(path)!r}); n = len(df); fmt = df.source_format.iloc[0]",
                      setup="import bibtwin, warnings; warnings.simplefilter('ignore')", repeat=3)
        ref_file = REFERENCE / (rel.replace("/", "__") + ".json")
        ref = "n/a"
        if ref_file.exists():
            r = json.loads(ref_file.read_text())
            if r.get("convert2df_elapsed_s") is not None:
                ref = f"{r['convert2df_elapsed_s']:.2f}"
            else:
                work = ref_file.with_suffix(".workaround.json")
                if work.exists() and json.loads(work.read_text()).get("convert2df_elapsed_s") is not None:
                    ref = f"{json.loads(work.read_text())['convert2df_elapsed_s']:.2f}*"
                else:
                    ref = r.get("status", "n/a")
        fmt = facts[rel].get("format", "")
        print(f"{rel:40s} {fmt:15s} {res['n']:8d} {size_mb:6.2f} {res['seconds']:10.3f} "
              f"{res['n'] / res['seconds']:9.0f} {size_mb / res['seconds']:6.1f} {ref:>15s}")
    print("(* bibliometrix crashed on the export as is; time of its run on a copy with one column added)")

    big = build_big_scopus_csv()
    size_mb = big.stat().st_size / 1e6
    header(f"Scopus CSV, {BIG_COPIES * 701:,} records ({size_mb:.0f} MB): bibtwin.read vs litstudy.load_scopus_csv")
    py = ensure_litstudy()
    ours_code = (f"df = bibtwin.read({str(big)!r}); n = len(df)", "import bibtwin", sys.executable)
    theirs_code = (f"docs = litstudy.load_scopus_csv({str(big)!r}); n = len(docs)", "import litstudy", str(py))
    # Each run is a fresh process. A run right after the other tool's is slowed by it on this kind of VM
    # (bibtwin: 1.8-2.0 s after litstudy against 1.2-1.4 s after itself, the kernel time doubling to
    # tripling; litstudy 5.1-5.9 s after bibtwin against 4.6-4.8 s after itself), so alternating runs
    # measured the order, not the readers. As hyperfine does, each side runs in blocks, a discarded
    # warm-up run first; the blocks go A B B A, so that a busy spell of the machine does not fall on one
    # side only. Best and median of the measured runs.
    runs: dict[str, list[dict]] = {"bibtwin": [], "litstudy": []}
    sides = {"bibtwin": ours_code, "litstudy": theirs_code if py is not None else None}
    for name in ("bibtwin", "litstudy", "litstudy", "bibtwin"):
        if sides[name] is None:
            continue
        body, setup, python = sides[name]
        measure(body, setup=setup, python=python)  # warm-up
        runs[name] += [measure(body, setup=setup, python=python) for _ in range(BLOCK_RUNS)]
    summary = {}
    for name, label in (("bibtwin", "bibtwin.read (full canonical schema)"), ("litstudy", "litstudy.load_scopus_csv")):
        if not runs[name]:
            print(f"{label}: not available")
            continue
        seconds = sorted(r["seconds"] for r in runs[name])
        best, median = seconds[0], statistics.median(seconds)
        peak = max(r["peak_mib"] for r in runs[name])
        n = runs[name][0]["n"]
        summary[name] = (best, median, peak)
        print(f"{label:38s} best {best:6.2f} s  median {median:6.2f} s  {n / best:9.0f} rec/s  "
              f"{size_mb / best:6.1f} MB/s  peak {peak:6.0f} MiB")
    if len(summary) == 2:
        (ob, om, opeak), (tb, tm, _) = summary["bibtwin"], summary["litstudy"]
        print(f"speed-up: {tb / ob:.1f}x best against best, {tm / om:.1f}x median against median "
              f"(target >= 5x); bibtwin peak memory {opeak:.0f} MiB (target < 1024 MiB)")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
