"""Collective actions by theme and status: only done actions count; « Actions spécifiques » says the rest."""

import datetime

import pytest

from actions.enums import ActionKind, ActionStatus
from actions.models import ActionTheme, CollectiveAction
from reports.builders import Scope, build_actions_by_theme, build_activity_by_commune, build_bilan, build_public
from reports.document import bilan_document
from tests.actions.factories import CollectiveActionFactory
from tests.emps.factories import TeamFactory
from tests.youths.factories import YouthFactory

pytestmark = pytest.mark.django_db

START, END = datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)


@pytest.fixture
def team(db):
    return TeamFactory()


@pytest.fixture
def themed(team):
    """The seed's way: tournaments done, a street workshop replaced by a game workshop, an outing cancelled."""
    sport = ActionTheme.objects.get(code="sport-loisirs")
    family = ActionTheme.objects.get(code="sorties-familles")
    for day in (3, 10, 17):
        CollectiveActionFactory(team=team, title="Tournoi foot", theme=sport, date=datetime.date(2024, 4, day))
    ludique = CollectiveActionFactory(team=team, title="Atelier ludique", theme=sport, date=datetime.date(2024, 5, 2))
    CollectiveActionFactory(
        team=team,
        title="Atelier bricolage de rue",
        theme=sport,
        date=datetime.date(2024, 5, 2),
        status=ActionStatus.REPLACED,
        replaced_by=ludique,
        outcome="compte tenu du temps",
    )
    CollectiveActionFactory(
        team=team,
        title="Braderie de Lille",
        kind=ActionKind.OUTING,
        theme=family,
        date=datetime.date(2024, 9, 7),
        status=ActionStatus.CANCELLED,
    )
    CollectiveActionFactory(team=team, title="Sans thème", date=datetime.date(2024, 6, 1))
    return team


def test_only_done_actions_count_in_the_figures(themed, django_assert_max_num_queries):
    activity, _by_commune = build_activity_by_commune(scope=Scope.for_team(themed), start=START, end=END)
    assert (activity.workshops, activity.outings) == (5, 0)
    with django_assert_max_num_queries(2):
        groups = build_actions_by_theme(scope=Scope.for_team(themed), start=START, end=END)
    assert [(g.label, g.done) for g in groups] == [
        ("Sport / loisirs", 4),
        ("Sorties « Familles »", 0),
        ("Autres actions", 1),
    ]


def test_actions_specifiques_say_plainly_what_was_replaced_or_cancelled(themed):
    document = bilan_document(build_bilan(scope=Scope.for_team(themed), start=START, end=END))
    assert document.themes[0]["phrases"] == [
        "Tournoi foot (3 fois)",
        "Atelier ludique",
        "Atelier bricolage de rue : remplacée par atelier ludique compte tenu du temps",
    ]
    assert document.themes[1]["phrases"] == ["Braderie de Lille : annulée"]


def test_without_any_theme_the_section_keeps_its_list_by_kind(team):
    CollectiveActionFactory(team=team, date=datetime.date(2024, 4, 3))
    bilan = build_bilan(scope=Scope.for_team(team), start=START, end=END)
    assert bilan.actions_by_theme == ()
    assert bilan_document(bilan).themes == []
    assert bilan.specific_actions[0].count == 1


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param(START, END, id="whole-year-counted-in-advance"),
        pytest.param(START, END.replace(month=10), id="part"),
    ],
)
def test_a_youth_counts_only_through_a_done_action(team, start, end):
    youth = YouthFactory(team=team, first_met_on=datetime.date(2023, 3, 1))
    action = CollectiveActionFactory(team=team, date=datetime.date(2024, 4, 3), participants=[youth])
    scope = Scope.for_team(team)
    assert build_public(scope=scope, start=start, end=end).total == 1
    # Cancelled afterwards: the database marks the change and the kept yearly counts follow it.
    CollectiveAction.objects.filter(pk=action.pk).update(status=ActionStatus.CANCELLED)
    assert build_public(scope=scope, start=start, end=end).total == 0
    CollectiveAction.objects.filter(pk=action.pk).update(status=ActionStatus.DONE)
    assert build_public(scope=scope, start=start, end=end).total == 1


def test_a_status_change_leaves_a_published_bilan_as_it_was(themed):
    from reports.dashboards.publishing import published_bilan_create
    from tests.emps.factories import UserFactory

    coordinator = UserFactory(coordinator=True, teams=[themed])
    published = published_bilan_create(
        team=themed, commune=None, start=START, end=END, small_cells_choice="as_is", by=coordinator
    )
    CollectiveAction.objects.filter(title="Tournoi foot").update(status=ActionStatus.CANCELLED)
    published.refresh_from_db()
    assert published.figures["activity"]["workshops"] == 5
    assert "Tournoi foot (3 fois)" in published.html
    assert build_activity_by_commune(scope=Scope.for_team(themed), start=START, end=END)[0].workshops == 2
