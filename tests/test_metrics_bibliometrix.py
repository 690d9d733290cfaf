"""Main information, annual production, top sources, authors and most cited documents on the real corpus,
against the values bibliometrix computed (``../shared/reference/bibliometrix``), with reference_year 2026.

Every printed value must agree at bibliometrix's printed precision, except the differences listed in
KNOWN_DIFFERENCES, each explained in docs/indicators.md (and re-derived here where we can).
"""
from __future__ import annotations

import json
import warnings

import pytest

from bibtwin import metrics as m
from bibtwin.errors import UnknownFormatError

REFERENCE_YEAR = 2026
# reference JSON -> corpus file it describes; "workaround" files are indicative only
FILES = {
    "gut_microbiome__wos_savedrecs.txt.json": "ok",
    "gut_microbiome__pubmed_medline.txt.json": "ok",
    "internal_fixation__wos_plain.txt.json": "ok",
    "ortho_reviews__pubmed.nbib.json": "ok",
    "ukbiobank__scopus.bib.json": "ok",
    "dt_bim__scopus.csv.workaround.json": "workaround",
    "smart_on_fhir__scopus.csv.workaround.json": "workaround",
    "ukbiobank__scopus.csv.workaround.json": "workaround",
}
PUBMED = ("gut_microbiome__pubmed_medline.txt.json", "ortho_reviews__pubmed.nbib.json")
NO_REFERENCES = PUBMED + ("ukbiobank__scopus.bib.json", "dt_bim__scopus.csv.workaround.json",
                          "smart_on_fhir__scopus.csv.workaround.json", "ukbiobank__scopus.csv.workaround.json")
OLD_SCOPUS_AUTHORS = ("dt_bim__scopus.csv.workaround.json", "ukbiobank__scopus.csv.workaround.json")
AUTHOR_KEYS = ("Authors", "Author Appearances", "Authors of single-authored docs", "Single-authored docs",
               "Documents per Author", "Co-Authors per Doc")

# (reference file, label) -> why we differ (docs/indicators.md, "Differences on the real corpus")
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {}
for _f in PUBMED:
    KNOWN_DIFFERENCES[(_f, "Average citations per doc")] = "PubMed has no citation counts: n/a, not 0"
    KNOWN_DIFFERENCES[(_f, "Average citations per year per doc")] = "PubMed has no citation counts: n/a, not 0"
    KNOWN_DIFFERENCES[(_f, "Keywords Plus (ID)")] = "bibliometrix counts MeSH terms as ID"
    KNOWN_DIFFERENCES[(_f, "Author's Keywords (DE)")] = "bibliometrix counts MeSH terms as DE"
for _f in NO_REFERENCES:
    KNOWN_DIFFERENCES[(_f, "References")] = "no cited references: 0, bibliometrix prints 1"
for _f in OLD_SCOPUS_AUTHORS:
    for _k in AUTHOR_KEYS:
        KNOWN_DIFFERENCES[(_f, _k)] = "bibliometrix collapses old-layout Scopus author lists into one author"
for _f in ("dt_bim__scopus.csv.workaround.json", "smart_on_fhir__scopus.csv.workaround.json"):
    KNOWN_DIFFERENCES[(_f, "International co-authorships %")] = "no affiliations in the export: n/a"
KNOWN_DIFFERENCES.update({
    ("gut_microbiome__wos_savedrecs.txt.json", "References"):
        "bibliometrix splits references at ';' inside SICI DOIs (4855 -> 4860)",
    ("internal_fixation__wos_plain.txt.json", "References"):
        "bibliometrix splits references at ';' inside SICI DOIs (12266 -> 12292) and moves the '-' ending "
        "3 references onto the next one (-> 12294)",
    ("internal_fixation__wos_plain.txt.json", "International co-authorships %"):
        "bibliometrix counts Taiwan as China (WOS:000974892800004: Taiwan + China)",
    ("gut_microbiome__pubmed_medline.txt.json", "International co-authorships %"):
        "bibliometrix misses 'UK', 'United States of America' and countries not followed by '.' "
        "(8 documents: 50 vs 42)",
    ("ukbiobank__scopus.bib.json", "International co-authorships %"):
        "bibliometrix misses 'U.K.', 'United Kingdom (S.B.)' and 'Russian Federation' (3 documents: 300 vs 297)",
    ("ukbiobank__scopus.csv.workaround.json", "International co-authorships %"):
        "bibliometrix misses 'U.K.', 'United Kingdom (S.B.)' and 'Russian Federation' (3 documents: 300 vs 297)",
    ("ukbiobank__scopus.bib.json", "Authors"):
        "11 people written with and without hyphenated initials, 3 without initials; "
        "bibliometrix splits one consortium in two (5516 vs 5503)",
})


def _load(reference, name):
    ref = json.loads((reference / name).read_text(encoding="utf-8"))
    return ref


def _read(corpus, ref):
    import bibtwin
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return bibtwin.read(corpus / ref["corpus_path"])
    except UnknownFormatError as exc:
        pytest.skip(f"reader for {ref['corpus_path']} not available yet: {exc}")


def _printed(ref) -> dict[str, str]:
    out = {}
    for row in ref["main_information_as_printed"]:
        label, value = row["description"].rstrip(), row["value"].strip()
        if label.endswith("-"):  # bibliometrix's parser puts a negative sign into the label
            label, value = label.rstrip("- ").rstrip(), "-" + value
        out[label] = value
    return out


@pytest.fixture(scope="module")
def loaded(corpus, reference):
    cache = {}

    def get(name):
        if name not in cache:
            ref = _load(reference, name)
            cache[name] = (ref, _read(corpus, ref))
        return cache[name]
    return get


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(FILES))
def test_main_information_matches_bibliometrix(loaded, name):
    ref, df = loaded(name)
    ours = m.format_main_information(m.main_information(df, REFERENCE_YEAR))
    theirs = _printed(ref)
    agree, differ, unexpected = [], [], []
    for label in m.summary.PRINT_DIGITS:
        if label not in theirs:
            continue
        if ours[label] == theirs[label]:
            agree.append(label)
        elif (name, label) in KNOWN_DIFFERENCES:
            differ.append(f"{label}: ours {ours[label]} vs bibliometrix {theirs[label]} "
                          f"({KNOWN_DIFFERENCES[(name, label)]})")
        else:
            unexpected.append(f"{label}: ours {ours[label]} vs bibliometrix {theirs[label]}")
    print(f"\n{name} [{FILES[name]}]: {len(agree)} agree; known differences:\n  " + "\n  ".join(differ))
    if FILES[name] == "ok":
        assert not unexpected, unexpected
    elif unexpected:
        pytest.xfail(f"workaround reference (indicative only) differs: {unexpected}")


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(n for n, s in FILES.items() if s == "ok"))
def test_document_types_match_bibliometrix(loaded, name):
    ref, df = loaded(name)
    # bibliometrix prints the raw types; PubMed's are ";"-joined publication types
    raw = df["doc_type_raw"].str.upper().str.replace("; ", ";" if name in PUBMED else "; ", regex=False)
    info = m.main_information(df.assign(doc_type_raw=raw), REFERENCE_YEAR, doc_type_column="doc_type_raw")
    expected = ref["main_information"].get("document_types")
    if expected is None:
        pytest.skip("bibliometrix gives no document types for this file (no DT field)")
    assert info["DOCUMENT TYPES"] == expected


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(n for n, s in FILES.items() if s == "ok"))
def test_annual_production_and_top_lists_match_bibliometrix(loaded, name):
    ref, df = loaded(name)
    prod = m.annual_production(df)
    ours = {str(y): int(n) for y, n in zip(prod["year"], prod["documents"]) if n}
    assert ours == ref["annual_production"]
    # top-10 sources: same names and counts (bibliometrix orders ties alphabetically, as we do)
    top = m.top_sources(df, 10)
    assert list(zip(top["source"], top["documents"])) == [(r["source"], r["n"]) for r in ref["top10_sources"]]
    # ukbiobank BibTeX: the author name forms that differ (KNOWN_DIFFERENCES) are not among the top 10
    authors = m.top_authors(df, 10)
    assert list(zip(authors["author"], authors["articles"])) == [(r["author"], r["n"]) for r in ref["top10_authors"]]
    frac = m.top_authors(df, 10, fractionalized=True)
    assert frac["articles_fractionalized"].round(6).tolist() == [round(r["n_frac"], 6)
                                                                 for r in ref["top10_authors_fractionalized"]]


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(n for n, s in FILES.items() if s == "ok" and n not in PUBMED))
def test_most_cited_match_bibliometrix(loaded, name):
    ref, df = loaded(name)
    top = m.most_cited(df, REFERENCE_YEAR, n=10)
    assert top["TC"].tolist() == [r["TC"] for r in ref["top10_most_cited"]]
    assert top["TC_per_year"].tolist() == pytest.approx([r["TC_per_year"] for r in ref["top10_most_cited"]])
    assert top["NTC"].tolist() == pytest.approx([r["NTC"] for r in ref["top10_most_cited"]])


@pytest.mark.corpus
@pytest.mark.parametrize("name", PUBMED)
def test_pubmed_mesh_is_what_bibliometrix_counts_as_keywords(loaded, name):
    """The DE/ID difference: bibliometrix's count is the distinct MeSH terms (with subheadings)."""
    ref, df = loaded(name)
    mesh_terms = m.keyword_frequencies(df, "mesh_terms")
    # bibliometrix's number is within 1 % of the distinct MeSH terms (it keeps the major-topic '*')
    assert abs(len(mesh_terms) - ref["main_information"]["author_keywords_DE"]) <= 0.01 * len(mesh_terms) + 1
    assert m.main_information(df, REFERENCE_YEAR)["Average citations per doc"] is None


def _references_as_bibliometrix(references) -> int:
    """bibliometrix's count of distinct references of a WoS plain-text file, from our reference lists:
    its ``isi2df`` joins a record's CR lines with "---" and then turns "---" into ";", so a reference
    ending in "-" gives that "-" to the next reference ("...(59)68928-" + "---" + "Wagner M" ->
    "...(59)68928;-Wagner M"); ``tableTag`` then splits at every ";" (also inside SICI DOIs)."""
    joined = references.map(lambda refs: "---".join(refs) if refs is not None else "")
    items = joined.str.replace("---", ";", regex=False).str.upper().str.split(";").explode().str.strip()
    return items[items.notna() & (items != "")].nunique()


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["gut_microbiome__wos_savedrecs.txt.json", "internal_fixation__wos_plain.txt.json"])
def test_wos_references_read_as_bibliometrix_give_its_count(loaded, name):
    ref, df = loaded(name)
    assert _references_as_bibliometrix(df["references"]) == ref["main_information"]["references"]


@pytest.mark.corpus
def test_references_ending_in_a_hyphen_are_the_last_internal_fixation_difference(loaded):
    _, df = loaded("internal_fixation__wos_plain.txt.json")
    ends_in_hyphen = df["references"].map(lambda refs: [r for r in refs if r.endswith("-")])
    ids = sorted(df.loc[ends_in_hyphen.map(len) > 0, "record_id"])
    assert ids == ["wos:WOS:000428326400043", "wos:WOS:000437774800003", "wos:WOS:000604654700001"]
    # without the hyphen artefact (split at ";" only) bibliometrix would count 12292
    split_only = df["references"].explode().str.upper().str.split(";").explode().str.strip()
    assert split_only[split_only.notna() & (split_only != "")].nunique() == 12292


@pytest.mark.corpus
def test_ukbiobank_keywords_agree_in_number_not_in_terms(loaded):
    """bibliometrix's bib2df splits author keywords at commas too: "Diabetes Mellitus, Type 2" becomes
    two terms. Five comma terms here give five other terms there, so the counts agree (729)."""
    ref, df = loaded("ukbiobank__scopus.bib.json")
    ours = set(m.keyword_frequencies(df, "author_keywords")["term"])
    split = df["author_keywords"].map(lambda kws: [p for k in kws for p in k.split(",")])
    theirs = set(m.keyword_frequencies(df.assign(author_keywords=split), "author_keywords")["term"])
    assert len(ours) == len(theirs) == ref["main_information"]["author_keywords_DE"]
    assert sorted(ours - theirs) == ["DIABETES MELLITUS, TYPE 2", "INTELLIGENCE, MORTALITY", "LIFESTYLE, SEDENTARY",
                                     "TACHYCARDIA, SUPRAVENTRICULAR", "TACHYCARDIA, VENTRICULAR"]
    assert sorted(theirs - ours) == ["DIABETES MELLITUS", "SUPRAVENTRICULAR", "TACHYCARDIA", "TYPE 2", "VENTRICULAR"]


@pytest.mark.corpus
def test_ukbiobank_author_forms_explain_the_author_count(loaded):
    """5516 -> 5503, name by name (docs/indicators.md): bibliometrix's bib2df keeps only the capital
    letters of the given names, which merges "Zhao, J.-H." with "Zhao, J.H." (11 people), and turns
    "Auton" (no initials) into AUTON A; it appends an acronym to group names, so two capitalisations of
    one consortium become two authors. Both read "Loukola, L.L.C.S.,A." (a stray comma) as LOUKOLA A."""
    ref, df = loaded("ukbiobank__scopus.bib.json")
    from bibtwin.metrics._frame import explode
    names = set(explode(df["authors"])["item"])
    hyphenated = {n for n in names if "-" in n.rsplit(" ", 1)[-1] and n.replace("-", "") in names}
    assert len(hyphenated) == 11 and "ZHAO J-H" in hyphenated and "JÄRVELIN M-R" in hyphenated
    assert "LOUKOLA A" in names and not any(n.startswith("LOUKOLA LLCS") for n in names)
    assert {"BELLIVEAU RA JR", "D'AGOSTINO RB SR"} <= names  # name suffixes kept as words
    no_initials = {"AUTON", "SHRINGARPURE", "VACIC"}
    assert no_initials <= names and {n + " " + n[0] for n in no_initials} <= names
    assert "INTERNATIONAL CONSORTIUM FOR BLOOD PRESSURE GWAS" in names
    assert len(names) == 5516
    assert len(names) - len(hyphenated) - len(no_initials) + 1 == ref["main_information"]["authors"]


# documents international here and single-country in bibliometrix, which finds a country only where its
# (WoS-style) name is followed by "." (PubMed, WoS) or ";" (Scopus) in the affiliations
NOT_INTERNATIONAL_IN_BIBLIOMETRIX = {
    "gut_microbiome__pubmed_medline.txt.json": [
        "pubmed:30895406", "pubmed:36081364", "pubmed:32248063",  # "..., UK."
        "pubmed:30335763", "pubmed:26820746",  # "..., United States of America."
        "pubmed:28749657",  # "..., Canada , K1H 8M5."
        "pubmed:31679421",  # "..., Malaysia (R.R.M.)."
        "pubmed:27454254",  # meeting supplement, affiliations without a final "." ("Dallas, TX USA")
    ],
    "ukbiobank__scopus.bib.json": [
        "scopus:2-s2.0-85060078491",  # "Edinburgh, U.K."
        "scopus:2-s2.0-85055596054",  # "University of Cambridge, United Kingdom (S.B.)"
        "scopus:2-s2.0-85055903329",  # "Russian Federation" (bibliometrix's WoS-style list: RUSSIA)
    ],
}


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(NOT_INTERNATIONAL_IN_BIBLIOMETRIX))
def test_documents_bibliometrix_misses_explain_international_share(loaded, name):
    ref, df = loaded(name)
    international = df["countries"].map(lambda c: len(set(c)) >= 2)
    ids = NOT_INTERNATIONAL_IN_BIBLIOMETRIX[name]
    assert international[df["record_id"].isin(ids)].sum() == len(ids)
    as_bibliometrix = international & ~df["record_id"].isin(ids)
    assert as_bibliometrix.mean() * 100 == pytest.approx(ref["main_information"]["international_coauthorships_pct"])


@pytest.mark.corpus
def test_taiwan_as_china_explains_internal_fixation_international_share(loaded):
    ref, df = loaded("internal_fixation__wos_plain.txt.json")
    as_bibliometrix = df["countries"].map(lambda c: len({"China" if x == "Taiwan" else x for x in c}) >= 2)
    assert as_bibliometrix.mean() * 100 == pytest.approx(ref["main_information"]["international_coauthorships_pct"])


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["gut_microbiome__wos_savedrecs.txt.json", "internal_fixation__wos_plain.txt.json"])
def test_corresponding_countries_close_to_bibliometrix(loaded, name):
    ref, df = loaded(name)
    prod = m.country_production(df)
    # bibliometrix's country names; it also counts Taiwan (and Hong Kong) as China, so China differs
    rename = {"United States": "USA", "Türkiye": "TURKEY", "South Korea": "KOREA"}
    ours = {rename.get(c, c).upper(): (a, s, mc) for c, a, s, mc in
            prod[["country", "articles", "SCP", "MCP"]].itertuples(index=False)}
    rows = ref["top10_countries"]
    agree = sum(ours.get(r["country"]) == (r["articles"], r["SCP"], r["MCP"]) for r in rows)
    print(f"\n{name}: {agree}/{len(rows)} top-10 countries agree on articles, SCP and MCP")
    assert agree >= 7
