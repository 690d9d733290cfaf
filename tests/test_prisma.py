"""PRISMA 2020 counts, table and diagram, and the shared figure writer (bibtwin.figures).

Counts by hand from fixtures/screening: 10 records (Scopus 4, PubMed 3, Web of Science 3) merge into 6
works, so 4 duplicates. decisions.csv: W4 "not healthcare" and W5 "not a digital twin" excluded at
title/abstract; W1, W2, W3, W6 sought; W2 "no full text" (not retrieved); W1, W3, W6 assessed; W3
"conference abstract" excluded; W1 and W6 included.
"""
from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from itertools import combinations

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.text import Text

from bibtwin.figures import DOUBLE_COLUMN_IN, SINGLE_COLUMN_IN, STYLE_PATH, save_figure, use_style
from bibtwin.prisma import (
    PrismaConsistencyError, PrismaCounts, check_prisma_consistency, compute_prisma_counts, plot_prisma,
    prisma_size, prisma_table,
)
from bibtwin.screening import ScreeningError, empty_decisions, load_decisions


@pytest.fixture
def folder(fixtures):
    return fixtures / "screening"


@pytest.fixture
def corpus(folder):
    data = json.loads((folder / "corpus.json").read_text(encoding="utf-8"))
    return pd.DataFrame(data["records"]), pd.DataFrame(data["works"])


@pytest.fixture
def counts(corpus, folder) -> PrismaCounts:
    records, works = corpus
    return compute_prisma_counts(records, works, load_decisions(folder / "decisions.csv", works))


@pytest.fixture
def incomplete(corpus, folder) -> PrismaCounts:
    records, works = corpus
    return compute_prisma_counts(records, works, load_decisions(folder / "decisions-incomplete.csv", works))


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# ------------------------------------------------------------------------------------------- counts

def test_counts_by_hand(counts):
    assert counts.identified_by_database == {"scopus": 4, "pubmed": 3, "wos": 3}
    assert list(counts.identified_by_database) == ["scopus", "pubmed", "wos"]   # largest first
    assert counts.identified == 10
    assert counts.duplicates_removed == 4
    assert counts.other_removed == {}
    assert counts.screened == 6
    assert counts.awaiting_title_abstract == 0
    assert counts.excluded_title_abstract == 2
    assert counts.excluded_title_abstract_by_reason == {"not a digital twin": 1, "not healthcare": 1}
    assert counts.sought_for_retrieval == 4
    assert counts.not_retrieved == 1
    assert counts.awaiting_full_text == 0
    assert counts.assessed == 3
    assert counts.excluded_full_text == 1
    assert counts.excluded_full_text_by_reason == {"conference abstract": 1}
    assert counts.included == 2
    assert counts.complete and counts.notes == ()


def test_incomplete_counts_say_so(incomplete):
    # W5 has no title/abstract decision; W6 was included at title/abstract and awaits full text
    c = incomplete
    assert (c.screened, c.awaiting_title_abstract, c.excluded_title_abstract, c.sought_for_retrieval) == (6, 1, 1, 4)
    assert c.excluded_title_abstract_by_reason == {"not healthcare": 1}
    assert (c.not_retrieved, c.awaiting_full_text, c.assessed, c.excluded_full_text, c.included) == (1, 1, 2, 1, 1)
    assert not c.complete
    assert c.notes == ("1 record awaits title/abstract screening", "1 report awaits full-text assessment")


def test_no_decisions_yet(corpus):
    records, works = corpus
    for decisions in (None, empty_decisions()):
        c = compute_prisma_counts(records, works, decisions)
        assert (c.screened, c.awaiting_title_abstract, c.sought_for_retrieval, c.included) == (6, 6, 0, 0)
        assert c.notes == ("6 records await title/abstract screening",)


def test_other_removals_before_screening(corpus, folder):
    records, works = corpus
    decisions = load_decisions(folder / "decisions.csv", works)
    c = compute_prisma_counts(records, works, decisions, other_removed={"Records removed for other reasons": 1})
    assert (c.identified, c.duplicates_removed, c.other_removed, c.screened) == (
        10, 3, {"Records removed for other reasons": 1}, 6)
    with pytest.raises(PrismaConsistencyError, match="more works entering screening"):
        compute_prisma_counts(records, works, decisions, other_removed={"automation": 5})
    with pytest.raises(PrismaConsistencyError, match="more works entering screening"):
        compute_prisma_counts(records.head(5), works, decisions)


def test_not_retrieved_reasons(corpus, tmp_path, folder):
    records, works = corpus
    text = (folder / "decisions.csv").read_text(encoding="utf-8").replace("no full text", "No Full Text")
    (tmp_path / "d.csv").write_text(text, encoding="utf-8")
    decisions = load_decisions(tmp_path / "d.csv", works)
    assert compute_prisma_counts(records, works, decisions).not_retrieved == 1
    custom = compute_prisma_counts(records, works, decisions, not_retrieved_reasons={"paywalled"})
    assert (custom.not_retrieved, custom.assessed, custom.excluded_full_text) == (0, 4, 2)
    assert custom.excluded_full_text_by_reason == {"conference abstract": 1, "No Full Text": 1}


def test_invalid_decisions_never_reach_the_diagram(corpus, tmp_path):
    records, works = corpus
    (tmp_path / "d.csv").write_text("work_id,stage,decision,reason\nW1,full_text,include,\n", encoding="utf-8")
    with pytest.raises(ScreeningError, match="line 2"):
        compute_prisma_counts(records, works, load_decisions(tmp_path / "d.csv", works))
    frame = pd.DataFrame({"work_id": ["W1"], "stage": ["full_text"], "decision": ["include"]})
    with pytest.raises(ScreeningError, match="no title/abstract decision"):
        compute_prisma_counts(records, works, frame)


BROKEN = {
    "screened": lambda c: {"screened": c.screened + 1},
    "identified": lambda c: {"identified": 11},
    "per database": lambda c: {"identified_by_database": {"scopus": 4, "pubmed": 3}},
    "duplicates": lambda c: {"duplicates_removed": 5},
    "title/abstract reasons": lambda c: {"excluded_title_abstract_by_reason": {"not healthcare": 1}},
    "sought": lambda c: {"sought_for_retrieval": 3},
    "not retrieved": lambda c: {"not_retrieved": 2},
    "included": lambda c: {"included": 3},
    "full-text reasons": lambda c: {"excluded_full_text_by_reason": {"conference abstract": 2}},
    "negative": lambda c: {"not_retrieved": -1, "assessed": 5, "included": 4},
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_consistency_check_fails_on_inconsistent_counts(counts, case):
    assert check_prisma_consistency(counts) is counts
    broken = dataclasses.replace(counts, **BROKEN[case](counts))
    with pytest.raises(PrismaConsistencyError, match="PRISMA counts do not add up"):
        check_prisma_consistency(broken)
    with pytest.raises(PrismaConsistencyError):
        plot_prisma(broken)


def test_consistency_message_lists_every_failure(counts):
    broken = dataclasses.replace(counts, screened=7, included=3)
    with pytest.raises(PrismaConsistencyError) as info:
        check_prisma_consistency(broken)
    text = str(info.value)
    assert "identified 10 - duplicates 4 - other removed 0 != screened 7" in text
    assert "reports excluded 1 + included 3 != assessed 3" in text


def test_prisma_table(counts):
    table = prisma_table(counts)
    assert list(table.columns) == ["box", "label", "n"]
    assert str(table["n"].dtype) == "Int64"
    assert table["box"].is_unique
    assert dict(zip(table["box"], table["n"])) == {
        "records_identified.scopus": 4, "records_identified.pubmed": 3, "records_identified.wos": 3,
        "records_identified": 10, "records_removed.duplicates": 4,
        "records_screened": 6, "records_awaiting_screening": 0,
        "records_excluded": 2, "records_excluded.not_a_digital_twin": 1, "records_excluded.not_healthcare": 1,
        "reports_sought": 4, "reports_not_retrieved": 1, "reports_awaiting_assessment": 0,
        "reports_assessed": 3, "reports_excluded": 1, "reports_excluded.conference_abstract": 1,
        "studies_included": 2, "reports_included": 2}
    labels = dict(zip(table["box"], table["label"]))
    assert labels["records_identified.wos"] == "Records identified from Web of Science"
    assert labels["reports_excluded.conference_abstract"] == "Reports excluded: conference abstract"


# ------------------------------------------------------------------------------------------ diagram

def svg_of(ax, tmp_path, name="prisma") -> str:
    (path,) = save_figure(ax.figure, name, tmp_path, formats=("svg",))
    return path.read_text(encoding="utf-8")


def test_diagram_shows_the_counts(counts, tmp_path):
    with use_style():
        ax = plot_prisma(counts)
    fig = ax.figure
    assert fig.get_size_inches()[0] == pytest.approx(DOUBLE_COLUMN_IN)
    assert tuple(fig.get_size_inches()) == pytest.approx(prisma_size(counts))
    svg = svg_of(ax, tmp_path)
    for text in ("Identification of studies via databases and registers", "Identification", "Screening",
                 "Included", "Records identified from:", "Scopus (n = 4)", "PubMed (n = 3)",
                 "Web of Science (n = 3)", "Total (n = 10)", "Records removed before screening:",
                 "Duplicate records removed (n = 4)", "Records screened (n = 6)", "Records excluded (n = 2):",
                 "Not healthcare (n = 1)", "Not a digital twin (n = 1)", "Reports sought for retrieval (n = 4)",
                 "Reports not retrieved (n = 1)", "Reports assessed for eligibility (n = 3)",
                 "Reports excluded (n = 1):", "Conference abstract (n = 1)", "Studies included in review (n = 2)",
                 "Reports of included studies (n = 2)"):
        assert f">{text}<" in svg, text
    assert "awaiting" not in svg and "incomplete" not in svg


def test_incomplete_diagram_announces_it(incomplete, tmp_path):
    ax = plot_prisma(incomplete)
    svg = svg_of(ax, tmp_path)
    assert ">of which not yet screened (n = 1)<" in svg
    assert ">of which not yet assessed in full text (n = 1)<" in svg
    banner = " ".join(t.get_text() for t in ax.texts if t.get_color() != "black")   # wrapped over lines
    assert banner.startswith("Screening incomplete: 1 record awaits title/abstract screening and 1 report "
                             "awaits full-text assessment.")


def long_counts() -> PrismaCounts:
    reasons = {f"Reason {i}: a long explanation of why this report does not answer the question": 3
               for i in range(9)}
    reasons["Averyveryverylongwordwithoutanyspacesthatcannotbewrappedatwordboundaries"] = 2
    return PrismaCounts(
        identified_by_database={"scopus": 300, "pubmed": 200, "wos": 100, "openalex": 50, "lens": 10},
        identified=660, duplicates_removed=150, other_removed={"Marked as ineligible by automation tools": 10},
        screened=500, awaiting_title_abstract=10, excluded_title_abstract=400,
        excluded_title_abstract_by_reason={"not healthcare": 300, "not a digital twin": 100},
        sought_for_retrieval=90, not_retrieved=5, awaiting_full_text=3, assessed=82, excluded_full_text=29,
        excluded_full_text_by_reason=reasons, included=53,
        notes=("10 records await title/abstract screening", "3 reports await full-text assessment"))


@pytest.mark.parametrize("width", [DOUBLE_COLUMN_IN, SINGLE_COLUMN_IN])
@pytest.mark.parametrize("which", ["hand-made", "long reasons"])
def test_diagram_text_is_print_sized_and_never_overlaps(counts, width, which):
    data = counts if which == "hand-made" else long_counts()
    with use_style():
        ax = plot_prisma(data, width_in=width)
        fig = ax.figure
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        texts = [t for t in fig.findobj(Text) if t.get_text().strip()]
        assert len(texts) > 20
        assert min(t.get_fontsize() for t in texts) >= 7
        figure_box = fig.bbox
        boxes = [t.get_window_extent(renderer) for t in texts]
    for t, b in zip(texts, boxes):
        assert figure_box.x0 - 0.5 <= b.x0 and b.x1 <= figure_box.x1 + 0.5, t.get_text()
        assert figure_box.y0 - 0.5 <= b.y0 and b.y1 <= figure_box.y1 + 0.5, t.get_text()
    for (t1, b1), (t2, b2) in combinations(zip(texts, boxes), 2):
        assert not b1.shrunk(0.999, 0.95).overlaps(b2.shrunk(0.999, 0.95)), (t1.get_text(), t2.get_text())
    # every line of box text lies inside a box outline
    patches = [p.get_window_extent(renderer) for p in ax.patches]
    for t, b in zip(texts, boxes):
        assert any(p.x0 <= b.x0 + 0.5 and b.x1 <= p.x1 + 0.5 and p.y0 <= b.y0 + 0.5 and b.y1 <= p.y1 + 0.5
                   for p in patches) or t.get_color() != "black", t.get_text()


def test_diagram_on_a_given_axes(counts):
    width, height = prisma_size(counts)
    fig, ax = plt.subplots(figsize=(width, height))
    assert plot_prisma(counts, ax) is ax
    assert not ax.axison
    assert ax.get_xlim() == pytest.approx((0, width))
    with pytest.raises(ValueError, match="too narrow"):
        plot_prisma(counts, width_in=2.0)


# ----------------------------------------------------------------------------------- figure writer

def test_save_figure_is_byte_identical_and_embeds_truetype(counts, tmp_path):
    with use_style():
        ax = plot_prisma(counts)
    first = save_figure(ax.figure, "prisma-flow", tmp_path / "a", dpi=150, note="synthetic demo data")
    second = save_figure(ax.figure, "prisma-flow", tmp_path / "b", dpi=150, note="synthetic demo data")
    assert [p.name for p in first] == ["prisma-flow.pdf", "prisma-flow.svg", "prisma-flow.png"]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
    (again,) = save_figure(ax.figure, "prisma-flow", tmp_path / "a", formats=("svg",), note="synthetic demo data")
    assert again.read_bytes() == second[1].read_bytes()      # overwriting gives the same file
    pdf, svg, png = (p.read_bytes() for p in first)
    assert b"/FontFile2" in pdf and b"/CreationDate" not in pdf and b"/Producer" not in pdf
    assert pdf.startswith(b"%PDF") and png.startswith(b"\x89PNG")
    assert b"synthetic demo data" in svg and b"<dc:date>" not in svg
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.startswith(".")]   # no temporary files left
    assert not [t for t in ax.figure.texts if t.get_text() == "synthetic demo data"]  # the note is removed


def test_save_figure_is_identical_across_processes(tmp_path, folder, counts):
    script = f"""
import json, sys, matplotlib
matplotlib.use("Agg")
import pandas as pd
from bibtwin.figures import save_figure, use_style
from bibtwin.prisma import compute_prisma_counts, plot_prisma
from bibtwin.screening import load_decisions
data = json.load(open({str(folder / "corpus.json")!r}))
works = pd.DataFrame(data["works"])
counts = compute_prisma_counts(pd.DataFrame(data["records"]), works,
                               load_decisions({str(folder / "decisions.csv")!r}, works))
with use_style():
    ax = plot_prisma(counts)
save_figure(ax.figure, "prisma-flow", sys.argv[1], formats=("pdf", "svg"))
"""
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "other")], check=True)
    with use_style():
        ax = plot_prisma(counts)
    save_figure(ax.figure, "prisma-flow", tmp_path / "here", formats=("pdf", "svg"))
    for name in ("prisma-flow.pdf", "prisma-flow.svg"):
        assert (tmp_path / "here" / name).read_bytes() == (tmp_path / "other" / name).read_bytes(), name


def test_save_figure_rejects_bad_arguments(tmp_path):
    fig = plt.figure()
    with pytest.raises(ValueError, match="unknown figure formats"):
        save_figure(fig, "x", tmp_path, formats=("jpg",))
    for name in ("x.pdf", "sub/x", ""):
        with pytest.raises(ValueError, match="bare file stem"):
            save_figure(fig, name, tmp_path)
    assert [p.name for p in save_figure(fig, "x", tmp_path / "new" / "dir", formats="png")] == ["x.png"]


def test_style_is_applied_only_in_a_context():
    before = mpl.rcParams["font.size"]
    code = ("import matplotlib as m; before = dict(m.rcParams); import bibtwin.figures, bibtwin.prisma; "
            "assert dict(m.rcParams) == before")
    subprocess.run([sys.executable, "-c", code], check=True)
    with use_style():
        assert mpl.rcParams["font.size"] == 8
        assert mpl.rcParams["pdf.fonttype"] == 42
        assert mpl.rcParams["svg.fonttype"] == "none"
        assert mpl.rcParams["savefig.bbox"] == "tight"
        assert not mpl.rcParams["axes.spines.top"] and not mpl.rcParams["axes.spines.right"]
        assert "DejaVu Sans" in mpl.rcParams["font.sans-serif"]
        assert mpl.rcParams["font.family"] == ["sans-serif"]
        cycle = [c.upper() for c in mpl.rcParams["axes.prop_cycle"].by_key()["color"]]
        assert cycle == ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
    assert mpl.rcParams["font.size"] == before
    assert STYLE_PATH.name == "bibtwin.mplstyle" and STYLE_PATH.exists()
    assert (SINGLE_COLUMN_IN, DOUBLE_COLUMN_IN) == (3.5, 7.2)
