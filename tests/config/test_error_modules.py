"""Every exception class of the project lives in one of four errors modules, drawn there."""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ERRORS_MODULES = ("config.errors", "records.errors", "bot.errors", "bot.cli.errors")


def _exception_classes_by_file() -> dict[str, set[str]]:
    """Classes whose bases name an exception (built-in, httpx, click or the project's own),
    followed through the project's own classes, by the file defining them."""
    classes: list[tuple[str, str, list[str]]] = []
    for package in ("bot", "linker", "records", "config"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef):
                    bases = [ast.unparse(base).rsplit(".", 1)[-1] for base in node.bases]
                    classes.append((str(path.relative_to(ROOT)), node.name, bases))
    errors = {"Exception", "ClickException", "HTTPError", "TimeoutException"}
    errors |= {
        name
        for name, value in vars(builtins).items()
        if inspect.isclass(value) and issubclass(value, BaseException)
    }
    found: dict[str, set[str]] = {}
    grew = True
    while grew:
        grew = False
        for file, name, bases in classes:
            if name not in found.get(file, set()) and errors.intersection(bases):
                found.setdefault(file, set()).add(name)
                errors.add(name)
                grew = True
    return found


def test_exception_classes_live_only_in_the_four_errors_modules() -> None:
    files = set(_exception_classes_by_file())
    assert files == {module.replace(".", "/") + ".py" for module in ERRORS_MODULES}


@pytest.mark.parametrize("name", ERRORS_MODULES)
def test_each_errors_module_draws_every_class_it_defines(name: str) -> None:
    module = importlib.import_module(name)
    defined = {
        attribute
        for attribute, value in vars(module).items()
        if inspect.isclass(value) and issubclass(value, Exception)
        and value.__module__ == module.__name__
    }  # fmt: skip
    assert defined
    assert {
        attribute for attribute in defined if f"── {attribute} " in (module.__doc__ or "")
    } == defined
