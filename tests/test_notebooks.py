"""Notebooks: committed without outputs, with a literal ``parameters`` cell matching config/default.yaml,
and every one runs through papermill on a small corpus, writing each catalog figure and its table."""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from bibtwin import catalog, pipeline

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NAMES = [name for name, _ in catalog.NOTEBOOKS]


def read(name: str):
    return nbformat.read(NOTEBOOK_DIR / f"{name}.ipynb", as_version=4)


def parameters_cell(nb):
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged 'parameters', found {len(cells)}"
    assert cells[0].cell_type == "code"
    return cells[0]


def literal_parameters(source: str) -> dict:
    """name -> value of a parameters cell; fails unless every statement is ``name: type = literal``."""
    values = {}
    for node in ast.parse(source).body:
        assert isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None, \
            f"parameters cell: only annotated assignments are allowed, found {ast.unparse(node)!r}"
        values[node.target.id] = ast.literal_eval(node.value)  # ValueError for anything but a literal
    return values


def test_every_catalog_notebook_exists_and_nothing_else():
    assert sorted(p.stem for p in NOTEBOOK_DIR.glob("*.ipynb")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_has_no_outputs(name):
    nb = read(name)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{name}: a code cell has outputs; strip them before committing"
            assert cell.execution_count is None, f"{name}: a code cell has an execution count"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert "papermill" not in nb.metadata


@pytest.mark.parametrize("name", NAMES)
def test_notebook_shape(name):
    nb = read(name)
    assert nb.cells[0].cell_type == "markdown" and "**Question.**" in nb.cells[0].source
    index = nb.cells.index(parameters_cell(nb))
    assert index == 1, "the parameters cell comes right after the introduction"
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for spec in catalog.figures_of(name):
        assert f'"{spec.name}"' in source, f"{name} does not write figure {spec.name}"
    assert "savefig" not in source and "plt.show" not in source


@pytest.mark.parametrize("name", NAMES)
def test_parameters_are_annotated_literals_equal_to_the_default_run(name):
    cell = parameters_cell(read(name))
    values = literal_parameters(cell.source)
    for line in cell.source.splitlines():
        assert "#" in line, f"parameter without a comment: {line!r}"
    defaults = pipeline.notebook_parameters(pipeline.load_run_config(root=ROOT), ROOT)
    assert values == defaults


@pytest.mark.slow
def test_notebooks_run_on_a_small_corpus(tmp_path):
    """Every notebook, in dependency order, on 300 synthetic records with simulated screening decisions:
    every catalog figure (PDF, SVG, PNG) and table is written into the temporary folders."""
    import papermill as pm

    from bibtwin.demo import write_demo_corpus
    from bibtwin.ingest import ingest
    from bibtwin.screening import simulate_decisions, write_decisions

    project_outputs = {p: p.stat().st_mtime_ns for folder in (ROOT / "figures", ROOT / "data" / "processed")
                       if folder.exists() for p in folder.rglob("*") if p.is_file()}
    raw = tmp_path / "raw"
    write_demo_corpus(raw, n_records=300)
    decisions = tmp_path / "decisions.csv"
    write_decisions(simulate_decisions(ingest(raw).merged.works, n_included=5), decisions)
    params = pipeline.notebook_parameters(pipeline.load_run_config(root=ROOT), ROOT)
    params.update(raw_dir=str(raw), decisions_file=str(decisions), processed_dir=str(tmp_path / "processed"),
                  tables_dir=str(tmp_path / "processed" / "tables"), figures_dir=str(tmp_path / "figures"),
                  figure_width_in=3.5)
    for name in NAMES:
        pm.execute_notebook(str(NOTEBOOK_DIR / f"{name}.ipynb"), str(tmp_path / f"{name}.ipynb"),
                            parameters=params, kernel_name="python3", cwd=str(tmp_path), progress_bar=False)
    for name in NAMES:
        for path in pipeline.expected_outputs(name, params, Path("/")):
            assert path.exists(), f"{name} did not write {path}"
    after = {p: p.stat().st_mtime_ns for p in project_outputs if p.exists()}
    assert after == project_outputs, "running the notebooks on temporary folders touched the project's outputs"
