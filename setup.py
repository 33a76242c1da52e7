# scrapyd-deploy builds eggs through setup.py; everything else is in pyproject.toml.
from setuptools import setup

setup()
