from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from emps.permissions import is_signed_in, permission


class EmpsLoginView(auth_views.LoginView):
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
    return JsonResponse({"status": "ok"})
