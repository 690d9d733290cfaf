import pandas as pd
import pytest

from bibtwin import normalize as nz


@pytest.mark.parametrize("raw, expected", [
    ("10.1093/JAMIA/ocw079", "10.1093/jamia/ocw079"),
    ("https://doi.org/10.1000/ABC", "10.1000/abc"),
    ("http://dx.doi.org/10.31044/1684-5811", "10.31044/1684-5811"),
    ("doi: 10.5/x.", "10.5/x"),
    ("10.1/a; 10.1/b", "10.1/a"),
    ("10.1/abc [pdf]", "10.1/abc"),
    ("DOI 10.2/Y,", "10.2/y"),
    ("S0140-6736(20)30183-5", None),     # a publisher id, not a DOI
    ("", None),
    (None, None),
])
def test_normalize_doi(raw, expected):
    out = nz.normalize_doi(pd.Series([raw], dtype="string")).tolist()[0]
    assert (out if out is not pd.NA else None) == expected


@pytest.mark.parametrize("raw, expected", [
    ("Merino J.", "MERINO J"), ("Merino J.A.", "MERINO JA"), ("Merino JA", "MERINO JA"),
    ("Merino, J", "MERINO J"), ("Merino, Jordi A.", "MERINO JA"), ("Eckardt J.-N.", "ECKARDT J-N"),
    ("van der Berg, Anne-Marie", "VAN DER BERG A-M"), ("Männistö S.", "MÄNNISTÖ S"),
    ("Camargo Tavares, L.", "CAMARGO TAVARES L"), ("Loughlin SO", "LOUGHLIN SO"),
    ("WHO", "WHO"), ("  ", None),
    # name suffixes and a stray comma in UK Biobank's Scopus BibTeX (2-s2.0-85046126170, 85050543338)
    ("Belliveau, R.A., Jr.", "BELLIVEAU RA JR"), ("D'Agostino, R.B., Sr.", "D'AGOSTINO RB SR"),
    ("Loukola, L.L.C.S.,A.", "LOUKOLA A"),
])
def test_author_short(raw, expected):
    assert nz.author_short(raw) == expected


@pytest.mark.parametrize("affiliation, country", [
    ("Zhejiang Univ, Hangzhou, Peoples R China.", "China"),
    ("Harvard Medical School, Boston, MA 02115, USA. x@y.edu", "United States"),
    ("Dept of Medicine, Boston, MA, United States", "United States"),
    ("Univ Oxford, Oxford OX3 7LF, England", "United Kingdom"),
    ("National Taiwan University, Taipei, Taiwan", "Taiwan"),     # not China (bibliometrix's mistake)
    ("Universidad Nacional, Lima, Perú", "Peru"),                  # accented spelling
    ("Seoul Natl Univ, Seoul, South Korea", "South Korea"),
    ("Yonsei University, Seoul, Republic of Korea", "South Korea"),
    ("Karolinska Institutet, Stockholm, Sweden. Electronic address: a@b.se.", "Sweden"),
    ("Institute of Something", None),
])
def test_country_of(affiliation, country):
    assert nz.country_of(affiliation) == country


def test_countries_unique_in_order():
    s = pd.Series([["A, Paris, France", "B, Lyon, France", "C, Rome, Italy"], [], ["nowhere"]])
    from bibtwin.schema import conform
    df = conform(pd.DataFrame({"record_id": list("abc"), "affiliations": s}))
    out = nz.countries_from_affiliations(df["affiliations"]).tolist()
    assert out == [["France", "Italy"], [], []]


@pytest.mark.parametrize("raw, expected", [
    ("Article", "article"), ("Review", "review"), ("Conference Paper", "conference_paper"),
    ("Proceedings Paper", "conference_paper"), ("Editorial Material", "editorial"),
    ("Journal Article; Review", "review"), ("Journal Article; Research Support, N.I.H., Extramural", "article"),
    ("Article; Early Access", "article"), ("Erratum", "erratum"), ("JOUR", "article"),
    ("journal-article", "article"), ("Something odd", "other"),
])
def test_doc_type(raw, expected):
    assert nz.normalize_doc_type(pd.Series([raw])).tolist() == [expected]


def test_counts_unknown_vs_zero():
    s = pd.Series(["3", "", None, "1,204"], dtype="string")
    assert nz.parse_count(s, empty_is_zero=True).tolist() == [3, 0, 0, 1204]
    out = nz.parse_count(s, empty_is_zero=False)
    assert out.isna().tolist() == [False, True, True, False]


def test_split_list_drops_empty_items():
    assert nz.split_list(pd.Series(["a; b;;c ", None, ""])).tolist() == [["a", "b", "c"], [], []]


def test_clean_abstract_placeholder():
    s = nz.clean_abstract(pd.Series(["[No abstract available]", " Real  text "]))
    assert s.isna().tolist() == [True, False] and s.tolist()[1] == "Real text"


def test_clean_text_collapses_every_unicode_space_like_python():
    import re
    for ch in nz._WHITESPACE:
        raw = f" a{ch}b {ch}{ch}c\u2019d{ch}"
        assert nz.clean_text(pd.Series([raw])).tolist() == [re.sub(r"\s+", " ", raw).strip()], repr(ch)
    # characters that share a lead byte with a Unicode space, and control bytes that are not spaces
    kept = ["\u2019 \u201c\u2014\u00e9", "a\u2030b", "x\x01y", "\u3001\u1681"]
    assert nz.clean_text(pd.Series(kept)).tolist() == kept


def test_collapsible_whitespace_finds_what_the_regex_matches():
    """The numpy scan over the bytes flags every value the RE2 pattern matches; any extra value ends
    with whitespace (a space pair across two values), which its trim handles."""
    import random

    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = random.Random(7)
    alphabet = [*nz._WHITESPACE, "a", "\u00e9", "\u2019", "\u2014", "\u1681", "\u3001", "  "]
    for _ in range(2000):
        values = [None if rng.random() < 0.1 else "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
                  for _ in range(rng.randint(0, 12))]
        arr = pa.array(values, pa.string())
        if len(arr) > 2 and rng.random() < 0.5:
            arr = arr.slice(1)
        expected = pc.match_substring_regex(arr, nz._WHITESPACE_TO_COLLAPSE).fill_null(False).to_numpy(
            zero_copy_only=False)
        flagged = nz.collapsible_whitespace(arr)
        assert not (expected & ~flagged).any(), values
        assert all(arr[int(i)].as_py()[-1].isspace() for i in np.flatnonzero(flagged & ~expected)), values


def test_collapsible_whitespace_across_scan_blocks(monkeypatch):
    import pyarrow as pa

    monkeypatch.setattr(nz, "_SCAN_BLOCK", 8)
    values = ["abcdefg ", " hijklmn", "abcdefg  xyz", "abcdefghijklmn\u2003", "abcdefg\u00e9x", "abcdefgh\ny"]
    assert nz.collapsible_whitespace(pa.array(values)).tolist() == [True, False, True, True, False, True]


def test_map_list_values_trims_and_drops_what_maps_to_nothing():
    import pyarrow as pa

    values = pd.Series(pd.arrays.ArrowExtensionArray(pa.array(
        [["a", "drop", "b"], None, [], ["blank", None, "a"], ["drop"]], pa.list_(pa.string()))))
    mapped = nz.map_list_values(values, {"a": " A ", "b": "B", "drop": None, "blank": "  "}.get)
    assert mapped.tolist() == [["A", "B"], [], [], ["A"], []]
    # nothing dropped: the lists keep their shape
    assert nz.map_list_values(values.iloc[:1], str.upper).tolist() == [["A", "DROP", "B"]]


def test_clean_text_makes_empty_and_blank_text_na():
    # conform() trusts clean_text's columns to be stripped with NA for empty text, and skips them
    assert nz.clean_text(pd.Series(["", "  ", "a", None, " b "])).tolist() == [pd.NA, pd.NA, "a", pd.NA, "b"]


def test_map_values_once_per_distinct_value_across_chunks():
    import pyarrow as pa

    calls = []

    def func(v):
        calls.append(v)
        return None if v == "drop" else v.upper()

    values = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(
        [pa.array(["a", None, "a", "drop"], pa.large_string()), pa.array(["b", "a"], pa.large_string())])))
    assert nz.map_values(values, func).tolist() == ["A", pd.NA, "A", pd.NA, "B", "A"]
    assert sorted(calls) == ["a", "b", "drop"]  # once per distinct value
