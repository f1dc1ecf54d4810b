"""Shared fixtures: the engine tests run against the package AND the notebook-built class."""

from __future__ import annotations

import pytest

from micrograd.engine import Value as PackageValue
from tests.notebook_engine import build_namespace


def _notebook_value():
    namespace = build_namespace()
    if "Value" not in namespace:
        pytest.fail("the # @save cells of notebooks 01-06 define no Value class")
    return namespace["Value"]


@pytest.fixture(params=["package", "notebooks"], scope="session")
def Value(request):  # noqa: N802  (named like the class it provides)
    """``micrograd.engine.Value``, then the class built by Part I's # @save cells."""
    return PackageValue if request.param == "package" else _notebook_value()
