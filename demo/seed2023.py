"""The raw records behind the seed bilan: EMPS Hénin-Beaumont, 9 May 2023 to 31 December 2023.

`load_seed_2023(team=...)` writes, deterministically, the 2023 activity whose bilan is the seed
document (../shared/seed/bilan-emps-henin-beaumont-2023.txt) figure for figure: 60 youths (20 PAEI,
25 ASEP, 15 en accroche) with the seed's age, sex, origin and situation tables, 282 domain tags on
their interventions, 22 ateliers and 38 sorties, 23 DSL actions initiated and 15 communal events joined,
165 hours of street presence, and the partner meetings of "Action générale". The demo loads it
beside its recent year (`demo.team.create_demo`), and the tests check every figure against it.

Youths are fictional. Nothing here is random: the same call always writes the same records.
"""

import datetime

from django.db import transaction

from actions.enums import ActionKind, Carrying, InterventionKind, MeetingKind, Place
from actions.models import CollectiveAction, Domain, Intervention, PartnerMeeting, PresenceSession
from actions.summaries import summaries_bring_up_to_date
from demo.territory import ensure_partners, ensure_territory
from emps.models import Team
from reports.models import BilanNarrative
from youths.enums import Level
from youths.models import EndReason, Origin, Situation, SituationRecord, SupportEpisode, Youth

START = datetime.date(2023, 5, 9)
END = datetime.date(2023, 12, 31)

# The commune and quartier of residence of each youth: (commune, quartier or None).
PLACES = {
    "darcy": ("Hénin-Beaumont", "Darcy"),
    "kennedy": ("Hénin-Beaumont", "Kennedy"),
    "centre": ("Hénin-Beaumont", "Centre-ville"),
    "henin": ("Hénin-Beaumont", None),
    "zac": ("Montigny-en-Gohelle", "ZAC des deux villes"),
    "bourg": ("Montigny-en-Gohelle", "Bourg"),
    "montigny": ("Montigny-en-Gohelle", None),
}

# One line per youth: sex, birth year, birth month (None: year only), origin, situation on
# 31 December 2023, level reached in 2023, place of residence, first meeting.
# Ages on 31 December 2023 are 2023 - birth year (every birth month is on or before December).
YOUTHS = [
    ("H", 2016, None, "presence", "scolarise", "asep", "darcy", "2023-05-09"),
    ("F", 2015, 5, "presence", "scolarise", "accroche", "kennedy", "2023-06-17"),
    ("H", 2015, 10, "partenaire", "scolarise", "asep", "zac", "2023-09-13"),
    ("F", 2014, 2, "presence", "scolarise", "paei", "henin", "2023-05-16"),
    ("F", 2013, 7, "presence", "scolarise", "accroche", "darcy", "2023-07-16"),
    ("F", 2013, 12, "presence", "scolarise", "asep", "darcy", "2023-10-28"),
    ("F", 2013, 4, "partenaire", "scolarise", "accroche", "kennedy", "2023-06-03"),
    ("H", 2013, 9, "presence", "scolarise", "asep", "zac", "2023-08-21"),
    ("H", 2013, 1, "presence", "scolarise", "paei", "centre", "2023-05-11"),
    ("H", 2013, 6, "tiers", "scolarise", "asep", "centre", "2023-06-29"),
    ("F", 2012, 11, "presence", "scolarise", "accroche", "zac", "2023-10-02"),
    ("F", 2012, 3, "presence", "scolarise", "asep", "kennedy", "2023-05-23"),
    ("F", 2012, 8, "presence", "scolarise", "accroche", "darcy", "2023-07-31"),
    ("H", 2012, None, "presence", "scolarise", "paei", "darcy", "2023-11-19"),
    ("H", 2012, 5, "presence", "scolarise", "asep", "henin", "2023-06-14"),
    ("H", 2012, 10, "partenaire", "scolarise", "accroche", "centre", "2023-09-08"),
    ("F", 2011, 2, "presence", "scolarise", "asep", "kennedy", "2023-05-15"),
    ("H", 2011, 7, "presence", "scolarise", "asep", "darcy", "2023-07-13"),
    ("H", 2011, 12, "presence", "scolarise", "paei", "zac", "2023-10-23"),
    ("H", 2011, 4, "tiers", "scolarise", "accroche", "darcy", "2023-06-01"),
    ("H", 2011, 9, "presence", "scolarise", "asep", "darcy", "2023-08-17"),
    ("H", 2011, 1, "presence", "scolarise", "accroche", "zac", "2023-05-10"),
    ("H", 2011, 6, "partenaire", "scolarise", "asep", "centre", "2023-06-26"),
    ("H", 2011, 11, "presence", "scolarise", "paei", "bourg", "2023-09-27"),
    ("F", 2010, 3, "presence", "scolarise", "accroche", "montigny", "2023-05-21"),
    ("H", 2010, 8, "presence", "scolarise", "asep", "bourg", "2023-07-27"),
    ("H", 2010, None, "presence", "scolarise", "asep", "kennedy", "2023-11-13"),
    ("H", 2010, 5, "tiers", "scolarise", "accroche", "darcy", "2023-06-11"),
    ("H", 2010, 10, "presence", "scolarise", "paei", "darcy", "2023-09-04"),
    ("H", 2010, 2, "partenaire", "scolarise", "asep", "zac", "2023-05-14"),
    ("H", 2010, 7, "presence", "scolarise", "accroche", "bourg", "2023-07-09"),
    ("F", 2009, 12, "presence", "scolarise", "asep", "kennedy", "2023-10-17"),
    ("F", 2009, 4, "tiers", "scolarise", "accroche", "zac", "2023-05-30"),
    ("H", 2009, 9, "presence", "scolarise", "paei", "henin", "2023-08-13"),
    ("H", 2009, 1, "presence", "scolarise", "asep", "zac", "2023-05-09"),
    ("H", 2009, 6, "partenaire", "scolarise", "asep", "darcy", "2023-06-23"),
    ("H", 2009, 11, "presence", "scolarise", "accroche", "kennedy", "2023-09-22"),
    ("F", 2008, 3, "presence", "scolarise", "asep", "zac", "2023-05-20"),
    ("F", 2008, 8, "presence", "scolarise", "paei", "kennedy", "2023-07-24"),
    ("F", 2008, None, "presence", "scolarise", "accroche", "kennedy", "2023-11-08"),
    ("H", 2008, 5, "presence", "scolarise", "asep", "zac", "2023-06-08"),
    ("H", 2008, 10, "tiers", "scolarise", "accroche", "kennedy", "2023-08-30"),
    ("H", 2008, 2, "presence", "scolarise", "asep", "darcy", "2023-05-12"),
    ("F", 2007, 7, "presence", "rupture", "paei", "zac", "2023-07-06"),
    ("H", 2007, 12, "presence", "scolarise", "asep", "henin", "2023-10-12"),
    ("H", 2007, 4, "partenaire", "scolarise", "paei", "centre", "2023-05-27"),
    ("H", 2006, 9, "presence", "scolarise", "paei", "kennedy", "2023-08-09"),
    ("H", 2006, 1, "presence", "rupture", "asep", "montigny", "2023-05-09"),
    ("F", 2005, 6, "presence", "rupture", "paei", "zac", "2023-06-20"),
    ("F", 2005, 11, "presence", "scolarise", "paei", "darcy", "2023-09-18"),
    ("H", 2005, 3, "tiers", "rupture", "paei", "darcy", "2023-05-18"),
    ("H", 2005, 8, "presence", "rupture", "asep", "kennedy", "2023-07-20"),
    ("H", 2005, None, "presence", "scolarise", "paei", "bourg", "2023-11-02"),
    ("F", 2004, 5, "partenaire", "rupture", "paei", "montigny", "2023-06-06"),
    ("F", 2004, 10, "presence", "scolarise", "asep", "bourg", "2023-08-26"),
    ("H", 2004, 2, "partenaire", "emploi", "paei", "centre", "2023-05-11"),
    ("H", 2004, 7, "presence", "rupture", "paei", "zac", "2023-07-02"),
    ("F", 2003, 12, "presence", "rupture", "asep", "darcy", "2023-10-07"),
    ("F", 2003, 4, "presence", "rupture", "paei", "darcy", "2023-05-25"),
    ("F", 2002, 9, "presence", "emploi", "paei", "zac", "2023-08-04"),
]

FIRST_NAMES = {
    "H": ["Adam", "Yanis", "Lucas", "Enzo", "Nolan", "Rayan", "Mathis", "Ilyes", "Kylian", "Noah", "Sofiane", "Théo"],
    "F": ["Lina", "Inès", "Léa", "Jade", "Maëlys", "Sarah", "Chloé", "Yasmine", "Manon", "Nour", "Lou", "Océane"],
}

# Domaines travaillés in 2023: domain code -> (interventions tagged with it, distinct youths), and who
# may plausibly be concerned (a minimum age, or the youths at school).
DOMAINS = {
    "loisirs": (67, 29, None),
    "scolarite": (64, 29, "school"),
    "sante": (40, 17, None),
    "insertion": (30, 12, 16),
    "logement": (27, 8, 16),
    "famille": (27, 17, None),
    "mobilite": (9, 5, 16),
    "comportement": (6, 3, 12),
    "urgence": (5, 1, 18),
    "administratif": (4, 1, 18),
    "justice": (2, 2, 16),
    "formation": (1, 1, 16),
}

# The partner an intervention of each domain mobilises, in turn (every other intervention has one).
DOMAIN_PARTNERS = {
    "loisirs": ["Club de boxe", "Club de football", "Médiathèque Hénin", "Médiathèque Montigny"],
    "scolarite": ["Collège Jean Macé", "Écoles primaires", "Collège de Harnes"],
    "sante": ["Maison des Adolescents", "Planning Familial"],
    "insertion": ["Mission Locale Hénin", "Mission Locale Montigny", "CEJ-R", "Point Info Jeunesse"],
    "logement": ["Maisons et Cités", "Pas-de-Calais Habitat", "CLLAJ", "Service Hébergement R&L"],
    "famille": ["MDS Hénin-Carvin", "CCAS – PRE", "ADAE / AEMO"],
    "mobilite": ["Point Info Jeunesse"],
    "comportement": ["Collège Jean Macé"],
    "urgence": ["Secours Catholique Hénin", "Secours Populaire Hénin"],
    "administratif": ["CCAS – PRE"],
    "justice": ["ADAE / AEMO"],
    "formation": ["CFA", "GRETA"],
}

AT, SO, DSL, EV = ActionKind.WORKSHOP, ActionKind.OUTING, ActionKind.DSL, ActionKind.COMMUNAL_EVENT
INITIATED, JOINED = Carrying.INITIATED, Carrying.JOINED

# Collective actions: (type, carrying, title, how many, place, partners, first and last possible date).
ACTIONS = [
    (AT, INITIATED, "Atelier ludique (bricolage de rue)", 2, "kennedy", ["Compagnons Bâtisseurs"], "07-10", "08-25"),
    (AT, INITIATED, "Atelier cuisine", 6, "darcy", ["Centre Social Hénin"], "05-20", "12-20"),
    (AT, INITIATED, "Tournoi de baby-foot", 4, "zac", [], "06-01", "12-15"),
    (AT, INITIATED, "Tournoi de foot", 3, "darcy", ["Mission Locale Hénin", "CEJ-R"], "06-10", "10-15"),
    (AT, INITIATED, "Atelier éducation aux médias (CLEA)", 4, "kennedy", ["Escapade"], "09-15", "12-10"),
    (AT, INITIATED, "Atelier théâtre de rue", 3, "kennedy", ["Escapade"], "10-01", "12-15"),
    (
        SO,
        "initiee",
        "Sortie base de loisirs d'Olhain",
        3,
        "zac",
        ["Mission Locale Montigny", "CEJ-R"],
        "07-05",
        "08-30",
    ),
    (SO, INITIATED, "Journée réalité virtuelle", 2, "darcy", ["Mission Locale Hénin"], "10-20", "11-30"),
    (SO, INITIATED, "Playa Tour UFOLEP", 3, "darcy", ["UFOLEP"], "07-08", "08-20"),
    (SO, INITIATED, "Ufostreet", 3, "zac", ["UFOLEP"], "06-15", "09-30"),
    (SO, INITIATED, "Randonnée mémoire (Vimy)", 3, "centre", [], "09-01", "11-11"),
    (SO, INITIATED, "Randonnée culturelle (Louvre-Lens)", 4, "kennedy", [], "06-20", "12-20"),
    (SO, INITIATED, "Journées du patrimoine", 2, "bourg", [], "09-16", "09-17"),
    (SO, INITIATED, "Salon du manga d'Hénin", 2, "centre", ["Médiathèque Hénin"], "10-14", "10-15"),
    (SO, INITIATED, "Médiathèque : projet Ados", 4, "centre", ["Médiathèque Hénin"], "09-10", "12-16"),
    (SO, INITIATED, "Sortie familles : braderie de Lille", 2, "darcy", [], "09-02", "09-03"),
    (SO, INITIATED, "Sortie familles : l'Usine Roubaix", 2, "zac", [], "11-04", "12-09"),
    (SO, INITIATED, "Sortie familles : Le Touquet", 3, "kennedy", [], "07-12", "08-23"),
    (SO, INITIATED, "Sortie familles : Bray-Dunes", 3, "zac", [], "07-19", "08-29"),
    (SO, INITIATED, "Fête de la musique", 1, "centre", [], "06-21", "06-21"),
    (SO, INITIATED, "Sortie vélo avec le club de cyclisme", 1, "bourg", [], "10-07", "10-07"),
    (DSL, INITIATED, "Animations de rue sur Kennedy", 10, "kennedy", [], "05-25", "12-20"),
    (DSL, INITIATED, "Maison du projet Darcy", 5, "darcy", ["Maisons et Cités"], "06-05", "12-11"),
    (DSL, INITIATED, "Maison du projet ZAC", 4, "zac", ["Pas-de-Calais Habitat"], "09-05", "12-12"),
    (
        DSL,
        "initiee",
        "Collège Jean Macé : exclusions temporaires",
        4,
        "centre",
        ["Collège Jean Macé"],
        "09-12",
        "12-14",
    ),
    (EV, JOINED, "Quartier d'été Darcy", 4, "darcy", ["Centre Social Hénin"], "07-10", "08-18"),
    (EV, JOINED, "Quartier d'été Kennedy", 4, "kennedy", ["Centre Social Hénin"], "07-17", "08-25"),
    (EV, JOINED, "Hénin Plage", 4, "centre", [], "07-22", "08-13"),
    (EV, JOINED, "Olympiades Darcy", 3, "darcy", ["Centre Social Hénin", "UFOLEP"], "06-24", "08-26"),
]

MEETINGS = [
    (MeetingKind.MEETING, "Réunion CAHC thématique", 4, None, ["CAHC"]),
    (MeetingKind.MEETING, "Rencontre Maison des Adolescents", 2, None, ["Maison des Adolescents"]),
    (MeetingKind.MEETING, "Rencontre MDS", 2, None, ["MDS Hénin-Carvin"]),
    (MeetingKind.MEETING, "Rencontre Mission Locale", 2, None, ["Mission Locale Hénin", "Mission Locale Montigny"]),
    (MeetingKind.MEETING, "Rencontre PRE", 1, "darcy", ["CCAS – PRE"]),
    (MeetingKind.MEETING, "Rencontre médiateurs", 2, "kennedy", ["Médiateurs de la ville"]),
    (MeetingKind.MEETING, "Rencontre CEJ-R", 1, None, ["CEJ-R"]),
    (MeetingKind.MEETING, "Rencontre Escapade", 1, "kennedy", ["Escapade"]),
    (MeetingKind.MEETING, "Rencontre UFOLEP", 1, None, ["UFOLEP"]),
    (MeetingKind.MEETING, "Rencontre Compagnons Bâtisseurs", 1, "kennedy", ["Compagnons Bâtisseurs"]),
    (MeetingKind.MEETING, "Rencontre collèges", 2, None, ["Collège Jean Macé", "Collège de Harnes"]),
    (MeetingKind.BODY, "CLS (contrat local de santé)", 3, None, ["CAHC", "Planning Familial"]),
    (MeetingKind.BODY, "PEDT (projet éducatif territorial)", 2, "centre", ["Écoles primaires"]),
    (MeetingKind.BODY, "Réunion bailleur", 2, "zac", ["Maisons et Cités", "Pas-de-Calais Habitat"]),
    (
        MeetingKind.DIAGNOSTIC,
        "Diagnostic territorial partagé Darcy",
        1,
        "darcy",
        ["Médiateurs de la ville", "CCAS – PRE", "Centre Social Hénin"],
    ),
    (
        MeetingKind.DIAGNOSTIC,
        "Diagnostic territorial partagé Kennedy",
        1,
        "kennedy",
        ["Médiateurs de la ville", "CCAS – PRE", "Centre Social Hénin"],
    ),
    (MeetingKind.DIAGNOSTIC, "Diagnostic territorial partagé ZAC", 1, "zac", ["Médiateurs de la ville", "CCAS – PRE"]),
]

# Street presence: 66 sessions, 22 × (2 h + 3 h + 2 h 30) = 165 hours.
PRESENCE_DURATIONS = [120, 180, 150]
PRESENCE_PLACES = [Place.STREET, Place.STREET, Place.SCHOOL, Place.STREET, Place.LOCAL, Place.STREET]
PRESENCE_QUARTIERS = ["darcy", "kennedy", "zac", "darcy", "centre", "kennedy", "zac", "bourg", "darcy", "henin", "zac"]
PRESENCE_SESSIONS = 66

# With the team's posts entered (the demo's `add_means`), the bilan writes the recruitments itself: the
# seed's « Mise en place » keeps only the rest.
SETUP_WITH_STAFF = "- Julie Marchand travaille en binôme avec Karim Benali."

NARRATIVE = {
    "setup": (
        "- Recrutement le 9 mai 2023 de Karim Benali, référent de la commune d'Hénin-Beaumont.\n"
        "- Recrutement le 11 mai 2023 de Julie Marchand, référente de la commune de Montigny-en-Gohelle "
        "et binôme de Karim Benali."
    ),
    "general_action_notes": (
        "- Ils ont bénéficié d'une réunion par semaine en interne, sauf pendant les vacances scolaires "
        "propices aux actions collectives."
    ),
    "perspectives": (
        "- Poursuite de la définition du périmètre d'intervention\n"
        "- Accès à la Maison du projet Darcy et de la ZAC sur des horaires atypiques\n"
        "- Sur la base des échanges avec les familles lors du travail de rue, mettre en place des actions de "
        "quartier en 2024 au niveau de la ZAC des deux villes et de Kennedy : fête des voisins sur la ZAC (mai) "
        "et activités de Pâques à destination des enfants sur Kennedy (avril)\n"
        "- Continuer les animations de rue sur Kennedy et la ZAC et un atelier bricolage de rue avec les "
        "Compagnons Bâtisseurs sur Kennedy (printemps ou été)\n"
        "- Projet avec le Centre Social et Maisons et Cités : chantier éducatif sur Darcy (action solidaire à "
        "destination des personnes âgées)\n"
        "- Investir chaque quartier à travers un lieu ressource (permanences, café des parents, activités "
        "collectives) : Maison du projet Darcy, Maison du projet ZAC, salle sur Kennedy\n"
        "- Poursuivre le travail avec les collèges, notamment Jean Macé : permanences à l'intérieur du "
        "collège, projet avec les 3e et leurs stages\n"
        "- Projets culturels en (co)construction : ciné-club, découverte du patrimoine du Pas-de-Calais, "
        "CLEA avec l'Escapade (réseaux sociaux et médias)\n"
        "- Mise en place d'actions spécifiques : projet graff avec le commissariat d'Hénin, action santé "
        "avec le Planning Familial (journée mondiale de lutte contre le sida du 1er décembre)"
    ),
    "added_value": (
        "Maillage territorial en cours avec l'existant.\n"
        "Outil de réactivité et facilitateur mobilisable par les jeunes et les familles, la commune, le "
        "bailleur, les partenaires.\n"
        "Technicité des professionnels.\n"
        "Adaptabilité en fonction des besoins identifiés par commune et modulable suivant les périodes."
    ),
}


def _date(month_day: str) -> datetime.date:
    month, day = (int(part) for part in month_day.split("-"))
    return datetime.date(2023, month, day)


def _spread(first: datetime.date, last: datetime.date, count: int) -> list[datetime.date]:
    """`count` dates evenly spread between `first` and `last`, bounds included when count allows."""
    if count == 1:
        return [first]
    span = (last - first).days
    return [first + datetime.timedelta(days=(span * i) // (count - 1)) for i in range(count)]


def _share(total: int, parts: int) -> list[int]:
    """`total` split into `parts` whole numbers, the larger ones first."""
    base, extra = divmod(total, parts)
    return [base + 1 if i < extra else base for i in range(parts)]


def domain_tags(youths: list[dict]) -> dict[int, list[str]]:
    """For each youth (by index in YOUTHS), the domain codes of their 2023 interventions, one per tag."""
    supported = [i for i, y in enumerate(youths) if y["level"] in (Level.ASEP, Level.PAEI)]
    tags: dict[int, list[str]] = {i: [] for i in supported}
    for offset, (code, (total, count, who)) in enumerate(DOMAINS.items()):
        if who == "school":
            eligible = [i for i in supported if youths[i]["situation"] == "scolarise"]
        elif who is None:
            eligible = supported
        else:
            eligible = [i for i in supported if youths[i]["age"] >= who]
        step = len(eligible) / count
        chosen = [eligible[(offset * 3 + int(k * step)) % len(eligible)] for k in range(count)]
        assert len(set(chosen)) == count, code
        for i, n in zip(chosen, _share(total, count), strict=True):
            tags[i] += [code] * n
    return tags


def _interventions_of(codes: list[str]) -> list[list[str]]:
    """Group a youth's tags into interventions: one Loisir with one Scolarité, one Santé with one Famille."""
    remaining = list(codes)
    interventions = []
    for pair in (("loisirs", "scolarite"), ("sante", "famille")):
        if all(code in remaining for code in pair):
            for code in pair:
                remaining.remove(code)
            interventions.append(list(pair))
    return interventions + [[code] for code in remaining]


def youth_rows() -> list[dict]:
    keys = ("sex", "birth_year", "birth_month", "origin", "situation", "level", "place", "first_met_on")
    rows = []
    for values in YOUTHS:
        row = dict(zip(keys, values, strict=True))
        row["first_met_on"] = datetime.date.fromisoformat(row["first_met_on"])
        row["age"] = END.year - row["birth_year"]
        rows.append(row)
    return rows


def _episodes(level: str, first: datetime.date, index: int) -> list[tuple[str, datetime.date, datetime.date | None]]:
    """Everyone starts en accroche; ASEP after up to three weeks, PAEI after up to two months."""
    remaining = (END - first).days
    asep_on = first + datetime.timedelta(days=min(21, remaining // 3))
    paei_on = first + datetime.timedelta(days=min(60, 2 * remaining // 3))
    day = datetime.timedelta(days=1)
    if level == Level.ACCROCHE:
        return [(Level.ACCROCHE, first, None)]
    if level == Level.ASEP:
        # One ASEP in five ended in 2023 (libre adhésion): still ASEP in the bilan.
        ended = asep_on + datetime.timedelta(days=(END - asep_on).days // 2) if index % 5 == 0 else None
        return [(Level.ACCROCHE, first, asep_on - day), (Level.ASEP, asep_on, ended)]
    return [(Level.ACCROCHE, first, asep_on - day), (Level.ASEP, asep_on, paei_on - day), (Level.PAEI, paei_on, None)]


def seed_exists(team: Team) -> bool:
    return Youth.objects.filter(team=team, first_met_on__gte=START, first_met_on__lte=END).exists()


@transaction.atomic
def load_seed_2023(*, team: Team, educators=(), with_narrative: bool = True) -> None:
    """Write the 2023 activity of the seed into `team` (nothing when it is already there)."""
    if seed_exists(team):
        return
    communes, quartiers = ensure_territory(team)
    commune_by_name = {c.name: c for c in communes}
    quartier_by_name = {(q.commune.name, q.name): q for q in quartiers}
    places = {
        key: (commune_by_name[commune], quartier_by_name[(commune, name)] if name else None)
        for key, (commune, name) in PLACES.items()
    }
    partners = {p.name: p for p in ensure_partners()}
    origins = {o.code: o for o in Origin.objects.all()}
    situations = {s.code: s for s in Situation.objects.all()}
    domains = {d.code: d for d in Domain.objects.all()}
    change = EndReason.objects.filter(code="changement-niveau").first()
    stopped = EndReason.objects.filter(code="fin-adhesion").first()
    educators = list(educators)
    referent = {"Hénin-Beaumont": educators[0] if educators else None}
    referent["Montigny-en-Gohelle"] = educators[1] if len(educators) > 1 else referent["Hénin-Beaumont"]

    rows = youth_rows()
    prefix = Youth.next_reference(team)
    head, number = prefix.rsplit("-", 1)
    youths = []
    for index, row in enumerate(rows):
        commune, quartier = places[row["place"]]
        origin_partner = None
        if row["origin"] == "partenaire":
            origin_partner = partners[["Collège Jean Macé", "Mission Locale Hénin", "MDS Hénin-Carvin"][index % 3]]
        youths.append(
            Youth(
                team=team,
                reference=f"{head}-{int(number) + index:04d}",
                first_name=FIRST_NAMES[row["sex"]][index % len(FIRST_NAMES[row["sex"]])],
                sex=row["sex"],
                birth_year=row["birth_year"],
                birth_month=row["birth_month"],
                commune=commune,
                quartier=quartier,
                origin=origins[row["origin"]],
                origin_partner=origin_partner,
                referent=referent[commune.name],
                first_met_on=row["first_met_on"],
                informed_on=row["first_met_on"] + datetime.timedelta(days=7),
            )
        )
    youths = Youth.objects.bulk_create(youths)

    episodes, records = [], []
    for index, (youth, row) in enumerate(zip(youths, rows, strict=True)):
        steps = _episodes(row["level"], row["first_met_on"], index)
        for n, (level, started_on, ended_on) in enumerate(steps):
            reason = None
            if ended_on is not None:
                reason = change if n < len(steps) - 1 else stopped
            episodes.append(
                SupportEpisode(youth=youth, level=level, started_on=started_on, ended_on=ended_on, end_reason=reason)
            )
        if row["situation"] in ("rupture", "emploi") and index % 2 == 0:
            # Situation changed during the year: the one in force on 31 December counts.
            before = "scolarise" if row["situation"] == "rupture" else "rupture"
            changed_on = row["first_met_on"] + datetime.timedelta(days=30)
            records.append(SituationRecord(youth=youth, situation=situations[before], started_on=row["first_met_on"]))
            records.append(SituationRecord(youth=youth, situation=situations[row["situation"]], started_on=changed_on))
        else:
            records.append(
                SituationRecord(youth=youth, situation=situations[row["situation"]], started_on=row["first_met_on"])
            )
    SupportEpisode.objects.bulk_create(episodes)
    SituationRecord.objects.bulk_create(records)

    _load_interventions(youths, rows, domains, partners)
    _load_actions(team, youths, rows, places, partners, educators)
    _load_presence(team, places, educators)
    _load_meetings(team, places, partners, educators)
    if with_narrative:
        BilanNarrative.objects.get_or_create(team=team, commune=None, start=START, end=END, defaults=NARRATIVE)
    summaries_bring_up_to_date()


def _load_interventions(youths, rows, domains, partners):
    kinds = list(InterventionKind.values)
    tags = domain_tags(rows)
    planned = []
    for index, codes in tags.items():
        youth, first = youths[index], rows[index]["first_met_on"]
        groups = _interventions_of(codes)
        last = min(END, first + datetime.timedelta(days=150))
        for date, group in zip(_spread(first, last, len(groups) + 1)[1:], groups, strict=True):
            planned.append((youth, date, group))
    interventions = Intervention.objects.bulk_create(
        Intervention(youth=youth, date=date, kind=kinds[n % len(kinds)], author=youth.referent)
        for n, (youth, date, _group) in enumerate(planned)
    )
    domain_links, partner_links, educator_links = [], [], []
    turn = dict.fromkeys(DOMAINS, 0)
    for n, (intervention, (youth, _date, group)) in enumerate(zip(interventions, planned, strict=True)):
        for code in group:
            domain_links.append(Intervention.domains.through(intervention=intervention, domain=domains[code]))
        if n % 2 == 0:
            code = group[0]
            names = DOMAIN_PARTNERS[code]
            partner_links.append(
                Intervention.partners.through(
                    intervention=intervention, partner=partners[names[turn[code] % len(names)]]
                )
            )
            turn[code] += 1
        if youth.referent_id:
            educator_links.append(Intervention.educators.through(intervention=intervention, user_id=youth.referent_id))
    Intervention.domains.through.objects.bulk_create(domain_links)
    Intervention.partners.through.objects.bulk_create(partner_links)
    Intervention.educators.through.objects.bulk_create(educator_links)


def _load_actions(team, youths, rows, places, partners, educators):
    planned = []
    for kind, carrying, title, count, place, names, first, last in ACTIONS:
        for date in _spread(_date(first), _date(last), count):
            planned.append((kind, carrying, title, place, names, date))
    actions = CollectiveAction.objects.bulk_create(
        CollectiveAction(
            team=team,
            date=date,
            title=title,
            kind=kind,
            carrying=carrying,
            commune=places[place][0],
            quartier=places[place][1],
            anonymous_participants=(n * 3) % 7,
            after_needs_assessment=kind in (ActionKind.WORKSHOP, ActionKind.OUTING),
            author=educators[n % len(educators)] if educators else None,
        )
        for n, (kind, carrying, title, place, names, date) in enumerate(planned)
    )
    participant_links, partner_links = [], []
    for n, (action, (_kind, _carrying, _title, _place, names, date)) in enumerate(zip(actions, planned, strict=True)):
        met = [youth for youth, row in zip(youths, rows, strict=True) if row["first_met_on"] <= date]
        size = min(len(met), 3 + n % 6)
        start = (n * 5) % len(met) if met else 0
        for k in range(size):
            participant_links.append(
                CollectiveAction.participants.through(collectiveaction=action, youth=met[(start + k) % len(met)])
            )
        for name in names:
            partner_links.append(CollectiveAction.partners.through(collectiveaction=action, partner=partners[name]))
    CollectiveAction.participants.through.objects.bulk_create(participant_links)
    CollectiveAction.partners.through.objects.bulk_create(partner_links)


def _load_presence(team, places, educators):
    dates = _spread(START, END, PRESENCE_SESSIONS)
    sessions = PresenceSession.objects.bulk_create(
        PresenceSession(
            team=team,
            date=date,
            start_time=datetime.time(14 + n % 4, 30 if n % 3 else 0),
            duration_minutes=PRESENCE_DURATIONS[n % len(PRESENCE_DURATIONS)],
            place=PRESENCE_PLACES[n % len(PRESENCE_PLACES)],
            commune=places[PRESENCE_QUARTIERS[n % len(PRESENCE_QUARTIERS)]][0],
            quartier=places[PRESENCE_QUARTIERS[n % len(PRESENCE_QUARTIERS)]][1],
            educator_count=2 if n % 2 == 0 else 1,
            author=educators[n % len(educators)] if educators else None,
        )
        for n, date in enumerate(dates)
    )
    if educators:
        links = []
        for n, session in enumerate(sessions):
            present = educators[:2] if n % 2 == 0 else [educators[n % len(educators)]]
            links += [PresenceSession.educators.through(presencesession=session, user=user) for user in present]
        PresenceSession.educators.through.objects.bulk_create(links)


def _load_meetings(team, places, partners, educators):
    planned = []
    for n, (kind, title, count, place, names) in enumerate(MEETINGS):
        for k, date in enumerate(_spread(_date("05-22"), _date("12-15"), count)):
            shifted = min(date + datetime.timedelta(days=(n * 11 + k * 3) % 40), END)
            planned.append((kind, title, place, names, shifted))
    meetings = PartnerMeeting.objects.bulk_create(
        PartnerMeeting(
            team=team,
            date=date,
            kind=kind,
            title=title,
            commune=places[place][0] if place else None,
            quartier=places[place][1] if place else None,
            author=educators[n % len(educators)] if educators else None,
        )
        for n, (kind, title, place, _names, date) in enumerate(planned)
    )
    links = [
        PartnerMeeting.partners.through(partnermeeting=meeting, partner=partners[name])
        for meeting, (_kind, _title, _place, names, _date) in zip(meetings, planned, strict=True)
        for name in names
    ]
    PartnerMeeting.partners.through.objects.bulk_create(links)
