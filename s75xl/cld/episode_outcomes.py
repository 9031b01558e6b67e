"""2A steps 4 and 5: an episode's sequel from event outcomes, or from equipment, when no service
followed it (episodes.py has steps 1 to 3; cld.md 3.1).

DHSC (Create_ASCOF_2A_2425_Onwards.sql, "Step 4" and "Step 5"), per episode from its first day
``cs`` to its last day ``ce``; the window is the events starting on or after ``cs``, ending after
``ce`` and starting no more than 7 days after it (the same window as the service sequels):

- 4a: the episode's own outcome, when nothing at all is in the window and it is usable (a "no
  further action" outcome, not one that progresses or continues support);
- 4b: when the window holds requests, assessments or reviews (other than ones ending "Support
  ended as planned"), their usable outcomes, and the episode's own if usable;
- 4c: the outcome of the latest-ending assessment or review nested in the episode (starting on or
  after ``cs``, ending after ``cs``, on or before ``ce`` and less than 14 days before it), if
  usable;
- the best of these by DHSC's outcome hierarchy settles the sequel;
- 5: otherwise an equipment service nested in the episode (starting on or after ``cs``, ending
  after ``cs`` and on or before ``ce``) makes it ongoing low-level support.

NHSE ("nhse") keeps s75xl's simpler reading: the best of the episode's own outcome and those of
requests, assessments and reviews ending from ``cs`` to 3 days after ``ce`` (a progress or
continuation outcome ranking below every "no further action"; "Support ended as planned" after
the end ignored), then equipment starting during the episode [ours: NHS England's chain of
events within 3 days of each other is not reproduced].
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .prepared import Prepared, Rows

PROGRESS_PENALTY = 100  # NFA outcomes beat "progress / continuation" ones (cld.md 3.1 step 4)
NO_RANK = 10_000
NESTED_REVIEW_DAYS = 14  # DHSC: DATEDIFF(DAY, Der_Event_End_Date, ST_Max_Cluster_End) < 14


def pairs_by_person(left_person: np.ndarray, right: Rows) -> tuple[np.ndarray, np.ndarray]:
    """Every (left, right) pair of positions with the same person; `right` sorted by person."""
    low = np.searchsorted(right.person, left_person, "left")
    counts = np.searchsorted(right.person, left_person, "right") - low
    left = np.repeat(np.arange(len(left_person)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return left, np.repeat(low, counts) + offsets


def best(n: int, groups: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    """The lowest rank per group 0..n-1 (NO_RANK where a group has none)."""
    out = np.full(n, NO_RANK, np.int64)
    np.minimum.at(out, groups, ranks)
    return out


def outcome_ranks(prep: Prepared, codes: np.ndarray) -> np.ndarray:
    """DHSC's outcome hierarchy (1 best), plus PROGRESS_PENALTY for an outcome that progresses or
    continues support; NO_RANK for a missing or invalid outcome."""
    categories = prep.events["event_outcome"].cat.categories
    progress = np.asarray(categories.str.startswith(("Progress", "Continuation")))
    safe = np.maximum(codes, 0)
    return np.where(codes >= 0, safe + 1 + progress[safe] * PROGRESS_PENALTY, NO_RANK)


def settling_outcome_rank(prep: Prepared, e: dict[str, np.ndarray], theirs: np.ndarray, window: int) -> np.ndarray:
    """Per episode, the rank of the outcome that settles its sequel at step 4 (NO_RANK: none)."""
    if prep.method == "nhse":
        return _nhse_outcome_rank(prep, e, theirs, window)
    return _dhsc_outcome_rank(prep, e, theirs, window)


def _dhsc_outcome_rank(prep: Prepared, e: dict[str, np.ndarray], theirs: np.ndarray, window: int) -> np.ndarray:
    n = len(e["person"])
    st_max = prep.column("service_type") == prep.code("service_type", "Short term support: ST-Max")
    service = prep.column("event_type") == prep.code("event_type", "Service")
    user = prep.column("client_type") == prep.code("client_type", "Service user")
    events = prep.where(theirs & user & ~(service & st_max), [prep.column("person")])
    left, right = pairs_by_person(e["person"], events)
    first, last = e["start"][left], e["end"][left]
    start, end, outcome = events.start[right], events.end[right], events.event_outcome[right]
    rank = outcome_ranks(prep, outcome)
    usable = rank < PROGRESS_PENALTY
    is_service = events.event_type[right] == prep.code("event_type", "Service")

    in_window = (start >= first) & (end > last) & (start <= last + window)
    anything_in_window = np.zeros(n, bool)
    anything_in_window[left[in_window]] = True
    own = outcome_ranks(prep, e["outcome"])
    own_usable = own < PROGRESS_PENALTY
    later = in_window & ~is_service & (outcome != prep.code("event_outcome", "NFA: Support ended as planned")) & \
        (usable | own_usable[left])
    with_later = np.zeros(n, bool)
    with_later[left[later]] = True
    candidates = [best(n, left[later & usable], rank[later & usable]),  # 4b: the later events' outcomes
                  np.where(own_usable & (with_later | ~anything_in_window), own, NO_RANK)]  # 4a and 4b: the episode's own
    nested = prep.isin(events.event_type[right], "event_type", ("Assessment", "Review")) & (start >= first) & \
        (end > first) & (end <= last) & (last - end < NESTED_REVIEW_DAYS) & usable
    candidates.append(_latest_rank(n, left[nested], end[nested], rank[nested]))  # 4c
    return np.minimum.reduce(candidates)


def _latest_rank(n: int, episode: np.ndarray, end: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Per episode, the rank of its latest-ending event (the best rank among those ending that day)."""
    latest = np.full(n, -1, np.int64)
    np.maximum.at(latest, episode, end)
    on_latest = end == latest[episode]
    return best(n, episode[on_latest], rank[on_latest])


def _nhse_outcome_rank(prep: Prepared, e: dict[str, np.ndarray], theirs: np.ndarray, window: int) -> np.ndarray:
    others = prep.where(theirs & prep.isin(prep.column("event_type"), "event_type", ("Request", "Assessment", "Review")),
                        [prep.column("person")])
    left, right = pairs_by_person(e["person"], others)
    other_end, other_outcome = others.end[right], others.event_outcome[right]
    planned_end = prep.code("event_outcome", "NFA: Support ended as planned")
    near = (other_end >= e["start"][left]) & (other_end <= e["end"][left] + window) & (other_outcome >= 0) & \
        ~((other_end > e["end"][left]) & (other_outcome == planned_end))
    own = np.flatnonzero(e["outcome"] >= 0)
    return best(len(e["person"]), np.r_[left[near], own], outcome_ranks(prep, np.r_[other_outcome[near], e["outcome"][own]]))


def nested_equipment(prep: Prepared, e: dict[str, np.ndarray]) -> np.ndarray:
    """Per episode, whether equipment nested in it makes it ongoing low-level support (step 5)."""
    equipment = prep.equipment  # sorted by person; the pairs find only episode people's rows
    left, right = pairs_by_person(e["person"], equipment)
    first, last, start = e["start"][left], e["end"][left], equipment.start[right]
    if prep.method == "nhse":
        inside = (start >= first) & (start <= last)
    else:
        inside = (start >= first) & (equipment.end[right] > first) & (equipment.end[right] <= last)
    nested = np.zeros(len(e["person"]), bool)
    nested[left[inside]] = True
    return nested
