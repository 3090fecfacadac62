"""Packages: every package below obsgen/ (found, never listed by hand) and the default runbook
templates, kept at the top of the repository for users to read, installed as obsgen.templates.
Everything else is in pyproject.toml."""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["obsgen", "obsgen.*"]), "obsgen.templates"])
