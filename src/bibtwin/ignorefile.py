"""``.bibtwinignore``: files in a folder of exports that are not exports.

A folder read by :func:`bibtwin.io.discover` may hold a ``.bibtwinignore`` file listing glob patterns, one a
line, relative to that folder, with gitignore's rules:

* blank lines and lines starting with ``#`` are skipped;
* a pattern ending in ``/`` matches a folder (and so everything in it), never a file;
* a pattern with a ``/`` elsewhere is anchored to the folder of the ``.bibtwinignore``
  (``pubmed/batch-*.txt``); one without matches a file or folder name at any depth (``state.json``);
* ``*`` and ``?`` match within one path component, ``**`` across components, ``[...]`` a character class;
* ``!pattern`` takes back an earlier match; the last matching line wins.

``.bibtwinignore`` files in sub-folders apply below them, after those of the folders above. Files matched
are not listed at all (not read, not reported as skipped). ``bibtwin fetch`` writes one in each study folder
naming its intermediate files (see ``docs/fetching.md``); :func:`write_block` keeps the lines a person
added around the block a program manages.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import atomic

IGNORE_FILE = ".bibtwinignore"


@dataclass(frozen=True)
class Rule:
    regex: re.Pattern
    anchored: bool     # matched against the path relative to the ignore file's folder, else a name
    folder_only: bool
    negated: bool

    def matches(self, parts: tuple[str, ...]) -> bool:
        """Whether the path ``parts`` (relative to the rule's folder) or one of its folders matches."""
        for k in range(1, len(parts) + 1):
            if self.folder_only and k == len(parts):
                break
            subject = "/".join(parts[:k]) if self.anchored else parts[k - 1]
            if self.regex.fullmatch(subject):
                return True
        return False


def parse_rules(text: str) -> list[Rule]:
    rules = []
    for line in text.splitlines():
        line = line.rstrip()
        if not line.strip() or line.startswith("#"):
            continue
        negated = line.startswith("!")
        # "\#name", "\!name": a literal first character
        pattern = line.removeprefix("!").removeprefix("\\") if negated else line.removeprefix("\\")
        folder_only = pattern.endswith("/")
        pattern = pattern.rstrip("/")
        anchored = "/" in pattern
        pattern = pattern.lstrip("/")
        if pattern:
            rules.append(Rule(_glob_regex(pattern), anchored, folder_only, negated))
    return rules


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern:
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[" and _class_end(pattern, i) > 0:
            end = _class_end(pattern, i)
            body = pattern[i + 1:end]
            body = "^" + body[1:] if body[:1] in ("!", "^") else body
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end + 1
            continue
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out))


def _class_end(pattern: str, i: int) -> int:
    """Index of the ``]`` closing the character class opened at ``i`` (-1: a literal ``[``)."""
    j = i + 1
    if pattern[j:j + 1] in ("!", "^"):
        j += 1
    if pattern[j:j + 1] == "]":
        j += 1
    return pattern.find("]", j)


class IgnoreRules:
    """The ``.bibtwinignore`` files met while walking one folder, applied to the files found in it."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._by_folder: dict[tuple[str, ...], list[Rule]] = {}

    def _rules(self, folder: tuple[str, ...]) -> list[Rule]:
        if folder not in self._by_folder:
            path = self.root.joinpath(*folder) / IGNORE_FILE
            try:
                text = path.read_text(encoding="utf-8-sig")
            except (FileNotFoundError, NotADirectoryError):
                text = ""
            self._by_folder[folder] = parse_rules(text)
        return self._by_folder[folder]

    def ignored(self, path: Path) -> bool:
        """Whether ``path`` (a file inside the root) is listed by a ``.bibtwinignore`` above it."""
        parts = path.relative_to(self.root).parts
        ignored = False
        for depth in range(len(parts)):
            for rule in self._rules(parts[:depth]):
                if rule.negated == ignored and rule.matches(parts[depth:]):
                    ignored = not rule.negated
        return ignored


# ------------------------------------------------------------------------------------------ writing

def write_block(folder, owner: str, patterns: list[str], comment: str = "") -> Path:
    """Write ``folder/.bibtwinignore`` atomically with ``patterns`` as the block ``owner`` manages.

    The block sits between ``# >>> owner`` and ``# <<< owner`` lines and is replaced as a whole; lines
    outside it (added by a person or another program) are kept as they are.
    """
    path = Path(folder) / IGNORE_FILE
    start, end = f"# >>> {owner}", f"# <<< {owner}"
    before, after = [], []
    if path.exists():
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        if start in lines and end in lines[lines.index(start):]:
            i = lines.index(start)
            j = lines.index(end, i)
            before, after = lines[:i], lines[j + 1:]
        else:
            before = lines
    block = [start] + [f"# {c}" for c in comment.splitlines() if c.strip()] + list(patterns) + [end]
    text = "\n".join(before + block + after) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8-sig") != text:
        atomic.write_text(path, text)
    return path
