"""JSON exports: one document (a page, an array of pages, a single object) or JSON Lines.

The API readers (OpenAlex, Scopus Search) share this; each passes its own ``unwrap`` that turns one
parsed value into the records inside it (a page's results, a search's entries).
"""
from __future__ import annotations

import json

from ..errors import ParseError
from ..textio import Text


def json_values(text: Text, unwrap, *, expected: str):
    """Records of ``text``: ``unwrap`` applied to the whole document, or to each line of JSON Lines.

    Malformed JSON raises :class:`ParseError` with the line and column; ``expected`` says what the
    reader wanted (for the message).
    """
    content = text.text
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            context = exc.doc[max(0, exc.pos - 30):exc.pos + 30].replace("\n", "\\n")
            raise ParseError(text.path, f"malformed JSON: {exc.msg} (column {exc.colno})", line=exc.lineno,
                             expected=expected, found=context) from None
        yield from _json_lines(text.path, content, unwrap)
        return
    yield from unwrap(data)


def _json_lines(path: str, content: str, unwrap):
    for number, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            message = "more than one JSON value on a line" if exc.msg == "Extra data" \
                else f"malformed JSON: {exc.msg}"
            raise ParseError(path, message, line=number, expected="one JSON object per line (JSON Lines)",
                             found=f"column {exc.colno}: {line[max(0, exc.pos - 20):exc.pos + 20]}") from None
        yield from unwrap(value)
