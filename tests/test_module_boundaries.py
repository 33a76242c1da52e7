"""A module's private names (``_name``) are its own: what another module needs is public.

Walks every module of the govcheck package with ``ast`` for ``from x import _name`` and for
``module._name`` on a module imported by name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import govcheck

PACKAGE = Path(govcheck.__file__).resolve().parent


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _is_package_module(dotted: str) -> bool:
    """Whether a dotted name (govcheck.extract.listing) is a module or package of govcheck."""
    parts = dotted.split(".")
    if parts[0] != "govcheck":
        return False
    path = PACKAGE.joinpath(*parts[1:])
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def private_uses(source: str, module: str) -> list[str]:
    """``line: what`` for each use of another module's private name in ``source``, the text of
    module ``module`` (dotted, for relative imports)."""
    tree = ast.parse(source)
    found: list[tuple[int, str]] = []
    modules: set[str] = set()  # names bound to a govcheck module in this file
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*module.split(".")[: -node.level], *([base] if base else [])])
            for alias in node.names:
                # our own modules only: the downloader subclasses Scrapy's and needs its internals
                # (govcheck.politeness, pinned with the Scrapy version it was written against)
                if _private(alias.name) and base.split(".")[0] == "govcheck":
                    found.append((node.lineno, f"from {'.' * node.level}{node.module or ''} import {alias.name}"))
                elif _is_package_module(f"{base}.{alias.name}"):
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and _is_package_module(alias.name):
                    modules.add(alias.asname)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules and _private(node.attr):
            found.append((node.lineno, f"{node.value.id}.{node.attr}"))
    return [f"{line}: {what}" for line, what in sorted(found)]


def test_no_module_of_the_package_uses_another_module_s_private_names():
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        problems += [f"{path.relative_to(PACKAGE.parent)}:{use}" for use in private_uses(path.read_text(encoding="utf-8"), module)]
    assert problems == []


def test_the_walk_finds_private_imports_and_private_attributes_of_imported_modules():
    source = (
        "from govcheck.extract.listing import _ItemReader, extract_list\n"
        "from .html import _parse\n"
        "from govcheck.extract import listing\n"
        "import govcheck.extract.html as html\n"
        "listing._groups(None)\n"
        "html.squash('')\n"
        "html._WS\n"
        "self._private = extract_list\n"
    )
    assert private_uses(source, "govcheck.extract.page") == [
        "1: from govcheck.extract.listing import _ItemReader",
        "2: from .html import _parse",
        "5: listing._groups",
        "7: html._WS",
    ]
