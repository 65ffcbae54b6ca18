"""QuickSelect writes the same select as Django's template (checked against Django's own widget)."""

import pytest
from django import forms
from django.test.html import parse_html

from emps.forms import QuickSelect, QuickSelectMultiple

CHOICES = {
    "flat": [("", "Toutes les communes"), (1, "Hénin-Beaumont"), (2, "Lens & <Liévin>")],
    "grouped": [
        ("", "Toutes"),
        ("Pas-de-Calais", [(1, "Hénin-Beaumont"), (2, "Lens")]),
        ("Nord", [(3, "Douai")]),
    ],
    # Django selects the first option of a value only (unless multiple): so must QuickSelect.
    "repeated": [("", "Toutes"), ("Pas-de-Calais", [(2, "Lens")]), (2, "Lens (ancienne)"), (None, "Aucune")],
}


@pytest.mark.parametrize("choices", CHOICES.values(), ids=CHOICES.keys())
@pytest.mark.parametrize("value", [None, 2])
def test_quick_select_writes_what_djangos_select_writes(choices, value):
    attrs = {"class": "form-select", "id": "id_commune"}
    ours = QuickSelect(attrs=attrs, choices=choices).render("commune", value)
    django = forms.Select(attrs=attrs, choices=choices).render("commune", value)
    assert parse_html(ours) == parse_html(django)


def test_quick_select_escapes_the_labels():
    assert "Lens &amp; &lt;Liévin&gt;" in QuickSelect(choices=CHOICES["flat"]).render("commune", None)


@pytest.mark.parametrize("choices", CHOICES.values(), ids=CHOICES.keys())
@pytest.mark.parametrize("value", [None, [2], [1, 3]])
def test_quick_select_multiple_writes_what_djangos_select_multiple_writes(choices, value):
    attrs = {"class": "form-select", "id": "id_partners", "data-picker": ""}
    ours = QuickSelectMultiple(attrs=attrs, choices=choices).render("partners", value)
    django = forms.SelectMultiple(attrs=attrs, choices=choices).render("partners", value)
    assert parse_html(ours) == parse_html(django)
