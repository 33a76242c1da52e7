"""Where the rules live and how the rest of govcheck reaches them: one module per indicator
family behind ``govcheck.rules``, and the spiders asking through one narrow seam."""

from __future__ import annotations

import ast
from pathlib import Path

import govcheck.rules as rules

PACKAGE = Path(rules.__file__).parents[1]
RULES = PACKAGE / "rules"
# what a spider may ask of the rules: the round's profile and whether a page counts against its site
SPIDER_SEAM = {"Profile", "load_profile", "INTERACTION_TYPE", "counts_against", "guides_examined"}


def imports_from(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every ``from govcheck… import name`` in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("govcheck")
        for alias in node.names
    ]


def test_every_rules_module_says_what_it_implements():
    for path in RULES.glob("*.py"):
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert docstring and len(docstring) > 40, path.name


def test_no_rules_module_imports_a_private_name_of_another():
    for path in RULES.rglob("*.py"):
        private = [(module, name) for module, name in imports_from(path) if name.startswith("_")]
        assert private == [], path.relative_to(PACKAGE)


def test_code_outside_the_rules_imports_them_from_the_package():
    for path in PACKAGE.rglob("*.py"):
        if RULES in path.parents:
            continue
        inner = [(module, name) for module, name in imports_from(path) if module.startswith("govcheck.rules.")]
        assert inner == [], path.relative_to(PACKAGE)


def test_spiders_ask_the_rules_only_through_the_seam():
    for path in (PACKAGE / "spiders").glob("*.py"):
        asked = {name for module, name in imports_from(path) if module.startswith("govcheck.rules")}
        assert asked <= SPIDER_SEAM, (path.name, asked - SPIDER_SEAM)


def test_the_package_exports_what_it_names():
    assert all(hasattr(rules, name) for name in rules.__all__)
