"""The funders' dashboard beside the previous period, and the funding agreement's targets.

The bilan's rules (`reports.builders.comparison`: PREVIOUS_PERIOD, TARGET_MET) on the funders' figures:
the previous period's counts are rounded as the dashboard's own (`FUNDERS_ROUNDING`, by the same
`mask_for_funders`), and the change and whether a target is met are read from the rounded figures only,
so that nothing the dashboard prints is an exact difference.
"""

import dataclasses
import datetime
from dataclasses import dataclass

from reports.builders import Scope
from reports.builders.comparison import (
    DASHBOARD_KEY_FIGURES,
    Figures,
    build_key_figures,
    build_previous,
    scope_targets,
)
from reports.builders.types import KeyFigure, PreviousPeriod
from reports.dashboards.masking import mask_for_funders


@dataclass(frozen=True)
class DashboardComparison:
    """The dashboard's key figures (rounded) beside the previous period's (rounded; None: « — »), the change,
    and, for a calendar year of a team, the agreement's targets."""

    previous: PreviousPeriod
    key_figures: tuple[KeyFigure, ...]

    @property
    def has_targets(self) -> bool:
        return any(figure.target is not None for figure in self.key_figures)


def is_calendar_year(start: datetime.date, end: datetime.date) -> bool:
    return (start.month, start.day) == (1, 1) and end == datetime.date(start.year, 12, 31)


def compare_for_funders(*, scope: Scope, dashboard) -> DashboardComparison:
    """`dashboard` (already rounded by `mask_for_funders`) beside its previous period, rounded the same way.

    The targets (TARGET_MET) are those of the year when the period is a calendar year and the scope a
    team (a commune has none); the figure reached is the rounded one.
    """
    start, end = dashboard.start, dashboard.end
    previous, exact = build_previous(scope=scope, start=start, end=end)
    # The meetings are no figure of the dashboard: dropped rather than left exact.
    before = None if exact is None else dataclasses.replace(mask_for_funders(exact), meetings=None)
    current = Figures(public=dashboard.public, qpv=dashboard.qpv, activity=dashboard.activity, meetings=None)
    targets = scope_targets(scope, start.year) if is_calendar_year(start, end) else {}
    figures = build_key_figures(current=current, previous=before, targets=targets, definitions=DASHBOARD_KEY_FIGURES)
    return DashboardComparison(previous=previous, key_figures=figures)
