"""The installable app: web app manifest, service worker at the root scope, offline shells of the entry forms.

The service worker (static/js/sw.js) keeps the static assets and the EMPTY entry forms, fetched by itself
as « shells » (`?hors-ligne=1`): rendered without flash messages, chosen youths or return address, and
marked with the `X-EMPS-Offline-Shell` header, the only pages it stores. No page holding a young
person's data is ever cached (tests/e2e/test_offline.py reads the cache to check it).
"""

import functools
import hashlib
import json

from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from emps.permissions import is_staff_member, permission

SHELL_PARAMETER = "hors-ligne"
SHELL_HEADER = "X-EMPS-Offline-Shell"
THEME_COLOR = "#1d4f91"

# The pages the service worker keeps, by URL name: the four empty creation forms and the outbox's list.
SHELL_URLS = (
    "actions:intervention_create",
    "actions:presence_create",
    "actions:action_create",
    "youths:create",
    "outbox",
)
STATIC_ASSETS = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff",
    "css/emps.css",
    "js/forms.js",
    "js/picker.js",
    "js/tally.js",
    "js/outbox.js",
    "icons/favicon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
)
ICON_SIZES = (192, 512)


def is_offline_shell(request: HttpRequest) -> bool:
    """Whether the service worker asks for the empty form it keeps (no messages, nothing chosen)."""
    return request.method == "GET" and request.GET.get(SHELL_PARAMETER) == "1"


def offline_shell(view):
    """A creation view whose empty form the service worker keeps: the shell answer says so in a header,
    which the service worker requires before storing a page."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if is_offline_shell(request) and response.status_code == 200:
            response[SHELL_HEADER] = "1"
        return response

    return wrapper


def shell_urls() -> list[str]:
    return [f"{reverse(name)}?{SHELL_PARAMETER}=1" for name in SHELL_URLS]


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """static/js/sw.js at the root scope, after its configuration: the assets' URLs (hashed in
    production) and the shells' URLs. Its version changes with them, so a new deployment replaces the cache."""
    with open(finders.find("js/sw.js"), encoding="utf-8") as source:
        script = source.read()
    config = {"assets": [static(path) for path in STATIC_ASSETS], "shells": shell_urls(), "outbox": reverse("outbox")}
    config["version"] = hashlib.sha256((json.dumps(config) + script).encode()).hexdigest()[:12]
    response = HttpResponse(
        f"self.EMPS_CONFIG = {json.dumps(config)};\n{script}", content_type="text/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: what « Ajouter à l'écran d'accueil » installs."""
    icons = [
        {"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
        for size in ICON_SIZES
    ]
    icons.append(
        {"src": static("icons/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"}
    )
    data = {
        "name": _("EMPS · prévention spécialisée"),
        "short_name": "EMPS",
        "description": _("Saisies de l'équipe de prévention spécialisée, même sans réseau."),
        "lang": "fr",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": icons,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@permission(is_staff_member)
@offline_shell
def outbox_list(request: HttpRequest) -> HttpResponse:
    """The entries waiting on this phone: a shell that static/js/outbox.js fills from IndexedDB (the server
    never sees them before they are sent)."""
    return render(request, "emps/outbox.html")
