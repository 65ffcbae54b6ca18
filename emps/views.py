from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from actions.dashboard import my_week
from emps.permissions import is_funder, is_signed_in, permission


class EmpsLoginView(auth_views.LoginView):
    redirect_authenticated_user = True


@permission(is_signed_in)
class EmpsLogoutView(auth_views.LogoutView):
    pass


@permission(is_signed_in)
def home(request: HttpRequest) -> HttpResponse:
    """Landing page after log-in: funders go to their dashboard, staff to their activity."""
    if is_funder(request.user):
        from reports.dashboards.views import funder_home

        return funder_home(request)
    return render(request, "emps/home.html", {"week": my_week(request.user, timezone.localdate())})


@login_not_required
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
