"""The pure core imports neither Flask nor SQLAlchemy, so the CLI, the scheduler and notebooks can use it."""

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "lawreq"
PURE = [PKG / "rules", PKG / "workflow", PKG / "pdf", PKG / "core", PKG / "deadlines" / "calc.py",
        PKG / "deadlines" / "calendars.py", PKG / "deadlines" / "offsets.py", PKG / "deadlines" / "ical.py",
        PKG / "audit" / "chain.py", PKG / "auth" / "recovery.py"]
FORBIDDEN = ("flask", "flask_login", "flask_wtf", "wtforms", "sqlalchemy", "lawreq.db", "lawreq.extensions",
             "lawreq.app")


def _files():
    for p in PURE:
        if p.is_dir():
            yield from sorted(p.rglob("*.py"))
        elif p.exists():
            yield p


@pytest.mark.parametrize("path", list(_files()), ids=lambda p: str(p.relative_to(PKG)))
def test_pure_module_imports_no_web_or_orm(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            assert not any(name == f or name.startswith(f + ".") for f in FORBIDDEN), f"{path.name} imports {name}"


def test_only_the_token_module_imports_jose():
    offenders = []
    for path in PKG.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if ("from jose" in text or "import jose" in text) and path.name != "tokens.py":
            offenders.append(str(path))
    assert offenders == []
