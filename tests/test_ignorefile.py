"""``.bibtwinignore`` (``bibtwin.ignorefile``) as ``bibtwin.io.discover`` applies it: gitignore-like
patterns relative to the folder holding the file."""
from __future__ import annotations

from pathlib import Path

import pytest

from bibtwin.ignorefile import IGNORE_FILE, parse_rules, write_block
from bibtwin.io import discover, load_files


def make(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n")


def listed(root: Path) -> list[str]:
    return [f.relative_to(root).as_posix() for f, _ in discover(root)]


def test_patterns_comments_folders_and_anchoring(tmp_path):
    make(tmp_path, "query_log.csv", "pubmed/pubmed.txt", "pubmed/batch-0001.txt", "pubmed/batch-0002.txt",
         "pubmed/state.json", "openalex/state.json", "openalex/page-0001.json", "old/a.txt", "x/old/b.txt",
         "keep/old", "deep/a/b/c.tmp", "batch-0001.txt", "#hash.txt")
    (tmp_path / IGNORE_FILE).write_text(
        "# intermediate files\n"
        "\n"
        "query_log.csv\n"
        "pubmed/batch-*.txt\n"        # anchored: only the batches in pubmed/
        "state.json\n"                # no slash: a name at any depth
        "old/\n"                      # a folder at any depth, never a file named old
        "**/*.tmp\n"
        "\\#hash.txt\n"
        "   \n")
    assert listed(tmp_path) == ["batch-0001.txt", "keep/old", "openalex/page-0001.json", "pubmed/pubmed.txt"]


def test_negation_and_nested_ignore_files(tmp_path):
    make(tmp_path, "a/one.txt", "a/two.txt", "a/b/three.txt", "a/b/four.txt", "c.txt")
    (tmp_path / IGNORE_FILE).write_text("*.txt\n!two.txt\n")
    (tmp_path / "a" / "b" / IGNORE_FILE).write_text("!four.txt\n")  # applies below a/b, after the outer
    assert listed(tmp_path) == ["a/b/four.txt", "a/two.txt"]
    # read from the sub-folder, the outer file does not apply
    assert [f.name for f, _ in discover(tmp_path / "a" / "b")] == ["four.txt", "three.txt"]


def test_named_files_are_always_read_and_ignored_ones_are_not_reported(tmp_path):
    make(tmp_path, "query_log.csv")
    (tmp_path / IGNORE_FILE).write_text("query_log.csv\n")
    assert discover(tmp_path) == []
    assert discover([tmp_path / "query_log.csv"]) == [(tmp_path / "query_log.csv", True)]
    frames, reports, failed = load_files(tmp_path)
    assert frames == reports == failed == []


@pytest.mark.parametrize("pattern, path, hit", [
    ("a[0-9].txt", "a1.txt", True), ("a[!0-9].txt", "a1.txt", False), ("a?.txt", "ab.txt", True),
    ("a?.txt", "a/.txt", False), ("*.txt", "sub/x.txt", True), ("/x.txt", "sub/x.txt", False),
    ("sub/**", "sub/a/b.txt", True), ("a/**/b.txt", "a/b.txt", True), ("a/**/b.txt", "a/x/y/b.txt", True),
    ("[x", "[x", True),
])
def test_glob_rules(pattern, path, hit):
    (rule,) = parse_rules(pattern)
    assert rule.matches(tuple(path.split("/"))) is hit


def test_write_block_replaces_its_block_and_keeps_other_lines(tmp_path):
    (tmp_path / IGNORE_FILE).write_text("mine.csv\n")
    write_block(tmp_path, "tool", ["a", "b"], comment="why")
    write_block(tmp_path, "tool", ["c"])
    assert (tmp_path / IGNORE_FILE).read_text() == "mine.csv\n# >>> tool\nc\n# <<< tool\n"
    assert not [p for p in tmp_path.iterdir() if p.name != IGNORE_FILE]  # no temporary file left
