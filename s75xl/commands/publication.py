"""``--suppress`` and ``--suppress-threshold``: small-number suppression on the outputs meant for
publication (``s75xl compute``, ``assess`` and ``pack``).

DESIGN.md: client-level data never leaves the engine, and publication outputs can apply the
small-number policies of `s75xl.suppression` (NHS Digital's and DHSC's ASCOF publication rules,
or the generic ``suppress-below`` with a threshold). Figures are judged unrounded, so a row
exactly at the threshold is kept and one below it is suppressed; a suppressed row's RAG,
variance and exception (whose reason quotes the figure) are blanked too. None of the shipped
policies has secondary (complementary) suppression, so none is applied.

The policy names are checked by `s75xl.suppression` when the command starts (not by click), so
the command line still starts without loading pandas.
"""

from __future__ import annotations

import click


def suppress_options(command):
    """Add --suppress POLICY (repeatable) and --suppress-threshold N to a command."""
    command = click.option(
        "--suppress-threshold", type=float,
        help="With --suppress suppress-below: suppress a row whose numerator or denominator is below this "
             "(default 5).")(command)
    return click.option(
        "--suppress", "suppression", multiple=True, metavar="POLICY",
        help="Small-number suppression for publication (suppressed figures show [c]), e.g. suppress-below or "
             "round-to-5; docs/bad-input.md lists every policy. Repeatable.")(command)


def check_suppression(policies, threshold) -> None:
    """Refuse an unknown policy or a bad threshold before any work is done."""
    if policies or threshold is not None:
        from ..suppression import suppress

        suppress(_empty(), policies or ["round-to-5"], threshold=threshold)


def _empty():
    import pandas as pd

    return pd.DataFrame({"numerator": [], "denominator": [], "value": [], "base": []})


def suppressed(frame, policies, threshold):
    """`frame` with the policies applied (unchanged when none is asked for)."""
    if not policies:
        return frame
    from ..suppression import hide_derived, suppress

    out = hide_derived(suppress(frame, list(policies), threshold=threshold))
    out.attrs = dict(frame.attrs)
    return out
