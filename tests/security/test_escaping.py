"""Script tags, formulas and HTML in every free-text field stay inert in pages, PDFs and exports.

To cover a new page, add its URL name (and the world object giving its argument) to PAGES;
a new export goes to the PDF, JSON or XLSX tests with the matching helper of escaping.py.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from emps.journal import Action, log_access
from tests.emps.factories import UserFactory
from tests.security.escaping import (
    FORMULA,
    SCRIPT,
    assert_html_inert,
    assert_json_round_trips,
    assert_pdf_shows_payloads_as_text,
    hostile_world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    objects = hostile_world()
    # The journal shows the youth once it has been seen.
    log_access(user=objects["educator"], action=Action.VIEW, obj=objects["youth"])
    return objects


# (URL name, argument from the world or None, whether the payload must be displayed)
PAGES = [
    ("privacy:journal", None, True),
    ("privacy:due", None, True),
    ("privacy:anonymise", "youth", True),
    ("accounts:team", None, True),
    ("accounts:detail", None, True),
    ("home", None, True),
]


@pytest.mark.parametrize("name,arg,must_show", [pytest.param(*page, id=page[0]) for page in PAGES])
def test_pages_escape_every_text_field(client, world, name, arg, must_show):
    client.force_login(world["coordinator"])
    url = reverse(name, args=[world[arg].pk] if arg else [])
    response = client.get(url, {"start": "2000-01-01"} if name == "privacy:due" else {})
    assert response.status_code == 200
    assert_html_inert(response.content.decode(), must_show=must_show)


def test_the_youth_file_actions_escape_the_next_url(client, world):
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/jeunes/1/", {"x": f'"{SCRIPT}'})
    request.user = world["coordinator"]
    html = Template('{% include "includes/youth_file_actions.html" %}').render(
        Context({"youth": world["youth"], "user": world["coordinator"], "request": request})
    )
    assert SCRIPT not in html and '"<' not in html


def test_admin_lists_and_forms_escape_every_text_field(client, world):
    client.force_login(UserFactory(username="admin", is_superuser=True, is_staff=True))
    shown = 0
    for model in admin.site._registry:
        opts = model._meta
        html = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).content.decode()
        assert_html_inert(html, must_show=False)
        shown += "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert shown >= 8, "the payloads should appear in most admin lists"
    for key in ("youth", "intervention", "action", "team", "partner"):
        obj = world[key]
        opts = obj._meta
        html = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])).content.decode()
        assert_html_inert(html)


def test_the_access_request_pdf_prints_payloads_as_plain_text(client, world):
    client.force_login(world["coordinator"])
    response = client.get(reverse("privacy:export_pdf", args=[world["youth"].pk]))
    assert response.status_code == 200
    assert_pdf_shows_payloads_as_text(response.content)


def test_the_access_request_json_carries_exact_values_as_data(client, world):
    client.force_login(world["coordinator"])
    response = client.get(reverse("privacy:export_json", args=[world["youth"].pk]))
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert SCRIPT not in response["Content-Disposition"]
    assert_json_round_trips(response.content, world["youth"].first_name)
    assert_json_round_trips(response.content, world["intervention"].note)
    assert FORMULA in world["intervention"].note
