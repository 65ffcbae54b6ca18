from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from emps.permissions import is_signed_in, permission


class EmpsLoginView(auth_views.LoginView):
    redirect_authenticated_user = True


@permission(is_signed_in)
class EmpsLogoutView(auth_views.LogoutView):
    pass


@login_not_required
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
