"""Every error code the code base can answer is a member of ErrorCode, and the schema lists each with its meaning."""

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest
from rest_framework.test import APIClient

import bekrin
from bekrin.core.errors import ERROR_CODE_MEANINGS, DomainError, ErrorCode

ROOT = Path(bekrin.__file__).parent
# The callables whose `code` is an error code (Django's form ValidationError included: the admin's login form).
ERROR_MAKERS = {"DomainError", "ValidationError", "error_body"}


def _code_modules() -> list[Path]:
    return [path for path in ROOT.rglob("*.py") if "tests" not in path.parts and "migrations" not in path.parts]


def _domain_errors() -> set[type[DomainError]]:
    for module in pkgutil.walk_packages([str(ROOT)], prefix="bekrin."):
        if ".tests" not in module.name and ".migrations" not in module.name:
            importlib.import_module(module.name)
    found: set[type[DomainError]] = set()
    todo = [DomainError]
    while todo:
        error_type = todo.pop()
        found.add(error_type)
        todo.extend(error_type.__subclasses__())
    return found


def _bare_codes(tree: ast.AST, makers: set[str]) -> list[tuple[int, str]]:
    """(line, value) of each string literal given as an error code: `code="x"` to an error type, the first
    argument of error_body, a class-level `code = "x"`, or a parameter `code: … = "x"`."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in makers:
                continue
            given = [keyword.value for keyword in node.keywords if keyword.arg == "code"]
            if name == "error_body" and node.args:
                given.append(node.args[0])
            found += [(value.lineno, value.value) for value in given if isinstance(value, ast.Constant)]
        elif isinstance(node, ast.ClassDef):
            for statement in node.body:
                if (
                    isinstance(statement, ast.Assign)
                    and any(isinstance(target, ast.Name) and target.id == "code" for target in statement.targets)
                    and isinstance(statement.value, ast.Constant)
                ):
                    found.append((statement.lineno, statement.value.value))
        elif isinstance(node, ast.FunctionDef):
            arguments = node.args.kwonlyargs
            for argument, default in zip(arguments, node.args.kw_defaults, strict=True):
                if argument.arg == "code" and isinstance(default, ast.Constant) and isinstance(default.value, str):
                    found.append((default.lineno, default.value))
    return found


def test_no_error_code_is_a_bare_string():
    makers = ERROR_MAKERS | {error_type.__name__ for error_type in _domain_errors()}
    bare = [
        f"{path.relative_to(ROOT.parent)}:{line}: {value!r}"
        for path in _code_modules()
        for line, value in _bare_codes(ast.parse(path.read_text(), str(path)), makers)
    ]
    assert bare == []


def test_the_check_finds_a_bare_code():
    tree = ast.parse('raise Conflict("x", code="gone")\nclass Gone(DomainError):\n    code = "gone"\n')
    assert sorted(_bare_codes(tree, {"Conflict"})) == [(1, "gone"), (3, "gone")]


def test_every_domain_error_answers_a_code_of_the_enum():
    assert {error_type.code for error_type in _domain_errors()} <= set(ErrorCode)
    assert all(isinstance(error_type.code, ErrorCode) for error_type in _domain_errors())


def test_every_code_has_a_meaning():
    assert set(ERROR_CODE_MEANINGS) == set(ErrorCode)


@pytest.mark.django_db
def test_the_schema_lists_every_code_with_its_meaning():
    schema = APIClient().get("/api/schema", HTTP_ACCEPT="application/json").json()
    code = schema["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]
    assert code["enum"] == [member.value for member in ErrorCode]
    for member in ErrorCode:
        assert f"`{member.value}`: {ERROR_CODE_MEANINGS[member]}" in code["description"]
