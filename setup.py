"""Build step: compile the interface catalogues, and ship the top-level ``templates/`` and ``jurisdictions/``.

One ``build_py`` does both, in this order:

1. compile ``lawreq/translations/*/LC_MESSAGES/messages.po`` into fresh ``.mo`` files before the package files are
   collected (for ``pip install .`` / wheels the fresh ``.mo`` files are copied as package data; for
   ``pip install -e .`` they are written in the source tree the editable install points at);
2. copy ``templates/`` and ``jurisdictions/`` into ``lawreq/_shipped/`` of a regular build. The checkout keeps both
   folders at the top level (rules maintainers edit ``jurisdictions/`` without touching the code, and the project
   layout requires them there); a regular ``pip install .`` or wheel must still carry them.
   ``lawreq/config.py`` looks in the checkout first, then there. The editable install reads the checkout's own.

Everything else (name, dependencies, package data) is in ``pyproject.toml``.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED = ("templates", "jurisdictions")


def _compile_catalogues() -> None:
    # Loaded by path: the package itself (and its Flask imports) is not importable during the build.
    path = HERE / "lawreq" / "catalogues.py"
    spec = importlib.util.spec_from_file_location("lawreq_catalogues", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.compile_all()


class BuildPy(build_py):
    def run(self) -> None:
        _compile_catalogues()
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


setup(cmdclass={"build_py": BuildPy})
