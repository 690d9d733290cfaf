"""`bibtwin run` end to end: every catalog figure and table, an incremental second run that executes
and rewrites nothing, byte-identical outputs from two runs in two different folders, and real data."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bibtwin import catalog, pipeline
from bibtwin.demo import write_demo_corpus, write_demo_decisions

ROOT = Path(__file__).resolve().parents[1]


def make_project(root: Path, *, corpus_from: Path | None = None, width_in: float = 3.5) -> Path:
    """A project folder like a fresh clone (notebooks, config) holding a small synthetic demo corpus."""
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    (root / "config").mkdir(parents=True)
    shutil.copy(ROOT / "config" / "fields-of-medicine.yaml", root / "config")
    cfg = yaml.safe_load((ROOT / "config" / "default.yaml").read_text())
    cfg["figure_width_in"] = width_in
    (root / "config" / "default.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    raw = root / cfg["raw"]
    if corpus_from is None:
        write_demo_corpus(raw, n_records=300)
        write_demo_decisions(raw, root / cfg["decisions"])
    else:
        shutil.copytree(corpus_from, raw)
    return root


def outputs(root: Path) -> dict[str, bytes]:
    files = {}
    for folder in ("figures", "data/processed", "reports"):
        for p in sorted((root / folder).rglob("*")):
            if p.is_file() and p.suffix != ".ipynb" and p.name != pipeline.STATE_FILE:
                files[p.relative_to(root).as_posix()] = p.read_bytes()
    return files


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("project-a"))
    summary = pipeline.run(root=root, echo=lambda *a: None)
    return root, summary


@pytest.mark.slow
def test_every_figure_and_table_is_written(first_run):
    root, summary = first_run
    assert summary.executed == [name for name, _ in catalog.NOTEBOOKS]
    for spec in catalog.FIGURES:
        for ext in ("pdf", "svg", "png"):
            assert (root / "figures" / f"{spec.name}.{ext}").stat().st_size > 0, spec.name
        assert (root / "data" / "processed" / "tables" / f"{spec.name}.csv").exists(), spec.name
    gallery = (root / "reports" / "index.html").read_text()
    assert all(spec.caption.split(":")[0][:30] in gallery.replace("&#x27;", "'") for spec in catalog.FIGURES)
    manifest = yaml.safe_load((root / "reports" / "manifest.json").read_text())
    assert {i["path"] for i in manifest["inputs"]} >= {"data/raw/demo/scopus.csv", "data/raw/demo/pubmed.txt",
                                                       "data/raw/demo/wos_savedrecs.txt"}
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    assert manifest["packages"]["pandas"] and manifest["parameters"]["figure_width_in"] == 3.5
    assert not list(root.rglob(".*.tmp*")), "temporary files left behind"


@pytest.mark.slow
def test_second_run_executes_and_rewrites_nothing(first_run):
    root, _ = first_run
    before = {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}
    summary = pipeline.run(root=root, echo=lambda *a: None)
    assert summary.executed == []
    after = {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}
    assert after == before


@pytest.mark.slow
def test_two_runs_in_two_folders_give_identical_bytes(first_run, tmp_path):
    root_a, _ = first_run
    root_b = make_project(tmp_path / "elsewhere" / "project-b")
    pipeline.run(root=root_b, echo=lambda *a: None)
    a, b = outputs(root_a), outputs(root_b)
    assert sorted(a) == sorted(b)
    differ = [name for name in a if a[name] != b[name]]
    assert differ == [], f"outputs differ between two runs on the same inputs: {differ}"


@pytest.mark.slow
def test_a_changed_decision_reruns_only_what_depends_on_inputs(first_run):
    root, _ = first_run
    decisions = root / "data" / "screening" / "demo-decisions.csv"
    original = decisions.read_bytes()
    try:
        decisions.write_bytes(original + b"\n")  # same decisions, different bytes: inputs changed
        summary = pipeline.run(root=root, echo=lambda *a: None, only=["02-screening-prisma"])
        assert summary.executed == ["02-screening-prisma"]
    finally:
        decisions.write_bytes(original)


@pytest.mark.slow
@pytest.mark.corpus
def test_real_exports_give_every_figure(corpus, tmp_path):
    root = make_project(tmp_path / "real", corpus_from=corpus / "smart_on_fhir", width_in=7.2)
    cfg_file = root / "config" / "real.yaml"
    cfg_file.write_text("study: smart_on_fhir\nreference_year: 2025\nyear_min: 2015\nyear_max: 2024\n")
    summary = pipeline.run(cfg_file, raw=root / "data" / "raw" / "demo", root=root, echo=lambda *a: None)
    assert len(summary.executed) == len(catalog.NOTEBOOKS)
    for spec in catalog.FIGURES:
        assert (root / "figures" / f"{spec.name}.png").exists(), spec.name
    gallery = (root / "reports" / "index.html").read_text()
    assert "synthetic" not in gallery  # real data carries no synthetic-data note
