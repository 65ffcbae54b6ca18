from django.db import migrations

from emps.reference_data import DOMAINS, seed


def forward(apps, schema_editor):
    seed(apps.get_model("actions", "Domain"), DOMAINS)


class Migration(migrations.Migration):
    dependencies = [("actions", "0002_initial")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
