"""Synthetic federation-scale data for benchmarks: many teams, youths and interventions.

Rows are written in bulk: PostgreSQL's COPY when available, batched executemany elsewhere.
The same arguments always give the same data.
"""

import datetime
import random
import time
from collections.abc import Iterable, Sequence

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from actions.enums import ActionKind, Carrying, InterventionKind, MeetingKind, Place
from actions.models import CollectiveAction, Domain, Intervention, PartnerMeeting, PresenceSession
from actions.summaries import summaries_rebuild
from emps.enums import Role
from emps.models import Commune, Partner, PartnerCategory, Quartier, Team, User
from youths.enums import Level
from youths.models import EndReason, Origin, Situation, SituationRecord, SupportEpisode, Youth

TEAM_PREFIX = "Synthétique"
BATCH = 5000
# The kinds of the synthetic temps partenariaux: meetings with partners (the same draws as before the
# team's internal meetings became a kind).
PARTNER_MEETING_KINDS = [MeetingKind.MEETING, MeetingKind.BODY, MeetingKind.DIAGNOSTIC]
DOMAIN_WEIGHTS = [67, 64, 40, 30, 27, 27, 9, 6, 5, 4, 2, 1]


class Writer:
    """Inserts rows with explicit primary keys into a model's table (or an M2M through table)."""

    def __init__(self, stdout):
        self.stdout = stdout
        self.is_postgres = connection.vendor == "postgresql"

    def next_id(self, model) -> int:
        return (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1

    def insert(self, model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
        table = model._meta.db_table
        count = 0
        with connection.cursor() as cursor:
            if self.is_postgres:
                quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
                with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
                batch = []
                for row in rows:
                    batch.append(row)
                    if len(batch) >= BATCH:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
        return count

    def reset_sequences(self, models):
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class Command(BaseCommand):
    help = "Génère des données synthétiques à l'échelle d'une fédération (pour les mesures de performance)."

    def add_arguments(self, parser):
        parser.add_argument("--teams", type=int, default=50)
        parser.add_argument("--youths", type=int, default=30000)
        parser.add_argument("--interventions", type=int, default=1_000_000)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--end", type=datetime.date.fromisoformat, default=None, help="Dernier jour (AAAA-MM-JJ).")

    def handle(self, *args, **options):
        if options["teams"] < 1 or options["youths"] < options["teams"] or options["interventions"] < 0:
            raise CommandError("Il faut au moins une équipe et au moins un jeune par équipe.")
        if Team.objects.filter(name__startswith=TEAM_PREFIX).exists():
            raise CommandError("Des équipes synthétiques existent déjà : utilisez une base vide.")
        started = time.monotonic()
        self.rng = random.Random(options["seed"])
        self.end = options["end"] or timezone.localdate()
        self.start = self.end - datetime.timedelta(days=365 * options["years"] - 1)
        self.now = timezone.now()
        self.writer = Writer(self.stdout)
        with transaction.atomic():
            self.create_organisation(options["teams"])
            self.create_youths(options["youths"])
            self.create_interventions(options["interventions"])
            self.create_team_activity(options["years"])
            self.writer.reset_sequences(
                [
                    Youth,
                    SupportEpisode,
                    SituationRecord,
                    Intervention,
                    CollectiveAction,
                    PresenceSession,
                    PartnerMeeting,
                    Intervention.domains.through,
                    Intervention.educators.through,
                    Intervention.partners.through,
                    CollectiveAction.participants.through,
                    CollectiveAction.partners.through,
                    PresenceSession.educators.through,
                    PartnerMeeting.partners.through,
                ]
            )
            self.log("Synthèses…")
            summaries_rebuild()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # VACUUM too, not only ANALYZE: rows written by COPY are not marked all-visible until
                # vacuumed, and without the visibility map PostgreSQL cannot use index-only scans, which
                # the bilan's queries rely on. Outside the transaction above.
                # (Inside an outer transaction, as in the tests, VACUUM is refused: ANALYZE only.)
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        self.stdout.write(self.style.SUCCESS(f"Terminé en {time.monotonic() - started:.0f} s."))

    def log(self, message):
        self.stdout.write(message)
        self.stdout.flush()

    def random_date(self, low: datetime.date, high: datetime.date) -> datetime.date:
        return low + datetime.timedelta(days=self.rng.randrange((high - low).days + 1))

    def create_organisation(self, team_count):
        rng = self.rng
        categories = list(PartnerCategory.objects.all())
        self.partner_ids = [
            p.pk
            for p in Partner.objects.bulk_create(
                [Partner(name=f"{TEAM_PREFIX} partenaire {i:03d}", category=rng.choice(categories)) for i in range(200)]
            )
        ]
        self.teams = []
        self.team_communes = {}
        self.commune_quartiers = {}
        self.team_educators = {}
        password = make_password(None)
        for t in range(team_count):
            team = Team.objects.create(
                name=f"{TEAM_PREFIX} {t + 1:03d}", association="Fédération synthétique", reference_prefix=f"S{t + 1}"
            )
            communes = Commune.objects.bulk_create(
                [Commune(name=f"{TEAM_PREFIX} commune {t + 1:03d}-{c}") for c in range(2)]
            )
            team.communes.set(communes)
            for commune in communes:
                quartiers = Quartier.objects.bulk_create(
                    [Quartier(commune=commune, name=f"Quartier {q}", is_qpv=q < 2) for q in range(3)]
                )
                self.commune_quartiers[commune.pk] = [q.pk for q in quartiers]
            users = User.objects.bulk_create(
                [User(username=f"synth{t + 1:03d}-edu{e}", role=Role.EDUCATOR, password=password) for e in range(4)]
                + [User(username=f"synth{t + 1:03d}-coord", role=Role.COORDINATOR, password=password)]
            )
            User.teams.through.objects.bulk_create([User.teams.through(user_id=u.pk, team_id=team.pk) for u in users])
            self.teams.append(team)
            self.team_communes[team.pk] = [c.pk for c in communes]
            self.team_educators[team.pk] = [u.pk for u in users[:4]]
        self.log(f"{team_count} équipes, {2 * team_count} communes, {5 * team_count} comptes.")

    def create_youths(self, youth_count):
        rng = self.rng
        writer = self.writer
        origins = [o.pk for o in Origin.objects.order_by("order")]
        situations = {s.code: s.pk for s in Situation.objects.all()}
        change_reason = EndReason.objects.get(code="changement-niveau").pk
        team_weights = [rng.uniform(0.5, 1.5) for _ in self.teams]
        first_id = writer.next_id(Youth)
        self.youths = []  # (id, team_id, first_met_on, level)
        sequence = {}
        rows = []
        for i in range(youth_count):
            team = self.teams[i] if i < len(self.teams) else rng.choices(self.teams, weights=team_weights)[0]
            sequence[team.pk] = sequence.get(team.pk, 0) + 1
            commune = rng.choice(self.team_communes[team.pk])
            quartier = rng.choice(self.commune_quartiers[commune]) if rng.random() < 0.9 else None
            first_met = self.random_date(self.start, self.end)
            age = rng.choices(range(6, 25), weights=[2, 2, 2, 3, 6, 6, 7, 7, 7, 6, 3, 2, 4, 4, 3, 1, 1, 1, 1])[0]
            sex = rng.choices(["H", "F", "NB", ""], weights=[60, 37, 1, 2])[0]
            youth_id = first_id + i
            level = rng.choices([Level.ACCROCHE, Level.ASEP, Level.PAEI], weights=[25, 42, 33])[0]
            self.youths.append((youth_id, team.pk, first_met, level))
            rows.append(
                (
                    youth_id,
                    team.pk,
                    f"{team.reference_prefix}-{sequence[team.pk]:05d}",
                    f"Jeune{i}",
                    "",
                    sex,
                    first_met.year - age,
                    rng.choice([None, *range(1, 13)]),
                    False,
                    commune,
                    quartier,
                    rng.choices(origins, weights=[75, 15, 10])[0],
                    None,
                    rng.choice(self.team_educators[team.pk]),
                    first_met,
                    None,
                    None,
                    1,
                    self.now,
                    self.now,
                )
            )
        columns = [
            "id",
            "team_id",
            "reference",
            "first_name",
            "last_name",
            "sex",
            "birth_year",
            "birth_month",
            "age_is_estimated",
            "commune_id",
            "quartier_id",
            "origin_id",
            "origin_partner_id",
            "referent_id",
            "first_met_on",
            "informed_on",
            "anonymised_at",
            "version",
            "created_at",
            "updated_at",
        ]
        writer.insert(Youth, columns, rows)

        first_episode_id = writer.next_id(SupportEpisode)
        first_record_id = writer.next_id(SituationRecord)

        # Generators run while COPY holds the connection: no query inside them.
        def episodes():
            episode_id = first_episode_id
            for youth_id, _team, first_met, level in self.youths:
                starts = [first_met]
                for _step in range(Level.rank(level)):
                    starts.append(starts[-1] + datetime.timedelta(days=rng.randrange(14, 90)))
                starts = [s for s in starts if s <= self.end] or [first_met]
                levels = [Level.ACCROCHE, Level.ASEP, Level.PAEI][: len(starts)]
                for n, (start, lvl) in enumerate(zip(starts, levels, strict=True)):
                    last = n == len(starts) - 1
                    ended = None if last else starts[n + 1] - datetime.timedelta(days=1)
                    yield (episode_id, youth_id, lvl, start, ended, None if last else change_reason, None)
                    episode_id += 1

        writer.insert(
            SupportEpisode,
            ["id", "youth_id", "level", "started_on", "ended_on", "end_reason_id", "created_by_id"],
            episodes(),
        )

        def situation_rows():
            record_id = first_record_id
            for youth_id, _team, first_met, _level in self.youths:
                code = rng.choices(["scolarise", "rupture", "emploi", "formation"], weights=[75, 15, 5, 5])[0]
                yield (record_id, youth_id, situations[code], first_met)
                record_id += 1
                if rng.random() < 0.2:
                    later = first_met + datetime.timedelta(days=rng.randrange(30, 400))
                    if later <= self.end:
                        yield (record_id, youth_id, situations[rng.choice(["rupture", "emploi", "formation"])], later)
                        record_id += 1

        writer.insert(SituationRecord, ["id", "youth_id", "situation_id", "started_on"], situation_rows())
        self.log(f"{youth_count} jeunes avec leurs accompagnements et situations.")

    def create_interventions(self, count):
        rng = self.rng
        writer = self.writer
        domains = [d.pk for d in Domain.objects.order_by("order")]
        weights = DOMAIN_WEIGHTS[: len(domains)] + [1] * max(0, len(domains) - len(DOMAIN_WEIGHTS))
        level_weight = {Level.ACCROCHE: 1, Level.ASEP: 4, Level.PAEI: 10}
        youth_weights = [level_weight[y[3]] for y in self.youths]
        picks = rng.choices(range(len(self.youths)), weights=youth_weights, k=count)
        first_id = writer.next_id(Intervention)
        kinds = InterventionKind.values
        domain_rows, educator_rows, partner_rows = [], [], []

        def rows():
            for n, index in enumerate(picks):
                youth_id, team_id, first_met, _level = self.youths[index]
                intervention_id = first_id + n
                educator = rng.choice(self.team_educators[team_id])
                for domain in {rng.choices(domains, weights=weights)[0] for _d in range(rng.choice([1, 1, 1, 2]))}:
                    domain_rows.append((intervention_id, domain))
                educator_rows.append((intervention_id, educator))
                if rng.random() < 0.1:
                    partner_rows.append((intervention_id, rng.choice(self.partner_ids)))
                yield (
                    intervention_id,
                    youth_id,
                    self.random_date(first_met, self.end),
                    rng.choice(kinds),
                    "",
                    educator,
                    1,
                    self.now,
                    self.now,
                )

        columns = ["id", "youth_id", "date", "kind", "note", "author_id", "version", "created_at", "updated_at"]
        writer.insert(Intervention, columns, rows())
        writer.insert(Intervention.domains.through, ["intervention_id", "domain_id"], domain_rows)
        writer.insert(Intervention.educators.through, ["intervention_id", "user_id"], educator_rows)
        writer.insert(Intervention.partners.through, ["intervention_id", "partner_id"], partner_rows)
        self.log(f"{count} interventions ({len(domain_rows)} domaines travaillés).")

    def create_team_activity(self, years):
        rng = self.rng
        writer = self.writer
        youths_by_team = {}
        for youth_id, team_id, first_met, _level in self.youths:
            youths_by_team.setdefault(team_id, []).append((youth_id, first_met))
        kinds = [ActionKind.WORKSHOP] * 22 + [ActionKind.OUTING] * 38 + [ActionKind.DSL] * 23
        kinds += [ActionKind.COMMUNAL_EVENT] * 15 + [ActionKind.WORK_PROJECT] * 2
        action_id = writer.next_id(CollectiveAction)
        session_id = writer.next_id(PresenceSession)
        meeting_id = writer.next_id(PartnerMeeting)
        actions, participants, action_partners = [], [], []
        sessions, session_educators, meetings, meeting_partners = [], [], [], []
        for team in self.teams:
            communes = self.team_communes[team.pk]
            educators = self.team_educators[team.pk]
            members = youths_by_team.get(team.pk, [])
            for _n in range(len(kinds) * years // 2):
                kind = rng.choice(kinds)
                commune = rng.choice(communes)
                date = self.random_date(self.start, self.end)
                joined = kind == ActionKind.COMMUNAL_EVENT or (kind == ActionKind.DSL and rng.random() < 0.3)
                actions.append(
                    (
                        action_id,
                        team.pk,
                        date,
                        f"Action {action_id}",
                        kind,
                        Carrying.JOINED if joined else Carrying.INITIATED,
                        commune,
                        rng.choice(self.commune_quartiers[commune]),
                        rng.randrange(0, 10),
                        kind in (ActionKind.WORKSHOP, ActionKind.OUTING),
                        "",
                        "",
                        rng.choice(educators),
                        1,
                        self.now,
                        self.now,
                    )
                )
                met = [y for y, first in rng.sample(members, min(len(members), 12)) if first <= date]
                participants.extend((action_id, y) for y in met[: rng.randrange(0, 8)])
                if rng.random() < 0.5:
                    action_partners.append((action_id, rng.choice(self.partner_ids)))
                action_id += 1
            for _n in range(100 * years):
                commune = rng.choice(communes)
                present = rng.sample(educators, rng.choice([1, 2, 2]))
                sessions.append(
                    (
                        session_id,
                        team.pk,
                        self.random_date(self.start, self.end),
                        f"{rng.choice([10, 14, 16, 18]):02d}:00:00",
                        rng.choice([60, 90, 120, 180]),
                        rng.choices(Place.values, weights=[60, 20, 15, 5])[0],
                        commune,
                        rng.choice(self.commune_quartiers[commune]),
                        len(present),
                        "",
                        present[0],
                        1,
                        self.now,
                        self.now,
                    )
                )
                session_educators.extend((session_id, e) for e in present)
                session_id += 1
            for _n in range(20 * years):
                meetings.append(
                    (
                        meeting_id,
                        team.pk,
                        self.random_date(self.start, self.end),
                        rng.choice(PARTNER_MEETING_KINDS),
                        "Réunion",
                        rng.choice(communes),
                        None,
                        "",
                        rng.choice(educators),
                        self.now,
                        1,
                        self.now,
                    )
                )
                meeting_partners.append((meeting_id, rng.choice(self.partner_ids)))
                meeting_id += 1
        writer.insert(
            CollectiveAction,
            [
                "id",
                "team_id",
                "date",
                "title",
                "kind",
                "carrying",
                "commune_id",
                "quartier_id",
                "anonymous_participants",
                "after_needs_assessment",
                "description",
                "outcome",
                "author_id",
                "version",
                "created_at",
                "updated_at",
            ],
            actions,
        )
        writer.insert(CollectiveAction.participants.through, ["collectiveaction_id", "youth_id"], participants)
        writer.insert(CollectiveAction.partners.through, ["collectiveaction_id", "partner_id"], action_partners)
        writer.insert(
            PresenceSession,
            [
                "id",
                "team_id",
                "date",
                "start_time",
                "duration_minutes",
                "place",
                "commune_id",
                "quartier_id",
                "educator_count",
                "note",
                "author_id",
                "version",
                "created_at",
                "updated_at",
            ],
            sessions,
        )
        writer.insert(PresenceSession.educators.through, ["presencesession_id", "user_id"], session_educators)
        writer.insert(
            PartnerMeeting,
            [
                "id",
                "team_id",
                "date",
                "kind",
                "title",
                "commune_id",
                "quartier_id",
                "note",
                "author_id",
                "created_at",
                "version",
                "updated_at",
            ],
            meetings,
        )
        writer.insert(PartnerMeeting.partners.through, ["partnermeeting_id", "partner_id"], meeting_partners)
        self.log(
            f"{len(actions)} actions collectives, {len(sessions)} présences sociales, "
            f"{len(meetings)} temps partenariaux."
        )
