"""Read the rows of a delimited export into Arrow string columns, with the checks every CSV reader needs.

pyarrow's CSV reader does the parsing (measured on a 227 MB, 70,100-row Scopus CSV: 0.44 s single-threaded,
0.56 s with threads on two busy cores, 0.99 s for pandas' pyarrow engine and 1.6 s for pandas' C engine;
all columns read as text). It runs single-threaded because that was faster here and because only then
does pyarrow report the row number of a malformed row.

Policy for malformed input, shared by all delimited formats:

* header without rows -> :class:`EmptyFileError`; the same column name twice -> :class:`DuplicateColumnsError`;
* a row with the wrong number of fields -> a :class:`Rejection` naming its record number and line, so one
  damaged row does not cost the other records, and nothing read is silently lost;
* an odd number of quote characters where a quoted field never closes (a file cut off inside its last
  record) -> :class:`TruncatedRecordError` naming the line where that record starts.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.csv as pv

from ..errors import DuplicateColumnsError, EmptyFileError, TruncatedRecordError
from ..textio import Text
from . import Rejection


@dataclass
class Rows:
    """The rows of a delimited file: one Arrow string column per header name (null where a field is empty)."""
    columns: dict[str, pa.ChunkedArray]
    header: list[str]
    source_record: np.ndarray  # 1-based position of each kept row among the file's records
    rejected: list[Rejection] = field(default_factory=list)
    header_line: int = 1

    def __len__(self) -> int:
        return len(self.source_record)

    def get(self, name: str) -> pa.ChunkedArray | None:
        return self.columns.get(name)


def split_header(line: str, delimiter: str, quoted: bool) -> list[str]:
    """Column names of one header line."""
    if not quoted:
        return [name.strip() for name in line.split(delimiter)]
    return [name.strip() for name in next(csv.reader([line], delimiter=delimiter), [])]


def read_rows(text: Text, *, delimiter: str = ",", quoted: bool = True, header_line: int = 1) -> Rows:
    """Parse ``text`` (header on line ``header_line``; lines above it are a preamble) into string columns."""
    body_start = _line_offset(text.text, header_line - 1)
    header_end = text.text.find("\n", body_start)
    header_end = len(text.text) if header_end < 0 else header_end
    names = _column_names(text, split_header(text.text[body_start:header_end], delimiter, quoted), header_line)
    names = _with_trailing_delimiter_column(text.text, header_end, names, delimiter, quoted)

    invalid: list[tuple[int, int, str]] = []

    def keep_invalid(row) -> str:
        invalid.append((row.number - header_line, row.actual_columns, row.text))
        return "skip"

    stream = _Utf8Stream(text.text)
    table = pv.read_csv(
        stream,
        read_options=pv.ReadOptions(use_threads=False, skip_rows=header_line, column_names=names,
                                    block_size=_BLOCK_BYTES),
        parse_options=pv.ParseOptions(delimiter=delimiter, quote_char='"' if quoted else False,
                                      double_quote=quoted, newlines_in_values=quoted,
                                      invalid_row_handler=keep_invalid),
        convert_options=pv.ConvertOptions(column_types={n: pa.string() for n in names},
                                          strings_can_be_null=True, null_values=[""],
                                          quoted_strings_can_be_null=True),
    )
    if quoted and stream.quotes % 2:
        _raise_if_unterminated(text, delimiter, header_line)
    n_records = table.num_rows + len(invalid)
    if n_records == 0:
        raise EmptyFileError(text.path, "no records", line=header_line + 1,
                             expected="at least one row below the header", found="only the header")
    source_record = np.arange(1, n_records + 1)
    rejected: list[Rejection] = []
    if invalid:
        bad = np.array([r[0] for r in invalid])
        source_record = source_record[~np.isin(source_record, bad)]
        start_lines = _record_start_lines(text, delimiter, quoted, header_line)
        rejected = [
            Rejection(source_record=int(record), line=start_lines.get(int(record)),
                      identifier=row_text[:60],
                      reason=f"expected {len(names)} fields (the header's columns), found {actual}")
            for record, actual, row_text in invalid
        ]
    # Columns stay in pyarrow's blocks (ChunkedArray): combining them would copy the file's text once more.
    columns = {name: table.column(i) for i, name in enumerate(names)}
    del table
    columns = {name: arr for name, arr in columns.items()
               if not (name.startswith(_UNNAMED) and arr.null_count == len(arr))}
    return Rows(columns=columns, header=[n for n in names if n in columns], source_record=source_record,
                rejected=rejected, header_line=header_line)


_UNNAMED = "unnamed column "


def _column_names(text: Text, names: list[str], header_line: int) -> list[str]:
    """Check the header: no repeats; columns without a name get one so their values are not lost."""
    names = [n if n else f"{_UNNAMED}{i}" for i, n in enumerate(names, 1)]
    seen: set[str] = set()
    repeated = [n for n in names if n in seen or seen.add(n)]
    if repeated:
        raise DuplicateColumnsError(text.path, "the same column name appears twice in the header",
                                    line=header_line, expected="distinct column names",
                                    found=", ".join(dict.fromkeys(repeated)))
    return names


def _with_trailing_delimiter_column(text: str, header_end: int, names: list[str], delimiter: str,
                                    quoted: bool) -> list[str]:
    """Some exports (Web of Science tab-delimited) end every data row with a delimiter the header lacks.

    Seen on the first data row, this adds an unnamed last column, dropped later when it is empty.
    """
    end = text.find("\n", header_end + 1)
    first = text[header_end + 1: len(text) if end < 0 else end]
    if first.endswith(delimiter) and (not quoted or '"' not in first) \
            and len(first.split(delimiter)) == len(names) + 1:
        return names + [f"{_UNNAMED}{len(names) + 1}"]
    return names


_BLOCK_BYTES = 1 << 22  # 4 MiB: peak memory and speed measured the same from 1 to 16 MiB


class _Utf8Stream(io.RawIOBase):
    """The UTF-8 bytes of a text, encoded a piece at a time as pyarrow reads them.

    Encoding the whole text at once would hold a second copy of the file (227 MB for 70,000 Scopus rows)
    beside the decoded text while pyarrow parses. Also counts the quote characters on the way.
    """

    def __init__(self, text: str, piece_chars: int = _BLOCK_BYTES // 4):
        self._text = text
        self._position = 0
        self._piece_chars = piece_chars
        self._pending = memoryview(b"")
        self.quotes = 0

    def readable(self) -> bool:
        return True

    def _refill(self) -> bool:
        if self._position >= len(self._text):
            return False
        piece = self._text[self._position:self._position + self._piece_chars].encode("utf-8")
        self._position += self._piece_chars
        self.quotes += piece.count(b'"')
        self._pending = memoryview(piece)
        return True

    def readinto(self, buffer) -> int:
        filled, size = 0, len(buffer)
        while filled < size and (len(self._pending) or self._refill()):
            n = min(size - filled, len(self._pending))
            buffer[filled:filled + n] = self._pending[:n]
            self._pending = self._pending[n:]
            filled += n
        return filled


def _line_offset(text: str, n_lines: int) -> int:
    pos = 0
    for _ in range(n_lines):
        nxt = text.find("\n", pos)
        if nxt < 0:
            return len(text)
        pos = nxt + 1
    return pos


def _python_rows(text: Text, delimiter: str, quoted: bool, header_line: int):
    """(record number, start line, csv error or None) of each record, by Python's csv module.

    The slow path, run only when something is wrong; blank lines are not records, as for pyarrow.
    """
    body = text.text[_line_offset(text.text, header_line):]
    reader = csv.reader(io.StringIO(body), delimiter=delimiter, strict=True,
                        quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE)
    record, line_before = 0, 0
    while True:
        try:
            row, error = next(reader), None
        except StopIteration:
            return
        except csv.Error as exc:  # the reader goes on with the next line after an error
            row, error = [""], exc
        if row:
            record += 1
            yield record, header_line + line_before + 1, error
        line_before = reader.line_num


def _record_start_lines(text: Text, delimiter: str, quoted: bool, header_line: int) -> dict[int, int]:
    return {record: line for record, line, _ in _python_rows(text, delimiter, quoted, header_line)}


def _raise_if_unterminated(text: Text, delimiter: str, header_line: int) -> None:
    """An odd number of quotes may mean a quoted field that never closes; say where its record starts."""
    for record, line, error in _python_rows(text, delimiter, True, header_line):
        if error is not None and "end of data" in str(error):
            raise TruncatedRecordError(text.path, "a quoted field is never closed (file cut off?)",
                                       line=line, record=record, expected="a closing '\"' before the end",
                                       found=f"end of file inside record {record}")
