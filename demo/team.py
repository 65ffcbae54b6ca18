"""The demo team: a realistic, deterministic year of activity for EMPS Hénin-Beaumont.

Names are fictional. The same date and seed always give the same data.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from actions.enums import ActionKind, Carrying, InterventionKind, MeetingKind, Place
from actions.models import CollectiveAction, Domain, Intervention, PartnerMeeting, PresenceSession
from demo.instrument import add_instrument
from demo.logos import create_bilan_header
from demo.seed2023 import END, START, load_seed_2023
from demo.territory import ensure_partners, ensure_territory
from emps.accounts.forms import DEMO_PASSWORD
from emps.enums import Role
from emps.models import Team, User
from privacy.services import youth_anonymise, youths_due_for_anonymisation
from reports.dashboards.publishing import published_bilan_create
from reports.models import PublishedBilan
from youths.enums import Level
from youths.models import EndReason, Origin, Situation, SituationRecord, SupportEpisode, Youth

FIRST_RECENT_DAY = datetime.date(2024, 1, 1)
SEED_SUPPORTS_ENDED_ON = datetime.date(2024, 1, 31)
SUPPORT_SPAN_DAYS = 270
TEAM_NAME = "EMPS Hénin-Beaumont"


FIRST_NAMES_H = [
    "Adam",
    "Yanis",
    "Lucas",
    "Enzo",
    "Nolan",
    "Rayan",
    "Mathis",
    "Ilyes",
    "Kylian",
    "Noah",
    "Sofiane",
    "Théo",
    "Bilal",
    "Hugo",
    "Amine",
    "Mehdi",
    "Jordan",
    "Dylan",
    "Evan",
    "Kais",
]
FIRST_NAMES_F = [
    "Lina",
    "Inès",
    "Léa",
    "Jade",
    "Maëlys",
    "Sarah",
    "Chloé",
    "Yasmine",
    "Manon",
    "Nour",
    "Lou",
    "Océane",
    "Kenza",
    "Emma",
    "Louane",
]
NICKNAMES = ["Pitchou", "Bouba", "La Fouine", "Minus", "Titi", "Kiki"]

ACTION_TITLES = {
    ActionKind.WORKSHOP: [
        "Atelier cuisine",
        "Atelier bricolage de rue",
        "Tournoi de baby-foot",
        "Atelier théâtre de rue",
        "Atelier éducation aux médias",
        "Atelier CV et entretien",
    ],
    ActionKind.OUTING: [
        "Sortie base de loisirs d'Olhain",
        "Randonnée mémoire à Vimy",
        "Sortie Louvre-Lens",
        "Sortie plage Bray-Dunes",
        "Salon du manga",
        "Journée réalité virtuelle",
    ],
    ActionKind.DSL: ["Animation de rue Kennedy", "Café des parents", "Maison du projet Darcy", "Fête des voisins ZAC"],
    ActionKind.COMMUNAL_EVENT: ["Quartier d'été Darcy", "Hénin Plage", "Olympiades Darcy", "Fête de la musique"],
    ActionKind.WORK_PROJECT: ["Chantier éducatif solidaire"],
}


def demo_exists() -> bool:
    return Team.objects.filter(name=TEAM_NAME).exists()


def _user(username, role, first, last, team, password):
    user, _created = User.objects.get_or_create(
        username=username, defaults={"role": role, "first_name": first, "last_name": last}
    )
    user.set_password(password)
    user.save()
    user.teams.add(team)
    return user


# Who an evening's presence typically meets, by place: (young people 12-17, under 12, 18-25, adults).
TALLY_SIZES = {
    Place.STREET: (6, 2, 3, 2),
    Place.SCHOOL: (9, 3, 0, 1),
    Place.LOCAL: (5, 1, 3, 1),
    Place.OTHER: (3, 1, 2, 1),
}


def _street_tally(rng: random.Random, place: str) -> dict:
    """A plausible anonymous tally for a demo session; one session in five is left « non compté »."""
    if rng.random() < 0.2:
        return {}
    teens, children, adults_18, grown_ups = TALLY_SIZES[place]
    boys = {"under_12": children, "12_17": teens, "18_25": adults_18}
    tally = {"counted": True}
    for band, size in boys.items():
        tally[f"boys_{band}"] = rng.randint(0, size)
        tally[f"girls_{band}"] = rng.randint(0, size // 2)
        tally[f"others_{band}"] = int(rng.random() < 0.05)
    tally["parents"] = rng.randint(0, grown_ups)
    tally["residents"] = rng.randint(0, grown_ups)
    return tally


@dataclass(frozen=True)
class DemoAccounts:
    educators: list[User]
    coordinator: User
    funder: User


@dataclass(frozen=True)
class RecentPeriod:
    """The demo's living activity: from 1 January of last year (never before 2024) to `today`."""

    start: datetime.date
    today: datetime.date

    @property
    def days(self) -> int:
        return max((self.today - self.start).days, 1)

    def per_year(self, count: int) -> int:
        """`count` a year, for the period's length (at least one)."""
        return max(1, round(count * self.days / 365))

    def random_day(self, rng: random.Random, after: datetime.date | None = None) -> datetime.date:
        first = max(self.start, after) if after else self.start
        return first + datetime.timedelta(days=rng.randrange(0, max((self.today - first).days, 0) + 1))


def recent_period(today: datetime.date) -> RecentPeriod:
    """Last year and this one, so that both years' bilans and the dashboard have something to show on any
    date; never 2023, whose bilan is the seed's figure for figure."""
    return RecentPeriod(start=max(datetime.date(today.year - 1, 1, 1), FIRST_RECENT_DAY), today=today)


@transaction.atomic
def create_demo(*, today: datetime.date, seed: int = 2023, password: str = DEMO_PASSWORD, publish: bool = True) -> Team:
    """Create the demo team and accounts, the 2023 activity of the seed bilan and the activity of last year
    and this one up to `today` (idempotent).

    With `publish`, the 2023 bilan is also published (figures, texts, PDF and workbook frozen), so that
    the demo funder's « Bilans publiés » page has one: it renders a PDF, a few seconds, which tests that
    do not need it skip.
    """
    existing = Team.objects.filter(name=TEAM_NAME).first()
    if existing is not None:
        return existing
    rng = random.Random(seed)
    team = Team.objects.create(name=TEAM_NAME, association="Association Rencontres et Loisirs", reference_prefix="HB")
    communes, quartiers = ensure_territory(team)
    partners = ensure_partners()
    accounts = create_accounts(team=team, password=password)
    create_bilan_header(team=team, by=accounts.coordinator)

    # The 2023 activity behind the seed bilan (9 May - 31 December 2023), then the recent years.
    load_seed_2023(team=team, educators=accounts.educators)
    period = recent_period(today)
    youths = create_recent_youths(
        team=team, rng=rng, quartiers=quartiers, partners=partners, accounts=accounts, period=period
    )
    create_recent_interventions(rng=rng, youths=youths, partners=partners, period=period)
    create_recent_actions(
        team=team, rng=rng, quartiers=quartiers, partners=partners, youths=youths, accounts=accounts, period=period
    )
    create_recent_presence(
        team=team, rng=rng, tallies=random.Random(seed + 1), quartiers=quartiers, accounts=accounts, period=period
    )
    create_recent_meetings(team=team, rng=rng, communes=communes, partners=partners, accounts=accounts, period=period)
    retire_2023_youths(team=team, today=today, by=accounts.coordinator)
    add_instrument(team, today=today)

    if publish:
        _publish_seed_bilan(team=team, by=accounts.coordinator)
    return team


def create_accounts(*, team: Team, password: str) -> DemoAccounts:
    educator = _user("educateur", Role.EDUCATOR, "Karim", "Benali", team, password)
    educator2 = _user("educateur2", Role.EDUCATOR, "Julie", "Marchand", team, password)
    coordinator = _user("coordination", Role.COORDINATOR, "Sophie", "Delattre", team, password)
    funder = _user("financeur", Role.FUNDER, "Agent", "ANCT", team, password)
    return DemoAccounts(educators=[educator, educator2], coordinator=coordinator, funder=funder)


def create_recent_youths(
    *, team, rng, quartiers, partners, accounts: DemoAccounts, period: RecentPeriod
) -> list[Youth]:
    """Youths met since the period's start, each with a level ladder and a situation."""
    origins = {o.code: o for o in Origin.objects.all()}
    situations = {s.code: s for s in Situation.objects.all()}
    change_reason = EndReason.objects.get(code="changement-niveau")

    youths = []
    for i in range(period.per_year(62)):
        sex = rng.choices(["H", "F", "NB", ""], weights=[60, 36, 2, 2])[0]
        if sex == "F":
            first = rng.choice(FIRST_NAMES_F)
        elif rng.random() < 0.1:
            first = rng.choice(NICKNAMES)
        else:
            first = rng.choice(FIRST_NAMES_H)
        age = rng.choices(range(6, 25), weights=[2, 2, 2, 3, 6, 6, 7, 7, 7, 6, 3, 2, 4, 4, 3, 1, 1, 1, 1])[0]
        quartier = rng.choice(quartiers)
        first_met = period.start + datetime.timedelta(days=rng.randrange(0, max(period.days - 20, 1)))
        origin_code = rng.choices(["presence", "partenaire", "tiers"], weights=[75, 15, 10])[0]
        youth = Youth(
            team=team,
            first_name=first,
            sex=sex,
            birth_year=period.today.year - age - (1 if rng.random() < 0.5 else 0),
            birth_month=rng.choice([None, *range(1, 13)]),
            age_is_estimated=rng.random() < 0.15,
            commune=quartier.commune,
            quartier=quartier if rng.random() < 0.9 else None,
            origin=origins[origin_code],
            origin_partner=rng.choice(partners) if origin_code == "partenaire" else None,
            referent=accounts.educators[i % 2],
            first_met_on=first_met,
            informed_on=first_met + datetime.timedelta(days=rng.randrange(0, 30)) if rng.random() < 0.8 else None,
        )
        youth.save()
        youths.append(youth)
        # Level ladder: everyone starts en accroche; some move up to ASEP, then PAEI.
        target = rng.choices([Level.ACCROCHE, Level.ASEP, Level.PAEI], weights=[25, 42, 33])[0]
        episode_start = first_met
        SupportEpisode.objects.create(youth=youth, level=Level.ACCROCHE, started_on=episode_start)
        for level in [Level.ASEP, Level.PAEI][: Level.rank(target)]:
            next_start = episode_start + datetime.timedelta(days=rng.randrange(14, 60))
            if next_start >= period.today:
                break
            SupportEpisode.objects.filter(youth=youth, ended_on__isnull=True).update(
                ended_on=next_start - datetime.timedelta(days=1), end_reason=change_reason
            )
            SupportEpisode.objects.create(youth=youth, level=level, started_on=next_start)
            episode_start = next_start
        if age >= 16:
            situation = rng.choices(["scolarise", "rupture", "emploi", "formation"], weights=[50, 30, 10, 10])[0]
        else:
            situation = "scolarise" if rng.random() < 0.93 else "rupture"
        SituationRecord.objects.create(youth=youth, situation=situations[situation], started_on=first_met)

    return youths


def create_recent_interventions(*, rng, youths, partners, period: RecentPeriod) -> None:
    """Individual interventions: more for youths with a higher support level."""
    domains = list(Domain.objects.order_by("order"))
    domain_weights = [67, 64, 40, 30, 27, 27, 9, 6, 5, 4, 2, 1][: len(domains)]
    for youth in youths:
        level = youth.episodes.order_by("-started_on").first().level
        count = {
            Level.ACCROCHE: rng.randrange(0, 2),
            Level.ASEP: rng.randrange(2, 6),
            Level.PAEI: rng.randrange(5, 12),
        }[level]
        # Within the months after the first meeting, as a support runs, never after today.
        span = max(min((period.today - youth.first_met_on).days, SUPPORT_SPAN_DAYS), 1)
        for _n in range(count):
            intervention = Intervention.objects.create(
                youth=youth,
                date=youth.first_met_on + datetime.timedelta(days=rng.randrange(0, span)),
                kind=rng.choice(InterventionKind.values),
                author=youth.referent,
                note=rng.choice(
                    ["", "", "Point sur la situation.", "Prise de rendez-vous effectuée.", "Orientation proposée."]
                ),
            )
            chosen = {rng.choices(domains, weights=domain_weights)[0] for _d in range(rng.choice([1, 1, 1, 2]))}
            intervention.domains.set(chosen)
            intervention.educators.set([youth.referent])
            if rng.random() < 0.4:
                intervention.partners.set([rng.choice(partners)])


def create_recent_actions(
    *, team, rng, quartiers, partners, youths, accounts: DemoAccounts, period: RecentPeriod
) -> None:
    """Collective actions over the period, about as many a year as in the seed."""
    action_plan = (
        [ActionKind.WORKSHOP] * period.per_year(22)
        + [ActionKind.OUTING] * period.per_year(30)
        + [ActionKind.DSL] * period.per_year(16)
        + [ActionKind.COMMUNAL_EVENT] * period.per_year(10)
        + [ActionKind.WORK_PROJECT] * period.per_year(2)
    )
    for kind in action_plan:
        quartier = rng.choice(quartiers)
        date = period.random_day(rng)
        action = CollectiveAction.objects.create(
            team=team,
            date=date,
            title=rng.choice(ACTION_TITLES[kind]),
            kind=kind,
            carrying=Carrying.JOINED if kind == ActionKind.COMMUNAL_EVENT or rng.random() < 0.2 else Carrying.INITIATED,
            commune=quartier.commune,
            quartier=quartier,
            anonymous_participants=rng.randrange(0, 12),
            after_needs_assessment=kind in (ActionKind.WORKSHOP, ActionKind.OUTING),
            author=rng.choice(accounts.educators),
        )
        met = [y for y in youths if y.first_met_on <= date]
        action.participants.set(rng.sample(met, min(len(met), rng.randrange(2, 9))))
        action.partners.set(rng.sample(partners, rng.randrange(0, 3)))


def create_recent_presence(*, team, rng, tallies, quartiers, accounts: DemoAccounts, period: RecentPeriod) -> None:
    """Street presence, about 85 sessions a year; `tallies` is its own sequence for the anonymous counts."""
    educator, educator2 = accounts.educators
    educators = accounts.educators
    for _n in range(period.per_year(85)):
        quartier = rng.choice(quartiers)
        present = rng.choice([[educator], [educator2], educators, educators])
        place = rng.choices(Place.values, weights=[60, 20, 15, 5])[0]
        session = PresenceSession.objects.create(
            team=team,
            date=period.random_day(rng),
            start_time=datetime.time(rng.choice([10, 14, 16, 17, 18]), rng.choice([0, 30])),
            duration_minutes=rng.choice([60, 90, 120, 120, 150, 180]),
            place=place,
            commune=quartier.commune,
            quartier=quartier,
            educator_count=len(present),
            author=present[0],
            **_street_tally(tallies, place),
        )
        session.educators.set(present)


def create_recent_meetings(*, team, rng, communes, partners, accounts: DemoAccounts, period: RecentPeriod) -> None:
    """Partner meetings, instances and diagnostics over the period."""
    meeting_titles = {
        MeetingKind.MEETING: [
            "Réunion CAHC thématique",
            "Rencontre Mission Locale",
            "Rencontre MDS",
            "Réunion bailleur",
        ],
        MeetingKind.BODY: ["Instance CLS", "Comité PEDT"],
        MeetingKind.DIAGNOSTIC: ["Diagnostic territorial partagé"],
    }
    for kind, count in [(MeetingKind.MEETING, 14), (MeetingKind.BODY, 5), (MeetingKind.DIAGNOSTIC, 2)]:
        for _n in range(period.per_year(count)):
            meeting = PartnerMeeting.objects.create(
                team=team,
                date=period.random_day(rng),
                kind=kind,
                title=rng.choice(meeting_titles[kind]),
                commune=rng.choice(communes),
                author=rng.choice(accounts.educators),
            )
            meeting.partners.set(rng.sample(partners, rng.randrange(1, 4)))


def retire_2023_youths(*, team: Team, today: datetime.date, by: User) -> None:
    """The 2023 youths as a team would have them today, so that they do not flood the demo's pages.

    Their supports still open at the end of 2023 ended in January 2024 (the 2023 bilan counts the
    episodes overlapping 2023, unchanged); those past the retention period on `today` are anonymised,
    as the retention job would have done, keeping their statistical fields for the 2023 bilan.
    """
    seed_youths = Youth.objects.filter(team=team, first_met_on__lte=END)
    # Entered in 2023, the day of their first meeting (the purge spares records created less than a month ago).
    for youth in seed_youths:
        created = timezone.make_aware(datetime.datetime.combine(youth.first_met_on, datetime.time(18)))
        Youth.objects.filter(pk=youth.pk).update(created_at=created)
    SupportEpisode.objects.filter(youth__in=seed_youths, ended_on__isnull=True).update(
        ended_on=SEED_SUPPORTS_ENDED_ON, end_reason=EndReason.objects.get(code="fin-adhesion")
    )
    for youth in youths_due_for_anonymisation(on=today, queryset=seed_youths):
        youth_anonymise(youth=youth, by=by, reason="durée de conservation atteinte (démonstration)")


def _publish_seed_bilan(*, team: Team, by: User) -> None:
    """Publish the 2023 bilan with its narrative texts, small counts shown as in the seed document."""
    published_bilan_create(
        team=team,
        commune=None,
        start=START,
        end=END,
        small_cells_choice=PublishedBilan.SmallCells.AS_IS,
        by=by,
    )
