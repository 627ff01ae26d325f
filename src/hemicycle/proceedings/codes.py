"""The two code tables of this package, in one place: vote values and quality findings.

Vote codes follow Voeten's published coding (1 yes, 2 abstain, 3 no, 8 absent, 9 not a
member) so that a researcher's scripts read our exports unchanged; 7 is ours, for a
member present but not voting (the DHL's empty 967 $d).
"""

from __future__ import annotations

YES, ABSTAIN, NO, NON_VOTING, ABSENT, NOT_MEMBER = 1, 2, 3, 7, 8, 9

# code -> (name, DHL letter in exports)
VOTES: dict[int, tuple[str, str]] = {
    YES: ("yes", "Y"),
    NO: ("no", "N"),
    ABSTAIN: ("abstain", "A"),
    NON_VOTING: ("non_voting", "X"),
    ABSENT: ("absent", "X"),
    NOT_MEMBER: ("not_member", ""),
}
BY_NAME: dict[str, int] = {name: code for code, (name, _letter) in VOTES.items()}
CAST = (YES, ABSTAIN, NO)  # the votes that count towards agreement

OUTCOMES = ("recorded", "without_vote", "non_recorded", "unknown")

ISSUES: dict[str, str] = {
    "me": "Palestinian conflict",
    "nu": "Nuclear weapons and nuclear material",
    "di": "Arms control and disarmament",
    "hr": "Human rights",
    "co": "Colonialism",
    "ec": "Economic development",
}

# Stable codes of the data-quality reports: tests and people refer to these, not to prose.
QUALITY: dict[str, str] = {
    "broken_row": "a row that cannot be read (wrong number of fields, bad number or date)",
    "unknown_country": "a country code or name that no member-state authority carries",
    "duplicate_vote": "a second vote by the same state on the same roll call",
    "non_member_vote": "a vote cast by a state that was not a member on that date",
    "unknown_record": "a vote or tag for a roll call or resolution that does not exist",
    "duplicate_record": "a roll call or resolution listed twice",
    "tally_mismatch": "the tally printed by the source disagrees with the counted votes",
    "source_conflict": "two sources record a different vote for the same state",
    "invalid_symbol": "a document symbol that hemicycle.symbols cannot parse",
    "invalid_vote": "a vote value outside yes/no/abstain (or 1/2/3/8/9)",
    "missing_text": "a speech listed by the speakers table whose text file is missing",
    "unlisted_speech": "a speech text file that the speakers table does not list",
}
