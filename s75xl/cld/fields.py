"""The CLD specification's columns (shared/reference/cld.md section 1) and the groups s75xl uses.

Fields are named in snake case inside s75xl; FIELDS gives each its name in the specification,
which is what headers are matched against and what the data-quality report shows.
"""

from __future__ import annotations

from .vocab import CODED_FIELDS

FIELDS = {
    "la_code": "LA Code", "reporting_period_start_date": "Reporting Period Start Date",
    "reporting_period_end_date": "Reporting Period End Date", "nhs_number": "NHS Number",
    "la_person_unique_identifier": "LA Person Unique Identifier", "first_name": "First Name",
    "last_name": "Last Name", "gp_practice_name": "GP Practice Name", "gp_practice_code": "GP Practice Code",
    "gender": "Gender", "ethnicity": "Ethnicity", "date_of_birth": "Date of Birth", "date_of_death": "Date of Death",
    "client_type": "Client Type", "primary_support_reason": "Primary Support Reason", "postcode": "Postcode",
    "accommodation_status": "Accommodation Status", "employment_status": "Employment Status",
    "has_unpaid_carer": "Has Unpaid Carer", "client_funding_status": "Client Funding Status",
    "event_type": "Event Type", "event_reference": "Event Reference", "event_start_date": "Event Start Date",
    "event_end_date": "Event End Date", "event_description": "Event Description", "event_outcome": "Event Outcome",
    "request_route_of_access": "Request: Route of Access", "assessment_type": "Assessment Type",
    "service_type": "Service Type", "service_component": "Service Component",
    "delivery_mechanism": "Delivery Mechanism", "review_reason": "Review Reason",
}

REQUIRED = ("event_type", "event_start_date", "client_type", "date_of_birth")
IDENTIFIERS = ("nhs_number", "la_person_unique_identifier")
DATES = ("reporting_period_start_date", "reporting_period_end_date", "date_of_birth", "date_of_death",
         "event_start_date", "event_end_date")
LOCAL_CODES = ("la_code", "request_route_of_access", "assessment_type")  # kept as the council wrote them
USED = (*IDENTIFIERS, *DATES, *CODED_FIELDS, *LOCAL_CODES)
