"""Merge speed: a Scopus CSV merged with itself plus the PubMed CSV files of the corpus, at 7,010 and
70,100 Scopus records, to show how merge time grows with the number of records."""
from __future__ import annotations

from bench_readers import build_big_scopus_csv
from common import CORPUS, header, measure

SETUP = """
import warnings
warnings.simplefilter("ignore")
import bibtwin
from bibtwin.io import concat_records
from bibtwin.merge import merge
"""


def main() -> None:
    if not CORPUS.exists():
        print(f"corpus not found at {CORPUS}: merge benchmark skipped")
        return
    pubmed = [str(CORPUS / "smart_on_fhir" / "pubmed.csv"), str(CORPUS / "anopheles" / "pubmed.csv")]
    header("Merge: Scopus CSV + the same file again + PubMed CSVs (smart_on_fhir, anopheles)")
    print(f"{'scopus records':>15s} {'records in':>11s} {'merge s':>8s} {'records/s':>10s} "
          f"{'peak MiB':>9s}")
    previous = None
    for copies in (10, 100):
        big = build_big_scopus_csv(copies)
        setup = SETUP + f"""
frames = [bibtwin.read({str(big)!r}), bibtwin.read({str(big)!r})] + [bibtwin.read(p) for p in {pubmed!r}]
records = concat_records(frames)
"""
        # works are reconciled when first read: read them, so the time covers the whole merge
        res = measure("result = merge(records); n_works = len(result.works); n = len(records)", setup=setup)
        print(f"{copies * 701:15,d} {res['n']:11,d} {res['seconds']:8.2f} "
              f"{res['n'] / res['seconds']:10,.0f} {res['peak_mib']:9.0f}")
        if previous:
            ratio_n = res["n"] / previous["n"]
            ratio_t = res["seconds"] / previous["seconds"]
            print(f"growth: {ratio_n:.1f}x the records took {ratio_t:.1f}x the time "
                  f"(exponent {__import__('math').log(ratio_t) / __import__('math').log(ratio_n):.2f}; 1 = linear)")
        previous = res


if __name__ == "__main__":
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).parent))
    main()
