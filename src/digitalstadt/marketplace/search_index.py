"""The product search index (owned by the search part): other parts call
`index_products` after they create or change products (or a shop goes live, is
suspended, changes its name or district), and `unindex_products` after deleting them.

Only active products with at least one variant, of LIVE shops, are indexed. Each one
is a `SearchDocument` row (the filter and facet columns) and its words:

- SQLite: the FTS5 table `marketplace_search_fts` (rowid = product id; columns title,
  brand, category, description, shop, weighted in `bm25()` at query time).
- PostgreSQL: the `document` tsvector column of `marketplace_searchdocument` (GIN
  index), title weight A, brand and category B, shop and compound tails C, description D.

FTS5 has no German stemmer, so the words are folded (case, umlauts, ß) and stemmed here
with the Snowball German stemmer (`core.search`) on both databases. PostgreSQL's
'german' configuration is that same Snowball stemmer, but stemming an already stemmed
word again is not always a no-op ("kaffe" -> "kaff"), and typo corrections and compound
splits need the very lexemes the index holds; so PostgreSQL gets the words stemmed as
SQLite does and indexes them with the 'simple' configuration (lower case only).

The vocabulary (`SearchWord`) holds every indexed stem: typo corrections come from it
(through an FTS5 trigram table on SQLite, pg_trgm similarity on PostgreSQL), and
compound query words are split into vocabulary words.

A query becomes `plan_query(text)`: one unit per query word, every unit must match
(AND), a unit matches through any of its alternatives (the word and its prefix,
synonyms, compound parts, corrections), which `match_expression` renders for the
database in use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Exists, F, Min, OuterRef
from django.utils import timezone

from digitalstadt.core.search import STOPWORDS, damerau_levenshtein, fold, stem, typo_budget

__all__ = ["SYNONYMS", "QueryPlan", "index_products", "match_expression", "plan_query", "unindex_products"]

CHUNK = 500
MAX_WORD = 64  # longer "words" are no words anyone types (SearchWord.word max_length)
MAX_QUERY_WORDS = 8
MIN_PREFIX = 4  # a query word this long also matches as a prefix ("Tass" -> "Tassenset")
MIN_PART = 3  # shortest compound part ("Kinder|rad")
MIN_TYPO = 4  # shorter query words are never corrected
MAX_CORRECTIONS = 3
TYPO_CANDIDATES = 60

# Words a shopper types and the words shops write for the same thing; every word of a
# group also finds the others. German (and the odd English) retail vocabulary; applied
# to the query, not stored in the index, so a change takes effect at once.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("Handy", "Smartphone", "Mobiltelefon"),
    ("Fahrrad", "Rad", "Velo"),
    ("Turnschuhe", "Sneaker", "Sportschuhe"),
    ("Pulli", "Pullover"),
    ("Laptop", "Notebook"),
    ("Fernseher", "TV"),
    ("Kopfhörer", "Headphones"),
    ("Spielzeug", "Spielsachen"),
    ("Brötchen", "Semmel", "Weck"),
    ("Tüte", "Beutel"),
    ("Sakko", "Jackett"),
    ("Mütze", "Beanie"),
    ("Rucksack", "Backpack"),
    ("Fön", "Haartrockner"),
    ("Tasse", "Becher"),
)


def _tokens(text: str) -> list[str]:
    """Folded words of letters and digits (no underscore: it means nothing to either
    full-text engine), without stop words and single letters."""
    return [w for w in re.findall(r"[^\W_]+", fold(text or "")) if len(w) > 1 and w not in STOPWORDS]


def stems_of(text: str) -> list[str]:
    return [s for s in (stem(w) for w in _tokens(text)) if 1 < len(s) <= MAX_WORD]


def compound_tails(stems: Iterable[str]) -> list[str]:
    """The possible last parts of compound words: German compounds put the thing named
    last, so "Wanderrucksack" is a "Rucksack" and "Untertasse" a "Tasse". Indexed (with
    a low weight, outside the vocabulary) so that a query word finds the compounds it
    ends; the junk tails ("anderrucksack") match nothing anyone types."""
    tails = []
    for s in stems:
        tails += [s[i:] for i in range(MIN_PART, len(s) - MIN_PREFIX + 1)]
    return list(dict.fromkeys(tails))


def _synonym_table() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for group in SYNONYM_GROUPS:
        group_stems = [s for word in group for s in stems_of(word)]
        for s in group_stems:
            table[s] = tuple(dict.fromkeys(table.get(s, ()) + tuple(o for o in group_stems if o != s)))
    return table


SYNONYMS = _synonym_table()


# --- indexing ---------------------------------------------------------------------------


def _vendor() -> str:
    return connection.vendor


def _delete(cursor, ids: Sequence[int]) -> None:
    if not ids:
        return
    marks = ",".join(["%s"] * len(ids))
    if _vendor() == "sqlite":
        cursor.execute(f"DELETE FROM marketplace_search_fts WHERE rowid IN ({marks})", list(ids))
    cursor.execute(f"DELETE FROM marketplace_searchdocument WHERE product_id IN ({marks})", list(ids))


def _add_words(cursor, words: set[str]) -> None:
    """Adds the stems the vocabulary does not hold yet (and their trigrams on SQLite)."""
    from .models import SearchWord

    if not words:
        return
    known = _vocabulary_hits(words)
    new = [w for w in sorted(words) if w not in known]
    SearchWord.objects.bulk_create([SearchWord(word=w) for w in new], ignore_conflicts=True, batch_size=CHUNK)
    if new and _vendor() == "sqlite":
        cursor.executemany("INSERT INTO marketplace_search_words_trigram(word) VALUES (%s)", [(w,) for w in new])


def _index_chunk(cursor, ids: Sequence[int], now) -> int:
    from .models import Product, ShopStatus, Variant

    _delete(cursor, ids)
    # Public read across shops, of live shops only (the index is the shopper's view).
    products = (Product.unscoped_objects.filter(pk__in=ids, active=True, shop__status=ShopStatus.LIVE)
                .select_related("shop", "category")
                .annotate(min_price=Min("variants__price_cents"),
                          in_stock=Exists(Variant.unscoped_objects.filter(product=OuterRef("pk"),
                                                                          on_hand__gt=F("reserved")))))
    docs, texts, vocabulary = [], [], set()
    for p in products:
        if p.min_price is None:
            continue  # nothing to buy yet
        fields = (stems_of(p.title), stems_of(p.brand), stems_of(p.category.name_de if p.category else ""),
                  stems_of(p.description), stems_of(p.shop.name))
        for words in fields:
            vocabulary.update(words)
        tails = compound_tails(fields[0] + fields[2])
        texts.append((p.pk, *(" ".join(words) for words in (*fields, tails))))
        docs.append((p.pk, p.shop_id, p.category_id, p.shop.district, p.min_price, bool(p.in_stock), now))
    if _vendor() == "postgresql":
        cursor.executemany(
            "INSERT INTO marketplace_searchdocument (product_id, shop_id, category_id, district, price_cents, "
            "in_stock, indexed_at, document) VALUES (%s, %s, %s, %s, %s, %s, %s, "
            "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B') || "
            "setweight(to_tsvector('simple', %s), 'B') || setweight(to_tsvector('simple', %s), 'D') || "
            "setweight(to_tsvector('simple', %s), 'C') || setweight(to_tsvector('simple', %s), 'C'))",
            [doc + text[1:] for doc, text in zip(docs, texts, strict=True)])
    else:
        cursor.executemany(
            "INSERT INTO marketplace_searchdocument (product_id, shop_id, category_id, district, price_cents, "
            "in_stock, indexed_at) VALUES (%s, %s, %s, %s, %s, %s, %s)", docs)
        cursor.executemany(
            "INSERT INTO marketplace_search_fts (rowid, title, brand, category, description, shop, parts) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)", texts)
    _add_words(cursor, vocabulary)
    return len(docs)


def index_products(*, product_ids: Iterable[int] | None = None) -> int:
    """(Re)index these products (None: all); returns how many were indexed. Products
    among them that are no longer shown (inactive, shop not live, no variant) leave the
    index."""
    from .models import Product, SearchWord

    now = timezone.now()
    total = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if product_ids is None:
            # A full rebuild: the vocabulary starts afresh too (words of deleted products go).
            if _vendor() == "sqlite":
                cursor.execute("DELETE FROM marketplace_search_fts")
                cursor.execute("DELETE FROM marketplace_search_words_trigram")
            cursor.execute("DELETE FROM marketplace_searchdocument")
            SearchWord.objects.all().delete()
            ids = list(Product.unscoped_objects.order_by("pk").values_list("pk", flat=True))
        else:
            ids = sorted({int(pk) for pk in product_ids})
        for i in range(0, len(ids), CHUNK):
            total += _index_chunk(cursor, ids[i:i + CHUNK], now)
        if product_ids is None:
            # Fresh statistics for the planner: without them PostgreSQL scans every document
            # for a common word instead of asking the GIN index (80 ms instead of a few).
            for table in ("marketplace_searchdocument", "marketplace_searchword"):
                cursor.execute(f"ANALYZE {table}")
    return total


def unindex_products(*, product_ids: Iterable[int]) -> None:
    ids = sorted({int(pk) for pk in product_ids})
    with transaction.atomic(), connection.cursor() as cursor:
        for i in range(0, len(ids), CHUNK):
            _delete(cursor, ids[i:i + CHUNK])


# --- queries ----------------------------------------------------------------------------


@dataclass
class Alternative:
    """Stems that must all match; `prefix`: the last one may be the start of a word."""

    stems: tuple[str, ...]
    prefix: bool = False


@dataclass
class QueryPlan:
    units: list[list[Alternative]] = field(default_factory=list)
    corrections: dict[str, list[str]] = field(default_factory=dict)  # query stem -> corrected stems

    @property
    def empty(self) -> bool:
        return not self.units


def _known_variants(part: str) -> tuple[str, ...]:
    """What a compound part may be in the vocabulary: as is, stemmed, without a Fugen-s."""
    candidates = [part, stem(part)]
    if part.endswith("s") and len(part) > MIN_PART:
        candidates.append(part[:-1])
    return tuple(dict.fromkeys(c for c in candidates if len(c) >= MIN_PART))


def _compound_pieces(term: str) -> set[str]:
    if len(term) < 2 * MIN_PART:
        return set()
    return {term[i:j] for i in range(len(term)) for j in range(i + MIN_PART, len(term) + 1) if j - i < len(term)}


def _splits(term: str, vocabulary: set[str], *, most: int = 4) -> list[list[str]]:
    """The ways to cut `term` into the fewest known vocabulary words (at most `most`
    ways, longest first piece first): "kinderfahrradhelm" -> [kind, fahrradhelm] and
    [kinderfahrrad, helm]; [] when it cannot be cut."""
    n = len(term)
    best: list[list[list[str]]] = [[] for _ in range(n + 1)]
    best[n] = [[]]
    for i in range(n - MIN_PART, -1, -1):
        found: list[list[str]] = []
        for j in range(n, i + MIN_PART - 1, -1):  # longest piece first
            if not best[j] or (i == 0 and j == n):
                continue
            word = next((v for v in _known_variants(term[i:j]) if v in vocabulary), None)
            if word:
                found += [[word, *rest] for rest in best[j]]
        if found:
            fewest = min(len(f) for f in found)
            best[i] = [f for f in found if len(f) == fewest][:most]
    return best[0]


def _vocabulary_hits(words: set[str]) -> set[str]:
    """The words the vocabulary holds. On PostgreSQL as a join with the list: given
    `word = ANY(...)` the planner picks the trigram index, which then takes 100 ms for
    a few hundred words instead of well under one."""
    from .models import SearchWord

    found: set[str] = set()
    ordered = sorted(words)
    for i in range(0, len(ordered), CHUNK):
        chunk = ordered[i:i + CHUNK]
        if _vendor() == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT w.word FROM marketplace_searchword w "
                               "JOIN (SELECT unnest(%s::text[]) AS word) wanted ON w.word = wanted.word", [chunk])
                found.update(row[0] for row in cursor.fetchall())
        else:
            found.update(SearchWord.objects.filter(word__in=chunk).values_list("word", flat=True))
    return found


def _prefixed(terms: list[str]) -> set[str]:
    """The terms that start some vocabulary word (one statement for all). Stems hold no
    LIKE wildcards (`_tokens`); PostgreSQL answers LIKE from the trigram index, SQLite a
    range on the unique index (binary collation)."""
    if not terms:
        return set()
    if _vendor() == "postgresql":
        arm = "SELECT %s WHERE EXISTS (SELECT 1 FROM marketplace_searchword WHERE word LIKE %s)"
        params = [p for t in terms for p in (t, t + "%")]
    else:
        arm = "SELECT %s WHERE EXISTS (SELECT 1 FROM marketplace_searchword WHERE word >= %s AND word < %s)"
        params = [p for t in terms for p in (t, t, t + "\U0010ffff")]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join([arm] * len(terms)), params)
        return {row[0] for row in cursor.fetchall()}


def _typo_candidates(term: str) -> list[str]:
    with connection.cursor() as cursor:
        if _vendor() == "postgresql":
            cursor.execute("SELECT word FROM marketplace_searchword WHERE word %% %s "
                           "ORDER BY similarity(word, %s) DESC, word LIMIT %s", [term, term, TYPO_CANDIDATES])
        else:
            grams = sorted({term[i:i + 3] for i in range(len(term) - 2)})
            expression = " OR ".join(f'"{g}"' for g in grams)
            cursor.execute("SELECT word FROM marketplace_search_words_trigram WHERE marketplace_search_words_trigram "
                           "MATCH %s ORDER BY rank LIMIT %s", [expression, TYPO_CANDIDATES])
        return [row[0] for row in cursor.fetchall()]


def _corrections(term: str) -> list[str]:
    """Vocabulary words within the typo budget of `term`, closest first (first letter right)."""
    found = []
    for candidate in _typo_candidates(term):
        budget = typo_budget(max(len(term), len(candidate)))
        if not budget or candidate[0] != term[0] or abs(len(candidate) - len(term)) > budget:
            continue
        distance = damerau_levenshtein(term, candidate, budget)
        if distance <= budget:
            found.append((distance, candidate))
    return [c for _d, c in sorted(found)[:MAX_CORRECTIONS]]


def _spelt_out(token: str) -> str:
    """"Muetze" -> "mutze": umlauts typed as ae, oe, ue (fold() already turned ä into a)."""
    return token.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def plan_query(text: str) -> QueryPlan:
    """What to look for: a few statements on the vocabulary, never a scan of the products."""
    tokens = list(dict.fromkeys(_tokens(text)))[:MAX_QUERY_WORDS]
    words = [(stem(t), stem(_spelt_out(t))) for t in tokens]
    words = [(s, u) for s, u in words if 1 < len(s) <= MAX_WORD]
    plan = QueryPlan()
    if not words:
        return plan
    terms = {s for s, _u in words} | {u for _s, u in words}
    pieces = {v for t in terms for piece in _compound_pieces(t) for v in _known_variants(piece)}
    vocabulary = _vocabulary_hits(terms | pieces)
    prefixed = _prefixed(sorted(t for t in terms if t not in vocabulary and len(t) >= MIN_PREFIX))
    for term, spelt in words:
        alternatives = [Alternative((term,), prefix=len(term) >= MIN_PREFIX)]
        if spelt != term:
            alternatives.append(Alternative((spelt,), prefix=len(spelt) >= MIN_PREFIX))
        alternatives += [Alternative((s,)) for s in SYNONYMS.get(term, ()) + SYNONYMS.get(spelt, ())]
        known = {term, spelt} & (vocabulary | prefixed)
        if term not in vocabulary:
            alternatives += [Alternative(tuple(parts)) for parts in _splits(term, vocabulary)]
        if not known and term not in SYNONYMS and len(term) >= MIN_TYPO:
            corrected = _corrections(term)
            plan.corrections[term] = corrected
            for c in corrected:
                alternatives.append(Alternative((c,)))
                alternatives += [Alternative((s,)) for s in SYNONYMS.get(c, ())]
        plan.units.append(alternatives)
    return plan


def match_expression(plan: QueryPlan) -> str:
    """The plan as an FTS5 MATCH expression (SQLite) or a to_tsquery text (PostgreSQL).
    Stems are letters and digits only (`_tokens`) and quoted: no query syntax gets through."""
    postgres = _vendor() == "postgresql"
    conj, disj = (" & ", " | ") if postgres else (" AND ", " OR ")

    def term(s: str, prefix: bool) -> str:
        if postgres:
            return f"'{s}'" + (":*" if prefix else "")
        return f'"{s}"' + ("*" if prefix else "")

    units = []
    for alternatives in plan.units:
        rendered = []
        for alt in alternatives:
            parts = [term(s, alt.prefix and i == len(alt.stems) - 1) for i, s in enumerate(alt.stems)]
            rendered.append(parts[0] if len(parts) == 1 else "(" + conj.join(parts) + ")")
        units.append("(" + disj.join(dict.fromkeys(rendered)) + ")")
    return conj.join(units)
