"""The import contracts in pyproject.toml hold, and they fail when a forbidden import
is added (checked on a copy of the source tree with the import planted)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
LINT = Path(sys.executable).with_name("lint-imports")


def lint(tree: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    return subprocess.run([str(LINT), "--config", str(tree / "pyproject.toml"), "--no-cache", "--no-logo"],
                          cwd=tree / "src", env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory):
    tree = tmp_path_factory.mktemp("tree")
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    shutil.copytree(ROOT / "src" / "digitalstadt", tree / "src" / "digitalstadt",
                    ignore=shutil.ignore_patterns("__pycache__", "static", "locale", "templates", "*.mo"))
    return tree


def plant(tree: Path, module: str, line: str) -> Path:
    path = tree / "src" / Path(*module.split(".")).with_suffix(".py")
    original = path.read_text() if path.exists() else None
    path.write_text((original or "") + "\n" + line + "\n")
    return path, original


def restore(path: Path, original: str | None) -> None:
    if original is None:
        path.unlink()
    else:
        path.write_text(original)


def test_the_source_tree_keeps_every_contract():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "expected"), [
    # An app reaching into another app's models (the permit written by the plugin itself).
    ("digitalstadt.applications.plugins.sperrmuell", "from digitalstadt.register.models import PickupDate",
     "digitalstadt.applications.plugins.sperrmuell imports digitalstadt.register.models, which is not public"),
    # ... or into another app's internals that are not models.
    ("digitalstadt.catalog.views", "from digitalstadt.applications.plugins.base import get_plugin",
     "digitalstadt.catalog.views imports digitalstadt.applications.plugins.base"),
    # Core importing upwards, even through an app's public API.
    ("digitalstadt.core.retention", "from digitalstadt.mailbox.selectors import unread_count",
     "digitalstadt.core is not allowed to import digitalstadt.mailbox"),
    # A module inside a public package is the package's own business.
    ("digitalstadt.parking.views", "from digitalstadt.payments.services.statements import statement_import_camt053",
     "digitalstadt.parking.views imports digitalstadt.payments.services.statements"),
    # A brand-new private module is covered the day it is written.
    ("digitalstadt.payments.brand_new", "from digitalstadt.accounts.auth_audit import logged_in",
     "digitalstadt.payments.brand_new imports digitalstadt.accounts.auth_audit"),
])
def test_a_forbidden_import_breaks_the_contract(tree_copy, module, line, expected):
    path, original = plant(tree_copy, module, line)
    try:
        result = lint(tree_copy)
    finally:
        restore(path, original)
    assert result.returncode == 1, result.stdout
    assert expected in " ".join(result.stdout.split()), result.stdout


def test_tests_may_use_other_apps_models_and_factories(tree_copy):
    path, original = plant(tree_copy, "digitalstadt.catalog.tests.test_planted",
                           "from digitalstadt.appointments.tests.factories import make_location  # noqa")
    try:
        assert lint(tree_copy).returncode == 0
    finally:
        restore(path, original)
