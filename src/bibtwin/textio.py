"""Turn the bytes of an export into text, whatever encoding the database or the user's editor chose.

Exports arrive as UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text", some WoS
tab-delimited saves), and Latin-1 / Windows-1252 (an export re-saved on an old Windows machine).
Line endings are normalized to ``\\n`` so readers can count lines.

A file of 8 MiB or more that looks like UTF-8 is not read at once: :func:`read_text` keeps its first MiB,
enough to recognise the format, and the rest is read when a reader asks for it; the CSV readers never
do, and let pyarrow stream the file instead (:mod:`bibtwin.readers._csv`).
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from .errors import EmptyFileError, EncodingError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# bytes that never occur in a text export (NUL aside, which marks UTF-16 without BOM or a binary)
_CONTROL = bytes(range(0, 9)) + bytes([11, 12]) + bytes(range(14, 32)) + b"\x7f"


class Text:
    """The content of one export: UTF-8 bytes with ``\\n`` line endings, and the same as ``str``.

    Both views are made on first use. Readers that hand bytes to pyarrow (the CSV readers) never pay for
    decoding the whole file into a Python string; readers that work on ``str`` decode once. A file
    presumed UTF-8 that turns out not to be (an export re-saved as Windows-1252) is decoded as cp1252 when
    the text is first needed, and ``encoding`` says so.
    """

    __slots__ = ("_text", "_utf8", "encoding", "path", "_presumed", "_file")

    def __init__(self, text: str | None = None, encoding: str = "utf-8", path: str = "<input>", *,
                 utf8: bytes | None = None, file: _FileHead | None = None):
        if text is None and utf8 is None and file is None:
            raise ValueError("Text needs text, utf8 bytes or a file")
        self._text = text
        self._utf8 = utf8
        self._file = file  # a large file not read yet: only its first MiB is held
        self.encoding = encoding
        self.path = str(path)
        self._presumed = text is None  # UTF-8 not yet verified

    def _load(self) -> None:
        """Read the whole file of a :class:`Text` made from its head (see :func:`read_text`)."""
        if self._file is not None and self._text is None and self._utf8 is None:
            whole = _read_whole(Path(self._file.path))
            self._text, self._utf8, self.encoding, self._presumed = (
                whole._text, whole._utf8, whole.encoding, whole._presumed)
            self._file = None

    def file_body(self) -> _FileHead | None:
        """Where the file's content starts and its first bytes, while the file has not been read whole:
        a reader that can stream the file (pyarrow's CSV reader) does so instead of holding all of it."""
        return self._file if self._text is None and self._utf8 is None else None

    @property
    def text(self) -> str:
        self._load()
        if self._text is None:
            try:
                self._text = self._utf8.decode("utf-8")
            except UnicodeDecodeError:
                # not UTF-8 after all: a single-byte Windows encoding (any byte decodes in latin-1)
                try:
                    self._text = self._utf8.decode("cp1252")
                    self.encoding = "cp1252"
                except UnicodeDecodeError:
                    self._text = self._utf8.decode("latin-1")
                    self.encoding = "latin-1"
                self._utf8 = None
            self._presumed = False
        return self._text

    @property
    def utf8(self) -> bytes:
        """The content as UTF-8 bytes. While ``unverified_utf8`` is True it may still hold invalid bytes:
        a consumer that finds some calls :meth:`verify_utf8` and reads this again."""
        self._load()
        if self._utf8 is None:
            self._utf8 = self.text.encode("utf-8")
        return self._utf8

    @property
    def unverified_utf8(self) -> bool:
        return self._presumed

    def checked_utf8(self) -> bytes:
        """:attr:`utf8`, checked to be valid UTF-8 first (Arrow's validation: about 0.03 s per 200 MB); a
        file that is not is decoded as :attr:`text` does (cp1252, then latin-1)."""
        self._load()
        if self._presumed and self._utf8 is not None:
            import pyarrow as pa

            from .schema import bytes_value, is_utf8

            if not is_utf8(bytes_value(pa.py_buffer(self._utf8), 0, len(self._utf8))):
                return self.verify_utf8()
            self._presumed = False
        return self.utf8

    def verify_utf8(self) -> bytes:
        """Decode (falling back to cp1252) so that :attr:`utf8` is valid UTF-8; return it."""
        _ = self.text
        return self.utf8

    def head(self, n: int = 65536) -> str:
        """The first ``n`` bytes' worth of text, without decoding the whole file."""
        if self._text is not None:
            return self._text[:n]
        if self._utf8 is None and self._file is not None:
            head = _normalize_newlines(self._file.head)
            # the head is a MiB (the sniffers ask for 64 KiB), or the whole file
            if n < len(head) or self._file.offset + len(self._file.head) >= self._file.size:
                return head[:n].decode("utf-8", errors="replace")
        return self.utf8[:n].decode("utf-8", errors="replace")

    def release(self) -> None:
        """Drop both views (they can be hundreds of MB) once the reader is done."""
        self._text = None
        self._utf8 = b""
        self._file = None

    def __repr__(self) -> str:
        return f"Text(path={self.path!r}, encoding={self.encoding!r})"


def _normalize_newlines(data: bytes) -> bytes:
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data


def decode(data: bytes, path) -> Text:
    """Recognise the encoding of ``data`` (the content of ``path``) and return it as :class:`Text`.

    UTF-8 (the usual case) is not decoded here: the bytes are kept, and decoded only if a reader asks for
    ``str``. Raises :class:`EmptyFileError` for an empty file and :class:`EncodingError` for binary content
    (NUL bytes that are not UTF-16, or many control characters in the first 64 KiB).
    """
    path = str(path)
    # isspace() stops at the first non-blank byte; strip() would copy the whole file to find out
    if not data or data.isspace():
        raise EmptyFileError(path, "the file is empty", expected="a bibliographic export",
                             found=f"{len(data)} bytes of whitespace" if data else "0 bytes")
    encoding = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = name
            break
    sample = data[:65536]
    if encoding is None and b"\x00" in sample:
        # UTF-16 without a BOM shows NULs in every other byte of ASCII text
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
            encoding = "utf-16-le"
        elif even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
            encoding = "utf-16-be"
        else:
            offset = sample.index(b"\x00")
            raise EncodingError(path, "binary content, not a text export",
                                line=sample[:offset].count(b"\n") + 1,
                                expected="text (UTF-8, UTF-16 or Latin-1)",
                                found=f"NUL byte at offset {offset}")
    if encoding in (None, "utf-8-sig"):
        body = data[3:] if encoding else data
        if not body or body.isspace():
            raise EmptyFileError(path, "the file has no text", expected="a bibliographic export",
                                 found="only a byte-order mark and whitespace")
        _check_controls(body[:65536], path)
        return Text(utf8=_normalize_newlines(body), encoding="utf-8" if encoding is None else "utf-8-sig",
                    path=path)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise EncodingError(path, f"cannot decode as {encoding}: {exc.reason}",
                            line=data[:exc.start].count(b"\n") + 1,
                            expected=f"valid {encoding}", found=repr(data[exc.start:exc.start + 8])) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    _check_controls(text[:65536].encode("utf-8", errors="replace"), path)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text or text.isspace():
        raise EmptyFileError(path, "the file has no text", expected="a bibliographic export",
                             found="only whitespace")
    return Text(text=text, encoding=encoding, path=path)


def _check_controls(sample: bytes, path: str) -> None:
    controls = sum(sample.count(c) for c in _CONTROL)
    if controls > 0.01 * len(sample) + 2:
        first = min(i for i in (sample.find(bytes([c])) for c in _CONTROL) if i >= 0)
        raise EncodingError(path, "binary content, not a text export",
                            line=sample[:first].count(b"\n") + 1,
                            expected="text", found=f"{controls} control characters, first at offset {first}")


@dataclass(frozen=True)
class _FileHead:
    """A UTF-8 file (presumed) not read whole: its path, where its content starts (after a byte-order mark)
    and its size, and its first bytes from there (line endings as written)."""
    path: str
    offset: int
    size: int
    head: bytes


_HEAD_BYTES = 1 << 20
_LAZY_FROM_BYTES = 8 << 20  # smaller files are read at once: streaming them gains nothing


def read_text(path) -> Text:
    """A file's content with its encoding recognised (see :func:`decode`).

    A large file that looks like UTF-8 is not read yet: the :class:`Text` holds its first MiB (enough to
    recognise the format) and reads the rest when a reader asks for it, so a reader that streams the file
    (the CSV readers) never holds it whole. The checks on its first bytes are those of :func:`decode`.
    """
    p = Path(path)
    size = p.stat().st_size
    if size >= _LAZY_FROM_BYTES:
        with open(p, "rb", buffering=0) as fh:
            head = _read_exactly(fh, _HEAD_BYTES)
        bom = codecs.BOM_UTF8 if head.startswith(codecs.BOM_UTF8) else b""
        body = head[len(bom):]
        other_bom = not bom and any(head.startswith(b) for b, _ in _BOMS)
        if not other_bom and not body.isspace() and b"\x00" not in head[:65536]:
            _check_controls(body[:65536], str(p))
            return Text(file=_FileHead(str(p), len(bom), size, body), path=str(p),
                        encoding="utf-8-sig" if bom else "utf-8")
    return _read_whole(p)


def _read_whole(p: Path) -> Text:
    # unbuffered: a buffered read after the first three bytes joins its buffer to the rest, a second copy
    # of the whole file (hundreds of MB of fresh memory to fault in)
    with open(p, "rb", buffering=0) as fh:
        if _read_exactly(fh, 3) == codecs.BOM_UTF8:
            # read past the BOM instead of slicing it off later, which would copy the whole file
            body = fh.readall()
            if body and not body.isspace() and b"\x00" not in body[:65536]:
                _check_controls(body[:65536], str(p))
                return Text(utf8=_normalize_newlines(body), encoding="utf-8-sig", path=str(p))
            return decode(codecs.BOM_UTF8 + body, p)
        fh.seek(0)
        return decode(fh.readall(), p)


def _read_exactly(fh, n: int) -> bytes:
    """Up to ``n`` bytes from an unbuffered file (a raw read may return fewer than asked)."""
    out = b""
    while len(out) < n:
        chunk = fh.read(n - len(out))
        if not chunk:
            break
        out += chunk
    return out
