"""Shared fixtures: the real export corpus in ../shared/corpus (skipped with a message when absent)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS = Path(os.environ.get("BIBTWIN_CORPUS", ROOT.parent / "shared" / "corpus"))
API_SAMPLES = CORPUS.parent / "api-samples"
REFERENCE = CORPUS.parent / "reference" / "bibliometrix"


def _need(path: Path, what: str) -> Path:
    if not path.exists():
        pytest.skip(f"{what} not found at {path}: these tests need the shared real-data folder "
                    "(set BIBTWIN_CORPUS to its corpus/ folder)")
    return path


@pytest.fixture(scope="session")
def corpus() -> Path:
    return _need(CORPUS, "real export corpus (../shared/corpus)")


@pytest.fixture(scope="session")
def facts(corpus) -> dict:
    return json.loads((corpus / "FACTS.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def api_samples() -> Path:
    return _need(API_SAMPLES, "API samples (../shared/api-samples)")


@pytest.fixture(scope="session")
def reference() -> Path:
    return _need(REFERENCE, "bibliometrix reference values (../shared/reference/bibliometrix)")


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
