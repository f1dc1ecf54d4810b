"""The PyTorch snippets of the notebooks: find them, run them with PyTorch, compare their outputs.

PyTorch is not a dependency of the course, so a notebook shows PyTorch code as
text, never as a code cell. The one convention, in a markdown cell::

    ```python
    import torch
    print(torch.tensor(2.0) * 3)
    ```

    Output:

    ```text
    tensor(6.)
    ```

A ``python`` fenced block followed (blank lines between are fine) by a line
``Output:`` and a ``text`` fenced block is a *snippet*: the test runs it and
compares what it prints with the text block. The snippets of one notebook run
in order in one namespace (a later snippet may use what an earlier one made),
in a separate Python that has PyTorch: ``$MICROGRAD_TORCH_PYTHON``, else
``.venv-torch/bin/python`` (made by ``scripts/torch_env.sh``), with the
repository on ``PYTHONPATH`` so snippets can ``import micrograd``.

To rewrite the claimed outputs after changing a snippet (then read the diff!)::

    .venv/bin/python -m tests.torch_snippets --update notebooks/14_pytorch.ipynb
"""

from __future__ import annotations

import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_PYTHON = ROOT / ".venv-torch" / "bin" / "python"
TIMEOUT_S = 600

_FENCE = re.compile(r"^(\s*)```(\w*)\s*$")


@dataclass
class Snippet:
    notebook: str  # file name
    cell: int  # index of the markdown cell
    number: int  # 1, 2, ... within the notebook
    code: str
    expected: str  # the claimed output (text block), without its trailing newline

    @property
    def where(self) -> str:
        first = self.code.strip().splitlines()[0] if self.code.strip() else ""
        return f"{self.notebook}, snippet {self.number} (cell {self.cell}: {first!r})"


def _blocks(source: str) -> list[tuple[str, str, int, int]]:
    """(language, body, first line, last line) of each fenced block, plus the text lines between them."""
    lines = source.splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if match:
            lang = match.group(2)
            j = i + 1
            while j < len(lines) and lines[j].strip() != "```":
                j += 1
            blocks.append((lang, "\n".join(lines[i + 1 : j]), i, j))
            i = j + 1
        else:
            i += 1
    return blocks


def snippets_of_cell(source: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(code, claimed output) pairs of one markdown cell, and the python blocks without an output."""
    lines = source.splitlines()
    blocks = _blocks(source)
    pairs, orphans = [], []
    for index, (lang, body, _first, last) in enumerate(blocks):
        if lang != "python":
            continue
        nxt = blocks[index + 1] if index + 1 < len(blocks) else None
        between = lines[last + 1 : nxt[2]] if nxt else []
        text = [line.strip() for line in between if line.strip()]
        if nxt is not None and nxt[0] == "text" and text == ["Output:"]:
            pairs.append((body, nxt[1]))
        else:
            orphans.append(body)
    return pairs, orphans


def extract(path: Path) -> tuple[list[Snippet], list[str]]:
    """The snippets of a notebook, in order, and its ``python`` blocks naming torch that claim no output."""
    notebook = nbformat.read(path, as_version=4)
    snippets, orphans = [], []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        pairs, loose = snippets_of_cell(cell.source)
        for code, expected in pairs:
            snippets.append(Snippet(path.name, index, len(snippets) + 1, code, expected))
        orphans.extend(code for code in loose if "torch" in code)
    return snippets, orphans


def notebooks_with_snippets() -> list[Path]:
    return [path for path in sorted(NOTEBOOKS.glob("*.ipynb")) if extract(path)[0]]


def torch_python() -> str:
    return os.environ.get("MICROGRAD_TORCH_PYTHON") or str(DEFAULT_PYTHON)


# Runs inside the PyTorch Python: each group of snippets in its own namespace, stdout captured per snippet.
_RUNNER = r"""
import contextlib, io, json, sys, traceback
try:
    import torch
except ImportError as error:
    sys.exit(f"NO TORCH: {error}")
torch.set_num_threads(1)
groups = json.load(open(sys.argv[1]))
all_results = []
for codes in groups:
    namespace = {"__name__": "__snippets__"}
    results = []
    for number, code in enumerate(codes, 1):
        buffer = io.StringIO()
        error = None
        try:
            with contextlib.redirect_stdout(buffer):
                exec(compile(code, f"<snippet {number}>", "exec"), namespace)
        except BaseException:
            error = traceback.format_exc()
        results.append({"output": buffer.getvalue(), "error": error})
    all_results.append(results)
json.dump({"torch": torch.__version__, "results": all_results}, open(sys.argv[2], "w"))
"""


class NoTorch(RuntimeError):
    """The Python meant for the snippets does not exist or cannot import torch."""


def run_groups(groups: list[list[str]], python: str | None = None) -> tuple[str, list[list[dict]]]:
    """Run each group of codes in order in a namespace of its own, all in one PyTorch process.

    Returns torch's version and, per group, each code's ``{"output": ..., "error": traceback or None}``.
    Raises NoTorch when there is no such Python or it has no torch (one process: importing torch
    takes seconds).
    """
    python = python or torch_python()
    if os.sep in python and not Path(python).exists():
        raise NoTorch(f"{python} does not exist (make it with scripts/torch_env.sh)")
    with tempfile.TemporaryDirectory() as tmp:
        inputs, outputs = Path(tmp) / "in.json", Path(tmp) / "out.json"
        inputs.write_text(json.dumps(groups))
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        env["PYTHONHASHSEED"] = "0"
        env.setdefault("OMP_NUM_THREADS", "1")
        try:
            done = subprocess.run(
                [python, "-c", _RUNNER, str(inputs), str(outputs)],
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                cwd=tmp,
                env=env,
            )
        except OSError as error:
            raise NoTorch(f"{python} could not run: {error}") from None
        if "NO TORCH:" in done.stderr:
            raise NoTorch(f"{python} cannot import torch: {done.stderr.strip().splitlines()[-1]}")
        if done.returncode != 0 or not outputs.exists():
            raise RuntimeError(f"the snippet runner failed ({python}):\n{done.stderr[-3000:]}")
        data = json.loads(outputs.read_text())
        return data["torch"], data["results"]


def run(codes: list[str], python: str | None = None) -> list[dict]:
    """Run the codes in order in one namespace with the PyTorch Python; their outputs and errors."""
    return run_groups([codes], python)[1][0]


def normalise(text: str) -> str:
    """Compare outputs line by line, ignoring trailing spaces and trailing blank lines."""
    return "\n".join(line.rstrip() for line in text.rstrip().splitlines())


def problems(snippets: list[Snippet], results: list[dict], version: str = "?") -> list[str]:
    """One message per snippet that raised or printed something other than its claimed output."""
    found = []
    for snippet, result in zip(snippets, results, strict=True):
        if result["error"]:
            found.append(f"{snippet.where} raised:\n{result['error']}")
            continue
        got, want = normalise(result["output"]), normalise(snippet.expected)
        if got != want:
            diff = "\n".join(
                difflib.unified_diff(want.splitlines(), got.splitlines(), "claimed", "printed", lineterm="")
            )
            found.append(f"{snippet.where} printed something else (torch {version}):\n{diff}")
    return found


def update(path: Path) -> int:
    """Rewrite every claimed output of a notebook with what the snippets print now; the number changed."""
    snippets, _ = extract(path)
    results = run([s.code for s in snippets])
    notebook = nbformat.read(path, as_version=4)
    changed = 0
    for snippet, result in zip(snippets, results, strict=True):
        if result["error"]:
            raise RuntimeError(f"{snippet.where} raised:\n{result['error']}")
        got = normalise(result["output"])
        if got != normalise(snippet.expected):
            cell = notebook.cells[snippet.cell]
            old = f"```python\n{snippet.code}\n```"
            start = cell.source.index(old)
            text_start = cell.source.index("```text\n", start + len(old)) + len("```text\n")
            text_end = cell.source.index("```", text_start)
            cell.source = cell.source[:text_start] + got + "\n" + cell.source[text_end:]
            changed += 1
    if changed:
        nbformat.write(notebook, path)
    return changed


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] != "--update":
        sys.exit("usage: python -m tests.torch_snippets --update NOTEBOOK...")
    for name in sys.argv[2:]:
        print(f"{name}: {update(Path(name))} output(s) rewritten")
