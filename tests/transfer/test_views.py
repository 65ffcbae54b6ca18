"""The coordinator's import and export pages: permissions, the upload → preview → confirm flow, downloads."""

import html

import pytest
from django.urls import reverse

from emps.models import AccessLog, Partner
from tests.emps.factories import UserFactory
from tests.transfer.helpers import YOUTH_HEADER, csv_bytes, youth_row
from transfer.models import ImportJob, ImportStatus
from youths.models import Youth

pytestmark = pytest.mark.django_db

PAGES = [
    pytest.param("get", reverse("transfer:index"), id="index"),
    pytest.param("get", reverse("transfer:formats"), id="formats"),
    pytest.param("get", reverse("transfer:template", args=["jeunes", "xlsx"]), id="template"),
    pytest.param("get", reverse("transfer:export") + "?kind=jeunes&format=csv", id="export"),
    pytest.param("post", reverse("transfer:preview"), id="preview"),
    pytest.param("post", reverse("transfer:confirm", args=[1]), id="confirm"),
]


def upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.mark.parametrize(("method", "url"), PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [
        pytest.param("educator", 403, id="educator"),
        pytest.param("funder", 403, id="funder"),
        pytest.param("anonymous", 302, id="anonymous"),
    ],
)
def test_only_coordinators_reach_import_and_export(client, request, method, url, who, status):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = getattr(client, method)(url)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("method", "url"), PAGES[:4])
def test_coordinators_reach_the_pages(client, coordinator, territory, method, url):
    client.force_login(coordinator)
    response = client.get(url)
    assert response.status_code == 200


def test_the_import_page_lists_templates_in_order_and_links_the_formats(client, coordinator, team):
    client.force_login(coordinator)
    page = client.get(reverse("transfer:index")).content.decode()
    content = page[page.index('id="contenu"') :]  # the page's own content, after the navigation bar
    assert (
        content.index("Territoires")
        < content.index("Partenaires")
        < content.index("Jeunes")
        < content.index("Interventions")
    )
    assert reverse("transfer:template", args=["interventions", "csv"]) in content
    assert reverse("transfer:formats") in content
    assert 'name="team"' not in page  # one team: no choice to make
    assert reverse("transfer:index") in client.get(reverse("home")).content.decode()


def test_the_formats_page_documents_every_column(client, coordinator, team):
    from transfer.resources import KINDS

    client.force_login(coordinator)
    content = client.get(reverse("transfer:formats")).content.decode()
    for resource in KINDS.values():
        for column in resource.columns:
            assert f"<code>{column.name}</code>" in content


def _preview(client, data, name="jeunes.csv", kind="jeunes", **fields):
    """Upload a file: the preview task runs inline (tests' backend); the response is the job's page."""
    response = client.post(reverse("transfer:preview"), {"kind": kind, "file": upload(name, data), **fields})
    assert response.status_code == 302, response.content.decode()[:500]
    job = ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    return job, client.get(response["Location"])


def test_a_preview_lists_errors_by_line_column_and_value_and_writes_nothing(client, coordinator, territory):
    client.force_login(coordinator)
    data = csv_bytes([YOUTH_HEADER, youth_row(), youth_row("HB-0002", situation="Scolarite", niveau="PAE")])
    job, response = _preview(client, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "2 erreurs dans une ligne du fichier : rien ne sera importé." in content
    assert "Situation « Scolarite » inconnue : vouliez-vous dire « Scolarisé » ?" in content
    assert "Niveau « PAE » inconnu : vouliez-vous dire « PAEI » ?" in content
    assert reverse("transfer:confirm", args=[job.pk]) not in content
    assert not Youth.objects.exists()
    job.refresh_from_db()
    assert (job.status, job.data) == (ImportStatus.REFUSED, None)  # the file with errors is not kept


def test_upload_preview_confirm_imports_and_journals(client, coordinator, territory):
    client.force_login(coordinator)
    data = csv_bytes([YOUTH_HEADER, youth_row(), youth_row("HB-0002", "Lina")])
    job, response = _preview(client, data)
    content = response.content.decode()
    assert "Le fichier est valide." in content
    assert "Confirmer l'import des 2 lignes" in content
    assert not Youth.objects.exists()
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED and bytes(job.data) == data

    response = client.post(reverse("transfer:confirm", args=[job.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("transfer:job", args=[job.pk])
    assert set(Youth.objects.values_list("reference", flat=True)) == {"HB-0001", "HB-0002"}
    job.refresh_from_db()
    assert (job.status, job.data) == (ImportStatus.IMPORTED, None)  # the file is deleted once imported
    entry = AccessLog.objects.get(action=AccessLog.Action.IMPORT)
    assert (entry.user, entry.object_type) == (coordinator, "jeunes")

    done = client.get(response["Location"]).content.decode()
    assert "Import terminé" in done and "jeunes.csv" in done
    # Coming back to the import page finds it.
    assert reverse("transfer:job", args=[job.pk]) in client.get(reverse("transfer:index")).content.decode()

    again = client.post(reverse("transfer:confirm", args=[job.pk]), follow=True)
    assert "Cet aperçu a expiré ou a déjà été importé" in again.content.decode()
    assert Youth.objects.count() == 2


def test_the_state_endpoint_gives_the_progress_as_json(client, coordinator, territory):
    client.force_login(coordinator)
    job, _response = _preview(client, csv_bytes([YOUTH_HEADER, youth_row(), youth_row("HB-0002", "Lina")]))
    state = client.get(reverse("transfer:job_state", args=[job.pk])).json()
    assert state == {
        "status": "previewed",
        "label": "aperçu prêt",
        "running": False,
        "read": 2,
        "checked": 2,
        "written": 0,
        "total": 2,
    }


def test_a_running_task_shows_a_progress_bar_that_polls_its_state(client, coordinator, territory, team):
    client.force_login(coordinator)
    job = ImportJob.objects.create(
        user=coordinator, team=team, kind="jeunes", filename="j.csv", data=b"x", status=ImportStatus.IMPORTING
    )
    from transfer import progress

    progress.report(job.pk, read=4000, checked=2000, written=2000, total=10000)
    content = client.get(reverse("transfer:job", args=[job.pk])).content.decode()
    assert 'data-state-url="{}"'.format(reverse("transfer:job_state", args=[job.pk])) in content
    assert "Lignes enregistrées" in content and "js/import-progress.js" in content
    assert client.get(reverse("transfer:job_state", args=[job.pk])).json()["written"] == 2000


def test_one_import_at_a_time_per_team(client, coordinator, territory, team):
    client.force_login(coordinator)
    from transfer import progress

    busy = ImportJob.objects.create(
        user=coordinator, team=team, kind="jeunes", filename="a.csv", data=b"x", status=ImportStatus.IMPORTING
    )
    progress.report(busy.pk)
    response = client.post(
        reverse("transfer:preview"), {"kind": "jeunes", "file": upload("b.csv", csv_bytes([YOUTH_HEADER, youth_row()]))}
    )
    assert response.status_code == 409
    assert "Un import est déjà en cours pour cette équipe" in response.content.decode()


def test_a_stalled_task_is_marked_failed_and_the_file_can_be_imported_again(client, coordinator, territory, settings):
    """A worker killed in the middle of a confirmation: its progress stops; the job is failed, the team free."""
    client.force_login(coordinator)
    job, _response = _preview(client, csv_bytes([YOUTH_HEADER, youth_row()]))
    from transfer import progress

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING)
    progress.report(job.pk, read=1, checked=1, written=1, total=1)
    settings.EMPS_TASK_STALE_SECONDS = -1
    page = html.unescape(client.get(reverse("transfer:job", args=[job.pk])).content.decode())
    assert "Le traitement s'est interrompu (serveur ou tâche arrêtés) : rien n'a été enregistré." in page
    assert "Relancer avec le même fichier" in page
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and not Youth.objects.exists()

    settings.EMPS_TASK_STALE_SECONDS = 600
    client.post(reverse("transfer:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.IMPORTED and Youth.objects.count() == 1


def test_a_failing_task_ends_in_a_french_state(client, coordinator, territory, monkeypatch):
    client.force_login(coordinator)

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("transfer.jobs.import_file", broken)
    job, response = _preview(client, csv_bytes([YOUTH_HEADER, youth_row()]))
    assert "Le traitement a échoué (RuntimeError) : rien n'a été enregistré." in html.unescape(
        response.content.decode()
    )
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED


def test_another_coordinator_cannot_see_or_confirm_someone_elses_preview(client, coordinator, territory, team):
    client.force_login(coordinator)
    job, _response = _preview(client, csv_bytes([YOUTH_HEADER, youth_row()]), name="j.csv")
    other = UserFactory(username="coordination2", coordinator=True, teams=[team])
    client.force_login(other)
    assert client.post(reverse("transfer:confirm", args=[job.pk])).status_code == 404
    assert client.get(reverse("transfer:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("transfer:job_state", args=[job.pk])).status_code == 404
    assert not Youth.objects.exists()


def test_cancel_deletes_the_pending_file(client, coordinator, territory):
    client.force_login(coordinator)
    job, _response = _preview(client, csv_bytes([YOUTH_HEADER, youth_row()]))
    response = client.post(reverse("transfer:cancel", args=[job.pk]), follow=True)
    assert "Import annulé" in response.content.decode()
    job.refresh_from_db()
    assert (job.status, job.data) == (ImportStatus.CANCELLED, None)


def test_the_create_partners_option(client, coordinator, territory):
    from tests.youths.factories import YouthFactory

    YouthFactory(team=territory, reference="HB-0001")
    client.force_login(coordinator)
    data = csv_bytes(
        [["reference", "date", "domaines", "partenaires"], ["HB-0001", "02/10/2023", "Famille", "Club de boxe"]]
    )
    _job, response = _preview(client, data, name="i.csv", kind="interventions")
    assert "Partenaire « Club de boxe » inconnu" in response.content.decode()
    job, response = _preview(client, data, name="i.csv", kind="interventions", create_partners="on")
    assert "Partenaires seront créés dans la catégorie « À classer » : « Club de boxe »." in response.content.decode()
    client.post(reverse("transfer:confirm", args=[job.pk]))
    assert Partner.objects.filter(name="Club de boxe").exists()


def test_file_form_errors(client, coordinator, team, settings):
    client.force_login(coordinator)
    response = client.post(reverse("transfer:preview"), {"kind": "jeunes", "file": upload("photo.png", b"\x89PNG")})
    assert "Déposez un fichier .csv ou .xlsx" in response.content.decode()
    settings.EMPS_IMPORT_MAX_MB = 1
    response = client.post(
        reverse("transfer:preview"), {"kind": "jeunes", "file": upload("gros.csv", b"x" * 1_100_000)}
    )
    assert "la limite est de 1 Mo" in response.content.decode()


def test_a_coordinator_of_several_teams_chooses_one_of_theirs(client, coordinator, territory, other_team):
    from tests.emps.factories import TeamFactory

    second = TeamFactory(name="EMPS Deux", communes=list(territory.communes.all()))
    coordinator.teams.add(second)
    client.force_login(coordinator)
    assert 'name="team"' in client.get(reverse("transfer:index")).content.decode()

    response = client.get(reverse("transfer:export"), {"kind": "jeunes", "format": "csv", "team": other_team.pk})
    assert response.status_code == 200 and "text/html" in response["Content-Type"]
    assert "Sélectionnez un choix valide" in response.content.decode()

    data = csv_bytes([YOUTH_HEADER, youth_row()])
    response = client.post(
        reverse("transfer:preview"), {"kind": "jeunes", "file": upload("j.csv", data), "team": other_team.pk}
    )
    assert "Sélectionnez un choix valide" in response.content.decode()
    job, _response = _preview(client, data, name="j.csv", team=second.pk)
    client.post(reverse("transfer:confirm", args=[job.pk]))
    assert Youth.objects.get().team == second


def test_export_downloads_a_file_and_journals_it(client, coordinator, territory):
    from tests.youths.factories import YouthFactory

    YouthFactory(team=territory, reference="HB-0001", with_episode=True)
    client.force_login(coordinator)
    response = client.get(reverse("transfer:export"), {"kind": "jeunes", "format": "xlsx"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="jeunes-emps-test-')
    assert "no-store" in response["Cache-Control"]
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT, user=coordinator, object_type="jeunes").exists()


def test_unknown_template_is_404(client, coordinator, team):
    client.force_login(coordinator)
    assert client.get(reverse("transfer:template", args=["inconnu", "csv"])).status_code == 404
    assert client.get(reverse("transfer:template", args=["jeunes", "ods"])).status_code == 404


def test_the_documentation_describes_every_column_of_every_kind(client, coordinator, team):
    from pathlib import Path

    from transfer.resources import KINDS

    text = (Path(__file__).resolve().parents[2] / "docs" / "import-formats.md").read_text()
    for kind, resource in KINDS.items():
        section = text.split(f"(`{kind}`)", 1)[1].split("\n## ", 1)[0]
        for column in resource.columns:
            assert f"| `{column.name}` | {'oui' if column.required else 'non'} |" in section, (kind, column.name)

    client.force_login(coordinator)
    assert reverse("transfer:documentation") in client.get(reverse("transfer:index")).content.decode()
    response = client.get(reverse("transfer:documentation"))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith("# Formats des fichiers")
