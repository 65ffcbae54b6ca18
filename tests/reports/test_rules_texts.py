"""Every counting rule the bilan prints comes from its one definition's module."""

from actions.rules import DONE, IN_RELATION
from emps.rounding import ROUNDING
from emps.rules import QPV_IN_FORCE
from reports.builders.comparison import PREVIOUS_PERIOD, TARGET_MET
from reports.builders.perspectives import PERSPECTIVES_FOLLOWED
from reports.rules import COUNTING_RULES
from youths.rules import AGE, LEVEL, NEW, SITUATION


def test_the_method_section_prints_each_rule_beside_its_definition_once():
    printed = [(str(title), str(text)) for title, text in COUNTING_RULES]
    for rule in (
        IN_RELATION,
        NEW,
        LEVEL,
        AGE,
        SITUATION,
        ROUNDING,
        QPV_IN_FORCE,
        DONE,
        PREVIOUS_PERIOD,
        TARGET_MET,
        PERSPECTIVES_FOLLOWED,
    ):
        assert printed.count((str(rule.title), str(rule.text))) == 1
    assert len({title for title, _text in printed}) == len(printed)
