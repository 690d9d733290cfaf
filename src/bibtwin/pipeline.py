"""``bibtwin run``: execute the notebooks with papermill in dependency order, incrementally.

A notebook is executed again only when something it depends on changed: the notebook file, its
parameters, the input exports and screening decisions, the field mapping, the code in ``src/bibtwin``
or the versions of the packages that draw and compute. Otherwise it is skipped and no file is written,
so a second ``make figures`` with nothing changed takes a second or two.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import yaml

from . import catalog, paths
from .atomic import write_bytes
from .errors import BibtwinError

STATE_FILE = ".run-state.json"
PACKAGES = ("bibtwin", "pandas", "pyarrow", "numpy", "matplotlib", "seaborn", "networkx", "rapidfuzz",
            "pycountry", "upsetplot", "papermill", "pybliometrics")


class RunError(BibtwinError):
    """A notebook failed, or the run configuration is wrong."""


@dataclass
class RunSummary:
    executed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0


# ------------------------------------------------------------------------------------ configuration

def load_run_config(config_file=None, *, raw=None, root: Path | None = None) -> dict:
    """The run parameters: ``config/default.yaml``, updated by ``config_file`` and by ``raw``.

    Pointing ``raw`` at your own exports turns the synthetic-data note off and uses
    ``data/screening/decisions.csv`` unless the config names another decisions file.
    """
    root = Path(root or paths.ROOT)
    cfg = yaml.safe_load((root / "config" / "default.yaml").read_text(encoding="utf-8"))
    user: dict = {}
    if config_file is not None:
        cfg_path = Path(config_file)
        if not cfg_path.exists():
            raise RunError(f"{cfg_path}: configuration file not found")
        user = yaml.safe_load(cfg_path.read_text(encoding="utf-8")) or {}
        unknown = set(user) - set(cfg)
        if unknown:
            raise RunError(f"{cfg_path}: unknown keys {sorted(unknown)}; known keys: {sorted(cfg)}")
    if raw is not None:
        user = {**user, "raw": str(raw)}
        user.setdefault("study", Path(raw).name)
    if user.get("raw") and Path(user["raw"]) != Path(cfg["raw"]):
        user.setdefault("synthetic_note", None)
        user.setdefault("decisions", "data/screening/decisions.csv")
    cfg.update(user)
    raw_dir = _resolve(cfg["raw"], root)
    if not raw_dir.exists():
        raise RunError(f"{cfg['raw']}: the folder of exports does not exist")
    return cfg


def _resolve(p, root: Path) -> Path:
    p = Path(p)
    return p if p.is_absolute() else root / p


def _rel(p, root: Path) -> str:
    """Paths handed to notebooks: relative to the project root when inside it, so outputs do not depend
    on where the project was cloned."""
    p = _resolve(p, root).resolve()
    try:
        return p.relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(p)


def notebook_parameters(cfg: dict, root: Path) -> dict:
    """The literal parameters each notebook receives (papermill injects them after its parameters cell)."""
    processed = _rel(cfg["processed"], root)
    return {
        "study": cfg["study"],
        "raw_dir": _rel(cfg["raw"], root),
        "decisions_file": _rel(cfg["decisions"], root) if cfg.get("decisions") else "",
        "processed_dir": processed,
        "tables_dir": f"{processed}/tables",
        "figures_dir": _rel(cfg["figures"], root),
        "fields_mapping": _rel(cfg["fields_mapping"], root),
        "reference_year": int(cfg["reference_year"]),
        "year_min": int(cfg["year_min"]),
        "year_max": int(cfg["year_max"]),
        "top_n": int(cfg["top_n"]),
        "figure_formats": list(cfg["figure_formats"]),
        "figure_width_in": float(cfg["figure_width_in"]),
        "synthetic_note": cfg.get("synthetic_note") or "",
    }


# ------------------------------------------------------------------------------------- fingerprints

def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def input_files(cfg: dict, root: Path) -> list[Path]:
    from .io import discover

    files = [p for p, _ in discover(_resolve(cfg["raw"], root))]
    for key in ("decisions", "fields_mapping"):
        if cfg.get(key) and _resolve(cfg[key], root).exists():
            files.append(_resolve(cfg[key], root))
    return files


def code_fingerprint() -> str:
    pkg = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for f in sorted(pkg.rglob("*")):
        if f.is_file() and f.suffix in {".py", ".mplstyle", ".yaml", ".yml", ".json", ".csv"} \
                and "__pycache__" not in f.parts:
            h.update(f.relative_to(pkg).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def package_versions() -> dict:
    out = {"python": sys.version.split()[0]}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def git_commit(root: Path) -> str | None:
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                                timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return (commit + ("-dirty" if dirty else "")) if commit else None


def _digest(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()


# ----------------------------------------------------------------------------------------- running

def expected_outputs(notebook: str, params: dict, root: Path) -> list[Path]:
    outs = []
    if notebook == "01-ingest-merge":
        outs += [root / params["processed_dir"] / n for n in
                 ("records.parquet", "works.parquet", "works.csv", "duplicates.csv", "database_overlap.csv")]
    for spec in catalog.figures_of(notebook):
        outs += [root / params["figures_dir"] / f"{spec.name}.{ext}" for ext in params["figure_formats"]]
        outs.append(root / params["tables_dir"] / f"{spec.name}.csv")
    return outs


def run(config_file=None, *, raw=None, force: bool = False, only: list[str] | None = None,
        root: Path | None = None, echo=print) -> RunSummary:
    """Execute the notebooks that are out of date (all with ``force``); write the gallery and manifest."""
    root = Path(root or paths.ROOT)
    started = time.perf_counter()
    cfg = load_run_config(config_file, raw=raw, root=root)
    params = notebook_parameters(cfg, root)
    reports = _resolve(cfg["reports"], root)
    files = input_files(cfg, root)
    inputs = [{"path": _rel(f, root), "sha256": sha256_file(f), "bytes": f.stat().st_size} for f in files]
    versions = package_versions()
    code = code_fingerprint()
    state_path = reports / STATE_FILE
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    new_state = dict(state)
    summary = RunSummary()
    keys: dict[str, str] = {}
    order = [nb for nb, _ in catalog.NOTEBOOKS]
    selected = set(only or order)
    unknown = selected - set(order)
    if unknown:
        raise RunError(f"unknown notebook(s) {sorted(unknown)}; known: {order}")
    for i, (nb, deps) in enumerate(catalog.NOTEBOOKS, start=1):
        nb_path = root / "notebooks" / f"{nb}.ipynb"
        key = _digest({"notebook": sha256_file(nb_path), "params": params, "inputs": inputs, "code": code,
                       "versions": versions, "deps": [keys[d] for d in deps]})
        keys[nb] = key
        out_nb = reports / f"{nb}.ipynb"
        up_to_date = (state.get(nb) == key and out_nb.exists()
                      and all(p.exists() for p in expected_outputs(nb, params, root)))
        if nb not in selected or (up_to_date and not force):
            summary.skipped.append(nb)
            echo(f"[{i}/{len(order)}] {nb}: up to date" if nb in selected else f"[{i}/{len(order)}] {nb}: not selected")
            continue
        echo(f"[{i}/{len(order)}] {nb}: running ...", )
        t0 = time.perf_counter()
        _execute(nb_path, out_nb, params, root)
        summary.executed.append(nb)
        new_state[nb] = key
        echo(f"[{i}/{len(order)}] {nb}: done in {time.perf_counter() - t0:.1f} s")
    manifest = {
        "study": cfg["study"],
        "parameters": params,
        "inputs": inputs,
        "packages": versions,
        "code_sha256": code,
        "git_commit": git_commit(root),
        "notebooks": {nb: keys[nb] for nb in order},
        "figures": [f.name for f in catalog.FIGURES],
    }
    _write_if_changed(reports / "manifest.json",
                      (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    _write_if_changed(reports / "index.html", gallery_html(params, root, reports).encode())
    _write_if_changed(state_path, (json.dumps(new_state, indent=2, sort_keys=True) + "\n").encode())
    summary.seconds = time.perf_counter() - started
    return summary


def _write_if_changed(path: Path, data: bytes) -> None:
    if path.exists() and path.read_bytes() == data:
        return
    write_bytes(path, data)


def _execute(nb_path: Path, out_nb: Path, params: dict, root: Path) -> None:
    import papermill as pm
    from jupyter_client.kernelspec import KernelSpecManager

    kernels = KernelSpecManager().find_kernel_specs()
    kernel = "bibtwin" if "bibtwin" in kernels else "python3"
    out_nb.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_nb.with_name(f".{out_nb.stem}.tmp.ipynb")
    # the kernel inherits this: bibtwin.paths.ROOT in the notebook is the root this run works in
    previous = os.environ.get("BIBTWIN_ROOT")
    os.environ["BIBTWIN_ROOT"] = str(root)
    try:
        # the kernel's own log (a warning that loopback TCP is unencrypted) would drown the progress lines;
        # errors in the notebook's code still reach the executed copy and RunError
        pm.execute_notebook(str(nb_path), str(tmp), parameters=params, kernel_name=kernel,
                            cwd=str(root), progress_bar=False, log_output=False,
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    except BaseException as exc:
        if not isinstance(exc, pm.PapermillExecutionError):
            tmp.unlink(missing_ok=True)  # interrupted: no half-executed copy left behind
            raise
        failed = out_nb.with_name(f"{out_nb.stem}.failed.ipynb")
        if tmp.exists():
            tmp.replace(failed)
        raise RunError(f"{nb_path.relative_to(root)}: cell {exc.exec_count} failed: {exc.ename}: "
                       f"{exc.evalue} (executed copy with the traceback: {failed})") from None
    finally:
        if previous is None:
            os.environ.pop("BIBTWIN_ROOT", None)
        else:
            os.environ["BIBTWIN_ROOT"] = previous
    _strip_volatile(tmp)
    tmp.replace(out_nb)
    out_nb.with_name(f"{out_nb.stem}.failed.ipynb").unlink(missing_ok=True)


def _strip_volatile(path: Path) -> None:
    """Remove timestamps and durations papermill records, so executed copies are reproducible."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    nb.metadata.get("papermill", {}).pop("start_time", None)
    nb.metadata.get("papermill", {}).pop("end_time", None)
    nb.metadata.get("papermill", {}).pop("duration", None)
    nb.metadata.get("papermill", {}).pop("input_path", None)
    nb.metadata.get("papermill", {}).pop("output_path", None)
    for cell in nb.cells:
        pm_meta = cell.metadata.get("papermill")
        if pm_meta:
            for k in ("start_time", "end_time", "duration"):
                pm_meta.pop(k, None)
        cell.metadata.pop("execution", None)
    nbformat.write(nb, str(path))


def gallery_html(params: dict, root: Path, reports: Path) -> str:
    """A static page showing every figure with its caption and links to PDF/SVG/PNG and its data."""
    fig_dir = root / params["figures_dir"]
    tables = root / params["tables_dir"]

    def rel(p: Path) -> str:
        import os
        return Path(os.path.relpath(p, reports)).as_posix()

    parts = ["<!doctype html>", "<html lang='en'><head><meta charset='utf-8'>",
             f"<title>bibtwin figures: {html.escape(params['study'])}</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}"
             "figure{margin:2em 0;border-top:1px solid #ddd;padding-top:1em}img{max-width:100%}"
             "figcaption{font-size:.95em;line-height:1.4}.links{font-size:.85em;color:#555}</style>",
             "</head><body>", f"<h1>Figures: {html.escape(params['study'])}</h1>"]
    if params.get("synthetic_note"):
        parts.append(f"<p><strong>Note:</strong> these figures come from {html.escape(params['synthetic_note'])}"
                     " (the embedded synthetic demo corpus); they are not findings.</p>")
    for nb, _ in catalog.NOTEBOOKS:
        specs = catalog.figures_of(nb)
        if not specs:
            continue
        parts.append(f"<h2>{html.escape(nb)}</h2>")
        for s in specs:
            png = fig_dir / f"{s.name}.png"
            links = " · ".join(f"<a href='{rel(fig_dir / f'{s.name}.{ext}')}'>{ext.upper()}</a>"
                               for ext in params["figure_formats"])
            links += f" · <a href='{rel(tables / f'{s.name}.csv')}'>data (CSV)</a>"
            parts.append(f"<figure id='{s.name}'>")
            if png.exists():
                parts.append(f"<img src='{rel(png)}' alt='{html.escape(s.title)}'>")
            else:
                parts.append("<p><em>not drawn in this run</em></p>")
            parts.append(f"<figcaption><strong>{html.escape(s.title)}.</strong> {html.escape(s.caption)}"
                         f"<div class='links'>{links}</div></figcaption></figure>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
