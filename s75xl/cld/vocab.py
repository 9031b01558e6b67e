"""CLD defined lists in Release 2 wording, and how Release 1 (and messy) values map onto them.

Source: shared/reference/cld.md section 1.4. Values are matched forgivingly, as the reference
SQL does on SQL Server's case-insensitive collation: case, surrounding and repeated spaces, the
kind of dash, "&" against "and", and " - " against ": " are ignored. Release 1 values that were
reworded in Release 2 map to the Release 2 value; where cld.md marks a mapping as inferred [I]
(Event Outcome) it says so below. Anything else is an invalid code, reported by the data-quality
check and kept as missing.
"""

from __future__ import annotations

import re

import pandas as pd

ST_MAX = "Short term support: ST-Max"
ST_LOW = "Short term support: Ongoing low level"
ST_OTHER = "Short term support: Other short term"
LT_NURSING = "Long term support: Nursing care"
LT_RESIDENTIAL = "Long term support: Residential care"
LT_COMMUNITY = "Long term support: Community"
LT_PRISON = "Long term support: Prison"
CARER_DIRECT = "Unpaid carer support: Direct to unpaid carer"
CARER_INVOLVING = "Unpaid carer support: Support involving the person cared-for"
LONG_TERM = (LT_NURSING, LT_RESIDENTIAL, LT_COMMUNITY, LT_PRISON)

SERVICE_TYPE = {
    ST_MAX: ["Short Term Support: ST-Max"],
    ST_LOW: ["Short Term Support: Ongoing Low Level"],
    ST_OTHER: ["Short Term Support: Other Short Term"],
    LT_NURSING: ["Long Term Support: Nursing Care"],
    LT_RESIDENTIAL: ["Long Term Support: Residential Care"],
    LT_COMMUNITY: ["Long Term Support: Community"],
    LT_PRISON: ["Long Term Support: Prison"],
    CARER_DIRECT: ["Carer Support: Direct to Carer"],
    CARER_INVOLVING: ["Carer Support: Support involving the person cared-for"],
}

EVENT_TYPE = {v: [] for v in ("Request", "Assessment", "Service", "Review")}

SERVICE_USER, CARER, CARER_BY_ASSOCIATION = "Service user", "Unpaid carer", "Unpaid carer known by association"
CLIENT_TYPE = {SERVICE_USER: ["Service User"], CARER: ["Carer"], CARER_BY_ASSOCIATION: ["Carer known by association"]}

DP, PB, COMMISSIONED = "Direct payment", "CASSR managed personal budget", "CASSR commissioned support"
DELIVERY_MECHANISM = {DP: ["Direct Payment"], PB: ["CASSR Managed Personal Budget"],
                      COMMISSIONED: ["CASSR Commissioned Support"],
                      "Self-funder metering only": ["Self-Funder Metering Only"]}

# Release 2 values seen in DHSC code [S]; R1 spellings seen in NHSE/DHSC code [S]. The full R1
# list is not published in cld.md [U], so unknown components are reported, not rejected.
SERVICE_COMPONENT = {
    "Reablement": [], "Short term residential care": [], "Short term nursing care": [],
    "Home support or domiciliary care": ["Home Support"], "Equipment": ["Telecare"], DP: ["Direct Payment"],
    "Shared Lives": [], "Community supported living": ["Supported Living"], "Extra care housing": [],
    "Long term nursing care": [], "Long term residential care": [], "Day support": [], "Meals": [],
    "Transport": [], "Unpaid carer respite": ["Carer Respite"], "Support direct to unpaid carer": ["Support Direct To Carer"],
    "Other short term support": [], "Other long term support": [], "Professional support: Social worker": [],
    "Professional support: Other": [], "Learning, education or employment support": [], "End of life care": [],
    "Emergency support": [], "Unpaid carer sitting service": [], "Unpaid carer universal services": [],
    "Other unpaid carer support": [],
}

# Event Outcome, Release 2, in DHSC's hierarchy order [S]. R1 mappings are inferred [I]
# (cld.md 1.4: the official mapping workbook is authoritative and was not available).
EVENT_OUTCOME = {
    "Progress to reablement/ST-Max": ["Progress to Reablement/ST-Max"],
    "Progress to assessment, review or reassessment": ["Progress to Assessment", "Progress to Re-assessment / Unplanned Review"],
    "Progress to support planning or services": ["Progress to Support Planning / Services"],
    "Continuation of support or services": ["No change in package", "Provision of service"],
    "Admitted to hospital": ["Admitted to Hospital"],
    "NFA: Responsibility moved to another local authority": ["NFA - Moved to another LA"],
    "NFA: Referral to NHS services or NHS funded social care": ["NFA - 100% NHS funded care", "NFA - 100% NHS-funded care"],
    "NFA: Self-funded client or under 12wk disregard": ["NFA - Self-funded client (Inc. 12wk disregard)"],
    "NFA: Information and advice or signposting": ["NFA - Information & Advice / Signposting only"],
    "NFA: Referral to other service within the local authority": [],
    "NFA: Support declined": ["NFA - Support declined"],
    "NFA: Deceased": ["NFA - Deceased"],
    "NFA: Support ended as planned": ["Service ended as planned"],
    "NFA: Support ended for other reason": ["NFA - Support ended: Other reason", "NFA - Support ended – other reason"],
    "NFA: No services offered for other reason": ["NFA - No services offered: Other reason"],
    "NFA: Other": ["NFA- Other", "NFA - Other"],
    "Release 1 specification only: Not mapped": ["Progress to financial assessment", "Progress to End of Life Care"],
}
OUTCOME_RANK = {value: rank for rank, value in enumerate(EVENT_OUTCOME, start=1)}

LD_PSR = "Learning Disability Support"
MH_PSR = "Mental Health Support"
PRIMARY_SUPPORT_REASON = {
    "Physical support: Access and mobility only": ["Physical Support: Access & mobility only"],
    "Physical support: Personal care support": ["Physical Support: Personal care support"],
    "Sensory support: Support for visual impairment": ["Sensory Support: Support for visual impairment"],
    "Sensory support: Support for hearing impairment": ["Sensory Support: Support for hearing impairment"],
    "Sensory support: Support for dual impairment": ["Sensory Support: Support for dual impairment"],
    "Support with memory and cognition": ["Support with Memory & Cognition"],
    LD_PSR: [],
    MH_PSR: [],
    "Social support: Substance misuse support": ["Social Support: Substance misuse support"],
    "Social support: Asylum seeker support": ["Social Support: Asylum seeker support"],
    "Social support: Support for social isolation or other reason": ["Social Support: Support for Social Isolation/Other"],
    "Social support: Support to unpaid carer": ["Social Support: Support to Carer"],
    "Unknown": [],
}

SETTLED = {
    "Owner occupier or shared ownership scheme": [],
    "Tenant: Local authority or other social housing provider": ["Tenant"],
    "Tenant: Private landlord": ["Tenant - private landlord"],
    "Settled mainstream housing with family or friends": ["Settled mainstream housing with family / friends"],
    "Supported accommodation, supported lodgings or supported group home": ["Supported accommodation / supported lodgings / supported group home"],
    "Shared Lives scheme": [],
    "Approved premises for offenders released from prison or under probation supervision": [],
    "Sheltered housing, extra care housing or other sheltered housing": ["Sheltered housing / extra care housing / other sheltered housing"],
    "Mobile accommodation for Gypsy, Roma and Traveller communities": ["Mobile accommodation for Gypsy / Roma and Traveller communities"],
}
UNSETTLED = {
    "Rough sleeper or squatting": ["Rough sleeper / squatting"],
    "Night shelter, emergency hostel or direct access hostel": ["Night shelter / emergency hostel / direct access hostel"],
    "Refuge": [],
    "Placed in temporary accommodation by the council (inc. homelessness resettlement)": [],
    "Staying with family or friends as a short term guest": ["Staying with family / friends as a short-term guest"],
    "Acute hospital or long term healthcare residential facility": ["Acute / long-term healthcare residential facility or hospital"],
    "Registered care home": [], "Registered nursing home": [],
    "Prison, young offenders institution or detention centre": ["Prison / Young offenders institution / detention centre"],
    "Other temporary accommodation": [],
    "Unknown": [],
}
ACCOMMODATION_STATUS = {**SETTLED, **UNSETTLED}

PAID = ("Paid: Less than 16 hours a week", "Paid: 16 or more hours a week", "Paid: Hours per week unknown")
EMPLOYMENT_STATUS = {
    PAID[0]: [], PAID[1]: [], PAID[2]: [],
    "Not in paid employment: Seeking work": ["Not in Paid Employment (seeking work)"],
    "Not in paid employment: Not actively seeking work or retired": ["Not in Paid Employment (not actively seeking work / retired)"],
    "Not in paid employment: Voluntary work only": ["Not in Paid Employment (voluntary work only)"],
    "Unknown": [],
}

GENDER = {"Male": [], "Female": [], "Other": [], "Unknown": []}
CLIENT_FUNDING_STATUS = {"Fully client funded": [], "Joint client and social care funded": [],
                         "Fully social care funded": [], "Unknown": []}
REVIEW_REASON = {
    "Planned": [],
    "Unplanned: Hospital (planned and unplanned episodes)": ["Unplanned - Hospital (Planned and unplanned episodes)"],
    "Unplanned: Carer related": ["Unplanned - Carer related"],
    "Unplanned: Safeguarding concern": ["Unplanned - Safeguarding concern"],
    "Unplanned: Other reason": ["Unplanned - Other Reason"],
    "Unplanned: Provider failure": ["Unplanned - Provider Failure"],
    "Unplanned: Change in commissioning arrangements": ["Unplanned - Change in Commissioning arrangements"],
    "Review of short term support": [],
}

CODED_FIELDS = {
    "event_type": EVENT_TYPE, "client_type": CLIENT_TYPE, "service_type": SERVICE_TYPE,
    "service_component": SERVICE_COMPONENT, "delivery_mechanism": DELIVERY_MECHANISM,
    "event_outcome": EVENT_OUTCOME, "primary_support_reason": PRIMARY_SUPPORT_REASON,
    "accommodation_status": ACCOMMODATION_STATUS, "employment_status": EMPLOYMENT_STATUS,
    "gender": GENDER, "client_funding_status": CLIENT_FUNDING_STATUS, "review_reason": REVIEW_REASON,
}


def value_key(value: str) -> str:
    """The forgiving form of a coded value: lower case, one kind of dash, 'and', single spaces,
    and ' - ' / '-' / ':' separators treated alike."""
    text = str(value).casefold().strip()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = text.replace("&", " and ")
    text = re.sub(r"\s*[-:]\s+|\s+[-:]\s*", ": ", text)  # "NFA - x", "NFA- x", "NFA: x" -> "nfa: x"
    text = re.sub(r"\s*/\s*", " / ", text)
    return re.sub(r"\s+", " ", text).strip()


def _lookup(lists: dict[str, list[str]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for release2, release1 in lists.items():
        for spelling in (release2, *release1):
            table[value_key(spelling)] = release2
    return table


LOOKUPS = {field: _lookup(lists) for field, lists in CODED_FIELDS.items()}


def normalise_codes(column: pd.Series, field: str) -> tuple[pd.Series, pd.Series]:
    """The column in Release 2 wording, as a categorical of the field's values, and a mask of
    non-blank values that matched nothing. Each distinct spelling is matched once."""
    table = LOOKUPS[field]
    categories = list(CODED_FIELDS[field])
    position = {value: i for i, value in enumerate(categories)}
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    import numpy as np

    blank_unique = np.array([not isinstance(u, str) or u.strip() == "" for u in uniques], dtype=bool)
    mapped_unique = np.array([-1 if b else position.get(table.get(value_key(u)), -2) for u, b in zip(uniques, blank_unique)],
                             dtype=np.int64)
    new_codes = np.where(codes >= 0, mapped_unique[np.maximum(codes, 0)] if len(uniques) else -1, -1)
    invalid = pd.Series(new_codes == -2, index=column.index)
    new_codes = np.where(new_codes < 0, -1, new_codes)
    mapped = pd.Series(pd.Categorical.from_codes(new_codes, categories=categories), index=column.index)
    return mapped, invalid
