"""Screening decisions: read the reviewers' file, say where each work stands, export what is left to screen.

The user keeps one file, ``data/screening/decisions.csv``, with a header and one row per decision:

============  ======================================================================================
``work_id``   a work of the merged ``works`` table
``stage``     ``title_abstract`` or ``full_text``
``decision``  ``include`` or ``exclude``
``reason``    required for exclusions, free text (``not healthcare``, ``not a digital twin``,
              ``no full text``, ``conference abstract``); optional for inclusions
``reviewer``  optional
``note``      optional
============  ======================================================================================

Rules :func:`load_decisions` enforces (each error names the file and the line):

- ``work_id``, ``stage`` and ``decision`` columns must exist (``reason``, ``reviewer``, ``note`` may be
  absent; an exclusion then fails for its missing reason). Other columns are ignored.
- Stage and decision values are compared without case or surrounding spaces; anything else is an error.
- A work cannot have two different decisions at one stage, nor two exclusions with different reasons
  (PRISMA counts each exclusion under one reason): record the consensus once.
- Rows repeating a decision already made (same work, stage, decision and reason, whatever the
  reviewer or note) are accepted, with a :class:`ScreeningWarning`; the first one is kept. This is
  what dual screening by two reviewers who agree produces.
- A full-text decision needs an ``include`` at title/abstract for the same work.
- An empty file, or a header alone, means "no decisions yet".
- The header may appear again further down: a filled screening sheet (see
  :func:`write_screening_sheet`), header and all, can be appended to the file as it is. Its first six
  columns are the same as the decision file's, so appending the rows without their header also works.

Reasons are kept as written, with runs of spaces collapsed; spellings that differ only in case are
counted as one reason, under the spelling used most often (the earliest on a tie).
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .errors import ParseError
from .textio import decode

STAGES = ("title_abstract", "full_text")
DECISIONS = ("include", "exclude")
REQUIRED_COLUMNS = ("work_id", "stage", "decision")
COLUMNS = ("work_id", "stage", "decision", "reason", "reviewer", "note")
STATUSES = ("to_screen_title_abstract", "excluded_title_abstract", "to_screen_full_text",
            "excluded_full_text", "included")
WORK_COLUMNS = ("title", "year", "first_author", "journal", "doi", "abstract", "databases")
SHEET_COLUMNS = COLUMNS + WORK_COLUMNS

STRING = pd.StringDtype("pyarrow")

# the synthetic demo's reasons, shaped like the review "Digital twin in healthcare: Recent updates and
# challenges" (465 pertinent articles, 22 selected); weights are shares of exclusions at each stage
SIMULATED_TITLE_ABSTRACT_REASONS = {
    "not healthcare": 0.40,
    "not a digital twin": 0.30,
    "review or editorial": 0.12,
    "conference abstract": 0.10,
    "not in English": 0.08,
}
SIMULATED_FULL_TEXT_REASONS = {
    "digital twin named but not developed or applied": 0.40,
    "no patient or clinical data": 0.25,
    "insufficient methodological detail": 0.20,
    "conference abstract": 0.15,
}
SIMULATED_NOT_RETRIEVED_REASON = "no full text"

_HEALTH_WORDS = r"health|patient|clinic|medic|hospital|disease|surg|care|cardi|oncolog|therap|diagnos"


class ScreeningError(ParseError):
    """The decisions file breaks a screening rule (see the module documentation)."""


class ScreeningWarning(UserWarning):
    """Something in the decisions file was accepted but deserves a look (repeated decisions)."""


def empty_decisions() -> pd.DataFrame:
    """A decisions table with no rows: what an empty or missing decisions file means."""
    frame = pd.DataFrame({c: pd.Series([], dtype=STRING) for c in COLUMNS})
    frame["line"] = pd.Series([], dtype="Int64")
    return frame


# ---------------------------------------------------------------------------------------------- reading

def load_decisions(path, works: pd.DataFrame, *, missing_ok: bool = False) -> pd.DataFrame:
    """Read and check ``decisions.csv`` against ``works``.

    Returns one row per (work, stage) with columns ``work_id, stage, decision, reason, reviewer,
    note, line`` (``line`` is the 1-based line of the row in the file), sorted by work and stage.
    Raises :class:`ScreeningError` naming the file and line of the first problem (and how many more
    there are). A missing file raises ``FileNotFoundError`` unless ``missing_ok``.
    """
    path = Path(path)
    if missing_ok and not path.exists():
        return empty_decisions()
    raw = read_decisions_file(path)
    return validate_decisions(raw, works, path=path)


def read_decisions_file(path) -> pd.DataFrame:
    """Read the rows of a decisions file without checking them against the works (see :func:`load_decisions`)."""
    path = Path(path)
    data = path.read_bytes()
    if not data.strip():
        return empty_decisions()
    text = decode(data, path).text
    reader = csv.reader(io.StringIO(text), strict=True)
    header: list[str] | None = None
    rows: list[list] = []
    end_of_previous = 0
    try:
        for cells in reader:
            line = end_of_previous + 1
            end_of_previous = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if header is None or _looks_like_header(cells):
                header = _read_header(cells, path, line)
                continue
            values = dict(zip(header, cells))
            rows.append([values.get(c) for c in COLUMNS] + [line])
    except csv.Error as exc:
        raise ScreeningError(path, f"not a readable CSV file: {exc}", line=reader.line_num) from None
    frame = pd.DataFrame(rows, columns=[*COLUMNS, "line"]) if rows else empty_decisions()
    for column in COLUMNS:
        values = frame[column].astype(STRING).str.strip()
        frame[column] = values.mask(values == "")
    frame["line"] = frame["line"].astype("Int64")
    return frame


def _clean_name(cell: str) -> str:
    return cell.replace("\ufeff", "").strip().lower()


def _looks_like_header(cells: list[str]) -> bool:
    names = [_clean_name(c) for c in cells]
    return bool(names) and names[0] == "work_id" and "stage" in names and "decision" in names


def _read_header(cells: list[str], path: Path, line: int) -> list[str]:
    names = [_clean_name(c) for c in cells]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise ScreeningError(path, f"missing required column(s) {', '.join(missing)}", line=line,
                             expected="a header with " + ", ".join(COLUMNS[:4]) + " (reviewer, note optional)",
                             found=",".join(c.strip() for c in cells))
    known = [n for n in names if n in COLUMNS]
    repeated = sorted({n for n in known if known.count(n) > 1})
    if repeated:
        raise ScreeningError(path, f"column(s) named twice in the header: {', '.join(repeated)}", line=line,
                             expected="each column once", found=",".join(c.strip() for c in cells))
    return names


# --------------------------------------------------------------------------------------------- checking

def validate_decisions(decisions: pd.DataFrame, works: pd.DataFrame, *, path=None) -> pd.DataFrame:
    """Check a decisions table against ``works`` and the screening rules; return it cleaned.

    ``decisions`` has at least ``work_id, stage, decision``; a ``line`` column (as from
    :func:`read_decisions_file`) lets errors name the line, otherwise they name the work. The result
    is what :func:`load_decisions` returns. ``path`` only labels error messages.
    """
    where = str(path) if path is not None else "<decisions>"
    missing = [c for c in REQUIRED_COLUMNS if c not in decisions.columns]
    if missing:
        raise ScreeningError(where, f"decisions table lacks column(s) {', '.join(missing)}",
                             expected=", ".join(COLUMNS), found=", ".join(map(str, decisions.columns)))
    frame = pd.DataFrame(index=pd.RangeIndex(len(decisions)))
    for column in COLUMNS:
        if column in decisions.columns:
            values = decisions[column].reset_index(drop=True).astype(STRING).str.strip()
            frame[column] = values.mask(values == "")
        else:
            frame[column] = pd.Series(pd.NA, index=frame.index, dtype=STRING)
    frame["line"] = (decisions["line"].reset_index(drop=True).astype("Int64") if "line" in decisions.columns
                     else pd.Series(pd.NA, index=frame.index, dtype="Int64"))
    frame["stage"] = frame["stage"].str.lower()
    frame["decision"] = frame["decision"].str.lower()
    frame["reason"] = frame["reason"].str.replace(r"\s+", " ", regex=True)

    known_ids = pd.Index(works["work_id"].astype(str).unique())
    problems: list[tuple] = []  # (line, order, message, expected, found, work_id)

    def flag(mask: pd.Series, message: str, expected: str | None, found_column: str | None):
        for i in np.flatnonzero(mask.to_numpy(dtype=bool, na_value=False)):
            found = None if found_column is None or pd.isna(frame.at[i, found_column]) \
                else str(frame.at[i, found_column])
            problems.append((frame.at[i, "line"], i, message, expected, found, frame.at[i, "work_id"]))

    no_id = frame["work_id"].isna()
    unknown = ~no_id & ~frame["work_id"].isin(known_ids)
    bad_stage = ~frame["stage"].isin(STAGES)
    bad_decision = ~frame["decision"].isin(DECISIONS)
    no_reason = (frame["decision"] == "exclude").fillna(False) & frame["reason"].isna()
    flag(no_id, "missing work_id", "the work_id of a work in the merged works table", None)
    flag(unknown, "unknown work id, not in the works table", "a work_id of the merged works table", "work_id")
    flag(bad_stage, "invalid stage", " or ".join(STAGES), "stage")
    flag(bad_decision, "invalid decision", " or ".join(DECISIONS), "decision")
    flag(no_reason, "missing reason for an exclusion", "a reason such as 'not healthcare'", None)

    good = frame[~(no_id | unknown | bad_stage | bad_decision | no_reason)].copy()
    good["reason_key"] = good["reason"].str.casefold()
    kept, repeats = _resolve_repeats(good, flag_problem=problems.append)
    _check_full_text(kept, problems)

    if problems:
        problems.sort(key=lambda p: (pd.isna(p[0]), p[0] if not pd.isna(p[0]) else 0, p[1]))
        line, _, message, expected, found, work_id = problems[0]
        if len(problems) > 1:
            message += f" (and {len(problems) - 1} more problem(s) in this file)"
        raise ScreeningError(where, message, line=None if pd.isna(line) else int(line),
                             record=work_id if pd.isna(line) else None, expected=expected, found=found)
    if len(repeats):
        lines = ", ".join(_place(r) for r in repeats.itertuples())
        warnings.warn(f"{where}: {len(repeats)} decision(s) repeat an earlier one and were skipped: {lines}",
                      ScreeningWarning, stacklevel=3)

    kept = kept.assign(reason=_unify_spelling(kept["reason"]))
    return _sorted(kept[[*COLUMNS, "line"]])


def _place(row) -> str:
    return f"line {row.line}" if not pd.isna(row.line) else f"work {row.work_id} ({row.stage})"


def _resolve_repeats(good: pd.DataFrame, flag_problem) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep one row per (work, stage); report rows that disagree with the first one."""
    key = ["work_id", "stage"]
    first = good.groupby(key, sort=False)[["decision", "reason_key", "line"]].transform("first")
    differs_decision = good["decision"] != first["decision"]
    differs_reason = ~differs_decision & (good["decision"] == "exclude") & \
        (good["reason_key"] != first["reason_key"])
    for i in good.index[differs_decision | differs_reason]:
        row = good.loc[i]
        earlier = first.at[i, "line"]
        earlier_text = f"line {earlier}" if not pd.isna(earlier) else "an earlier row"
        if differs_decision[i]:
            message = (f"conflicting decisions for work {row.work_id} at stage {row.stage}: "
                       f"{row.decision} here, {first.at[i, 'decision']} on {earlier_text}")
            expected = "one decision per work and stage (record the consensus)"
        else:
            message = (f"conflicting exclusion reasons for work {row.work_id} at stage {row.stage}: "
                       f"{row.reason!r} here, another reason on {earlier_text}")
            expected = "one reason per exclusion (record the consensus)"
        flag_problem((row.line, i, message, expected, None, row.work_id))
    duplicated = good.duplicated(key, keep="first")
    repeats = good[duplicated & ~(differs_decision | differs_reason)]
    return good[~duplicated], repeats


def _check_full_text(kept: pd.DataFrame, problems: list) -> None:
    title_abstract = kept[kept["stage"] == "title_abstract"].set_index("work_id")
    full_text = kept[kept["stage"] == "full_text"]
    prior = title_abstract["decision"].reindex(full_text["work_id"]).to_numpy(dtype=object)
    prior_line = title_abstract["line"].reindex(full_text["work_id"]).to_numpy(dtype=object)
    allowed = pd.Series(prior, dtype=object).eq("include").to_numpy(dtype=bool)
    for k in np.flatnonzero(~allowed):
        i, row, before, before_line = full_text.index[k], full_text.iloc[k], prior[k], prior_line[k]
        if pd.isna(before):
            message = (f"full-text decision for work {row.work_id}, which has no title/abstract decision; "
                       "only works included at title/abstract go on to full text")
        else:
            on = f" on line {before_line}" if not pd.isna(before_line) else ""
            message = (f"full-text decision for work {row.work_id}, which was excluded at "
                       f"title/abstract{on}")
        problems.append((row.line, i, message, "a title_abstract include for the same work first", None,
                         row.work_id))


def _unify_spelling(reasons: pd.Series) -> pd.Series:
    """Map spellings that differ only in case onto the most used one (the first on a tie)."""
    present = reasons.dropna()
    if present.empty:
        return reasons
    table = pd.DataFrame({"reason": present, "key": present.str.casefold(), "order": range(len(present))})
    counts = table.groupby(["key", "reason"], sort=False).agg(n=("order", "size"), first=("order", "min"))
    counts = counts.reset_index().sort_values(["key", "n", "first"], ascending=[True, False, True])
    spelling = counts.drop_duplicates("key").set_index("key")["reason"]
    unified = reasons.str.casefold().map(spelling)
    return unified.astype(STRING)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    order = frame["stage"].map({s: i for i, s in enumerate(STAGES)})
    frame = frame.assign(_order=order).sort_values(["work_id", "_order"], kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- status

def screening_status(works: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """One row per work (sorted by ``work_id``): its decisions and reasons at each stage, and its status.

    ``status`` is one of :data:`STATUSES`: ``to_screen_title_abstract`` (no decision yet),
    ``excluded_title_abstract``, ``to_screen_full_text`` (included at title/abstract, no full-text
    decision yet), ``excluded_full_text`` (including reports not retrieved) or ``included``.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScreeningWarning)
        decisions = validate_decisions(decisions, works)
    ids = works["work_id"].astype(str)
    out = pd.DataFrame({"work_id": ids.astype(STRING).to_numpy()})
    for stage in STAGES:
        at_stage = decisions[decisions["stage"] == stage].set_index("work_id")
        out[f"{stage}_decision"] = at_stage["decision"].reindex(out["work_id"]).to_numpy()
        out[f"{stage}_reason"] = at_stage["reason"].reindex(out["work_id"]).to_numpy()
    for column in out.columns[1:]:
        out[column] = out[column].astype(STRING)
    first, second = out["title_abstract_decision"], out["full_text_decision"]
    status = np.select(
        [first.isna().to_numpy(), (first == "exclude").to_numpy(dtype=bool, na_value=False),
         second.isna().to_numpy(), (second == "exclude").to_numpy(dtype=bool, na_value=False)],
        ["to_screen_title_abstract", "excluded_title_abstract", "to_screen_full_text", "excluded_full_text"],
        default="included")
    out["status"] = pd.Series(status, dtype=STRING)
    return out.sort_values("work_id", kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------------------------- screening sheet

def screening_sheet(works: pd.DataFrame, decisions: pd.DataFrame, stage: str | None = None) -> pd.DataFrame:
    """The works still to screen, one row each, as a sheet a reviewer fills in.

    Columns are :data:`SHEET_COLUMNS`: the six decision-file columns (``stage`` filled, ``decision``,
    ``reason``, ``reviewer`` and ``note`` empty) followed by what the reviewer reads: ``title, year,
    first_author, journal, doi, abstract, databases`` (``; ``-joined). ``stage=None`` gives both stages:
    works without a title/abstract decision, then works included at title/abstract awaiting full text.
    Rows are sorted by stage, then ``work_id``.
    """
    if stage is not None and stage not in STAGES:
        raise ValueError(f"stage must be one of {STAGES} or None, got {stage!r}")
    status = screening_status(works, decisions)
    waiting = {"title_abstract": "to_screen_title_abstract", "full_text": "to_screen_full_text"}
    stages = STAGES if stage is None else (stage,)
    parts = []
    for name in stages:
        ids = status.loc[status["status"] == waiting[name], "work_id"]
        parts.append(pd.DataFrame({"work_id": ids.to_numpy(), "stage": name}))
    sheet = pd.concat(parts, ignore_index=True)
    info = _work_info(works).set_index("work_id")
    for column in ("decision", "reason", "reviewer", "note"):
        sheet[column] = pd.Series(pd.NA, index=sheet.index, dtype=STRING)
    for column in WORK_COLUMNS:
        sheet[column] = info[column].reindex(sheet["work_id"]).to_numpy()
        sheet[column] = sheet[column].astype(info[column].dtype)
    sheet["work_id"] = sheet["work_id"].astype(STRING)
    sheet["stage"] = sheet["stage"].astype(STRING)
    return sheet[list(SHEET_COLUMNS)].reset_index(drop=True)


def write_screening_sheet(works: pd.DataFrame, decisions: pd.DataFrame, path, stage: str | None = None) -> Path:
    """Write :func:`screening_sheet` as UTF-8 CSV at ``path`` (atomically); return the path.

    Fill in ``decision`` and ``reason`` (and ``reviewer``) and append the file, header included, to
    ``decisions.csv``.
    """
    return _write_csv(screening_sheet(works, decisions, stage), path)


def write_decisions(decisions: pd.DataFrame, path) -> Path:
    """Write a decisions table (e.g. from :func:`simulate_decisions`) in the decisions-file layout."""
    frame = decisions.reindex(columns=list(COLUMNS))
    return _write_csv(frame, path)


def _write_csv(frame: pd.DataFrame, path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = frame.to_csv(index=False, lineterminator="\n")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _work_info(works: pd.DataFrame) -> pd.DataFrame:
    n = len(works)

    def missing() -> pd.Series:
        return pd.Series(pd.NA, index=range(n), dtype=STRING)

    def text(column: str) -> pd.Series:
        return works[column].reset_index(drop=True).astype(STRING) if column in works.columns else missing()

    year = (works["year"].reset_index(drop=True).astype("Int64") if "year" in works.columns
            else pd.Series(pd.NA, index=range(n), dtype="Int64"))
    authors = _list_array(works["authors"]) if "authors" in works.columns else None
    databases = _list_array(works["databases"]) if "databases" in works.columns else None
    return pd.DataFrame({
        "work_id": works["work_id"].astype(str).to_numpy(),
        "title": text("title"),
        "year": year,
        "first_author": _join(pc.list_slice(authors, 0, 1)) if authors is not None else missing(),
        "journal": text("journal"),
        "doi": text("doi"),
        "abstract": text("abstract"),
        "databases": _join(databases) if databases is not None else missing(),
    })


def _list_array(values: pd.Series) -> pa.Array:
    """A list column (Arrow list, or Python lists / NA in an object column) as ``list<string>``."""
    if isinstance(values.dtype, pd.ArrowDtype):
        return values.array._pa_array.combine_chunks().cast(pa.list_(pa.string()))
    cleaned = [[str(x) for x in v] if isinstance(v, (list, tuple, np.ndarray)) else
               ([v] if isinstance(v, str) else None) for v in values]
    return pa.array(cleaned, type=pa.list_(pa.string()))


def _join(lists: pa.Array) -> pd.Series:
    joined = pc.binary_join(lists, "; ")
    series = pd.Series(pd.arrays.ArrowExtensionArray(joined)).astype(STRING)
    return series.mask(series == "").reset_index(drop=True)


# -------------------------------------------------------------------------------------- synthetic demo

def simulate_decisions(works: pd.DataFrame, truth_fields: pd.Series | None = None, seed: int = 0,
                       n_included: int = 22, *, n_full_text: int | None = None, n_not_retrieved: int = 3,
                       relevant_fields=("healthcare",)) -> pd.DataFrame:
    """SYNTHETIC screening decisions for the demo corpus only; never use them for a real review.

    Produces a plausible, seeded decision set shaped like the review "Digital twin in healthcare:
    Recent updates and challenges" (465 pertinent articles, 22 selected): most works excluded at
    title/abstract for a handful of reasons (:data:`SIMULATED_TITLE_ABSTRACT_REASONS`), about
    ``2.5 * n_included + n_not_retrieved`` assessed in full text, ``n_not_retrieved`` of those without
    a full text (reason ``no full text``), the rest excluded for the reasons of
    :data:`SIMULATED_FULL_TEXT_REASONS` except ``n_included`` included.

    ``truth_fields``: the demo generator's true field of each work, indexed by ``work_id`` (strings
    such as ``"healthcare"``, or booleans, True meaning relevant). Works outside ``relevant_fields``
    are excluded at title/abstract as ``not healthcare``. Without it, relevance is guessed from the
    title and abstract (health words, "digital twin"). Every row has ``reviewer = "synthetic"``. The
    same works and seed give the same decisions, whatever the order of ``works``.
    """
    rng = np.random.default_rng(seed)
    ids = pd.Series(works["work_id"].astype(str).unique()).sort_values(kind="stable").reset_index(drop=True)
    n = len(ids)
    text = (_text_by_id(works, "title").reindex(ids).fillna("") + " "
            + _text_by_id(works, "abstract").reindex(ids).fillna("")).str.lower()
    mentions_twin = text.str.contains(r"digital[\s-]*twin", regex=True).to_numpy(dtype=bool)
    if truth_fields is not None:
        truth = truth_fields.copy()
        truth.index = truth.index.astype(str)
        truth = truth.reindex(ids)
        if truth.dtype == bool or pd.api.types.is_bool_dtype(truth.dtype):
            health = truth.fillna(False).to_numpy(dtype=bool)
        else:
            wanted = {str(f).casefold() for f in relevant_fields}
            health = truth.astype(STRING).str.casefold().isin(wanted).to_numpy(dtype=bool, na_value=False)
        score = 2.0 * health + 0.5 * mentions_twin + rng.random(n)
    else:
        health = text.str.contains(_HEALTH_WORDS, regex=True).to_numpy(dtype=bool)
        score = 1.0 * health + 1.0 * mentions_twin + rng.random(n)

    n_full_text = round(2.5 * n_included) + n_not_retrieved if n_full_text is None else n_full_text
    n_full_text = max(0, min(n, n_full_text))
    n_included = max(0, min(n_included, n_full_text))
    n_not_retrieved = max(0, min(n_not_retrieved, n_full_text - n_included))

    by_score = np.argsort(-score, kind="stable")
    to_full_text = np.sort(by_score[:n_full_text])
    excluded_early = np.sort(by_score[n_full_text:])
    second_score = score[to_full_text] + rng.random(len(to_full_text))
    ranked = to_full_text[np.argsort(-second_score, kind="stable")]
    included = ranked[:n_included]
    rest = rng.permutation(ranked[n_included:])
    not_retrieved, excluded_late = rest[:n_not_retrieved], rest[n_not_retrieved:]

    ta_reason = _draw(rng, SIMULATED_TITLE_ABSTRACT_REASONS, len(excluded_early))
    other_reasons = {k: v for k, v in SIMULATED_TITLE_ABSTRACT_REASONS.items() if k != "not healthcare"}
    relevant_reason = _draw(rng, other_reasons, len(excluded_early))
    not_health = ~health[excluded_early]
    ta_reason = np.where(not_health, "not healthcare",
                         np.where(ta_reason == "not healthcare", relevant_reason, ta_reason))
    if truth_fields is None:
        ta_reason = np.where(health[excluded_early] & ~mentions_twin[excluded_early], "not a digital twin",
                             ta_reason)
    ft_reason = _draw(rng, SIMULATED_FULL_TEXT_REASONS, len(excluded_late))

    def rows(index, stage, decision, reason):
        return pd.DataFrame({"work_id": ids.to_numpy()[index], "stage": stage, "decision": decision,
                             "reason": reason})

    frame = pd.concat([
        rows(excluded_early, "title_abstract", "exclude", ta_reason),
        rows(to_full_text, "title_abstract", "include", None),
        rows(included, "full_text", "include", None),
        rows(not_retrieved, "full_text", "exclude", SIMULATED_NOT_RETRIEVED_REASON),
        rows(excluded_late, "full_text", "exclude", ft_reason),
    ], ignore_index=True)
    frame["reviewer"] = "synthetic"
    frame["note"] = f"synthetic demo decision (simulate_decisions, seed={seed})"
    frame["line"] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    for column in COLUMNS:
        frame[column] = frame[column].astype(STRING)
    return _sorted(frame[[*COLUMNS, "line"]])


def _text_by_id(works: pd.DataFrame, column: str) -> pd.Series:
    values = works[column].astype(STRING) if column in works.columns else pd.Series(pd.NA, index=works.index,
                                                                                     dtype=STRING)
    frame = pd.DataFrame({"work_id": works["work_id"].astype(str).to_numpy(), "v": values.to_numpy()})
    return frame.drop_duplicates("work_id").set_index("work_id")["v"]


def _draw(rng: np.random.Generator, weights: dict[str, float], size: int) -> np.ndarray:
    names = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()), dtype=float)
    return rng.choice(names, size=size, p=p / p.sum()) if size else np.array([], dtype=object)
