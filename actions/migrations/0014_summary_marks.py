"""The summaries are written by Django from the counting rules (`actions.summaries`): the triggers that
computed them in SQL, in each database's dialect, give way to triggers that only mark what changed
(`actions.marks`). The summaries hold exact rows when this runs, so nothing is rewritten; the way back
drops the marks without restoring the old triggers (`manage.py rebuild_summaries` then rewrites them).
"""

from django.db import migrations, models

from actions.marks import install_marks, remove_marks

# The triggers of migrations actions/0008, 0009, 0010 and youths/0005, 0006: (name, table).
OLD_TRIGGERS = (
    *(
        (f"intervention_summaries_{event}", "actions_intervention")
        for event in ("insert", "delete", "update")
    ),
    *(
        (f"intervention_domain_summaries_{event}", "actions_intervention_domains")
        for event in ("insert", "delete", "update")
    ),
    *((f"teamyear_{event}", "actions_youthyear") for event in ("insert", "delete", "update")),
    *((f"teamyeardomain_{event}", "actions_youthyeardomain") for event in ("insert", "delete", "update")),
    *((f"youth_year_facts_interventions_{event}", "actions_youthyear") for event in ("insert", "delete", "update")),
    *((f"youth_latest_episode_{event}", "youths_supportepisode") for event in ("insert", "delete", "update")),
    *((f"youth_latest_situation_{event}", "youths_situationrecord") for event in ("insert", "delete", "update")),
    *((f"youth_year_facts_episode_{event}", "youths_supportepisode") for event in ("insert", "delete", "update")),
    *((f"youth_year_facts_situation_{event}", "youths_situationrecord") for event in ("insert", "delete", "update")),
    *((f"youth_year_facts_youth_{event}", "youths_youth") for event in ("insert", "delete", "update")),
    *(
        (f"youth_year_facts_participation_{event}", "actions_collectiveaction_participants")
        for event in ("insert", "delete", "update")
    ),
    ("youth_year_facts_action_update", "actions_collectiveaction"),
    *((f"team_year_facts_{event}", "youths_youthyearfacts") for event in ("insert", "delete", "update")),
)


def forward(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for name, table in OLD_TRIGGERS:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS youth_year_facts_refresh(bigint[])")
    install_marks(connection)


def backward(apps, schema_editor):
    remove_marks(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0013_staff_choices"),
        ("youths", "0008_youth_name_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="SummaryMark",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("youth_id", models.BigIntegerField(null=True, verbose_name="jeune")),
                ("team_id", models.BigIntegerField(null=True, verbose_name="équipe")),
                ("day", models.DateField(null=True, verbose_name="date")),
            ],
            options={
                "verbose_name": "écriture à reporter dans les synthèses",
                "verbose_name_plural": "écritures à reporter dans les synthèses",
                "default_permissions": (),
            },
        ),
        migrations.RunPython(forward, backward),
    ]
