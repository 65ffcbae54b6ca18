"""A youth's level and situation over a period are read from their episodes and records by the one
definition of each rule (`youths.rules`): the copy of each youth's latest ones goes (its triggers went
in actions/0014)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("youths", "0008_youth_name_index"),
        ("actions", "0014_summary_marks"),
    ]

    operations = [migrations.DeleteModel(name="YouthLatest")]
