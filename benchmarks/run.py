"""``make bench``: every benchmark, printed as tables. Numbers, never pass/fail."""
from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

BENCHES = ["bench_readers", "bench_merge"]


def main(argv: list[str]) -> int:
    selected = argv or BENCHES
    for name in selected:
        start = time.perf_counter()
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            print(f"\n{name}: not available ({exc})")
            continue
        mod.main()
        print(f"[{name}: {time.perf_counter() - start:.0f} s]")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
