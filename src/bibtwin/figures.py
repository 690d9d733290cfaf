"""Saving figures: the house style and one writer that gives the same bytes for the same figure.

Widths follow journal column sizes; draw at the printed width so the font sizes in
``styles/bibtwin.mplstyle`` (8 pt base, 7 pt ticks) are the sizes on paper:

- ``SINGLE_COLUMN_IN = 3.5``: one column (Elsevier 90 mm, Nature 89 mm, PLOS 3.27-5.2 in, BMJ 84 mm).
- ``DOUBLE_COLUMN_IN = 7.2``: full page width (Nature 183 mm, Elsevier 190 mm, PLOS 7.5 in max).

:func:`use_style` applies the style inside a ``with`` block and never at import, so importing bibtwin
leaves a user's matplotlib settings alone. :func:`save_figure` writes PDF, SVG and PNG atomically
with fixed metadata (no dates, no software versions), TrueType fonts in the PDF and a fixed SVG hash
salt, so saving the same figure twice gives byte-identical files. Byte identity holds for a given
matplotlib version and set of installed fonts (a machine with Arial draws Arial, one without draws
DejaVu Sans).
"""
from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import matplotlib as mpl
import matplotlib.style

SINGLE_COLUMN_IN = 3.5
DOUBLE_COLUMN_IN = 7.2

STYLE_PATH = Path(__file__).resolve().parent / "styles" / "bibtwin.mplstyle"

FORMATS = ("pdf", "svg", "png")

# rcParams that decide the bytes of a saved file; enforced at save time whatever style is active
_SAVE_RC = {
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.fonttype": "none",
    "svg.hashsalt": "bibtwin",
}

# None removes the entry; dates and versions would make every save differ
_METADATA = {
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
    "svg": {"Date": None, "Creator": None},
    "png": {"Software": None},
}

NOTE_FONTSIZE = 6
NOTE_COLOR = "0.45"


def use_style():
    """Context manager applying ``styles/bibtwin.mplstyle``: ``with use_style(): fig, ax = plt.subplots()``."""
    return matplotlib.style.context(str(STYLE_PATH))


def save_figure(fig, name: str, out_dir, formats=FORMATS, dpi: int = 300, note: str | None = None) -> list[Path]:
    """Write ``fig`` as ``out_dir/name.<format>`` for each format; return the paths in ``formats`` order.

    Each file is rendered in memory, written to a temporary file beside its target and renamed over
    it, so a reader never sees a half-written figure. ``note`` (e.g. ``"synthetic demo data"``) is
    drawn in small grey type in the bottom-right corner of every file and removed afterwards, leaving
    ``fig`` as it was.
    """
    name = str(name)
    if not name or Path(name).name != name or Path(name).suffix.lower().lstrip(".") in FORMATS:
        raise ValueError(f"figure name must be a bare file stem such as 'annual-production', got {name!r}")
    if isinstance(formats, str):
        formats = (formats,)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"unknown figure formats {unknown or list(formats)}; expected some of {list(FORMATS)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    note_artist = None
    if note:
        note_artist = fig.text(1.0, 0.0, note, ha="right", va="top", fontsize=NOTE_FONTSIZE,
                               color=NOTE_COLOR, parse_math=False, usetex=False)
    paths = []
    try:
        with mpl.rc_context(_SAVE_RC):
            for fmt in formats:
                buffer = io.BytesIO()
                fig.savefig(buffer, format=fmt, dpi=dpi, metadata=_METADATA[fmt],
                            bbox_inches="tight", pad_inches=0.02)
                path = out_dir / f"{name}.{fmt}"
                _write_atomically(path, buffer.getvalue())
                paths.append(path)
    finally:
        if note_artist is not None:
            note_artist.remove()
    return paths


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600 files; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
