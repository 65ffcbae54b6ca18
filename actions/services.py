"""Writes of the activity records that touch several rows. Keyword-only, typed, atomic."""

import datetime
import uuid
from collections.abc import Iterable

from django.db import transaction

from actions.models import Domain, Intervention
from emps.models import Partner, User
from youths.models import Youth


@transaction.atomic
def intervention_record(
    *,
    youths: Iterable[Youth],
    date: datetime.date,
    domains: Iterable[Domain],
    kind: str = "",
    partners: Iterable[Partner] = (),
    note: str = "",
    author: User,
    client_key: uuid.UUID | None = None,
) -> list[Intervention]:
    """Record the same intervention for each youth: one row per youth, as the bilan counts them, all under
    the outbox's `client_key` of the entry when it came from there (see emps.outbox)."""
    youths, domains, partners = list(youths), list(domains), list(partners)
    Youth.objects.filter(pk__in=[youth.pk for youth in youths]).lock()  # all of them first, see lock()
    created = []
    for youth in youths:
        intervention = Intervention.objects.create(
            youth=youth, date=date, kind=kind, note=note, author=author, client_key=client_key
        )
        intervention.domains.set(domains)
        intervention.partners.set(partners)
        intervention.educators.set([author])
        created.append(intervention)
    return created
