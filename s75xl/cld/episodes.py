"""ST-Max (reablement) episodes and what followed each, for ASCOF 2A (cld.md 3.1).

Steps, by DHSC's 2024-25 method unless ``method="nhse"``:

1. a person's ST-Max services are joined into one episode when one starts within 7 days (NHSE:
   1 day) of the latest end so far;
2. an episode's outcome is that of its latest-ending service (the best-ranked outcome on a tie,
   "no further action" before "progress" by DHSC's ranking);
3. the episode is a new client's if no long-term service started before it and was open or
   ended within 91 days before it (DHSC's code uses 91 though its comment says 365);
4. its sequel, the first of: died within 7 days (NHSE: 3) of the end; admitted to hospital; the
   highest-ranked service that started on or after the episode's start and is still going after
   its end or starts within 7 days after it (NHSE: starts on or after the end, within 3 days;
   `_follows_episode`); an outcome of the episode or of events near its end, and then
   equipment nested in it (ongoing low-level support), as episode_outcomes.py says; otherwise
   unable to classify.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .common import UNKNOWN_AGE, first_of_group, group_starts, last_of_group, people_in, running_max, sort_order
from .episode_outcomes import (NO_RANK, PROGRESS_PENALTY, best, nested_equipment, outcome_ranks, pairs_by_person,
                               settling_outcome_rank)
from .vocab import LT_COMMUNITY, LT_NURSING, LT_PRISON, LT_RESIDENTIAL, ST_LOW, ST_MAX, ST_OTHER

if TYPE_CHECKING:
    from .prepared import Prepared, Rows

ST_RES_NURSING = "Short term support: Residential or Nursing care"
# The service hierarchy for a sequel (cld.md 3.1 step 3; DHSC's #REF_Service_Type and
# #Ranked_Services in Create_ASCOF_2A_2425_Onwards.sql): by service type in LTS001 order, and
# within one type a short-term residential or nursing component first. Only "other short term"
# support with such a component is relabelled ST_RES_NURSING, and it keeps the rank of its type
# (below ongoing low-level support), as DHSC's code does.
SEQUEL_HIERARCHY = (LT_NURSING, LT_RESIDENTIAL, LT_COMMUNITY, LT_PRISON, ST_MAX, ST_LOW, ST_OTHER)
SEQUEL_SERVICES = (*SEQUEL_HIERARCHY, ST_RES_NURSING)  # the labels a service sequel can have
OTHER_SERVICE = "Other service"  # a service type outside that hierarchy: no 2A outcome


def short_term_episodes(prep: Prepared) -> dict[str, np.ndarray]:
    """Per episode: person, start, end and death days, age at the end, its outcome code, whether
    it is a new client's, and its sequel (a categorical of labels)."""
    gap = 1 if prep.method == "nhse" else 7
    st = prep.where(prep.is_user_service & (prep.column("service_type") == prep.code("service_type", ST_MAX)),
                    [prep.column("person"), prep.column("start"), prep.column("end")])
    starts = group_starts(st.person)
    latest_end = running_max(st.person, st.end)  # per person, the latest end so far
    previous_end = np.r_[0, latest_end[:-1]]
    new_episode = starts | (st.start - previous_end > gap)
    episode = np.cumsum(new_episode) - 1
    first = np.flatnonzero(new_episode)
    e = {"person": st.person[first], "start": st.start[first], "death": st.death[first],
         "end": np.maximum.reduceat(st.end, first) if len(first) else np.zeros(0, np.int64)}
    e["age"] = np.full(len(first), UNKNOWN_AGE)
    with_birth = first_of_group(episode, prep.births.known[st.positions])
    e["age"][episode[with_birth]] = prep.births.age(e["end"][episode[with_birth]], st.positions[with_birth])

    # ties on the latest end go to the best outcome; DHSC ranks with its "progress" penalty
    # (#REF_Event_Outcome_Hierarchy_UTC), so "no further action" beats "progress" there
    outcome_rank = outcome_ranks(prep, st.event_outcome) if prep.method != "nhse" else \
        np.where(st.event_outcome >= 0, st.event_outcome + 1, NO_RANK)
    by_end = sort_order([episode, st.end, -outcome_rank])
    final = by_end[last_of_group(episode[by_end], np.ones(len(st), bool))]
    e["outcome"] = st.event_outcome[final]
    e["new"] = ~_follows_long_term(prep, e)
    e["sequel"] = _sequels(prep, e, 3 if prep.method == "nhse" else 7)
    return e


def _follows_long_term(prep: Prepared, e: dict[str, np.ndarray]) -> np.ndarray:
    lts = prep.long_term
    left, right = pairs_by_person(e["person"], lts)
    hit = (lts.start[right] < e["start"][left]) & (lts.end[right] > e["start"][left] - 91)
    existing = np.zeros(len(e["person"]), bool)
    existing[left[hit]] = True
    return existing


def _sequels(prep: Prepared, e: dict[str, np.ndarray], window: int) -> pd.Categorical:
    n = len(e["person"])
    # only the rows of people with an episode can follow one: sorting just those is much cheaper
    theirs = people_in(e["person"], np.ones(n, bool), prep.n_people)[prep.column("person")]
    outcomes = list(prep.events["event_outcome"].cat.categories)
    # a sequel is a code into these labels, which become the categories of the result
    labels = ["Unable to classify", "Deceased", "Admitted to hospital", *SEQUEL_SERVICES, OTHER_SERVICE, *outcomes]
    service_label, outcome_label = 3, 3 + len(SEQUEL_SERVICES) + 1
    sequel = np.zeros(n, np.int64)
    found = np.zeros(n, bool)

    def settle(mask: np.ndarray, codes) -> None:
        new = ~found & mask
        sequel[new] = codes if np.isscalar(codes) else codes[new]
        found[new] = True

    settle(e["death"] <= e["end"] + window, labels.index("Deceased"))
    settle(e["outcome"] == prep.code("event_outcome", "Admitted to hospital"), labels.index("Admitted to hospital"))

    services = _sequel_services(prep, theirs)
    left, right = pairs_by_person(e["person"], services)
    follows = _follows_episode(prep.method, e["start"][left], e["end"][left], services.start[right], services.end[right], window)
    if prep.method != "nhse":  # DHSC: a service type outside the hierarchy is no sequel; step 4 looks further
        follows &= services.rank < OTHER_RANK
    rank = best(n, left[follows], services.rank[right[follows]])
    settle(rank < NO_RANK, service_label + _SEQUEL_LABEL[np.minimum(rank, OTHER_RANK)])

    rank = settling_outcome_rank(prep, e, theirs, window)
    settle(rank < NO_RANK, outcome_label + (rank - 1) % PROGRESS_PENALTY)
    settle(nested_equipment(prep, e), labels.index(ST_LOW))
    categories = pd.Index(labels).unique()  # an outcome could share a service's name
    return pd.Categorical.from_codes(categories.get_indexer(labels)[sequel], categories=categories)


def _follows_episode(method: str, first: np.ndarray, last: np.ndarray, start: np.ndarray, end: np.ndarray,
                     window: int) -> np.ndarray:
    """Whether a service (start, end) is what followed an episode (first, last day): step 3.

    DHSC (Create_ASCOF_2A_2425_Onwards.sql, the sequel-window query): the service starts on or
    after the episode's first day, is still going after its last day (it ends later, or is
    open), and starts no more than 7 days after that last day. Equipment already in place
    before the episode began is therefore not its sequel, and nor is a service that ends on
    the episode's last day. NHSE (ASCOF 2A replication code, the sequel chronology): a service
    starting on or after the episode's last day, within its 3-day window; one that began during
    the episode is not a sequel there either.
    """
    if method == "nhse":
        return (start >= last) & (start <= last + window)
    return (start >= first) & (end > last) & (start <= last + window)


def _sequel_services(prep: Prepared, theirs: np.ndarray) -> Rows:
    """Service-user services other than ST-Max, by person, with their rank: twice the type's
    place in SEQUEL_HIERARCHY, plus one unless the component is short-term residential or
    nursing care (other types rank last)."""
    service_type = prep.column("service_type")
    rows = prep.where(theirs & prep.is_user_service & (service_type != prep.code("service_type", ST_MAX)), [prep.column("person")])
    place = np.full(len(rows), len(SEQUEL_HIERARCHY))
    for position, kind in enumerate(SEQUEL_HIERARCHY):
        place[rows.service_type == prep.code("service_type", kind)] = position
    short_res = prep.isin(rows.service_component, "service_component", ("Short term residential care", "Short term nursing care"))
    rows.rank = 2 * place + ~short_res
    return rows


OTHER_RANK = 2 * len(SEQUEL_HIERARCHY)  # the rank of a service type outside the hierarchy
# a sequel service's rank -> its label's place in SEQUEL_SERVICES (len: OTHER_SERVICE)
_SEQUEL_LABEL = np.array([SEQUEL_SERVICES.index(ST_RES_NURSING if (kind == ST_OTHER and not plain) else kind)
                          for kind in SEQUEL_HIERARCHY for plain in (False, True)] + [len(SEQUEL_SERVICES)] * 2)
