"""The database triggers that mark what the summaries must write again (`actions.summaries`).

Each trigger appends a `SummaryMark` for every row written to a table the summaries read: the youth it
concerns and, for an intervention or a domain tag, its team and date; an update marks the row as it was
and as it is. They hold no counting rule: the summaries are computed in Django from `youths.rules` and
`actions.rules`. The same definitions give both databases' triggers, installed by the migration that
introduced them and again after every `migrate` (`install_marks`, on `post_migrate`), so a later SQLite
migration that rebuilds one of these tables (and drops its triggers) cannot leave a write unmarked.
"""

from dataclasses import dataclass

MARKS_TABLE = "actions_summarymark"


@dataclass(frozen=True)
class Marked:
    """A table whose writes are marked: the mark's columns read from a row (`{row}` is OLD or NEW), and
    the columns whose update is marked (None: any update)."""

    table: str
    youth: str
    team: str = "NULL"
    day: str = "NULL"
    columns: tuple[str, ...] | None = None

    def values(self, row: str) -> str:
        return ", ".join(part.format(row=row) for part in (self.youth, self.team, self.day))


MARKED = (
    Marked("actions_intervention", "{row}.youth_id", "{row}.team_id", "{row}.date", ("youth_id", "team_id", "date")),
    Marked(
        "actions_intervention_domains",
        "{row}.youth_id",
        "{row}.team_id",
        "{row}.date",
        ("youth_id", "team_id", "date", "domain_id"),
    ),
    Marked("actions_collectiveaction_participants", "{row}.youth_id"),
    Marked("youths_supportepisode", "{row}.youth_id"),
    Marked("youths_situationrecord", "{row}.youth_id"),
    Marked("youths_youth", "{row}.id"),
)

# A collective action moved to another date moves its participants' years; one whose status changes
# (done or not: `actions.rules.DONE`) adds or removes its participants' relation with the team.
ACTION_TABLE = "actions_collectiveaction"
ACTION_PARTICIPANTS = (
    f"INSERT INTO {MARKS_TABLE} (youth_id, team_id, day) SELECT youth_id, NULL, NULL "
    "FROM actions_collectiveaction_participants WHERE collectiveaction_id = {row}.id"
)

INSERT = f"INSERT INTO {MARKS_TABLE} (youth_id, team_id, day) VALUES ({{values}})"


def _postgresql(action_columns: tuple[str, ...]) -> list[str]:
    statements = []
    for marked in MARKED:
        function = f"summary_mark_{marked.table}"
        of = f" OF {', '.join(marked.columns)}" if marked.columns else ""
        statements += [
            f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN {INSERT.format(values=marked.values("OLD"))}; END IF;
                IF TG_OP <> 'DELETE' THEN {INSERT.format(values=marked.values("NEW"))}; END IF;
                RETURN NULL;
            END $$ LANGUAGE plpgsql""",
            f"DROP TRIGGER IF EXISTS summary_mark ON {marked.table}",
            f"CREATE TRIGGER summary_mark AFTER INSERT OR DELETE OR UPDATE{of} ON {marked.table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]
    statements += [
        f"""CREATE OR REPLACE FUNCTION summary_mark_{ACTION_TABLE}() RETURNS trigger AS $$
        BEGIN {ACTION_PARTICIPANTS.format(row="NEW")}; RETURN NULL; END $$ LANGUAGE plpgsql""",
        f"DROP TRIGGER IF EXISTS summary_mark ON {ACTION_TABLE}",
        f"CREATE TRIGGER summary_mark AFTER UPDATE OF {', '.join(action_columns)} ON {ACTION_TABLE} FOR EACH ROW "
        f"WHEN ({' OR '.join(f'OLD.{c} IS DISTINCT FROM NEW.{c}' for c in action_columns)}) "
        f"EXECUTE FUNCTION summary_mark_{ACTION_TABLE}()",
    ]
    return statements


def _sqlite(action_columns: tuple[str, ...]) -> list[str]:
    statements = []
    for marked in MARKED:
        name = f"summary_mark_{marked.table}"
        of = f" OF {', '.join(marked.columns)}" if marked.columns else ""
        old, new = INSERT.format(values=marked.values("OLD")), INSERT.format(values=marked.values("NEW"))
        for event, body in (("INSERT", new), ("DELETE", old), (f"UPDATE{of}", f"{old}; {new}")):
            trigger = f"{name}_{event.split()[0].lower()}"
            statements += [
                f"DROP TRIGGER IF EXISTS {trigger}",
                f"CREATE TRIGGER {trigger} AFTER {event} ON {marked.table} FOR EACH ROW BEGIN {body}; END",
            ]
    trigger = f"summary_mark_{ACTION_TABLE}_update"
    statements += [
        f"DROP TRIGGER IF EXISTS {trigger}",
        f"CREATE TRIGGER {trigger} AFTER UPDATE OF {', '.join(action_columns)} ON {ACTION_TABLE} FOR EACH ROW "
        f"WHEN {' OR '.join(f'OLD.{c} IS NOT NEW.{c}' for c in action_columns)} "
        f"BEGIN {ACTION_PARTICIPANTS.format(row='NEW')}; END",
    ]
    return statements


def _action_columns(connection) -> tuple[str, ...]:
    """The collective action's columns whose update is marked: its date, and its status once a migration
    (actions 0018) has added it; the migrations before it install the triggers of their own schema."""
    with connection.cursor() as cursor:
        columns = {column.name for column in connection.introspection.get_table_description(cursor, ACTION_TABLE)}
    return ("date", "status") if "status" in columns else ("date",)


def install_marks(connection) -> None:
    """(Re)create every marking trigger on `connection`'s database."""
    statements = {"postgresql": _postgresql, "sqlite": _sqlite}[connection.vendor](_action_columns(connection))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def marks_installed(connection) -> bool:
    """Whether every marking trigger exists."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname = 'summary_mark' AND NOT tgisinternal"
                " AND tgrelid::regclass::text = ANY(%s)",
                [[marked.table for marked in MARKED] + [ACTION_TABLE]],
            )
            return cursor.fetchone()[0] == len(MARKED) + 1
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'summary_mark_%'")
        return cursor.fetchone()[0] == 3 * len(MARKED) + 1


def remove_marks(connection) -> None:
    """Drop every marking trigger (the migration's way back)."""
    with connection.cursor() as cursor:
        for marked in (*MARKED, Marked(ACTION_TABLE, "")):
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS summary_mark ON {marked.table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS summary_mark_{marked.table}()")
            else:
                for event in ("insert", "delete", "update"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS summary_mark_{marked.table}_{event}")


# The schema's other triggers, created by migrations: the copies of an intervention's youth, date and team
# onto its domain tags and partner links and of a youth's team onto its interventions (actions/0005, 0007,
# 0012), and the episodes' no-overlap check (youths/0002, 0004). A SQLite migration that rebuilds one of
# their tables drops them: `migrate` then stops with their names (`kept_triggers_missing`).
KEPT_TRIGGERS = {
    "postgresql": {
        "intervention_team_copy",
        "intervention_domains_follow",
        "intervention_domains_follow_insert",
        "intervention_partners_follow",
        "intervention_partners_follow_insert",
        "intervention_domain_copy",
        "intervention_partner_copy",
        "youth_team_follow",
        "youth_team_follow_insert",
        "episode_no_overlap",
    },
    "sqlite": {
        "intervention_team_copy",
        "intervention_team_recopy",
        "intervention_domains_follow_insert",
        "intervention_domains_follow_update",
        "intervention_partners_follow_insert",
        "intervention_partners_follow_update",
        "intervention_domain_copy",
        "intervention_domain_recopy",
        "intervention_partner_copy",
        "intervention_partner_recopy",
        "youth_team_follow_insert",
        "youth_team_follow_update",
        "episode_no_overlap_insert",
        "episode_no_overlap_update",
    },
}


def kept_triggers_missing(connection) -> set[str]:
    """The names of KEPT_TRIGGERS that the database lacks."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {name for (name,) in cursor.fetchall()}
    return KEPT_TRIGGERS[connection.vendor] - present
