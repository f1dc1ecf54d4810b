#!/usr/bin/env bash
# Make .venv-torch: a separate virtual environment with PyTorch, used only by
# tests/test_pytorch_snippets.py to run the PyTorch snippets the chapters show.
# PyTorch is not a dependency of the course (its CPU-only wheel is 192 MB, 700 MB unpacked), so it
# never goes into .venv. Idempotent: does nothing when the stamp is newer than
# this script. Override the location with TORCH_VENV, the Python with PYTHON.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
TORCH_VENV="${TORCH_VENV:-.venv-torch}"
TORCH_SPEC="${TORCH_SPEC:-torch==2.13.0}"
STAMP="$TORCH_VENV/.installed"

if [ -f "$STAMP" ] && [ "$STAMP" -nt "$0" ]; then
  exit 0
fi
"$PYTHON" -m venv "$TORCH_VENV"
"$TORCH_VENV/bin/python" -m pip install --quiet --upgrade pip
# The CPU build is enough (PyPI's default Linux wheel carries CUDA and is several GB): pip takes a
# local +cpu wheel where its find-links (pip config or PIP_FIND_LINKS) has one; elsewhere set
# TORCH_INDEX to PyTorch's CPU wheel index. Nothing else is downloaded from outside PyPI.
index=()
if [ -n "${TORCH_INDEX:-}" ]; then
  index=(--extra-index-url "$TORCH_INDEX")
fi
"$TORCH_VENV/bin/python" -m pip install --quiet "$TORCH_SPEC" numpy "${index[@]}"
# the course package itself, for the snippets that compare micrograd with PyTorch
"$TORCH_VENV/bin/python" -m pip install --quiet --no-deps -e .
"$TORCH_VENV/bin/python" -c "import torch, micrograd; print('torch', torch.__version__, 'in $TORCH_VENV')"
touch "$STAMP"
