"""German full-text ranking that behaves the same on SQLite and PostgreSQL (pure Python).

Any app hands in its documents as (key, {field: text}) pairs with a weight per field
and gets the keys back best first; the catalogue ranks its services with it and the
marketplace can rank its products the same way.

- Words are folded (case, umlauts, ß) and stemmed with the Snowball German stemmer.
- Every query word must match (AND); a word matches a stem as is (1.0), as its prefix
  (0.8) or inside it (0.6), so "Parkausweis" finds "Bewohnerparkausweis".
- A compound query word is split into two known index words: "Hundesteueranmeldung"
  finds the documents indexed as "hundesteu" and "anmeld".
- Expansions are search words or phrases and the words they also stand for
  ("Umzug" -> "Ummeldung Anmeldung", "Adresse ändern" -> "Ummeldung"); a phrase is
  matched as consecutive query words.
- Typos: a query word that is no index word and no expansion is compared with both by
  Damerau-Levenshtein distance (optimal string alignment). Words of 5 letters or more
  tolerate one edit, of 9 or more two; the first letter must be right, and the
  corrected word scores lower (x 0.6). "Persoanlausweis" finds "Personalausweis",
  "Umzg" the expansion "Umzug".

The collections ranked here are small (hundreds of documents), so the index is built
per call; stems are cached.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

__all__ = ["DEFAULT_WEIGHTS", "damerau_levenshtein", "fold", "rank", "stem", "words"]

DEFAULT_WEIGHTS = {"name": 3.0, "synonyms": 2.0, "summary": 1.0}
MIN_PART = 4  # shortest compound part or contained stem that counts
SYNONYM_FACTOR = 0.6  # an expansion or a compound split counts less than the word itself (a search word
# matched directly, 2.0, beats an expansion that matched a name, 3 x 0.6)
TYPO_FACTOR = 0.6  # a corrected word counts less again
SECOND_MATCH_BONUS = 0.1  # share of the second-best matching alternative added to a word's score
MIN_TYPO_LENGTH = 4  # shorter query words are never corrected
STOPWORDS = {"der", "die", "das", "dem", "den", "des", "ein", "eine", "einen", "einem", "einer", "und", "oder",
             "fur", "fuer", "mit", "von", "vom", "zu", "zum", "zur", "im", "in", "am", "an", "auf", "aus", "bei",
             "ich", "mein", "meine", "meinen", "meinem", "meiner", "wie", "was", "wo", "beantragen", "antrag",
             "the", "a", "of", "for", "my", "to"}

_stemmer = snowballstemmer.stemmer("german")


def fold(text: str) -> str:
    """Lower case without accents: "Führungszeugnis" -> "fuhrungszeugnis", "ß" -> "ss"."""
    text = text.casefold().replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    return _stemmer.stemWord(fold(word))


def words(text: str) -> list[str]:
    """The folded words of `text` that carry meaning (no stop words, no single letters)."""
    return [w for w in re.findall(r"\w+", fold(text)) if len(w) > 1 and w not in STOPWORDS]


@lru_cache(maxsize=4096)
def stems(text: str) -> tuple[str, ...]:
    """The stems of `text` (cached: the same field texts are ranked request after request)."""
    return tuple(stem(w) for w in words(text))


def typo_budget(length: int) -> int:
    """Edits tolerated for a word of `length` letters."""
    return 2 if length >= 9 else 1 if length >= 5 else 0


def damerau_levenshtein(a: str, b: str, limit: int | None = None) -> int:
    """Edit distance with adjacent transpositions (optimal string alignment). With
    `limit`, any distance above it is returned as limit + 1 (early exit)."""
    if a == b:
        return 0
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if limit is not None and min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _corrections(term: str, candidates: Iterable[str]) -> list[str]:
    """The candidates within the typo budget of `term`, closest first."""
    if len(term) < MIN_TYPO_LENGTH:
        return []
    found = []
    for candidate in candidates:
        budget = typo_budget(max(len(term), len(candidate)))
        if not budget or candidate[0] != term[0] or abs(len(candidate) - len(term)) > budget:
            continue
        distance = damerau_levenshtein(term, candidate, budget)
        if distance <= budget:
            found.append((distance, candidate))
    return [candidate for _distance, candidate in sorted(found)]


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


def _term_score(term: str, index: dict[str, float]) -> float:
    best = index.get(term, 0.0)
    if len(term) < MIN_PART:
        return best
    for indexed, weight in index.items():
        if weight * 0.8 <= best:
            continue
        if indexed.startswith(term):
            best = max(best, weight * 0.8)
        elif term in indexed:
            best = max(best, weight * 0.6)
    return best


@dataclass
class _Unit:
    """One query word or phrase: alternatives, each a list of stems that must all match,
    with the factor its score is multiplied by."""

    alternatives: list[tuple[list[str], float]]


def _expansion_table(expansions: Mapping[str, str | Iterable[str]]) -> dict[tuple[str, ...], list[str]]:
    table: dict[tuple[str, ...], list[str]] = {}
    for phrase, expansion in expansions.items():
        key = tuple(stems(phrase))
        if not key:
            continue
        text = expansion if isinstance(expansion, str) else " ".join(expansion)
        table.setdefault(key, []).extend(s for s in stems(text) if s not in table.get(key, []))
    return table


def _units(query_terms: list[str], table: dict[tuple[str, ...], list[str]], vocabulary: set[str]) -> list[_Unit]:
    longest = max((len(k) for k in table), default=1)
    single_keys = {k[0] for k in table if len(k) == 1}
    units, i = [], 0
    while i < len(query_terms):
        # A phrase of the expansion table, longest first ("adress andern").
        for size in range(min(longest, len(query_terms) - i), 1, -1):
            phrase = tuple(query_terms[i:i + size])
            if phrase in table:
                units.append(_Unit([(list(phrase), 1.0)] + [([e], SYNONYM_FACTOR) for e in table[phrase]]))
                i += size
                break
        else:
            term = query_terms[i]
            units.append(_Unit(_word_alternatives(term, table, vocabulary, single_keys)))
            i += 1
    return units


def _word_alternatives(term, table, vocabulary, single_keys) -> list[tuple[list[str], float]]:
    alternatives: list[tuple[list[str], float]] = [([term], 1.0)]
    alternatives += [([e], SYNONYM_FACTOR) for e in table.get((term,), [])]
    parts = _split_compound(term, vocabulary)
    if parts:
        alternatives.append((parts, SYNONYM_FACTOR))
    if term not in single_keys and not parts and not any(term in v for v in vocabulary):
        for corrected in _corrections(term, vocabulary | single_keys):
            alternatives.append(([corrected], TYPO_FACTOR))
            alternatives += [([e], TYPO_FACTOR * SYNONYM_FACTOR) for e in table.get((corrected,), [])]
    return alternatives


def rank[K: Hashable](query: str, documents: Iterable[tuple[K, Mapping[str, str]]], *,
                      expansions: Mapping[str, str | Iterable[str]] | None = None,
                      weights: Mapping[str, float] | None = None) -> list[tuple[K, float]]:
    """The keys of the documents matching every word of `query`, best first, with their
    scores. Ties keep the order the documents came in; an empty query (nothing but stop
    words or punctuation) returns every document with score 0. Fields without a weight
    count 1."""
    weights = DEFAULT_WEIGHTS if weights is None else weights
    documents = list(documents)
    index: list[tuple[K, dict[str, float]]] = []
    for key, fields in documents:
        entry: dict[str, float] = {}
        for field, text in fields.items():
            weight = weights.get(field, 1.0)
            for s in stems(text or ""):
                if entry.get(s, 0.0) < weight:
                    entry[s] = weight
        index.append((key, entry))
    query_terms = list(stems(query))
    if not query_terms:
        return [(key, 0.0) for key, _fields in documents]
    vocabulary = {s for _key, entry in index for s in entry}
    units = _units(query_terms, _expansion_table(expansions or {}), vocabulary)
    hits = []
    for key, entry in index:
        total = 0.0
        for unit in units:
            matched = []
            for alternative, factor in unit.alternatives:
                scores = [_term_score(t, entry) for t in alternative]
                if all(scores):
                    matched.append(factor * sum(scores) / len(scores))
            if not matched:
                break  # every query word must match (AND)
            matched.sort(reverse=True)
            # More evidence ranks higher: the word itself and an expansion both matching.
            total += matched[0] + (SECOND_MATCH_BONUS * matched[1] if len(matched) > 1 else 0.0)
        else:
            hits.append((key, total))
    hits.sort(key=lambda hit: -hit[1])
    return hits
