"""Leave out of each page the saved widget state that the book's HTML manager cannot load.

The book turns saved widget state back into widgets with the vendored
``@jupyter-widgets/html-manager`` (``book/_static/jupyter-widgets/``), which knows
only the ``@jupyter-widgets/*`` modules (base, controls, output). A custom widget,
such as chapter 16's draw-a-digit pad (an anywidget), is saved with the notebook
too, and for its model the manager logs ``Could not load module anywidget@...`` as
a console error on the page. The page never needs that model: such an output also
carries static HTML, which the book shows (``_config.yml`` ranks the widget view
below HTML). So each page's state keeps only the models the manager can load: the
others are dropped, with every model that refers to one of them (a box around it).
"""

from __future__ import annotations

import json
from typing import Any

from sphinx.application import Sphinx

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
LOADABLE = "@jupyter-widgets/"


def loadable_state(saved: dict) -> dict:
    """``saved`` (a widget-state document) minus the models of other modules and those referring to them."""
    models = saved.get("state", {})
    dropped = {
        key for key, model in models.items() if not str(model.get("model_module", "")).startswith(LOADABLE)
    }
    grown = True
    while grown:  # a model referring to a dropped one ("IPY_MODEL_<id>") cannot be built either
        grown = False
        for key, model in models.items():
            if key not in dropped and any(
                f"IPY_MODEL_{d}" in json.dumps(model.get("state", {})) for d in dropped
            ):
                dropped.add(key)
                grown = True
    return {**saved, "state": {key: model for key, model in models.items() if key not in dropped}}


def _sanitize(text: str) -> str:
    """As myst-nb writes a script body: no ``</`` that could end the script tag."""
    return text.replace("</", "<\\/")


def drop_unloadable_widget_state(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    for k, script in enumerate(scripts):
        attributes = dict(getattr(script, "attributes", {}) or {})
        if attributes.get("type") != WIDGET_STATE or "body" not in attributes:
            continue
        saved = json.loads(attributes["body"])
        kept = loadable_state(saved)
        if kept != saved:
            attributes["body"] = _sanitize(json.dumps(kept))
            scripts[k] = type(script)(script.filename, priority=script.priority, **attributes)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", drop_unloadable_widget_state, priority=950)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
