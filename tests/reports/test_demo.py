import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from actions.models import PresenceSession
from demo.seed2023 import END, START, load_seed_2023
from demo.team import create_demo
from emps.models import User
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
        assert Youth.objects.filter(team=team).count() > 100
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
        assert BilanNarrative.objects.get(team=team).setup.startswith("- Recrutement le 9 mai 2023")
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


def test_the_demo_funder_sees_the_published_2023_bilan_and_downloads_its_pdf(client):
    team = create_demo(today=datetime.date(2024, 6, 30))
    create_demo(today=datetime.date(2024, 6, 30))  # idempotent: still one publication
    publication = PublishedBilan.objects.get()
    assert (publication.team, publication.start, publication.end, publication.version) == (team, START, END, 1)
    assert publication.published_by.username == "coordination"
    # The narrative of the seed is frozen with the figures.
    assert publication.texts["setup"].startswith("- Recrutement le 9 mai 2023")
    assert publication.figures["public"]["total"] == 60

    client.force_login(User.objects.get(username="financeur"))
    page = client.get(reverse("funders:published_list"))
    assert page.status_code == 200
    assert [group["latest"] for group in page.context["groups"]] == [publication]
    assert "9 mai 2023" in page.content.decode()
    download = client.get(reverse("funders:published_download", args=[publication.pk, "pdf"]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF") and len(download.content) > 10_000
