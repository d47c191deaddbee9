"""`in` on integer columns leaves out values the column cannot hold.

Since Django 5.0 `exact`, `lt`, `gt`… on an integer column treat a value out of the column's range as
matching nothing instead of sending it to the database (ticket #27397); `in` was left out, so a posted
id of 99999999999999999999999 in a multi-select (ModelMultipleChoiceField checks the ids with
`pk__in`) or in any `pk__in=request.POST.getlist(...)` raised OverflowError (SQLite) or a numeric
error (PostgreSQL): a 500. Registered once for every integer column, the id is simply not found and
the form says the choice is not in the list.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [value for value in self.rhs if not isinstance(value, int) or (
                (low is None or value >= low) and (high is None or value <= high))]
        return super().process_rhs(compiler, connection)
