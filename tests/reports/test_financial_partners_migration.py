"""Migration reports/0004 turns each line of the former `Team.financial_partners` text into a row."""

import pytest

from tests.migrating import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("reports", "0003_bilan_header_partners_and_logos")]
AFTER = [("reports", "0004_financial_partners_from_team_text")]


def test_each_line_of_the_former_text_becomes_a_partner_in_the_same_order():
    apps = migrate(BEFORE)
    try:
        team_model = apps.get_model("emps", "Team")
        team_model.objects.create(
            name="EMPS Nord",
            reference_prefix="NO",
            financial_partners="ANCT\n\n  Département du Pas-de-Calais  \nANCT\nCAF",
        )
        team_model.objects.create(name="EMPS Sud", reference_prefix="SU", financial_partners="")

        apps = migrate(AFTER)
        partner_model = apps.get_model("reports", "FinancialPartner")
        rows = list(partner_model.objects.order_by("team__name", "order").values_list("team__name", "name", "order"))
        assert rows == [
            ("EMPS Nord", "ANCT", 1),
            ("EMPS Nord", "Département du Pas-de-Calais", 2),
            ("EMPS Nord", "CAF", 3),
        ]
    finally:
        migrate_to_latest()
