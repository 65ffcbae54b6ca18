import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from actions.dashboard import my_week
from actions.models import Intervention, PresenceSession
from demo.seed2023 import END, SETUP_WITH_STAFF, START, load_seed_2023
from demo.team import create_demo
from emps.models import User
from privacy.services import youths_due_for_anonymisation
from reports.builders import Scope, build_bilan
from reports.models import BilanNarrative, PublishedBilan
from youths.models import Youth

pytestmark = pytest.mark.django_db


class TestTheDemoWithoutPublication:
    """The demo as of 30 June 2024, unpublished, built once for these tests and rolled back after them."""

    @pytest.fixture(scope="class")
    def demo_team(self, django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            yield create_demo(today=datetime.date(2024, 6, 30), publish=False)
            transaction.set_rollback(True)

    def test_the_demo_teams_2023_bilan_is_the_seeds_even_when_its_recent_year_starts_in_2024(self, demo_team):
        # The worst case for a leak: "today" early in 2024, the recent year would reach back into 2023.
        team = demo_team
        assert Youth.objects.filter(team=team).count() > 60 + 20  # the seed, then half a year of 62 a year
        bilan = build_bilan(scope=Scope.for_team(team), start=START, end=END)
        public = bilan.public
        assert (public.total, public.paei, public.asep, public.accroche) == (60, 20, 25, 15)
        assert [(r.total, r.h, r.f) for r in bilan.age_sex.rows] == [
            (4, 2, 2),
            (12, 6, 6),
            (27, 20, 7),
            (5, 4, 1),
            (11, 5, 6),
            (1, 0, 1),
        ]
        assert [r.average_age for r in bilan.genre.rows] == [Decimal("13.5"), Decimal("14.3")]
        assert bilan.domains.total == 282 and bilan.domains.rows[0].total == 67
        activity = bilan.activity
        assert (activity.workshops, activity.outings, activity.dsl_initiated, activity.dsl_joined) == (22, 38, 23, 15)
        assert activity.presence_hours == 165
        # The recruitments are written from the team's posts; the seed's text keeps the rest.
        assert BilanNarrative.objects.get(team=team).setup == SETUP_WITH_STAFF
        # The recent year is there too, after 2023.
        recent = build_bilan(
            scope=Scope.for_team(team), start=datetime.date(2024, 1, 1), end=datetime.date(2024, 6, 30)
        )
        assert recent.public.total > 0

    def test_the_recent_year_counts_most_of_its_street_presence_and_2023_none(self, demo_team):
        """The demo shows what the tally gives: most recent sessions counted, 2023 « Non objectivé »."""
        scope = Scope.for_team(demo_team)
        seed = build_bilan(scope=scope, start=START, end=END).activity
        assert seed.presence_contacts_counted is None
        recent = build_bilan(scope=scope, start=datetime.date(2023, 7, 1), end=datetime.date(2024, 6, 30))
        sessions = PresenceSession.objects.filter(team=demo_team, date__gt=END)
        assert sessions.filter(counted=True).count() > sessions.count() / 2
        assert recent.activity.presence_contacts_counted > 0
        assert recent.street_public.is_counted

    def test_the_demo_can_skip_the_publication(self, demo_team):
        assert not PublishedBilan.objects.exists()


def test_loading_the_seed_twice_changes_nothing(team):
    load_seed_2023(team=team)
    count = Youth.objects.count()
    load_seed_2023(team=team)
    assert Youth.objects.count() == count == 60


class TestTheDemoTwoYearsLater:
    """The demo loaded on 15 March 2026, published: a team living today, its 2023 youths long gone."""

    TODAY = datetime.date(2026, 3, 15)

    @pytest.fixture(scope="class")
    def demo_team(self, django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            yield create_demo(today=self.TODAY)
            transaction.set_rollback(True)

    def test_last_year_and_this_one_both_have_a_meaningful_bilan_and_nothing_is_dated_after_today(self, demo_team):
        scope = Scope.for_team(demo_team)
        last_year = build_bilan(scope=scope, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31))
        this_year = build_bilan(scope=scope, start=datetime.date(2026, 1, 1), end=self.TODAY)
        for bilan in (last_year, this_year):
            assert bilan.public.total > 10 and bilan.public.paei > 0
            assert bilan.domains.interventions > 20
            assert bilan.activity.collective_actions > 0 and bilan.presence.hours > 0
        # A whole year holds about a year of activity: at least three times this year's ten weeks' worth.
        assert last_year.presence.sessions > 3 * this_year.presence.sessions / 2
        assert not Intervention.objects.filter(youth__team=demo_team, date__gt=self.TODAY).exists()
        assert not PresenceSession.objects.filter(team=demo_team, date__gt=self.TODAY).exists()
        seed = build_bilan(scope=scope, start=START, end=END)
        assert (seed.public.total, seed.public.paei, seed.public.asep, seed.public.accroche) == (60, 20, 25, 15)
        assert seed.domains.total == 282 and seed.presence.hours == 165

    def test_the_2023_youths_flood_neither_the_educators_home_nor_the_anonymisations_page(self, demo_team, client):
        seed_youths = Youth.objects.filter(team=demo_team, first_met_on__lte=END)
        assert seed_youths.count() == 60
        # Past the retention period on that day: anonymised as the retention job would have done it.
        assert not seed_youths.filter(anonymised_at__isnull=True).exists()
        educator = User.objects.get(username="educateur")
        week = my_week(educator, self.TODAY)
        assert not [youth for youth in week.stale_youths if youth.first_met_on <= END]
        assert youths_due_for_anonymisation(on=self.TODAY, within_days=60, queryset=seed_youths).count() == 0
        client.force_login(User.objects.get(username="coordination"))
        page = client.get(reverse("privacy:due"))
        assert page.status_code == 200
        assert not [youth for youth in page.context["youths"] if youth.first_met_on <= END]

    def test_the_demo_funder_sees_the_published_2023_bilan_and_downloads_its_pdf(self, demo_team, client):
        team = demo_team
        create_demo(today=self.TODAY)  # idempotent: still one publication
        publication = PublishedBilan.objects.get()
        assert (publication.team, publication.start, publication.end, publication.version) == (team, START, END, 1)
        assert publication.published_by.username == "coordination"
        # The narrative of the seed is frozen with the figures, and the logos of its first page.
        assert publication.texts["setup"] == SETUP_WITH_STAFF
        # Each recruitment is said once in « Mise en place » (from the posts, not again in the text).
        assert publication.html.count("Recrutement le 9 mai 2023") == 1
        assert publication.html.count("Recrutement le 11 mai 2023") == 1
        assert "binôme avec Karim Benali" in publication.html
        assert publication.figures["public"]["total"] == 60
        assert [logo["name"] for logo in publication.figures["header"]["partner_logos"]] == [
            "Agence nationale de la cohésion des territoires (ANCT)",
            "Département du Pas-de-Calais",
        ]
        assert publication.html.count('src="data:image/png;base64,') == 3

        client.force_login(User.objects.get(username="financeur"))
        page = client.get(reverse("funders:published_list"))
        assert page.status_code == 200
        assert [group["latest"] for group in page.context["groups"]] == [publication]
        assert "9 mai 2023" in page.content.decode()
        download = client.get(reverse("funders:published_download", args=[publication.pk, "pdf"]))
        assert download.status_code == 200
        assert download["Content-Type"] == "application/pdf"
        assert download.content.startswith(b"%PDF") and len(download.content) > 10_000
