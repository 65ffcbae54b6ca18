from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from actions.dashboard import my_week
from emps.permissions import is_funder, is_signed_in, permission
from reports.dashboards.views import funder_home
from workspace.desk import team_desk


@permission(is_signed_in)
def home(request: HttpRequest) -> HttpResponse:
    """Landing page after log-in: funders go to their dashboard, coordinators to their team's, educators to
    their own activity."""
    if is_funder(request.user):
        return funder_home(request)
    today = timezone.localdate()
    if request.user.is_coordinator:  # a superuser, of no team, keeps their own activity
        return render(request, "emps/coordinator_home.html", {"desk": team_desk(request.user, today)})
    return render(request, "emps/home.html", {"week": my_week(request.user, today)})
