"""The states of a case and the moves between them; the rule that reopens a dismissed copy.

    new ──► confirmed ──► notified ──► escalated
     │  ╲       │  ╲          │  ╲         │
     │   ╲      │   ╲         ▼   ▼        ▼
     │    ► dismissed (reason)  removed / credit_added / ignored

A case starts ``new`` when a scan finds an uncredited copy (credited copies and partners are not
pursued and get no case). An editor confirms it or dismisses it with a reason (not a copy,
licensed, too small, other); legal staff notify (to whom, when, how), escalate, or record the
outcome; the recheck moves cases to ``removed`` or ``credit_added`` by itself. Who may make which
move is decided by the web app's roles (``copywatch.web.auth``), not here.

**When a dismissed copy comes back.** A dismissed case stays dismissed across scans while the page
carries the same copy. It returns as ``new`` (recorded in the history, actor ``copywatch``) only when
the page's body changed *and* the copy is a different one: the exclusive's copied characters then
and now overlap less than ``REOPEN_OVERLAP`` (Jaccard of the copied intervals of the exclusive), or
the coverage moved by at least ``REOPEN_COVERAGE`` (absolute). A typo fixed, an advertisement added
or a credit line changed is not a different copy; a page that now carries other passages, or twice
as much of the exclusive, is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

State = Literal[
    "new", "confirmed", "dismissed", "notified", "removed", "credit_added", "ignored", "escalated"
]
STATES: tuple[State, ...] = (
    "new", "confirmed", "dismissed", "notified", "removed", "credit_added", "ignored", "escalated",
)  # fmt: skip
DISMISS_REASONS = ("not_a_copy", "licensed", "too_small", "other")
NOTIFY_CHANNELS = ("email", "web_form", "letter", "phone", "other")

# Every allowed move. Outcomes (removed, credit_added) may be recorded from any open state; a copy
# that comes back after removal, or drops its credit again, is reopened as confirmed.
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"confirmed", "dismissed", "ignored", "removed", "credit_added"}),
    "confirmed": frozenset({"notified", "dismissed", "ignored", "removed", "credit_added", "new"}),
    "dismissed": frozenset({"new", "confirmed"}),
    "notified": frozenset({"escalated", "removed", "credit_added", "ignored"}),
    "escalated": frozenset({"notified", "removed", "credit_added", "ignored"}),
    "removed": frozenset({"confirmed"}),
    "credit_added": frozenset({"confirmed"}),
    "ignored": frozenset({"new", "confirmed"}),
}
OPEN_STATES = frozenset({"new", "confirmed", "notified", "escalated"})

REOPEN_OVERLAP = 0.5
REOPEN_COVERAGE = 0.2


class TransitionError(ValueError):
    """A move the state machine does not allow, or one missing what it needs."""


def check_transition(
    current: str, target: str, *, reason: str = "", notified_to: str = "", via: str = ""
) -> None:
    """Raise TransitionError unless ``current -> target`` is allowed with these details."""
    if target not in STATES:
        raise TransitionError(f"unknown state {target!r} (states: {', '.join(STATES)})")
    if target not in TRANSITIONS.get(current, frozenset()):
        allowed = ", ".join(sorted(TRANSITIONS.get(current, ()))) or "none"
        raise TransitionError(f"a case in state {current!r} cannot become {target!r} (allowed: {allowed})")
    if target == "dismissed" and reason not in DISMISS_REASONS:
        given = f"{reason!r} is not one; " if reason else ""
        raise TransitionError(f"dismissing needs a reason: {given}one of {', '.join(DISMISS_REASONS)}")
    if target == "notified":
        if not notified_to.strip():
            raise TransitionError("notified needs to whom the notice went")
        if via not in NOTIFY_CHANNELS:
            raise TransitionError(f"notified needs how it was sent: one of {', '.join(NOTIFY_CHANNELS)}")


@dataclass(frozen=True)
class CopySnapshot:
    """What a copy was when it was dismissed: enough to tell a different copy from the same one."""

    sha256: str
    coverage: float
    intervals: tuple[tuple[int, int], ...]  # copied character ranges of the exclusive


def _merged(intervals: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        elif b > a:
            out.append((a, b))
    return out


def overlap(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> float:
    """Jaccard similarity of two sets of character intervals (1.0 when both are empty)."""
    ma, mb = _merged(a), _merged(b)
    total_a = sum(y - x for x, y in ma)
    total_b = sum(y - x for x, y in mb)
    inter = 0
    i = j = 0
    while i < len(ma) and j < len(mb):
        lo, hi = max(ma[i][0], mb[j][0]), min(ma[i][1], mb[j][1])
        inter += max(0, hi - lo)
        if ma[i][1] < mb[j][1]:
            i += 1
        else:
            j += 1
    union = total_a + total_b - inter
    return 1.0 if union == 0 else inter / union


def is_different_copy(then: CopySnapshot, now: CopySnapshot) -> bool:
    """The reopening rule of the module docstring."""
    if then.sha256 == now.sha256:
        return False
    if abs(now.coverage - then.coverage) >= REOPEN_COVERAGE:
        return True
    return overlap(then.intervals, now.intervals) < REOPEN_OVERLAP
