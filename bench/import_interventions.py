"""Benchmark: import a 50,000-row interventions file on the current DATABASE_URL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/emps .venv/bin/python bench/import_interventions.py
    .venv/bin/python bench/import_interventions.py --rows 50000 --youths 2000

Creates a throw-away team (communes, educators, youths), writes a CSV of interventions with one
to three domains, a partner on one row in three and an educator on each, then times:
  1. the preview (dry run: the whole import, rolled back),
  2. the import itself (one transaction, committed),
  3. `manage.py import_data` on the same file in a subprocess, re-importing it: every row is
     recognised as already present and nothing is written;
and prints the durations and the peak memory of the process. The bench team and its records
are deleted at the end. Not a test: figures depend on the machine.
"""

import argparse
import datetime
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Production-like settings (DEBUG off: no query log); the test settings are base.py plus a test secret.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from actions.models import Domain, Intervention  # noqa: E402
from emps.enums import Role  # noqa: E402
from emps.journal import journal_maintenance  # noqa: E402
from emps.models import AccessLog, Commune, Partner, PartnerCategory, Team, User  # noqa: E402
from transfer.services import import_file  # noqa: E402
from transfer.writers import write_csv  # noqa: E402
from youths.models import SituationRecord, SupportEpisode, Youth  # noqa: E402

TEAM = "Équipe de mesure (bench)"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def setup(youth_count: int) -> tuple[Team, list[str], list[str], list[str]]:
    with transaction.atomic():
        team = Team.objects.create(name=TEAM, reference_prefix="BN")
        commune, _created = Commune.objects.get_or_create(name="Communebench")
        team.communes.add(commune)
        category = PartnerCategory.objects.order_by("order").first()
        partners = [
            Partner.objects.get_or_create(name=f"Partenaire bench {i}", defaults={"category": category})[0]
            for i in range(20)
        ]
        educators = []
        for i in range(4):
            user, _created = User.objects.get_or_create(
                username=f"bench-educ-{i}",
                defaults={"role": Role.EDUCATOR, "first_name": "Bench", "last_name": f"N{i}"},
            )
            user.teams.add(team)
            educators.append(user)
        youths = Youth.objects.bulk_create(
            Youth(
                team=team,
                reference=f"BN-{n:05d}",
                first_name=f"Jeune{n}",
                commune=commune,
                first_met_on=datetime.date(2022, 1, 3),
            )
            for n in range(youth_count)
        )
        SupportEpisode.objects.bulk_create(
            SupportEpisode(youth=y, level="accroche", started_on=y.first_met_on) for y in youths
        )
    return (
        team,
        [y.reference for y in youths],
        [p.name for p in partners],
        [f"{u.first_name} {u.last_name}" for u in educators],
    )


def write_file(path: Path, rows: int, references, partners, educators) -> None:
    rng = random.Random(2023)
    domains = list(Domain.objects.values_list("label", flat=True))
    start = datetime.date(2022, 1, 3)
    kinds = ["Entretien", "Démarche", "Accompagnement physique", "Téléphone / message", ""]

    def lines():
        for _n in range(rows):
            yield [
                rng.choice(references),
                start + datetime.timedelta(days=rng.randrange(0, 900)),
                "; ".join(rng.sample(domains, rng.choice([1, 1, 2, 3]))),
                rng.choice(kinds),
                rng.choice(partners) if rng.random() < 0.33 else "",
                rng.choice(educators),
                rng.choice(["", "", "Point sur la situation.", "Orientation proposée."]),
            ]

    headers = ["reference", "date", "domaines", "type", "partenaires", "educateur", "commentaire"]
    content, _count = write_csv(headers, lines())
    path.write_bytes(content)


def cleanup() -> None:
    team = Team.objects.filter(name=TEAM).first()
    if team is None:
        return
    with transaction.atomic():
        interventions = Intervention.objects.filter(youth__team=team)
        for name in ("domains", "partners", "educators"):
            links = getattr(Intervention, name).through.objects.filter(intervention__youth__team=team)
            links._raw_delete(connection.alias)
        Intervention.objects.filter(pk__in=interventions.values("pk"))._raw_delete(connection.alias)
        SituationRecord.objects.filter(youth__team=team).delete()
        SupportEpisode.objects.filter(youth__team=team).delete()
        Youth.objects.filter(team=team).delete()
        # After the youths: deleting them writes their "deleted" history rows, which must go too.
        Youth.history.filter(team_id=team.pk).delete()
        with journal_maintenance(connection.alias):  # the bench runs as the database's owner
            AccessLog.objects.filter(team=team)._raw_delete(connection.alias)
        team.communes.clear()
        team.members.clear()
        team.delete()
        Partner.objects.filter(name__startswith="Partenaire bench ").delete()
        User.objects.filter(username__startswith="bench-educ-").delete()
        Commune.objects.filter(name="Communebench").delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--youths", type=int, default=2_000)
    args = parser.parse_args()

    database = settings.DATABASES["default"]
    print(f"Database: {connection.vendor} {database.get('NAME')}, {os.cpu_count()} CPU")
    cleanup()
    team, references, partners, educators = setup(args.youths)
    try:
        path = Path(tempfile.gettempdir()) / f"bench-interventions-{args.rows}.csv"
        write_file(path, args.rows, references, partners, educators)
        data = path.read_bytes()
        print(f"File: {path} ({args.rows:,} rows, {len(data) / 1024 / 1024:.1f} MB, {args.youths:,} youths)")
        print(f"Peak memory before import: {peak_rss_mb():.0f} MB")

        print(f"Load average before the import: {os.getloadavg()[0]:.1f}")
        for dry_run in (True, False):
            started, cpu = time.perf_counter(), cpu_seconds()
            report = import_file(
                kind="interventions", data=data, filename=path.name, team=team, teams=[team], dry_run=dry_run
            )
            elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu
            assert report.ok, (report.file_error, report.errors[:5])
            step = "preview (dry run)" if dry_run else "import"
            print(
                f"{step:>18}: {elapsed:5.1f} s (CPU of this process {cpu:5.1f} s)  {args.rows / elapsed:,.0f} rows/s  "
                f"created {report.created:,}  peak memory {peak_rss_mb():.0f} MB"
            )
        stored = Intervention.objects.filter(youth__team=team).count()
        assert stored == args.rows, stored

        command = [sys.executable, "manage.py", "import_data", "interventions", str(path), "--team", TEAM]
        started = time.perf_counter()
        completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
        child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"{'re-import command':>18}: {elapsed:5.1f} s  exit {completed.returncode}  "
            f"peak memory {child_rss:.0f} MB  ({completed.stdout.strip().splitlines()[-1] if completed.stdout else ''})"
        )
        print("Command:", " ".join(f'"{c}"' if " " in c else c for c in command[1:]))
    finally:
        cleanup()


if __name__ == "__main__":
    main()
