import logging

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from emps.accounts.forms import LoginForm
from emps.permissions import is_signed_in, permission

logger = logging.getLogger(__name__)


class EmpsLoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True


@permission(is_signed_in)
class EmpsLogoutView(auth_views.LogoutView):
    """Logging out also empties what this browser keeps of the app: the outbox's entries waiting to be sent
    (IndexedDB), the service worker's caches and the drafts (static/js/outbox.js does it first, and asks
    before dropping entries not sent; the header is for a browser where the script did not run)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


@login_not_required
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For the monitoring: 200 when the application answers and reaches its database, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("Health check: the database does not answer.")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
