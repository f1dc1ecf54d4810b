"""The static frame player: its HTML, without a browser (tests/browser/ clicks it in Chromium)."""

from __future__ import annotations

import base64
import json
import re
from html.parser import HTMLParser

import pytest
from matplotlib.figure import Figure

from micrograd.widgets.player import frame_player, png_base64, png_image_tag, svg_image_tag

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
VOID = {"img", "input", "br", "meta", "link", "hr"}


class Tree(HTMLParser):
    """Collects (tag, attributes) and checks that every element is closed in order."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()


INERT = re.compile(r'<script type="text/x-mg-player" class="mg-rest">(.*?)</script>', re.DOTALL)


def played(page: str) -> str:
    """The page as the player's script leaves it: its inert scripts unpacked in place, the run note gone."""
    unpacked = INERT.sub(lambda m: re.sub(r"<\\(/script|!--)", r"<\1", m.group(1)), page)
    return re.sub(r'<p class="mg-run-note">.*?</p>', "", unpacked)


def parse(page: str) -> Tree:
    tree = Tree()
    tree.feed(played(page))
    tree.close()
    assert tree.open == [], f"unclosed: {tree.open}"
    return tree


def find(tree: Tree, tag: str, cls: str | None = None, **attrs: str) -> list[dict]:
    found = []
    for name, attributes in tree.elements:
        classes = (attributes.get("class") or "").split()
        if name == tag and (cls is None or cls in classes):
            if all(attributes.get(k.replace("_", "-")) == v for k, v in attrs.items()):
                found.append(attributes)
    return found


FRAMES = [f'<svg width="10" height="10"><text>frame {k}</text></svg>' for k in range(4)]
CAPTIONS = [f"<pre>caption {k}</pre>" for k in range(4)]


def test_step_player_structure():
    page = frame_player(FRAMES, CAPTIONS, title="A & B")
    tree = parse(page)
    (root,) = find(tree, "div", "mg-player")
    assert root["data-mg-controls"] == "step" and root["data-mg-count"] == "4"
    assert root["data-mg-index"] == "0" and root["tabindex"] == "0" and root["role"] == "group"
    assert "A &amp; B" in page  # the title is text, escaped
    frames = find(tree, "div", "mg-frame")
    assert [f["data-mg-k"] for f in frames] == ["0", "1", "2", "3"]
    assert ["hidden" in f for f in frames] == [False, True, True, True]  # only one frame visible
    assert [a["data-mg-action"] for a in find(tree, "button")] == ["reset", "back", "step", "play"]
    assert all(b["type"] == "button" for b in find(tree, "button"))
    disabled = {b["data-mg-action"] for b in find(tree, "button") if "disabled" in b}
    assert disabled == {"reset", "back"}  # at the start
    assert find(tree, "div", "mg-caption")[0]["aria-live"] == "polite"
    assert '<div class="mg-caption" aria-live="polite"><pre>caption 0</pre></div>' in page
    assert len(find(tree, "template", "mg-caption-src")) == 4
    assert ">step 0 of 3<" in page
    assert page.count("<script>") == 1 and "</script>" in page


def test_slider_player_structure():
    values = ["h = 1", "h = 0.1", "h = 0.01", "h = 0.001"]
    page = frame_player(FRAMES, controls="slider", slider_label="h", slider_values=values, start=2)
    tree = parse(page)
    (root,) = find(tree, "div", "mg-player")
    assert root["data-mg-index"] == "2" and json.loads(root["data-mg-values"]) == values
    (slider,) = find(tree, "input", "mg-slider")
    assert (slider["type"], slider["min"], slider["max"], slider["value"]) == ("range", "0", "3", "2")
    assert slider["aria-valuetext"] == "h = 0.01"
    (label,) = find(tree, "label")
    assert label["for"] == slider["id"]
    assert [a["data-mg-action"] for a in find(tree, "button")] == ["back", "step"]
    assert ["hidden" in f for f in find(tree, "div", "mg-frame")] == [True, True, False, True]
    assert ">h = 0.01<" in page


def test_slider_values_default_to_positions():
    tree = parse(frame_player(FRAMES, controls="slider"))
    assert json.loads(find(tree, "div", "mg-player")[0]["data-mg-values"]) == ["1", "2", "3", "4"]


def test_output_is_deterministic_and_ids_differ_between_players():
    assert frame_player(FRAMES, CAPTIONS) == frame_player(FRAMES, CAPTIONS)
    pages = [
        frame_player(FRAMES, CAPTIONS),
        frame_player(FRAMES, CAPTIONS, title="other"),
        frame_player(FRAMES[:3], CAPTIONS[:3]),
        frame_player(FRAMES, CAPTIONS, start=1),
        frame_player(FRAMES, controls="slider"),
    ]
    ids = [re.search(r'id="(mg-player-[0-9a-f]{12})"', page).group(1) for page in pages]
    assert len(set(ids)) == len(ids)
    all_ids = re.findall(r'\bid="([^"]+)"', "".join(pages))
    assert len(all_ids) == len(set(all_ids))  # every id on a page with all of them is unique


def test_self_contained_no_network_no_kernel():
    page = frame_player(FRAMES, CAPTIONS, autoplay_ms=500)
    assert "http" not in page and "src=" not in page.split("<script>")[1]
    assert "require(" not in page and "Jupyter" not in page and "IPython" not in page
    assert 'data-mg-autoplay="1"' in page and 'data-mg-interval="500"' in page
    assert 'data-mg-autoplay="0"' in frame_player(FRAMES)


def test_single_frame_player():
    tree = parse(frame_player(["<p>only</p>"]))
    assert {b["data-mg-action"] for b in find(tree, "button") if "disabled" in b} == {"reset", "back", "step"}


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"frames": []}, ValueError, "at least one frame"),
        ({"frames": "<p>x</p>"}, TypeError, "frames must be a list of HTML strings, got str"),
        ({"frames": ["<p>x</p>", 3]}, TypeError, r"frames\[1\] must be a str"),
        (
            {"frames": FRAMES, "captions": ["a"]},
            ValueError,
            r"captions must have one entry per frame \(4\)",
        ),
        ({"frames": FRAMES, "controls": "buttons"}, ValueError, 'controls must be "step" or "slider"'),
        (
            {"frames": FRAMES, "slider_values": ["a"]},
            ValueError,
            "slider_values must have one label",
        ),
        ({"frames": FRAMES, "start": 4}, ValueError, "start must be a frame index from 0 to 3, got 4"),
        ({"frames": FRAMES, "start": True}, ValueError, "start must be a frame index"),
        ({"frames": FRAMES, "autoplay_ms": 0}, ValueError, "autoplay_ms must be a positive int"),
    ],
)
def test_bad_arguments_are_clear_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        frame_player(**kwargs)


def figure() -> Figure:
    fig = Figure(figsize=(3, 2))
    fig.add_subplot().plot([0, 1, 2], [1, 0, 2])
    return fig


def test_image_helpers_are_deterministic_data_uris():
    assert png_base64(figure()) == png_base64(figure())
    assert base64.b64decode(png_base64(figure())).startswith(PNG_MAGIC)
    full, palette = png_image_tag(figure(), "a plot"), png_image_tag(figure(), "a plot", colors=32)
    assert full.startswith('<img src="data:image/png;base64,') and 'alt="a plot"' in full
    assert palette == png_image_tag(figure(), "a plot", colors=32)
    assert len(palette) < len(full) / 2
    data = re.search(r"base64,([^\"]+)", palette).group(1)
    assert base64.b64decode(data).startswith(PNG_MAGIC)
    with pytest.raises(ValueError, match="colors must be an int from 2 to 256"):
        png_image_tag(figure(), "x", colors=1000)
    tag = svg_image_tag('<svg xmlns="http://www.w3.org/2000/svg"></svg>', 'say "hi"')
    assert tag.startswith('<img src="data:image/svg+xml;base64,') and 'alt="say &quot;hi&quot;"' in tag


# ---- before the notebook runs: an untrusted notebook strips scripts, styles, templates, hidden ------


def untrusted(page: str) -> str:
    """What JupyterLab (untrusted) and GitHub's viewer keep: no <script>/<style> (content and all),
    no <template> tags (their content stays, as text), no ``hidden`` attributes."""
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.DOTALL)
    page = re.sub(r"</?template\b[^>]*>", "", page)
    return re.sub(r"\shidden(?=[\s>])", "", page)


@pytest.mark.parametrize("start", [0, 2])
def test_an_untrusted_player_shows_one_frame_and_one_line(start):
    page = untrusted(frame_player(FRAMES, CAPTIONS, title="T", start=start))
    tree = parse(page)
    frames = find(tree, "div", "mg-frame")
    assert len(frames) == 1 and frames[0]["data-mg-k"] == str(start)
    assert f"frame {start}" in page and all(f"frame {k}" not in page for k in range(4) if k != start)
    assert [k for k in range(4) if f"caption {k}" in page] == [start]  # no caption dumped as text
    assert find(tree, "button") == [] and find(tree, "input") == []  # no buttons that do nothing
    assert len(find(tree, "p", "mg-run-note")) == 0  # parse() removes it, as the script does
    assert page.count("Run the cell to play") == 1


def test_every_stored_player_degrades_when_untrusted():
    """Every player stored in the notebooks, stripped as an untrusted notebook strips it."""
    from pathlib import Path

    import nbformat

    pages = []
    for path in sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                page = output.get("data", {}).get("text/html", "")
                if "mg-player" in page:
                    pages.append((path.stem, untrusted(page)))
    assert len(pages) >= 5
    for stem, page in pages:
        assert page.count('class="mg-frame"') == page.count('class="mg-player'), stem
        assert page.count("Run the cell to play") == page.count('class="mg-player'), stem
        assert "data-mg-action" not in page, stem
