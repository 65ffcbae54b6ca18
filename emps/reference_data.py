"""Reference lists seeded by data migrations; coordinators may extend them in the admin.

Each entry is (code, label). The order of each list is the order in the bilan.
"""

DOMAINS = [
    ("loisirs", "Loisir / Sport / Culture"),
    ("scolarite", "Scolarité"),
    ("sante", "Santé / Bien être"),
    ("insertion", "Insertion pro"),
    ("logement", "Logement / Hébergement"),
    ("famille", "Famille"),
    ("mobilite", "Mobilité"),
    ("comportement", "Comportement"),
    ("urgence", "Aide d'urgence"),
    ("administratif", "Administratif"),
    ("justice", "Justice"),
    ("formation", "Formation"),
]

ORIGINS = [
    ("presence", "Présence sociale"),
    ("partenaire", "Partenaire"),
    ("tiers", "Tiers"),
]

SITUATIONS = [
    ("scolarise", "Scolarisé"),
    ("formation", "En formation"),
    ("emploi", "En emploi"),
    ("rupture", "En rupture (NEET ou déscolarisé)"),
    ("autre", "Autre"),
]

END_REASONS = [
    ("changement-niveau", "Changement de niveau"),
    ("objectif-atteint", "Objectif atteint"),
    ("fin-adhesion", "Fin de l'adhésion du jeune"),
    ("relais", "Relais vers un partenaire"),
    ("demenagement", "Déménagement"),
    ("perdu-de-vue", "Perdu de vue"),
    ("autre", "Autre"),
]

# The themes of collective actions, as the bilan's « Actions spécifiques » groups them.
ACTION_THEMES = [
    ("sport-loisirs", "Sport / loisirs"),
    ("culture", "Culturel"),
    ("sorties-familles", "Sorties « Familles »"),
    ("sante", "Santé"),
    ("citoyennete", "Citoyenneté"),
    ("parentalite", "Parentalité"),
    ("insertion", "Insertion"),
]

PARTNER_CATEGORIES = [
    ("institutions", "Institutions et services sociaux"),
    ("insertion", "Insertion et emploi"),
    ("education", "Éducation"),
    ("sante", "Santé"),
    ("logement", "Logement"),
    ("associations", "Associations locales"),
    ("sport-culture", "Sport et culture"),
    ("formation", "Formation"),
    ("justice", "Justice et protection de l'enfance"),
    ("collectivites", "Collectivités"),
]


def seed(model, entries):
    """Create the missing entries of a reference list, leaving edited ones alone."""
    for order, (code, label) in enumerate(entries, start=1):
        model.objects.get_or_create(code=code, defaults={"label": label, "order": order * 10})
