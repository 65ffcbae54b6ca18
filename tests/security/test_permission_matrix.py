"""Every URL of the project, for every role, answers the expected status.

The URL list is read from the URLconf: a new view fails `test_every_url_is_in_the_matrix` until
its line is added to MATRIX. One line per URL name:

    "app:name": GET(kwargs, anonymous, educator, other_educator, coordinator, funder),

kwargs map each URL argument to an object of the `world` fixture ("youth", "intervention",
"member", ...): its primary key is used. Statuses are those of a plain request without data;
a POST line sends an empty POST; a kwarg value starting with "=" is a literal. Anonymous users
of a private page are sent to the log-in page (302). The admin is one entry, "admin:", checked as
a whole in test_admin_*.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from actions.models import Domain
from emps.models import BackgroundJob, JobStatus
from reports.dashboards.publishing import published_bilan_create
from tests.actions.factories import (
    CollectiveActionFactory,
    InterventionFactory,
    PartnerMeetingFactory,
    PresenceSessionFactory,
)
from tests.emps.factories import UserFactory
from tests.reports.factories import BilanLogoFactory
from tests.youths.factories import YouthFactory
from transfer.models import ImportJob, ImportStatus

ROLES = ["anonymous", "educator", "other_educator", "coordinator", "funder"]


@dataclass(frozen=True)
class Row:
    method: str
    kwargs: dict = field(default_factory=dict)
    statuses: tuple = ()


def GET(kwargs, *statuses):
    return Row("get", kwargs, statuses)


def POST(kwargs, *statuses):
    return Row("post", kwargs, statuses)


NONE = {}
YOUTH = {"pk": "youth"}
MEMBER = {"pk": "member"}
INTERVENTION = {"pk": "intervention"}
ACTION = {"pk": "action"}
SESSION = {"pk": "session"}
MEETING = {"pk": "meeting"}
PUBLISHED = {"pk": "published"}
TEAM = {"pk": "team"}
LOGO = {"pk": "logo"}
DOMAINS = {"slug": "=domaines"}
DOMAIN = {"slug": "=domaines", "pk": "domain"}
TEMPLATE = {"kind": "=jeunes", "fmt": "=csv"}
JOB = {"pk": "import_job"}
TASK = {"pk": "background_job"}
PDF = {"pk": "published", "fmt": "=pdf"}

# fmt: off
MATRIX = {
    #                                          anonymous educator other_team coordinator funder
    "home":                        GET(NONE,   302,      200,     200,       200,        200),
    "login":                       GET(NONE,   200,      302,     302,       302,        302),
    "logout":                      POST(NONE,  302,      302,     302,       302,        302),
    "health":                      GET(NONE,   200,      200,     200,       200,        200),
    "service_worker":              GET(NONE,   200,      200,     200,       200,        200),
    "manifest":                    GET(NONE,   200,      200,     200,       200,        200),
    "outbox":                      GET(NONE,   302,      200,     200,       200,        403),
    "admin:":                      GET(NONE,   302,      302,     302,       302,        302),
    # Data protection (issue 7)
    "privacy:journal":             GET(NONE,   302,      403,     403,       200,        403),
    "privacy:due":                 GET(NONE,   302,      403,     403,       200,        403),
    "privacy:anonymise":           GET(YOUTH,  302,      403,     403,       200,        403),
    "privacy:export_json":         GET(YOUTH,  302,      403,     403,       200,        403),
    "privacy:export_pdf":          GET(YOUTH,  302,      403,     403,       200,        403),
    # Accounts and two-factor authentication (issue 7)
    "accounts:detail":             GET(NONE,   302,      200,     200,       200,        200),
    "accounts:password_change":    GET(NONE,   302,      200,     200,       200,        200),
    "accounts:otp_setup":          GET(NONE,   302,      200,     200,       200,        200),
    "accounts:otp_verify":         GET(NONE,   302,      302,     302,       302,        302),
    "accounts:otp_disable":        POST(NONE,  302,      302,     302,       302,        302),
    "accounts:team":               GET(NONE,   302,      403,     403,       200,        403),
    "accounts:deactivate":         POST(MEMBER, 302,     403,     403,       302,        403),
    "accounts:reactivate":         POST(MEMBER, 302,     403,     403,       302,        403),
    "accounts:otp_reset":          POST(MEMBER, 302,     403,     403,       302,        403),
    # Educators' workspace (issue 3): the team's records; another team's answer 404; funders 403
    "youths:list":                 GET(NONE,   302,      200,     200,       200,        403),
    "youths:search":               GET(NONE,   302,      200,     200,       200,        403),
    "youths:create":               GET(NONE,   302,      200,     200,       200,        403),
    "youths:detail":               GET(YOUTH,  302,      200,     404,       200,        403),
    "youths:update":               GET(YOUTH,  302,      200,     404,       200,        403),
    "youths:change_level":         GET(YOUTH,  302,      200,     404,       200,        403),
    "youths:add_situation":        GET(YOUTH,  302,      200,     404,       200,        403),
    "youths:close_support":        GET(YOUTH,  302,      200,     404,       200,        403),
    "actions:intervention_list":   GET(NONE,   302,      200,     200,       200,        403),
    "actions:intervention_create": GET(NONE,   302,      200,     200,       200,        403),
    "actions:intervention_update": GET(INTERVENTION, 302, 200,    404,       200,        403),
    "actions:intervention_delete": GET(INTERVENTION, 302, 200,    404,       200,        403),
    "actions:presence_list":       GET(NONE,   302,      200,     200,       200,        403),
    "actions:presence_create":     GET(NONE,   302,      200,     200,       200,        403),
    "actions:presence_update":     GET(SESSION, 302,     200,     404,       200,        403),
    "actions:presence_delete":     GET(SESSION, 302,     200,     404,       200,        403),
    "actions:action_list":         GET(NONE,   302,      200,     200,       200,        403),
    "actions:action_create":       GET(NONE,   302,      200,     200,       200,        403),
    "actions:action_update":       GET(ACTION, 302,      200,     404,       200,        403),
    "actions:action_delete":       GET(ACTION, 302,      200,     404,       200,        403),
    # Temps partenariaux on screen (issue 27): as the other activity records
    "actions:meeting_list":        GET(NONE,   302,      200,     200,       200,        403),
    "actions:meeting_create":      GET(NONE,   302,      200,     200,       200,        403),
    "actions:meeting_update":      GET(MEETING, 302,     200,     404,       200,        403),
    "actions:meeting_delete":      GET(MEETING, 302,     200,     404,       200,        403),
    # Reference lists: coordinators read them; the shared lists are changed by administrators only
    # (tests/workspace/test_reference_lists.py: administrators, and the quartiers of a coordinator's communes).
    "references:index":            GET(NONE,   302,      403,     403,       200,        403),
    "references:list":             GET(DOMAINS, 302,     403,     403,       200,        403),
    "references:update":           GET(DOMAIN, 302,      403,     403,       403,        403),
    # The bilan (issue 4): educators read the page, coordinators download and edit the texts; funders never.
    # Without a period the downloads and the texts answer 400 (a French message), never a default file.
    "reports:bilan":               GET(NONE,   302,      200,     200,       200,        403),
    "reports:bilan_pdf":           GET(NONE,   302,      403,     403,       400,        403),
    "reports:bilan_xlsx":          GET(NONE,   302,      403,     403,       400,        403),
    "reports:narrative_edit":      GET(NONE,   302,      403,     403,       400,        403),
    # Team settings and logos (issue 27): the coordinator sets the bilan's header; a logo is served to the
    # team's staff only (another team's answers 404), never to a funder, who reads it in published bilans.
    "reports:team_settings_home":  GET(NONE,   302,      403,     403,       302,        403),
    "reports:team_settings":       GET(TEAM,   302,      403,     403,       200,        403),
    "reports:logo":                GET(LOGO,   302,      200,     404,       200,        403),
    "reports:targets_edit":        GET(NONE,   302,      403,     403,       200,        403),
    "reports:perspectives_edit":   GET(NONE,   302,      403,     403,       400,        403),
    "reports:means_edit":          GET(NONE,   302,      403,     403,       200,        403),
    # The bilan PDF of several teams (issue 30): a coordinator of several teams or a superuser; this
    # world's coordinator has one team (tests/reports/test_teams_bilan.py checks one of several).
    "reports:teams_bilan":         GET(NONE,   302,      403,     403,       403,        403),
    # Import and export (issue 5): coordinators only
    "transfer:index":              GET(NONE,   302,      403,     403,       200,        403),
    "transfer:preview":            GET(NONE,   302,      405,     405,       405,        405),
    # An import (a background task) is its coordinator's own: the import_job below is the coordinator's.
    "transfer:job":                GET(JOB,    302,      403,     403,       200,        403),
    "transfer:job_state":          GET(JOB,    302,      403,     403,       200,        403),
    "transfer:confirm":            POST(JOB,   302,      403,     403,       302,        403),
    "transfer:cancel":             POST(JOB,   302,      403,     403,       302,        403),
    "transfer:export":             GET(NONE,   302,      403,     403,       200,        403),
    "transfer:formats":            GET(NONE,   302,      403,     403,       200,        403),
    "transfer:documentation":      GET(NONE,   302,      403,     403,       200,        403),
    "transfer:template":           GET(TEMPLATE, 302,    403,     403,       200,        403),
    # Funders (issue 6): aggregate dashboards and published bilans, also open to the team's staff;
    # publishing and API keys for coordinators. transfer:preview only accepts the uploaded file (POST).
    "funders:dashboard":           GET(NONE,   302,      200,     200,       200,        200),
    "funders:published_list":      GET(NONE,   302,      200,     200,       200,        200),
    "funders:published_detail":    GET(PUBLISHED, 302,   200,     404,       200,        200),
    "funders:published_download":  GET(PDF,    302,      200,     404,       200,        200),
    "funders:publish":             GET(NONE,   302,      403,     403,       400,        403),
    "funders:api_tokens":          GET(NONE,   302,      403,     403,       200,        403),
    "funders:api":                 GET(NONE,   401,      200,     200,       200,        200),
    # Background jobs (issue 30): each is its requester's own (the background_job below is the coordinator's).
    "jobs:detail":                 GET(TASK,   302,      404,     404,       200,        404),
    "jobs:state":                  GET(TASK,   302,      404,     404,       200,        404),
    "jobs:download":               GET(TASK,   302,      404,     404,       200,        404),
}
# fmt: on


def project_url_names(patterns=None, namespace=""):
    """Every named URL of the project as 'namespace:name'; the whole admin counts as 'admin:'."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                yield "admin:"
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from project_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed {pattern.pattern}>"


def test_every_url_is_in_the_matrix():
    missing = sorted(set(project_url_names()) - set(MATRIX))
    assert not missing, (
        f"URLs without expected statuses: {missing}. Add one line per URL to MATRIX in "
        "tests/security/test_permission_matrix.py with the status for anonymous, educator of the team, "
        "educator of another team, coordinator and funder (name every URL pattern)."
    )


def test_the_matrix_lists_no_removed_url():
    stale = sorted(set(MATRIX) - set(project_url_names()))
    assert not stale, f"MATRIX lists URLs that no longer exist: {stale}. Remove their lines."


def test_every_line_has_a_status_per_role():
    assert {name: len(row.statuses) for name, row in MATRIX.items() if len(row.statuses) != len(ROLES)} == {}


class World(dict):
    """The objects for URL arguments; costly ones (a published bilan renders a PDF) made on first use."""

    def __init__(self, objects, **lazy):
        super().__init__(objects)
        self.lazy = lazy

    def __missing__(self, key):
        self[key] = self.lazy[key]()
        return self[key]


@pytest.fixture
def world(team, educator, teammate, other_educator, coordinator, funder):
    """One object of each kind in the team, for the URL arguments."""
    youth = YouthFactory(team=team, with_episode=True)
    return World(
        {
            "users": {
                "anonymous": None,
                "educator": educator,
                "other_educator": other_educator,
                "coordinator": coordinator,
                "funder": funder,
            },
            "team": team,
            "youth": youth,
            "intervention": InterventionFactory(youth=youth, author=educator),
            "action": CollectiveActionFactory(team=team, author=educator, participants=[youth]),
            "session": PresenceSessionFactory(team=team, author=educator),
            "meeting": PartnerMeetingFactory(team=team, author=educator),
            "member": teammate,
            "domain": Domain.objects.order_by("order").first(),
            "logo": BilanLogoFactory(team=team),
        },
        background_job=lambda: BackgroundJob.objects.create(
            user=coordinator,
            team=team,
            kind="bilan_pdf",
            label="Bilan",
            status=JobStatus.DONE,
            result=b"%PDF-",
            result_name="bilan.pdf",
            result_type="application/pdf",
        ),
        import_job=lambda: ImportJob.objects.create(
            user=coordinator, team=team, kind="jeunes", filename="j.csv", status=ImportStatus.PREVIEWED
        ),
        published=lambda: published_bilan_create(
            team=team,
            commune=None,
            start=datetime.date(2023, 1, 1),
            end=datetime.date(2023, 12, 31),
            small_cells_choice="masked",
            by=coordinator,
        ),
    )


def _url(name: str, row: Row, world) -> str:
    if name == "admin:":
        return reverse("admin:index")
    kwargs = {arg: obj[1:] if obj.startswith("=") else world[obj].pk for arg, obj in row.kwargs.items()}
    return reverse(name, kwargs=kwargs)


CASES = [
    pytest.param(name, role, status, id=f"{name}-{role}")
    for name, row in MATRIX.items()
    for role, status in zip(ROLES, row.statuses, strict=False)
]


@pytest.mark.django_db
@pytest.mark.parametrize("name,role,expected", CASES)
def test_permission_matrix(client, world, name, role, expected):
    row = MATRIX[name]
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    response = getattr(client, row.method)(_url(name, row, world))
    assert response.status_code == expected, f"{row.method.upper()} {name} as {role}"
    if role == "anonymous" and expected == 302 and name != "admin:":
        assert response["Location"].startswith(reverse("login")), response["Location"]


@pytest.mark.django_db
def test_admin_is_for_administrators_only(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_an_administrator_opens_every_admin_list(client):
    client.force_login(UserFactory(username="admin", is_superuser=True, is_staff=True))
    assert client.get(reverse("admin:index")).status_code == 200
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
