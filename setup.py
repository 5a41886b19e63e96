"""Build hook: compile the interface catalogues before the package files are collected.

Runs for ``pip install .`` / wheels (build_py copies the fresh ``.mo`` files as package data) and for
``pip install -e .`` (the ``.mo`` files are written in the source tree the editable install points at).
Everything else lives in pyproject.toml.
"""

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class build_py_with_catalogues(build_py):
    def run(self):
        path = Path(__file__).parent / "lawreq" / "catalogues.py"
        spec = importlib.util.spec_from_file_location("lawreq_catalogues", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.compile_all()
        super().run()


setup(cmdclass={"build_py": build_py_with_catalogues})
