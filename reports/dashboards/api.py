"""The dashboard's figures as JSON, for funders that aggregate several teams; per-user API tokens.

Authentication: the browser session, or `Authorization: Token <key>` with a key a coordinator or an
administrator created for a funder's account. Only the key's SHA-256 is stored.
"""

import hashlib
import secrets

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from emps.permissions import is_funder
from emps.rounding import FUNDERS_BASE
from reports.dashboards.builders import build_dashboard
from reports.dashboards.comparison import compare_for_funders
from reports.dashboards.forms import DashboardForm
from reports.dashboards.masking import mask_for_funders, plain_masked
from reports.dashboards.scope import figure_rights
from reports.models import ApiToken

KEY_PREFIX = "emps_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, by) -> tuple[ApiToken, str]:
    """A new key for a funder's account (their previous one stops working). Returns the key, shown once."""
    if not is_funder(user):
        raise ValueError("API tokens are for funders' accounts.")
    api_token_revoke_all(user=user)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, key_hash=hash_key(key), prefix=key[len(KEY_PREFIX) :][:8], created_by=by)
    return token, key


@transaction.atomic
def api_token_revoke_all(*, user) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def user_for_token(header: str):
    """The active funder whose key is in an `Authorization: Token <key>` header, else None."""
    scheme, _sep, key = header.strip().partition(" ")
    if scheme.lower() != "token" or not key.strip():
        return None
    token = ApiToken.objects.active().select_related("user").filter(key_hash=hash_key(key.strip())).first()
    if token is None or not is_funder(token.user):
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def _error(message: str, status: int, **extra) -> JsonResponse:
    response = JsonResponse({"error": message, **extra}, status=status, json_dumps_params={"ensure_ascii": False})
    if status == 401:
        response["WWW-Authenticate"] = 'Token realm="emps"'
    return response


def dashboard_json(form: DashboardForm, dashboard) -> dict:
    scope = form.scope
    return {
        "scope": {
            "teams": [team.name for team in scope.teams],
            "communes": None if scope.communes is None else [c.name for c in scope.communes],
        },
        "period": {"start": form.start.isoformat(), "end": form.end.isoformat(), "preset": form.preset},
        "rounding_base": FUNDERS_BASE,
        "rounding": _("Chaque effectif est arrondi au multiple de %(n)s le plus proche : 0 signifie de 0 à 2.")
        % {"n": FUNDERS_BASE},
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "figures": plain_masked(dashboard),
        # The previous period's figures are None when the team had not started (« — », not zero).
        "comparison": plain_masked(compare_for_funders(scope=scope, dashboard=dashboard)),
    }


@login_not_required
@never_cache
@require_GET
def dashboard_api(request: HttpRequest) -> JsonResponse:
    """GET /financeurs/api/tableau-de-bord/?periode=…&du=…&au=…&equipe=…&commune=… (same parameters as the page)."""
    header = request.headers.get("Authorization", "")
    if header:
        user = user_for_token(header)
        if user is None:
            return _error(_("Jeton absent, inconnu ou révoqué."), 401)
    elif request.user.is_authenticated:
        user = request.user
    else:
        return _error(_("Authentification requise : session ou en-tête « Authorization: Token … »."), 401)
    rights = figure_rights(user)
    if rights.is_empty:
        return _error(_("Aucune équipe n'est rattachée à ce compte."), 403)
    form = DashboardForm(data=request.GET, rights=rights, today=timezone.localdate())
    if not form.is_valid():
        return _error(_("Paramètres invalides."), 400, errors=form.errors.get_json_data())
    dashboard = mask_for_funders(build_dashboard(scope=form.scope, start=form.start, end=form.end))
    # Compact: Python's JSON encoder is pure Python once indented, and a federation's answer is large.
    return JsonResponse(dashboard_json(form, dashboard), json_dumps_params={"ensure_ascii": False})
