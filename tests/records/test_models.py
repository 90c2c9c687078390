"""Atlas entries validate and normalise what importers give them."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from records.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from records.models import AtlasEntry


@pytest.mark.parametrize(
    ("raw", "field", "expected"),
    [
        ({"doi": "https://doi.org/10.1016/J.AUTREV.2023.103484"}, "doi", "10.1016/j.autrev.2023.103484"),
        ({"doi": "doi:10.7326/M18-1451"}, "doi", "10.7326/m18-1451"),
        ({"doi": "10.1016%2Fj.x.2020.1"}, "doi", "10.1016/j.x.2020.1"),
        ({"pmid": "PMID: 038016575"}, "pmid", "38016575"),
        ({"pmid": 38016575}, "pmid", "38016575"),
        ({"pmcid": "pmc 10881493"}, "pmcid", "PMC10881493"),
        ({"pem": "PEM ✓"}, "pem", "required"),
        ({"pem": "PEM ?"}, "pem", "unclear"),
        ({"pem": "PEM not required"}, "pem", "not_required"),
        ({"pem": True}, "pem", "required"),
        ({"evidence_level": "E1 Replicated"}, "evidence_level", "E1"),
        ({"authors": "Lee, Jin-Seok; Sato, Wakiro"}, "authors", ["Lee, Jin-Seok", "Sato, Wakiro"]),
        ({"authors": '["Lee, J"]'}, "authors", ["Lee, J"]),
        ({"id": "Lee-2024-Brain-Regional"}, "id", "lee-2024-brain-regional"),
        ({"year": ""}, "year", None),
    ],
)  # fmt: skip
def test_fields_are_normalised(raw: dict[str, Any], field: str, expected: Any) -> None:
    entry = AtlasEntry.model_validate({"id": "x-2020-a", "title": "T", **raw})
    assert getattr(entry, field) == expected


@pytest.mark.parametrize(
    ("raw", "complaint"),
    [
        ({"title": "T"}, "id"),
        ({"id": "x"}, "title"),
        ({"id": "x", "title": "T", "doi": "11.2/x"}, "not a valid DOI"),
        ({"id": "x", "title": "T", "pmid": "abc"}, "not a valid PMID"),
        ({"id": "x", "title": "T", "pem": "sometimes"}, "pem"),
        ({"id": "x", "title": "T", "year": 3024}, "year"),
        ({"id": "has spaces", "title": "T"}, "atlas slug"),
        ({"id": "x", "title": "T", "evidence_level": "E9"}, "evidence_level"),
    ],
)
def test_invalid_records_are_rejected_with_a_reason(raw: dict[str, Any], complaint: str) -> None:
    with pytest.raises(ValidationError, match=complaint):
        AtlasEntry.model_validate(raw)


def test_unknown_fields_are_kept_through_export() -> None:
    entry = AtlasEntry.model_validate({"id": "x", "title": "T", "curator_flag": {"a": 1}})
    assert entry.to_json_dict()["curator_flag"] == {"a": 1}


@pytest.mark.parametrize(
    ("normalize", "value"),
    [
        (normalize_doi, "https://dx.doi.org/10.1016/S0140-6736(11)60096-2"),
        (normalize_pmid, "PMID:00123"),
        (normalize_pmcid, "PMC0042"),
    ],
)
def test_normalising_twice_changes_nothing(normalize: Any, value: str) -> None:
    once = normalize(value)
    assert once is not None
    assert normalize(once) == once


@pytest.mark.parametrize("value", ["", "10.12/x", "doi", "PMC", "0", "PMID: 0", "12a"])
def test_non_identifiers_normalise_to_none(value: str) -> None:
    assert normalize_doi(value) is None
    assert normalize_pmcid(value) is None
    assert normalize_pmid(value) is None
