"""Interventions, street presence, collective actions, partner meetings, territories and partners."""

import datetime

import pytest

from actions.enums import ActionKind, Carrying, MeetingKind, Place
from actions.models import CollectiveAction, Domain, Intervention, PartnerMeeting, PresenceSession
from emps.models import Commune, Partner, Quartier, Team
from tests.emps.factories import PartnerFactory
from tests.transfer.helpers import csv_bytes, error_texts, run_import
from tests.youths.factories import YouthFactory

pytestmark = pytest.mark.django_db

INTERVENTION_HEADER = ["reference", "date", "domaines", "type", "partenaires", "educateur", "commentaire"]


@pytest.fixture
def youths(team, territory):
    return [
        YouthFactory(team=team, reference=f"HB-000{n}", first_met_on=datetime.date(2023, 1, 2), with_episode=True)
        for n in (1, 2, 3)
    ]


def domain(label):
    return Domain.objects.get(label=label)


# Interventions ------------------------------------------------------------------------------------


def test_interventions_attach_domains_partners_and_educators(team, youths, karim, julie, partners, coordinator):
    rows = [
        INTERVENTION_HEADER,
        ["HB-0001", "03/10/2023", "Scolarité; famille", "entretien", "Collège Jean Macé", "Karim Benali", "RDV CPE."],
        ["hb-0002", "2023-10-04", "Sante / bien etre", "", "", "julie; karim", ""],
        ["HB-0001", "05/10/2023", "Insertion pro | Logement / Hébergement", "Démarche", "mission locale henin", "", ""],
    ]
    report = run_import("interventions", rows, team, user=coordinator)
    assert report.ok, error_texts(report)
    assert report.created == 3

    first, second, third = Intervention.objects.order_by("date")
    assert (first.youth.reference, first.kind, first.note, first.author) == (
        "HB-0001",
        "entretien",
        "RDV CPE.",
        coordinator,
    )
    assert set(first.domains.values_list("label", flat=True)) == {"Scolarité", "Famille"}
    assert list(first.partners.values_list("name", flat=True)) == ["Collège Jean Macé"]
    assert list(first.educators.all()) == [karim]
    assert set(second.educators.all()) == {karim, julie}
    assert list(second.domains.all()) == [domain("Santé / Bien être")]
    assert set(third.domains.values_list("label", flat=True)) == {"Insertion pro", "Logement / Hébergement"}
    assert list(third.partners.values_list("name", flat=True)) == ["Mission Locale Hénin"]


def test_re_importing_interventions_adds_nothing_but_keeps_identical_rows_of_one_file(team, youths):
    rows = [INTERVENTION_HEADER, ["HB-0001", "03/10/2023", "Scolarité", "", "", "", ""]] * 1
    rows.append(["HB-0001", "03/10/2023", "Scolarité", "", "", "", ""])
    assert run_import("interventions", rows, team).created == 2
    report = run_import("interventions", rows, team)
    assert (report.created, report.unchanged) == (0, 2)
    rows.append(["HB-0001", "03/10/2023", "Scolarité", "", "", "", ""])
    report = run_import("interventions", rows, team)
    assert (report.created, report.unchanged) == (1, 2)
    assert Intervention.objects.count() == 3


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        pytest.param(
            ["HB-0009", "03/10/2023", "Scolarité"],
            "reference|HB-0009|Référence « HB-0009 » inconnue dans l'équipe : importez d'abord le fichier des jeunes.",
            id="unknown-youth",
        ),
        pytest.param(
            ["HB-0001", "03/10/2023", "Scolarte; Famille"],
            "domaines|Scolarte; Famille|Domaine « Scolarte » inconnu : vouliez-vous dire « Scolarité » ?",
            id="unknown-domain",
        ),
        pytest.param(
            ["HB-0001", "03/10/2023", ""],
            "domaines||Cellule vide : la colonne « domaines » est obligatoire.",
            id="no-domain",
        ),
        pytest.param(
            ["HB-0001", "03/10/2023", "Scolarité", "Coup de fil"],
            "type|Coup de fil|Type « Coup de fil » inconnu. Valeurs possibles : « Entretien », « Démarche », "
            "« Accompagnement physique », « Téléphone / message », « Visite à domicile », « Rencontre de rue ».",
            id="unknown-kind",
        ),
        pytest.param(
            ["HB-0001", "03/10/2023", "Scolarité", "", "Mision Locale Henin"],
            "partenaires|Mision Locale Henin|Partenaire « Mision Locale Henin » inconnu (cochez « créer les "
            "partenaires inconnus » pour l'ajouter) : vouliez-vous dire « Mission Locale Hénin » ?",
            id="unknown-partner",
        ),
        pytest.param(
            ["HB-0001", "03/10/2023", "Scolarité", "", "", "Paul"],
            "educateur|Paul|Éducateur·rice « Paul » inconnu·e dans l'équipe. Valeurs possibles : « Karim Benali ».",
            id="unknown-educator",
        ),
        pytest.param(
            ["HB-0001", "03/10/2023", "Scolarité", "", "", "", "x" * 501],
            f"commentaire|{'x' * 501}|Texte trop long : 501 caractères pour 500 au plus.",
            id="note-too-long",
        ),
    ],
)
def test_bad_intervention_rows(team, youths, partners, karim, row, expected):
    row = row + [""] * (len(INTERVENTION_HEADER) - len(row))
    report = run_import(
        "interventions", [INTERVENTION_HEADER, ["HB-0002", "01/10/2023", "Famille", "", "", "", ""], row], team
    )
    assert error_texts(report) == [f"3|{expected}"]
    assert not Intervention.objects.exists()


def test_unknown_partners_are_created_only_when_asked(team, youths):
    rows = [INTERVENTION_HEADER, ["HB-0001", "03/10/2023", "Scolarité", "", "Club de boxe; Secours Populaire", "", ""]]
    report = run_import("interventions", rows, team, dry_run=True, create_partners=True)
    assert report.ok
    assert report.warnings == [
        "Partenaires seront créés dans la catégorie « À classer » : « Club de boxe », « Secours Populaire »."
    ]
    assert not Partner.objects.exists()

    report = run_import("interventions", rows, team, create_partners=True)
    assert report.ok
    assert set(Partner.objects.values_list("name", "category__label")) == {
        ("Club de boxe", "À classer"),
        ("Secours Populaire", "À classer"),
    }
    assert Intervention.objects.get().partners.count() == 2


def test_references_are_looked_up_in_the_chosen_team_only(team, youths, other_team):
    YouthFactory(team=other_team, reference="AU-0001")
    rows = [INTERVENTION_HEADER, ["AU-0001", "03/10/2023", "Scolarité", "", "", "", ""]]
    report = run_import("interventions", rows, team)
    assert report.errors[0].column == "reference"
    assert not Intervention.objects.exists()


def test_an_intervention_import_costs_the_same_queries_for_10_or_300_rows(
    team, youths, karim, partners, django_assert_max_num_queries
):
    def rows(count):
        return [INTERVENTION_HEADER] + [
            [
                f"HB-000{1 + n % 3}",
                f"{1 + n % 28:02d}/10/2023",
                "Scolarité; Famille",
                "Entretien",
                "Collège Jean Macé",
                "Karim Benali",
                f"n{n}",
            ]
            for n in range(count)
        ]

    # The file's rows, then its summaries (a fixed number of queries too, whatever the rows).
    with django_assert_max_num_queries(70) as few:
        assert run_import("interventions", rows(10), team).created == 10
    with django_assert_max_num_queries(70) as many:
        assert run_import("interventions", rows(300), team).created == 290
    # A query per row would add 290; the bulk inserts of the rows and their history add a few (SQLite splits
    # them in batches of 999 parameters).
    assert len(many.captured_queries) < len(few.captured_queries) + 20


def test_imported_interventions_have_their_history_with_domains_by_the_importer(team, youths, coordinator):
    rows = [
        INTERVENTION_HEADER,
        ["HB-0001", "03/10/2023", "Scolarité; Famille", "entretien", "", "", "RDV CPE."],
        ["HB-0002", "04/10/2023", "Famille", "", "", "", ""],
    ]
    assert run_import("interventions", rows, team, user=coordinator).ok
    first = Intervention.objects.get(youth__reference="HB-0001")
    line = first.history.get()
    assert (line.history_type, line.history_user, line.note, line.team_id) == ("+", coordinator, "RDV CPE.", team.pk)
    assert set(line.domains.values_list("domain__label", flat=True)) == {"Scolarité", "Famille"}
    assert Intervention.history.filter(history_type="+").count() == 2


# Street presence ----------------------------------------------------------------------------------

PRESENCE_HEADER = ["date", "duree", "lieu", "commune", "quartier", "educateurs", "commentaire"]


@pytest.mark.parametrize(
    ("cell", "minutes"),
    [
        ("2", 120),
        ("1,5", 90),
        ("1.5", 90),
        ("1h30", 90),
        ("1 h 30", 90),
        ("2 heures 30", 150),
        ("1:30", 90),
        ("45 min", 45),
        ("90 mn", 90),
        ("0,25", 15),
        ("01:30:00", 90),
    ],
)
def test_durations_in_hours_in_every_usual_spelling(team, territory, cell, minutes):
    report = run_import("presence", [PRESENCE_HEADER, ["02/02/2024", cell, "", "Hénin-Beaumont", "", "", ""]], team)
    assert report.ok, error_texts(report)
    session = PresenceSession.objects.get()
    assert (session.duration_minutes, session.place, session.educator_count) == (minutes, Place.STREET, 1)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("-2", "Durée nulle ou négative : « -2 »."),
        ("0", "Durée nulle ou négative : « 0 »."),
        (
            "90",
            "Durée invraisemblable : « 90 » heures (24 heures au plus). Pour 90 minutes, écrivez 1 h 30.",
        ),
        ("1500 min", "Durée invraisemblable : « 1500 min » (24 heures au plus)."),
        ("1h75", "Durée « 1h75 » : les minutes doivent être inférieures à 60."),
        ("1:75", "Durée « 1:75 » : les minutes doivent être inférieures à 60."),
        ("longtemps", "Durée « longtemps » illisible : écrivez des heures (2, 1,5 ou 1h30) ou des minutes (90 min)."),
    ],
)
def test_negative_or_absurd_durations_are_refused(team, territory, cell, message):
    report = run_import("presence", [PRESENCE_HEADER, ["02/02/2024", cell, "rue", "Hénin-Beaumont", "", "", ""]], team)
    assert error_texts(report) == [f"2|duree|{cell}|{message}"]


def test_presence_counts_educators_from_names_or_a_number(team, territory, karim, julie):
    rows = [
        PRESENCE_HEADER,
        ["02/02/2024", "2", "collège", "Hénin-Beaumont", "Darcy", "Karim Benali; Julie Marchand", ""],
        ["03/02/2024", "2", "Local", "Montigny-en-Gohelle", "Bourg", "3", ""],
        ["04/02/2024", "2", "rue", "Hénin-Beaumont", "", "", ""],
    ]
    report = run_import("presence", rows, team)
    assert report.ok, error_texts(report)
    named, counted, blank = PresenceSession.objects.order_by("date")
    assert (named.educator_count, set(named.educators.all()), named.place) == (2, {karim, julie}, Place.SCHOOL)
    assert (counted.educator_count, counted.educators.count(), counted.quartier.name) == (3, 0, "Bourg")
    assert (blank.educator_count, blank.team) == (1, team)


def test_presence_with_zero_educators_is_refused(team, territory):
    report = run_import("presence", [PRESENCE_HEADER, ["02/02/2024", "2", "rue", "Hénin-Beaumont", "", "0", ""]], team)
    assert error_texts(report) == ["2|educateurs|0|Au moins un éducateur doit être présent."]


# Collective actions and partner meetings -------------------------------------------------------------

ACTION_HEADER = [
    "date",
    "titre",
    "type",
    "portage",
    "commune",
    "quartier",
    "partenaires",
    "participants",
    "nb_participants",
]


def test_actions_link_participants_and_count_the_anonymous_ones(team, youths, partners):
    rows = [
        ACTION_HEADER,
        [
            "25/10/2023",
            "Sortie Louvre-Lens",
            "sortie",
            "",
            "Hénin-Beaumont",
            "Darcy",
            "Collège Jean Macé",
            "HB-0001; HB-0002",
            "8",
        ],
        ["26/10/2023", "Quartier d'été", "evenement communal", "associée", "Hénin-Beaumont", "", "", "HB-0003", ""],
        ["27/10/2023", "Animation de rue", "DSL", "initiee", "Montigny-en-Gohelle", "Bourg", "", "", "12"],
    ]
    report = run_import("actions", rows, team)
    assert report.ok, error_texts(report)
    outing, event, dsl = CollectiveAction.objects.order_by("date")
    assert (outing.kind, outing.carrying, outing.after_needs_assessment) == (
        ActionKind.OUTING,
        Carrying.INITIATED,
        True,
    )
    assert set(outing.participants.values_list("reference", flat=True)) == {"HB-0001", "HB-0002"}
    assert outing.anonymous_participants == 6
    assert (event.kind, event.carrying, event.after_needs_assessment) == (
        ActionKind.COMMUNAL_EVENT,
        Carrying.JOINED,
        False,
    )
    assert (event.participants.count(), event.anonymous_participants) == (1, 0)
    assert (dsl.kind, dsl.anonymous_participants, dsl.quartier.name) == (ActionKind.DSL, 12, "Bourg")


def test_a_total_below_the_named_participants_is_refused(team, youths):
    rows = [ACTION_HEADER, ["25/10/2023", "Atelier", "atelier", "", "Hénin-Beaumont", "", "", "HB-0001; HB-0002", "1"]]
    report = run_import("actions", rows, team)
    assert error_texts(report) == [
        "2|nb_participants|1|Le nombre total de participants (1) est inférieur au nombre de jeunes nommés (2)."
    ]


def test_partner_meetings(team, territory, partners):
    header = ["date", "type", "objet", "commune", "quartier", "partenaires", "commentaire"]
    rows = [
        header,
        ["07/11/2023", "", "Réunion bailleur", "", "", "Mission Locale Hénin", ""],
        ["08/11/2023", "diagnostic", "Diagnostic Darcy", "Hénin-Beaumont", "Darcy", "", ""],
    ]
    report = run_import("temps_partenariaux", rows, team)
    assert report.ok, error_texts(report)
    meeting, diagnostic = PartnerMeeting.objects.order_by("date")
    assert (meeting.kind, meeting.commune, meeting.partners.count()) == (MeetingKind.MEETING, None, 1)
    assert (diagnostic.kind, diagnostic.quartier.name) == (MeetingKind.DIAGNOSTIC, "Darcy")


# Territories and partners -------------------------------------------------------------------------

TERRITORY_HEADER = ["equipe", "commune", "quartier", "qpv", "code_qpv"]


def test_territories_create_communes_and_quartiers_for_the_team(team):
    rows = [
        TERRITORY_HEADER,
        ["", "Hénin-Beaumont", "Kennedy", "oui", "QN06208M"],
        ["EMPS Test", "Montigny-en-Gohelle", "ZAC des deux villes", "oui", "QN06209M"],
        ["", "Courrières", "", "", ""],
    ]
    report = run_import("territoires", rows, team)
    assert report.ok, error_texts(report)
    assert (report.created, report.updated) == (3, 0)
    assert set(team.communes.values_list("name", flat=True)) == {"Hénin-Beaumont", "Montigny-en-Gohelle", "Courrières"}
    assert Quartier.objects.get(name="Kennedy").qpv_code == "QN06208M"

    assert run_import("territoires", rows, team).unchanged == 3
    rows[1][3:] = ["non", ""]
    report = run_import("territoires", rows, team)
    assert (report.updated, report.unchanged) == (1, 2)
    assert (Quartier.objects.get(name="Kennedy").is_qpv, Quartier.objects.get(name="Kennedy").qpv_code) == (False, "")


def test_a_coordinator_cannot_create_teams_through_territories(team):
    rows = [TERRITORY_HEADER, ["Nouvelle équipe", "Lens", "", "", ""]]
    report = run_import("territoires", rows, team)
    assert report.errors[0].column == "equipe"
    assert not Team.objects.filter(name="Nouvelle équipe").exists() and not Commune.objects.filter(name="Lens").exists()


def test_bad_territory_rows(team):
    rows = [
        TERRITORY_HEADER,
        ["", "Lens", "Centre", "non", "QN1"],
        ["", "Lens", "", "oui", ""],
        ["", "Liévin", "A", "", ""],
        ["", "lievin", "a", "", ""],
    ]
    assert error_texts(run_import("territoires", rows, team)) == [
        "2|code_qpv|QN1|Un code QPV n'est possible que pour un quartier QPV (qpv = oui).",
        "3|quartier||Un QPV est un quartier : indiquez le nom du quartier.",
        "5|quartier|a|Déjà déclaré ligne 4 de ce fichier.",
    ]


def test_partners_are_created_and_their_category_updated(db):
    PartnerFactory(name="CLLAJ")
    rows = [["nom", "categorie"], ["CLLAJ", "Logement"], ["Planning Familial", "santé"]]
    report = run_import("partenaires", rows)
    assert (report.created, report.updated) == (1, 1)
    assert Partner.objects.get(name="CLLAJ").category.label == "Logement"
    assert run_import("partenaires", rows).unchanged == 2
    duplicate = run_import("partenaires", rows + [["cllaj", "Logement"]])
    assert error_texts(duplicate) == ["4|nom|cllaj|Partenaire déjà présent ligne 2 de ce fichier."]


def test_a_semicolon_file_with_a_comma_separated_list(team, youths):
    data = csv_bytes(
        [INTERVENTION_HEADER, ["HB-0001", "03/10/2023", "Scolarité, Famille", "", "", "", ""]], delimiter=","
    )
    report = run_import("interventions", data, team)
    assert report.ok, error_texts(report)
    assert Intervention.objects.get().domains.count() == 2


def test_partner_meetings_take_an_optional_duration_and_the_team_meeting_kind(team, territory, partners):
    header = ["date", "type", "objet", "durée", "commune", "quartier", "partenaires", "commentaire"]
    rows = [
        header,
        ["07/11/2023", "instance", "Comité PEDT", "1h30", "", "", "Mission Locale Hénin", ""],
        ["08/11/2023", "réunion d'équipe", "Réunion hebdomadaire", "", "", "", "", ""],
        ["09/11/2023", "", "Rencontre MDS", "1h75", "", "", "", ""],
    ]
    report = run_import("temps_partenariaux", rows, team)
    assert error_texts(report) == ["4|duree|1h75|Durée « 1h75 » : les minutes doivent être inférieures à 60."]
    assert not PartnerMeeting.objects.exists()  # nothing half-written

    report = run_import("temps_partenariaux", rows[:3], team)
    assert report.ok, error_texts(report)
    body, internal = PartnerMeeting.objects.order_by("date")
    assert (body.kind, body.duration_minutes) == (MeetingKind.BODY, 90)
    assert (internal.kind, internal.duration_minutes) == (MeetingKind.TEAM, None)
