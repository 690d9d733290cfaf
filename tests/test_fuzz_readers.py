"""Property-based fuzzing of every reader: mutated real records give records or a ParseError, nothing else.

Seeds are the first few records of each real export (../shared/corpus, ../shared/api-samples), cut on
the format's record boundaries at test time, and the repository's own fixtures for formats without real
samples (Lens, Dimensions, WoS BibTeX, generic RIS and BibTeX, Scopus 2026 BibTeX, a COMPLETE-view
Scopus Search API page). Without the shared
folder the corpus seeds are dropped (formats that have no fixture seed skip through the conftest
fixtures) and the fixtures are still fuzzed.

Properties:

* ``bibtwin.io.load`` on a mutated file (truncated, lines or fields deleted or duplicated, bytes
  flipped, inserted or deleted, separators swapped, re-encoded, NULs injected, very long lines, empty
  values) returns or raises a :class:`~bibtwin.errors.ParseError` subclass, within a time limit;
* when it returns, every record read is kept or rejected (``records_read == records_kept +
  len(rejected)``), each record number is used once, and the table validates;
* where the count is certain it is asserted exactly: a letter changed inside a value keeps the count, a
  duplicated whole record adds one (its ``record_id`` gets ``#2``), a deleted one removes one;
* re-encoding a valid file (UTF-16 with BOM, UTF-8 with or without BOM, CRLF or LF line endings,
  Windows-1252 when the text fits) gives identical records.

Hypothesis runs derandomized with a fixed number of examples per format (profile ``bibtwin-fuzz``), so CI
runs the same examples every time; ``BIBTWIN_FUZZ_EXAMPLES`` raises the count for a longer local hunt.
"""
from __future__ import annotations

import codecs
import csv
import faulthandler
import functools
import json
import os
import re
import signal
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bibtwin.errors import EmptyFileError, ParseError
from bibtwin.io import load
from bibtwin.schema import validate
from bibtwin.textio import decode
from conftest import API_SAMPLES, CORPUS, FIXTURES

# A CSV that is not UTF-8 after all and has a malformed row: pyarrow cannot decode that row's text for the
# invalid-row handler and reports it through sys.unraisablehook before failing; the reader then decodes
# the file as Windows-1252 and parses again (the result is what these tests check, not that report).
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

EXAMPLES = int(os.environ.get("BIBTWIN_FUZZ_EXAMPLES", "50"))
# A few-record file loads in tens of milliseconds, one with a 5 MB line in up to ~3 s (BibTeX, on two busy
# cores): an example slower than the deadline fails (after hypothesis re-runs it), one that has not
# returned after HANG_SECONDS is stopped as a hang.
DEADLINE_SECONDS = 15
HANG_SECONDS = 45

settings.register_profile(
    "bibtwin-fuzz", max_examples=EXAMPLES, derandomize=True, database=None, print_blob=True,
    deadline=timedelta(seconds=DEADLINE_SECONDS),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
FUZZ = settings.get_profile("bibtwin-fuzz")
RECORDS_PER_SEED = 4


# ---------------------------------------------------------------------------------------------- seeds

@dataclass(frozen=True, repr=False)
class Seed:
    """A small export: ``prefix + sep.join(records) + suffix``, cut on the format's record boundaries."""
    name: str
    fmt: str
    kind: str           # how values sit in a line: csv, ris, medline, wos_plain, bibtex, json
    prefix: str
    records: tuple[str, ...]
    suffix: str = ""
    sep: str = ""

    def __repr__(self) -> str:
        return f"<seed {self.name}: {len(self.records)} records>"

    def text(self, records=None) -> str:
        return self.prefix + self.sep.join(self.records if records is None else records) + self.suffix

    def data(self, records=None) -> bytes:
        return self.text(records).encode("utf-8")


def _lines(text: str) -> list[str]:
    """Lines with their endings (``\\n`` only: ``str.splitlines`` would also cut at U+2028 and friends)."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def _with_newline(chunk: str, newline: str = "\n") -> str:
    return chunk if chunk.endswith("\n") else chunk + newline


def _newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text[:5000] else "\n"


def _cut_delimited(name, fmt, text, *, header_line=1, delimiter=",", quoted=True) -> Seed:
    lines = _lines(text)
    prefix = "".join(lines[:header_line])
    body = iter(lines[header_line:])
    reader = csv.reader(body, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE)
    records, used = [], header_line
    for row in reader:
        chunk = "".join(lines[used:header_line + reader.line_num])
        used = header_line + reader.line_num
        if row:
            records.append(_with_newline(chunk, _newline_of(text)))
        if len(records) == RECORDS_PER_SEED:
            break
    return Seed(name, fmt, "csv", prefix, tuple(records))


def _cut_closed(name, fmt, kind, text, *, end_tag: str, file_header: int = 0, suffix: str = "") -> Seed:
    """Records closed by an ``ER`` line (RIS, WoS plain text); blank lines after it stay with the record."""
    lines = _lines(text)
    prefix = "".join(lines[:file_header])
    records, start, i = [], file_header, file_header
    while i < len(lines) and len(records) < RECORDS_PER_SEED:
        if re.match(end_tag, lines[i]):
            i += 1
            while i < len(lines) and not lines[i].strip():
                i += 1
            records.append(_with_newline("".join(lines[start:i]), _newline_of(text)))
            start = i
            continue
        i += 1
    return Seed(name, fmt, kind, prefix, tuple(records), suffix)


def _cut_medline(name, text) -> Seed:
    newline = _newline_of(text)
    blocks = [b for b in re.split(r"(?:\r?\n)[ \t]*(?:\r?\n)(?:[ \t]*\r?\n)*", text) if b.strip()]
    records = tuple(b.strip("\r\n") + newline + newline for b in blocks[:RECORDS_PER_SEED])
    return Seed(name, "medline", "medline", "", records)


_BIB_ENTRY = re.compile(r"^[ \t]*@[ \t]*(?!comment|string|preamble)[A-Za-z]", re.IGNORECASE | re.MULTILINE)


def _cut_bibtex(name, fmt, text) -> Seed:
    starts = [m.start() for m in _BIB_ENTRY.finditer(text)]
    ends = starts[1:] + [len(text)]
    records = tuple(_with_newline(text[a:b], _newline_of(text)) for a, b in zip(starts, ends))
    return Seed(name, fmt, "bibtex", text[:starts[0]], records[:RECORDS_PER_SEED])


def _cut_json(name, fmt, text) -> Seed:
    data = json.loads(text)
    dump = functools.partial(json.dumps, ensure_ascii=False)
    if isinstance(data, dict) and isinstance(data.get("results"), list):       # OpenAlex list page
        meta = dump(data.get("meta", {}))
        works = tuple(dump(w) for w in data["results"][:RECORDS_PER_SEED])
        return Seed(name, fmt, "json", '{"meta": ' + meta + ', "results": [', works, "]}", ", ")
    if isinstance(data, dict) and isinstance(data.get("search-results"), dict):  # Scopus Search page
        envelope = {k: v for k, v in data["search-results"].items() if k != "entry"}
        entries = tuple(dump(e, indent=2) for e in data["search-results"]["entry"][:RECORDS_PER_SEED])
        prefix = '{"search-results": ' + dump(envelope, indent=2)[:-1] + ',\n"entry": [\n'
        return Seed(name, fmt, "json", prefix, entries, "\n]}}\n", ",\n")
    if isinstance(data, list):
        works = tuple(dump(w, indent=1) for w in data[:RECORDS_PER_SEED])
        return Seed(name, fmt, "json", "[\n", works, "\n]\n", ",\n")
    return Seed(name, fmt, "json_single", "", (dump(data),), "\n")


def _cut_jsonl(name, fmt, text) -> Seed:
    works = tuple(ln + "\n" for ln in text.split("\n") if ln.strip())
    return Seed(name, fmt, "json", "", works[:RECORDS_PER_SEED])


# (root, relative path, format, how to cut)
_SPECS = [
    # delimited
    ("corpus", "smart_on_fhir/scopus.csv", "scopus_csv", "csv"),
    ("corpus", "ukbiobank/scopus.csv", "scopus_csv", "csv"),
    ("corpus", "dt_bim/scopus.csv", "scopus_csv", "csv"),
    ("fixtures", "delimited/scopus_small.csv", "scopus_csv", "csv"),
    ("fixtures", "delimited/scopus_old_layout.csv", "scopus_csv", "csv"),
    ("corpus", "smart_on_fhir/pubmed.csv", "pubmed_csv", "csv"),
    ("corpus", "anopheles/pubmed.csv", "pubmed_csv", "csv"),
    ("corpus", "internal_fixation/wos_tab.txt", "wos_tab", "tab"),
    ("fixtures", "delimited/wos_trailing_tab.txt", "wos_tab", "tab"),
    ("fixtures", "delimited/lens_small.csv", "lens_csv", "csv"),
    ("fixtures", "delimited/dimensions_small.csv", "dimensions_csv", "csv_note"),
    ("api", "pop_crossref_chemeng/PoPCites.csv", "pop_csv", "csv"),
    ("api", "pop_dao_negiiirah/google_scholar.csv", "pop_csv", "csv"),
    ("api", "pop_dao_negiiirah/scopus.csv", "pop_csv", "csv"),
    # RIS
    ("corpus", "ibs_permeability/scopus.ris", "scopus_ris", "ris"),
    ("fixtures", "ris/scopus_notes.ris", "scopus_ris", "ris"),
    ("fixtures", "ris/embase.ris", "ris", "ris"),
    ("fixtures", "ris/ovid_zotero.ris", "ris", "ris"),
    # MEDLINE
    ("corpus", "gut_microbiome/pubmed_medline.txt", "medline", "medline"),
    ("corpus", "ortho_reviews/pubmed.nbib", "medline", "medline"),
    ("api", "medline_metaknowledge/medline_test.medline", "medline", "medline"),
    ("api", "medline_hospitals_zelcofir/pubmed.txt", "medline", "medline"),
    ("api", "medline_pybibx_crlf/mcda_pubmed.txt", "medline", "medline"),
    ("api", "pubmed_biopython/pubmed_result2.txt", "medline", "medline"),
    ("fixtures", "medline/three_records.txt", "medline", "medline"),
    # WoS plain text
    ("corpus", "gut_microbiome/wos_savedrecs.txt", "wos_plain", "wos_plain"),
    ("corpus", "internal_fixation/wos_plain.txt", "wos_plain", "wos_plain"),
    ("fixtures", "wos_plain/two_records.txt", "wos_plain", "wos_plain"),
    # BibTeX
    ("corpus", "ukbiobank/scopus.bib", "scopus_bibtex", "bibtex"),
    ("fixtures", "bibtex/scopus_2026.bib", "scopus_bibtex", "bibtex"),
    ("fixtures", "bibtex/wos.bib", "wos_bibtex", "bibtex"),
    ("fixtures", "bibtex/generic.bib", "bibtex", "bibtex"),
    # OpenAlex
    ("api", "openalex_openalexPro/keypaper_results_page_1.json", "openalex_json", "json"),
    ("api", "openalex_single_work/W2741809807.json", "openalex_json", "json"),
    ("fixtures", "openalex/works_array.json", "openalex_json", "json"),
    ("fixtures", "openalex/works.jsonl", "openalex_json", "jsonl"),
    # Scopus Search API
    ("api", "scopus_search_elsapy_covid_suicide/dump.json", "scopus_api_json", "json"),
    ("fixtures", "scopus_json/complete_page.json", "scopus_api_json", "json"),
]
_ROOTS = {"corpus": CORPUS, "api": API_SAMPLES, "fixtures": FIXTURES}
_ROOT_FIXTURE = {"corpus": "corpus", "api": "api_samples"}
FORMATS = list(dict.fromkeys(fmt for _, _, fmt, _ in _SPECS))


def _head(path: Path, max_bytes: int = 400_000) -> str:
    """The start of a file as text (enough for a few records; a multi-byte character cut at the end is
    dropped)."""
    with open(path, "rb") as f:
        return f.read(max_bytes).decode("utf-8", errors="ignore")


@functools.lru_cache(maxsize=None)
def _seed(root: str, rel: str, fmt: str, how: str) -> Seed:
    path = _ROOTS[root] / rel
    name = f"{root}/{rel}"
    text = path.read_text(encoding="utf-8") if how in ("json", "jsonl") else _head(path)
    if how == "csv":
        return _cut_delimited(name, fmt, text)
    if how == "csv_note":
        return _cut_delimited(name, fmt, text, header_line=2)
    if how == "tab":
        return _cut_delimited(name, fmt, text, delimiter="\t", quoted=False)
    if how == "ris":
        return _cut_closed(name, fmt, "ris", text, end_tag=r"ER  -")
    if how == "wos_plain":
        return _cut_closed(name, fmt, "wos_plain", text, end_tag=r"ER\s*$", file_header=2, suffix="EF\n")
    if how == "medline":
        return _cut_medline(name, text)
    if how == "bibtex":
        return _cut_bibtex(name, fmt, text)
    if how == "json":
        return _cut_json(name, fmt, text)
    return _cut_jsonl(name, fmt, text)


def seeds_for(fmt: str, request) -> list[Seed]:
    """The seeds of a format whose files are present; skips (conftest's message) when there are none."""
    specs = [s for s in _SPECS if s[2] == fmt]
    present = [s for s in specs if (_ROOTS[s[0]] / s[1]).exists()]
    if not present:
        request.getfixturevalue(_ROOT_FIXTURE[specs[0][0]])  # skips with the shared-folder message
    return [_seed(*s) for s in present]


# ------------------------------------------------------------------------------------------ running

class Hang(Exception):
    pass


def _on_alarm(signum, frame):
    raise Hang(f"bibtwin.io.load did not return within {HANG_SECONDS} s")


def load_bytes(data: bytes, tmp_path: Path, name: str = "export"):
    """``bibtwin.io.load`` on ``data``; a ParseError is returned (not raised), a hang fails."""
    path = tmp_path / name
    path.write_bytes(data)
    # a Python-level hang is interrupted by the alarm; one stuck inside C code (a regex, Arrow) kills the
    # run with every thread's traceback rather than blocking CI forever
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
    faulthandler.dump_traceback_later(HANG_SECONDS * 3, exit=True)
    try:
        return load(path)
    except ParseError as exc:
        return exc
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        faulthandler.cancel_dump_traceback_later()


def check_accounting(loaded) -> None:
    """Every record read is kept or rejected, once; the table follows the schema."""
    report, records = loaded.report, loaded.records
    assert report.records_read == report.records_kept + len(report.rejected)
    assert report.records_kept == len(records)
    validate(records)
    numbers = list(records["source_record"].dropna().astype(int))
    numbers += [r["source_record"] for r in report.rejected if r["source_record"] is not None]
    assert len(numbers) == len(set(numbers)), f"a record number is used twice: {sorted(numbers)}"
    assert all(1 <= n <= report.records_read for n in numbers), sorted(numbers)
    assert records["record_id"].notna().all() and not records["record_id"].duplicated().any()


@functools.lru_cache(maxsize=None)
def _baseline_cached(seed: Seed, tmp: str):
    return load_bytes(seed.data(), Path(tmp), "baseline")


def baseline(seed: Seed, tmp_path_factory):
    loaded = _baseline_cached(seed, str(tmp_path_factory.getbasetemp()))
    assert not isinstance(loaded, ParseError), f"seed {seed.name} does not read: {loaded}"
    return loaded


# ------------------------------------------------------------------------------------------ mutations

def _pick_line(draw, data: bytes) -> tuple[list[bytes], int]:
    lines = data.splitlines(keepends=True) or [data]
    return lines, draw(st.integers(0, len(lines) - 1))


@st.composite
def _truncate(draw, data):
    return data[:draw(st.integers(0, len(data)))]


@st.composite
def _delete_line(draw, data):
    lines, i = _pick_line(draw, data)
    return b"".join(lines[:i] + lines[i + 1:])


@st.composite
def _duplicate_line(draw, data):
    lines, i = _pick_line(draw, data)
    return b"".join(lines[:i + 1] + lines[i:])


_FIELD_SEPARATORS = (b",", b"\t", b";", b"  - ", b"- ", b" ", b"=")


@st.composite
def _edit_field(draw, data):
    """Delete, duplicate or empty one field of a line (a part between separators)."""
    lines, i = _pick_line(draw, data)
    line = lines[i]
    body, end = _split_end(line)
    seps = [s for s in _FIELD_SEPARATORS if s in body] or [b" "]
    sep = draw(st.sampled_from(seps))
    parts = body.split(sep)
    j = draw(st.integers(0, len(parts) - 1))
    action = draw(st.sampled_from(["delete", "duplicate", "empty"]))
    if action == "delete":
        parts = parts[:j] + parts[j + 1:]
    elif action == "duplicate":
        parts = parts[:j + 1] + parts[j:]
    else:
        parts[j] = b'""' if parts[j].startswith(b'"') else b""
    lines[i] = sep.join(parts) + end
    return b"".join(lines)


def _split_end(line: bytes) -> tuple[bytes, bytes]:
    stripped = line.rstrip(b"\r\n")
    return stripped, line[len(stripped):]


@st.composite
def _cut_line(draw, data):
    """A line loses the end of its value (an empty or shortened value)."""
    lines, i = _pick_line(draw, data)
    body, end = _split_end(lines[i])
    lines[i] = body[:draw(st.integers(0, len(body)))] + end
    return b"".join(lines)


@st.composite
def _empty_quoted(draw, data):
    quoted = [m.span() for m in re.finditer(rb'"(?:[^"]|"")*"', data[:200_000])]
    if not quoted:
        return data
    a, b = draw(st.sampled_from(quoted))
    return data[:a] + b'""' + data[b:]


@st.composite
def _flip_bytes(draw, data):
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


@st.composite
def _insert_bytes(draw, data):
    pos = draw(st.integers(0, len(data)))
    return data[:pos] + draw(st.binary(min_size=1, max_size=16)) + data[pos:]


@st.composite
def _delete_bytes(draw, data):
    pos = draw(st.integers(0, len(data)))
    return data[:pos] + data[pos + draw(st.integers(1, 64)):]


@st.composite
def _inject_nul(draw, data):
    pos = draw(st.integers(0, len(data)))
    return data[:pos] + b"\x00" * draw(st.integers(1, 4)) + data[pos:]


@st.composite
def _long_line(draw, data):
    """A very long value (longer than Arrow's 4 MiB CSV block for the biggest) or a very long line."""
    size = draw(st.sampled_from([5_000, 200_000, 5_000_000]))
    filler = draw(st.sampled_from([b"x", b"ab ", b"\xc3\xa9", b"{", b'"', b",", b"\t"]))
    piece = (filler * (size // len(filler) + 1))[:size]
    pos = draw(st.integers(0, len(data)))
    if draw(st.booleans()):
        piece = b"\n" + piece + b"\n"
    return data[:pos] + piece + data[pos:]


_SWAPS = {
    "comma<->semicolon": lambda d: d.translate(bytes.maketrans(b",;", b";,")),
    "tab<->comma": lambda d: d.translate(bytes.maketrans(b"\t,", b",\t")),
    "crlf->lf": lambda d: d.replace(b"\r\n", b"\n"),
    "lf->crlf": lambda d: d.replace(b"\n", b"\r\n"),
    "lf->cr": lambda d: d.replace(b"\r\n", b"\n").replace(b"\n", b"\r"),
    "no quotes": lambda d: d.replace(b'"', b""),
    "single quotes": lambda d: d.replace(b'"', b"'"),
}


@st.composite
def _swap_separators(draw, data):
    return _SWAPS[draw(st.sampled_from(sorted(_SWAPS)))](data)


def _reencoded(data: bytes, target: str) -> bytes:
    text = data.decode("utf-8", errors="replace")
    if target == "remove BOM":
        return data.removeprefix(codecs.BOM_UTF8)
    if target == "add BOM":
        return codecs.BOM_UTF8 + data
    if target == "mojibake":  # UTF-8 read as Latin-1 and saved again as UTF-8
        return data.decode("latin-1").encode("utf-8")
    return text.encode(target, errors="replace")


_ENCODINGS = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "add BOM", "remove BOM",
              "mojibake")


@st.composite
def _reencode(draw, data):
    return _reencoded(data, draw(st.sampled_from(_ENCODINGS)))


MUTATIONS = {
    "truncate": _truncate, "delete line": _delete_line, "duplicate line": _duplicate_line,
    "edit field": _edit_field, "cut line": _cut_line, "empty quoted": _empty_quoted,
    "flip bytes": _flip_bytes, "insert bytes": _insert_bytes, "delete bytes": _delete_bytes,
    "inject NUL": _inject_nul, "long line": _long_line, "swap separators": _swap_separators,
    "re-encode": _reencode,
}


# a record that is not one, as each kind of export could hold it
_JUNK_RECORDS = {
    "csv": ["x\n", ",,,\n", '"",""\n'],
    "ris": ["TY  - \nER  - \n\n", "AU  - Nobody\nER  - \n\n", "ER  - \n\n"],
    "medline": ["PMID- \n\n", "AU  - Nobody\n\n", "SO  - x\n\n"],
    "wos_plain": ["ER\n\n", "PT J\nER\n\n", "AU Nobody\nER\n\n"],
    "bibtex": ["@article{,}\n", "@misc{key}\n", "@string{x = \"y\"}\n", "@article{k, title = }\n"],
    "json": ["{}", "5", "null", '{"x": 1}', "[]", '{"title": null, "id": null}'],
}


@st.composite
def _record_edits(draw, seed: Seed) -> list[str]:
    """Whole records duplicated, deleted, swapped, or a junk record put between them."""
    records = list(seed.records)
    if seed.kind == "json_single":
        return records
    for _ in range(draw(st.integers(1, 2))):
        i = draw(st.integers(0, len(records) - 1)) if records else 0
        action = draw(st.sampled_from(["duplicate", "delete", "swap", "junk"]))
        if action == "duplicate" and records:
            records.insert(i, records[i])
        elif action == "delete" and len(records) > 1:
            del records[i]
        elif action == "swap" and len(records) > 1:
            j = draw(st.integers(0, len(records) - 1))
            records[i], records[j] = records[j], records[i]
        elif action == "junk":
            records.insert(i, draw(st.sampled_from(_JUNK_RECORDS[seed.kind])))
    return records


@st.composite
def mutated(draw, seeds: list[Seed]):
    """A seed's bytes after one to three mutations, with the mutations' names (for the failure report);
    whole records may be edited first."""
    seed = draw(st.sampled_from(seeds))
    applied = []
    if draw(st.integers(0, 3)) == 0:
        data = seed.data(draw(_record_edits(seed)))
        applied.append("records edited")
    else:
        data = seed.data()
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(MUTATIONS)))
        data = draw(MUTATIONS[name](data))
        applied.append(name)
    return seed, applied, data


# ------------------------------------------------------------------------------------------ the tests

@pytest.mark.parametrize("fmt", FORMATS)
def test_seeds_read_cleanly(fmt, request, tmp_path_factory):
    """The seeds themselves: every record cut out is read and kept (so the exact counts below hold)."""
    for seed in seeds_for(fmt, request):
        loaded = baseline(seed, tmp_path_factory)
        assert loaded.report.format == fmt, seed.name
        assert loaded.report.records_read == len(seed.records), seed.name
        assert not loaded.report.rejected, (seed.name, loaded.report.rejected)
        check_accounting(loaded)


@pytest.mark.parametrize("fmt", FORMATS)
def test_mutated_input_gives_records_or_parse_error(fmt, request, tmp_path):
    seeds = seeds_for(fmt, request)

    @FUZZ
    @given(mutated(seeds))
    def run(case):
        _seed, _mutations, data = case   # hypothesis prints all three when an example fails
        loaded = load_bytes(data, tmp_path)   # anything but a ParseError propagates and fails
        if not isinstance(loaded, ParseError):
            check_accounting(loaded)

    run()


def _value_positions(seed: Seed) -> list[int]:
    """Where the ASCII letters inside values are: each can become another letter, a digit, a space or a
    non-ASCII character without touching the structure around it (tags, separators, quotes, braces)."""
    text, offset, out = seed.text(), len(seed.prefix), []
    for i, record in enumerate(seed.records):
        pos = offset
        for line in _lines(record):
            start = {"csv": 0, "ris": 6, "medline": 6, "wos_plain": 3}.get(seed.kind)
            if seed.kind == "ris" and not re.match(r"[A-Z][A-Z0-9]  - ", line):
                start = None
            if seed.kind == "bibtex":  # inside braces or quotes: a bare word (month = jan) is a macro
                opening = re.search(r"=\s*[{\"]", line) if "=" in line else re.match("", line)
                start = None if line.lstrip().startswith("@") or opening is None else opening.end()
            if seed.kind in ("json", "json_single"):
                start = None
                for m in re.finditer(r'"(?:display_name|dc:title|prism:publicationName)": ?"([A-Za-z ]+)"', line):
                    out.extend(pos + j for j in range(*m.span(1)) if line[j] != " ")
            if start is not None:
                out.extend(pos + j for j in range(start, len(line)) if line[j].isascii() and line[j].isalpha())
            pos += len(line)
        offset += len(record) + len(seed.sep)
    assert all(text[p].isalpha() for p in out)
    return out


@st.composite
def value_changes(draw, seeds: list[Seed]):
    seed = draw(st.sampled_from(seeds))
    positions = _value_positions(seed)
    text = list(seed.text())
    for _ in range(draw(st.integers(1, 5))):
        if positions:
            text[draw(st.sampled_from(positions))] = draw(st.sampled_from("abxyzQWZ09 éü€—"))
    return seed, "".join(text).encode("utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
def test_characters_changed_inside_values_keep_the_record_count(fmt, request, tmp_path, tmp_path_factory):
    seeds = seeds_for(fmt, request)

    @settings(FUZZ, max_examples=max(10, EXAMPLES // 3))
    @given(value_changes(seeds))
    def run(case):
        seed, data = case
        loaded = load_bytes(data, tmp_path)
        assert not isinstance(loaded, ParseError), loaded
        check_accounting(loaded)
        assert loaded.report.records_read == len(seed.records)
        assert loaded.report.records_kept == baseline(seed, tmp_path_factory).report.records_kept

    run()


def _joinable(seeds):
    return [s for s in seeds if s.kind != "json_single"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_duplicated_record_adds_one(fmt, request, tmp_path, tmp_path_factory):
    for seed in _joinable(seeds_for(fmt, request)):
        before = baseline(seed, tmp_path_factory).records["record_id"].tolist()
        for i in sorted({0, len(seed.records) - 1}):
            records = list(seed.records)
            records.insert(i + 1, records[i])
            loaded = load_bytes(seed.data(records), tmp_path)
            assert not isinstance(loaded, ParseError), (seed.name, i, loaded)
            check_accounting(loaded)
            assert loaded.report.records_kept == len(before) + 1, (seed.name, i)
            after = loaded.records["record_id"].tolist()
            assert after[:i + 1] == before[:i + 1] and after[i + 2:] == before[i + 1:], (seed.name, i)
            assert after[i + 1] == f"{before[i]}#2" or before[i] + "#2" in before, (seed.name, i, after[i + 1])


@pytest.mark.parametrize("fmt", FORMATS)
def test_deleted_record_removes_one(fmt, request, tmp_path, tmp_path_factory):
    for seed in _joinable(seeds_for(fmt, request)):
        if len(seed.records) < 2:
            continue
        before = baseline(seed, tmp_path_factory).records
        for i in sorted({0, len(seed.records) - 1}):
            records = list(seed.records)
            del records[i]
            loaded = load_bytes(seed.data(records), tmp_path)
            assert not isinstance(loaded, ParseError), (seed.name, i, loaded)
            check_accounting(loaded)
            assert loaded.report.records_kept == len(before) - 1, (seed.name, i)
            expected = before["record_id"].drop(index=i).tolist()
            assert loaded.records["record_id"].tolist() == expected, (seed.name, i)


def _comparable(records: pd.DataFrame) -> pd.DataFrame:
    return records.drop(columns=["source_file"]).reset_index(drop=True)


def _encodings_of(text: str) -> dict[str, bytes]:
    """The same text as other bytes a reader must read identically."""
    lf = text.lstrip("\ufeff").replace("\r\n", "\n")
    crlf = lf.replace("\n", "\r\n")
    out = {"utf-8 BOM CRLF": codecs.BOM_UTF8 + crlf.encode("utf-8"), "utf-16 BOM": lf.encode("utf-16"),
           "utf-16-be BOM CRLF": codecs.BOM_UTF16_BE + crlf.encode("utf-16-be")}
    try:
        cp1252 = lf.encode("cp1252")
    except UnicodeEncodeError:
        return out
    try:
        ambiguous = cp1252.decode("utf-8") != lf   # Windows-1252 bytes that are also valid UTF-8
    except UnicodeDecodeError:
        ambiguous = False
    if not ambiguous:
        out["cp1252"] = cp1252
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_reencoded_file_gives_identical_records(fmt, request, tmp_path, tmp_path_factory):
    for seed in seeds_for(fmt, request):
        expected = _comparable(baseline(seed, tmp_path_factory).records)
        for encoding, data in _encodings_of(decode(seed.data(), seed.name).text).items():
            loaded = load_bytes(data, tmp_path)
            assert not isinstance(loaded, ParseError), (seed.name, encoding, loaded)
            pd.testing.assert_frame_equal(_comparable(loaded.records), expected, obj=f"{seed.name} {encoding}")


# ------------------------------------------------------------------------- what the fuzzing found, pinned

def test_csv_cut_inside_its_header_is_empty_not_an_arrow_error(tmp_path):
    loaded = load_bytes(b'"Lens ID","Title","Publication Year"', tmp_path)   # no newline, no rows
    assert isinstance(loaded, EmptyFileError), loaded


def test_csv_header_longer_than_arrows_block(tmp_path):
    name = "x" * (5 << 20)   # pyarrow's skip_rows fails on a header line longer than its 4 MiB block
    loaded = load_bytes(f'"Lens ID","Title","{name}"\n"1","A title","v"\n'.encode(), tmp_path)
    assert not isinstance(loaded, ParseError), loaded
    assert loaded.report.records_kept == 1


def test_csv_field_longer_than_pythons_csv_limit(tmp_path):
    long = "y" * 200_000     # Python's csv module refuses fields over 128 KiB unless told otherwise
    data = f'"Lens ID","Title","{long}"\n"1","A title","v"\n"2","cut"\n'.encode()
    loaded = load_bytes(data, tmp_path)
    assert not isinstance(loaded, ParseError), loaded
    assert [r["source_record"] for r in loaded.report.rejected] == [2]


def test_windows_1252_csv_with_a_malformed_row(tmp_path):
    # not UTF-8 (0xe9 is cp1252 "é"), and row 2 has too few fields: pyarrow cannot hand that row to the
    # invalid-row handler, so the file has to be decoded before the row can be rejected
    data = '"Lens ID","Title"\n"1","Caf\xe9 society"\n"2 caf\xe9"\n"3","Na\xefve"\n'.encode("cp1252")
    loaded = load_bytes(data, tmp_path)
    assert not isinstance(loaded, ParseError), loaded
    assert loaded.report.encoding == "cp1252"
    assert loaded.records["title"].tolist() == ["Café society", "Naïve"]
    assert [(r["source_record"], r["line"]) for r in loaded.report.rejected] == [(2, 3)]


def test_medline_junk_line_cut_inside_a_character_is_a_parse_error(tmp_path):
    # the junk line's bytes 4-5 are one character: slicing its "value" at byte 5 gave invalid UTF-8
    data = "PMID- 1\nTI  - A title\nABCDé is not a field\nSO  - J. 2020\n".encode()
    loaded = load_bytes(data, tmp_path)
    assert isinstance(loaded, ParseError) and "not a MEDLINE field" in loaded.message, loaded


def test_openalex_value_that_is_not_a_work_keeps_the_record_numbers_apart(tmp_path):
    works = [{"id": "https://openalex.org/W1", "title": "One"}, {"x": 1}, 5,
             {"id": "https://openalex.org/W2", "title": "Two"}]
    loaded = load_bytes(json.dumps(works).encode(), tmp_path)
    assert loaded.records["source_record"].tolist() == [1, 4]
    assert [r["source_record"] for r in loaded.report.rejected] == [2, 3]


def test_long_author_and_affiliation_values_read_in_linear_time(tmp_path):
    # a run of capitals that is not initials (exponential in the old initials regex) and a long run of
    # trailing punctuation or of non-blanks (quadratic in the affiliation clean-up); the alarm is the check
    record = ("TY  - JOUR\nAU  - Smith, " + "A" * 60 + "1\nAD  - Univ X, Paris, France" + "," * 100_000
              + "\nAD  - " + "x" * 100_000 + "\nTI  - A title\nER  - \n")
    loaded = load_bytes(record.encode(), tmp_path)
    assert not isinstance(loaded, ParseError), loaded
    assert list(loaded.records["countries"].iloc[0]) == ["France"]


def test_csv_header_of_millions_of_columns_is_refused_quickly(tmp_path):
    # a run of commas pasted into the header: pyarrow spent minutes and gigabytes on 5 million columns
    loaded = load_bytes(b'PMID,Title,Citation' + b"," * 5_000_000 + b'\n"1","A title","J. 2020"\n', tmp_path)
    assert isinstance(loaded, ParseError) and "too many columns" in loaded.message, loaded
