"""bibtwin: reproducible bibliometric analysis of Scopus, PubMed, Web of Science and other exports."""
from __future__ import annotations

__version__ = "0.1.0"

from .io import load, load_many, read, read_many  # noqa: E402

__all__ = ["read", "read_many", "load", "load_many", "__version__"]
