"""Benchmark: preview and import of youths files of 100, 1,000 and 10,000 rows on the current DATABASE_URL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/emps .venv/bin/python bench/import_youths.py
    .venv/bin/python bench/import_youths.py --sizes 100,1000,10000 --json bench/results/youths.json

Creates a throw-away team with one commune and two quartiers, writes a CSV of new youths (sex, birth
month, quartier, origin, situation, level, first meeting, an end date on one row in five), then times, for
each size, the preview (the whole import, rolled back) and the import (one transaction, committed) through
`import_file`, as the background task runs it. Prints the time per row and the ratio of the time per row at
the largest size to that at the smallest (issue #30: at most 1.5). The bench team and its records are
deleted at the end. Not a test: figures depend on the machine.
"""

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from actions.summaries import summaries_bring_up_to_date  # noqa: E402
from emps.models import AccessLog, Commune, Quartier, Team  # noqa: E402
from transfer.services import import_file  # noqa: E402
from transfer.writers import write_csv  # noqa: E402
from youths.models import Origin, Situation, SituationRecord, SupportEpisode, Youth  # noqa: E402

TEAM = "Équipe de mesure des jeunes (bench)"
HEADERS = ["reference", "prenom", "sexe", "date_naissance", "commune", "quartier", "origine", "situation"]
HEADERS += ["niveau", "date_debut", "date_fin"]


def setup() -> Team:
    with transaction.atomic():
        team = Team.objects.create(name=TEAM, reference_prefix="BY")
        commune, _created = Commune.objects.get_or_create(name="Communebenchjeunes")
        for name in ("Nord", "Sud"):
            Quartier.objects.get_or_create(commune=commune, name=name)
        team.communes.add(commune)
    return team


def write_file(rows: int, seed: int) -> bytes:
    rng = random.Random(seed)
    origins = list(Origin.objects.values_list("label", flat=True)) or [""]
    situations = list(Situation.objects.values_list("label", flat=True)) or [""]
    start = datetime.date(2024, 1, 8)

    def lines():
        for n in range(rows):
            met = start + datetime.timedelta(days=rng.randrange(0, 600))
            yield [
                f"BY-{seed}-{n:05d}",
                f"Jeune{n}",
                rng.choice(["H", "F", ""]),
                f"{rng.randint(1, 12):02d}/{rng.randint(2005, 2012)}",
                "Communebenchjeunes",
                rng.choice(["Nord", "Sud", ""]),
                rng.choice(origins),
                rng.choice(situations),
                rng.choice(["accroche", "ASEP", "PAEI"]),
                met.strftime("%d/%m/%Y"),
                (met + datetime.timedelta(days=90)).strftime("%d/%m/%Y") if n % 5 == 0 else "",
            ]

    content, _count = write_csv(HEADERS, lines())
    return content


def cleanup() -> None:
    team = Team.objects.filter(name=TEAM).first()
    if team is None:
        return
    with transaction.atomic():
        # Raw deletions: the ORM's would write (then leave) a history line per youth, one at a time.
        for model in (SituationRecord, SupportEpisode):
            model.objects.filter(youth__in=Youth.objects.filter(team=team).values("pk"))._raw_delete(connection.alias)
        Youth.history.filter(team_id=team.pk)._raw_delete(connection.alias)
        Youth.objects.filter(team=team)._raw_delete(connection.alias)
        AccessLog.objects.filter(team=team)._raw_delete(connection.alias)
        team.communes.clear()
        team.delete()
        Quartier.objects.filter(commune__name="Communebenchjeunes").delete()
        Commune.objects.filter(name="Communebenchjeunes").delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    print(f"Database: {connection.vendor} {settings.DATABASES['default'].get('NAME')}, {os.cpu_count()} CPU")
    print(f"Load average before: {os.getloadavg()[0]:.1f}")
    results = {"database": connection.vendor, "sizes": {}}
    cleanup()
    # Marks left by earlier writes (the clean-up's deletions among them) would be written by the first
    # import's summaries and counted in its time: write them first.
    summaries_bring_up_to_date()
    team = setup()
    try:
        for seed, rows in enumerate(sizes):
            data = write_file(rows, seed)
            figures = {}
            for dry_run in (True, False):
                summaries_bring_up_to_date()
                started = time.perf_counter()
                report = import_file(
                    kind="jeunes", data=data, filename="jeunes.csv", team=team, teams=[team], dry_run=dry_run
                )
                seconds = time.perf_counter() - started
                assert report.ok and report.created == rows, (report.file_error, report.errors[:3])
                step = "preview" if dry_run else "import"
                figures[step] = {"seconds": round(seconds, 2), "ms_per_row": round(1000 * seconds / rows, 2)}
                print(f"{rows:>7,} rows  {step:>7}: {seconds:7.2f} s  {1000 * seconds / rows:6.2f} ms a row")
            results["sizes"][rows] = figures
        for step in ("preview", "import"):
            ratio = results["sizes"][sizes[-1]][step]["ms_per_row"] / results["sizes"][sizes[0]][step]["ms_per_row"]
            results[f"{step}_ratio"] = round(ratio, 2)
            print(f"{step}: time per row at {sizes[-1]:,} / at {sizes[0]:,} = {ratio:.2f} (target ≤ 1.5)")
    finally:
        cleanup()
    results["load_average_after"] = round(os.getloadavg()[0], 1)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
