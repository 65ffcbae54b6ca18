"""A counting rule as every bilan prints it in its method section (`reports.rules.COUNTING_RULES`): each
rule's French text lives beside its one executable definition (`emps.rounding`, `youths.rules`,
`actions.rules`)."""

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Rule:
    """A counting rule: its title and its French text."""

    title: Promise
    text: Promise
