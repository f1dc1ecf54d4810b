"""Interactive explorers for the chapters, each playable on the static HTML book too.

One module per explorer, plus the shared static player:

* :mod:`micrograd.widgets.player`: :func:`frame_player` (precomputed frames with
  Step / Back / Reset / Play or a slider, plain HTML + JavaScript, no kernel) and
  :func:`with_static_fallback` (one output: the live widget for Jupyter, Colab
  and Binder, the player for the book);
* :mod:`micrograd.widgets.derivative` (chapter 1): :func:`derivative_explorer`;
* :mod:`micrograd.widgets.stepper` (chapter 3): :func:`backprop_stepper`;
* :mod:`micrograd.widgets.neuron` (chapter 8), :mod:`micrograd.widgets.optimizer`
  (chapter 10), :mod:`micrograd.widgets.playground` (chapter 11) and
  :mod:`micrograd.widgets.newton` (chapter 15): import their explorers from those
  modules.

Each explorer's logic is plain Python, tested without a browser; the ipywidgets
classes only wire it to sliders and buttons.

How the book picks the static copy: an explorer displays as one output carrying
``application/vnd.jupyter.widget-view+json`` (the live widget) and ``text/html``
(the player); the book's ``_config.yml`` ranks the widget view after HTML::

    sphinx:
      config:
        nb_mime_priority_overrides:
          - ["html", "application/vnd.jupyter.widget-view+json", 55]

The names below load their module on first use (``from micrograd.widgets import
derivative_explorer`` works as before), so importing this package costs nothing:
the in-page exercise runtime, which has no numpy or ipywidgets, can look up a
widget module without loading it.

Every text output is deterministic, so strict nbval passes; nbval ignores the
widget view (its model id is random).
"""

import importlib
from typing import Any

_MODULE_OF = {
    **dict.fromkeys(
        [
            "DerivativeExplorer",
            "SecantInfo",
            "SecantPlot",
            "central_slope",
            "derivative_explorer",
            "secant_info",
            "secant_slope",
        ],
        "derivative",
    ),
    **dict.fromkeys(
        [
            "FallbackBox",
            "StaticFallbackMixin",
            "frame_player",
            "png_base64",
            "png_image_tag",
            "svg_image_tag",
            "with_static_fallback",
        ],
        "player",
    ),
    **dict.fromkeys(
        [
            "LEGEND",
            "PROCESSING_COLOR",
            "UPDATED_COLOR",
            "BackpropStepper",
            "BackpropSteps",
            "Step",
            "Update",
            "backprop_stepper",
            "name_of",
        ],
        "stepper",
    ),
}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    """``micrograd.widgets.X``: import X's module on first use (PEP 562)."""
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_MODULE_OF[name]}"), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_MODULE_OF])
