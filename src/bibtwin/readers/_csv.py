"""Read the rows of a delimited export into Arrow string columns, with the checks every CSV reader needs.

pyarrow's CSV reader does the parsing (measured on a 227 MB, 70,100-row Scopus CSV: 0.44 s single-threaded,
0.99 s for pandas' pyarrow engine and 1.6 s for pandas' C engine; all columns read as text). It uses
threads (``BIBTWIN_THREADS``, see :mod:`bibtwin._threads`), except to find where malformed rows are: only a
single-threaded parse reports their row numbers, so a file with such rows is parsed once more that way.
A large file is parsed straight from disk in blocks (:func:`_read_rows_streaming`); whatever that path
cannot vouch for is read whole and handled as below.

Policy for malformed input, shared by all delimited formats:

* header without rows -> :class:`EmptyFileError`; the same column name twice -> :class:`DuplicateColumnsError`;
* a row with the wrong number of fields -> a :class:`Rejection` naming its record number and line, so one
  damaged row does not cost the other records, and nothing read is silently lost;
* an odd number of quote characters where a quoted field never closes (a file cut off inside its last
  record) -> :class:`TruncatedRecordError` naming the line where that record starts;
* a header of more than 10,000 columns -> :class:`ParseError`; anything else pyarrow cannot parse (a line
  of several MiB that straddles its blocks) -> :class:`ParseError` with pyarrow's message.
"""
from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from ..errors import DuplicateColumnsError, EmptyFileError, ParseError, TruncatedRecordError
from .._threads import n_threads, run_all
from ..schema import may_contain, patch_strings
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
    with _unlimited_fields():
        return [name.strip() for name in next(csv.reader([line], delimiter=delimiter), [])]


@contextmanager
def _unlimited_fields():
    """Lift Python's csv limit of 128 KiB per field (csv.Error beyond it) while we parse: pyarrow has no such
    limit, and a long abstract or reference list must not turn into an error only on the slow path."""
    previous = csv.field_size_limit(2**31 - 1)  # the largest a C long holds everywhere
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def read_rows(text: Text, *, delimiter: str = ",", quoted: bool = True, header_line: int = 1) -> Rows:
    """Parse ``text`` (header on line ``header_line``; lines above it are a preamble) into string columns."""
    streamed = _read_rows_streaming(text, delimiter, quoted, header_line)
    if streamed is not None:
        return streamed
    # checked before parsing: pyarrow hands a malformed row's text to the invalid-row handler as UTF-8
    # and, for a file that is not, prints the decoding error to stderr instead of raising it
    data = text.checked_utf8()
    header_end = data.find(b"\n", _line_offset(data, header_line - 1))
    names = _header_names(text, data, len(data) if header_end < 0 else header_end, delimiter, quoted, header_line)
    if _line_offset(data, header_line) >= len(data):
        raise _no_rows(text, header_line)
    # the quote count (for a file cut off inside a quoted field, below) runs beside the parser
    done = run_all({"parse": lambda: _parse_checked(text, data, names, delimiter, quoted, header_line),
                    "quotes": lambda: _count_byte(data, ord('"')) if quoted else 0})
    table, invalid = done["parse"]
    if done["quotes"] % 2:
        _raise_if_unterminated(text, delimiter, header_line)
    n_records = table.num_rows + len(invalid)
    if n_records == 0:
        raise _no_rows(text, header_line)
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
    return _rows({name: table.column(i) for i, name in enumerate(names)}, source_record, rejected, header_line)


def _header_names(text: Text, data: bytes, header_end: int, delimiter: str, quoted: bool,
                  header_line: int) -> list[str]:
    """The column names of the header line ending at ``header_end`` (``data``: ``\\n`` line endings)."""
    header = data[_line_offset(data, header_line - 1):header_end].decode("utf-8", errors="replace")
    names = _column_names(text, split_header(header, delimiter, quoted), header_line)
    return _with_trailing_delimiter_column(data, header_end, names, delimiter, quoted)


def _no_rows(text: Text, header_line: int) -> EmptyFileError:
    return EmptyFileError(text.path, "no records", line=header_line + 1,
                          expected="at least one row below the header", found="only the header")


def _rows(columns: dict[str, pa.ChunkedArray], source_record: np.ndarray, rejected: list[Rejection],
          header_line: int) -> Rows:
    """:class:`Rows` of the parsed columns; an unnamed column with nothing in it (a trailing delimiter) is
    dropped. Columns stay in pyarrow's blocks (ChunkedArray): combining them would copy the text again."""
    columns = {name: arr for name, arr in columns.items()
               if not (name.startswith(_UNNAMED) and arr.null_count == len(arr))}
    return Rows(columns=columns, header=list(columns), source_record=source_record, rejected=rejected,
                header_line=header_line)


def _read_rows_streaming(text: Text, delimiter: str, quoted: bool, header_line: int) -> Rows | None:
    """:func:`read_rows` for a large file not yet read (:meth:`Text.file_body`): pyarrow parses it from the
    file in blocks, so its content is never held whole (228 MB of memory, and a third of the time of a
    70,100-row Scopus CSV). Returns None, and the whole file is then read as for a small one, for anything
    out of the ordinary, which that path handles and reports: bytes that are not UTF-8, malformed rows,
    an odd number of quotes, a header or first row longer than the head, lone carriage returns in it.
    """
    file = text.file_body()
    if file is None:
        return None
    head = file.head
    if head.count(b"\r") != head.count(b"\r\n"):
        return None
    lines = head.replace(b"\r\n", b"\n") if b"\r" in head else head
    header_end = lines.find(b"\n", _line_offset(lines, header_line - 1))
    if header_end < 0 or lines.find(b"\n", header_end + 1) < 0:  # the header or first row is longer
        return None
    names = _header_names(text, lines, header_end, delimiter, quoted, header_line)
    rows_offset = file.offset + _line_offset(head, header_line)  # CRLF lines end in "\n" too

    def open_rows() -> pa.NativeFile:
        stream = pa.input_stream(file.path, compression=None)
        stream.read(rows_offset)
        return stream

    try:
        # a malformed row is not collected but raises (pyarrow would decode its text as UTF-8 for a
        # handler, and print the error of a file that is not): the whole file is then read, where such
        # rows are reported; so is a file that is not UTF-8 (pyarrow checks each value as it converts it)
        table, _ = _parse(open_rows, names, delimiter, quoted, collect_invalid=False)
    except pa.ArrowInvalid:  # a malformed row, bytes that are not UTF-8, a line pyarrow cannot parse
        return None
    if table.num_rows == 0:
        raise _no_rows(text, header_line)
    if quoted and _may_end_in_quotes(file.path, table) and _count_byte_in_file(file.path, file.offset, b'"') % 2:
        return None
    columns = {name: table.column(i) for i, name in enumerate(names)}
    del table
    # a small file has its line endings made "\n" before parsing; pyarrow reads "\r\n" and "\r" as line
    # ends too, so what may remain are line breaks inside quoted values, made "\n" the same way
    returns = run_all({name: partial(may_contain, arr, "\r") for name, arr in columns.items()})
    for name in (name for name, found in returns.items() if found):
        columns[name] = _newlines_to_lf(columns[name])
    return _rows(columns, np.arange(1, len(next(iter(columns.values()), [])) + 1), [], header_line)


def _newlines_to_lf(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    """Line breaks written as CRLF or CR inside values made "\\n"."""
    def fix(values):
        return pc.replace_substring(pc.replace_substring(values, "\r\n", "\n"), "\r", "\n")

    return patch_strings(arr, pc.match_substring(arr, "\r").fill_null(False), fix)


def _count_byte_in_file(path: str, offset: int, byte: bytes) -> int:
    """How often ``byte`` occurs in the file from ``offset`` on (read in blocks into one reused buffer)."""
    count = 0
    buffer = bytearray(1 << 23)
    with open(path, "rb", buffering=0) as fh:
        fh.seek(offset)
        while n := fh.readinto(buffer):
            count += _count_byte(memoryview(buffer)[:n], ord(byte))
    return count


def _may_end_in_quotes(path: str, table: pa.Table) -> bool:
    """Whether the file may end inside a quoted field, which pyarrow accepts without a word.

    Such a field runs to the end of the file: it is the last row's last field (were it an earlier one,
    the row would lack fields and be reported), and its value ends where the file ends. So a file that
    ends with a line break, and whose last value does not, ends outside quotes; otherwise the quotes are
    counted (a pass over the file that is not needed for exports as the databases write them).
    """
    with open(path, "rb") as fh:
        fh.seek(-1, 2)
        if fh.read(1) != b"\n":
            return True
    last = table.column(table.num_columns - 1)[table.num_rows - 1].as_py()
    return last is not None and last.endswith("\n")


def _parse_checked(text: Text, data: bytes, names: list[str], delimiter: str, quoted: bool, header_line: int):
    """:func:`_parse`, with pyarrow's failure as a :class:`ParseError` naming the file."""
    body = pa.py_buffer(data).slice(_line_offset(data, header_line))
    try:
        return _parse(lambda: pa.BufferReader(body), names, delimiter, quoted)
    except pa.ArrowInvalid as exc:
        raise ParseError(text.path, f"the CSV parser failed: {exc}", expected="rows of delimited text",
                         found=str(exc)[:80]) from None


def _count_byte(data: bytes, byte: int) -> int:
    """How often ``byte`` occurs in ``data`` (numpy, in slices: it releases the GIL, bytes.count does not)."""
    values = np.frombuffer(data, dtype=np.uint8)
    step = 1 << 23
    return sum(int(np.count_nonzero(values[i:i + step] == byte)) for i in range(0, len(values), step))


def _parse(open_rows, names: list[str], delimiter: str, quoted: bool, collect_invalid: bool = True):
    """pyarrow's parse of the rows ``open_rows()`` streams (the lines below the header); returns (table,
    invalid rows as (record, n_fields, text)).

    Quoted fields may hold line breaks, which forces pyarrow's slower parser; most exports have none, so
    the fast parser goes first and its result is kept only if every line parsed as a whole row (a field
    with a line break leaves a row with too few fields, and then the careful parser runs).
    """
    attempts = (False, True) if quoted else (False,)
    for newlines_in_values in attempts:
        try:
            threads = n_threads() > 1
            table, invalid = _read_csv(open_rows(), names, delimiter, quoted, newlines_in_values, threads,
                                       collect_invalid)
            if invalid and threads and newlines_in_values == attempts[-1]:
                # with threads pyarrow does not know the row numbers of malformed rows: parse once more
                table, invalid = _read_csv(open_rows(), names, delimiter, quoted, newlines_in_values, False,
                                           collect_invalid)
        except pa.ArrowInvalid as exc:
            if newlines_in_values == attempts[-1] or "utf8" in str(exc).lower():
                raise
            continue
        if not invalid or newlines_in_values == attempts[-1]:
            return table, invalid
    raise AssertionError("unreachable")


def _read_csv(rows: pa.NativeFile, names: list[str], delimiter: str, quoted: bool, newlines_in_values: bool,
              use_threads: bool, collect_invalid: bool = True) -> tuple[pa.Table, list[tuple[int, int, str]]]:
    invalid: list[tuple[int, int, str]] = []

    def keep_invalid(row) -> str:
        invalid.append((row.number, row.actual_columns, row.text))
        return "skip"

    table = pv.read_csv(
        # the rows below the header, from a stream opened past it: pyarrow's skip_rows fails on a header
        # line longer than its block
        rows,
        read_options=pv.ReadOptions(use_threads=use_threads, column_names=names,
                                    block_size=_block_bytes(rows.size() - rows.tell())),
        parse_options=pv.ParseOptions(delimiter=delimiter, quote_char='"' if quoted else False,
                                      double_quote=quoted, newlines_in_values=newlines_in_values,
                                      invalid_row_handler=keep_invalid if collect_invalid else None),
        convert_options=pv.ConvertOptions(column_types={n: pa.string() for n in names},
                                          strings_can_be_null=True, null_values=[""],
                                          quoted_strings_can_be_null=True),
    )
    return table, invalid


_UNNAMED = "unnamed column "


# Exports have tens of columns (Web of Science tab-delimited about 70); a header line of millions of
# delimiters would make pyarrow build that many columns (minutes, gigabytes) before it gives up
_MAX_COLUMNS = 10_000


def _column_names(text: Text, names: list[str], header_line: int) -> list[str]:
    """Check the header: no repeats; columns without a name get one so their values are not lost."""
    if len(names) > _MAX_COLUMNS:
        raise ParseError(text.path, "the header has too many columns for an export", line=header_line,
                         expected=f"at most {_MAX_COLUMNS:,} columns", found=f"{len(names):,} columns")
    names = [n if n else f"{_UNNAMED}{i}" for i, n in enumerate(names, 1)]
    seen: set[str] = set()
    repeated = [n for n in names if n in seen or seen.add(n)]
    if repeated:
        raise DuplicateColumnsError(text.path, "the same column name appears twice in the header",
                                    line=header_line, expected="distinct column names",
                                    found=", ".join(dict.fromkeys(repeated)))
    return names


def _with_trailing_delimiter_column(data: bytes, header_end: int, names: list[str], delimiter: str,
                                    quoted: bool) -> list[str]:
    """Some exports (Web of Science tab-delimited) end every data row with a delimiter the header lacks.

    Seen on the first data row, this adds an unnamed last column, dropped later when it is empty.
    """
    end = data.find(b"\n", header_end + 1)
    first = data[header_end + 1: len(data) if end < 0 else end].decode("utf-8", errors="replace")
    if first.endswith(delimiter) and (not quoted or '"' not in first) \
            and len(first.split(delimiter)) == len(names) + 1:
        return names + [f"{_UNNAMED}{len(names) + 1}"]
    return names


def _block_bytes(size: int) -> int:
    """pyarrow's block size for ``size`` bytes of rows: about two blocks per thread, between 16 and 64 MiB.

    pyarrow parses one block per thread at a time, and every block becomes a chunk of every column, with
    kernel calls of its own in each pass after parsing. For the 228 MB Scopus file: 4 MiB blocks (55
    chunks) cost 0.5 s of CPU more than 16 MiB ones (14 chunks), which cost 0.35 s more than 57 MiB ones
    (4 chunks); one or two blocks leave a core idle while parsing. The cap bounds memory on huge files.
    """
    return int(min(max(size // (2 * n_threads()) + 1, _MIN_BLOCK_BYTES), _MAX_BLOCK_BYTES))


_MIN_BLOCK_BYTES, _MAX_BLOCK_BYTES = 16 << 20, 64 << 20


def _line_offset(text, n_lines: int) -> int:
    """Offset where line ``n_lines + 1`` starts (works on str and bytes)."""
    newline = b"\n" if isinstance(text, bytes) else "\n"
    pos = 0
    for _ in range(n_lines):
        nxt = text.find(newline, pos)
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
            with _unlimited_fields():
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
