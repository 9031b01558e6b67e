"""s75xl: ASCOF and Section 75 performance reporting for English councils and NHS trusts.

The engine is plain Python on pandas and numpy; Excel is reached only through adapters.
SPC lives in its own module: ``from s75xl.spc import spc``.

>>> import s75xl
>>> s75xl.round_publication(s75xl.rate(80, 507180, "2A(1)"), "2A(1)")
15.8
"""

from importlib import import_module

__version__ = "0.1.0"

# Each public name and the module it lives in. They are imported on first use (PEP 562), so
# `s75xl --version`, `--help` and `rate` do not pay for pandas and scipy they never touch.
_WHERE = {
    "assess": "assess", "Catalogue": "catalogue", "Measure": "catalogue", "default_catalogue": "catalogue",
    "load_catalogue": "catalogue", "S75Error": "errors", "Interval": "intervals",
    "confidence_interval": "intervals", "rate": "rates", "Thresholds": "ratings",
    "compare_ratings": "ratings", "overall_rating": "ratings", "rag": "ratings", "is_half": "rounding",
    "round_half_away": "rounding", "round_publication": "rounding", "suppress": "suppression",
    "profiled_target": "targets",
}


def __getattr__(name: str):
    if name == "SUPPRESSION_POLICIES":
        return import_module(".suppression", __name__).POLICIES
    if name not in _WHERE:
        raise AttributeError(f"module 's75xl' has no attribute {name!r}")
    value = getattr(import_module("." + _WHERE[name], __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted([*globals(), *_WHERE, "SUPPRESSION_POLICIES"])


__all__ = [
    "Catalogue", "Interval", "Measure", "S75Error", "SUPPRESSION_POLICIES", "Thresholds", "__version__",
    "assess", "compare_ratings", "confidence_interval", "default_catalogue", "is_half", "load_catalogue",
    "overall_rating", "profiled_target", "rag", "rate", "round_half_away", "round_publication", "suppress",
]
