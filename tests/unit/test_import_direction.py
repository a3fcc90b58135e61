"""Imports go one way: web/api/cli → serving → services → reports, wording, schemas → models →
ledger (docs/architecture.md). Read from the source, so a wrong import fails here even if no
test happens to run the code that makes it."""

import ast
import pathlib

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "timebank"

# Top to bottom: a part may import a part of a lower layer, never one of its own layer or above.
LAYERS = [
    {"web", "api", "cli"},
    {"serving", "mail_delivery", "routing"},
    {"services"},
    {"reports", "wording", "schemas"},
    {"models"},
    {"ledger"},
]
# Small modules any layer but the ledger may use; they import none of the layers.
SHARED = {"extensions", "database", "locales", "plain_text", "catalogs", "field_rules"}
FACTORY = "<factory>"  # timebank/__init__.py builds the app out of every part


def _part(dotted):
    names = dotted.split(".")
    return names[1] if len(names) > 1 else FACTORY


def _module_name(path):
    names = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(names[:-1] if names[-1] == "__init__" else names)


def imports_by_part():
    """{part: {(module, imported part)}} for every import of timebank code inside timebank."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                targets = ([".".join([*base, node.module])] if node.module
                           else [".".join([*base, alias.name]) for alias in node.names])
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("timebank"):
                targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("timebank")]
            else:
                continue
            for target in targets:
                if _part(target) != _part(module):
                    found.setdefault(_part(module), set()).add((module, _part(target)))
    return found


def _layer(part):
    return next((n for n, layer in enumerate(LAYERS) if part in layer), None)


def wrong_way(found):
    wrong = []
    for part, edges in found.items():
        for module, target in sorted(edges):
            if part == FACTORY:
                continue
            if part == "ledger" or (part in SHARED and target not in SHARED):
                wrong.append(f"{module} imports {target}")
            elif target in SHARED:
                continue
            elif _layer(part) is None or _layer(target) is None or _layer(target) <= _layer(part):
                wrong.append(f"{module} imports {target}")
    return wrong


def test_every_part_of_the_package_has_a_layer():
    parts = {_part(_module_name(p)) for p in PACKAGE.rglob("*.py")} - {FACTORY}
    assert parts - SHARED - set().union(*LAYERS) == set()


def test_imports_go_one_way():
    assert wrong_way(imports_by_part()) == []


def test_the_check_finds_an_import_that_goes_the_wrong_way():
    assert wrong_way({"services": {("timebank.services.x", "web")},
                      "models": {("timebank.models.x", "services")},
                      "web": {("timebank.web.x", "api")},
                      "ledger": {("timebank.ledger.x", "extensions")},
                      "wording": {("timebank.wording.x", "schemas")}}) == [
        "timebank.services.x imports web", "timebank.models.x imports services",
        "timebank.web.x imports api", "timebank.ledger.x imports extensions",
        "timebank.wording.x imports schemas"]


def test_the_reading_of_imports_sees_relative_and_absolute_imports():
    found = imports_by_part()
    assert ("timebank.services.exchanges", "wording") in found["services"]
    assert ("timebank.web.evaluate.reports", "schemas") in found["web"]
    assert ("timebank.models.exchange", "extensions") in found["models"]


def test_wording_only_words_the_models_states():
    """Words about states and amounts: the models' statuses and the ledger's way of writing
    minutes, never the services or the database session."""
    assert {target for _, target in imports_by_part()["wording"]} <= {"models", "ledger"}
