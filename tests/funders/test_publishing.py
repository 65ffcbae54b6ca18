"""Publishing a bilan: the coordinator's warning, frozen versions, and who may read and download them."""

import datetime
import hashlib
import io
import re
import subprocess

import pytest
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from emps.models import AccessLog, BackgroundJob, User
from reports.builders import Scope, build_bilan
from reports.dashboards.publishing import published_bilan_create
from reports.models import PublishedBilan
from tests.actions.factories import InterventionFactory
from tests.emps.factories import UserFactory
from tests.funders.conftest import funder
from tests.reports.conftest import SEED_END, SEED_START
from tests.youths.factories import YouthFactory
from youths.models import Youth

pytestmark = pytest.mark.django_db

SEED_QUERY = {"start": SEED_START.isoformat(), "end": SEED_END.isoformat()}
PUBLISH = reverse("funders:publish")


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def xlsx_text(content: bytes) -> str:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        " | ".join("" if v is None else str(v) for v in row)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def publish(team, *, commune=None, small_cells="as_is", by, start=SEED_START, end=SEED_END):
    return published_bilan_create(
        team=team, commune=commune, start=start, end=end, small_cells_choice=small_cells, by=by
    )


def test_the_coordinator_sees_the_small_cells_before_publishing(client, seed_team, seed_coordinator):
    client.force_login(seed_coordinator)
    response = client.get(PUBLISH, {"team": seed_team.pk, **SEED_QUERY})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Publier le bilan du 9 mai 2023 au 31 décembre 2023" in content
    assert "Publication · version 1" in content
    assert "17 petits effectifs (de 1 à 2)" in content
    # The seed prints Justice (2 interventions, 2 youths) and Formation (1, 1): both are listed.
    assert '<td>Domaines travaillés</td><th scope="row">Justice</th><td>Jeunes</td><td class="num">2</td>' in content
    assert '<th scope="row">Formation</th><td>Total</td><td class="num">1</td>' in content
    assert "affichés tels quels, comme dans le bilan type" in content
    assert "INVALID_VARIABLE" not in content
    assert not PublishedBilan.objects.exists()


def test_publishing_needs_the_confirmation(client, seed_team, seed_coordinator):
    client.force_login(seed_coordinator)
    response = client.post(f"{PUBLISH}?team={seed_team.pk}&start=2023-05-09&end=2023-12-31", {"small_cells": "as_is"})
    assert response.status_code == 200
    assert "Cochez la case pour confirmer la publication." in response.content.decode()
    assert not PublishedBilan.objects.exists()


def test_publish_then_change_2023_records_the_published_version_stays_identical(client, seed_team, seed_coordinator):
    client.force_login(seed_coordinator)
    url = f"{PUBLISH}?team={seed_team.pk}&start=2023-05-09&end=2023-12-31"
    response = client.post(url, {"small_cells": "as_is", "confirm": "on"})
    # Published by a task (inline here): the job's page links the version.
    job = BackgroundJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", kwargs={"pk": job.pk})
    pub = PublishedBilan.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Terminé" in page and f'href="{pub.get_absolute_url()}"' in page
    assert pub.version == 1 and pub.published_by == seed_coordinator and pub.figures["public"]["total"] == 60
    assert AccessLog.objects.filter(action="create", object_type="publishedbilan", object_id=str(pub.pk)).exists()
    pdf_before, xlsx_before, figures_before = bytes(pub.pdf), bytes(pub.xlsx), pub.figures
    assert pub.pdf_sha256 == hashlib.sha256(pdf_before).hexdigest()
    assert "Justice" in pdf_text(pdf_before)

    # Later edits of the 2023 records: a new youth met in June, interventions, a youth's sex corrected.
    newcomer = YouthFactory(team=seed_team, first_name="Tardif", first_met_on=datetime.date(2023, 6, 2))
    InterventionFactory(youth=newcomer, date=datetime.date(2023, 6, 3))
    Youth.objects.filter(pk=Youth.objects.filter(team=seed_team, sex="H").first().pk).update(sex="F")
    rebuilt = build_bilan(scope=Scope.for_team(seed_team), start=SEED_START, end=SEED_END)
    assert rebuilt.public.total == 61  # the figures of today have moved...

    pub = PublishedBilan.objects.get()  # ...the published version has not
    assert bytes(pub.pdf) == pdf_before and bytes(pub.xlsx) == xlsx_before
    assert pub.figures == figures_before and pub.figures["public"]["total"] == 60
    download = client.get(reverse("funders:published_download", kwargs={"pk": pub.pk, "fmt": "pdf"}))
    assert download.content == pdf_before
    detail = client.get(pub.get_absolute_url()).content.decode()
    assert "<strong>60</strong>" in detail and "<strong>61</strong>" not in detail

    # Publishing again freezes today's figures as version 2; version 1 is unchanged and still listed.
    client.post(url, {"small_cells": "as_is", "confirm": "on"})
    second = PublishedBilan.objects.get(version=2)
    assert second.figures["public"]["total"] == 61
    assert bytes(PublishedBilan.objects.get(version=1).pdf) == pdf_before
    listing = client.get(reverse("funders:published_list")).content.decode()
    assert "remplacée" in listing and "la plus récente" in listing
    assert listing.count('class="card dash-card dash-bilan"') == 1  # one bilan, two versions


def test_a_published_bilan_with_masked_small_cells(seed_team, seed_coordinator):
    pub = publish(seed_team, small_cells="masked", by=seed_coordinator)
    assert pub.is_masked and pub.threshold == 2
    justice = next(row for row in pub.figures["domains"]["rows"] if row["code"] == "justice")
    assert justice == {"code": "justice", "label": "Justice", "total": "≤ 2", "youths": "≤ 2", "percent": "s"}
    assert pub.figures["public"]["total"] == 60
    text = pdf_text(bytes(pub.pdf))
    assert re.search(r"Justice +≤ ?2 +≤ ?2 +s\n", text)  # pdftotext may drop the thin space
    workbook = xlsx_text(bytes(pub.xlsx))
    assert "Justice | ≤ 2 | ≤ 2 | s" in workbook
    assert "≤ 2" in pub.html and "INVALID_VARIABLE" not in pub.html


class TestTheSeedBilanPublishedAsIs:
    """The seed's bilan published as is, rendered once for these tests and rolled back after them."""

    @pytest.fixture(scope="class")
    def published(self, seed_team, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            yield publish(seed_team, by=User.objects.get(username="coordination-seed"))
            transaction.set_rollback(True)

    @pytest.fixture
    def pub(self, published, db):
        """The publication read again, so that a test changing it in memory leaves the others theirs."""
        return PublishedBilan.objects.get(pk=published.pk)

    def test_the_seed_bilan_published_as_is_prints_its_cells_of_one(self, pub):
        formation = next(row for row in pub.figures["domains"]["rows"] if row["code"] == "formation")
        assert formation["total"] == 1 and formation["youths"] == 1
        assert "Formation | 1 | 1 | 0" in xlsx_text(bytes(pub.xlsx))

    def test_a_published_version_is_frozen_in_the_database(self, pub):
        pub.title = "Autre"
        with pytest.raises(PermissionError):
            pub.save()
        with pytest.raises(PermissionError):
            pub.delete()
        with pytest.raises(PermissionError):
            PublishedBilan.objects.update(title="Autre")
        with pytest.raises(PermissionError):
            PublishedBilan.objects.all().delete()

    def test_an_unknown_format_is_not_found(self, client, pub, seed_coordinator):
        client.force_login(seed_coordinator)
        assert (
            client.get(reverse("funders:published_download", kwargs={"pk": pub.pk, "fmt": "docx"})).status_code == 404
        )


@pytest.mark.parametrize(
    "who,status",
    [
        pytest.param("funder", 403, id="funder"),
        pytest.param("educator", 403, id="educator"),
        pytest.param("other-coordinator", 400, id="coordinator-of-another-team"),
        pytest.param(None, 302, id="anonymous"),
    ],
)
def test_only_the_teams_coordinator_publishes(client, seed_team, other_team, who, status):
    users = {
        "funder": lambda: funder("anct", teams=[seed_team]),
        "educator": lambda: UserFactory(username="edu", teams=[seed_team]),
        "other-coordinator": lambda: UserFactory(username="coord2", coordinator=True, teams=[other_team]),
    }
    if who:
        client.force_login(users[who]())
    url = f"{PUBLISH}?team={seed_team.pk}&start=2023-05-09&end=2023-12-31"
    assert client.get(url).status_code == status
    assert client.post(url, {"small_cells": "as_is", "confirm": "on"}).status_code == status
    assert not PublishedBilan.objects.exists()


def test_funders_read_and_download_the_versions_of_their_scope_only(client, seed_team, seed_coordinator, other_team):
    montigny = seed_team.communes.get(name="Montigny-en-Gohelle")
    henin = seed_team.communes.get(name="Hénin-Beaumont")
    whole = publish(seed_team, by=seed_coordinator)
    of_montigny = publish(seed_team, commune=montigny, by=seed_coordinator)
    of_henin = publish(seed_team, commune=henin, by=seed_coordinator)
    cases = [
        (funder("anct", teams=[seed_team]), {whole, of_montigny, of_henin}),
        (funder("ville-montigny", communes=[montigny]), {of_montigny}),
        (funder("ailleurs", teams=[other_team]), set()),
    ]
    for user, visible in cases:
        client.force_login(user)
        listing = client.get(reverse("funders:published_list")).content.decode()
        for pub in (whole, of_montigny, of_henin):
            detail = client.get(pub.get_absolute_url())
            pdf = client.get(reverse("funders:published_download", kwargs={"pk": pub.pk, "fmt": "pdf"}))
            xlsx = client.get(reverse("funders:published_download", kwargs={"pk": pub.pk, "fmt": "xlsx"}))
            if pub in visible:
                assert detail.status_code == 200 and pub.get_absolute_url() in listing
                assert pdf.status_code == 200 and pdf.content == bytes(pub.pdf)
                assert pdf["Content-Disposition"] == f'attachment; filename="{pub.filename_stem}-v1.pdf"'
                assert xlsx.status_code == 200 and xlsx.content == bytes(pub.xlsx)
            else:
                assert (detail.status_code, pdf.status_code, xlsx.status_code) == (404, 404, 404), user
                assert pub.get_absolute_url() not in listing
    downloads = AccessLog.objects.filter(action="export", object_type="publishedbilan", username="anct")
    assert downloads.count() == 6


def test_the_bilan_page_offers_publishing_to_coordinators_only(client, seed_team, seed_coordinator):
    client.force_login(seed_coordinator)
    content = client.get(reverse("reports:bilan"), {"team": seed_team.pk, **SEED_QUERY}).content.decode()
    assert f"{PUBLISH}?team={seed_team.pk}&amp;start=2023-05-09&amp;end=2023-12-31" in content
    client.force_login(UserFactory(username="edu", teams=[seed_team]))
    content = client.get(reverse("reports:bilan"), {"team": seed_team.pk, **SEED_QUERY}).content.decode()
    assert PUBLISH not in content


def test_listing_published_bilans_runs_a_constant_number_of_queries(
    client, seed_team, seed_coordinator, django_assert_max_num_queries
):
    publish(seed_team, by=seed_coordinator)
    client.force_login(funder("anct", teams=[seed_team]))
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("funders:published_list"))
    publish(seed_team, by=seed_coordinator)
    publish(seed_team, commune=seed_team.communes.first(), by=seed_coordinator)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("funders:published_list"))
