"""Database expressions shared by the apps, with their SQLite spelling beside PostgreSQL's."""

from django.db.models import DateField, Func


class MonthStart(Func):
    """The first day of a date's month, as a date.

    Django's TruncMonth of a date column is PostgreSQL's date_trunc on `timestamp with time zone`, the
    overload a date is implicitly cast to: a time-zone conversion per row, a third of the time of
    grouping 100,000 interventions by month. A plain timestamp has none.
    """

    output_field = DateField()
    template = "DATE_TRUNC('month', %(expressions)s::timestamp)::date"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="DATE(%(expressions)s, 'start of month')", **extra_context)
