from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from actions.dashboard import my_week
from emps.permissions import is_funder, is_signed_in, permission
from reports.dashboards.views import funder_home


@permission(is_signed_in)
def home(request: HttpRequest) -> HttpResponse:
    """Landing page after log-in: funders go to their dashboard, staff to their activity."""
    if is_funder(request.user):
        return funder_home(request)
    return render(request, "emps/home.html", {"week": my_week(request.user, timezone.localdate())})
