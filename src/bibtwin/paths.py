"""Project paths, resolved from this file so notebooks and scripts never hard-code ``../data``."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("BIBTWIN_ROOT", Path(__file__).resolve().parents[2]))
DATA = ROOT / "data"
RAW = DATA / "raw"
DEMO_RAW = RAW / "demo"
PROCESSED = DATA / "processed"
TABLES = PROCESSED / "tables"
SCREENING = DATA / "screening"
FIGURES = ROOT / "figures"
REPORTS = ROOT / "reports"
CONFIG = ROOT / "config"
NOTEBOOKS = ROOT / "notebooks"
SHARED_CORPUS = Path(os.environ.get("BIBTWIN_CORPUS", ROOT.parent / "shared" / "corpus"))
