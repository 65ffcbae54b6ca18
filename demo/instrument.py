"""The demo's yearly instrument: the 2023 QPV codes, the agreement's targets, the actions' themes and
statuses, the perspectives announced for the next year and the team's means.

Each function stands alone, takes the demo team and is idempotent, so that `create_demo` (or any demo
with activity over two years) calls them after writing its activity. None changes a figure of the 2023
bilan: the QPV statuses stay as they were (only the codes of 2023 differ), and the actions added are not
done (only done actions count).
"""

import datetime

from actions.enums import ActionKind, ActionStatus
from actions.models import ActionTheme, CollectiveAction
from demo.seed2023 import END, NARRATIVE, SETUP_WITH_STAFF, START
from emps.models import QpvPeriod, Quartier, Team
from reports.models import BilanNarrative, FundingTarget, StaffMember, TargetKind

END_2023 = datetime.date(2023, 12, 31)

# The codes of the priority neighbourhoods before the list was redrawn on 1 January 2024.
CODES_2023 = {"Darcy": "QP062012", "Kennedy": "QP062013", "ZAC des deux villes": "QP062045"}

# The funding agreement's yearly targets (the seed's year is a part year, from 9 May).
TARGETS = {
    2023: {
        TargetKind.YOUTHS: 50,
        TargetKind.YOUTHS_QPV: 30,
        TargetKind.PRESENCE_HOURS: 150,
        TargetKind.COLLECTIVE_ACTIONS: 50,
    },
    2024: {
        TargetKind.YOUTHS: 70,
        TargetKind.YOUTHS_QPV: 42,
        TargetKind.PAEI: 20,
        TargetKind.PRESENCE_HOURS: 250,
        TargetKind.COLLECTIVE_ACTIONS: 50,
        TargetKind.DSL_ACTIONS: 20,
        TargetKind.STREET_CONTACTS: 600,
    },
}

# Title words → theme code, as the seed groups its « Actions spécifiques ».
THEME_WORDS = (
    (
        "sport-loisirs",
        ("foot", "baby", "cuisine", "sport", "boxe", "olympiade", "playa", "ufostreet", "ludique", "jeux"),
    ),
    ("culture", ("musique", "randonnée", "patrimoine", "manga", "théâtre", "ciné", "médiathèque", "musée", "graff")),
    ("sorties-familles", ("braderie", "usine", "touquet", "bray", "plage", "famille", "parc")),
    ("sante", ("santé", "sida", "planning", "prévention")),
    ("citoyennete", ("citoyen", "maison du projet", "quartier", "voisins", "nettoyage")),
    ("insertion", ("chantier", "emploi", "cv", "stage", "mission locale")),
)


def add_qpv_history(team: Team) -> None:
    """The 2023 codes of the team's QPV quartiers, valid until the list was redrawn."""
    for quartier in Quartier.objects.filter(commune__teams=team, name__in=CODES_2023, is_qpv=True):
        QpvPeriod.objects.get_or_create(
            quartier=quartier, valid_until=END_2023, defaults={"is_qpv": True, "qpv_code": CODES_2023[quartier.name]}
        )


def add_targets(team: Team, *, years=(2023, 2024), current_year: int | None = None) -> None:
    """The agreement's targets of each year (the latest year's repeated for `current_year`)."""
    plan = dict(TARGETS)
    if current_year is not None and current_year not in plan:
        plan[current_year] = TARGETS[max(TARGETS)]
    for year, targets in plan.items():
        if year not in years and year != current_year:
            continue
        for kind, value in targets.items():
            FundingTarget.objects.get_or_create(team=team, year=year, kind=kind, defaults={"value": value})


def add_action_themes(team: Team) -> None:
    """A theme for each of the team's actions whose title says it (the others keep none)."""
    themes = {theme.code: theme for theme in ActionTheme.objects.all()}
    for action in CollectiveAction.objects.filter(team=team, theme__isnull=True).only("pk", "title"):
        title = action.title.lower()
        code = next((code for code, words in THEME_WORDS if any(word in title for word in words)), None)
        if code is not None and code in themes:
            CollectiveAction.objects.filter(pk=action.pk).update(theme=themes[code])


def add_actions_not_done(team: Team, *, today: datetime.date) -> None:
    """The seed's replaced street workshop, a cancelled outing, and next months' planned actions."""
    if CollectiveAction.objects.filter(team=team).exclude(status=ActionStatus.DONE).exists():
        return
    themes = {theme.code: theme for theme in ActionTheme.objects.all()}
    kennedy = Quartier.objects.filter(commune__teams=team, name="Kennedy").select_related("commune").first()
    if kennedy is None:
        return
    common = {"team": team, "commune": kennedy.commune, "quartier": kennedy}
    replacing = (
        CollectiveAction.objects.filter(team=team, kind=ActionKind.WORKSHOP, date__year=2023).order_by("date").first()
    )
    if replacing is not None:
        CollectiveAction.objects.create(
            **common,
            title="Atelier bricolage de rue avec les Compagnons Bâtisseurs",
            kind=ActionKind.WORKSHOP,
            theme=themes.get("sport-loisirs"),
            date=replacing.date,
            planned_on=replacing.date,
            status=ActionStatus.REPLACED,
            replaced_by=replacing,
            outcome="compte tenu du temps",
        )
    last_year = today.year - 1 if today.year > 2024 else 2024
    CollectiveAction.objects.create(
        **common,
        title="Sortie familles à Bray-Dunes",
        kind=ActionKind.OUTING,
        theme=themes.get("sorties-familles"),
        date=datetime.date(last_year, 7, 20),
        planned_on=datetime.date(last_year, 7, 20),
        status=ActionStatus.CANCELLED,
        outcome="faute d'inscriptions",
    )
    for months, title, code in ((1, "Fête des voisins sur la ZAC", "citoyennete"), (2, "Projet Graff", "culture")):
        day = (today.replace(day=1) + datetime.timedelta(days=31 * months)).replace(day=1)
        CollectiveAction.objects.create(
            **common,
            title=title,
            kind=ActionKind.DSL if code == "citoyennete" else ActionKind.WORKSHOP,
            theme=themes.get(code),
            date=day,
            planned_on=day,
            status=ActionStatus.PLANNED,
        )


def add_means(team: Team) -> None:
    """The two educators recruited in May 2023, each the referent of a commune (the seed's « Mise en place »).

    The bilan now writes their recruitments from these posts: the seed's text keeps only what they do not
    say (else the 2023 bilan would list each recruitment twice)."""
    if StaffMember.objects.filter(team=team).exists():
        return
    communes = {commune.name: commune for commune in team.communes.all()}
    for name, day, commune in (
        ("Monsieur Karim Benali", datetime.date(2023, 5, 9), "Hénin-Beaumont"),
        ("Madame Julie Marchand", datetime.date(2023, 5, 11), "Montigny-en-Gohelle"),
    ):
        StaffMember.objects.create(team=team, name=name, started_on=day, referent_of=communes.get(commune))
    BilanNarrative.objects.filter(team=team, commune=None, start=START, end=END, setup=NARRATIVE["setup"]).update(
        setup=SETUP_WITH_STAFF
    )


def add_perspectives_2023(team: Team) -> None:
    """Four of the seed's « Perspectives » as planned actions of the 2023 bilan, and what became of them."""
    if CollectiveAction.objects.filter(team=team, announced_on=END_2023).exists():
        return
    themes = {theme.code: theme for theme in ActionTheme.objects.all()}
    quartiers = {q.name: q for q in Quartier.objects.filter(commune__teams=team).select_related("commune")}
    plan = (
        ("Fête des voisins sur la ZAC", "ZAC des deux villes", 5, ActionKind.DSL, "citoyennete", ActionStatus.DONE, 24),
        ("Chasse aux œufs sur Kennedy", "Kennedy", 4, ActionKind.DSL, "sport-loisirs", ActionStatus.DONE, 3),
        (
            "Atelier bricolage de rue avec les Compagnons Bâtisseurs",
            "Kennedy",
            6,
            ActionKind.WORKSHOP,
            "sport-loisirs",
            ActionStatus.POSTPONED,
            None,
        ),
        ("Projet Graff avec le commissariat", "Darcy", 10, ActionKind.WORKSHOP, "culture", ActionStatus.PLANNED, None),
    )
    for title, quartier_name, month, kind, theme, status, done_day in plan:
        quartier = quartiers.get(quartier_name)
        if quartier is None:
            continue
        planned = datetime.date(2024, month, 1)
        if status == ActionStatus.DONE:
            day = planned.replace(day=done_day)
        elif status == ActionStatus.POSTPONED:
            day = datetime.date(2024, month + 3, 1)
        else:
            day = planned
        CollectiveAction.objects.create(
            team=team,
            commune=quartier.commune,
            quartier=quartier,
            title=title,
            kind=kind,
            theme=themes.get(theme),
            date=day,
            planned_on=planned,
            status=status,
            announced_on=END_2023,
            outcome="en attente d'un créneau avec les Compagnons" if status == ActionStatus.POSTPONED else "",
        )


def add_instrument(team: Team, *, today: datetime.date) -> None:
    """Everything above, for the demo team (called by `create_demo` after its activity)."""
    if team.started_on is None:
        Team.objects.filter(pk=team.pk).update(started_on=datetime.date(2023, 5, 9))
        team.started_on = datetime.date(2023, 5, 9)
    add_qpv_history(team)
    add_targets(team, current_year=today.year)
    add_action_themes(team)
    add_actions_not_done(team, today=today)
    add_means(team)
    add_perspectives_2023(team)
