"""German service search that behaves the same on SQLite and PostgreSQL.

Words are folded (case, umlauts, ß), stemmed with the Snowball German stemmer, expanded
with the synonym table, and matched against the stems of a service's name, search
terms and summary. Compound words match by their parts: "Parkausweis" finds
"Bewohnerparkausweis" (the index word contains the query stem) and
"Hundesteueranmeldung" finds the services indexed as "hundesteu" and "anmeld" (the
query word is split into known index words). The catalogue is small (hundreds of
services), so ranking runs in Python over an index built per request.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from .models import SearchSynonym, Service

FIELD_WEIGHTS = {"name": 3.0, "synonyms": 2.0, "summary": 1.0}
MIN_PART = 4  # shortest compound part or contained stem that counts
STOPWORDS = {"der", "die", "das", "ein", "eine", "einen", "und", "oder", "fur", "fuer", "mit", "von", "zu", "im",
             "in", "am", "an", "auf", "ich", "mein", "meine", "meinen", "wie", "was", "wo", "beantragen", "antrag"}

_stemmer = snowballstemmer.stemmer("german")


def fold(text: str) -> str:
    text = text.casefold().replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    return _stemmer.stemWord(fold(word))


def words(text: str) -> list[str]:
    return [w for w in re.findall(r"[\w]+", fold(text)) if len(w) > 1 and w not in STOPWORDS]


@dataclass
class Hit:
    service: Service
    score: float


def _index(services: list[Service]) -> dict[int, dict[str, float]]:
    """service id -> {stem: best field weight}."""
    index: dict[int, dict[str, float]] = {}
    for service in services:
        stems: dict[str, float] = {}
        for field, text in (("name", f"{service.name_de} {service.name_en}"), ("synonyms", service.synonyms),
                            ("summary", f"{service.summary_de} {service.summary_en}")):
            for word in words(text):
                s = stem(word)
                stems[s] = max(stems.get(s, 0), FIELD_WEIGHTS[field])
        index[service.pk] = stems
    return index


def _known(part: str, vocabulary: set[str]) -> str | None:
    """The vocabulary word for a compound part (as is, stemmed, or without a Fugen-s)."""
    for candidate in (part, stem(part), part[:-1] if part.endswith("s") else None):
        if candidate and len(candidate) >= MIN_PART and candidate in vocabulary:
            return candidate
    return None


def _split_compound(term: str, vocabulary: set[str]) -> list[str]:
    """Split a stemmed word into two known vocabulary words (longest head first), or []."""
    if len(term) < 2 * MIN_PART:
        return []
    for cut in range(len(term) - MIN_PART, MIN_PART - 1, -1):
        head, tail = _known(term[:cut], vocabulary), _known(term[cut:], vocabulary)
        if head and tail:
            return [head, tail]
    return []


def _term_score(term: str, stems: dict[str, float]) -> float:
    best = 0.0
    for indexed, weight in stems.items():
        if indexed == term:
            best = max(best, weight * 1.0)
        elif len(term) >= MIN_PART and indexed.startswith(term):
            best = max(best, weight * 0.8)
        elif len(term) >= MIN_PART and term in indexed:
            best = max(best, weight * 0.6)
    return best


def _expansions() -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for synonym in SearchSynonym.objects.all():
        result.setdefault(stem(synonym.term), []).extend(stem(w) for w in words(synonym.expansion))
    return result


def search(query: str, services: list[Service]) -> list[Hit]:
    index = _index(services)
    vocabulary = {s for stems in index.values() for s in stems}
    expansions = _expansions()
    query_terms = [stem(w) for w in words(query)]
    if not query_terms:
        return [Hit(service, 0.0) for service in services]
    hits = []
    for service in services:
        stems = index[service.pk]
        total = 0.0
        for term in query_terms:
            alternatives = [[term]] + [[e] for e in expansions.get(term, [])]
            parts = _split_compound(term, vocabulary)
            if parts:
                alternatives.append(parts)
            best = 0.0
            for alternative in alternatives:
                scores = [_term_score(t, stems) for t in alternative]
                if all(scores):
                    # A synonym or a compound split counts a little less than the word itself.
                    factor = 1.0 if alternative == [term] else 0.7
                    best = max(best, factor * sum(scores) / len(scores))
            if best == 0.0:
                break  # every query word must match (AND)
            total += best
        else:
            hits.append(Hit(service, total))
    hits.sort(key=lambda h: (-h.score, h.service.name_de))
    return hits
