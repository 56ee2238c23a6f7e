"""The catalogue's service search: the services of the city ranked by core.search
(folding, German stemming, compound parts, typo tolerance) with the synonym table of
the catalogue as expansions. Ranking runs in Python, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from digitalstadt.core.search import rank

from .models import SearchSynonym, Service

FIELD_WEIGHTS = {"name": 3.0, "synonyms": 2.0, "summary": 1.0}


@dataclass
class Hit:
    service: Service
    score: float


def expansions() -> dict[str, str]:
    """Search word or phrase -> the words it also stands for (staff keep them in the admin)."""
    return dict(SearchSynonym.objects.values_list("term", "expansion"))


def search(query: str, services: list[Service]) -> list[Hit]:
    """The services matching every word of `query`, best first (ties by German name)."""
    services = sorted(services, key=lambda s: s.name_de)
    by_pk = {s.pk: s for s in services}
    documents = [(s.pk, {"name": f"{s.name_de} {s.name_en}", "synonyms": s.synonyms,
                         "summary": f"{s.summary_de} {s.summary_en}"}) for s in services]
    return [Hit(by_pk[pk], score) for pk, score in rank(query, documents, expansions=expansions(),
                                                        weights=FIELD_WEIGHTS)]
