"""Statements the ORM cannot write, over rows the ORM builds."""

from django.db import connections
from django.db.models import QuerySet


def fetch_over(queryset: QuerySet, statement: str) -> list[tuple]:
    """The rows of `statement`, in which `{rows}` stands for the queryset's SQL (as a subquery or a common
    table expression), its columns named as in its `values()`.

    For what Django does not express: grouping the rows of a grouped query again, or several groupings
    of one set of rows. The queryset keeps the filters, joins and expressions; the statement only
    groups and counts its columns, quoted with `connection.ops.quote_name`.
    """
    connection = connections[queryset.db]
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(statement.replace("{rows}", sql), params)
        return cursor.fetchall()
