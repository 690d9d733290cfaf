"""Notebooks: committed without outputs, with a literal ``parameters`` cell matching config/default.yaml,
(running them end to end is tests/test_pipeline.py)."""
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
