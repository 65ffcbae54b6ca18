from django.db import migrations


def copy_lines(apps, schema_editor):
    """Each line of the former `Team.financial_partners` text becomes a partner, in the same order."""
    Team = apps.get_model("emps", "Team")
    FinancialPartner = apps.get_model("reports", "FinancialPartner")
    rows = []
    for team_id, text in Team.objects.values_list("pk", "financial_partners"):
        names = dict.fromkeys(line.strip()[:200] for line in (text or "").splitlines() if line.strip())
        rows += [FinancialPartner(team_id=team_id, name=name, order=n) for n, name in enumerate(names, start=1)]
    FinancialPartner.objects.bulk_create(rows)


def copy_back(apps, schema_editor):
    Team = apps.get_model("emps", "Team")
    FinancialPartner = apps.get_model("reports", "FinancialPartner")
    for team in Team.objects.all():
        names = FinancialPartner.objects.filter(team=team).order_by("order", "pk").values_list("name", flat=True)
        Team.objects.filter(pk=team.pk).update(financial_partners="\n".join(names))
    FinancialPartner.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_bilan_header_partners_and_logos"),
    ]

    operations = [migrations.RunPython(copy_lines, copy_back)]
