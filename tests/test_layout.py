"""The layout of the code: the product (``govcheck``) never imports the demo and the replica
servers (``govcheck_demo``), except the ``demo`` command when it runs, and no module imports
itself through others.

Imports are read from the source (every ``import`` statement, at module level or inside a
function), so that an import made only when a command runs counts as well.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from support import REPO

PRODUCT = "govcheck"
DEMO = "govcheck_demo"


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # what it imports: a module, or a package when a name of it is imported
    function: str | None  # the function the import statement is in; None at module level


def module_files() -> dict[str, Path]:
    """Module name → source file, for every module of the product and the demo package."""
    files = {}
    for package in (PRODUCT, DEMO):
        for file in sorted((REPO / package).rglob("*.py")):
            parts = file.relative_to(REPO).with_suffix("").parts
            files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = file
    return files


MODULES = module_files()


def imports_of(module: str, file: Path) -> Iterator[Import]:
    tree = ast.parse(file.read_text(encoding="utf-8"), str(file))
    package = module.split(".") if file.name == "__init__.py" else module.split(".")[:-1]
    for function, node in _statements(tree, None):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, function)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package, one level up per extra dot
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield Import(module, submodule if submodule in MODULES else base, function)


def _statements(node: ast.AST, function: str | None) -> Iterator[tuple[str | None, ast.AST]]:
    for child in ast.iter_child_nodes(node):
        inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
        yield inner, child
        yield from _statements(child, inner)


ALL_IMPORTS = [found for module, file in MODULES.items() for found in imports_of(module, file)]


def in_package(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_the_product_imports_the_demo_package_only_in_the_demo_command_when_it_runs():
    demo_imports = {
        (found.module, found.function, found.target)
        for found in ALL_IMPORTS
        if in_package(found.module, PRODUCT) and in_package(found.target, DEMO)
    }
    assert demo_imports == {("govcheck.cli", "command_demo", "govcheck_demo.weinan_round")}


def test_importing_every_module_of_the_product_loads_nothing_of_the_demo_package():
    check = (
        "import importlib, pkgutil, sys, govcheck\n"
        "for module in pkgutil.walk_packages(govcheck.__path__, 'govcheck.'):\n"
        "    importlib.import_module(module.name)\n"
        f"print(sorted(name for name in sys.modules if name.split('.')[0] == {DEMO!r}))\n"
    )
    run = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_the_walk_sees_the_imports_it_pins():
    # the demo round imports the product at module level, the CLI the demo inside its command
    assert Import("govcheck_demo.weinan_round", "govcheck.crawl", None) in ALL_IMPORTS
    assert Import("govcheck.cli", "govcheck_demo.weinan_round", "command_demo") in ALL_IMPORTS


def import_circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or through others (Tarjan)."""
    order: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = lowest[module] = len(order)
        stack.append(module)
        for target in sorted(edges[module]):
            if target not in order:
                visit(target)
                lowest[module] = min(lowest[module], lowest[target])
            elif target in stack:
                lowest[module] = min(lowest[module], order[target])
        if lowest[module] == order[module]:
            group = stack[stack.index(module):]
            del stack[stack.index(module):]
            if len(group) > 1:
                circles.append(sorted(group))

    for module in sorted(edges):
        if module not in order:
            visit(module)
    return circles


def test_no_two_modules_import_each_other_even_through_others_or_inside_functions():
    edges = {module: set() for module in MODULES}
    for found in ALL_IMPORTS:
        if found.target in MODULES and found.target != found.module:
            edges[found.module].add(found.target)
    assert import_circles(edges) == []


def test_a_circle_of_imports_is_found():
    # the walk above must be able to fail: the CLI and the demo imported each other
    edges = {"govcheck.cli": {"govcheck.demo", "govcheck.store"}, "govcheck.demo": {"govcheck.cli"}, "govcheck.store": set()}
    assert import_circles(edges) == [["govcheck.cli", "govcheck.demo"]]
