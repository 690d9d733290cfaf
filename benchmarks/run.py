"""``make bench``: every benchmark, printed as tables. Numbers, never pass/fail."""
from __future__ import annotations

import compileall
import importlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

BENCHES = ["bench_readers", "bench_merge"]


def main(argv: list[str]) -> int:
    selected = argv or BENCHES
    # bibtwin's bytecode, as a regular install has it (pip compiles what it installs; the editable install
    # does not, and with PYTHONDONTWRITEBYTECODE set every benchmark child would compile the sources
    # again, 0.06 s of each first read, while litstudy and the libraries load theirs)
    compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "src" / "bibtwin"), quiet=1)
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
