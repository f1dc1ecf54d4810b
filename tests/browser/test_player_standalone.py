"""The frame player on a page of its own: several players side by side, no book build needed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from micrograd.widgets.player import frame_player
from tests.browser.conftest import page_with_error_log


def _frames(word: str, n: int) -> list[str]:
    return [f'<svg width="120" height="30"><text x="5" y="20">{word} {k}</text></svg>' for k in range(n)]


@pytest.fixture(scope="module")
def page(browser) -> Iterator:
    tab = page_with_error_log(browser)
    players = [
        frame_player(_frames("a", 4), [f"<b>caption a{k}</b>" for k in range(4)], title="A"),
        frame_player(_frames("a", 4), [f"<b>caption a{k}</b>" for k in range(4)], title="A"),  # a twin
        frame_player(_frames("b", 3), controls="slider", slider_label="h", slider_values=["1", "2", "3"]),
        frame_player(_frames("c", 5), autoplay_ms=50),
    ]
    tab.set_content("<!doctype html><meta charset='utf-8'><body>" + "".join(players) + "</body>")
    yield tab
    tab.close()


def _index(player) -> int:
    return int(player.get_attribute("data-mg-index"))


def test_players_on_one_page_move_independently(page):
    first, twin, slider, _ = page.locator(".mg-player").all()
    first.locator('[data-mg-action="step"]').click()
    first.locator('[data-mg-action="step"]').click()
    assert (_index(first), _index(twin), _index(slider)) == (2, 0, 0)
    assert first.locator(".mg-caption").inner_text() == "caption a2"
    assert twin.locator(".mg-caption").inner_text() == "caption a0"
    twin.locator('[data-mg-action="step"]').click()  # the same content (and id) twice still works
    assert (_index(first), _index(twin)) == (2, 1)
    slider.locator("input.mg-slider").fill("2")
    assert _index(slider) == 2 and slider.locator(".mg-status").inner_text() == "3"
    assert _index(first) == 2
    assert page.errors == []


def test_autoplay_runs_to_the_last_frame_and_stops(page):
    player = page.locator(".mg-player").nth(3)
    page.wait_for_function("el => el.dataset.mgIndex === '4'", arg=player.element_handle(), timeout=5_000)
    assert player.locator('[data-mg-action="play"]').get_attribute("aria-pressed") == "false"
    assert player.locator('[data-mg-action="step"]').is_disabled()
    assert page.errors == []


def test_focus_stays_in_the_player_when_a_button_turns_off(page):
    player = page.locator(".mg-player").first
    player.locator('[data-mg-action="reset"]').click()
    back = player.locator('[data-mg-action="back"]')
    player.locator('[data-mg-action="step"]').click()
    back.focus()
    back.press("Enter")  # back to frame 0: Back is disabled now, focus moves to the player
    assert _index(player) == 0 and back.is_disabled()
    assert player.evaluate("el => document.activeElement === el")
    page.keyboard.press("ArrowRight")
    assert _index(player) == 1
