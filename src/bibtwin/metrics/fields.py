"""Fields: native subject tables (WoS categories, Scopus subject areas, MeSH headings) and fields of
medicine from a versioned, human-editable mapping (``config/fields-of-medicine.yaml``).

Classification rule (per work and field, multi-label). Evidence is looked for in three places:

- the *title*: one of the field's ``phrases``;
- the *indexing*: a MeSH descriptor of the field's ``mesh`` list among the MeSH headings (subheadings
  dropped) or index keywords, a keyword of its ``keywords`` list among the author or index keywords,
  or one of its ``phrases`` in the author keywords, index keywords or MeSH headings;
- the *abstract*: at least ``abstract_min_hits`` (default 2) occurrences of its phrases (one passing
  mention of "heart" in an abstract does not make a cardiology paper).

A work belongs to the field when at least ``min_sources`` of the three places show it: one suffices for
a clinical specialty (default 1), while the cross-cutting framings of digital-twin work (precision
medicine, in-silico trials / drug development) ask for two, because "personalized medicine" is named
in the title or keywords of digital-twin papers whose subject lies elsewhere. ``min_sources`` and
``abstract_min_hits`` can be set per field.

A field's ``exclude`` phrases are blanked out of the text before its phrases are matched ("neural
network" is not neurology). A work without any field gets the explicit field ``unclassified``.
Matching is vectorized: one regular expression per field (Arrow RE2) over lower-cased text columns, and
set membership over exploded MeSH/keyword lists.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import yaml

from ..paths import CONFIG
from ._frame import citations, explode, id_column, list_array, years
from .citations import impact_indices
from .keywords import term_items

UNCLASSIFIED = "unclassified"
DEFAULT_MAPPING = CONFIG / "fields-of-medicine.yaml"

# MeSH check tags: they describe the study population, not its subject
MESH_CHECK_TAGS = frozenset({
    "HUMANS", "ANIMALS", "MALE", "FEMALE", "ADULT", "AGED", "AGED, 80 AND OVER", "MIDDLE AGED",
    "YOUNG ADULT", "ADOLESCENT", "CHILD", "CHILD, PRESCHOOL", "INFANT", "INFANT, NEWBORN", "PREGNANCY",
    "MICE", "RATS", "CATTLE", "DOGS", "SWINE",
})


def load_field_mapping(path=None) -> dict:
    """Read and check a field mapping (default ``config/fields-of-medicine.yaml``).

    Returns ``{"version", "abstract_min_hits", "fields": {name: {"label", "mesh", "keywords", "phrases",
    "exclude"}}}`` with every list present (possibly empty). Raises ValueError naming the file and the
    field when the mapping is malformed.
    """
    path = Path(path) if path is not None else DEFAULT_MAPPING
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or "version" not in raw or not isinstance(raw.get("fields"), dict):
        raise ValueError(f"{path}: expected a mapping with 'version' and 'fields', found "
                         f"{sorted(raw) if isinstance(raw, dict) else type(raw).__name__}")
    fields = {}
    for name, spec in raw["fields"].items():
        if not isinstance(spec, dict) or "label" not in spec:
            raise ValueError(f"{path}: field {name!r} needs a 'label'")
        if name == UNCLASSIFIED:
            raise ValueError(f"{path}: {UNCLASSIFIED!r} is reserved for works without a field")
        clean = {"label": str(spec["label"])}
        for key in ("mesh", "keywords", "phrases", "exclude"):
            values = spec.get(key) or []
            if not isinstance(values, list):
                raise ValueError(f"{path}: field {name!r}: {key!r} must be a list, found {type(values).__name__}")
            clean[key] = [str(v) for v in values]
        if "min_sources" in spec:
            clean["min_sources"] = int(spec["min_sources"])
        if "abstract_min_hits" in spec:
            clean["abstract_min_hits"] = int(spec["abstract_min_hits"])
        fields[name] = clean
    settings = raw.get("settings") or {}
    return {"version": str(raw["version"]), "abstract_min_hits": int(settings.get("abstract_min_hits", 2)),
            "min_sources": int(settings.get("min_sources", 1)), "fields": fields}


def _phrase_regex(phrases: list[str]) -> str | None:
    # phrases are lower-case regex fragments; \b on both sides gives word boundaries. Longest first: the
    # alternation takes the first alternative that matches, so "magnetic resonance imaging" counts once,
    # not as "magnetic resonance" + "imaging"
    ordered = sorted(phrases, key=len, reverse=True)
    return r"\b(?:" + "|".join(f"(?:{p.lower()})" for p in ordered) + r")\b" if phrases else None


def _joined_terms(df: pd.DataFrame, field: str) -> pd.Series:
    """All terms of a list field per document, lower-cased, joined by " | " (empty string when none).

    ``mesh_headings`` joins the MeSH terms with their subheadings and major-topic stars removed."""
    column = "mesh_terms" if field == "mesh_headings" else field
    if column not in df.columns:
        return pd.Series("", index=range(len(df)), dtype="string[pyarrow]")
    joined = pd.Series(pd.arrays.ArrowExtensionArray(pc.binary_join(list_array(df[column]), " | ")),
                       dtype="string[pyarrow]").fillna("").str.lower()
    if field == "mesh_headings":
        joined = joined.str.replace(r"/[^|]*", " ", regex=True).str.replace("*", "", regex=False)
    return joined


def _text(df: pd.DataFrame, column: str) -> pd.Series:
    if column not in df.columns:
        return pd.Series("", index=range(len(df)), dtype="string[pyarrow]")
    return df[column].astype("string[pyarrow]").fillna("").str.lower().reset_index(drop=True)


def classify_fields(works: pd.DataFrame, mapping: dict | None = None) -> pd.DataFrame:
    """Fields of medicine per work: id column (``work_id`` or ``record_id``), ``fields`` (list of field
    names, ``["unclassified"]`` when none) and one boolean column per field (``field__<name>``).

    See the module docstring for the rule.
    """
    mapping = mapping if mapping is not None else load_field_mapping()
    n = len(works)
    idc = id_column(works)
    title = _text(works, "title")
    indexing = (_joined_terms(works, "author_keywords") + " || " + _joined_terms(works, "index_keywords")
                + " || " + (_joined_terms(works, "mesh_headings") if "mesh_terms" in works.columns else ""))
    abstract = _text(works, "abstract")
    mesh = term_items(works, "mesh_headings", unique_per_row=True) if "mesh_terms" in works.columns \
        else pd.DataFrame({"row": [], "item": []})
    keywords = pd.concat([term_items(works, "author_keywords", unique_per_row=True),
                          term_items(works, "index_keywords", unique_per_row=True)], ignore_index=True)
    flags = {}
    for name, spec in mapping["fields"].items():
        index_hit = np.zeros(n, dtype=bool)
        title_hit = np.zeros(n, dtype=bool)
        abstract_hit = np.zeros(n, dtype=bool)
        if spec["mesh"]:
            # Scopus index keywords and OpenAlex concepts carry MeSH descriptors too
            wanted = {t.upper() for t in spec["mesh"]}
            rows = np.concatenate([mesh.loc[mesh["item"].isin(wanted), "row"].to_numpy(),
                                   keywords.loc[keywords["item"].isin(wanted), "row"].to_numpy()])
            index_hit[rows.astype(np.int64)] = True
        if spec["keywords"]:
            rows = keywords.loc[keywords["item"].isin({k.upper() for k in spec["keywords"]}), "row"].to_numpy()
            index_hit[rows.astype(np.int64)] = True
        pattern = _phrase_regex(spec["phrases"])
        if pattern:
            exclude = _phrase_regex(spec["exclude"])
            texts = [title, indexing, abstract]
            if exclude:
                texts = [t.str.replace(exclude, " ", regex=True) for t in texts]
            title_hit = texts[0].str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)
            index_hit |= texts[1].str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)
            needed = spec.get("abstract_min_hits", mapping["abstract_min_hits"])
            abstract_hit = texts[2].str.count(pattern).fillna(0).to_numpy() >= needed
        sources = title_hit.astype(np.int8) + index_hit + abstract_hit
        flags[name] = sources >= spec.get("min_sources", mapping["min_sources"])
    names = np.array(list(flags), dtype=object)
    matrix = np.column_stack([flags[k] for k in names]) if len(names) else np.zeros((n, 0), dtype=bool)
    rows, cols = np.nonzero(matrix)
    per_row = pd.Series(names[cols], dtype=object).groupby(rows).agg(list)
    fields = per_row.reindex(range(n))
    fields = fields.where(fields.notna(), pd.Series([[UNCLASSIFIED]] * n))
    out = pd.DataFrame({idc: works[idc].to_numpy(dtype=object), "fields": fields.to_numpy(dtype=object)})
    for k in names:
        out[f"field__{k}"] = flags[k]
    out[f"field__{UNCLASSIFIED}"] = ~matrix.any(axis=1) if len(names) else np.ones(n, dtype=bool)
    return out


def _field_membership(classified: pd.DataFrame) -> pd.DataFrame:
    """``row``, ``item``: one line per (work position, field), ``unclassified`` included."""
    cols = [c for c in classified.columns if c.startswith("field__")]
    matrix = classified[cols].to_numpy(dtype=bool)
    rows, idx = np.nonzero(matrix)
    names = np.array([c[len("field__"):] for c in cols], dtype=object)
    return pd.DataFrame({"row": rows.astype(np.int64), "item": names[idx]})


def _labels(mapping: dict | None) -> dict:
    mapping = mapping if mapping is not None else load_field_mapping()
    labels = {k: v["label"] for k, v in mapping["fields"].items()}
    labels[UNCLASSIFIED] = "Unclassified"
    return labels


def works_per_field(classified: pd.DataFrame, mapping: dict | None = None) -> pd.DataFrame:
    """Works per field: ``field``, ``label``, ``works``, ``share`` (of all works; multi-label, so the
    shares add up to more than 1). Sorted by works, ties by name."""
    member = _field_membership(classified)
    counts = member["item"].value_counts()
    labels = _labels(mapping)
    out = pd.DataFrame({"field": list(labels)}).assign(
        label=lambda d: d["field"].map(labels),
        works=lambda d: d["field"].map(counts).fillna(0).astype(np.int64))
    out["share"] = out["works"] / len(classified) if len(classified) else np.nan
    return out.sort_values(["works", "field"], ascending=[False, True], ignore_index=True)


def fields_by_year(works: pd.DataFrame, classified: pd.DataFrame) -> pd.DataFrame:
    """Works per field and publication year (long): ``year``, ``field``, ``works``. ``classified`` must
    be :func:`classify_fields` of the same table (same row order)."""
    member = _field_membership(classified)
    y = years(works)[member["row"].to_numpy()]
    member = member.assign(year=y)[~np.isnan(y)]
    out = member.groupby([member["year"].astype(np.int64), "item"]).size().rename("works").reset_index()
    return out.rename(columns={"item": "field"}).sort_values(["year", "field"], ignore_index=True)


def citations_per_field(works: pd.DataFrame, classified: pd.DataFrame, reference_year: int,
                        column: str = "cited_by") -> pd.DataFrame:
    """Per field: ``works``, ``works_with_citations_known``, ``total_citations``, ``mean_citations``,
    ``median_citations`` (over known counts) and the field's h-, g- and m-index."""
    member = _field_membership(classified)
    tc = citations(works, column)
    frame = pd.DataFrame({"field": member["item"].to_numpy(dtype=object), "tc": tc[member["row"].to_numpy()]})
    g = frame.groupby("field")["tc"]
    out = pd.DataFrame({"works": g.size(), "works_with_citations_known": g.count(),
                        "total_citations": g.sum(min_count=1), "mean_citations": g.mean(),
                        "median_citations": g.median()})
    impact = impact_indices(works, member, reference_year, column).set_index("item")
    out = out.join(impact[["h_index", "g_index", "m_index"]])
    out.index.name = "field"
    return out.reset_index().sort_values(["works", "field"], ascending=[False, True], ignore_index=True)


def subject_category_table(df: pd.DataFrame) -> pd.DataFrame:
    """Documents per native subject category (WoS ``WC`` categories, Scopus subject areas):
    ``category``, ``documents``. Sorted by documents, ties alphabetical."""
    items = explode(df["subject_categories"], unique_per_row=True)
    counts = items["item"].value_counts()
    out = pd.DataFrame({"category": counts.index.astype(object), "documents": counts.to_numpy(dtype=np.int64)})
    return out.sort_values(["documents", "category"], ascending=[False, True], ignore_index=True)


def mesh_heading_table(df: pd.DataFrame, drop_check_tags: bool = True) -> pd.DataFrame:
    """Documents per MeSH descriptor (subheadings and the major-topic ``*`` dropped, upper case):
    ``heading``, ``documents``; check tags (Humans, Female, Aged ...) left out unless asked for."""
    items = term_items(df, "mesh_headings", unique_per_row=True)
    if drop_check_tags:
        items = items[~items["item"].isin(MESH_CHECK_TAGS)]
    counts = items["item"].value_counts()
    out = pd.DataFrame({"heading": counts.index.astype(object), "documents": counts.to_numpy(dtype=np.int64)})
    return out.sort_values(["documents", "heading"], ascending=[False, True], ignore_index=True)
