"""Publishing a bilan for the funders: figures, texts, HTML, PDF and workbook frozen as one version."""

import dataclasses
import datetime
import hashlib
import json

from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string

from emps.models import Commune, Team
from emps.rounding import percent
from reports import charts
from reports.builders import Bilan, Scope, build_bilan, to_plain
from reports.builders.comparison import YOUTH_KEY_FIGURES
from reports.dashboards.masking import Masked, SmallCell, is_masked, mask, plain_masked, small_cells, threshold_setting
from reports.document import BilanDocument, bilan_document
from reports.models import BilanNarrative, PublishedBilan
from reports.pdf import render_pdf
from reports.xlsx import render_xlsx


class MaskedBilanDocument(BilanDocument):
    """A bilan document whose small cells are masked: derived shares and charts follow the masking."""

    def _share(self, part):
        whole = self.bilan.public.total
        if is_masked(part) or is_masked(whole):
            return Masked(primary=False, threshold=part.threshold if is_masked(part) else whole.threshold)
        return percent(part, whole)

    @property
    def new_percent(self):
        return self._share(self.bilan.public.new)

    @property
    def continuing_percent(self):
        return self._share(self.bilan.public.continuing)

    @property
    def domains_chart(self):
        return charts.domains_chart(self.bilan.domains)

    @property
    def age_pyramid(self):
        return charts.age_pyramid(self.bilan.age_sex)


def bilan_for_publication(
    *, team: Team, commune: Commune | None, start: datetime.date, end: datetime.date, compare: bool = False
) -> tuple[Bilan, BilanNarrative | None]:
    bilan = build_bilan(scope=Scope.for_team(team, commune), start=start, end=end, compare=compare)
    narrative = BilanNarrative.objects.for_bilan(team=team, commune=commune, start=start, end=end).first()
    return bilan, narrative


def publication_document(bilan: Bilan, narrative, *, masked: bool, threshold: int) -> BilanDocument:
    """The document as it will be published: the bilan as computed, or with its small cells masked."""
    if not masked:
        return bilan_document(bilan, narrative)
    # The key figures repeat counts of young people, of this period and the previous one, that the masking
    # does not follow: a masked publication keeps only the others (hours, actions, contacts, shares).
    kept = tuple(figure for figure in bilan.key_figures if figure.key not in YOUTH_KEY_FIGURES)
    bilan = dataclasses.replace(bilan, key_figures=kept)
    document = bilan_document(mask(bilan, threshold=threshold), narrative)
    return MaskedBilanDocument(**{f.name: getattr(document, f.name) for f in dataclasses.fields(document)})


def frozen_figures(document: BilanDocument) -> dict:
    """Every figure and computed sentence of the document, JSON-ready (masked figures as their labels)."""
    data = {
        "title": document.title,
        "period": document.period,
        "scope": document.scope_label,
        "general_action": list(document.general_action),
        "new_percent": to_plain(document.new_percent),
        "continuing_percent": to_plain(document.continuing_percent),
        **to_plain(document.bilan),
    }
    # A round trip through JSON, so that what is stored is exactly what is read back.
    return json.loads(json.dumps(plain_masked(data), ensure_ascii=False))


def next_version(*, team: Team, commune: Commune | None, start: datetime.date, end: datetime.date) -> int:
    found = PublishedBilan.objects.of_bilan(team=team, commune=commune, start=start, end=end).aggregate(
        last=Max("version")
    )
    return (found["last"] or 0) + 1


@transaction.atomic
def published_bilan_create(
    *,
    team: Team,
    commune: Commune | None,
    start: datetime.date,
    end: datetime.date,
    small_cells_choice: str,
    by,
    compare: bool = False,
) -> PublishedBilan:
    """Freeze the bilan of `team` (or of one of its communes) over the period as its next version."""
    if small_cells_choice not in PublishedBilan.SmallCells.values:
        raise ValueError(small_cells_choice)
    # One publication at a time per team, so that two coordinators never take the same version number.
    Team.objects.select_for_update().filter(pk=team.pk).first()
    threshold = threshold_setting()
    masked = small_cells_choice == PublishedBilan.SmallCells.MASKED
    bilan, narrative = bilan_for_publication(team=team, commune=commune, start=start, end=end, compare=compare)
    document = publication_document(bilan, narrative, masked=masked, threshold=threshold)
    pdf = render_pdf(document)
    xlsx = render_xlsx(document)
    html = render_to_string("reports/_document.html", {"doc": document, "mode": "published"})
    return PublishedBilan.objects.create(
        team=team,
        commune=commune,
        start=start,
        end=end,
        version=next_version(team=team, commune=commune, start=start, end=end),
        small_cells=small_cells_choice,
        threshold=threshold,
        title=document.title[:300],
        scope_label=document.scope_label[:300],
        filename_stem=document.filename_stem[:200],
        figures=frozen_figures(document),
        texts=document.texts,
        html=html,
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        xlsx=xlsx,
        xlsx_sha256=hashlib.sha256(xlsx).hexdigest(),
        published_by=by,
    )


def publication_warnings(bilan: Bilan, *, threshold: int | None = None) -> list[SmallCell]:
    """The counts under the threshold the coordinator is shown before publishing."""
    return small_cells(bilan, threshold=threshold)
