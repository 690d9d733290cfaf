"""Turn the bytes of an export into text, whatever encoding the database or the user's editor chose.

Exports arrive as UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text", some WoS
tab-delimited saves), and Latin-1 / Windows-1252 (an export re-saved on an old Windows machine).
Line endings are normalized to ``\\n`` so readers can count lines.
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


@dataclass(frozen=True)
class Text:
    text: str
    encoding: str
    path: str


def decode(data: bytes, path) -> Text:
    """Decode ``data`` (the content of ``path``) to text with ``\\n`` line endings.

    Raises :class:`EmptyFileError` for an empty file and :class:`EncodingError` for binary content.
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
    if encoding is None:
        sample = data[:65536]
        if b"\x00" in sample:
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
        else:
            try:
                text = data.decode("utf-8")
                encoding = "utf-8"
            except UnicodeDecodeError:
                encoding = "cp1252"
    if encoding != "utf-8":
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            if encoding == "cp1252":
                text = data.decode("latin-1")
                encoding = "latin-1"
            else:
                raise EncodingError(path, f"cannot decode as {encoding}: {exc.reason}",
                                    line=data[:exc.start].count(b"\n") + 1,
                                    expected=f"valid {encoding}", found=repr(data[exc.start:exc.start + 8]))
    if text.startswith("\ufeff"):
        text = text[1:]
    controls = sum(text[:65536].count(chr(c)) for c in _CONTROL)
    if controls > 0.01 * min(len(text), 65536) + 2:
        first = next(i for i, ch in enumerate(text) if ord(ch) < 32 and ch not in "\t\r\n")
        raise EncodingError(path, "binary content, not a text export",
                            line=text[:first].count("\n") + 1,
                            expected="text", found=f"{controls} control characters, first at offset {first}")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text or text.isspace():
        raise EmptyFileError(path, "the file has no text", expected="a bibliographic export",
                             found="only whitespace")
    return Text(text=text, encoding=encoding, path=path)


def read_text(path) -> Text:
    """Read and decode a file (see :func:`decode`)."""
    p = Path(path)
    return decode(p.read_bytes(), p)
