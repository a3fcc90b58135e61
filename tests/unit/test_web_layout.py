"""The web package keeps pages grouped by who reads them (member, coordinate, evaluate)."""

import importlib
import pathlib

import timebank.web as web

WEB = pathlib.Path(web.__file__).parent
TOP_LEVEL = {"__init__", "accounts", "auth", "bank_look", "errors", "filters", "home", "i18n",
             "privacy", "security", "session"}


def test_no_flat_member_or_coordinator_modules_are_left():
    flat = sorted(p.name for p in WEB.glob("*.py")
                  if p.stem.startswith(("member_", "coordinate_", "evaluate_")))
    assert flat == []


def test_top_level_modules_are_the_shared_ones():
    assert {p.stem for p in WEB.glob("*.py")} == TOP_LEVEL


def test_every_page_module_under_a_package_is_registered():
    listed = set(web.PAGE_MODULES)
    for package in ("member", "coordinate", "evaluate"):
        for path in (WEB / package).glob("*.py"):
            if path.stem != "__init__":
                assert f"{package}.{path.stem}" in listed, path
    for name in listed:
        importlib.import_module(f"timebank.web.{name}")
