"""The funders' disclosure control against a reader who combines answers (issue 26, finding 1).

The attacker asks every period a funder may ask in a demo year (12 months, 4 quarters, the year) for the
team and for each of its communes, then plays every exact relation between these answers:

- nested and consecutive periods: an additive figure (new youths, interventions, street contacts, the
  months' rows) of the year is the sum of its quarters', a quarter's the sum of its months';
- team minus communes: every figure of the team is the sum of its communes' (each youth lives in one).

Each answer is an interval for the true figure (a rounded 0: 0 to 2; 5: 3 to 7; and so
on), narrowed by the relations until nothing changes. No figure may become exact.
The same attack on answers that are masked but not rounded finds masked figures: the test can fail.
"""

import datetime
import random

import pytest
from django.urls import reverse

from actions.summaries import summaries_bring_up_to_date
from emps.rounding import FUNDERS_BASE
from reports.builders import Scope, to_plain
from reports.dashboards.builders import build_dashboard, is_whole_period, preset_period
from reports.dashboards.masking import mask, mask_for_funders, plain_masked
from tests.actions.factories import InterventionFactory, PresenceSessionFactory
from tests.emps.factories import CommuneFactory, QuartierFactory, TeamFactory
from tests.funders.conftest import funder, youths_in

YEAR = 2023
MONTHS = [(datetime.date(YEAR, m, 1), preset_period("mois", datetime.date(YEAR, m, 1))[1]) for m in range(1, 13)]
QUARTERS = [(MONTHS[3 * q][0], MONTHS[3 * q + 2][1]) for q in range(4)]
WHOLE_YEAR = (datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))
PERIODS = [*MONTHS, *QUARTERS, WHOLE_YEAR]

# The figures that add up over periods (their value for a quarter is the sum of its months').
ADDITIVE = (
    ("public", "new"),
    ("domains", "interventions"),
    ("domains", "rows"),  # the interventions of each domain ("total"); its "youths" are not additive
    ("activity", "presence_contacts"),
    ("street_public",),
    ("monthly",),
)
UNKNOWN = (0, 10**6)


@pytest.fixture
def demo_year(db):
    """A small team of three communes: about thirty youths met over 2023 and before, their interventions and
    counted street presence, drawn at random with a fixed seed; few enough per month for small counts."""
    rng = random.Random(26)  # noqa: S311 (a reproducible demo, not a secret)
    communes = [CommuneFactory(name=name) for name in ("Bruay", "Divion", "Houdain")]
    for commune in communes:
        QuartierFactory(commune=commune, name=f"Cité {commune.name}", is_qpv=True)
    team = TeamFactory(name="EMPS Artois", reference_prefix="AR", communes=communes)
    levels = ("accroche", "accroche", "asep", "paei")
    youths = []
    for _ in range(32):
        met = datetime.date(YEAR - rng.choice((1, 0, 0, 0)), rng.randint(1, 12), rng.randint(1, 28))
        youths += youths_in(
            team,
            rng.choice(communes),
            1,
            sex=rng.choice("HHFF"),
            level=rng.choice(levels),
            first_met_on=met,
            birth_year=rng.randint(2003, 2012),
        )
    for youth in youths:
        for _ in range(rng.randint(0, 4)):
            start = max(youth.first_met_on, datetime.date(YEAR, 1, 1))
            InterventionFactory(youth=youth, date=start + datetime.timedelta(days=rng.randint(0, 60)))
    for month in range(1, 13):
        for commune in rng.sample(communes, 2):
            PresenceSessionFactory(
                team=team,
                commune=commune,
                date=datetime.date(YEAR, month, rng.randint(1, 28)),
                counted=True,
                boys_12_17=rng.randint(0, 6),
                girls_12_17=rng.randint(0, 3),
                boys_18_25=rng.randint(0, 2),
                parents=rng.randint(0, 2),
            )
    summaries_bring_up_to_date()
    return {"team": team, "communes": communes}


def _identity(item: dict, index: int):
    for name in ("key", "code", "month"):
        if name in item:
            return item[name]
    if "commune" in item:
        return (item["commune"], item.get("quartier"))
    return index


def flatten(plain, path=()) -> dict[tuple, object]:
    """Every leaf of a dashboard's plain figures by a path that names rows by their key, not their rank."""
    found = {}
    if isinstance(plain, dict):
        for name, value in plain.items():
            found.update(flatten(value, (*path, name)))
    elif isinstance(plain, list):
        for index, item in enumerate(plain):
            found.update(flatten(item, (*path, _identity(item, index) if isinstance(item, dict) else index)))
    else:
        found[path] = plain
    return found


def is_count(path) -> bool:
    """Counts of people, contacts or interventions (not hours, sessions, percentages, averages, labels)."""
    skipped = ("percent", "average", "hours", "minutes", "sessions", "label", "partners", "key", "code", "month")
    return not any(isinstance(part, str) and any(word in part for word in skipped) for part in path)


def interval(answer, base: int) -> tuple[int, int]:
    """What a reader knows of a figure from one answer: rounded to `base` (0 to 2 read 0), or, not rounded,
    exact but « ≤ 2 » (1 or 2) and « s » (anything)."""
    if answer == "≤ 2":
        return (1, 2)
    if answer == "s" or not isinstance(answer, int) or isinstance(answer, bool):
        return UNKNOWN
    half = base // 2
    return (max(0, answer - half), answer + half)


# Totals of the page computed from its parts (the sum of the rounded parts): no figure of their own.
DERIVED = ("youths", "accompanied")


def dashboards(demo) -> dict:
    """{(period, scope name): dashboard} for every period a funder may ask, the team's and each commune's."""
    team = demo["team"]
    scopes = {"équipe": Scope.for_team(team)} | {c.name: Scope.for_team(team, c) for c in demo["communes"]}
    found = {}
    for start, end in PERIODS:
        assert is_whole_period(start, end)
        for name, scope in scopes.items():
            found[((start, end), name)] = build_dashboard(scope=scope, start=start, end=end)
    return found


def answers(raw_dashboards: dict, masking) -> dict:
    """{(period, scope name, path): (true value, published value)} for every count of every answer."""
    cells = {}
    for (period, name), raw in raw_dashboards.items():
        truth, shown = flatten(to_plain(raw)), flatten(plain_masked(masking(raw)))
        for path, value in truth.items():
            if path[0] in ("scope", "start", "end") or path[-1] in DERIVED or not is_count(path):
                continue
            if isinstance(value, int) and not isinstance(value, bool):
                cells[(period, name, path)] = (value, shown[path])
    return cells


def relations(cells, communes):
    """Exact sums the reader knows: a whole and its parts, all among the published cells."""
    found = []
    paths = {(name, path) for (_period, name, path) in cells}
    for name, path in paths:
        if any(path[: len(prefix)] == prefix for prefix in ADDITIVE) and path[0] != "monthly":
            for quarter, q in zip(QUARTERS, range(4), strict=True):
                found.append(((quarter, name, path), [(month, name, path) for month in MONTHS[3 * q : 3 * q + 3]]))
            found.append(((WHOLE_YEAR, name, path), [(quarter, name, path) for quarter in QUARTERS]))
    for period in PERIODS:
        for name, path in paths:
            if name == "équipe":
                found.append(((period, name, path), [(period, c.name, path) for c in communes]))
    # Keep the relations that hold: the reader knows which figures add up (a stronger reader than a real one).
    return [
        (whole, parts)
        for whole, parts in found
        if whole in cells and all(p in cells for p in parts) and cells[whole][0] == sum(cells[p][0] for p in parts)
    ]


def attack(cells, sums, base: int) -> dict:
    """Each figure's interval after narrowing by every relation until nothing changes."""
    known = {key: interval(shown, base) for key, (_true, shown) in cells.items()}
    changed = True
    while changed:
        changed = False
        for whole, parts in sums:
            members = [whole, *parts]
            for member in members:
                others = [m for m in members if m != member]
                if member == whole:
                    low = sum(known[m][0] for m in others)
                    high = sum(known[m][1] for m in others)
                else:
                    rest = [m for m in others if m != whole]
                    low = known[whole][0] - sum(known[m][1] for m in rest)
                    high = known[whole][1] - sum(known[m][0] for m in rest)
                new = (max(known[member][0], low), min(known[member][1], high))
                if new != known[member]:
                    known[member] = new
                    changed = True
    return known


def exact_but_zero(cells, known, which):
    return sorted(
        (key, cells[key])
        for key, (low, high) in known.items()
        if low == high and cells[key][0] > 0 and which(cells[key][1])
    )


def test_differencing_the_allowed_answers_reveals_no_figure(demo_year, django_assert_max_num_queries):
    with django_assert_max_num_queries(60 * len(PERIODS) * 4):
        raw = dashboards(demo_year)
    cells = answers(raw, mask_for_funders)
    sums = relations(cells, demo_year["communes"])
    assert len(sums) > 500  # the attack has material: nested periods and communes, over many figures
    assert sum(1 for true, _shown in cells.values() if 0 < true <= 2) > 20  # and small counts to aim at

    known = attack(cells, sums, FUNDERS_BASE)

    # Every answer holds the truth (the attack is sound), and no figure comes out exact.
    unsound = [(key, cells[key]) for key, (low, high) in known.items() if not low <= cells[key][0] <= high]
    assert unsound == [], unsound[:10]
    exact = sorted((key, cells[key]) for key, (low, high) in known.items() if low == high)
    assert exact == [], exact[:10]

    # The same attack on answers masked one by one but not rounded finds small counts: the test can fail.
    cells = answers(raw, mask)
    known = attack(cells, relations(cells, demo_year["communes"]), 1)
    assert exact_but_zero(cells, known, lambda shown: shown in ("≤ 2", "s"))


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"du": "2023-01-01", "au": "2023-06-14"}, id="day-range"),
        pytest.param({"du": "2023-03-01", "au": "2023-05-31"}, id="three-months-across-quarters"),
        pytest.param({"du": "2023-01-02", "au": "2023-12-31"}, id="almost-a-year"),
    ],
)
def test_the_api_refuses_a_period_that_is_not_a_whole_month_quarter_or_year(client, demo_year, params):
    client.force_login(funder("artois", teams=[demo_year["team"]]))
    response = client.get(reverse("funders:api"), {"periode": "personnalisee", **params})
    assert response.status_code == 400
    message = response.json()["errors"]["__all__"][0]["message"]
    assert message.startswith("Les chiffres des financeurs portent sur un mois, un trimestre ou une année civile")
    page = client.get(reverse("funders:dashboard"), {"periode": "personnalisee", **params}).content.decode()
    assert "portent sur un mois, un trimestre ou une année civile entiers" in page
    quarter = {"periode": "personnalisee", "du": "2023-04-01", "au": "2023-06-30"}
    assert client.get(reverse("funders:api"), quarter).status_code == 200
