"""The static player: an explorer's precomputed frames, playable on a page with no kernel.

A live ipywidgets explorer needs a running kernel; the published book has none.
So every explorer also renders a handful of *frames* (HTML fragments: a PNG
``<img>`` or an inline SVG) when the notebook runs, and :func:`frame_player`
wraps them in one self-contained piece of HTML with a few lines of plain
JavaScript (no CDN, no kernel) that shows one frame at a time:

* ``controls="step"``: Reset / Back / Step / Play buttons and "step k of n";
* ``controls="slider"``: a labelled range input over the frames, plus Back / Step.

:func:`with_static_fallback` puts the live widget and the player in one output:
Jupyter, Colab and Binder show the widget, the book (whose ``_config.yml`` ranks
the widget view below HTML) shows the player.

The markup is stable so one browser test can drive every player on every page:
the root is ``div.mg-player`` with ``data-mg-index`` (the frame shown) and
``data-mg-count``; frames are ``div.mg-frame`` (all but one ``hidden``);
buttons carry ``data-mg-action`` (``reset``, ``back``, ``step``, ``play``); the
slider is ``input.mg-slider``; the caption is ``div.mg-caption`` (``aria-live``);
the position text is ``span.mg-status``. The output is deterministic (the id
is a hash of the content), so strict nbval can compare it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import re
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets
from matplotlib.figure import Figure

RUN_NOTE = (
    "Precomputed frames: run the notebook (Jupyter, Colab or Binder) for the live version, with any values."
)
PLAY_INTERVAL_MS = 1000  # one frame per second when Play is pressed and no autoplay_ms is given

# One stylesheet and one script, repeated in every player: each player must work on its own (in a
# notebook output, or several on one page). The script defines the player code once per page
# (window.mgPlayer1) and starts every player on the page that is not started yet.
_STYLE = """<style>
.mg-player{margin:0.5em 0;padding:0.5em;border:1px solid #ccc;border-radius:4px;max-width:100%;
box-sizing:border-box}
.mg-player:focus{outline:2px solid #1976d2;outline-offset:2px}
.mg-player .mg-title{font-weight:bold;margin-bottom:0.3em}
.mg-player .mg-frame[hidden]{display:none!important}
.mg-player .mg-frame img,.mg-player .mg-frame svg{max-width:100%;height:auto}
.mg-player .mg-caption{margin:0.3em 0;overflow-wrap:anywhere}
.mg-player .mg-caption pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:0;background:none;
border:0;padding:0;font-size:0.85em}
.mg-player .mg-controls{display:flex;flex-wrap:wrap;align-items:center;gap:0.4em}
.mg-player .mg-controls button{padding:0.15em 0.7em;border:1px solid #888;border-radius:3px;
background:#f5f5f5;color:#222;cursor:pointer;font:inherit}
.mg-player .mg-controls button:disabled{opacity:0.45;cursor:default}
.mg-player .mg-controls input[type=range]{flex:1 1 8em;min-width:6em;max-width:22em}
.mg-player .mg-status{font-variant-numeric:tabular-nums;opacity:0.8}
</style>"""

_SCRIPT = """<script>
(function () {
  if (!window.mgPlayer1) {
    var unpack = function (root) {
      var rests = root.querySelectorAll("script.mg-rest");
      for (var r = 0; r < rests.length; r++) {
        var holder = document.createElement("div");
        holder.innerHTML = rests[r].textContent.replace(/<\\\\(\\/script|!--)/gi, "<$1");
        while (holder.firstChild) rests[r].parentNode.insertBefore(holder.firstChild, rests[r]);
        rests[r].parentNode.removeChild(rests[r]);
      }
      var note = root.querySelector(".mg-run-note");
      if (note) note.parentNode.removeChild(note);
    };
    var init = function (root) {
      root.setAttribute("data-mg-ready", "1");
      unpack(root);
      var frames = root.querySelectorAll(".mg-frame");
      var captions = root.querySelectorAll("template.mg-caption-src");
      var live = root.querySelector(".mg-caption");
      var status = root.querySelector(".mg-status");
      var slider = root.querySelector("input.mg-slider");
      var values = JSON.parse(root.getAttribute("data-mg-values") || "[]");
      var interval = parseInt(root.getAttribute("data-mg-interval"), 10) || 1000;
      var n = frames.length, timer = null;
      var button = function (name) { return root.querySelector('[data-mg-action="' + name + '"]'); };
      var index = function () { return parseInt(root.getAttribute("data-mg-index"), 10) || 0; };
      var enable = function (name, on) {
        var b = button(name);
        if (!b) return;
        if (!on && b === document.activeElement) root.focus();
        b.disabled = !on;
      };
      var show = function (k) {
        k = Math.max(0, Math.min(n - 1, k));
        for (var i = 0; i < n; i++) frames[i].hidden = i !== k;
        root.setAttribute("data-mg-index", String(k));
        if (live && captions[k]) live.innerHTML = captions[k].innerHTML;
        var text = values.length ? values[k] : "step " + k + " of " + (n - 1);
        if (status) status.textContent = text;
        if (slider) { slider.value = String(k); slider.setAttribute("aria-valuetext", text); }
        enable("reset", k > 0); enable("back", k > 0); enable("step", k < n - 1);
        if (k === n - 1) stop();
      };
      var stop = function () {
        if (timer !== null) { clearInterval(timer); timer = null; }
        var p = button("play");
        if (p) { p.textContent = "\\u25b6 Play"; p.setAttribute("aria-pressed", "false"); }
      };
      var play = function () {
        if (n < 2) return;
        if (index() === n - 1) show(0);
        var p = button("play");
        if (p) { p.textContent = "\\u2016 Pause"; p.setAttribute("aria-pressed", "true"); }
        timer = setInterval(function () { show(index() + 1); }, interval);
      };
      var act = function (name) {
        if (name === "play") { if (timer === null) play(); else stop(); return; }
        stop();
        if (name === "step") show(index() + 1);
        else if (name === "back") show(index() - 1);
        else if (name === "reset" || name === "first") show(0);
        else if (name === "last") show(n - 1);
      };
      root.addEventListener("click", function (event) {
        var b = event.target.closest ? event.target.closest("[data-mg-action]") : null;
        if (b && root.contains(b)) act(b.getAttribute("data-mg-action"));
      });
      root.addEventListener("keydown", function (event) {
        if (event.target === slider || event.altKey || event.ctrlKey || event.metaKey) return;
        var keys = {ArrowRight: "step", ArrowDown: "step", ArrowLeft: "back", ArrowUp: "back",
                    Home: "first", End: "last"};
        if (keys[event.key]) { event.preventDefault(); act(keys[event.key]); }
      });
      if (slider) slider.addEventListener("input", function () { stop(); show(parseInt(slider.value, 10)); });
      show(index());
      if (root.getAttribute("data-mg-autoplay") === "1") play();
    };
    window.mgPlayer1 = {
      init: init,
      initAll: function () {
        var roots = document.querySelectorAll(".mg-player:not([data-mg-ready])");
        for (var i = 0; i < roots.length; i++) init(roots[i]);
      }
    };
  }
  window.mgPlayer1.initAll();
})();
</script>"""


RUN_TO_PLAY = "▶ Run the cell to play: one of {count} precomputed frames is shown."


def _inert(fragments: Sequence[str]) -> str:
    """HTML that shows only once the player's script runs: inside a ``<script>`` of a type no browser runs.

    An untrusted notebook (JupyterLab, GitHub's viewer) strips scripts with their content, so the
    frames and controls held here vanish with them, instead of showing stacked; the player's script
    puts them in place. ``</script`` and ``<!--`` inside are escaped (``<\\/script``, ``<\\!--``).
    """
    if not fragments:
        return ""
    body = re.sub(r"<(/script|!--)", r"<\\\1", "".join(fragments), flags=re.IGNORECASE)
    return f'<script type="text/x-mg-player" class="mg-rest">{body}</script>'


def _check_strings(name: str, items: Any, count: int | None = None) -> list[str]:
    """``items`` as a list of str, or a TypeError/ValueError saying what was expected."""
    if isinstance(items, str) or not isinstance(items, Sequence):
        raise TypeError(f"{name} must be a list of HTML strings, got {type(items).__name__}")
    items = list(items)
    for k, item in enumerate(items):
        if not isinstance(item, str):
            raise TypeError(f"{name}[{k}] must be a str (an HTML fragment), got {type(item).__name__}")
    if count is not None and len(items) != count:
        raise ValueError(f"{name} must have one entry per frame ({count}), got {len(items)}")
    return items


def player_id(*parts: Any) -> str:
    """A deterministic id for a player: a short hash of everything it shows (same input, same id)."""
    digest = hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()
    return f"mg-player-{digest[:12]}"


def frame_player(
    frames: Sequence[str],
    captions: Sequence[str] | None = None,
    *,
    title: str = "",
    controls: str = "step",
    slider_label: str = "",
    slider_values: Sequence[str] | None = None,
    start: int = 0,
    autoplay_ms: int | None = None,
) -> str:
    """One self-contained HTML string that shows ``frames`` one at a time, with controls.

    ``frames`` are HTML fragments (``'<img src="data:image/png;base64,…">'`` or an
    inline ``<svg>``); ``captions`` one HTML string per frame, shown under it (and
    read out by screen readers when it changes). ``controls="step"`` gives Reset,
    Back, Step and Play buttons and "step k of n" (frame 0 is "step 0", the
    start); ``controls="slider"`` gives a range input labelled ``slider_label``
    showing ``slider_values[k]`` (default ``"1"`` … ``"n"``) and Back / Step. When
    focused, the player also answers the arrow keys, Home and End. ``start`` is
    the frame shown first; ``autoplay_ms`` (e.g. 800) starts playing on load,
    one frame every that many milliseconds (Play uses it too; default 1000 ms).

    The result is plain HTML and JavaScript (no CDN, no kernel) and deterministic.
    """
    frames = _check_strings("frames", frames)
    if not frames:
        raise ValueError("frames must hold at least one frame, got an empty list")
    count = len(frames)
    captions = [""] * count if captions is None else _check_strings("captions", captions, count)
    if controls not in ("step", "slider"):
        raise ValueError(f'controls must be "step" or "slider", got {controls!r}')
    if slider_values is not None:
        values = [str(v) for v in slider_values] if not isinstance(slider_values, str) else None
        if values is None or len(values) != count:
            raise ValueError(f"slider_values must have one label per frame ({count}), got {slider_values!r}")
    elif controls == "slider":
        values = [str(k + 1) for k in range(count)]
    else:
        values = []
    if isinstance(start, bool) or not isinstance(start, int) or not 0 <= start < count:
        raise ValueError(f"start must be a frame index from 0 to {count - 1}, got {start!r}")
    if autoplay_ms is not None and (
        isinstance(autoplay_ms, bool) or not isinstance(autoplay_ms, int) or autoplay_ms <= 0
    ):
        raise ValueError(f"autoplay_ms must be a positive int (milliseconds) or None, got {autoplay_ms!r}")

    uid = player_id(frames, captions, title, controls, slider_label, values, start, autoplay_ms)
    status = values[start] if values else f"step {start} of {count - 1}"
    label = title or ("Frame player" if controls == "step" else f"Slider over {slider_label or 'frames'}")
    attrs = {
        "class": "mg-player tex2jax_ignore mathjax_ignore",
        "id": uid,
        "role": "group",
        "tabindex": "0",
        "aria-label": f"{label} (arrow keys move between frames)",
        "data-mg-controls": controls,
        "data-mg-count": str(count),
        "data-mg-index": str(start),
        "data-mg-values": json.dumps(values, ensure_ascii=False),
        "data-mg-interval": str(autoplay_ms or PLAY_INTERVAL_MS),
        "data-mg-autoplay": "1" if autoplay_ms else "0",
    }
    opening = " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items())
    parts = [f"<div {opening}>", _STYLE]
    if title:
        parts.append(f'<div class="mg-title">{html.escape(title)}</div>')
    # Only the start frame, its caption and one line are plain HTML: what an untrusted notebook shows.
    # The other frames, the captions' templates and the controls wait in inert scripts (see _inert).
    hidden_frames = [
        f'<div class="mg-frame" data-mg-k="{k}" hidden>{frame}</div>' for k, frame in enumerate(frames)
    ]
    parts.append('<div class="mg-frames">')
    parts.append(_inert(hidden_frames[:start]))
    parts.append(f'<div class="mg-frame" data-mg-k="{start}">{frames[start]}</div>')
    parts.append(_inert(hidden_frames[start + 1 :]))
    parts.append("</div>")
    parts.append(f'<div class="mg-caption" aria-live="polite">{captions[start]}</div>')
    parts.append(f'<p class="mg-run-note">{html.escape(RUN_TO_PLAY.format(count=count))}</p>')
    rest = [
        f'<template class="mg-caption-src" data-mg-k="{k}">{caption}</template>'
        for k, caption in enumerate(captions)
    ]
    rest.append('<div class="mg-controls">')
    at_start, at_end = start == 0, start == count - 1
    off = {True: " disabled", False: ""}
    if controls == "slider":
        slider_id = f"{uid}-slider"
        rest.append(f'<label for="{slider_id}">{html.escape(slider_label or "frame")}</label>')
        rest.append(
            f'<input type="range" class="mg-slider" id="{slider_id}" min="0" max="{count - 1}" '
            f'step="1" value="{start}" aria-valuetext="{html.escape(status, quote=True)}">'
        )
        rest.append(f'<span class="mg-status">{html.escape(status)}</span>')
        rest.append(f'<button type="button" data-mg-action="back"{off[at_start]}>◀ Back</button>')
        rest.append(f'<button type="button" data-mg-action="step"{off[at_end]}>Step ▶</button>')
    else:
        rest.append(f'<button type="button" data-mg-action="reset"{off[at_start]}>↺ Reset</button>')
        rest.append(f'<button type="button" data-mg-action="back"{off[at_start]}>◀ Back</button>')
        rest.append(f'<button type="button" data-mg-action="step"{off[at_end]}>Step ▶</button>')
        rest.append('<button type="button" data-mg-action="play" aria-pressed="false">▶ Play</button>')
        rest.append(f'<span class="mg-status" aria-hidden="true">{html.escape(status)}</span>')
    rest.append("</div>")
    parts.append(_inert(rest))
    parts.append(_SCRIPT)
    parts.append("</div>")
    return "\n".join(parts)


# ---------------------------------------------------------------------------
# One output, two renderings: the live widget for Jupyter, a static one for the book
# ---------------------------------------------------------------------------


class StaticFallbackMixin:
    """Display a widget together with a static rendering of it, in one output.

    Mix in before an ipywidgets class and implement :meth:`static_bundle`
    (``{"text/html": ...}`` or ``{"image/png": <base64>}``) and :meth:`summary`
    (the ``text/plain`` line). Jupyter front ends show the widget; a static page
    shows the highest-ranked static MIME type instead.
    """

    def static_bundle(self) -> dict[str, str]:
        raise NotImplementedError

    def summary(self) -> str:
        return type(self).__name__

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]
        bundle["text/plain"] = self.summary()
        bundle.update(self.static_bundle())
        return bundle


class FallbackBox(StaticFallbackMixin, widgets.VBox):
    """A VBox around any widget, with a given static rendering (see :func:`with_static_fallback`)."""

    def __init__(self, widget: widgets.Widget, static: Callable[[], dict[str, str]], text: str) -> None:
        super().__init__(children=[widget])
        self._static = static
        self._text = text

    def static_bundle(self) -> dict[str, str]:
        return self._static()

    def summary(self) -> str:
        return self._text


def with_static_fallback(
    widget: widgets.Widget, static: Callable[[], dict[str, str]], text: str
) -> FallbackBox:
    """Wrap ``widget`` so the static book shows ``static()`` (a MIME bundle) where it cannot run.

    ``static`` is called only when the output is displayed, e.g.
    ``lambda: {"text/html": frame_player(frames)}``; ``text`` is the ``text/plain`` line.
    """
    return FallbackBox(widget, static, text)


def png_base64(fig: Figure, dpi: int = 80) -> str:
    """A matplotlib Figure as base64 PNG text (no timestamp or version inside, so runs agree)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def png_image_tag(fig: Figure, alt: str, dpi: int = 80, colors: int | None = None) -> str:
    """A matplotlib Figure as an ``<img>`` with a PNG data URI: one frame for :func:`frame_player`.

    ``colors`` (e.g. 32) stores the PNG with a palette of that many colours: plots of a few lines
    look the same and the frame is about 4 times smaller (37 KB -> 9 KB for a 720 x 250 plot).
    """
    data = png_base64(fig, dpi) if colors is None else _palette_png_base64(fig, dpi, colors)
    return (
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" '
        'style="max-width:100%;height:auto">'
    )


def _palette_png_base64(fig: Figure, dpi: int, colors: int) -> str:
    """The figure as a palette PNG of ``colors`` colours (median cut, no dithering: deterministic)."""
    from PIL import Image  # matplotlib's own dependency

    if isinstance(colors, bool) or not isinstance(colors, int) or not 2 <= colors <= 256:
        raise ValueError(f"colors must be an int from 2 to 256, got {colors!r}")
    image = Image.open(io.BytesIO(base64.b64decode(png_base64(fig, dpi)))).convert("RGB")
    palette = image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, format="png", optimize=True)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def svg_image_tag(svg: str, alt: str) -> str:
    """An <img> showing an SVG document (a data URI: no id clashes with the rest of the page)."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(alt, quote=True)}" '
        'style="max-width:100%;height:auto">'
    )


__all__ = [
    "FallbackBox",
    "StaticFallbackMixin",
    "frame_player",
    "png_base64",
    "png_image_tag",
    "svg_image_tag",
    "with_static_fallback",
]
