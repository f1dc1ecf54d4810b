"""Nothing on a page scrolls sideways at the book's column width.

Code cells are written for about 80 characters, and so are printed lines; a block wider than
the column gets a horizontal scrollbar (code, text output) or spills out of it (HTML output),
and what is past the edge is cut off for the reader. This test lists every such block.
"""

from __future__ import annotations

OVERFLOW_JS = """() => {
  const blocks = document.querySelectorAll(
    'article div.highlight pre, article .cell_output .output, article .cell_output pre, ' +
    'article .cell_output table, article .cell_output .mg-player');
  const found = [];
  const cells = Array.from(document.querySelectorAll('article .cell'));
  for (const el of blocks) {
    if (el.closest('details:not([open])')) continue;   // a folded solution is checked when opened
    const box = el.getBoundingClientRect();
    if (box.width === 0) continue;                      // not displayed
    const over = el.scrollWidth - el.clientWidth;
    if (over > 1) {
      const text = (el.innerText || '').trim().split('\\n')
        .reduce((a, b) => (b.length > a.length ? b : a), '');
      const cell = el.closest('.cell');
      const where = (cell ? 'cell ' + (cells.indexOf(cell) + 1) + ' ' : 'text ') +
        (el.closest('.cell_input') ? 'code' : el.closest('details') ? 'output (folded solution)' :
         el.closest('.cell_output') ? 'output' : 'block');
      found.push({where, over, width: el.clientWidth, line: text.slice(0, 100)});
    }
  }
  return found;
}"""


def test_no_code_or_output_block_overflows_the_column(visit):
    for summary in visit.page.locator("article details").all():  # open folded solutions too
        summary.evaluate("d => { d.open = true; }")
    overflowing = visit.page.evaluate(OVERFLOW_JS)
    lines = [
        f"  {block['where']}: {block['over']} px wider than its {block['width']} px: {block['line']!r}"
        for block in overflowing
    ]
    assert not overflowing, f"{visit.book_page}: {len(lines)} blocks scroll sideways:\n" + "\n".join(lines)


EMPTY_JS = """() => {
  const cells = Array.from(document.querySelectorAll('article .cell'));
  return Array.from(document.querySelectorAll('article .cell_output .output'))
    .filter(el => el.innerText.trim() === '' && el.getBoundingClientRect().height > 0
                  && !el.querySelector('img, svg, canvas, iframe, video, input, button'))
    .map(el => 'cell ' + (cells.indexOf(el.closest('.cell')) + 1) + ': ' + el.className);
}"""


def test_no_empty_output_boxes(visit):
    """An output block with nothing in it shows as an empty grey box (e.g. a split stream output)."""
    empty = visit.page.evaluate(EMPTY_JS)
    assert not empty, f"{visit.book_page}: empty output boxes:\n  " + "\n  ".join(empty)
