"""Helpers for the benchmarks: run a measurement in a fresh process and report time and peak memory."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".bench"
CORPUS = Path(os.environ.get("BIBTWIN_CORPUS", ROOT.parent / "shared" / "corpus"))
REFERENCE = CORPUS.parent / "reference" / "bibliometrix"

_CHILD = """
import json, resource, sys, time
{setup}
t0 = time.perf_counter()
{body}
elapsed = time.perf_counter() - t0
peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("@@RESULT@@" + json.dumps({{"seconds": elapsed, "peak_mib": peak_mib, "n": int(n)}}))
"""


def measure(body: str, setup: str = "", python: str = sys.executable, repeat: int = 1) -> dict:
    """Run ``body`` (which must set ``n``) in a new interpreter; best wall time of ``repeat`` runs.

    Peak memory is the child's maximum resident set size, imports included.
    """
    best = None
    for _ in range(repeat):
        code = _CHILD.format(setup=textwrap.dedent(setup), body=textwrap.dedent(body))
        proc = subprocess.run([python, "-c", code], capture_output=True, text=True, cwd=ROOT)
        if proc.returncode != 0:
            raise RuntimeError(f"benchmark child failed:\n{proc.stderr[-3000:]}")
        line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("@@RESULT@@"))
        res = json.loads(line[len("@@RESULT@@"):])
        if best is None or res["seconds"] < best["seconds"]:
            best = res
    return best


def header(title: str) -> None:
    print()
    print(title)
    print("-" * len(title))
