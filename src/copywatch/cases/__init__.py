"""Cases: what the newsroom does with a finding, from review to takedown.

states.py    the states, the allowed moves, the rule that reopens a dismissed copy
service.py   CaseBook: list, move, history (append-only), sync with the findings
notices.py   courtesy / takedown / host notices in Arabic, French and English (jinja2)
rdap.py      who to write to: registrar, abuse contact, hosting network (RDAP, RFC 9083)
followup.py  what scans and rechecks do to cases; escalation
"""

from .service import Case, CaseBook, CaseEvent, CaseMoved, CaseNotFound
from .states import DISMISS_REASONS, NOTIFY_CHANNELS, STATES, TRANSITIONS, TransitionError

__all__ = [
    "DISMISS_REASONS", "NOTIFY_CHANNELS", "STATES", "TRANSITIONS", "Case", "CaseBook", "CaseEvent",
    "CaseMoved", "CaseNotFound", "TransitionError",
]  # fmt: skip
