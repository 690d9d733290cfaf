"""Exceptions raised by bibtwin.

Every error about input names the file, the line or record where it was found, what was expected and
what was found, so a user can open the export and see the problem.
"""
from __future__ import annotations

from pathlib import Path


class BibtwinError(Exception):
    """Base class of every error bibtwin raises on purpose."""


class ParseError(BibtwinError, ValueError):
    """A file could not be read as a bibliographic export.

    Parameters
    ----------
    path: the file.
    message: what went wrong, in a few words.
    line: 1-based line number where the problem was seen, when known.
    record: 1-based record number (or an identifier) when known.
    expected / found: what the reader wanted and what it got.
    """

    def __init__(self, path, message: str, *, line: int | None = None, record=None,
                 expected: str | None = None, found: str | None = None):
        self.path = str(path) if path is not None else "<input>"
        self.message = message
        self.line = line
        self.record = record
        self.expected = expected
        self.found = found
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.path]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.record is not None:
            where.append(f"record {self.record}")
        text = ", ".join(where) + f": {self.message}"
        if self.expected is not None:
            text += f"; expected {self.expected}"
        if self.found is not None:
            found = self.found if len(self.found) <= 80 else self.found[:77] + "..."
            text += f", found {found!r}"
        return text

    def __reduce__(self):  # keep picklable (multiprocessing, pytest-xdist)
        return (_rebuild, (type(self), self.path, self.message, self.line, self.record,
                           self.expected, self.found))


def _rebuild(cls, path, message, line, record, expected, found):
    return cls(path, message, line=line, record=record, expected=expected, found=found)


class EmptyFileError(ParseError):
    """The file has no bytes, only whitespace, or a header without records."""


class EncodingError(ParseError):
    """The bytes are not text in any encoding an export uses (binary junk)."""


class UnknownFormatError(ParseError):
    """The content matches none of the formats bibtwin reads."""


class MissingColumnsError(ParseError):
    """A delimited export lacks columns the reader cannot do without."""


class DuplicateColumnsError(ParseError):
    """A delimited export names the same column twice."""


class TruncatedRecordError(ParseError):
    """The last record of a file ends before its terminator."""


class SchemaError(BibtwinError):
    """A table does not follow the canonical schema (a bug, not bad input)."""


def display_path(path) -> str:
    return str(Path(path)) if path is not None else "<input>"
