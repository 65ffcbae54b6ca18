"""Every view of the project names its permission rule in its first lines: `@permission(rule)`.

The only exceptions are the public views, marked `@login_not_required` and listed in PUBLIC; the
admin checks its own permissions. What each rule answers, role by role, is checked by
test_permission_matrix.py.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, path
from django.views import View

from emps.permissions import is_coordinator, permission

PUBLIC = {
    "login",  # the log-in page itself
    "health",  # the service's health check, for the monitoring
    "funders:api",  # authenticated by its own API keys (or the session)
    "service_worker",  # the installable app's script: assets' and empty forms' URLs, nothing personal
    "manifest",  # the installable app's name and icons
}


def project_views(patterns=None, namespace=""):
    """(name, view function) of every URL of the project, apart from the admin."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from project_views(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or pattern.pattern}", pattern.callback


def views_without_a_rule(patterns=None, public=frozenset(PUBLIC)):
    return sorted(
        name
        for name, view in project_views(patterns)
        if name not in public and not callable(getattr(view, "permission_rule", None))
    )


def test_every_view_names_its_permission_rule():
    missing = views_without_a_rule()
    assert not missing, (
        f"Views without a permission rule: {missing}. Put `@permission(rule)` right above each view, "
        "with a rule of emps/permissions.py (`is_signed_in` when any signed-in user may open it); "
        "a public view is marked `@login_not_required` and listed in PUBLIC here."
    )


def test_every_rule_says_what_it_allows():
    rules = {name: view.permission_rule for name, view in project_views() if name not in PUBLIC}
    undocumented = sorted(name for name, rule in rules.items() if not (rule.__doc__ or "").strip())
    assert not undocumented, f"The rules of these views have no docstring: {undocumented}"


def test_public_views_are_marked_and_carry_no_rule():
    views = dict(project_views())
    assert sorted(PUBLIC - set(views)) == [], "PUBLIC lists URLs that no longer exist"
    assert {name: getattr(views[name], "login_required", True) for name in PUBLIC} == dict.fromkeys(PUBLIC, False)
    assert [name for name in PUBLIC if hasattr(views[name], "permission_rule")] == []


def test_only_the_public_views_skip_the_log_in():
    public = sorted(name for name, view in project_views() if getattr(view, "login_required", True) is False)
    assert public == sorted(PUBLIC)


def _plain(request):
    return HttpResponse()


@permission(is_coordinator)
def _ruled(request):
    return HttpResponse()


@permission(is_coordinator)
class _RuledClass(View):
    pass


def test_the_check_finds_a_view_without_a_rule():
    patterns = [
        path("a/", _plain, name="plain"),
        path("b/", _ruled, name="ruled"),
        path("c/", _RuledClass.as_view(), name="ruled_class"),
        path("d/", login_not_required(_plain), name="public"),
    ]
    assert views_without_a_rule(patterns, public={"public"}) == ["plain"]
    assert views_without_a_rule(patterns, public=set()) == ["plain", "public"]
