"""The chapter's drawings: thread maps, grids, a reduction, the GPU model, a roofline, tiles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

_BLOCK_COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"]


def draw_thread_map(n: int, threads_per_block: int, ax: Any = None) -> Any:
    """Which thread handles which element of a 1-D array: cells coloured by block, spare threads hatched."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    blocks = -(-n // threads_per_block)
    total = blocks * threads_per_block
    if ax is None:
        _, ax = plt.subplots(figsize=(min(10, 0.45 * total + 1), 1.9))
    for i in range(total):
        colour = _BLOCK_COLOURS[(i // threads_per_block) % len(_BLOCK_COLOURS)]
        spare = i >= n
        ax.add_patch(
            Rectangle(
                (i, 0),
                0.92,
                0.9,
                facecolor="white" if spare else colour,
                edgecolor=colour,
                hatch="///" if spare else None,
                linewidth=1.2,
            )
        )
        ax.text(
            i + 0.46,
            0.45,
            str(i % threads_per_block),
            ha="center",
            va="center",
            fontsize=8,
            color=colour if spare else "white",
        )
        ax.text(i + 0.46, -0.3, str(i), ha="center", va="center", fontsize=7, color="#555")
    for b in range(blocks):
        ax.text(b * threads_per_block + threads_per_block / 2, 1.25, f"block {b}", ha="center", fontsize=9)
    ax.text(-0.6, 0.45, "threadIdx.x", ha="right", va="center", fontsize=8)
    ax.text(-0.6, -0.3, "i = cuda.grid(1)", ha="right", va="center", fontsize=8, color="#555")
    ax.set_xlim(-0.2, total + 0.2)
    ax.set_ylim(-0.7, 1.6)
    ax.axis("off")
    return ax


def draw_grid_2d(rows: int, cols: int, block: tuple[int, int], ax: Any = None) -> Any:
    """A rows x cols output covered by 2-D blocks (bx, by) of block = (threads along x, along y)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    bx, by = block
    gx, gy = -(-cols // bx), -(-rows // by)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.8, 4.2))
    for i in range(gy * by):
        for j in range(gx * bx):
            colour = _BLOCK_COLOURS[((i // by) * gx + j // bx) % len(_BLOCK_COLOURS)]
            spare = i >= rows or j >= cols
            ax.add_patch(
                Rectangle(
                    (j, -i),
                    0.92,
                    -0.92,
                    facecolor="white" if spare else colour,
                    edgecolor=colour,
                    hatch="///" if spare else None,
                )
            )
            if not spare:
                ax.text(j + 0.46, -i - 0.46, f"{i},{j}", ha="center", va="center", fontsize=7, color="white")
    ax.add_patch(Rectangle((-0.05, 0.05), cols + 0.02, -rows - 0.02, fill=False, edgecolor="black", lw=1.5))
    ax.set_xlim(-1.0, gx * bx + 0.3)
    ax.set_ylim(-gy * by - 0.3, 0.8)
    ax.text(0, 0.35, "x: columns j  ->", fontsize=9)
    ax.text(-0.35, -0.2, "y: rows i  ->", fontsize=9, rotation=-90, ha="right", va="top")
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def draw_reduction(n: int = 8, ax: Any = None) -> Any:
    """The tree reduction in shared memory: at each step thread t adds cache[t + stride] to cache[t]."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    steps = int(np.log2(n))
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 1.2 * (steps + 1) + 0.3))
    values = np.arange(1, n + 1, dtype=float)
    for step in range(steps + 1):
        y = -1.4 * step
        stride = n >> (step + 1)
        for t in range(n):
            live = t < (n >> step)
            ax.add_patch(
                Rectangle((t, y), 0.9, 0.8, facecolor="#4e79a7" if live else "#ddd", edgecolor="white")
            )
            if live:
                ax.text(
                    t + 0.45, y + 0.4, f"{values[t]:g}", ha="center", va="center", color="white", fontsize=9
                )
        label = "load" if step == 0 else f"after stride {n >> step}"
        ax.text(-0.3, y + 0.4, label, ha="right", va="center", fontsize=9)
        if step < steps:
            for t in range(stride):
                for src in (t, t + stride):
                    ax.annotate(
                        "",
                        xy=(t + 0.45, y - 0.6),
                        xytext=(src + 0.45, y),
                        arrowprops=dict(arrowstyle="->", color="#e15759", lw=1),
                    )
            ax.text(n + 0.2, y - 0.3, "syncthreads()", fontsize=8, color="#555", va="center")
            values[:stride] = values[:stride] + values[stride : 2 * stride]
    ax.set_xlim(-2.2, n + 2.4)
    ax.set_ylim(-1.4 * steps - 0.3, 1.0)
    ax.axis("off")
    return ax


def draw_gpu_model(ax: Any = None) -> Any:
    """A grid of blocks of threads; each block with its shared memory; global memory under them all."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch, Rectangle

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 3.6))
    for b in range(3):
        x0 = 0.3 + 3.2 * b
        ax.add_patch(
            FancyBboxPatch(
                (x0, 1.2),
                2.8,
                2.2,
                boxstyle="round,pad=0.05",
                facecolor="#eef3f9",
                edgecolor=_BLOCK_COLOURS[b],
                lw=1.6,
            )
        )
        ax.text(x0 + 1.4, 3.15, f"block {b}" if b < 2 else "block ...", ha="center", fontsize=10)
        for t in range(8):
            tx = x0 + 0.15 + (t % 4) * 0.67
            ty = 2.35 - (t // 4) * 0.45
            ax.add_patch(Rectangle((tx, ty), 0.55, 0.35, facecolor=_BLOCK_COLOURS[b], edgecolor="white"))
            ax.text(tx + 0.27, ty + 0.17, f"t{t}", ha="center", va="center", fontsize=7, color="white")
        ax.add_patch(Rectangle((x0 + 0.15, 1.3), 2.5, 0.4, facecolor="#f6d9a8", edgecolor="#c08a2b"))
        ax.text(x0 + 1.4, 1.5, "shared memory (fast, per block)", ha="center", va="center", fontsize=7)
        ax.annotate(
            "", xy=(x0 + 1.4, 0.75), xytext=(x0 + 1.4, 1.2), arrowprops=dict(arrowstyle="<->", color="#555")
        )
    ax.add_patch(Rectangle((0.3, 0.1), 9.2, 0.6, facecolor="#d9d9d9", edgecolor="#777"))
    ax.text(
        4.9,
        0.4,
        "global memory (large, slow: hundreds of cycles per access)",
        ha="center",
        va="center",
        fontsize=9,
    )
    ax.text(4.9, 3.75, "a grid of blocks; every block runs the same kernel", ha="center", fontsize=10)
    ax.set_xlim(0, 9.8)
    ax.set_ylim(0, 4.0)
    ax.axis("off")
    return ax


def draw_roofline(machines: dict[str, tuple[float, float]], points: dict[str, float], ax: Any = None) -> Any:
    """Rooflines: attainable FLOP/s = min(peak FLOP/s, bandwidth * intensity), one per machine.

    ``machines`` maps a label to (bytes per second, FLOPs per second);
    ``points`` maps a kernel's name to its intensity (FLOPs per byte), marked
    on every roof.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.2))
    x = np.logspace(-2, 3, 300)
    styles = ["-", "--", ":"]
    for m, (label, (bandwidth, flops)) in enumerate(machines.items()):
        ax.loglog(x, np.minimum(flops, bandwidth * x) / 1e9, "k", ls=styles[m % 3], lw=2, label=label)
        for k, (name, intensity) in enumerate(points.items()):
            y = min(flops, bandwidth * intensity) / 1e9
            colour = _BLOCK_COLOURS[k % len(_BLOCK_COLOURS)]
            ax.plot([intensity], [y], "o", color=colour, label=name if m == 0 else None)
    ax.set_xlabel("arithmetic intensity (FLOPs per byte moved)")
    ax.set_ylabel("attainable GFLOP/s")
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(True, which="major", alpha=0.3)
    return ax


def draw_tiles(n: int = 8, inner: int = 8, m: int = 8, tile: int = 4, block: tuple[int, int] = (1, 0)) -> Any:
    """What one block of the tiled matmul reads: a band of rows of a, a band of columns of b.

    ``block`` is (bx, by): the block computes the tile of out in rows
    by*tile.. and columns bx*tile..; step s of its loop copies tile s of each
    band into shared memory (darker: step 0, lighter: step 1, ...).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    bx, by = block
    fig, axes = plt.subplots(1, 3, figsize=(9, 3.3))
    shades = ["#e15759", "#f1a340", "#fdd49e", "#fee8c8"]

    def grid(ax: Any, rows: int, cols: int, colour_of: Callable[[int, int], str], title: str) -> None:
        for i in range(rows):
            for j in range(cols):
                ax.add_patch(Rectangle((j, -i), 0.95, -0.95, facecolor=colour_of(i, j), edgecolor="white"))
        ax.set_xlim(-0.2, cols + 0.2)
        ax.set_ylim(-rows - 0.2, 0.2)
        ax.set_aspect("equal")
        ax.set_title(title, fontsize=10)
        ax.axis("off")

    rows_band = range(by * tile, (by + 1) * tile)
    cols_band = range(bx * tile, (bx + 1) * tile)
    grid(
        axes[0],
        n,
        inner,
        lambda i, j: shades[min(j // tile, 3)] if i in rows_band else "#e8e8e8",
        f"a: rows {rows_band.start}-{rows_band.stop - 1}",
    )
    grid(
        axes[1],
        inner,
        m,
        lambda i, j: shades[min(i // tile, 3)] if j in cols_band else "#e8e8e8",
        f"b: columns {cols_band.start}-{cols_band.stop - 1}",
    )
    grid(
        axes[2],
        n,
        m,
        lambda i, j: "#4e79a7" if i in rows_band and j in cols_band else "#e8e8e8",
        f"out: the tile of block {block}",
    )
    fig.tight_layout()
    return axes
