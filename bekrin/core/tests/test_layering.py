"""The apps import in one direction, and the judge knows nothing of Django (README, Architecture).

An `ast` walk of every `.py` file under `bekrin/` and `judge/`: no database, no import of the code it reads, and it
sees imports inside functions as well as at the top. The rules it holds:

- A module belongs to the app of its folder (`bekrin/<app>/...`). It may import its own app and the apps before it
  in `APP_ORDER`, never one after it.
- Test code (an app's `tests/` package, and `bekrin/testing`, the shared test support) sits above every app: it may
  import any of them. Code outside test code may not import test code.
- An import under `if TYPE_CHECKING:` never runs, but it still names a dependency: it counts like any other, unless
  `TYPE_ONLY` lists it with its reason.
- Nothing under `judge/` imports `django`, `rest_framework` or `bekrin`, tests included.
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]

# The app order: foundations, people, groups, the features, what records them, the views that combine them, the
# dev seed. The one place it is written; INSTALLED_APPS lists the apps in this order (checked below).
APP_ORDER = (
    "core",  # the base models, roles, the API base, errors, tenancy, health, backups
    "accounts",  # users and logins, and who sees which person (accounts/people.py)
    "groups",  # study groups and their members
    "students",  # student and parent profiles, parent links, the CSV roster import
    "attendance",
    "payments",
    "coding",
    "assessments",
    "audit",  # records the apps above
    "parents",  # the parents' dashboard: reads attendance, payments, coding and assessments
    "web",  # the web app's pages: read through every app's selectors, write through its services
    "devdata",  # `manage.py seed_dev`: writes through every app
)
TEST_SUPPORT = "testing"  # bekrin/testing
JUDGE_MAY_NOT_IMPORT = ("django", "rest_framework", "bekrin")

# Type-only imports that run up the order, each with why it cannot be avoided.
TYPE_ONLY = {
    ("bekrin/core/api_base.py", "bekrin.accounts.models"): "ApiView.actor is typed as the user model",
}


@dataclass(frozen=True)
class Import:
    path: str  # relative to the repository
    line: int
    module: str  # as the statement names it: `a.b` of `import a.b` and of `from a.b import c`
    name: str  # what it binds: `a.b`, or `a.b.c` (so `from bekrin import students` names the app)
    type_only: bool

    @property
    def shown(self) -> str:
        return self.name if self.module == "bekrin" else self.module


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_in(path: Path, root: Path) -> Iterator[Import]:
    """Every import statement of the file, at any depth, relative imports resolved."""
    rel = path.relative_to(root)
    package = list(rel.parent.parts)  # what `from . import x` means, for a module and a package's __init__ alike

    def visit(node: ast.AST, type_only: bool) -> Iterator[Import]:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                yield from visit(child, True)
            for child in node.orelse:
                yield from visit(child, type_only)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(str(rel), node.lineno, alias.name, alias.name, type_only)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                yield Import(str(rel), node.lineno, module, f"{module}.{alias.name}", type_only)
        for child in ast.iter_child_nodes(node):
            yield from visit(child, type_only)

    yield from visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), False)


def python_files(root: Path, folder: str) -> list[Path]:
    return sorted(p for p in (root / folder).rglob("*.py") if "__pycache__" not in p.parts)


def _app_of_module(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "bekrin" else None


def _is_test_code(dotted: str) -> bool:
    """`bekrin.testing...`, or anything in a `tests` package of an app."""
    parts = dotted.split(".")
    return parts[0] == "bekrin" and (parts[1:2] == [TEST_SUPPORT] or "tests" in parts[2:])


def _allowed_type_only(imp: Import) -> bool:
    return imp.type_only and (imp.path, imp.module) in TYPE_ONLY


def layering_violations(root: Path, files: list[Path]) -> list[str]:
    rank = {app: index for index, app in enumerate(APP_ORDER)}
    found = set()
    for path in files:
        if path.parent == root / "bekrin":
            continue  # bekrin/__init__.py
        dotted = ".".join(path.relative_to(root).with_suffix("").parts)
        app = _app_of_module(dotted)
        if app is None or _is_test_code(dotted):
            continue  # test code may import any app
        if app not in rank:
            found.add(f"{path.relative_to(root)}: app {app!r} is not in APP_ORDER")
            continue
        for imp in imports_in(path, root):
            target = _app_of_module(imp.name)
            where = f"{imp.path}:{imp.line}"
            if _is_test_code(imp.name):
                found.add(f"{where}: {app} imports test code ({imp.shown})")
            elif target in rank and rank[target] > rank[app] and not _allowed_type_only(imp):
                found.add(f"{where}: {app} imports {target}, which comes after it ({imp.shown})")
    return sorted(found)


def judge_violations(root: Path, files: list[Path]) -> list[str]:
    return sorted(
        {
            f"{imp.path}:{imp.line}: the judge imports {imp.shown}"
            for path in files
            for imp in imports_in(path, root)
            if imp.name.split(".")[0] in JUDGE_MAY_NOT_IMPORT
        }
    )


def test_no_app_imports_an_app_after_it():
    violations = layering_violations(ROOT, python_files(ROOT, "bekrin"))
    assert not violations, "imports up the app order:\n" + "\n".join(violations)


def test_the_judge_imports_neither_django_nor_the_apps():
    violations = judge_violations(ROOT, python_files(ROOT, "judge"))
    assert not violations, "\n".join(violations)


def test_every_app_has_its_place_in_the_order():
    installed = [name.removeprefix("bekrin.") for name in settings.INSTALLED_APPS if name.startswith("bekrin.")]
    assert installed == list(APP_ORDER)
    packages = {p.parent.name for p in (ROOT / "bekrin").glob("*/__init__.py")}
    assert packages == {*APP_ORDER, TEST_SUPPORT}


def test_every_type_only_exception_is_still_needed():
    type_only = {
        (imp.path, imp.module)
        for path in python_files(ROOT, "bekrin")
        for imp in imports_in(path, ROOT)
        if imp.type_only
    }
    assert set(TYPE_ONLY) <= type_only


def test_the_walk_finds_each_kind_of_upward_import(tmp_path):
    """The rules above, on files written for the purpose (the real tree has nothing left to find)."""
    sources = {
        "bekrin/groups/api.py": "from bekrin.students.models import ParentStudent, StudentProfile\n",
        "bekrin/core/roles.py": "def f():\n    import bekrin.accounts.models\n",
        "bekrin/accounts/people.py": "from bekrin import students\n",
        "bekrin/students/selectors.py": "from ..parents import api\n",
        "bekrin/core/models.py": "if TYPE_CHECKING:\n    from bekrin.groups.models import StudyGroup\n",
        "bekrin/payments/api.py": "from bekrin.testing.factories import StudentFactory\n",
        "bekrin/coding/tasks.py": "from bekrin.coding.tests.factories import task\n",
        "bekrin/shop/models.py": "from bekrin.core.models import TenantModel\n",
        # allowed: down the order, the own app, test code importing any app, the listed type-only import
        "bekrin/students/api.py": "from bekrin.groups.permissions import groups_visible_to\n",
        "bekrin/students/services.py": "from . import models\nfrom .models import ParentStudent\n",
        "bekrin/core/tests/test_x.py": "from bekrin.devdata.management.commands import seed_dev\n",
        "bekrin/testing/schools.py": "from bekrin.assessments.models import Test\n",
        "bekrin/core/api_base.py": "if TYPE_CHECKING:\n    from bekrin.accounts.models import User\n",
        "judge/runner.py": "import os\nfrom django.conf import settings\n",
        "judge/tests/test_x.py": "def f():\n    import rest_framework\n    from bekrin.core import roles\n",
    }
    for name, source in sources.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(source, encoding="utf-8")
    assert layering_violations(tmp_path, python_files(tmp_path, "bekrin")) == [
        "bekrin/accounts/people.py:1: accounts imports students, which comes after it (bekrin.students)",
        "bekrin/coding/tasks.py:1: coding imports test code (bekrin.coding.tests.factories)",
        "bekrin/core/models.py:2: core imports groups, which comes after it (bekrin.groups.models)",
        "bekrin/core/roles.py:2: core imports accounts, which comes after it (bekrin.accounts.models)",
        "bekrin/groups/api.py:1: groups imports students, which comes after it (bekrin.students.models)",
        "bekrin/payments/api.py:1: payments imports test code (bekrin.testing.factories)",
        "bekrin/shop/models.py: app 'shop' is not in APP_ORDER",
        "bekrin/students/selectors.py:1: students imports parents, which comes after it (bekrin.parents)",
    ]
    assert judge_violations(tmp_path, python_files(tmp_path, "judge")) == [
        "judge/runner.py:2: the judge imports django.conf",
        "judge/tests/test_x.py:2: the judge imports rest_framework",
        "judge/tests/test_x.py:3: the judge imports bekrin.core",
    ]
