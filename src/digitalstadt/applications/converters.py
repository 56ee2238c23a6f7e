"""URL converter for case references (DA-2026-000123): anything else is a 404 before
it reaches the database (a NUL byte would make PostgreSQL raise)."""

from django.urls import register_converter

from .selectors import REFERENCE_PATTERN


class CaseReferenceConverter:
    regex = REFERENCE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CaseReferenceConverter, "caseref")  # once, when this module is first imported
