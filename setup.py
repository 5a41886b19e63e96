"""Build step that ships the top-level ``templates/`` and ``jurisdictions/`` inside the wheel.

The checkout keeps both folders at the top level (rules maintainers edit ``jurisdictions/`` without touching the
code, and the project layout requires them there); a regular ``pip install .`` or wheel must still carry them, so
``build_py`` copies them into ``lawreq/_shipped/``. ``lawreq/config.py`` looks in the checkout first, then there.
Everything else (name, dependencies, package data) is in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED = ("templates", "jurisdictions")


class BuildPyWithShipped(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # the editable install reads the checkout's own folders
        target = Path(self.build_lib) / "lawreq" / "_shipped"
        for name in SHIPPED:
            source = HERE / name
            if not source.is_dir():
                raise SystemExit(f"build: {source} is missing; build from a full checkout or sdist")
            dest = target / name
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(source, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        (target / "__init__.py").write_text('"""Copies of the top-level templates/ and jurisdictions/ (setup.py)."""\n')


setup(cmdclass={"build_py": BuildPyWithShipped})
