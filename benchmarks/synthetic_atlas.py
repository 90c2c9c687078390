"""A realistic synthetic atlas: titles built from ME/CFS research vocabulary, real-shaped ids."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SURNAMES = [
    "Lee",
    "Walitt",
    "Fluge",
    "Mella",
    "Nacul",
    "Komaroff",
    "Lipkin",
    "Davis",
    "Keller",
    "Wirth",
    "Scheibenbogen",
    "Naviaux",
    "Appelman",
    "Nakatomi",
    "Hornig",
    "Montoya",
    "Younger",
    "Light",
    "Rowe",
    "Newton",
    "Jason",
    "Sato",
    "Son",
    "Tanaka",
    "Kim",
    "Park",
    "Chen",
    "Wang",
    "Li",
    "Zhang",
    "Muller",
    "Schmidt",
    "Rossi",
    "Garcia",
    "Lopez",
    "Silva",
    "Nijs",
    "Meeus",
    "Cliff",
]
TOPICS = (
    "myalgic encephalomyelitis",
    "chronic fatigue syndrome",
    "long COVID",
    "fibromyalgia",
    "post-exertional malaise",
    "orthostatic intolerance",
    "post-COVID condition",
)
SUBJECTS = (
    "mitochondrial dysfunction",
    "natural killer cell cytotoxicity",
    "gut microbiome composition",
    "cerebral blood flow",
    "autoantibodies against G-protein coupled receptors",
    "plasma metabolomics",
    "cardiopulmonary exercise testing",
    "small fibre neuropathy",
    "T cell exhaustion",
    "neuroinflammation",
    "heart rate variability",
    "sleep architecture",
    "endothelial dysfunction",
    "cytokine profiles",
    "cognitive performance",
    "muscle biopsy",
)
DESIGNS = (
    "a randomized controlled trial",
    "a systematic review and meta-analysis",
    "a prospective cohort study",
    "a case-control study",
    "a cross-sectional study",
    "a pilot study",
    "a two-day CPET study",
    "a population-based study",
)
PATTERNS = (
    "{subject} in patients with {topic}: {design}",
    "Association between {subject} and symptom severity in {topic}",
    "{subject} and {subject2} in {topic}",
    "Effects of {intervention} on {subject} in {topic}: {design}",
    "Reduced {subject} after exertion in {topic}",
    "Characterizing {subject} in {topic} and {topic2}",
)
JOURNALS = ("PLoS One", "Journal of Translational Medicine", "Frontiers in Immunology")
INTERVENTIONS = ("low-dose naltrexone", "rituximab", "graded exercise", "pacing", "coenzyme Q10")


def synthetic_entries(count: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """`count` distinct entries with unique slugs, DOIs, PMIDs and (for some) PMCIDs."""
    rng = random.Random(seed)
    for number in range(count):
        surname = rng.choice(SURNAMES)
        year = rng.randint(1990, 2026)
        title = rng.choice(PATTERNS).format(
            subject=rng.choice(SUBJECTS),
            subject2=rng.choice(SUBJECTS),
            topic=rng.choice(TOPICS),
            topic2=rng.choice(TOPICS),
            design=rng.choice(DESIGNS),
            intervention=rng.choice(INTERVENTIONS),
        )
        title = f"{title[0].upper()}{title[1:]} (cohort {number})"
        words = [w for w in title.lower().replace(":", "").split() if len(w) > 3][:2]
        entry: dict[str, Any] = {
            "id": f"{surname.lower()}-{year}-{'-'.join(words)}-{number}",
            "title": title,
            "authors": [f"{surname}, A.", f"{rng.choice(SURNAMES)}, B."],
            "year": year,
            "journal": rng.choice(
                ("PLoS One", "Journal of Translational Medicine", "Frontiers in Immunology")
            ),
            "doi": f"10.{1000 + number % 9000}/synthetic.{number}",
            "pmid": str(10_000_000 + number),
            "summary": f"A synthetic summary of study {number} about {rng.choice(SUBJECTS)}.",
            "does_not_prove": "It does not prove causation.",
            "pem": rng.choice(("required", "not_required", "unclear")),
            "evidence_level": rng.choice(("E1", "E2", "E3")),
        }
        if number % 3 == 0:
            entry["pmcid"] = f"PMC{5_000_000 + number}"
        yield entry


def write_synthetic_atlas(path: Path, count: int) -> Path:
    """Write `count` synthetic entries as JSON Lines to `path`."""
    with path.open("w", encoding="utf-8") as handle:
        for entry in synthetic_entries(count):
            handle.write(json.dumps(entry) + "\n")
    return path
