"""Statements the ORM cannot write, over rows the ORM builds."""

from django.db import connections
from django.db.models import QuerySet


def fetch_over(queryset: QuerySet, statement: str, **joined: QuerySet) -> list[tuple]:
    """The rows of `statement`, in which `{rows}` stands for the queryset's SQL (as a subquery or a common
    table expression), its columns named as in its `values()`; each `{name}` of `joined` stands for that
    queryset's SQL in the same way (each placeholder once, `{rows}` first).

    For what Django does not express: grouping the rows of a grouped query again, or several groupings
    of one set of rows. The queryset keeps the filters, joins and expressions; the statement only
    groups and counts its columns, quoted with `connection.ops.quote_name`.
    """
    connection = connections[queryset.db]
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    statement, params = statement.replace("{rows}", sql), list(params)
    for name, other in sorted(joined.items(), key=lambda item: statement.index("{" + item[0] + "}")):
        other_sql, other_params = other.query.get_compiler(connection=connection).as_sql()
        statement = statement.replace("{" + name + "}", other_sql)
        params += other_params
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()
