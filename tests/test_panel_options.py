"""The keywords common to every panel helper come from one place (gdash.authoring.panels.PanelOptions)."""
from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import gdash
from gdash import Dashboard, loki, prom
from gdash.authoring.checks import AuthoringError
from gdash.authoring.panels import PanelOptions, ValueOptions
from gdash.compile import compile_dashboard
from gdash.errors import Location

HELPERS = ["timeseries", "stat", "gauge", "bargauge", "table", "logs", "text", "panel"]
VALUE_HELPERS = ["timeseries", "stat", "gauge", "bargauge", "table", "panel"]


def _make(name: str, **kwargs):
    helper = getattr(gdash, name)
    if name == "text":
        return helper("a note", **kwargs)
    if name == "panel":
        return helper("piechart", "P", prom("up"), **kwargs)
    return helper("P", loki('{job="a"}') if name == "logs" else prom("up"), **kwargs)


def _model(panel) -> dict:
    board = Dashboard("D", uid="d", panels=[panel])
    compiled = compile_dashboard(board, root=Path(__file__).parent, default_folder="General", fallback=Location("x.py"))
    return compiled.model["panels"][0]


@pytest.mark.parametrize("name", HELPERS)
def test_every_helper_lists_the_common_keywords_in_its_signature(name):
    params = inspect.signature(getattr(gdash, name)).parameters
    common = ValueOptions if name in VALUE_HELPERS else PanelOptions
    for key in common.__annotations__:
        assert params[key].kind is inspect.Parameter.KEYWORD_ONLY and params[key].default is None, key
    assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())  # help() shows every keyword


@pytest.mark.parametrize("name", HELPERS)
def test_every_helper_writes_the_common_keywords_alike(name):
    model = _model(_make(name, description="about", repeat="job", repeat_direction="v", max_per_row=3,
                         transparent=True, time_from="1h", interval="1m", no_value="-", x=2, y=1, w=5, h=4,
                         extra={"pluginVersion": "x"}))
    assert model["description"] == "about" and model["repeat"] == "job" and model["repeatDirection"] == "v"
    assert model["maxPerRow"] == 3 and model["transparent"] is True and model["timeFrom"] == "1h"
    assert model["interval"] == "1m" and model["fieldConfig"]["defaults"]["noValue"] == "-"
    assert model["gridPos"] == {"x": 2, "y": 1, "w": 5, "h": 4} and model["pluginVersion"] == "x"


@pytest.mark.parametrize("name", HELPERS)
def test_an_unknown_keyword_is_pythons_own_error(name):
    with pytest.raises(TypeError, match=rf"^{name}\(\) got an unexpected keyword argument 'colour'$"):
        _make(name, colour="red")


@pytest.mark.parametrize("name", HELPERS)
def test_a_wrong_common_argument_names_the_helper_and_the_users_line(name):
    with pytest.raises(AuthoringError) as error:
        _make(name, transparent="yes")
    assert str(error.value).endswith(f"{name}(): transparent must be True or False, got str 'yes'")
    assert error.value.location.path == __file__


def test_a_missing_title_is_pythons_own_error():
    with pytest.raises(TypeError, match=r"^stat\(\) missing 1 required positional argument: 'title'$"):
        gdash.stat()
