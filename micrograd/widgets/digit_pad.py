"""Draw a digit (chapter 16): a pad whose drawing the chapter's network reads, in Jupyter and on the page.

The reader draws with the mouse or a finger; the drawing becomes the kind of
8×8 image the network was trained on, and the network says which digit it sees,
with the ten probabilities as bars and the 8×8 image it actually received.

**From strokes to 8×8** (:func:`strokes_to_image`, the same steps in Python and
in the page's JavaScript). The UCI digits were made from 32×32 bitmaps,
size-normalised and centred, by counting the pixels that are on in each 4×4
block (0 to 16). So the pad does the same with the strokes (lists of points):

1. take the bounding box of every point and scale it so that its height fills
   the 32 pixels but for a :data:`MARGIN` (every UCI digit is that tall),
   keeping the aspect ratio but squeezing the width to at most
   :data:`MAX_WIDTH` pixels;
2. centre the box in the 32×32 grid;
3. choose the pen: a pixel is on when its centre lies within the pen's radius
   of a stroke segment, and the radius (one of :data:`RADII`) is the one that
   puts the number of on pixels closest to :data:`TARGET_INK`. The UCI digits
   hold about that much ink whatever the digit (312 of 1,024 pixels on average,
   standard deviation 34): their strokes were normalised too. So a long drawing
   (an 8) gets a thin pen and a short one (a 1) a thick pen, as in the data;
4. count the on pixels in each 4×4 block: 8×8 values from 0 to 16.

**The network** (:class:`DigitNet`): the chapter's ``tensor_nn.MLP`` (ReLU
between the layers), on the pixels divided by 16; softmax at the end.
:func:`probabilities` is its forward pass in plain Python; the page's
JavaScript does the same arithmetic in the same order on the same float64
weights (shipped in the output as base64), so both agree to rounding (tested
in the browser to 1e-9).

**One output, two renderings** (as the other explorers, see
:mod:`micrograd.widgets.player`): :func:`digit_pad` returns a live widget
(an anywidget: the drawing is made in the browser, the 8×8 image goes to the
kernel, which runs the network in Python and sends the probabilities back)
that also carries ``text/html``: the self-contained pad for the book, whose
JavaScript runs the network itself (no kernel, no server, no CDN). Before the
cell runs (an untrusted notebook, GitHub's viewer), scripts and styles are
stripped: what is left is a picture of the pad on an example and one line
saying to run the cell. The JavaScript builds the pad itself and marks it
``data-digit-pad``; the answer is the element with ``data-prediction`` (its
value: the digit, empty before any drawing).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import struct
from collections.abc import Sequence
from typing import Any

import anywidget
import traitlets

from micrograd.widgets.player import with_static_fallback

GRID = 32  # the size-normalised bitmap the UCI digits were made from
BLOCK = 4  # 32 / 4 = 8 pixels a side
SIDE = GRID // BLOCK
MARGIN = 3.5  # room left above and below the drawing's centre line, for the pen (32x32 pixels)
RADII = tuple(1.5 + 0.25 * k for k in range(15))  # the pens to choose from: radius 1.5 to 5 pixels
TARGET_INK = 312  # the mean number of on pixels (of 1,024) of a UCI digit's 32x32 bitmap
MAX_WIDTH = 24.0  # the widest a drawing gets, in pixels of the 32x32 grid (UCI digits span <= 6 of 8 columns)
PIXEL_MAX = 16  # an 8x8 value counts the 16 pixels of a 4x4 block

Point = Sequence[float]
Stroke = Sequence[Point]

RUN_LINE = (
    "Draw a digit: run this cell (Jupyter, Colab or Binder) to get the live pad, or read the book's web "
    "page, where the pad runs the network in the page."
)

# ---------------------------------------------------------------------------
# Strokes -> the 8x8 image the network receives
# ---------------------------------------------------------------------------


def _check_strokes(strokes: Any) -> list[list[tuple[float, float]]]:
    """``strokes`` as lists of (x, y) float pairs, or a TypeError saying what was expected."""
    if isinstance(strokes, (str, bytes)) or not isinstance(strokes, Sequence):
        raise TypeError(
            f"strokes must be a list of strokes (lists of (x, y) points), got {type(strokes).__name__}"
        )
    checked = []
    for s, stroke in enumerate(strokes):
        if isinstance(stroke, (str, bytes)) or not isinstance(stroke, Sequence):
            raise TypeError(f"strokes[{s}] must be a list of (x, y) points, got {type(stroke).__name__}")
        points = []
        for p, point in enumerate(stroke):
            if not isinstance(point, Sequence) or len(point) != 2:
                raise TypeError(f"strokes[{s}][{p}] must be an (x, y) pair, got {point!r}")
            x, y = float(point[0]), float(point[1])
            if not (math.isfinite(x) and math.isfinite(y)):
                raise ValueError(f"strokes[{s}][{p}] must be finite, got {point!r}")
            points.append((x, y))
        if points:
            checked.append(points)
    return checked


def fit_to_grid(strokes: Any) -> list[list[tuple[float, float]]]:
    """The strokes scaled and centred in the 32×32 grid (coordinates in grid pixels, y down).

    The bounding box's height becomes ``GRID - 2 * MARGIN`` (so the ink, pen
    width included, spans the grid's height), its width is scaled alike but to
    at most ``MAX_WIDTH - 2 * MARGIN`` (see :func:`_scales`), and the box's
    centre goes to the grid's centre (16, 16).
    """
    strokes = _check_strokes(strokes)
    points = [p for stroke in strokes for p in stroke]
    if not points:
        return []
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
    sx, sy = _scales(right - left, bottom - top)
    cx, cy = (left + right) / 2.0, (top + bottom) / 2.0
    half = GRID / 2.0
    return [[((x - cx) * sx + half, (y - cy) * sy + half) for x, y in stroke] for stroke in strokes]


def _scales(width: float, height: float) -> tuple[float, float]:
    """The horizontal and vertical scale factors that fit a ``width`` × ``height`` box as the UCI digits are.

    Every UCI digit spans the full height of its bitmap and at most about
    three quarters of its width. So the height (plus the pen) fills the
    32 pixels, and the width is kept in proportion but squeezed to at most
    :data:`MAX_WIDTH` pixels (a round "0" becomes an upright oval). A flat
    drawing (no height, e.g. "-") is scaled by its width alone; a dot stays a dot.
    """
    room_y, room_x = GRID - 2.0 * MARGIN, MAX_WIDTH - 2.0 * MARGIN
    limit_x = room_x / width if width > 0 else math.inf
    if height > 0:
        sy = room_y / height
        return min(sy, limit_x), sy
    scale = limit_x if width > 0 else 0.0
    return scale, scale


def _distance_squared(px: float, py: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    """The squared distance from (px, py) to the segment a–b (to the point a when a == b)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length2 = dx * dx + dy * dy
    t = 0.0
    if length2 > 0:
        t = ((px - a[0]) * dx + (py - a[1]) * dy) / length2
        t = max(0.0, min(1.0, t))
    ex, ey = a[0] + t * dx - px, a[1] + t * dy - py
    return ex * ex + ey * ey


def distances(strokes: Any) -> list[list[float]]:
    """For each pixel of the 32×32 grid, the squared distance from its centre to the fitted strokes.

    (``inf`` everywhere for an empty drawing.) A one-point stroke is a dot.
    """
    segments = []
    for stroke in fit_to_grid(strokes):
        pairs = list(zip(stroke, stroke[1:], strict=False)) if len(stroke) > 1 else [(stroke[0], stroke[0])]
        segments.extend(pairs)
    field = []
    for row in range(GRID):
        line = []
        for col in range(GRID):
            nearest = math.inf
            for a, b in segments:
                d2 = _distance_squared(col + 0.5, row + 0.5, a, b)
                if d2 < nearest:
                    nearest = d2
            line.append(nearest)
        field.append(line)
    return field


def pen_radius(field: Sequence[Sequence[float]]) -> float:
    """The radius in :data:`RADII` whose ink (pixels within it) is closest to :data:`TARGET_INK`.

    On a tie the smaller radius wins.
    """
    best, best_gap = RADII[0], math.inf
    for radius in RADII:
        limit = radius * radius
        ink = sum(1 for line in field for d2 in line if d2 <= limit)
        if abs(ink - TARGET_INK) < best_gap:
            best, best_gap = radius, abs(ink - TARGET_INK)
    return best


def rasterize(strokes: Any) -> list[list[int]]:
    """The fitted strokes as a 32×32 bitmap: 1 where a pixel centre is within :func:`pen_radius`."""
    field = distances(strokes)
    limit = pen_radius(field) ** 2
    return [[int(d2 <= limit) for d2 in line] for line in field]


def block_counts(bitmap: Sequence[Sequence[int]]) -> list[int]:
    """A 32×32 bitmap of 0/1 as the 64 counts of its 4×4 blocks, row by row (each 0 to 16)."""
    if len(bitmap) != GRID or any(len(row) != GRID for row in bitmap):
        raise ValueError(f"the bitmap must be {GRID}x{GRID}")
    return [
        sum(bitmap[BLOCK * r + i][BLOCK * c + j] for i in range(BLOCK) for j in range(BLOCK))
        for r in range(SIDE)
        for c in range(SIDE)
    ]


def strokes_to_image(strokes: Any) -> list[int]:
    """What the network receives for a drawing: 64 ints 0–16, row by row, as in ``load_digits()``."""
    return block_counts(rasterize(strokes))


# ---------------------------------------------------------------------------
# The network, in plain Python and as float64 bytes for the page
# ---------------------------------------------------------------------------


class DigitNet:
    """A trained MLP for the 8×8 digits: ``layers`` is a list of ``(W, b)``, W of shape (nin, nout).

    ``x = pixels / 16``; ``x = relu(x @ W + b)`` for every layer but the last,
    whose ``x @ W + b`` are the ten logits; probabilities by softmax.
    """

    def __init__(self, layers: Sequence[tuple[Any, Any]]) -> None:
        self.layers: list[tuple[list[list[float]], list[float]]] = []
        nin = SIDE * SIDE
        for k, (W, b) in enumerate(layers):
            W = [[float(v) for v in row] for row in _tolist(W)]
            b = [float(v) for v in _tolist(b)]
            if len(W) != nin or any(len(row) != len(b) for row in W):
                raise ValueError(f"layer {k}: W must be ({nin}, {len(b)}) to follow the previous layer")
            self.layers.append((W, b))
            nin = len(b)
        if not self.layers or nin != 10:
            raise ValueError(f"the last layer must give 10 logits, got {nin}")

    @classmethod
    def from_mlp(cls, model: Any) -> DigitNet:
        """The weights of a ``tensor_nn.MLP(64, [..., 10])``, copied (later training does not change them)."""
        return cls([(layer.W.data, layer.b.data) for layer in model.layers])

    def logits(self, image: Sequence[float]) -> list[float]:
        """The ten logits for 64 pixel values 0–16: ``x @ W + b`` layer by layer, ReLU in between."""
        x = [float(v) / PIXEL_MAX for v in _check_image(image)]
        last = len(self.layers) - 1
        for k, (W, b) in enumerate(self.layers):
            out = list(b)
            for i, xi in enumerate(x):  # out_j = b_j + sum_i x_i W_ij, summed in the order i = 0, 1, ...
                if xi != 0.0:
                    row = W[i]
                    out = [o + xi * w for o, w in zip(out, row, strict=True)]
            x = out if k == last else [v if v > 0.0 else 0.0 for v in out]
        return x

    def probabilities(self, image: Sequence[float]) -> list[float]:
        """softmax(logits): ``exp(z_k - max z) / sum_j exp(z_j - max z)``."""
        return softmax(self.logits(image))

    def to_base64(self) -> str:
        """Every layer's W (row by row) then b, as little-endian float64, base64: exact, for the page."""
        values: list[float] = []
        for W, b in self.layers:
            values.extend(v for row in W for v in row)
            values.extend(b)
        return base64.b64encode(struct.pack(f"<{len(values)}d", *values)).decode("ascii")

    def sizes(self) -> list[int]:
        """``[64, hidden..., 10]``."""
        return [len(self.layers[0][0])] + [len(b) for _, b in self.layers]

    @classmethod
    def from_base64(cls, data: str, sizes: Sequence[int]) -> DigitNet:
        """The inverse of :meth:`to_base64` (the page's weights, read back in Python)."""
        raw = base64.b64decode(data)
        values = struct.unpack(f"<{len(raw) // 8}d", raw)
        layers, at = [], 0
        for nin, nout in zip(sizes, sizes[1:], strict=False):
            W = [list(values[at + i * nout : at + (i + 1) * nout]) for i in range(nin)]
            at += nin * nout
            b = list(values[at : at + nout])
            at += nout
            layers.append((W, b))
        if at != len(values):
            raise ValueError(f"{len(values)} numbers do not fit layers of sizes {list(sizes)}")
        return cls(layers)


def softmax(z: Sequence[float]) -> list[float]:
    """``exp(z_k - max z) / sum_j exp(z_j - max z)`` (shifted by the max: no overflow)."""
    top = max(z)
    e = [math.exp(v - top) for v in z]
    total = 0.0
    for v in e:
        total += v
    return [v / total for v in e]


def _tolist(a: Any) -> list:
    return a.tolist() if hasattr(a, "tolist") else list(a)


def _check_image(image: Any) -> list[float]:
    image = _tolist(image)
    if len(image) == SIDE and all(isinstance(row, (list, tuple)) for row in image):
        image = [v for row in image for v in row]  # an 8x8 nested list
    if len(image) != SIDE * SIDE:
        raise ValueError(f"an image has {SIDE * SIDE} pixel values (8x8), got {len(image)}")
    return [float(v) for v in image]


# ---------------------------------------------------------------------------
# The JavaScript: one core (preprocessing, forward pass, the pad's UI) for the page and the widget
# ---------------------------------------------------------------------------

_CSS = """
.mg-digit-pad{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start;margin:0.5em 0;padding:0.6em;
border:1px solid #ccc;border-radius:4px;font-family:inherit;max-width:100%;box-sizing:border-box}
.mg-digit-pad canvas.mg-pad{width:224px;height:224px;background:#fff;border:2px solid #555;border-radius:4px;
touch-action:none;cursor:crosshair}
.mg-digit-pad .mg-pad-side{display:flex;flex-direction:column;gap:0.4em;min-width:12em}
.mg-digit-pad canvas.mg-seen{width:96px;height:96px;border:1px solid #999;image-rendering:pixelated}
.mg-digit-pad .mg-answer{font-size:1.25em;font-weight:bold;min-height:1.5em}
.mg-digit-pad .mg-bar-row{display:flex;align-items:center;gap:0.4em;font-variant-numeric:tabular-nums;
font-size:0.9em;line-height:1.2}
.mg-digit-pad .mg-bar-track{width:10em;height:0.8em;background:#eee;border-radius:2px;overflow:hidden}
.mg-digit-pad .mg-bar{height:100%;background:#90a4ae}
.mg-digit-pad .mg-bar-row.mg-top .mg-bar{background:#1976d2}
.mg-digit-pad button{padding:0.15em 0.8em;border:1px solid #888;border-radius:3px;background:#f5f5f5;
color:#222;cursor:pointer;font:inherit;align-self:flex-start}
"""

# The core: mgDigitPadCore() returns {strokesToImage, forward, build}. Plain ES5, no library.
_CORE_JS = r"""
function mgDigitPadCore() {
  var GRID = 32, BLOCK = 4, SIDE = 8, MARGIN = %(margin)s, MAX_WIDTH = %(max_width)s;
  var RADII = %(radii)s, TARGET_INK = %(target)s;
  function fit(strokes) {
    var xs = [], ys = [], i, j;
    for (i = 0; i < strokes.length; i++)
      for (j = 0; j < strokes[i].length; j++) { xs.push(strokes[i][j][0]); ys.push(strokes[i][j][1]); }
    if (!xs.length) return [];
    var left = Math.min.apply(null, xs), right = Math.max.apply(null, xs);
    var top = Math.min.apply(null, ys), bottom = Math.max.apply(null, ys);
    var width = right - left, height = bottom - top, sx, sy;
    var roomY = GRID - 2.0 * MARGIN, roomX = MAX_WIDTH - 2.0 * MARGIN;
    var limitX = width > 0 ? roomX / width : Infinity;
    if (height > 0) { sy = roomY / height; sx = Math.min(sy, limitX); }
    else { sx = width > 0 ? limitX : 0.0; sy = sx; }
    var cx = (left + right) / 2.0, cy = (top + bottom) / 2.0, half = GRID / 2.0;
    return strokes.filter(function (s) { return s.length > 0; }).map(function (s) {
      return s.map(function (p) { return [(p[0] - cx) * sx + half, (p[1] - cy) * sy + half]; });
    });
  }
  function dist2(px, py, a, b) {
    var dx = b[0] - a[0], dy = b[1] - a[1], len2 = dx * dx + dy * dy, t = 0.0;
    if (len2 > 0) { t = ((px - a[0]) * dx + (py - a[1]) * dy) / len2; t = Math.max(0.0, Math.min(1.0, t)); }
    var ex = a[0] + t * dx - px, ey = a[1] + t * dy - py;
    return ex * ex + ey * ey;
  }
  function strokesToImage(strokes) {
    var fitted = fit(strokes), segs = [], i, k, r, c;
    for (i = 0; i < fitted.length; i++) {
      var s = fitted[i];
      if (s.length === 1) segs.push([s[0], s[0]]);
      for (k = 0; k + 1 < s.length; k++) segs.push([s[k], s[k + 1]]);
    }
    var field = [], image = [];
    for (r = 0; r < GRID; r++) {  // squared distance from each pixel centre to the nearest segment
      for (c = 0; c < GRID; c++) {
        var nearest = Infinity;
        for (k = 0; k < segs.length; k++) {
          var d2 = dist2(c + 0.5, r + 0.5, segs[k][0], segs[k][1]);
          if (d2 < nearest) nearest = d2;
        }
        field.push(nearest);
      }
    }
    var radius = RADII[0], bestGap = Infinity;  // the pen whose ink is closest to the data's
    for (k = 0; k < RADII.length; k++) {
      var limit = RADII[k] * RADII[k], ink = 0;
      for (i = 0; i < field.length; i++) if (field[i] <= limit) ink++;
      if (Math.abs(ink - TARGET_INK) < bestGap) { radius = RADII[k]; bestGap = Math.abs(ink - TARGET_INK); }
    }
    var r2 = radius * radius;
    for (i = 0; i < SIDE * SIDE; i++) image.push(0);
    for (r = 0; r < GRID; r++)
      for (c = 0; c < GRID; c++)
        if (field[GRID * r + c] <= r2) image[SIDE * Math.floor(r / BLOCK) + Math.floor(c / BLOCK)] += 1;
    return image;
  }
  function decode(b64, sizes) {
    var bin = atob(b64), bytes = new Uint8Array(bin.length), i;
    for (i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var view = new DataView(bytes.buffer), at = 0, layers = [];
    var next = function () { var v = view.getFloat64(at * 8, true); at++; return v; };
    for (var l = 0; l + 1 < sizes.length; l++) {
      var nin = sizes[l], nout = sizes[l + 1], W = [], b = [];
      for (i = 0; i < nin; i++) {
        var row = [];
        for (var j = 0; j < nout; j++) row.push(next());
        W.push(row);
      }
      for (j = 0; j < nout; j++) b.push(next());
      layers.push([W, b]);
    }
    return layers;
  }
  function forward(layers, image) {
    var x = image.map(function (v) { return v / 16; }), last = layers.length - 1;
    for (var l = 0; l < layers.length; l++) {
      var W = layers[l][0], out = layers[l][1].slice(), i, j;
      for (i = 0; i < x.length; i++) {
        if (x[i] !== 0) { var row = W[i]; for (j = 0; j < out.length; j++) out[j] = out[j] + x[i] * row[j]; }
      }
      if (l !== last) for (j = 0; j < out.length; j++) out[j] = out[j] > 0 ? out[j] : 0;
      x = out;
    }
    var top = Math.max.apply(null, x), e = x.map(function (v) { return Math.exp(v - top); }), total = 0;
    for (var k = 0; k < e.length; k++) total += e[k];
    return e.map(function (v) { return v / total; });
  }
  function el(tag, cls, parent) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (parent) parent.appendChild(e);
    return e;
  }
  // The pad's UI inside root; predict(image, show) is called with each new 8x8 image.
  function build(root, predict) {
    root.innerHTML = "";
    var style = el("style", "", root); style.textContent = %(css)s;
    var box = el("div", "mg-digit-pad", root);
    var pad = el("canvas", "mg-pad", box);
    pad.width = 224; pad.height = 224;
    pad.setAttribute("data-digit-pad", "");
    pad.setAttribute("role", "img");
    pad.setAttribute("aria-label", "Drawing pad: draw a digit with the mouse or a finger");
    var side = el("div", "mg-pad-side", box);
    var answer = el("div", "mg-answer", side);
    answer.setAttribute("data-prediction", "");
    answer.setAttribute("aria-live", "polite");
    answer.textContent = "Draw a digit on the pad.";
    var seenLabel = el("div", "", side); seenLabel.textContent = "What the network receives (8\u00d78):";
    var seen = el("canvas", "mg-seen", side); seen.width = 8; seen.height = 8;
    var bars = el("div", "mg-bars", side), rows = [];
    for (var d = 0; d < 10; d++) {
      var rowEl = el("div", "mg-bar-row", bars);
      var name = el("span", "", rowEl); name.textContent = String(d);
      var track = el("div", "mg-bar-track", rowEl), bar = el("div", "mg-bar", track);
      bar.style.width = "0%%";
      var pct = el("span", "", rowEl); pct.textContent = "";
      rows.push([rowEl, bar, pct]);
    }
    var clear = el("button", "", side); clear.type = "button"; clear.textContent = "Clear";
    var ctx = pad.getContext("2d"), strokes = [], drawing = false, pending = false;
    function paint() {
      ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, pad.width, pad.height);
      ctx.strokeStyle = "#111"; ctx.lineWidth = 14; ctx.lineCap = "round"; ctx.lineJoin = "round";
      strokes.forEach(function (s) {
        ctx.beginPath(); ctx.moveTo(s[0][0], s[0][1]);
        for (var i = 1; i < s.length; i++) ctx.lineTo(s[i][0], s[i][1]);
        if (s.length === 1) ctx.lineTo(s[0][0] + 0.01, s[0][1]);
        ctx.stroke();
      });
    }
    function showImage(image) {
      var sctx = seen.getContext("2d"), data = sctx.createImageData(8, 8);
      for (var i = 0; i < 64; i++) {
        var g = Math.round(255 - image[i] * 255 / 16);
        data.data[4 * i] = g; data.data[4 * i + 1] = g; data.data[4 * i + 2] = g; data.data[4 * i + 3] = 255;
      }
      sctx.putImageData(data, 0, 0);
    }
    function show(probs) {
      if (!probs || probs.length !== 10) return;
      var best = 0;
      for (var d = 1; d < 10; d++) if (probs[d] > probs[best]) best = d;
      for (d = 0; d < 10; d++) {
        rows[d][1].style.width = (100 * probs[d]).toFixed(1) + "%%";
        rows[d][2].textContent = (100 * probs[d]).toFixed(1) + " %%";
        rows[d][0].classList.toggle("mg-top", d === best);
      }
      answer.setAttribute("data-prediction", String(best));
      answer.textContent = "I read a " + best + " (" + (100 * probs[best]).toFixed(1) + " %%)";
    }
    function update() {
      pending = false;
      if (!strokes.length) return;
      var image = strokesToImage(strokes);
      showImage(image);
      predict(image, show);
    }
    function schedule() { if (!pending) { pending = true; requestAnimationFrame(update); } }
    function at(event) {
      var r = pad.getBoundingClientRect();
      return [(event.clientX - r.left) * pad.width / r.width,
              (event.clientY - r.top) * pad.height / r.height];
    }
    pad.addEventListener("pointerdown", function (event) {
      event.preventDefault(); drawing = true;
      if (pad.setPointerCapture) { try { pad.setPointerCapture(event.pointerId); } catch (e) {} }
      strokes.push([at(event)]); paint(); schedule();
    });
    pad.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      event.preventDefault(); strokes[strokes.length - 1].push(at(event)); paint(); schedule();
    });
    var end = function () { if (drawing) { drawing = false; update(); } };
    pad.addEventListener("pointerup", end);
    pad.addEventListener("pointercancel", end);
    clear.addEventListener("click", function () {
      strokes = []; paint(); showImage(new Array(64).fill(0));
      rows.forEach(function (r) {
        r[1].style.width = "0%%"; r[2].textContent = ""; r[0].classList.remove("mg-top");
      });
      answer.setAttribute("data-prediction", ""); answer.textContent = "Draw a digit on the pad.";
    });
    paint(); showImage(new Array(64).fill(0));
    return {show: show};
  }
  return {strokesToImage: strokesToImage, decode: decode, forward: forward, build: build};
}
"""


def core_js() -> str:
    """The shared JavaScript (``mgDigitPadCore``), with the pen radius and the stylesheet filled in."""
    return _CORE_JS % {
        "margin": repr(MARGIN),
        "max_width": repr(MAX_WIDTH),
        "radii": json.dumps(list(RADII)),
        "target": repr(TARGET_INK),
        "css": json.dumps(_CSS),
    }


# On the page: define the pad once (window.mgDigitPad1), start every pad not started yet. Each root
# carries its network in data-mg-weights / data-mg-sizes. predict(root, image) is the page's forward
# pass, exposed for the browser test.
_PAGE_JS = r"""
(function () {
  if (!window.mgDigitPad1) {
    var core = mgDigitPadCore();
    var net = function (root) {
      if (!root._mgNet) root._mgNet = core.decode(root.getAttribute("data-mg-weights"),
                                                  JSON.parse(root.getAttribute("data-mg-sizes")));
      return root._mgNet;
    };
    window.mgDigitPad1 = {
      core: core,
      predict: function (root, image) { return core.forward(net(root), image); },
      init: function (root) {
        root.setAttribute("data-mg-ready", "1");
        var layers = net(root), mount = root.querySelector(".mg-pad-mount");
        var fallback = root.querySelector(".mg-pad-static");
        if (fallback) fallback.parentNode.removeChild(fallback);
        core.build(mount, function (image, show) { show(core.forward(layers, image)); });
      },
      initAll: function () {
        var roots = document.querySelectorAll(".mg-digit-pad-root:not([data-mg-ready])");
        for (var i = 0; i < roots.length; i++) window.mgDigitPad1.init(roots[i]);
      }
    };
  }
  window.mgDigitPad1.initAll();
})();
"""

# In Jupyter: the anywidget front end. The drawing's 8x8 image goes to the kernel (trait "image"); the
# kernel answers with "probabilities", computed by the network in Python.
_WIDGET_JS = r"""
function render({ model, el }) {
  var core = mgDigitPadCore();
  var ui = core.build(el, function (image, show) {
    model.set("image", image);
    model.save_changes();
  });
  model.on("change:probabilities", function () { ui.show(model.get("probabilities")); });
}
export default { render };
"""


def pad_picture(net: DigitNet, strokes: Sequence[Stroke], dpi: int = 80) -> str:
    """A picture of the pad reading ``strokes`` (base64 PNG): the drawing, the 8×8 image, the ten bars.

    It is what the output shows before its script runs (an untrusted notebook, GitHub's viewer).
    """
    from matplotlib.figure import Figure

    from micrograd.widgets.player import png_base64

    image = strokes_to_image(strokes)
    probabilities = net.probabilities(image)
    best = max(range(10), key=probabilities.__getitem__)
    fig = Figure(figsize=(6.4, 2.2))
    drawing, seen, bars = fig.subplots(1, 3, width_ratios=[1, 0.6, 1.3])
    for stroke in _check_strokes(strokes):
        xs, ys = zip(*stroke, strict=True)
        drawing.plot(xs, ys, color="black", linewidth=6, solid_capstyle="round")
    drawing.invert_yaxis()
    drawing.set_aspect("equal", adjustable="datalim")
    drawing.margins(0.25)
    drawing.set_xticks([])
    drawing.set_yticks([])
    drawing.set_title("a drawing", fontsize=9)
    seen.imshow(
        [image[SIDE * r : SIDE * (r + 1)] for r in range(SIDE)], cmap="gray_r", vmin=0, vmax=PIXEL_MAX
    )
    seen.set_title("what it receives", fontsize=9)
    seen.axis("off")
    bars.barh(range(10), probabilities, color=["#1976d2" if d == best else "#90a4ae" for d in range(10)])
    bars.set_yticks(range(10))
    bars.invert_yaxis()
    bars.set_xlim(0, 1)
    bars.set_title(f"it reads a {best} ({probabilities[best]:.0%})", fontsize=9)
    fig.tight_layout()
    return png_base64(fig, dpi)


def page_html(net: DigitNet, example_png: str | None = None) -> str:
    """The self-contained pad for a page with no kernel: HTML + JavaScript, the weights inside.

    Before the script runs (untrusted notebook, GitHub) it reads as a picture
    (``example_png``, base64 PNG, e.g. :func:`pad_picture` of the pad on a
    drawing) and :data:`RUN_LINE`; the script replaces both by the live pad.
    """
    weights, sizes = net.to_base64(), net.sizes()
    uid = "mg-digit-pad-" + hashlib.sha256((weights + json.dumps(sizes)).encode()).hexdigest()[:12]
    picture = ""
    if example_png:
        picture = (
            f'<img src="data:image/png;base64,{example_png}" alt="The pad reading an example drawing" '
            'style="max-width:100%;height:auto">'
        )
    return "\n".join(
        [
            f'<div class="mg-digit-pad-root tex2jax_ignore mathjax_ignore" id="{uid}" '
            f'data-mg-sizes="{html.escape(json.dumps(sizes), quote=True)}" data-mg-weights="{weights}">',
            f'<div class="mg-pad-static">{picture}<p><em>{html.escape(RUN_LINE)}</em></p></div>',
            '<div class="mg-pad-mount"></div>',
            f"<script>{core_js()}{_PAGE_JS}</script>",
            "</div>",
        ]
    )


class DigitPad(anywidget.AnyWidget):
    """The live pad in Jupyter: the browser sends the 8×8 ``image``, Python answers ``probabilities``."""

    _esm = core_js() + _WIDGET_JS  # anywidget's front-end module: the same core as the page's pad
    image = traitlets.List(traitlets.Int(), default_value=[]).tag(sync=True)
    probabilities = traitlets.List(traitlets.Float(), default_value=[]).tag(sync=True)

    def __init__(self, net: DigitNet, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.net = net

    @traitlets.observe("image")
    def _predict(self, change: dict) -> None:
        image = change["new"]
        if len(image) == SIDE * SIDE:
            self.probabilities = self.net.probabilities(image)


def digit_pad(net: DigitNet, example: Sequence[Stroke] | None = None) -> Any:
    """The pad: a live anywidget in Jupyter, and the self-contained HTML pad on the book's page.

    ``example`` (strokes) is drawn, with the network's answer, as the picture shown
    before the output's script runs.
    """
    if not isinstance(net, DigitNet):
        raise TypeError(f"digit_pad needs a DigitNet (DigitNet.from_mlp(model)), got {type(net).__name__}")
    text = f"Draw a digit: a pad over the network {net.sizes()}"
    static = page_html(net, example_png=None if example is None else pad_picture(net, example))
    return with_static_fallback(DigitPad(net), static=lambda: {"text/html": static}, text=text)


__all__ = [
    "GRID",
    "MARGIN",
    "RADII",
    "TARGET_INK",
    "RUN_LINE",
    "DigitNet",
    "DigitPad",
    "block_counts",
    "core_js",
    "digit_pad",
    "fit_to_grid",
    "pad_picture",
    "pen_radius",
    "distances",
    "page_html",
    "rasterize",
    "softmax",
    "strokes_to_image",
]
