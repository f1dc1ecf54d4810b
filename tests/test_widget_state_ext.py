"""_ext/widget_state.py: the page keeps only the widget state the vendored HTML manager can load."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

_path = Path(__file__).resolve().parent.parent / "_ext" / "widget_state.py"
_spec = importlib.util.spec_from_file_location("widget_state", _path)
widget_state = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(widget_state)


def _model(module: str, **state) -> dict:
    return {"model_module": module, "model_name": "M", "model_module_version": "1", "state": state}


SAVED = {
    "version_major": 2,
    "version_minor": 0,
    "state": {
        "slider": _model("@jupyter-widgets/controls", value=1),
        "layout": _model("@jupyter-widgets/base"),
        "pad": _model("anywidget", image=[]),
        "box": _model("@jupyter-widgets/controls", children=["IPY_MODEL_pad"], layout="IPY_MODEL_layout"),
        "outer": _model("@jupyter-widgets/controls", children=["IPY_MODEL_box"]),
        "bar": _model("@jupyter-widgets/controls", children=["IPY_MODEL_slider"]),
    },
}


def test_custom_models_and_everything_that_holds_them_are_dropped():
    kept = widget_state.loadable_state(SAVED)
    assert sorted(kept["state"]) == ["bar", "layout", "slider"]
    assert kept["version_major"] == 2


def test_state_with_only_standard_widgets_is_unchanged():
    standard = {
        **SAVED,
        "state": {k: v for k, v in SAVED["state"].items() if k in ("slider", "bar", "layout")},
    }
    assert widget_state.loadable_state(standard) == standard


class _Script:
    """Stands in for Sphinx's immutable _JavaScript."""

    def __init__(self, filename, priority=500, **attributes):
        self.filename, self.priority, self.attributes = filename, priority, attributes


def test_the_page_context_is_rewritten():
    body = json.dumps(SAVED).replace("</", "<\\/")
    scripts = [_Script("a.js"), _Script(None, type=widget_state.WIDGET_STATE, body=body)]
    widget_state.drop_unloadable_widget_state(None, "page", "page.html", {"script_files": scripts}, None)
    assert scripts[0].filename == "a.js"
    assert sorted(json.loads(scripts[1].attributes["body"])["state"]) == ["bar", "layout", "slider"]
