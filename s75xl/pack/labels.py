"""Words a board member reads in place of the engine's codes (icons, directions, sections)."""

VARIATION = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause improvement (high)",
    "improvement_low": "Special cause improvement (low)",
    "concern_high": "Special cause concern (high)",
    "concern_low": "Special cause concern (low)",
    "neutral_high": "Special cause neutral (high)",
    "neutral_low": "Special cause neutral (low)",
}
ASSURANCE = {
    "consistent_pass": "Consistently passing the target",
    "consistent_fail": "Consistently failing the target",
    "inconsistent": "Hit and miss against the target",
}
# The summary matrix's rows and columns (Making Data Count's "summary icons" table).
MATRIX_ROWS = ("Special cause improvement", "Common cause variation", "Special cause concern",
               "Special cause neutral", "No SPC (too few points)")
MATRIX_COLUMNS = ("Consistently passing", "Hit and miss", "Consistently failing", "No target")
POLARITY = {"higher": "Higher is better", "lower": "Lower is better", "none": "No polarity"}

# Norfolk's "Suggested prompts for performance improvement discussion" (Adult Social Care
# Committee performance report, June 2017): shown blank on a card that has no commentary.
PROMPTS = (
    "Why are we not meeting our target?",
    "What is the impact of not meeting our target?",
    "What performance is predicted?",
    "How can performance be improved?",
    "When will performance be back on track?",
    "What can we learn for the future?",
)


def matrix_row(variation: str | None) -> str:
    if not variation:
        return MATRIX_ROWS[4]
    if variation.startswith("improvement"):
        return MATRIX_ROWS[0]
    if variation.startswith("concern"):
        return MATRIX_ROWS[2]
    if variation.startswith("neutral"):
        return MATRIX_ROWS[3]
    return MATRIX_ROWS[1]


def matrix_column(assurance: str | None) -> str:
    return {"consistent_pass": MATRIX_COLUMNS[0], "inconsistent": MATRIX_COLUMNS[1],
            "consistent_fail": MATRIX_COLUMNS[2]}.get(assurance or "", MATRIX_COLUMNS[3])

# The headings of Norfolk's report cards (same report, section 4), left blank on a card for a
# positive exception (or any measure on target) that has no commentary.
CARD_HEADINGS = (
    "What explains current performance?",
    "What will success look like?",
    "Action required",
    "Responsible officers (lead and data owner)",
)
