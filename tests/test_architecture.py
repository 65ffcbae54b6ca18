"""The apps' layers (pyproject.toml's import contracts): a new import upwards or a new cycle fails the suite."""

import sys
import tomllib
from pathlib import Path

from django.apps import apps
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"


def _import_linter_options() -> dict:
    with PYPROJECT.open("rb") as file:
        return tomllib.load(file)["tool"]["importlinter"]


def test_every_import_keeps_the_contracts(capsys):
    """`lint-imports`: each app imports only from its own layer and below, transfer and privacy not each
    other, and no two modules of an app import each other (directly or through others)."""
    passed = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True) == 0
    assert passed, capsys.readouterr().out


def test_the_layers_name_every_app_of_the_project():
    """An app added to INSTALLED_APPS without a place in the layers would escape the contracts."""
    environment = Path(sys.prefix).resolve()  # a virtual environment may live inside the checkout
    project_apps = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(ROOT) and not Path(config.path).resolve().is_relative_to(environment)
    }
    options = _import_linter_options()
    layers = options["contracts"][0]["layers"]
    in_layers = {name.strip() for layer in layers for name in layer.split("|")}
    assert set(options["root_packages"]) == in_layers == project_apps | {"config"}
