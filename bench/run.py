"""Benchmark at federation scale (`make bench`), on the database of DATABASE_URL (PostgreSQL only).

Fill it first: `python manage.py generate_synthetic --teams 50 --youths 30000 --interventions 1000000
--years 5 --seed 1`. Prints a table and writes the same figures to bench/results/<timestamp>.json.
Options: --repeat N (default 5), --duration S for wrk (default 30), --wrk-timeout S (default 30, gunicorn's
worker timeout: a slower answer counts as an error), --skip-load, --only PARTS (a comma-separated subset of
builders,pdf,pages,crawl,export,import,youths,writers,load; every part by default), --writers-seconds S
(default 60). The writers part writes into the database and undoes its writes at its end.
"""

import argparse
import datetime
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def median_time(fn, repeat: int, **kwargs) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn(**kwargs)
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def builders_beside_raw(
    scope, start: datetime.date, end: datetime.date, runs: int, with_actions: bool = True
) -> tuple[float, float]:
    """Median seconds of the builders and of the hand-written SQL for the same figures, run alternately so
    that both see the same load on a shared machine."""
    from raw_sql import builder_figures, raw_figures

    ids = [team.pk for team in scope.teams]
    builder_times, raw_times = [], []
    for _ in range(runs):
        builder_times.append(
            median_time(builder_figures, 1, scope=scope, start=start, end=end, with_actions=with_actions)[0]
        )
        raw_times.append(
            median_time(
                raw_figures, 1, team_ids=ids, start=start, end=end, brackets=scope.brackets(), with_actions=with_actions
            )[0]
        )
    return statistics.median(builder_times), statistics.median(raw_times)


def machine_speed() -> dict:
    """Two yardsticks of this machine at the time of the run, so that runs of different days compare:
    the same figures took 2.5 times longer on one day's machine than on another's. `python_ms`: the best
    of five sums of a million integers (pure Python); `round_trip_ms`: the median `SELECT 1` through
    Django's connection (the least a query costs)."""
    import timeit

    from django.db import connection

    python = min(timeit.repeat("sum(range(1_000_000))", number=1, repeat=5))
    trips = []
    with connection.cursor() as cursor:
        for _ in range(201):
            started = time.perf_counter()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            trips.append(time.perf_counter() - started)
    return {"python_ms": round(python * 1000, 1), "round_trip_ms": round(statistics.median(trips) * 1000, 3)}


def database_ms(fn, runs: int, **kwargs) -> float:
    """Median milliseconds `fn` spends in the database: each statement's execute and fetch, timed by an
    execute wrapper (Django's query log rounds each statement to the millisecond, and these take less),
    over separate runs from the timed ones."""
    from django.db import connection

    totals = []
    for _ in range(runs):
        spent = [0.0]

        def timed(execute, sql, params, many, context, spent=spent):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent[0] += time.perf_counter() - started

        with connection.execute_wrapper(timed):
            fn(**kwargs)
        totals.append(spent[0] * 1000)
    return statistics.median(totals)


def bench_builders(results: dict, repeat: int) -> None:
    from raw_sql import builder_figures, raw_figures

    from emps.models import Team
    from reports.builders import Scope, build_bilan

    teams = list(Team.objects.order_by("pk"))
    from actions.models import Intervention

    last = Intervention.objects.order_by("-date").values_list("date", flat=True).first()
    year = last.year - 1  # the last complete year
    cases = [
        ("one team, one year", Scope.for_team(teams[0]), datetime.date(year, 1, 1), datetime.date(year, 12, 31)),
        (
            "all teams, five years",
            Scope.of(teams=teams),
            last.replace(year=last.year - 5) + datetime.timedelta(1),
            last,
        ),
    ]
    for label, scope, start, end in cases:
        ids = [t.pk for t in scope.teams]
        # One warm-up each, and a check that both give the same figures.
        warm_up, built = median_time(builder_figures, 1, scope=scope, start=start, end=end)
        raw = raw_figures(team_ids=ids, start=start, end=end, brackets=scope.brackets())
        assert built == raw, f"{label}: builders and raw SQL disagree\n{built}\n{raw}"
        runs = max(repeat, 21) if warm_up < 0.5 else repeat  # more runs where one is a few milliseconds
        builder_s, raw_s = builders_beside_raw(scope, start, end, runs)
        bilan_s, _ = median_time(build_bilan, repeat, scope=scope, start=start, end=end)
        # Where the builders' extra time goes: the same statements' time in the database on both sides.
        builders_db = database_ms(builder_figures, repeat, scope=scope, start=start, end=end)
        raw_db = database_ms(raw_figures, repeat, team_ids=ids, start=start, end=end, brackets=scope.brackets())
        results["builders"].append(
            {
                "case": label,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "builders_s": round(builder_s, 3),
                "raw_sql_s": round(raw_s, 3),
                "ratio": round(builder_s / raw_s, 2),
                "builders_database_ms": round(builders_db, 1),
                "raw_sql_database_ms": round(raw_db, 1),
                "runs": runs,
                "build_bilan_s": round(bilan_s, 3),
            }
        )
        print(
            f"  {label}: builders {builder_s:.3f} s, raw SQL {raw_s:.3f} s, whole bilan {bilan_s:.3f} s; "
            f"in the database: builders {builders_db:.1f} ms, raw SQL {raw_db:.1f} ms",
            flush=True,
        )


def bench_pdf(results: dict, repeat: int) -> None:
    from emps.models import Team
    from reports import pdf
    from reports.builders import Scope, build_bilan
    from reports.document import bilan_document

    team = Team.objects.order_by("pk").first()
    year = datetime.date.today().year - 1

    def make():
        bilan = build_bilan(
            scope=Scope.for_team(team), start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31)
        )
        return pdf.render_pdf(bilan_document(bilan))

    seconds, data = median_time(make, max(1, repeat // 2))
    size = len(data) if isinstance(data, (bytes, bytearray)) else None
    results["pdf"] = {"case": f"one team, {year}", "seconds": round(seconds, 3), "bytes": size}
    print(f"  PDF {year}: {seconds:.3f} s", flush=True)


def bench_export(results: dict, repeat: int) -> None:
    """The exchange page's export of the first team's interventions (its whole history), CSV and XLSX."""
    from emps.models import Role, Team, User
    from transfer.services import export_file

    team = Team.objects.order_by("pk").first()
    coordinator = User.objects.filter(role=Role.COORDINATOR, teams=team).order_by("pk").first()
    for fmt in ("csv", "xlsx"):
        seconds, exported = median_time(
            export_file, max(1, repeat // 2), kind="interventions", team=team, fmt=fmt, user=coordinator
        )
        results["export"].append(
            {"kind": "interventions", "format": fmt, "rows": exported.rows, "seconds": round(seconds, 2)}
        )
        print(f"  interventions of one team, {fmt}: {exported.rows} rows, {seconds:.2f} s", flush=True)


def _bench_user(username: str, role: str, teams=(), **fields) -> object:
    """An account of the bench (no password: the test client logs it in), created on first use."""
    from emps.models import User

    user, created = User.objects.get_or_create(username=username, defaults={"role": role, **fields})
    if created:
        user.set_unusable_password()
        user.save()
        user.teams.set(teams)
    return user


def _users():
    """The first team, one of its educators, a newcomer to it (no intervention of theirs yet), a funder of
    that team (a commune's or the State's usual scope), a funder of ten teams (a département's) and one
    of the fifty (a whole federation), created on first use."""
    from emps.models import Role, Team, User

    team = Team.objects.order_by("pk").first()
    educator = User.objects.filter(role=Role.EDUCATOR, teams=team).order_by("pk").first()
    users = {
        "educator": educator,
        "newcomer": _bench_user("bench-nouvel-educateur", Role.EDUCATOR, [team]),
        "funder": _bench_user("bench-financeur-equipe", Role.FUNDER, [team]),
        "funder10": _bench_user("bench-financeur", Role.FUNDER, Team.objects.order_by("pk")[:10]),
        "funder50": _bench_user("bench-financeur-federation", Role.FUNDER, Team.objects.order_by("pk")[:50]),
    }
    return team, users


def _pages():
    """(label, user kind, url name, args) for the pages to measure."""
    from django.db.models import Count

    from youths.models import Youth

    team, _users_by_kind = _users()
    # The youth with the longest history of the team: the file's worst case.
    youth = Youth.objects.filter(team=team).annotate(n=Count("interventions")).order_by("-n", "-pk").first()
    return [
        ("youths list", "educator", "youths:list", []),
        ("interventions list", "educator", "actions:intervention_list", []),
        ("youth file", "educator", "youths:detail", [youth.pk] if youth else []),
        ("educator home", "educator", "home", []),
        ("educator home, newcomer", "newcomer", "home", []),
        ("funder dashboard, 1 team", "funder", "home", []),
        ("funder dashboard, 10 teams", "funder10", "home", []),
        ("funder dashboard, 50 teams", "funder50", "home", []),
        # Not a page of the issue's list: the same figures as JSON, with the partners by commune.
        ("funder API (JSON), 10 teams", "funder10", "funders:api", []),
        ("funder API (JSON), 50 teams", "funder50", "funders:api", []),
    ]


def _time_page(client, url: str, repeat: int) -> tuple[float, list[int], int]:
    """(median milliseconds, the distinct query counts, the HTTP status) of `url`, after a warm-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up
    times, queries, status = [], [], None
    for _ in range(max(repeat, 5)):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        queries.append(len(captured))
        status = response.status_code
    return round(statistics.median(times) * 1000, 1), sorted(set(queries)), status


def bench_pages(results: dict, repeat: int) -> None:
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    _team, users = _users()
    for label, who, name, args in _pages():
        try:
            url = reverse(name, args=args)
        except NoReverseMatch:
            print(f"  {label}: URL name {name!r} does not exist on this branch, skipped", flush=True)
            results["pages"].append({"page": label, "url_name": name, "skipped": "URL name not found"})
            continue
        client = Client()
        client.force_login(users[who])
        median_ms, queries, status = _time_page(client, url, repeat)
        row = {"page": label, "url": url, "status": status, "median_ms": median_ms, "queries": queries}
        results["pages"].append(row)
        print(f"  {label} {url}: {row['median_ms']} ms, {row['queries']} queries, HTTP {status}", flush=True)
    bench_dashboard_floor(results, repeat)


def _crawl_pages() -> list[tuple[str, str]]:
    """(user kind, URL) of every page a user reaches by a GET: the workspace and the coordination pages as
    an educator, a coordinator and an administrator of the federation (a superuser, who sees every team),
    the funders' pages as the federation's funder, and the administration's lists and forms."""
    from django.contrib import admin
    from django.urls import reverse

    from actions.models import CollectiveAction, Intervention, PresenceSession
    from youths.models import Youth

    team, _users_by_kind = _users()
    youth = Youth.objects.filter(team=team).order_by("-pk").first()
    intervention = Intervention.objects.filter(team=team).order_by("-pk").first()
    session = PresenceSession.objects.filter(team=team).order_by("-pk").first()
    action = CollectiveAction.objects.filter(team=team).order_by("-pk").first()
    last_year = datetime.date.today().year - 1
    bilan = f"?team={team.pk}&start={last_year}-01-01&end={last_year}-12-31"
    workspace = [
        ("home", []),
        ("youths:list", []),
        ("youths:create", []),
        ("youths:detail", [youth.pk]),
        ("youths:update", [youth.pk]),
        ("youths:change_level", [youth.pk]),
        ("youths:add_situation", [youth.pk]),
        ("youths:close_support", [youth.pk]),
        ("actions:intervention_list", []),
        ("actions:intervention_create", []),
        ("actions:intervention_update", [intervention.pk]),
        ("actions:presence_list", []),
        ("actions:presence_create", []),
        ("actions:action_list", []),
        ("actions:action_create", []),
        ("reports:bilan", []),
        ("funders:published_list", []),
        ("accounts:detail", []),
    ]
    coordination = [
        ("actions:presence_update", [session.pk]),
        ("actions:action_update", [action.pk]),
        ("privacy:journal", []),
        ("privacy:due", []),
        ("accounts:team", []),
        ("transfer:index", []),
        ("transfer:formats", []),
        ("references:index", []),
        ("funders:api_tokens", []),
    ]
    pages = [("educator", reverse(name, args=args)) for name, args in workspace]
    for who in ("coordinator", "superuser"):
        pages += [(who, reverse(name, args=args)) for name, args in workspace + coordination]
        pages += [(who, reverse("reports:bilan") + bilan), (who, reverse("reports:narrative_edit") + bilan)]
    pages += [("funder50", reverse(name)) for name in ("home", "funders:published_list", "accounts:detail")]
    pages.append(("superuser", reverse("admin:index")))
    for model in admin.site._registry:
        pages.append(("superuser", reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")))
    for record in (youth, intervention, session, action, team):
        meta = record._meta
        pages.append(("superuser", reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])))
    return pages


def bench_crawl(results: dict, repeat: int) -> None:
    """Every page of `_crawl_pages`, timed as the pages part times its ten."""
    from django.test import Client

    from emps.models import Role, User

    team, users = _users()
    users["coordinator"] = User.objects.filter(role=Role.COORDINATOR, teams=team).order_by("pk").first()
    users["superuser"] = _bench_user("bench-administrateur", Role.COORDINATOR, is_superuser=True, is_staff=True)
    clients = {}
    for who, url in _crawl_pages():
        if who not in clients:
            clients[who] = Client()
            clients[who].force_login(users[who])
        median_ms, queries, status = _time_page(clients[who], url, repeat)
        results["crawl"].append({"user": who, "url": url, "status": status, "median_ms": median_ms, "queries": queries})
        print(f"  {who} {url}: {median_ms} ms, {queries} queries, HTTP {status}", flush=True)


def bench_dashboard_floor(results: dict, repeat: int) -> None:
    """The floor under each funder's dashboard: the hand-written SQL of `raw_sql.py` for the figures the
    dashboard shares with the bilan (public by level and new youths, ages × sex, domains, presence),
    over the dashboard's default period, beside the same figures from the builders. Those are only part
    of the page's figures: if the floor alone is over 150 ms, no query plan brings the page under it."""
    from django.utils import timezone
    from raw_sql import builder_figures, raw_figures

    from reports.builders import Scope
    from reports.dashboards.builders import DEFAULT_PRESET, preset_period

    start, end = preset_period(DEFAULT_PRESET, timezone.localdate())
    _team, users = _users()
    for label, who in (("1 team", "funder"), ("10 teams", "funder10"), ("50 teams", "funder50")):
        scope = Scope.of(teams=list(users[who].teams.order_by("pk")))
        ids = [team.pk for team in scope.teams]
        built = builder_figures(scope=scope, start=start, end=end, with_actions=False)
        raw = raw_figures(team_ids=ids, start=start, end=end, brackets=scope.brackets(), with_actions=False)
        assert built == raw, f"dashboard of {label}: builders and raw SQL disagree"
        builder_s, raw_s = builders_beside_raw(scope, start, end, max(repeat, 5), with_actions=False)
        row = {
            "case": f"funder dashboard, {label}",
            "start": start.isoformat(),
            "end": end.isoformat(),
            "builders_ms": round(builder_s * 1000, 1),
            "raw_sql_ms": round(raw_s * 1000, 1),
        }
        results["dashboard_floor"].append(row)
        print(
            f"  {row['case']} ({start} to {end}), shared figures: builders {row['builders_ms']} ms, "
            f"raw SQL {row['raw_sql_ms']} ms",
            flush=True,
        )


def bench_import(results: dict) -> None:
    script = ROOT / "bench" / "import_interventions.py"
    if not script.exists():
        print("  bench/import_interventions.py is not on this branch (it comes with the import work): skipped")
        results["import"] = {"skipped": "bench/import_interventions.py not present"}
        return
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    print(completed.stdout[-2000:], completed.stderr[-2000:] if completed.returncode else "")
    results["import"] = {
        "seconds": round(seconds, 1),
        "returncode": completed.returncode,
        "output": completed.stdout[-2000:],
    }
    # Summaries written by their readers: the next one writes those of the import's youths (imported, then
    # deleted with the bench team), a cost the import's own figures leave out.
    started = time.perf_counter()
    _bring_summaries_up_to_date()
    results["import"]["summaries_after_s"] = round(time.perf_counter() - started, 1)
    print(f"  the next reader brings the summaries up to date in {results['import']['summaries_after_s']} s")


def bench_youths(results: dict) -> None:
    """bench/import_youths.py in a process of its own: preview and import of 100, 1,000 and 10,000 youths."""
    output = Path(tempfile.mkstemp(suffix=".json")[1])
    script = ROOT / "bench" / "import_youths.py"
    completed = subprocess.run(
        [sys.executable, str(script), "--json", str(output)], cwd=ROOT, capture_output=True, text=True
    )
    print(completed.stdout[-2000:], completed.stderr[-2000:] if completed.returncode else "")
    results["youths"] = json.loads(output.read_text()) if completed.returncode == 0 else {"error": completed.stderr}
    output.unlink(missing_ok=True)


# --- Concurrent writers of one team ----------------------------------------------------------------------

WRITERS = 6
# How often each writer picks each write (a team's educators at the end of the day).
WRITES = (
    ("intervention", 4),
    ("presence", 1),
    ("level", 1),
    ("situation", 1),
    ("date edit", 2),
)


class _Writer:
    """One educator's writes, on its own connection: what it wrote and what it changed, to undo it."""

    def __init__(self, number: int, user, team, youths: list[int], owned: list[int], reference: dict, seed: int):
        import random

        self.number, self.user, self.team = number, user, team
        self.youths, self.owned = youths, owned
        self.reference = reference
        self.random = random.Random(seed)
        self.today = datetime.date.today()
        self.done: dict[str, list[float]] = {kind: [] for kind, _weight in WRITES}
        self.failures: list[dict] = []
        self.interventions: list[int] = []
        self.sessions: list[int] = []
        self.episodes: list[tuple] = []  # (new episode, previous episode, its ended_on, its end_reason)
        self.situations: dict[tuple[int, datetime.date], int | None] = {}  # the situation before the bench's
        self.dates: dict[int, datetime.date] = {}  # each edited intervention's date before the bench's

    def recent(self, days: int = 60) -> datetime.date:
        return self.today - datetime.timedelta(days=self.random.randint(0, days))

    def intervention(self) -> None:
        from actions.services import intervention_record
        from youths.models import Youth

        youths = Youth.objects.filter(pk__in=self.random.sample(self.youths, self.random.randint(1, 3)))
        domains = self.random.sample(self.reference["domains"], self.random.randint(1, 2))
        created = intervention_record(
            youths=youths, date=self.recent(), domains=domains, kind="", note="bench", author=self.user
        )
        self.interventions += [intervention.pk for intervention in created]

    def presence(self) -> None:
        from django.db import transaction

        from actions.forms import PresenceSessionForm

        data = {
            "date": self.recent().isoformat(),
            "start_time": "18:00",
            "duration": self.random.choice(["2", "1,5", "2 h 30", "90 min"]),
            "place": self.reference["place"],
            "sector": f"c{self.random.choice(self.reference['communes'])}",
            "team": self.team.pk,
            "educators": [self.user.pk],
            "note": "bench",
        }
        form = PresenceSessionForm(data=data, user=self.user)
        if not form.is_valid():
            raise ValueError(f"presence form refused: {form.errors.as_json()}")
        form.instance.author = self.user
        with transaction.atomic():
            session = form.save()
        self.sessions.append(session.pk)

    def level(self) -> None:
        from youths.enums import Level
        from youths.models import SupportEpisode, Youth
        from youths.services import youth_change_level

        youth = self.random.choice(self.owned)
        current = SupportEpisode.objects.filter(youth_id=youth, ended_on__isnull=True).first()
        on = self.recent(30)
        if current is not None:
            on = max(on, current.started_on + datetime.timedelta(days=1))
            if on > self.today:  # changed today already: a situation instead (counted as a level change)
                self.situation()
                return
        level = self.random.choice([level for level in Level.values if current is None or level != current.level])
        episode = youth_change_level(youth=Youth(pk=youth), level=level, on=on, by=self.user)
        previous = (current.pk, current.ended_on, current.end_reason_id) if current is not None else (None, None, None)
        self.episodes.append((episode.pk, *previous))

    def situation(self) -> None:
        from youths.models import SituationRecord, Youth
        from youths.services import youth_set_situation

        youth, on = self.random.choice(self.owned), self.recent()
        if (youth, on) not in self.situations:
            self.situations[(youth, on)] = (
                SituationRecord.objects.filter(youth_id=youth, started_on=on)
                .values_list("situation", flat=True)
                .first()
            )
        youth_set_situation(youth=Youth(pk=youth), situation=self.random.choice(self.reference["situations"]), on=on)

    def date_edit(self) -> None:
        """A single-statement date edit of one of the owned youths' recent interventions."""
        from django.db import transaction

        from actions.models import Intervention

        pk, date = self.random.choice(self.reference["recent"][self.number])
        self.dates.setdefault(pk, date)
        with transaction.atomic():
            Intervention.objects.filter(pk=pk).update(date=self.recent())

    def run(self, until: float) -> None:
        from django.db import connection

        kinds = [kind for kind, _weight in WRITES]
        weights = [weight for _kind, weight in WRITES]
        writes = {kind: getattr(self, kind.replace(" ", "_")) for kind in kinds}
        try:
            while time.perf_counter() < until:
                kind = self.random.choices(kinds, weights)[0]
                started = time.perf_counter()
                try:
                    writes[kind]()
                except Exception as error:  # every failure counts: a deadlock, a refusal, an error page
                    cause = error.__cause__ or error
                    self.failures.append(
                        {
                            "write": kind,
                            "error": f"{type(error).__name__}/{type(cause).__name__}",
                            "message": str(error)[:300],
                        }
                    )
                else:
                    self.done[kind].append(time.perf_counter() - started)
        finally:
            connection.close()

    def undo(self) -> None:
        """Delete what this writer created and put back what it changed (the caller holds a transaction)."""
        from actions.models import Intervention, PresenceSession
        from youths.models import SituationRecord, SupportEpisode

        Intervention.objects.filter(pk__in=self.interventions).delete()
        PresenceSession.objects.filter(pk__in=self.sessions).delete()
        for new, previous, ended_on, end_reason in reversed(self.episodes):
            SupportEpisode.objects.filter(pk=new).delete()
            if previous is not None:
                SupportEpisode.objects.filter(pk=previous).update(ended_on=ended_on, end_reason=end_reason)
        for (youth, on), situation in self.situations.items():
            records = SituationRecord.objects.filter(youth_id=youth, started_on=on)
            if situation is None:
                records.delete()
            else:
                records.update(situation=situation)
        for pk, date in self.dates.items():
            Intervention.objects.filter(pk=pk).update(date=date)


def _bring_summaries_up_to_date() -> None:
    """The new code's readers write the marked summaries first; the triggers of earlier code kept them."""
    try:
        from actions.summaries import summaries_up_to_date
    except ImportError:
        return
    summaries_up_to_date()


def _team_figures_exact(team, year: int) -> bool:
    """The team's bilan figures over `year` from the builders (which read the summaries) against the
    hand-written SQL over the base tables alone."""
    from raw_sql import builder_figures, raw_figures

    from reports.builders import Scope

    scope = Scope.for_team(team)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    built = builder_figures(scope=scope, start=start, end=end)
    raw = raw_figures(team_ids=[team.pk], start=start, end=end, brackets=scope.brackets(), summaries=False)
    return built == raw


def bench_writers(results: dict, seconds: int, full_check: bool) -> None:
    """6 educators of the first team, each on its own connection, record interventions (the service the
    form uses), presence sessions (the form), level and situation changes (the services) and
    single-statement date edits of interventions, for `seconds`. Every failed write counts (a deadlock, an
    error page). Then the summaries must be exact: the team's bilan figures of the year against the
    hand-written SQL over the base tables (and with `full_check`, every summary computed from scratch).
    Each writer changes the levels, situations and dates of its own youths only (the team's others are
    another writer's), so that no write is refused for a reason of the data; the interventions name any
    youths of the team. At the end everything written is deleted and every change put back."""
    import threading

    from django.db import transaction

    from actions.enums import Place
    from actions.models import Domain, Intervention
    from actions.services import intervention_record
    from emps.models import Role, Team, User
    from youths.models import Situation, Youth

    team = Team.objects.order_by("pk").first()
    educators = list(User.objects.filter(role=Role.EDUCATOR, teams=team).order_by("pk")[:WRITERS])
    for number in range(len(educators), WRITERS):  # a team of fewer educators gets bench accounts
        educators.append(_bench_user(f"bench-educateur-{number}", Role.EDUCATOR, [team]))
    youths = list(Youth.objects.filter(team=team).order_by("pk").values_list("pk", flat=True))
    owned = [youths[number::WRITERS] for number in range(WRITERS)]
    today = datetime.date.today()
    recent = Intervention.objects.filter(youth__team=team, date__gte=today - datetime.timedelta(days=365))
    owner = {pk: number for number in range(WRITERS) for pk in owned[number]}
    by_writer: dict[int, list] = {number: [] for number in range(WRITERS)}
    for pk, youth, date in recent.values_list("pk", "youth", "date"):
        by_writer[owner[youth]].append((pk, date))
    reference = {
        "domains": list(Domain.objects.filter(is_active=True)),
        "situations": list(Situation.objects.filter(is_active=True)),
        "communes": list(team.communes.values_list("pk", flat=True)),
        "place": Place.STREET,
        "recent": by_writer,
    }
    _bring_summaries_up_to_date()

    # One writer alone first: an intervention saved, the time a user waits for it.
    alone = []
    for number in range(21):
        started = time.perf_counter()
        created = intervention_record(
            youths=Youth.objects.filter(pk=youths[number]),
            date=today,
            domains=reference["domains"][:1],
            note="bench",
            author=educators[0],
        )
        alone.append(time.perf_counter() - started)
        Intervention.objects.filter(pk__in=[i.pk for i in created]).delete()
    _bring_summaries_up_to_date()

    writers = [
        _Writer(number, educators[number], team, youths, owned[number], reference, seed=number)
        for number in range(WRITERS)
    ]
    started = time.perf_counter()
    until = started + seconds
    threads = [threading.Thread(target=writer.run, args=(until,)) for writer in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started

    up_to_date_started = time.perf_counter()
    _bring_summaries_up_to_date()
    up_to_date_s = time.perf_counter() - up_to_date_started
    check_started = time.perf_counter()
    exact = _team_figures_exact(team, today.year)
    check_s = time.perf_counter() - check_started
    differences, full_s = None, None
    if full_check:
        from actions.summaries import summaries_differences

        full_started = time.perf_counter()
        differences = summaries_differences()
        full_s = time.perf_counter() - full_started

    undo_started = time.perf_counter()
    with transaction.atomic():
        for writer in writers:
            writer.undo()
    _bring_summaries_up_to_date()
    undo_s = time.perf_counter() - undo_started
    exact_after_undo = _team_figures_exact(team, today.year)

    failures = [failure for writer in writers for failure in writer.failures]
    by_kind = {}
    for kind, _weight in WRITES:
        times = [t for writer in writers for t in writer.done[kind]]
        by_kind[kind] = {
            "done": len(times),
            "failed": sum(1 for failure in failures if failure["write"] == kind),
            "median_ms": round(statistics.median(times) * 1000, 1) if times else None,
            "p95_ms": round(statistics.quantiles(times, n=20)[-1] * 1000, 1) if len(times) > 1 else None,
        }
    done = sum(row["done"] for row in by_kind.values())
    errors: dict[str, int] = {}
    for failure in failures:
        errors[failure["error"]] = errors.get(failure["error"], 0) + 1
    results["writers"] = {
        "team": team.name,
        "writers": WRITERS,
        "seconds": round(elapsed, 1),
        "intervention_saved_alone_ms": round(statistics.median(alone) * 1000, 1),
        "writes": done,
        "writes_per_s": round(done / elapsed, 1),
        "failed": len(failures),
        "failed_percent": round(100 * len(failures) / max(1, done + len(failures)), 2),
        "errors": errors,
        "first_failures": failures[:5],
        "by_kind": by_kind,
        "summaries_up_to_date_s": round(up_to_date_s, 2),
        "exact": exact,
        "exact_check": f"team's bilan figures of {today.year}: builders against the base tables' SQL",
        "exact_check_s": round(check_s, 2),
        "summaries_differences": differences,
        "summaries_differences_s": round(full_s, 1) if full_s is not None else None,
        "undo_s": round(undo_s, 1),
        "exact_after_undo": exact_after_undo,
    }
    print(
        f"  {done} writes in {elapsed:.0f} s ({done / elapsed:.1f}/s), {len(failures)} failed {errors or ''}; "
        f"summaries brought up to date in {up_to_date_s:.2f} s; exact: {exact}"
        + (f"; every summary: {differences or 'exact'} ({full_s:.0f} s)" if full_check else "")
        + f"; undone in {undo_s:.1f} s, exact after: {exact_after_undo}",
        flush=True,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The first backend able to load a user (not django-axes's, which only guards the login form).
    session[BACKEND_SESSION_KEY] = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _parse_wrk(output: str) -> dict:
    def seconds(text):
        for unit, factor in (("us", 1e-6), ("ms", 1e-3), ("s", 1.0), ("m", 60.0)):
            if text.endswith(unit):
                return float(text[: -len(unit)]) * factor
        return float(text)

    figures = {"errors": 0, "non_2xx": 0}
    for line in output.splitlines():
        parts = line.split()
        if line.strip().startswith("50.000%") or line.strip().startswith("50%"):
            figures["p50_ms"] = round(seconds(parts[1]) * 1000, 1)
        elif line.strip().startswith("99.000%") or line.strip().startswith("99%"):
            figures["p99_ms"] = round(seconds(parts[1]) * 1000, 1)
        elif line.startswith("Requests/sec:"):
            figures["requests_per_s"] = float(parts[1])
        elif "requests in" in line:
            figures["requests"] = int(parts[0])
        elif line.strip().startswith("Socket errors:"):
            figures["errors"] = sum(int(p.strip(",")) for p in parts[3::2])
        elif line.strip().startswith("Non-2xx or 3xx responses:"):
            figures["non_2xx"] = int(parts[-1])
    return figures


def bench_load(results: dict, duration: int, client_timeout: int) -> None:
    from django.conf import settings
    from django.urls import NoReverseMatch, reverse

    wrk = shutil.which("wrk")
    if not wrk:
        print("  wrk is not installed (apt-get install wrk): load test skipped")
        results["load"] = [{"skipped": "wrk not installed"}]
        return
    _team, users = _users()
    targets = []
    pages = [
        ("funder dashboard, 1 team", users["funder"], "home"),
        ("funder dashboard, 10 teams", users["funder10"], "home"),
        ("youths list", users["educator"], "youths:list"),
    ]
    for label, who, name in pages:
        try:
            targets.append((label, reverse(name), _session_cookie(who)))
        except NoReverseMatch:
            print(f"  {label}: URL name {name!r} does not exist on this branch, skipped")
            results["load"].append({"page": label, "skipped": "URL name not found"})
    static_root = tempfile.mkdtemp(prefix="emps-bench-static-")
    port = _free_port()
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.base",
        SECRET_KEY=settings.SECRET_KEY,  # the session's auth hash is signed with it
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DEBUG="0",
        STATIC_ROOT=static_root,
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    gunicorn += ["--workers", "2", "--no-control-socket", "--access-logfile", "/dev/null"]
    log_path = Path(static_root) / "gunicorn.log"
    log = log_path.open("w")
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        for label, url, cookie in targets:
            # Warm up: both workers import Django and open their connection before measuring.
            request = urllib.request.Request(f"http://127.0.0.1:{port}{url}", headers={"Cookie": cookie})
            for _ in range(10):
                with urllib.request.urlopen(request, timeout=60) as response:
                    if response.status != 200 or response.url.rstrip("/") != request.full_url.rstrip("/"):
                        raise RuntimeError(f"{label}: HTTP {response.status} at {response.url}, not logged in?")
            command = [wrk, "-t2", "-c20", f"-d{duration}s", f"--timeout={client_timeout}s", "--latency"]
            command += ["-H", f"Cookie: {cookie}"]
            command.append(f"http://127.0.0.1:{port}{url}")
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            row = {"page": label, "url": url, "connections": 20, "duration_s": duration}
            row |= {"client_timeout_s": client_timeout, **_parse_wrk(output)}
            results["load"].append(row)
            print(f"  {label}: {row}", flush=True)
    except Exception:
        print(log_path.read_text()[-4000:], file=sys.stderr)
        raise
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(static_root, ignore_errors=True)


def print_table(results: dict) -> None:
    parts = results["parts"]
    print("\n=== EMPS benchmark", results["started"], "===")
    if "machine" in results:  # results written before the yardsticks have none
        machine = results["machine"]
        print(
            f"Machine: {results['cpus']} CPUs; sum(range(10**6)) {machine['python_ms']} ms; "
            f"SELECT 1 {machine['round_trip_ms']} ms"
        )
    if "builders" in parts or "pdf" in parts:
        print(
            f"{'Bilan figures':32} {'builders':>10} {'raw SQL':>10} {'ratio':>6} {'whole bilan':>12}"
            f"   {'in the database: builders':>26} {'raw SQL':>8}"
        )
    for r in results["builders"]:
        print(
            f"{r['case']:32} {r['builders_s']:>9.3f}s {r['raw_sql_s']:>9.3f}s {r['ratio']:>6} "
            f"{r['build_bilan_s']:>11.3f}s   {r['builders_database_ms']:>24.1f}ms {r['raw_sql_database_ms']:>6.1f}ms"
        )
    if results.get("pdf"):
        print(f"{'PDF ' + results['pdf']['case']:32} {results['pdf']['seconds']:>9.3f}s")
    if "pages" in parts:
        print(f"\n{'Page':32} {'median':>10} {'queries':>10} {'HTTP':>6}")
    for r in results["pages"]:
        if "skipped" in r:
            print(f"{r['page']:32} skipped ({r['skipped']})")
        else:
            print(f"{r['page']:32} {r['median_ms']:>8.1f}ms {str(r['queries']):>10} {r['status']:>6}")
    if results["dashboard_floor"]:
        print(f"\n{'Dashboard, figures shared with the bilan':40} {'builders':>10} {'raw SQL':>10}")
    for r in results["dashboard_floor"]:
        print(f"{r['case']:40} {r['builders_ms']:>8.1f}ms {r['raw_sql_ms']:>8.1f}ms")
    if results["crawl"]:
        crawl = sorted(results["crawl"], key=lambda r: -r["median_ms"])
        over = [r for r in crawl if r["median_ms"] >= 150]
        print(f"\nEvery page ({len(crawl)}): {len(over)} at 150 ms or more; not answered 200: ", end="")
        print(", ".join(f"{r['user']} {r['url']} ({r['status']})" for r in crawl if r["status"] != 200) or "none")
        print(f"{'Slowest pages':70} {'median':>10} {'queries':>10} {'HTTP':>6}")
        for r in crawl[:10]:
            print(f"{r['user'] + ' ' + r['url']:70} {r['median_ms']:>8.1f}ms {str(r['queries']):>10} {r['status']:>6}")
    for row in results.get("export", ()):
        print(f"Export, {row['kind']} of one team ({row['rows']} rows), {row['format']:4}  {row['seconds']:>6.2f}s")
    if "import" in parts:
        print(f"\nImport: {results.get('import')}")
    if results.get("writers"):
        w = results["writers"]
        print(
            f"\nWriters: {w['writers']} of one team for {w['seconds']} s: {w['writes']} writes, {w['writes_per_s']}/s, "
            f"failed {w['failed']} ({w['failed_percent']} %) {w['errors'] or ''}; "
            f"exact: {'yes' if w['exact'] else 'NO'}; "
            f"an intervention saved alone: {w['intervention_saved_alone_ms']} ms"
        )
        print(f"{'write':14} {'done':>6} {'failed':>7} {'median':>9} {'p95':>9}")
        for kind, row in w["by_kind"].items():
            print(
                f"{kind:14} {row['done']:>6} {row['failed']:>7} "
                f"{row['median_ms'] or 0:>7.1f}ms {row['p95_ms'] or 0:>7.1f}ms"
            )
    if "load" in parts:
        print(f"\n{'Load (20 connections)':32} {'req/s':>8} {'p50':>9} {'p99':>9} {'errors':>7} {'non-2xx':>8}")
    for r in results["load"]:
        if "skipped" in r:
            print(f"{r.get('page', ''):32} skipped ({r['skipped']})")
        else:
            print(
                f"{r['page']:32} {r.get('requests_per_s', 0):>8.1f} {r.get('p50_ms', 0):>7.1f}ms "
                f"{r.get('p99_ms', 0):>7.1f}ms {r['errors']:>7} {r['non_2xx']:>8}"
            )


PARTS = ("builders", "pdf", "pages", "crawl", "export", "import", "youths", "writers", "load")


def parts_option(text: str) -> set[str]:
    parts = {part.strip() for part in text.split(",") if part.strip()}
    unknown = parts - set(PARTS)
    if unknown or not parts:
        raise argparse.ArgumentTypeError(f"choose among {','.join(PARTS)}")
    return parts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument(
        "--wrk-timeout",
        type=int,
        default=30,
        help="wrk's client timeout in seconds (wrk's own default is 2); 30 is gunicorn's worker timeout",
    )
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--writers-seconds", type=int, default=60, help="how long the 6 writers write (default 60)")
    parser.add_argument(
        "--writers-full-check",
        action="store_true",
        help="after the writers, also compare every summary with its sources computed from scratch (minutes)",
    )
    parser.add_argument(
        "--only",
        type=parts_option,
        default=set(PARTS),
        metavar="PARTS",
        help=f"comma-separated parts to run among {','.join(PARTS)} (default: all)",
    )
    options = parser.parse_args()
    if options.skip_load:
        options.only.discard("load")

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        print(
            "bench/run.py needs PostgreSQL filled with generate_synthetic: set DATABASE_URL=postgres://... "
            f"(the current database is {connection.vendor}).",
            file=sys.stderr,
        )
        return 2
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    results = {
        "started": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "database": connection.settings_dict["NAME"],
        "cpus": os.cpu_count(),
        "machine": machine_speed(),
        "repeat": options.repeat,
        "builders": [],
        "pages": [],
        "dashboard_floor": [],
        "load": [],
        "export": [],
        "crawl": [],
    }
    results["parts"] = [part for part in PARTS if part in options.only]
    runs = {
        "builders": (f"Bilan builders vs raw SQL (median of {options.repeat} runs)", bench_builders),
        "pdf": ("Bilan PDF", bench_pdf),
        "pages": ("Pages through the test client, then the dashboard's floor in hand-written SQL", bench_pages),
        "crawl": ("Every page, as an educator, a coordinator, an administrator and a funder", bench_crawl),
        "export": ("Export (the exchange page)", bench_export),
        "import": ("Interventions import", lambda results, _repeat: bench_import(results)),
        "youths": ("Youths import, 100 / 1,000 / 10,000 rows", lambda results, _repeat: bench_youths(results)),
        "writers": (
            f"{WRITERS} writers of one team for {options.writers_seconds} s",
            lambda results, _repeat: bench_writers(results, options.writers_seconds, options.writers_full_check),
        ),
        "load": (
            "Load: gunicorn (2 workers) + wrk",
            lambda results, _repeat: bench_load(results, options.duration, options.wrk_timeout),
        ),
    }
    for part in results["parts"]:
        heading, run = runs[part]
        print(heading, flush=True)
        run(results, options.repeat)
    print_table(results)
    out = ROOT / "bench" / "results" / f"{results['started'].replace(':', '')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nWritten to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
