"""Large files are not read whole before parsing (bibtwin.textio.read_text holds their first MiB; the CSV
readers let pyarrow stream the rest). Whether a file is streamed must not change what is read: every
reader gives the same records, report and errors either way, and anything unusual falls back to
reading the file whole, where it is handled and reported as for a small file."""
from __future__ import annotations

import pandas as pd
import pytest

import bibtwin
from bibtwin import textio

FIXTURE_FILES = [
    "delimited/scopus_small.csv", "delimited/scopus_old_layout.csv", "delimited/lens_small.csv",
    "delimited/dimensions_small.csv", "delimited/wrong_field_count.csv", "delimited/truncated.csv",
    "delimited/header_only.csv", "delimited/duplicate_columns.csv", "delimited/missing_title.csv",
    "delimited/wos_trailing_tab.txt", "medline/three_records.txt", "medline/cut_off.txt",
    "wos_plain/two_records.txt", "wos_plain/cut_off.txt", "wos_plain/header_only.txt", "bibtex/generic.bib",
    "bibtex/scopus_2026.bib", "bibtex/wos.bib", "ris/embase.ris", "ris/scopus_notes.ris",
    "openalex/works.jsonl", "openalex/works_array.json", "openalex/malformed.json",
    "scopus_json/complete_page.json",
]
CORPUS_FILES = ["smart_on_fhir/scopus.csv", "ukbiobank/scopus.csv", "dt_bim/scopus.csv", "anopheles/pubmed.csv",
                "smart_on_fhir/pubmed.csv", "internal_fixation/wos_tab.txt", "internal_fixation/wos_plain.txt",
                "gut_microbiome/pubmed_medline.txt"]


def _outcome(path):
    """What reading ``path`` gives: the records and report, or the error's type and message."""
    try:
        loaded = bibtwin.io.load(path)
    except bibtwin.errors.ParseError as exc:
        return type(exc), str(exc)
    return loaded.records, loaded.report


def _both_ways(monkeypatch, path, head_bytes: int = 1 << 20, *, streams: bool | None = None):
    """The outcome of reading ``path`` whole and streamed; ``streams`` says whether the second must
    stream (True), must fall back to reading the file whole (False), or may do either (None)."""
    whole = _outcome(path)
    monkeypatch.setattr(textio, "_LAZY_FROM_BYTES", 0)
    monkeypatch.setattr(textio, "_HEAD_BYTES", head_bytes)
    read_whole = textio._read_whole
    calls = []
    monkeypatch.setattr(textio, "_read_whole", lambda p: calls.append(p) or read_whole(p))
    streamed = _outcome(path)
    monkeypatch.undo()
    if streams is not None:
        assert bool(calls) != streams, "read whole" if calls else "streamed"
    return whole, streamed


def _assert_same(whole, streamed):
    if isinstance(whole[0], pd.DataFrame):
        assert isinstance(streamed[0], pd.DataFrame), streamed
        pd.testing.assert_frame_equal(whole[0], streamed[0])
        assert whole[1] == streamed[1]  # rejections with their record numbers and lines, warnings, encoding
    else:
        assert whole == streamed


@pytest.mark.parametrize("head_bytes", [1 << 20, 300])
@pytest.mark.parametrize("name", FIXTURE_FILES)
def test_fixtures_read_the_same_streamed(monkeypatch, fixtures, name, head_bytes):
    _assert_same(*_both_ways(monkeypatch, fixtures / name, head_bytes))


@pytest.mark.corpus
@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_reads_the_same_streamed(monkeypatch, corpus, name):
    _assert_same(*_both_ways(monkeypatch, corpus / name))


HEADER = '"Authors","Title","Year","Source title","DOI","Abstract","EID"'


def _row(i: int, abstract: str = "Text.") -> str:
    return f'"Doe J.","Title {i}","2020","J","10.1/{i}","{abstract}","2-s2.0-{1000 + i}"'


EDGE_CASES = {
    # line breaks inside quoted values, written as CRLF and as lone CR: made "\n" either way
    "crlf_multiline": ("\ufeff" + "\r\n".join([HEADER, _row(1, "One\r\ntwo"), _row(2, "Lone\rcr"), _row(3)]) + "\r\n"),
    "cr_only_late": ("\n".join([HEADER] + [_row(i) for i in range(1, 40)] + [_row(40, "x\r\ny")]) + "\n"),
    # a file cut off inside the last field, with and without a final line break
    "cut_in_last_field": "\n".join([HEADER, _row(1), _row(2)]) + '\n"Doe J.","T","2020","J","10.1/3","A","2-s2.0-',
    "cut_after_newline": "\n".join([HEADER, _row(1)]) + '\n"Doe J.","T","2020","J","10.1/3","A","2-s2.0-\n',
    "cut_in_abstract": "\n".join([HEADER, _row(1)]) + '\n"Doe J.","T","2020","J","10.1/3","An abstract th',
    # a last value that really ends with a line break (inside its quotes): the quotes are counted
    "last_value_ends_with_newline": "\n".join([HEADER, _row(1)]) + '\n"Doe J.","T","2020","J","10.1/3","A","x\n"\n',
    "wrong_field_count": "\n".join([HEADER, _row(1), '"Doe J.","T"', _row(3)]) + "\n",
    "header_only": HEADER + "\n",
    "no_final_newline": "\n".join([HEADER, _row(1), _row(2)]),
}


# the others are read whole (a lone CR in the head, an odd number of quotes, a malformed row, no rows)
STREAMED = {"cr_only_late", "last_value_ends_with_newline", "no_final_newline"}


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_edge_cases_read_the_same_streamed(monkeypatch, tmp_path, name):
    path = tmp_path / f"{name}.csv"
    path.write_bytes(EDGE_CASES[name].encode("utf-8"))
    _assert_same(*_both_ways(monkeypatch, path, streams=name in STREAMED))


def test_windows_1252_is_read_whole_and_decoded(monkeypatch, tmp_path):
    path = tmp_path / "cp1252.csv"
    path.write_bytes("\n".join([HEADER, _row(1, "Caf\u00e9 \u2013 na\u00efve"), _row(2)]).encode("cp1252") + b"\n")
    whole, streamed = _both_ways(monkeypatch, path, streams=False)
    _assert_same(whole, streamed)
    assert streamed[1].encoding == "cp1252"
    assert streamed[0]["abstract"].iloc[0] == "Caf\u00e9 \u2013 na\u00efve"


def test_a_large_ordinary_csv_is_never_read_whole(monkeypatch, tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("\n".join([HEADER] + [_row(i, "Words " * 50) for i in range(2000)]) + "\n", encoding="utf-8")
    monkeypatch.setattr(textio, "_LAZY_FROM_BYTES", 1000)

    def refuse(p):
        raise AssertionError(f"{p} read whole")

    monkeypatch.setattr(textio, "_read_whole", refuse)
    records = bibtwin.read(path)
    assert len(records) == 2000 and records["doi"].iloc[-1] == "10.1/1999"


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["smart_on_fhir/scopus.csv", "anopheles/pubmed.csv", "internal_fixation/wos_tab.txt"])
def test_many_small_blocks_read_the_same(monkeypatch, corpus, name):
    """Columns in many chunks (as from a large file) go through the per-chunk steps and the abstracts
    are cleaned in two halves: the records must be those of a one-chunk read."""
    from bibtwin.readers import _csv

    whole = bibtwin.io.load(corpus / name)
    monkeypatch.setattr(_csv, "_MIN_BLOCK_BYTES", 1 << 18)
    chunked = bibtwin.io.load(corpus / name)
    assert chunked.records["title"].array._pa_array.num_chunks > 1
    pd.testing.assert_frame_equal(whole.records, chunked.records)
    assert whole.report == chunked.report


def test_windows_1252_with_a_malformed_row_is_read_whole_quietly(monkeypatch, tmp_path, capfd):
    path = tmp_path / "cp1252_bad_row.csv"
    rows = [HEADER, _row(1, "Caf\u00e9"), '"Doe J.","Na\u00efve, a row cut short"', _row(3)]
    path.write_bytes(("\n".join(rows) + "\n").encode("cp1252"))
    whole, streamed = _both_ways(monkeypatch, path, streams=False)
    _assert_same(whole, streamed)
    assert streamed[1].encoding == "cp1252" and streamed[1].rejected[0]["line"] == 3
    assert capfd.readouterr().err == ""  # pyarrow decodes a malformed row's text for a handler: not here


def test_a_character_cut_between_two_values_is_not_utf8(monkeypatch, tmp_path):
    """Two cells of one column, one ending with the first byte of "é" and the next starting with its
    second: their bytes side by side are valid UTF-8, the file is not."""
    path = tmp_path / "cut_character.csv"
    body = "\n".join([HEADER, _row(1)]).encode() + b'\n"Doe J.","T2","2020","J","10.1/2","End \xc3","2-s2.0-2"\n' \
        + b'"Doe J.","T3","2020","J","10.1/3","\xa9 start","2-s2.0-3"\n'
    path.write_bytes(body)
    whole, streamed = _both_ways(monkeypatch, path, streams=False)
    _assert_same(whole, streamed)
    assert streamed[1].encoding == "cp1252"


def test_block_size_gives_each_thread_two_blocks_within_bounds(monkeypatch):
    from bibtwin.readers._csv import _block_bytes

    monkeypatch.setenv("BIBTWIN_THREADS", "2")
    assert _block_bytes(228_000_000) == 57_000_001  # the 70,100-row Scopus file: four chunks per column
    assert _block_bytes(10_000_000) == 16 << 20  # small: one block
    assert _block_bytes(4_000_000_000) == 64 << 20  # huge: the cap bounds the blocks in memory
    monkeypatch.setenv("BIBTWIN_THREADS", "8")
    assert _block_bytes(228_000_000) == 16 << 20
