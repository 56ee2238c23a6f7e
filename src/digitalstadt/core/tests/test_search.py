"""core.search: the ranking any app can reuse (no database involved)."""

import pytest

from digitalstadt.core.search import damerau_levenshtein, fold, rank, stem, typo_budget

DOCS = [
    ("anmeldung", {"name": "Wohnsitz anmelden oder ummelden", "synonyms": "Zuzug\nneue Wohnung",
                   "summary": "Sie melden Ihre neue Wohnung an."}),
    ("nebenwohnung", {"name": "Anmeldung einer Nebenwohnung", "synonyms": "Zweitwohnsitz"}),
    ("parken", {"name": "Bewohnerparkausweis", "synonyms": "Anwohnerparken", "summary": "Parken in Ihrer Zone."}),
    ("perso", {"name": "Personalausweis beantragen", "synonyms": "Perso\nAusweis"}),
    ("hund", {"name": "Hundesteuer-Anmeldung", "synonyms": "Hund anmelden", "summary": "Steuer für Hunde."}),
    ("sperrmuell", {"name": "Sperrmüll-Abholung", "synonyms": "Sperrgut", "summary": "Abholung großer Dinge."}),
    ("fuehrung", {"name": "Führungszeugnis beantragen", "synonyms": "polizeiliches Führungszeugnis"}),
]
EXPANSIONS = {"Umzug": "Anmeldung Ummeldung Bewohnerparkausweis", "Adresse ändern": "ummelden",
              "Sofa": ["Sperrmüll"], "Hund aus dem Tierheim": "Hundesteuer"}


def keys(query, docs=DOCS, **kwargs):
    return [key for key, _score in rank(query, docs, expansions=EXPANSIONS, **kwargs)]


def test_folding_and_stemming():
    assert fold("Straße Führungszeugnis ÄÖÜ") == "strasse fuhrungszeugnis aou"
    assert stem("Führungszeugnisse") == stem("fuehrungszeugnis".replace("ue", "u")) == "fuhrungszeugnis"
    assert keys("FUHRUNGSZEUGNISSE") == ["fuehrung"]


def test_every_word_must_match_and_the_name_weighs_most():
    assert keys("Hund anmelden") == ["hund"]
    found = keys("Anmeldung")
    assert found[0] in {"anmeldung", "nebenwohnung"} and "hund" in found and "perso" not in found
    assert keys("Reisepass") == []


def test_compound_parts_both_ways():
    assert keys("Parkausweis") == ["parken"]  # contained in the index word
    assert keys("Hundesteueranmeldung")[0] == "hund"  # split into two index words


def test_single_word_and_phrase_expansions():
    assert set(keys("Umzug")[:3]) == {"anmeldung", "nebenwohnung", "parken"}
    assert keys("Sofa") == ["sperrmuell"]
    assert keys("Adresse ändern") == ["anmeldung"]
    assert keys("Hund aus dem Tierheim") == ["hund"]
    # Without the table these words find nothing: the expansions did the work.
    assert rank("Sofa", DOCS) == [] and rank("Adresse ändern", DOCS) == []


@pytest.mark.parametrize(("typo", "expected"), [
    ("Persoanlausweis", "perso"),  # transposition, long word: two edits allowed
    ("Personalauswies", "perso"),
    ("Sperrmül", "sperrmuell"),  # one deletion
    ("Fürungszeugnis", "fuehrung"),
    ("Bewohnerparkausweiss", "parken"),
    ("Umzg", "parken"),  # corrected to the expansion "Umzug"
])
def test_typos_are_tolerated(typo, expected):
    assert expected in keys(typo)


def test_typos_score_lower_than_the_right_word_and_short_words_are_not_corrected():
    right = dict(rank("Sperrmüll", DOCS))["sperrmuell"]
    typo = dict(rank("Sperrmül", DOCS))["sperrmuell"]
    assert typo < right
    assert keys("Huns") == []  # four letters: no edit allowed
    assert keys("Qersonalausweis") == []  # the first letter must be right
    assert keys("Persnlauswis") == []  # three edits in a 12-letter word: too many


def test_edit_budget_and_distance():
    assert [typo_budget(n) for n in (4, 5, 8, 9, 15)] == [0, 1, 1, 2, 2]
    assert damerau_levenshtein("personal", "persoanl") == 1
    assert damerau_levenshtein("kitten", "sitting") == 3
    assert damerau_levenshtein("abc", "abc") == 0
    assert damerau_levenshtein("abcdef", "a", limit=2) == 3


def test_empty_query_returns_all_in_order_and_ties_keep_order():
    assert keys("") == [key for key, _ in DOCS]
    assert keys("!!! ??") == keys("") and keys("der die das") == keys("")
    docs = [("b", {"name": "Ausweis"}), ("a", {"name": "Ausweis"})]
    assert keys("Ausweis", docs) == ["b", "a"]


def test_weights_are_per_field_and_unknown_fields_count_one():
    docs = [("in-title", {"title": "Fahrrad"}), ("in-body", {"body": "Fahrrad"})]
    assert keys("Fahrrad", docs, weights={"title": 5.0}) == ["in-title", "in-body"]
    assert keys("Fahrrad", docs, weights={"body": 5.0}) == ["in-body", "in-title"]

