from django.db import migrations

from emps.reference_data import END_REASONS, ORIGINS, SITUATIONS, seed


def forward(apps, schema_editor):
    seed(apps.get_model("youths", "Origin"), ORIGINS)
    seed(apps.get_model("youths", "Situation"), SITUATIONS)
    seed(apps.get_model("youths", "EndReason"), END_REASONS)


class Migration(migrations.Migration):
    dependencies = [("youths", "0002_episode_overlap_trigger")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
