from pathlib import Path

import pandas as pd
import pytest

from bibtwin.errors import SchemaError
from bibtwin.schema import (COLUMN_NAMES, INT, LIST, STRING, conform, data_dictionary_markdown,
                            empty_frame, validate)

ROOT = Path(__file__).resolve().parents[1]


def test_data_dictionary_matches_schema():
    doc = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    start = doc.index("<!-- generated table: start -->\n") + len("<!-- generated table: start -->\n")
    end = doc.index("<!-- generated table: end -->")
    assert doc[start:end] == data_dictionary_markdown(), \
        "docs/data-dictionary.md is out of date: regenerate the table from bibtwin.schema"


def test_issue_columns_are_in_schema():
    required = """record_id database source_file source_format title abstract year doi pmid eid wos_uid journal
    journal_abbrev issn volume issue pages doc_type doc_type_raw language authors author_full_names
    affiliations countries corresponding_address author_keywords index_keywords mesh_terms
    subject_categories cited_by references open_access funding""".split()
    assert set(required) <= set(COLUMN_NAMES)


def test_conform_gives_canonical_dtypes_and_empty_lists():
    df = conform(pd.DataFrame({"record_id": ["x:1", "x:2"], "database": ["scopus", "pubmed"],
                               "source_file": ["f", "f"], "source_format": ["scopus_csv"] * 2,
                               "source_record": [1, 2], "title": ["  A title ", ""],
                               "authors": [["SMITH J"], None], "cited_by": [3, None]}))
    validate(df)
    assert df["title"].tolist()[0] == "A title"
    assert df["title"].isna().tolist() == [False, True]       # empty means unknown
    assert df["authors"].tolist()[1] == []                      # no authors: empty list
    assert df["cited_by"].dtype == INT and df["cited_by"].isna().tolist() == [False, True]
    assert df["mesh_terms"].dtype == LIST and df["doi"].dtype == STRING
    assert df["authors"].list.len().tolist() == [1, 0]
    assert df.explode("authors")["authors"].tolist()[0] == "SMITH J"


def test_conform_refuses_unknown_columns():
    with pytest.raises(SchemaError, match="extra"):
        conform(pd.DataFrame({"record_id": ["a"], "Times Cited": ["3"]}))


def test_validate_catches_duplicate_ids_and_bad_values():
    base = {"database": ["x", "x"], "source_file": ["f", "f"], "source_format": ["f", "f"],
            "source_record": [1, 2]}
    with pytest.raises(SchemaError, match="not unique"):
        validate(conform(pd.DataFrame({"record_id": ["a", "a"], **base})))
    with pytest.raises(SchemaError, match="negative"):
        validate(conform(pd.DataFrame({"record_id": ["a", "b"], "cited_by": [-1, 2], **base})))
    with pytest.raises(SchemaError, match="years"):
        validate(conform(pd.DataFrame({"record_id": ["a", "b"], "year": [20, 2020], **base})))


def test_empty_frame_is_valid():
    assert len(validate(empty_frame())) == 0


def test_may_contain_never_misses_a_match():
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from bibtwin.schema import bool_array, edge_whitespace, may_contain

    rng = np.random.default_rng(7)
    alphabet = np.array(list("ab \t\r\"é"))
    values = ["".join(rng.choice(alphabet, rng.integers(0, 6))) if rng.random() > 0.1 else None
              for _ in range(400)]
    arr = pa.chunked_array([pa.array(values[:150], pa.string()), pa.array(values[150:], pa.string()).slice(20)])
    for pattern in ["\r", "\t", '"', "  ", "é", "[\t\r]", "x"]:
        per_value = pc.any(pc.match_substring_regex(arr, pattern)).as_py() or False
        if per_value:
            assert may_contain(arr, pattern), pattern
    assert not may_contain(pa.array(["ab", "ba", None], pa.string()), "x")
    assert not may_contain(pa.array([], pa.string()), "x")
    assert not may_contain(pa.array([None, ""], pa.string()), "x")
    # a match across two neighbouring values is a false positive, which is allowed
    assert may_contain(pa.array(["a ", " b"], pa.string()), "  ")
    # edge_whitespace reads first and last bytes from the offsets, also of slices and large strings
    for arr in [pa.array(values, pa.string()).slice(33, 200), pa.array(values, pa.large_string())]:
        expected = [v is not None and v != "" and (v[0] in " \t\ré" or v[-1] in " \t\ré") for v in arr.to_pylist()]
        assert edge_whitespace(arr).to_pylist() == expected
    assert bool_array(np.array([True, False, True])).to_pylist() == [True, False, True]


def test_strip_edges_same_whether_sampled_or_looked_at_value_by_value():
    """Mostly-edged values are trimmed all at once (a sample decides); the result is the same."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from bibtwin.schema import _EDGE_SAMPLE, strip_edges

    mostly = [" a", "b ", "\u2003c\u00a0", "d", None, "", " ", "caf\u00e9"] * _EDGE_SAMPLE
    rarely = ["a", "b", "c", " d ", None, "\u00e9"] * _EDGE_SAMPLE
    for values in (mostly, rarely):
        arr = pa.array(values, pa.string())
        assert strip_edges(arr).equals(pc.utf8_trim_whitespace(arr))
        chunked = pa.chunked_array([arr.slice(0, 100), arr.slice(100)])
        assert strip_edges(chunked).to_pylist() == pc.utf8_trim_whitespace(arr).to_pylist()


def test_surround_inserts_before_and_after_each_value_and_keeps_nulls():
    import pyarrow as pa

    from bibtwin.schema import surround

    assert surround(pa.array(["a", "", None, "caf\u00e9"]), "{", '"}').to_pylist() == \
        ["{a\"}", '{"}', None, "{caf\u00e9\"}"]
    assert surround(pa.chunked_array([pa.array(["x"], pa.large_string())]), "[", "]").to_pylist() == ["[x]"]
