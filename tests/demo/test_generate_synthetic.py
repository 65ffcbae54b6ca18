import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q

from actions.models import CollectiveAction, Intervention, PresenceSession
from emps.models import Team
from youths.models import SupportEpisode, Youth

pytestmark = pytest.mark.django_db


def generate():
    call_command(
        "generate_synthetic",
        teams=3,
        youths=60,
        interventions=500,
        years=2,
        seed=7,
        end=datetime.date(2026, 6, 30),
        stdout=io.StringIO(),
    )


def test_synthetic_data_has_the_requested_size_and_is_consistent():
    generate()
    assert Team.objects.filter(name__startswith="Synthétique").count() == 3
    assert Youth.objects.count() == 60
    assert Intervention.objects.count() == 500
    assert CollectiveAction.objects.exists() and PresenceSession.objects.exists()
    # Every youth has exactly one open episode and interventions never precede the first meeting.
    open_counts = Youth.objects.annotate(n=Count("episodes", filter=Q(episodes__ended_on__isnull=True)))
    assert set(open_counts.values_list("n", flat=True)) == {1}
    assert not Intervention.objects.filter(date__lt=F("youth__first_met_on")).exists()
    assert not Intervention.objects.filter(date__gt=datetime.date(2026, 6, 30)).exists()
    # Sequences were reset: ordinary inserts still work after the bulk load.
    assert SupportEpisode.objects.order_by("-pk").first().pk == SupportEpisode.objects.count()


def test_synthetic_generation_refuses_to_run_twice():
    generate()
    with pytest.raises(CommandError, match="existent déjà"):
        generate()
