"""s75xl: ASCOF and Section 75 performance reporting for English councils and NHS trusts.

The engine is plain Python on pandas and numpy; Excel is reached only through adapters.
SPC lives in its own module: ``from s75xl.spc import spc``.

>>> import s75xl
>>> s75xl.round_publication(s75xl.rate(80, 507180, "2A(1)"), "2A(1)")
15.8
"""

from .assess import assess
from .catalogue import Catalogue, Measure, default_catalogue, load_catalogue
from .errors import S75Error
from .intervals import Interval, confidence_interval
from .rates import rate
from .ratings import Thresholds, compare_ratings, overall_rating, rag
from .rounding import is_half, round_half_away, round_publication
from .suppression import POLICIES as SUPPRESSION_POLICIES, suppress
from .targets import profiled_target

__version__ = "0.1.0"

__all__ = [
    "Catalogue", "Interval", "Measure", "S75Error", "SUPPRESSION_POLICIES", "Thresholds", "__version__",
    "assess", "compare_ratings", "confidence_interval", "default_catalogue", "is_half", "load_catalogue",
    "overall_rating", "profiled_target", "rag", "rate", "round_half_away", "round_publication", "suppress",
]
