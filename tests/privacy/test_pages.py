import datetime
import io
import json
import subprocess

import pytest
import time_machine
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import include, path, reverse

from actions.summaries import summaries_bring_up_to_date
from config import urls as project_urls
from emps.journal import Action, log_access
from emps.models import AccessLog
from privacy.exports import youth_access_record
from tests.actions.factories import CollectiveActionFactory, InterventionFactory
from tests.emps.factories import PartnerFactory
from tests.youths.factories import YouthFactory
from youths.models import Youth

pytestmark = pytest.mark.django_db


def _log_in(client, user):
    client.force_login(user)
    return client


# The access journal -------------------------------------------------------------------------


def test_the_journal_shows_the_teams_entries_only(client, coordinator, educator, other_educator, youth):
    log_access(user=educator, action=Action.VIEW, obj=youth)
    other = YouthFactory(team=other_educator.teams.get(), first_name="Hors-champ")
    log_access(user=other_educator, action=Action.VIEW, obj=other)
    response = _log_in(client, coordinator).get(reverse("privacy:journal"))
    rows = response.context["rows"]
    assert [(e.username, e.object_id) for e in rows if e.action == "view"] == [("alice", str(youth.pk))]
    content = response.content.decode()
    assert "Inès (HB-0001)" in content and "Hors-champ" not in content


def test_the_journal_filters_by_youth_including_its_interventions(client, coordinator, educator, youth, team):
    other = YouthFactory(team=team)
    intervention = youth.interventions.get()
    log_access(user=educator, action=Action.VIEW, obj=youth)
    log_access(user=educator, action=Action.UPDATE, obj=intervention)
    log_access(user=educator, action=Action.VIEW, obj=other)
    response = _log_in(client, coordinator).get(reverse("privacy:journal"), {"youth": youth.pk})
    assert [(e.action, e.object_type) for e in response.context["rows"]] == [
        ("update", "intervention"),
        ("view", "youth"),
    ]


def test_the_journal_searches_the_youth_to_filter_on_instead_of_listing_every_youth(
    client, coordinator, educator, youth, team
):
    """A federation's 30,000 youths would make a select of 30,000 options: the youth is searched on the
    server as one types, and only the one filtered on is an option."""
    YouthFactory(team=team, first_name="Zoé")
    log_access(user=educator, action=Action.VIEW, obj=youth)
    _log_in(client, coordinator)
    url = reverse("privacy:journal")
    select = client.get(url).context["form"]["youth"]
    html = str(select)
    assert 'data-picker=""' in html and f'data-source="{reverse("youths:search")}"' in html
    assert "Inès" not in html and "Zoé" not in html
    assert [str(choice.choice_label) for choice in select] == ["Tous"]
    chosen = client.get(url, {"youth": youth.pk}).context["form"]["youth"]
    assert [(str(c.choice_label), c.data["selected"]) for c in chosen] == [("Tous", False), ("Inès (HB-0001)", True)]


def test_the_journal_filters_by_user_operation_and_dates(client, coordinator, educator, teammate, youth):
    with time_machine.travel(datetime.datetime(2025, 3, 1, 10, tzinfo=datetime.UTC), tick=False):
        log_access(user=educator, action=Action.VIEW, obj=youth)
    with time_machine.travel(datetime.datetime(2025, 4, 1, 10, tzinfo=datetime.UTC), tick=False):
        log_access(user=educator, action=Action.EXPORT, obj=youth)
        log_access(user=teammate, action=Action.VIEW, obj=youth)
    _log_in(client, coordinator)
    url = reverse("privacy:journal")

    def listed(**params):
        return [(e.username, e.action) for e in client.get(url, params).context["rows"] if e.username != "coordination"]

    assert listed(user=educator.pk) == [("alice", "export"), ("alice", "view")]
    assert listed(action="view") == [("bob", "view"), ("alice", "view")]
    assert listed(start="2025-03-15", end="2025-04-30") == [("bob", "view"), ("alice", "export")]
    response = client.get(url, {"start": "2025-04-30", "end": "2025-03-15"})
    assert "La date de fin précède la date de début." in response.content.decode()


def test_the_journal_is_paginated_in_a_fixed_number_of_queries(
    client, coordinator, educator, youth, django_assert_max_num_queries
):
    for _n in range(120):
        log_access(user=educator, action=Action.VIEW, obj=youth)
    _log_in(client, coordinator)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("privacy:journal"), {"page": 2})
    assert len(response.context["rows"]) == 50
    content = response.content.decode()
    assert "Page 2 / 3" in content and "?page=3" in content


def test_reading_the_journal_is_itself_journaled(client, coordinator):
    _log_in(client, coordinator).get(reverse("privacy:journal"))
    assert AccessLog.objects.filter(action="list", object_type="accesslog", username="coordination").exists()


# Log-ins --------------------------------------------------------------------------------------


def test_log_ins_log_outs_and_failures_are_journaled(client, educator):
    client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    client.post(reverse("login"), {"username": "alice", "password": "correct-horse-battery-staple"})
    client.post(reverse("logout"))
    entries = list(AccessLog.objects.order_by("pk").values_list("action", "username", "user_id", "ip_address"))
    assert entries == [
        ("login_failed", "alice", educator.pk, "127.0.0.1"),
        ("login_failed", "nobody", None, "127.0.0.1"),
        ("login", "alice", educator.pk, "127.0.0.1"),
        ("logout", "alice", educator.pk, "127.0.0.1"),
    ]
    assert "wrong" not in str(list(AccessLog.objects.values()))


# Youths due for anonymisation ----------------------------------------------------------------


def test_the_due_page_lists_the_records_ending_within_30_days(client, coordinator, team, other_team):
    soon = YouthFactory(team=team, first_name="Bientôt", first_met_on=datetime.date(2024, 3, 20))
    YouthFactory(team=team, first_name="Plus tard", first_met_on=datetime.date(2024, 6, 1))
    late = YouthFactory(team=team, first_name="Dépassé", first_met_on=datetime.date(2023, 1, 1))
    YouthFactory(team=other_team, first_name="Autre équipe", first_met_on=datetime.date(2023, 1, 1))
    with time_machine.travel(datetime.datetime(2026, 3, 10, 10, tzinfo=datetime.UTC), tick=False):
        response = _log_in(client, coordinator).get(reverse("privacy:due"))
    assert [y.first_name for y in response.context["youths"]] == ["Dépassé", "Bientôt"]
    content = response.content.decode()
    assert "échéance dépassée" in content and "21/03/2026" in content
    assert reverse("privacy:anonymise", args=[soon.pk]) in content
    assert reverse("privacy:anonymise", args=[late.pk]) in content
    assert AccessLog.objects.filter(action="list", detail="jeunes à anonymiser").exists()


def test_anonymise_now_asks_for_a_confirmation(client, coordinator, youth):
    url = reverse("privacy:anonymise", args=[youth.pk])
    _log_in(client, coordinator)
    page = client.get(url, {"next": reverse("privacy:due")})
    assert "Effacé définitivement" in page.content.decode()
    refused = client.post(url, {"reason": "erasure"})
    assert refused.status_code == 200
    assert "Cochez la case pour confirmer" in refused.content.decode()
    assert Youth.objects.get(pk=youth.pk).anonymised_at is None

    done = client.post(url, {"reason": "erasure", "confirm": "on", "next": reverse("privacy:due")}, follow=True)
    assert done.redirect_chain == [(reverse("privacy:due"), 302)]
    assert "La fiche a été anonymisée" in done.content.decode()
    assert Youth.objects.get(pk=youth.pk).first_name == "Anonyme"
    entry = AccessLog.objects.get(action="anonymise")
    assert (entry.username, entry.detail) == ("coordination", "Demande de la personne (droit à l'effacement)")


def test_anonymise_does_not_redirect_outside_the_site(client, coordinator, youth):
    url = reverse("privacy:anonymise", args=[youth.pk])
    response = _log_in(client, coordinator).post(
        url, {"reason": "retention", "confirm": "on", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("privacy:due")
    page = client.get(reverse("privacy:anonymise", args=[YouthFactory(team=youth.team).pk]), {"next": "javascript:x"})
    assert "javascript:x" not in page.context["cancel_url"]


def test_a_coordinator_of_another_team_gets_404(client, other_coordinator, youth):
    _log_in(client, other_coordinator)
    for name in ("privacy:anonymise", "privacy:export_json", "privacy:export_pdf"):
        assert client.get(reverse(name, args=[youth.pk])).status_code == 404
    assert client.post(reverse("privacy:anonymise", args=[youth.pk]), {"confirm": "on"}).status_code == 404
    assert Youth.objects.get(pk=youth.pk).anonymised_at is None


# Access-request exports -----------------------------------------------------------------------


def test_the_json_export_holds_everything_on_the_youth(client, coordinator, youth):
    youth.last_name = "Martin-Durand"
    youth.save()
    response = _log_in(client, coordinator).get(reverse("privacy:export_json", args=[youth.pk]))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="acces-HB-0001-')
    assert response["Content-Disposition"].endswith('.json"')
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    identity = data["identité"]
    assert (identity["prénom ou surnom"], identity["nom"], identity["référence"]) == (
        "Inès",
        "Martin-Durand",
        "HB-0001",
    )
    assert (identity["année de naissance"], identity["mois de naissance"]) == (2008, "octobre")
    assert identity["informé·e du traitement des données le"] == "2023-03-15"
    assert [e["niveau"] for e in data["accompagnements"]] == [
        "En accroche",
        "PAEI – projet d'accompagnement éducatif individualisé",
    ]
    assert data["situations"] == [{"situation": "Scolarisé", "depuis le": "2023-03-01"}]
    (intervention,) = data["interventions"]
    assert intervention["note"] == "Rendez-vous pris à la Mission Locale."
    assert sorted(intervention["domaines"]) == ["Insertion pro", "Santé / Bien être"]
    assert intervention["partenaires mobilisés"] == ["Mission Locale Hénin"]
    assert data["actions collectives"][0]["titre"] == "Sortie Louvre-Lens"
    changes = [c for entry in data["historique des modifications"] for c in entry["changements"]]
    assert {"champ": "nom", "avant": "Martin", "après": "Martin-Durand"} in changes
    assert {"champ": "domaines", "avant": None, "après": ["Insertion pro", "Santé / Bien être"]} in changes
    entry = AccessLog.objects.get(action="rights")
    assert (entry.object_id, entry.detail) == (str(youth.pk), "export JSON (droit d'accès)")


def test_the_access_record_is_built_in_a_fixed_number_of_queries(youth, educator, django_assert_max_num_queries):
    for n in range(6):
        intervention = InterventionFactory(youth=youth, note=f"Note {n}", author=educator)
        intervention.partners.set([PartnerFactory()])
        intervention.note = f"Note {n} modifiée"
        intervention.save()
        CollectiveActionFactory(team=youth.team, participants=[youth], quartier=youth.quartier)
    with django_assert_max_num_queries(20):
        record = youth_access_record(youth=youth)
    assert len(record["interventions"]) == 7 and len(record["actions collectives"]) == 7


def test_the_pdf_export_reads_back(client, coordinator, youth, tmp_path):
    response = _log_in(client, coordinator).get(reverse("privacy:export_pdf", args=[youth.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="acces-HB-0001-')
    pdf = tmp_path / "acces.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())
    for expected in (
        "Données enregistrées sur une personne",
        "Inès",
        "HB-0001",
        "octobre",
        "Rendez-vous pris à la Mission Locale.",
        "Mission Locale Hénin",
        "Sortie Louvre-Lens",
        "Historique des modifications",
        "Page 1 /",
        "Édité le",
    ):
        assert expected in text, expected
    entry = AccessLog.objects.get(action="rights")
    assert entry.detail == "export PDF (droit d'accès)"


# The buttons on the youth file ----------------------------------------------------------------

INCLUDE = Template('{% include "includes/youth_file_actions.html" %}')


def _render_include(user, youth):
    request = RequestFactory().get(f"/jeunes/{youth.pk}/")
    request.user = user
    return INCLUDE.render(Context({"youth": youth, "user": user, "request": request}))


def test_the_youth_file_shows_rights_buttons_to_coordinators_only(coordinator, educator, youth):
    html = _render_include(coordinator, youth)
    for name in ("privacy:export_pdf", "privacy:export_json", "privacy:anonymise"):
        assert reverse(name, args=[youth.pk]) in html
    assert f"{reverse('privacy:journal')}?youth={youth.pk}" in html
    assert "INVALID_VARIABLE" not in html
    assert "Droits de la personne" not in _render_include(educator, youth)


def test_an_anonymised_file_only_offers_its_journal(coordinator, youth):
    youth.anonymised_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    html = _render_include(coordinator, youth)
    assert "Fiche anonymisée le 01/01/2026" in html
    assert reverse("privacy:anonymise", args=[youth.pk]) not in html


def _edit_view(request, pk):  # pragma: no cover - only reversed
    raise NotImplementedError


# This module doubles as a URLconf where the youths app has its edit page.
urlpatterns = [p for p in project_urls.urlpatterns if getattr(p, "namespace", None) != "youths"] + [
    path("jeunes-test/", include(([path("<int:pk>/modifier/", _edit_view, name="update")], "youths"))),
]


@pytest.mark.urls(__name__)
def test_the_rectify_button_links_to_the_youth_edit_page_when_it_exists(coordinator, youth):
    assert f'href="/jeunes-test/{youth.pk}/modifier/"' in _render_include(coordinator, youth)


def test_the_youth_file_offers_rectification_to_coordinators(client, coordinator, youth):
    client.force_login(coordinator)
    content = client.get(reverse("youths:detail", args=[youth.pk])).content.decode()
    assert f'href="{reverse("youths:update", args=[youth.pk])}"' in content
    assert "Rectifier" in content


def test_the_due_page_runs_a_fixed_number_of_queries(client, coordinator, team, django_assert_max_num_queries):
    for n in range(15):
        youth = YouthFactory(team=team, first_met_on=datetime.date(2023, 1, 1) + datetime.timedelta(days=n))
        InterventionFactory(youth=youth, date=datetime.date(2023, 2, 1))
        CollectiveActionFactory(team=team, date=datetime.date(2023, 3, 1), participants=[youth])
    _log_in(client, coordinator)
    summaries_bring_up_to_date()  # the writes' summaries: what the page itself costs is counted below
    with django_assert_max_num_queries(12):
        response = client.get(reverse("privacy:due"))
    assert len(response.context["youths"]) == 15


def test_the_access_pdf_draws_static_files_only(tmp_path):
    """A file of the server outside the static files never ends up in a PDF handed to a person."""
    import base64

    from PIL import Image
    from pypdf import PdfReader

    from privacy.exports import html_to_pdf

    secret = tmp_path / "secret.png"
    Image.new("RGB", (4, 4), "red").save(secret)
    inline = "data:image/png;base64," + base64.b64encode(secret.read_bytes()).decode()

    def images(html):
        return len(PdfReader(io.BytesIO(html_to_pdf(html))).pages[0].images)

    assert images(f'<p>Fiche</p><img src="{inline}">') == 1  # what may be drawn is drawn
    assert images(f'<p>Fiche</p><img src="{secret.as_uri()}">') == 0
    assert images('<p>Fiche</p><img src="file:///etc/passwd"><img src="https://example.com/x.png">') == 0
