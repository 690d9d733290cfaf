"""Screening decisions: reading and checking decisions.csv, work status, screening sheets, the synthetic demo.

The hand-made corpus in fixtures/screening/corpus.json has 6 works (W1-W6); decisions.csv decides all of
them, decisions-incomplete.csv leaves W5 without a title/abstract decision and W6 without a full-text one.
"""
from __future__ import annotations

import json
import shutil
import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from bibtwin.errors import ParseError
from bibtwin.screening import (
    COLUMNS, SHEET_COLUMNS, SIMULATED_FULL_TEXT_REASONS, SIMULATED_TITLE_ABSTRACT_REASONS, ScreeningError,
    ScreeningWarning, empty_decisions, load_decisions, screening_sheet, screening_status, simulate_decisions,
    validate_decisions, write_decisions, write_screening_sheet,
)

HEADER = "work_id,stage,decision,reason,reviewer,note\n"


@pytest.fixture
def folder(fixtures):
    return fixtures / "screening"


@pytest.fixture
def works(folder) -> pd.DataFrame:
    return pd.DataFrame(json.loads((folder / "corpus.json").read_text(encoding="utf-8"))["works"])


def write(tmp_path, text: str, name="decisions.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def status_of(works, decisions) -> dict:
    table = screening_status(works, decisions)
    return dict(zip(table["work_id"], table["status"]))


# ------------------------------------------------------------------------------------------ reading

def test_load_valid_file(folder, works):
    decisions = load_decisions(folder / "decisions.csv", works)
    assert list(decisions.columns) == [*COLUMNS, "line"]
    assert len(decisions) == 10
    # sorted by work, title/abstract before full text
    assert list(zip(decisions["work_id"], decisions["stage"]))[:3] == [
        ("W1", "title_abstract"), ("W1", "full_text"), ("W2", "title_abstract")]
    row = decisions.set_index(["work_id", "stage"]).loc[("W2", "full_text")]
    assert (row["decision"], row["reason"], row["line"]) == ("exclude", "no full text", 9)
    assert row["note"] == "requested from the authors,\nno reply"
    # the quoted two-line note of line 9 moves the following rows down by one
    assert decisions.set_index(["work_id", "stage"]).loc[("W3", "full_text"), "line"] == 11
    assert decisions["reason"].isna().sum() == 6  # inclusions carry no reason


def test_status_complete(folder, works):
    assert status_of(works, load_decisions(folder / "decisions.csv", works)) == {
        "W1": "included", "W2": "excluded_full_text", "W3": "excluded_full_text",
        "W4": "excluded_title_abstract", "W5": "excluded_title_abstract", "W6": "included"}
    table = screening_status(works, load_decisions(folder / "decisions.csv", works)).set_index("work_id")
    assert list(table.columns) == ["title_abstract_decision", "title_abstract_reason", "full_text_decision",
                                   "full_text_reason", "status"]
    assert table.loc["W4", "title_abstract_reason"] == "not healthcare"
    assert table.loc["W3", "full_text_reason"] == "conference abstract"
    assert pd.isna(table.loc["W4", "full_text_decision"])


def test_status_incomplete(folder, works):
    assert status_of(works, load_decisions(folder / "decisions-incomplete.csv", works)) == {
        "W1": "included", "W2": "excluded_full_text", "W3": "excluded_full_text",
        "W4": "excluded_title_abstract", "W5": "to_screen_title_abstract", "W6": "to_screen_full_text"}


def test_status_without_decisions_and_any_work_order(works):
    shuffled = works.iloc[::-1]
    table = screening_status(shuffled, empty_decisions())
    assert list(table["work_id"]) == ["W1", "W2", "W3", "W4", "W5", "W6"]
    assert set(table["status"]) == {"to_screen_title_abstract"}


@pytest.mark.parametrize("content", ["", "   \n\n", HEADER, "\ufeff" + HEADER + "\n\n"])
def test_empty_file_means_no_decisions(tmp_path, works, content):
    decisions = load_decisions(write(tmp_path, content), works)
    assert decisions.empty and list(decisions.columns) == [*COLUMNS, "line"]
    assert set(status_of(works, decisions).values()) == {"to_screen_title_abstract"}


def test_missing_file(tmp_path, works):
    with pytest.raises(FileNotFoundError):
        load_decisions(tmp_path / "nope.csv", works)
    assert load_decisions(tmp_path / "nope.csv", works, missing_ok=True).empty


# ------------------------------------------------------------------------------------------ errors

ERRORS = {
    "unknown work id": (
        HEADER + "W1,title_abstract,include,,,\nW99,title_abstract,include,,,\n",
        3, "unknown work id", "W99"),
    "invalid stage": (
        HEADER + "W1,title_abstract,include,,,\nW2,abstract,include,,,\n",
        3, "invalid stage", "abstract"),
    "invalid decision": (
        HEADER + "W1,title_abstract,maybe,,,\n",
        2, "invalid decision", "maybe"),
    "missing reason": (
        HEADER + "W1,title_abstract,include,,,\nW2,title_abstract,include,,,\nW4,title_abstract,exclude, ,,\n",
        4, "missing reason for an exclusion", None),
    "missing work id": (
        HEADER + ",title_abstract,include,,,\n",
        2, "missing work_id", None),
    "conflicting decisions": (
        HEADER + "W1,title_abstract,include,,AB,\nW2,title_abstract,include,,AB,\nW1,title_abstract,exclude,not healthcare,CD,\n",
        4, "conflicting decisions for work W1 at stage title_abstract: exclude here, include on line 2", None),
    "conflicting reasons": (
        HEADER + "W4,title_abstract,exclude,not healthcare,AB,\nW4,title_abstract,exclude,not a digital twin,CD,\n",
        3, "conflicting exclusion reasons for work W4", None),
    "full text after exclusion": (
        HEADER + "W4,title_abstract,exclude,not healthcare,,\nW1,title_abstract,include,,,\nW4,full_text,include,,,\n",
        4, "full-text decision for work W4, which was excluded at title/abstract on line 2", None),
    "full text without title/abstract": (
        HEADER + "W1,full_text,include,,,\n",
        2, "full-text decision for work W1, which has no title/abstract decision", None),
    "missing required column": (
        "work_id,decision,reason\nW1,include,\n",
        1, "missing required column(s) stage", "work_id,decision,reason"),
    "no header": (
        "W1,title_abstract,include,,,\n",
        1, "missing required column(s)", None),
    "column named twice": (
        "work_id,stage,decision,reason,reason\nW1,title_abstract,include,,\n",
        1, "column(s) named twice in the header: reason", None),
    "no reason column": (
        "work_id,stage,decision\nW1,title_abstract,include\nW4,title_abstract,exclude\n",
        3, "missing reason for an exclusion", None),
    "line counted after a multi-line note and blank lines": (
        HEADER + 'W1,title_abstract,include,,,"first line\nsecond line\nthird line"\n\n\nW2,title_abstract,excluded,x,,\n',
        7, "invalid decision", "excluded"),
    "bad quoting": (
        HEADER + 'W1,title_abstract,include,,,"unterminated\n',
        2, "not a readable CSV file", None),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_name_file_and_line(tmp_path, works, case):
    content, line, fragment, found = ERRORS[case]
    path = write(tmp_path, content)
    with pytest.raises(ScreeningError) as info:
        load_decisions(path, works)
    error = info.value
    assert isinstance(error, ParseError)
    assert error.line == line, str(error)
    assert error.path == str(path)
    text = str(error)
    assert text.startswith(f"{path}, line {line}: ")
    assert fragment in text
    if found is not None:
        assert repr(found) in text


def test_first_problem_reported_with_count_of_the_rest(tmp_path, works):
    path = write(tmp_path, HEADER + "W1,title_abstract,include,,,\nW2,screening,include,,,\nW99,full_text,nope,,,\n")
    with pytest.raises(ScreeningError) as info:
        load_decisions(path, works)
    assert info.value.line == 3
    assert "(and 2 more problem(s) in this file)" in str(info.value)  # line 4: unknown id and bad decision


def test_frame_without_lines_names_the_work(works):
    frame = pd.DataFrame({"work_id": ["W1"], "stage": ["full_text"], "decision": ["include"]})
    with pytest.raises(ScreeningError, match=r"<decisions>, record W1: full-text decision"):
        validate_decisions(frame, works)
    with pytest.raises(ScreeningError, match="lacks column"):
        validate_decisions(frame.drop(columns="stage"), works)


# ------------------------------------------------------------------------------- accepted variations

def test_identical_repeats_warn_and_keep_the_first(tmp_path, works):
    path = write(tmp_path, HEADER
                 + "W1,title_abstract,include,,AB,\n"
                 + "W4,title_abstract,exclude,not healthcare,AB,\n"
                 + "W1,title_abstract,include,,CD,second reviewer agrees\n"
                 + "W4,title_abstract,exclude,Not  Healthcare,CD,\n")
    with pytest.warns(ScreeningWarning, match=r"2 decision\(s\) repeat an earlier one.*line 4, line 5"):
        decisions = load_decisions(path, works)
    assert len(decisions) == 2
    assert decisions.set_index("work_id").loc["W1", "reviewer"] == "AB"
    assert list(decisions["line"]) == [2, 3]


def test_values_are_compared_without_case_and_reason_spellings_are_unified(tmp_path, works):
    path = write(tmp_path, HEADER
                 + " W4 , Title_Abstract , EXCLUDE , Not healthcare ,,\n"
                 + "W5,title_abstract,exclude,not  healthcare,,\n"
                 + "W6,title_abstract,exclude,not healthcare,,\n"
                 + "W3,title_abstract,exclude,Not a digital twin,,\n")
    decisions = load_decisions(path, works)
    assert set(decisions["stage"]) == {"title_abstract"} and set(decisions["decision"]) == {"exclude"}
    # two spellings of "not healthcare" against one: the most used wins
    assert decisions.set_index("work_id")["reason"].to_dict() == {
        "W3": "Not a digital twin", "W4": "not healthcare", "W5": "not healthcare", "W6": "not healthcare"}


def test_bom_crlf_and_extra_columns(tmp_path, works):
    text = ("work_id,stage,decision,reason,reviewer,note,title\r\n"
            "W1,title_abstract,include,,AB,,Some title\r\n"
            "W4,title_abstract,exclude,not healthcare,AB,,Another\r\n")
    decisions = load_decisions(write(tmp_path, "\ufeff" + text), works)
    assert list(decisions["work_id"]) == ["W1", "W4"]
    assert list(decisions["line"]) == [2, 3]
    latin = load_decisions(write(tmp_path, HEADER + "W4,title_abstract,exclude,pas de santé,Zoë,\n",
                                 name="latin.csv", encoding="cp1252"), works)
    assert latin.loc[0, "reason"] == "pas de santé" and latin.loc[0, "reviewer"] == "Zoë"


# ----------------------------------------------------------------------------------- screening sheet

def test_sheet_lists_works_still_to_screen(folder, works):
    decisions = load_decisions(folder / "decisions-incomplete.csv", works)
    sheet = screening_sheet(works, decisions)
    assert tuple(sheet.columns) == SHEET_COLUMNS
    assert tuple(sheet.columns[:4]) == ("work_id", "stage", "decision", "reason")
    assert list(zip(sheet["work_id"], sheet["stage"])) == [("W5", "title_abstract"), ("W6", "full_text")]
    assert sheet[["decision", "reason", "reviewer", "note"]].isna().all().all()
    w5, w6 = sheet.iloc[0], sheet.iloc[1]
    assert w5["title"] == "Machine learning for sepsis prediction in intensive care"
    assert w5["year"] == 2023 and w5["journal"] == "Critical Care" and w5["databases"] == "pubmed"
    assert pd.isna(w5["first_author"])                   # the work has no authors
    assert w6["first_author"] == "AHMADI-ASL A" and pd.isna(w6["journal"])
    assert list(screening_sheet(works, decisions, stage="full_text")["work_id"]) == ["W6"]
    with pytest.raises(ValueError, match="stage must be one of"):
        screening_sheet(works, decisions, stage="abstract")


def test_sheet_without_decisions_and_arrow_lists(works):
    arrow = works.copy()
    for column in ("authors", "databases", "record_ids"):
        arrow[column] = pd.Series(pd.arrays.ArrowExtensionArray(pa.array(list(works[column]),
                                                                         type=pa.list_(pa.string()))))
    sheet = screening_sheet(arrow.iloc[::-1], empty_decisions())
    assert list(sheet["work_id"]) == ["W1", "W2", "W3", "W4", "W5", "W6"]
    assert set(sheet["stage"]) == {"title_abstract"}
    assert sheet.loc[0, "databases"] == "pubmed; scopus; wos"
    assert sheet.loc[0, "first_author"] == "CORRAL-ACERO J"
    assert screening_sheet(works, empty_decisions()).equals(sheet)


def test_filled_sheet_appends_to_decisions_as_is(tmp_path, folder, works):
    decisions_path = tmp_path / "decisions.csv"
    shutil.copy(folder / "decisions-incomplete.csv", decisions_path)
    sheet_path = write_screening_sheet(works, load_decisions(decisions_path, works), tmp_path / "sheet.csv")
    sheet = pd.read_csv(sheet_path, dtype=str, keep_default_na=False)
    assert list(sheet.columns) == list(SHEET_COLUMNS)
    # the abstract with a comma and quotes, and the multi-line abstract, survive the CSV round trip
    # (W1 and W2 are decided, so check the quoting on a sheet of every work)
    full = pd.read_csv(write_screening_sheet(works, empty_decisions(), tmp_path / "all.csv"), dtype=str)
    assert full.loc[1, "abstract"] == 'A hospital digital twin, with a comma, and "quotes".'
    assert full.loc[0, "abstract"] == "We build a patient-specific cardiac digital twin.\nIt predicts arrhythmia risk."

    sheet["decision"] = ["exclude", "include"]
    sheet["reason"] = ["not a digital twin", ""]
    sheet["reviewer"] = "EF"
    filled = tmp_path / "filled.csv"
    sheet.to_csv(filled, index=False, lineterminator="\n")
    # append the whole filled sheet, header included, the way `cat filled.csv >> decisions.csv` does
    with decisions_path.open("a", encoding="utf-8") as handle:
        handle.write(filled.read_text(encoding="utf-8"))
    decisions = load_decisions(decisions_path, works)
    assert status_of(works, decisions)["W5"] == "excluded_title_abstract"
    assert status_of(works, decisions)["W6"] == "included"
    assert decisions.set_index(["work_id", "stage"]).loc[("W5", "title_abstract"), "line"] == 11

    # appending the rows alone (no header) works too: the first six columns are the decision columns
    headless = tmp_path / "headless.csv"
    shutil.copy(folder / "decisions-incomplete.csv", headless)
    with headless.open("a", encoding="utf-8") as handle:
        handle.write("".join(filled.read_text(encoding="utf-8").splitlines(keepends=True)[1:]))
    assert status_of(works, load_decisions(headless, works)) == status_of(works, decisions)


def test_written_files_are_deterministic(tmp_path, folder, works):
    decisions = load_decisions(folder / "decisions-incomplete.csv", works)
    a = write_screening_sheet(works, decisions, tmp_path / "a.csv").read_bytes()
    b = write_screening_sheet(works.iloc[::-1], decisions, tmp_path / "b.csv").read_bytes()
    assert a == b
    assert not list(tmp_path.glob(".*.tmp"))
    written = write_decisions(decisions, tmp_path / "d.csv")
    assert written.read_text(encoding="utf-8").splitlines()[0] == ",".join(COLUMNS)
    assert load_decisions(written, works)[list(COLUMNS)].equals(decisions[list(COLUMNS)])


# ------------------------------------------------------------------------------------ synthetic demo

def demo_works(n=465, seed=7) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    fields = rng.choice(["healthcare", "manufacturing", "construction"], size=n, p=[0.6, 0.25, 0.15])
    ids = [f"W{i:05d}" for i in range(n)]
    works = pd.DataFrame({"work_id": ids, "title": [f"Digital twin for {f} number {i}" for i, f in enumerate(fields)],
                          "abstract": pd.NA})
    return works, pd.Series(fields, index=ids)


def test_simulated_decisions_are_shaped_like_the_review(tmp_path):
    works, truth = demo_works()
    decisions = simulate_decisions(works, truth, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        validate_decisions(decisions, works)          # a valid decision set, no repeats
    status = screening_status(works, decisions)["status"].value_counts().to_dict()
    assert status["included"] == 22
    assert status.get("to_screen_title_abstract", 0) == 0 and status.get("to_screen_full_text", 0) == 0
    assert status["excluded_title_abstract"] == 465 - 58        # 2.5 * 22 + 3 assessed in full text
    assert status["excluded_full_text"] == 58 - 22
    reasons = {stage: set(group["reason"].dropna()) for stage, group in decisions.groupby("stage")}
    assert reasons["title_abstract"] <= set(SIMULATED_TITLE_ABSTRACT_REASONS)
    assert reasons["full_text"] <= set(SIMULATED_FULL_TEXT_REASONS) | {"no full text"}
    assert (decisions.loc[decisions["stage"] == "full_text", "reason"] == "no full text").sum() == 3
    assert set(decisions["reviewer"]) == {"synthetic"}
    # works outside healthcare never get through, and are excluded as such
    table = screening_status(works, decisions).set_index("work_id")
    other = truth[truth != "healthcare"].index
    assert set(table.loc[other, "status"]) == {"excluded_title_abstract"}
    assert set(table.loc[other, "title_abstract_reason"]) == {"not healthcare"}
    # written as a decisions file, it reads back unchanged
    path = write_decisions(decisions, tmp_path / "decisions.csv")
    assert load_decisions(path, works)[list(COLUMNS)].equals(decisions[list(COLUMNS)])


def test_simulated_decisions_are_seeded():
    works, truth = demo_works()
    first = simulate_decisions(works, truth, seed=11)
    assert first.equals(simulate_decisions(works.sample(frac=1, random_state=1), truth, seed=11))
    assert not first.equals(simulate_decisions(works, truth, seed=12))
    guessed = simulate_decisions(works, None, seed=11)           # relevance guessed from the titles
    assert (guessed["decision"].eq("include") & guessed["stage"].eq("full_text")).sum() == 22


def test_simulated_decisions_on_a_small_corpus(works):
    decisions = simulate_decisions(works, seed=0)
    status = screening_status(works, decisions)["status"]
    assert status.eq("included").sum() == 6 and len(decisions) == 12   # everything fits in full text
    decisions = simulate_decisions(works, seed=0, n_included=1, n_full_text=3, n_not_retrieved=1)
    counts = screening_status(works, decisions)["status"].value_counts().to_dict()
    assert counts == {"excluded_title_abstract": 3, "excluded_full_text": 2, "included": 1}
