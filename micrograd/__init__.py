"""micrograd from scratch: a tiny scalar autograd engine and the course built on it."""

from micrograd.engine import Value

__all__ = ["Value"]
__version__ = "1.0.0"
