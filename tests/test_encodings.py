"""One export, saved in every encoding and line ending users' tools produce, reads to the same records.

UTF-8 with a BOM and CRLF (Windows tools), UTF-16 with a BOM (Excel's "Unicode text"), Latin-1 (an
export re-saved on an old Windows machine): every reader goes through the same decoding step, and this
checks each format's own fixture through it.
"""
import pandas as pd
import pytest

import bibtwin

SAMPLES = ["bibtex/generic.bib", "bibtex/wos.bib", "delimited/scopus_small.csv", "delimited/lens_small.csv",
           "delimited/wos_trailing_tab.txt", "medline/three_records.txt", "openalex/works.jsonl",
           "ris/embase.ris", "wos_plain/two_records.txt"]
VARIANTS = {
    "latin-1": ("latin-1", "\n", b""),
    "utf-8-bom-crlf": ("utf-8", "\r\n", b"\xef\xbb\xbf"),
    "utf-16-bom": ("utf-16", "\n", b""),          # Python's utf-16 codec writes the BOM itself
    "utf-16-bom-crlf": ("utf-16", "\r\n", b""),
}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("sample", SAMPLES)
def test_same_records_in_every_encoding(fixtures, tmp_path, sample, variant):
    encoding, newline, bom = VARIANTS[variant]
    source = fixtures / sample
    text = source.read_text(encoding="utf-8-sig")  # some fixtures keep the BOM their database writes
    try:
        data = bom + text.replace("\n", newline).encode(encoding)
    except UnicodeEncodeError:
        pytest.skip(f"{sample} has characters Latin-1 cannot hold")
    copy = tmp_path / source.name
    copy.write_bytes(data)
    expected = bibtwin.read(source).drop(columns="source_file")
    got = bibtwin.read(copy).drop(columns="source_file")
    pd.testing.assert_frame_equal(got, expected)


def test_windows_1252_csv_with_a_malformed_row_is_read_quietly(tmp_path, capfd):
    """A CSV re-saved as Windows-1252 with a row of too many fields: the file is decoded as cp1252, the
    row is rejected with its line, and nothing is printed (pyarrow used to print its failed UTF-8 decode of
    the row to stderr before the reader fell back)."""
    import bibtwin

    path = tmp_path / "latin.csv"
    path.write_bytes('Title,EID,Year\n"Café study",2-s2.0-1,2020\n"Bad row é",2-s2.0-2,2020,extra\n'
                     '"Ok",2-s2.0-3,2021\n'.encode("cp1252"))
    loaded = bibtwin.io.load(path)
    assert loaded.report.encoding == "cp1252"
    assert loaded.records["title"].tolist() == ["Café study", "Ok"]
    assert [(r["source_record"], r["line"]) for r in loaded.report.rejected] == [(2, 3)]
    captured = capfd.readouterr()
    assert "Exception ignored" not in captured.err and "UnicodeDecodeError" not in captured.err
