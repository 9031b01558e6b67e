"""ASCOF 2E: what a person's services say about where they live when their status is Unknown.

DHSC (Create_personal_details_table.sql, the "unknown accommodation status" part; cld.md 3.5,
corrected 2026-12-01) looks at the person's **latest service of any type** in the period, short
term included, and infers:

- long-term nursing care: registered nursing home; long-term residential care: registered care
  home (neither settled);
- a Shared Lives, extra care housing or community supported living component, whatever the
  service type: Shared Lives scheme, sheltered or extra care housing, supported accommodation
  (all settled);
- long-term community support with home support or domiciliary care: "Unknown: presumed at
  home" (counted as settled);
- anything else (long-term community support with no such component, prison, a short-term
  service such as an ST-Max episode after home support ended): not settled.

"Latest" is DHSC's order, which also settles ties on the same date: the latest end (an open
service first), then the higher service type (nursing, residential, community, prison, ST-Max,
ongoing low level, other short term; any other type last), then a component that can be
mapped (the four above) before one that cannot, then the latest start. Services still tied on
all four count together: their service type is used only if they share a single one of the seven
types, and their component only if they share a single mappable one (so home support tied with
supported living infers nothing from the component). The order and the tie rules are read from
the SQL itself (Create_personal_details_table.sql lines 287-367, DataS-DHSC/ASC-CLD-LA-Dashboard
commit 9bee728) [S]; shared/reference/cld.md 3.5 states the rule but not the order of ties.

Every tie group gives the same answer in every period, so that answer is worked out once per
extract; a period only picks each person's first group among the services active in it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .common import group_starts
from .vocab import LT_COMMUNITY, LT_NURSING, LT_PRISON, LT_RESIDENTIAL, ST_LOW, ST_MAX, ST_OTHER

if TYPE_CHECKING:
    from .prepared import Prepared, Rows

# DHSC's #REF_Service_Type in Create_personal_details_table.sql: 1 is the highest
SERVICE_HIERARCHY = (LT_NURSING, LT_RESIDENTIAL, LT_COMMUNITY, LT_PRISON, ST_MAX, ST_LOW, ST_OTHER)
OTHER_TYPE = len(SERVICE_HIERARCHY) + 1  # DHSC's 99: any other or missing service type
SETTLED_COMPONENTS = ("Shared Lives", "Extra care housing", "Community supported living")
HOME_SUPPORT = "Home support or domiciliary care"
MAPPABLE_COMPONENTS = (*SETTLED_COMPONENTS, HOME_SUPPORT)


def inference_rows(prep: Prepared, unknown: np.ndarray) -> Rows:
    """The services of the people whose status is unknown (`unknown`, a mask over people), in
    DHSC's order per person, each with `settled`: what the person's status would be inferred as
    if that row's tie group were their latest services in a period."""
    hierarchy = np.full(len(prep.events["service_type"].cat.categories) + 1, OTHER_TYPE, np.int64)
    for position, kind in enumerate(SERVICE_HIERARCHY, start=1):
        if (code := prep.code("service_type", kind)) >= 0:
            hierarchy[code] = position
    rank = hierarchy[np.maximum(prep.column("service_type"), -1)]  # a missing type (-1) takes the extra last slot
    mappable = prep.isin(prep.column("service_component"), "service_component", MAPPABLE_COMPONENTS)
    services = (prep.column("event_type") == prep.code("event_type", "Service")) & unknown[prep.column("person")]
    latest_first = [prep.column("person"), -prep.column("end"), rank, (~mappable).astype(np.int8), -prep.column("start")]
    rows = prep.where(services, latest_first)
    new_group = np.zeros(len(rows), bool)
    for key in latest_first:
        new_group |= group_starts(key[rows.positions])
    rows.settled = _group_inference(prep, new_group, np.where(rank[rows.positions] < OTHER_TYPE, rows.service_type, -1),
                                    np.where(mappable[rows.positions], rows.service_component, -1))
    return rows


def _group_inference(prep: Prepared, new_group: np.ndarray, types: np.ndarray, components: np.ndarray) -> np.ndarray:
    """Per row, whether its tie group infers a settled status (types and components are -1 where
    the row's is not one of the seven types or the four mappable components)."""
    if not len(new_group):
        return np.zeros(0, bool)
    starts = np.flatnonzero(new_group)
    group = np.cumsum(new_group) - 1
    one_type, one_component = _single(types, starts), _single(components, starts)
    care_home = prep.isin(one_type, "service_type", (LT_NURSING, LT_RESIDENTIAL))
    settled = ~care_home & (prep.isin(one_component, "service_component", SETTLED_COMPONENTS) |
                            ((one_type == prep.code("service_type", LT_COMMUNITY)) &
                             (one_component == prep.code("service_component", HOME_SUPPORT))))
    return settled[group]


def _single(codes: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per group, its one distinct code >= 0, or -1 if it has none or several."""
    big = np.iinfo(np.int64).max
    codes = codes.astype(np.int64)
    low = np.minimum.reduceat(np.where(codes >= 0, codes, big), starts)
    high = np.maximum.reduceat(codes, starts)
    return np.where((low == high) & (high >= 0), high, -1)


def settled_by_service(rows: Rows, first: int, last: int, n_people: int) -> np.ndarray:
    """Per person, whether their latest services active between two days infer a settled status
    (False for a person with none)."""
    active = np.flatnonzero(rows.overlapping(first, last))
    latest = active[group_starts(rows.person[active])]
    settled = np.zeros(n_people, bool)
    settled[rows.person[latest]] = rows.settled[latest]
    return settled
