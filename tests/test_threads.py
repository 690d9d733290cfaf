"""Readers run their column passes on a thread pool (bibtwin._threads): the result must not depend on it."""
from __future__ import annotations

import pandas as pd
import pytest

import bibtwin
from bibtwin import _threads

FIXTURE_FILES = [
    "delimited/scopus_small.csv", "delimited/scopus_old_layout.csv", "delimited/lens_small.csv",
    "delimited/dimensions_small.csv", "delimited/wrong_field_count.csv", "medline/three_records.txt",
    "medline/cut_off.txt", "wos_plain/two_records.txt", "wos_plain/cut_off.txt",
]
CORPUS_FILES = ["smart_on_fhir/scopus.csv", "ukbiobank/scopus.csv", "gut_microbiome/pubmed_medline.txt",
                "internal_fixation/wos_plain.txt", "internal_fixation/wos_tab.txt", "anopheles/pubmed.csv"]


def _load_with(monkeypatch, threads: int, path):
    monkeypatch.setenv("BIBTWIN_THREADS", str(threads))
    loaded = bibtwin.io.load(path)
    return loaded.records, loaded.report


def _same(monkeypatch, path):
    one, report_one = _load_with(monkeypatch, 1, path)
    two, report_two = _load_with(monkeypatch, 2, path)
    pd.testing.assert_frame_equal(one, two)
    assert report_one == report_two  # rejections (with their record numbers) and warnings too


@pytest.mark.parametrize("name", FIXTURE_FILES)
def test_fixtures_read_the_same_with_and_without_threads(monkeypatch, fixtures, name):
    _same(monkeypatch, fixtures / name)


@pytest.mark.corpus
@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_reads_the_same_with_and_without_threads(monkeypatch, corpus, name):
    _same(monkeypatch, corpus / name)


def test_run_all_keeps_names_and_raises_the_failure(monkeypatch):
    monkeypatch.setenv("BIBTWIN_THREADS", "2")
    assert _threads.run_all({"a": lambda: 1, ("b", "c"): lambda: (2, 3)}) == {"a": 1, ("b", "c"): (2, 3)}

    def fail():
        raise bibtwin.errors.ParseError("x.csv", "broken", line=3)

    with pytest.raises(bibtwin.errors.ParseError, match="x.csv"):
        _threads.run_all({"ok": lambda: 1, "bad": fail})


@pytest.mark.parametrize("value, expected", [("1", 1), ("3", 3), (" 2 ", 2), ("0", 1)])
def test_thread_count_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("BIBTWIN_THREADS", value)
    assert _threads.n_threads() == expected


def test_a_bad_thread_count_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("BIBTWIN_THREADS", "many")
    with pytest.raises(ValueError, match="BIBTWIN_THREADS"):
        _threads.n_threads()


def test_largest_first_orders_tasks_by_the_columns_they_read():
    from functools import partial

    import pyarrow as pa

    small, large = pa.array(["a"] * 10), pa.array(["b" * 100] * 10)
    tasks = {"none": lambda: 0, "small": partial(len, small), "large": partial(len, [large]),
             "series": partial(len, pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([large, large]))))}
    assert list(_threads.largest_first(tasks)) == ["series", "large", "small", "none"]
