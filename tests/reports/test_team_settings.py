"""Team settings (issue 27): the bilan's header, its financial partners in order and their logos."""

import datetime
import html
import io
import re
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from emps.models import AccessLog
from reports.builders import Scope, build_bilan
from reports.document import bilan_document
from reports.logos import MAX_UPLOAD_BYTES, STORED_MAX_SIDE
from reports.models import BilanLogo, FinancialPartner, PublishedBilan
from reports.pdf import render_pdf
from tests.reports.factories import BilanLogoFactory, FinancialPartnerFactory, png_bytes

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>'


def upload(content: bytes, name="logo.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (1600, 800), (200, 30, 60))
    exif = Image.Exif()
    exif[0x010F] = "Appareil de Karim"  # Make
    exif[0x9286] = "commentaire privé"  # UserComment
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_announcing(width: int, height: int) -> bytes:
    """A tiny PNG whose header announces a huge image (a decompression bomb's first bytes)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def form_data(team, **overrides):
    data = {
        "team-association": team.association,
        "team-name": team.name,
        "team-subtitle": team.subtitle,
        "partners-TOTAL_FORMS": "2",
        "partners-INITIAL_FORMS": "0",
        "partners-MIN_NUM_FORMS": "0",
        "partners-MAX_NUM_FORMS": "20",
        "partners-0-name": "",
        "partners-0-order": "1",
        "partners-1-name": "",
        "partners-1-order": "2",
    }
    data.update(overrides)
    return data


@pytest.fixture
def settings_url(team):
    return reverse("reports:team_settings", kwargs={"pk": team.pk})


def test_a_coordinator_sets_the_header_partners_and_logos_and_the_journal_says_so(
    client, coordinator, team, settings_url, django_assert_max_num_queries
):
    client.force_login(coordinator)
    data = form_data(
        team,
        **{
            "team-association": "Association Rencontres et Loisirs",
            "team-association_logo": upload(png_bytes((300, 120)), "arl.png"),
            "partners-0-name": "Département du Pas-de-Calais",
            "partners-0-order": "2",
            "partners-1-name": "ANCT",
            "partners-1-order": "1",
            "partners-1-logo": upload(jpeg_with_exif(), "anct.jpg", "image/jpeg"),
        },
    )
    response = client.post(settings_url, data)
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.association == "Association Rencontres et Loisirs"
    partners = list(FinancialPartner.objects.filter(team=team).order_by("order"))
    assert [p.name for p in partners] == ["ANCT", "Département du Pas-de-Calais"]
    anct_logo = BilanLogo.objects.get(financial_partner=partners[0])
    # Re-encoded: a PNG at most 600 pixels a side, none of the JPEG's EXIF.
    stored = Image.open(io.BytesIO(bytes(anct_logo.png)))
    assert stored.format == "PNG" and max(stored.size) == STORED_MAX_SIDE
    assert b"Appareil de Karim" not in bytes(anct_logo.png) and not stored.getexif()
    assert BilanLogo.objects.filter(team=team, financial_partner__isnull=True).exists()
    entry = AccessLog.objects.get(action=AccessLog.Action.UPDATE, object_type="team")
    assert entry.team == team and "association_logo" in entry.detail and "Rencontres" not in entry.detail

    with django_assert_max_num_queries(12):
        page = client.get(settings_url)
    assert page.status_code == 200
    assert anct_logo.get_absolute_url() in page.content.decode()


def test_the_bilan_prints_partners_in_order_with_their_logos_on_its_first_page(team, coordinator, client):
    anct = FinancialPartnerFactory(team=team, name="ANCT", order=1)
    FinancialPartnerFactory(team=team, name="Département", order=2)
    logo = BilanLogoFactory(team=team, financial_partner=anct, updated_by=coordinator)
    BilanLogoFactory(team=team, updated_by=coordinator, png=png_bytes((200, 100), (29, 79, 145)))
    bilan = build_bilan(scope=Scope.for_team(team), start=datetime.date(2023, 1, 1), end=datetime.date(2023, 12, 31))
    assert bilan.header.financial_partners == ("ANCT", "Département")
    assert [item.sha256 for item in bilan.header.partner_logos] == [logo.sha256]
    client.force_login(coordinator)
    page = client.get(reverse("reports:bilan"), {"team": team.pk, "start": "2023-01-01", "end": "2023-12-31"})
    content = page.content.decode()
    assert content.count('src="data:image/png;base64,') == 2
    assert 'alt="Logo de ANCT"' in content

    pdf = PdfReader(io.BytesIO(render_pdf(bilan_document(bilan))))
    first_page = pdf.pages[0]
    assert len(first_page.images) == 2
    assert "ANCT" in first_page.extract_text()


@pytest.mark.parametrize(
    "content,name,message",
    [
        pytest.param(SVG, "logo.svg", "n'est pas une image PNG ou JPEG", id="svg"),
        pytest.param(SVG, "logo.png", "n'est pas une image PNG ou JPEG", id="svg-named-png"),
        pytest.param(b"<html><script>alert(1)</script></html>", "logo.png", "n'est pas une image PNG", id="html"),
        pytest.param(b"\x89PNG\r\n\x1a\n<html>not really</html>", "logo.png", "illisible", id="broken-png"),
        pytest.param(png_announcing(20000, 20000), "bomb.png", "un logo doit en compter moins", id="bomb"),
        pytest.param(
            b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_UPLOAD_BYTES, "big.png", "ne doit pas dépasser", id="too-large"
        ),
    ],
)
def test_a_logo_that_is_not_a_safe_image_is_refused_in_french_and_nothing_is_saved(
    client, coordinator, team, settings_url, content, name, message
):
    client.force_login(coordinator)
    data = form_data(
        team,
        **{"team-association": "Nouveau nom", "partners-0-name": "ANCT", "partners-0-logo": upload(content, name)},
    )
    response = client.post(settings_url, data)
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    team.refresh_from_db()
    assert team.association != "Nouveau nom"
    assert not FinancialPartner.objects.filter(team=team).exists()
    assert not BilanLogo.objects.exists()


def test_removing_a_partner_removes_its_logo_and_a_removed_association_logo_leaves_the_bilan(
    client, coordinator, team, settings_url
):
    partner = FinancialPartnerFactory(team=team, name="ANCT", order=1)
    BilanLogoFactory(team=team, financial_partner=partner, updated_by=coordinator)
    BilanLogoFactory(team=team, updated_by=coordinator)
    client.force_login(coordinator)
    data = form_data(
        team,
        **{
            "team-remove_association_logo": "on",
            "partners-TOTAL_FORMS": "1",
            "partners-INITIAL_FORMS": "1",
            "partners-0-id": str(partner.pk),
            "partners-0-name": "ANCT",
            "partners-0-order": "1",
            "partners-0-DELETE": "on",
        },
    )
    assert client.post(settings_url, data).status_code == 302
    assert not FinancialPartner.objects.filter(team=team).exists()
    assert not BilanLogo.objects.filter(team=team).exists()


def test_a_logo_is_served_to_its_team_only_as_a_png_that_no_browser_sniffs(
    client, team, educator, other_educator, coordinator
):
    logo = BilanLogoFactory(team=team, updated_by=coordinator)
    client.force_login(educator)
    response = client.get(logo.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == bytes(logo.png)
    client.force_login(other_educator)
    assert client.get(logo.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_a_published_bilan_keeps_the_logos_it_was_published_with(team, coordinator):
    from reports.dashboards.publishing import published_bilan_create

    partner = FinancialPartnerFactory(team=team, name="ANCT", order=1)
    first = BilanLogoFactory(team=team, financial_partner=partner, updated_by=coordinator)
    published = published_bilan_create(
        team=team,
        commune=None,
        start=datetime.date(2023, 1, 1),
        end=datetime.date(2023, 12, 31),
        small_cells_choice=PublishedBilan.SmallCells.AS_IS,
        by=coordinator,
    )
    frozen_uri = re.search(r'src="(data:image/png;base64,[^"]+)"', published.html).group(1)
    # The coordinator then replaces the logo and renames the partner.
    BilanLogo.objects.filter(pk=first.pk).delete()
    BilanLogoFactory(team=team, financial_partner=partner, updated_by=coordinator, png=png_bytes(colour=(0, 0, 0)))
    FinancialPartner.objects.filter(pk=partner.pk).update(name="Agence nationale")

    published = PublishedBilan.objects.get(pk=published.pk)
    assert frozen_uri in published.html and "ANCT" in published.html
    assert published.figures["header"]["partner_logos"] == [
        {"name": "ANCT", "sha256": first.sha256, "width": first.width, "height": first.height}
    ]
    assert len(PdfReader(io.BytesIO(bytes(published.pdf))).pages[0].images) == 1


def test_the_administration_menu_leads_a_coordinator_to_the_teams_settings(team, other_team, coordinator, client):
    client.force_login(coordinator)
    menu = html.unescape(client.get(reverse("home")).content.decode())
    assert f'href="{reverse("reports:team_settings_home")}"' in menu and "Réglages du bilan et logos" in menu
    response = client.get(reverse("reports:team_settings_home"))
    assert response.status_code == 302 and response["Location"] == reverse("reports:team_settings", args=[team.pk])

    # A coordinator of two teams opens the first and finds the other one's link on the page.
    coordinator.teams.add(other_team)
    first, second = sorted([team, other_team], key=lambda t: t.name)
    assert client.get(reverse("reports:team_settings_home"))["Location"] == reverse(
        "reports:team_settings", args=[first.pk]
    )
    page = client.get(reverse("reports:team_settings", args=[first.pk])).content.decode()
    assert f'href="{reverse("reports:team_settings", args=[second.pk])}"' in page


def test_an_educator_has_no_settings_link(educator, client):
    client.force_login(educator)
    assert reverse("reports:team_settings_home") not in client.get(reverse("home")).content.decode()
