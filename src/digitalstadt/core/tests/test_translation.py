import pytest
from django.utils import translation

from digitalstadt.core.translation import Translated, translated_field_names


class Place:
    name = Translated("name")

    def __init__(self, de, en):
        self.name_de, self.name_en = de, en


def test_translated_attribute_follows_the_active_language_and_falls_back_to_german():
    place = Place("Bürgerbüro Mitte", "Citizens' office centre")
    untranslated = Place("Meldestelle Arheilgen", "")
    with translation.override("de"):
        assert place.name == "Bürgerbüro Mitte"
    with translation.override("en"):
        assert place.name == "Citizens' office centre"
        assert untranslated.name == "Meldestelle Arheilgen"


def test_translated_attribute_cannot_be_assigned_by_accident():
    with pytest.raises(AttributeError):
        Place("a", "b").name = "c"


def test_one_column_per_configured_language():
    assert translated_field_names("description") == ["description_de", "description_en"]
