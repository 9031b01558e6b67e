"""Filling council report templates in place, found by their labels (see layout.py)."""

from .apply import fill

__all__ = ["fill"]
