"""The demo territory and partners, shared by the demo team's recent year and its 2023 seed activity."""

from emps.models import Commune, Partner, PartnerCategory, Quartier, Team

TERRITORY = {
    "Hénin-Beaumont": [("Darcy", True, "QN06207M"), ("Kennedy", True, "QN06208M"), ("Centre-ville", False, "")],
    "Montigny-en-Gohelle": [("ZAC des deux villes", True, "QN06209M"), ("Bourg", False, "")],
}

PARTNERS = [
    ("MDS Hénin-Carvin", "institutions"),
    ("Mission Locale Hénin", "insertion"),
    ("Mission Locale Montigny", "insertion"),
    ("CEJ-R", "insertion"),
    ("Secours Catholique Hénin", "associations"),
    ("Secours Populaire Hénin", "associations"),
    ("Maison des Adolescents", "sante"),
    ("CCAS – PRE", "institutions"),
    ("ADAE / AEMO", "justice"),
    ("Médiathèque Hénin", "sport-culture"),
    ("Médiathèque Montigny", "sport-culture"),
    ("Écoles primaires", "education"),
    ("Collège Jean Macé", "education"),
    ("Collège de Harnes", "education"),
    ("Centre Social Hénin", "associations"),
    ("Club de boxe", "sport-culture"),
    ("Club de football", "sport-culture"),
    ("UFOLEP", "sport-culture"),
    ("Escapade", "sport-culture"),
    ("Compagnons Bâtisseurs", "associations"),
    ("Maisons et Cités", "logement"),
    ("Pas-de-Calais Habitat", "logement"),
    ("CLLAJ", "logement"),
    ("Service Hébergement R&L", "logement"),
    ("Point Info Jeunesse", "insertion"),
    ("CFA", "formation"),
    ("GRETA", "formation"),
    ("Planning Familial", "sante"),
    ("CAHC", "collectivites"),
    ("Médiateurs de la ville", "collectivites"),
]


def ensure_territory(team: Team) -> tuple[list[Commune], list[Quartier]]:
    """The demo communes and quartiers, covered by `team` (created when missing)."""
    quartiers = []
    communes = []
    for commune_name, qs in TERRITORY.items():
        commune, _c = Commune.objects.get_or_create(name=commune_name)
        communes.append(commune)
        team.communes.add(commune)
        for name, is_qpv, code in qs:
            quartier, _q = Quartier.objects.get_or_create(
                commune=commune, name=name, defaults={"is_qpv": is_qpv, "qpv_code": code}
            )
            quartiers.append(quartier)
    return communes, quartiers


def ensure_partners() -> list[Partner]:
    """The demo partners (created when missing), in the order of PARTNERS."""
    categories = {c.code: c for c in PartnerCategory.objects.all()}
    return [
        Partner.objects.get_or_create(name=name, defaults={"category": categories[cat]})[0] for name, cat in PARTNERS
    ]
