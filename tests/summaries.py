"""Reading the summaries in tests as the builders do: brought up to date from the marked writes first."""

from django.db.models import Model, QuerySet

from actions.summaries import summaries_bring_up_to_date


def fresh(model: type[Model]) -> QuerySet:
    """The rows of a summary once every marked write is reported in it."""
    summaries_bring_up_to_date()
    return model.objects.all()
