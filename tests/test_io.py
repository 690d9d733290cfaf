"""Front-door behaviour of bibtwin.read on input that is not an export at all."""
import subprocess
import sys

import pytest

import bibtwin
from bibtwin.errors import EmptyFileError, EncodingError, ParseError, UnknownFormatError
from bibtwin.textio import decode


def test_empty_file(tmp_path):
    f = tmp_path / "empty.csv"
    f.write_bytes(b"")
    with pytest.raises(EmptyFileError) as info:
        bibtwin.read(f)
    assert str(f) in str(info.value) and "empty" in str(info.value)


def test_whitespace_only(tmp_path):
    f = tmp_path / "blank.txt"
    f.write_bytes(b"\r\n  \n\t\n")
    with pytest.raises(EmptyFileError):
        bibtwin.read(f)


def test_binary_junk(tmp_path):
    f = tmp_path / "export.csv"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(EncodingError) as info:
        bibtwin.read(f)
    msg = str(info.value)
    assert str(f) in msg and "binary" in msg and "line 3" in msg  # the NUL follows two newlines


def test_unknown_text_format(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("Dear reviewer,\nplease find attached our revised manuscript.\n", encoding="utf-8")
    with pytest.raises(UnknownFormatError) as info:
        bibtwin.read(f)
    msg = str(info.value)
    assert str(f) in msg and "Dear reviewer" in msg and "expected one of" in msg


def test_parse_error_is_a_value_error_and_pickles():
    import pickle
    err = ParseError("a.csv", "bad", line=3, record=2, expected="x", found="y")
    assert isinstance(err, ValueError)
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err) == "a.csv, line 3, record 2: bad; expected x, found 'y'"


@pytest.mark.parametrize("data, encoding", [
    ("Zoë; Ærø\n".encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + "Zoë; Ærø\r\n".encode("utf-8"), "utf-8-sig"),
    ("Zoë; Ærø\n".encode("utf-16"), "utf-16"),
    ("Zoë; Ærø\n".encode("cp1252"), "cp1252"),
])
def test_decode_encodings(data, encoding):
    text = decode(data, "x")
    assert text.text == "Zoë; Ærø\n" and text.encoding == encoding


def test_cli_prints_error_without_traceback(tmp_path):
    f = tmp_path / "empty.ris"
    f.write_bytes(b"")
    proc = subprocess.run([sys.executable, "-m", "bibtwin", "ingest", str(f), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert str(f) in proc.stderr and len(proc.stderr.strip().splitlines()) <= 2
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_finish_keeps_abstract_chunks_in_row_order():
    """The abstracts are cleaned in parts on the thread pool, the largest tasks first: the cleaned parts
    must come back in row order whatever their sizes."""
    import pandas as pd
    import pyarrow as pa

    from bibtwin.io import finish
    from bibtwin.schema import STRING

    sizes = [1, 5, 2, 40, 3]  # chunks of growing and shrinking size
    chunks, n = [], 0
    for size in sizes:
        chunks.append(pa.array([f"row {n + i}  " + "x" * 50 * size for i in range(size)], pa.large_string()))
        n += size
    df = pd.DataFrame({
        "record_id": pd.Series([f"test:{i}" for i in range(n)], dtype=STRING),
        "abstract": pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(chunks))),
    })
    out = finish(df, source_file="t.csv", source_format="scopus_csv")
    assert [a.split(" ")[1] for a in out["abstract"]] == [str(i) for i in range(n)]
