"""`__in` on integer columns with numbers the column cannot hold.

Django already answers `pk=10**30` (exact, gt, lt, ...) with "no rows", but passes such a
number to the database in `pk__in=[...]` (e.g. a multiple-choice field in a form, the
admin's included): SQLite raises OverflowError, a 500. A value outside the column's
range can never match, so it is left out of the list; a list left empty matches
nothing. Registered for every IntegerField (ids included) in CoreConfig.ready().
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    lookup_name = "in"

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            values = [v for v in self.rhs if not (isinstance(v, int) and (
                (low is not None and v < low) or (high is not None and v > high)))]
            if not values:
                raise EmptyResultSet
            self.rhs = values
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
