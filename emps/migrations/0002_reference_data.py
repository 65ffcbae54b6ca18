from django.db import migrations

from emps.reference_data import PARTNER_CATEGORIES, seed


def forward(apps, schema_editor):
    seed(apps.get_model("emps", "PartnerCategory"), PARTNER_CATEGORIES)


class Migration(migrations.Migration):
    dependencies = [("emps", "0001_initial")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
