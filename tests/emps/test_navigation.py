"""The navigation bar: the coordinator's administration pages sit in one « Administration » menu."""

import re

import pytest
from django.urls import reverse

from tests.emps.factories import UserFactory

pytestmark = pytest.mark.django_db

ADMIN_URLS = [
    "references:index",
    "reports:team_settings_home",
    "transfer:index",
    "privacy:journal",
    "privacy:due",
    "accounts:team",
    "funders:dashboard",
    "funders:published_list",
    "funders:api_tokens",
]


def _navbar(client, user, url="home"):
    client.force_login(user)
    content = client.get(reverse(url)).content.decode()
    navbar = re.search(r'<nav class="navbar.*?</nav>', content, re.S).group(0)
    menu = re.search(r'<ul class="dropdown-menu nav-admin-menu".*?</ul>', navbar, re.S)
    top_level = re.sub(r'<ul class="dropdown-menu.*?</ul>', "", navbar, flags=re.S)
    return navbar, (menu.group(0) if menu else ""), top_level


def _hrefs(html):
    return re.findall(r'href="([^"]+)"', html)


def test_the_coordinator_finds_every_administration_page_in_one_menu_and_none_at_the_top(client, coordinator):
    navbar, menu, top_level = _navbar(client, coordinator)
    assert navbar.count("dropdown-toggle") == 2  # Administration, and the user menu (account, log-out)
    assert re.search(
        r'<button type="button" class="nav-link dropdown-toggle" id="nav-admin"[^>]*>.*Administration', menu + navbar
    )
    assert _hrefs(menu) == [reverse(name) for name in ADMIN_URLS]
    assert not set(_hrefs(top_level)) & {reverse(name) for name in ADMIN_URLS}
    assert reverse("youths:list") in _hrefs(top_level) and reverse("reports:bilan") in _hrefs(top_level)


@pytest.mark.parametrize(
    ("url", "item"),
    [
        pytest.param("transfer:index", "transfer:index", id="import"),
        pytest.param("privacy:journal", "privacy:journal", id="journal"),
        pytest.param("funders:published_list", "funders:published_list", id="published"),
    ],
)
def test_on_an_administration_page_the_menu_and_its_item_are_marked_current(client, coordinator, url, item):
    navbar, menu, _top = _navbar(client, coordinator, url)
    assert 'class="nav-link dropdown-toggle active"' in navbar
    current = re.findall(r'<a class="dropdown-item active" aria-current="page" href="([^"]+)"', menu)
    assert current == [reverse(item)]


def test_an_educator_has_no_administration_menu(client, educator):
    navbar, menu, _top = _navbar(client, educator)
    assert menu == "" and "Administration" not in navbar


def test_the_superusers_django_admin_is_the_last_item_of_the_menu(client, team):
    root = UserFactory(username="root", is_superuser=True, is_staff=True, teams=[team])
    navbar, menu, top_level = _navbar(client, root)
    assert _hrefs(menu)[-1] == reverse("admin:index")
    assert reverse("admin:index") not in _hrefs(top_level)
