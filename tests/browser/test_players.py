"""Every explorer's static player on every page, clicked in Chromium (no kernel, no network).

A player (``micrograd.widgets.player.frame_player``) is a ``div.mg-player`` over precomputed
frames: Step / Back / Reset / Play buttons or a slider. Here each one is driven as a reader
would: Step shows the next frame (for the backprop stepper: a different highlighted node),
Back the previous one, the slider swaps the plot, the arrow keys work on the focused player,
and the page logs no JavaScript error.
"""

from __future__ import annotations

import base64
import re

import nbformat

from tests.browser.book import BUILD

STATE_JS = """root => {
  const frames = Array.from(root.querySelectorAll('.mg-frame'));
  const visible = frames.filter(f => !f.hidden && f.getBoundingClientRect().height > 0);
  const imgs = visible.length ? Array.from(visible[0].querySelectorAll('img')) : [];
  const caption = root.querySelector('.mg-caption');
  const status = root.querySelector('.mg-status');
  return {
    index: Number(root.dataset.mgIndex), count: Number(root.dataset.mgCount),
    visible: visible.map(f => Number(f.dataset.mgK)),
    html: visible.length ? visible[0].innerHTML : '',
    loaded: imgs.every(img => img.complete && img.naturalWidth > 0),
    caption: caption ? caption.textContent : '', status: status ? status.textContent : '',
  };
}"""

# a graphviz node and the fill of its shape: "none" unless draw_dot highlighted it
NODE_FILL = re.compile(
    r'<g id="node\d+" class="node">\s*<title>([^<]*)</title>\s*<(?:polygon|path|ellipse) fill="([^"]+)"'
)
UNFILLED = ("none", "white", "black")


def _players(visit) -> list:
    return visit.page.locator("article .mg-player").all()


def _state(player) -> dict:
    return player.evaluate(STATE_JS)


def _highlighted(frame_html: str) -> frozenset[str] | None:
    """The graph nodes filled with a colour in a frame that is an SVG image (None for other frames)."""
    found = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', frame_html)
    if not found:
        return None
    svg = base64.b64decode(found.group(1)).decode("utf-8")
    return frozenset(title for title, fill in NODE_FILL.findall(svg) if fill not in UNFILLED)


def _click(player, action: str) -> None:
    player.locator(f'[data-mg-action="{action}"]').click()


def _assert_shows(state: dict, index: int) -> None:
    assert state["index"] == index, f"expected frame {index}, the player says {state['index']}"
    assert state["visible"] == [index], f"visible frames {state['visible']}, expected only {index}"
    assert state["loaded"], f"frame {index}: an image did not load"


def _no_errors(visit) -> None:
    errors = visit.javascript_errors()
    assert not errors, "JavaScript errors on the page:\n" + "\n".join(errors)


def _promised_players(visit) -> int:
    """How many players the page's executed notebook holds (in its text/html outputs)."""
    page = visit.book_page
    if not page.is_notebook:
        return 0
    executed = BUILD / "jupyter_execute" / f"{page.docname}.ipynb"
    notebook = nbformat.read(executed if executed.exists() else page.source, as_version=4)
    html = "".join(
        output.get("data", {}).get("text/html", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )
    return len(re.findall(r'<div class="mg-player\b', html))


def test_every_player_in_the_notebook_is_on_the_page(visit):
    assert len(_players(visit)) == _promised_players(visit)


def test_step_players_step_back_reset_and_play(visit):
    for number, player in enumerate(_players(visit)):
        if player.get_attribute("data-mg-controls") != "step":
            continue
        player.scroll_into_view_if_needed()
        where = f"player {number} ({player.get_attribute('aria-label')})"
        if _state(player)["index"]:
            _click(player, "reset")
        states = [_state(player)]
        _assert_shows(states[0], 0)
        assert player.locator('[data-mg-action="back"]').is_disabled(), f"{where}: Back enabled at the start"
        for k in range(1, states[0]["count"]):
            _click(player, "step")
            states.append(_state(player))
            _assert_shows(states[k], k)
            assert states[k]["html"] != states[k - 1]["html"], f"{where}: Step did not change the frame"
            assert states[k]["status"] != states[k - 1]["status"], f"{where}: the position did not change"
            before, after = _highlighted(states[k - 1]["html"]), _highlighted(states[k]["html"])
            if before is not None and (before or after):  # a graph with highlighted nodes: the stepper
                assert after != before, f"{where}: step {k} highlights the same nodes as step {k - 1}"
        assert player.locator('[data-mg-action="step"]').is_disabled(), f"{where}: Step enabled at the end"
        last = states[-1]["index"]
        if last:
            _click(player, "back")
            back = _state(player)
            _assert_shows(back, last - 1)
            assert (back["html"], back["caption"]) == (states[-2]["html"], states[-2]["caption"]), where
            _click(player, "reset")
            _assert_shows(_state(player), 0)
            _click(player, "play")
            player.page.wait_for_function(
                "root => Number(root.dataset.mgIndex) > 0", arg=player.element_handle(), timeout=5_000
            )
            _click(player, "play")  # pause
            assert player.locator('[data-mg-action="play"]').get_attribute("aria-pressed") == "false"
    _no_errors(visit)


def test_sliders_swap_the_frame(visit):
    for number, player in enumerate(_players(visit)):
        if player.get_attribute("data-mg-controls") != "slider":
            continue
        player.scroll_into_view_if_needed()
        where = f"player {number} ({player.get_attribute('aria-label')})"
        slider = player.locator("input.mg-slider")
        start = _state(player)
        count = start["count"]
        seen = {start["index"]: start}
        for k in [count - 1, 0, count // 2]:
            slider.fill(str(k))
            state = _state(player)
            _assert_shows(state, k)
            seen[k] = state
        htmls = {k: s["html"] for k, s in seen.items()}
        assert len(set(htmls.values())) == len(htmls), f"{where}: moving the slider did not change the plot"
        statuses = [s["status"] for s in seen.values()]
        assert len(set(statuses)) == len(statuses), f"{where}: the slider's value label did not change"
        if count > 1:
            slider.fill("1")
            _click(player, "back")
            _assert_shows(_state(player), 0)
            assert slider.input_value() == "0", f"{where}: Back did not move the slider"
            _click(player, "step")
            _assert_shows(_state(player), 1)
    _no_errors(visit)


def test_players_answer_the_keyboard(visit):
    for number, player in enumerate(_players(visit)):
        count = int(player.get_attribute("data-mg-count"))
        if count < 2:
            continue
        where = f"player {number} ({player.get_attribute('aria-label')})"
        player.focus()
        player.press("Home")
        _assert_shows(_state(player), 0)
        player.press("ArrowRight")
        _assert_shows(_state(player), 1)
        player.press("ArrowLeft")
        _assert_shows(_state(player), 0)
        player.press("End")
        _assert_shows(_state(player), count - 1)
        # the buttons are real buttons: Tab reaches them and Enter presses them
        buttons = player.locator("button:not([disabled])")
        assert buttons.count() > 0, f"{where}: no button to reach with the keyboard"
        back = player.locator('[data-mg-action="back"]')
        back.focus()
        back.press("Enter")
        _assert_shows(_state(player), count - 2)
        assert player.get_attribute("tabindex") == "0", f"{where}: the player cannot take focus"
        assert player.locator(".mg-caption").get_attribute("aria-live") == "polite"
    _no_errors(visit)


def test_player_weight_per_page(visit):
    """Each page's players stay light: under 600 KB together (the PNG/SVG frames are most of it)."""
    sizes = visit.page.evaluate(
        "() => Array.from(document.querySelectorAll('article .mg-player')).map(p => p.outerHTML.length)"
    )
    total = sum(sizes)
    print(f"\n{visit.book_page}: {len(sizes)} players, {total / 1000:.0f} KB of player HTML {sizes}")
    assert total < 600_000, f"{visit.book_page}: the players add {total / 1000:.0f} KB to the page"
