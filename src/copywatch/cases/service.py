"""Cases: one per uncredited copy, with a state and an append-only history.

``CaseBook`` is the library's face for the CLI, the web app and the scan/recheck hooks. It reads
and writes through the store (which owns every SQL statement) and checks each move against
``states.TRANSITIONS``. A move is written with its history entry in one transaction, and only if
the case is still in the state the caller saw, so two people acting at once cannot both win.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ..errors import CopywatchError
from ..models import Finding
from ..store import Store
from .states import OPEN_STATES, CopySnapshot, TransitionError, check_transition, is_different_copy

SYSTEM = "copywatch"  # the actor of moves made by scans and rechecks


class CaseNotFound(CopywatchError):
    """No case has this id."""


class CaseMoved(CopywatchError):
    """The case changed state while the caller was looking at it."""


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Case:
    id: int
    page_url: str
    exclusive_url: str
    site: str
    state: str
    reason: str
    notified_to: str
    notified_via: str
    notified_at: str
    created_at: str
    updated_at: str
    page_title: str = ""
    exclusive_title: str = ""
    coverage: float = 0.0
    attribution: str = ""
    first_seen: str = ""
    online_status: str = ""
    rechecked_at: str = ""
    sha256: str = ""
    captured_at: str = ""
    match_type: str = ""


@dataclass(frozen=True)
class CaseEvent:
    id: int
    case_id: int
    at: str
    actor: str
    action: str
    from_state: str
    to_state: str
    note: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SyncResult:
    created: int = 0
    reopened: int = 0
    credit_added: int = 0
    credit_dropped: int = 0


_CASE_FIELDS = {f for f in Case.__dataclass_fields__}


def _case(row: dict[str, Any]) -> Case:
    values: dict[str, Any] = {k: v for k, v in row.items() if k in _CASE_FIELDS}
    for k, v in values.items():
        if v is None:  # a case whose finding is gone: its columns from the join are NULL
            values[k] = 0.0 if k == "coverage" else ""
    return Case(**values)


def _snapshot(f: Finding) -> CopySnapshot:
    return CopySnapshot(f.sha256, f.coverage, tuple((s.exclusive_start, s.exclusive_end) for s in f.spans))


def pursued(f: Finding) -> bool:
    """Copies that get a case: uncredited and not a licensed partner's."""
    return f.uncredited


class CaseBook:
    def __init__(self, store: Store):
        self.store = store

    # --- reading ----------------------------------------------------------------------------

    def search(
        self,
        *,
        state: str | None = None,
        site: str | None = None,
        exclusive: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> list[Case]:
        """Cases, filtered by state, site, exclusive (URL or words of its title) and first-seen date."""
        rows = self.store.case_rows(state=state, site=site, exclusive=exclusive, since=since, until=until)
        return [_case(r) for r in rows]

    def get(self, case_id: int) -> Case:
        rows = self.store.case_rows(case_id=case_id)
        if not rows:
            raise CaseNotFound(f"no case {case_id}")
        return _case(rows[0])

    def find(self, page_url: str, exclusive_url: str) -> Case | None:
        rows = self.store.case_rows(key=(page_url, exclusive_url))
        return _case(rows[0]) if rows else None

    def finding(self, case: Case) -> Finding | None:
        return self.store.finding_of_case(case.page_url, case.exclusive_url)

    def history(self, case_id: int) -> list[CaseEvent]:
        return [
            CaseEvent(**{**r, "detail": json.loads(r["detail"] or "{}")})
            for r in self.store.case_history(case_id)
        ]

    def sites(self) -> list[str]:
        return sorted({c.site for c in self.search()})

    def due_for_escalation(self, days: int, now: datetime | None = None) -> list[Case]:
        """Cases notified at least ``days`` ago whose copy is still online (or not rechecked since)."""
        cutoff = ((now or datetime.now(UTC)) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return [
            c
            for c in self.search(state="notified")
            if c.notified_at and c.notified_at <= cutoff and c.online_status not in ("removed",)
        ]

    # --- moves ------------------------------------------------------------------------------

    def set_state(
        self,
        case_id: int,
        target: str,
        *,
        actor: str,
        note: str = "",
        reason: str = "",
        notified_to: str = "",
        via: str = "",
        expect: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> Case:
        """Move a case; raises TransitionError for a move not allowed, CaseMoved if it moved meanwhile."""
        case = self.get(case_id)
        if expect is not None and case.state != expect:
            raise CaseMoved(f"case {case_id} is now {case.state!r}, not {expect!r}: reload it")
        check_transition(case.state, target, reason=reason, notified_to=notified_to, via=via)
        at = now_utc()
        changes: dict[str, Any] = {"state": target, "updated_at": at}
        info = dict(detail or {})
        if target == "dismissed":
            changes["reason"] = reason
            f = self.finding(case)
            if f is not None:
                snap = _snapshot(f)
                changes |= {
                    "dismissed_sha256": snap.sha256,
                    "dismissed_coverage": snap.coverage,
                    "dismissed_spans": json.dumps([list(i) for i in snap.intervals]),
                }
            info["reason"] = reason
        elif target == "notified":
            changes |= {"notified_to": notified_to.strip(), "notified_via": via, "notified_at": at}
            info |= {"to": notified_to.strip(), "via": via}
        event = {
            "at": at, "actor": actor, "action": "state", "from_state": case.state, "to_state": target,
            "note": note, "detail": info,
        }  # fmt: skip
        if not self.store.update_case(case_id, case.state, changes, event):
            raise CaseMoved(f"case {case_id} changed state meanwhile: reload it")
        return self.get(case_id)

    def add_event(
        self, case_id: int, action: str, *, actor: str, note: str = "", detail: dict[str, Any] | None = None
    ) -> None:
        case = self.get(case_id)
        self.store.add_case_event(
            case_id,
            {"at": now_utc(), "actor": actor, "action": action, "from_state": case.state,
             "to_state": case.state, "note": note, "detail": detail or {}},
        )  # fmt: skip

    def _system_move(self, case: Case, target: str, note: str, detail: dict[str, Any]) -> bool:
        try:
            self.set_state(case.id, target, actor=SYSTEM, note=note, expect=case.state, detail=detail)
        except (TransitionError, CaseMoved):
            return False
        return True

    # --- what scans and rechecks do ---------------------------------------------------------

    def sync(self) -> SyncResult:
        """Bring cases up to date with the findings: open a case for every new uncredited copy,
        reopen a dismissed case whose copy became a different one, and follow credit added or
        dropped as a scan saw it. Idempotent; called after each scan."""
        created = reopened = credited = dropped = 0
        known = {(c.page_url, c.exclusive_url): c for c in self.search()}
        for f in self.store.findings():
            case = known.get((f.page_url, f.exclusive_url))
            if case is None:
                if pursued(f):
                    at = now_utc()
                    new_id = self.store.create_case(
                        {"page_url": f.page_url, "exclusive_url": f.exclusive_url, "site": f.site,
                         "state": "new", "at": at},
                        {"at": at, "actor": SYSTEM, "action": "opened", "to_state": "new",
                         "note": f"found by run {f.run_id}", "detail": {"coverage": f.coverage}},
                    )  # fmt: skip
                    created += new_id is not None
                continue
            if case.state == "dismissed":
                then = self._dismissed_snapshot(case.id)
                if then is not None and is_different_copy(then, _snapshot(f)):
                    note = f"the page changed: coverage {then.coverage:.0%} -> {f.coverage:.0%}"
                    reopened += self._system_move(case, "new", note, {"sha256": f.sha256})
            elif case.state in OPEN_STATES and not pursued(f) and f.attribution != "none":
                note = f"a scan found credit ({f.attribution}): {f.attribution_evidence[:300]}"
                credited += self._system_move(case, "credit_added", note, {"attribution": f.attribution})
            elif case.state == "credit_added" and pursued(f):
                dropped += self._system_move(case, "confirmed", "the credit is gone again", {})
        return SyncResult(created, reopened, credited, dropped)

    def _dismissed_snapshot(self, case_id: int) -> CopySnapshot | None:
        rows = self.store.case_rows(case_id=case_id)
        if not rows or not rows[0]["dismissed_sha256"]:
            return None
        r = rows[0]
        spans = tuple((int(a), int(b)) for a, b in json.loads(r["dismissed_spans"] or "[]"))
        return CopySnapshot(r["dismissed_sha256"], float(r["dismissed_coverage"]), spans)

    def after_recheck(self, page_url: str, status: str, credited_exclusives: Sequence[str] = ()) -> list[str]:
        """Move the cases of a rechecked page: removed, credit added, or back online after removal.

        ``credited_exclusives``: the exclusives the rechecked page now credits. Returns the moves made.
        """
        moves = []
        for case in [_case(r) for r in self.store.case_rows(page_url=page_url)]:
            if status == "removed" and case.state in OPEN_STATES:
                if self._system_move(
                    case, "removed", "the recheck found the copy gone", {"online_status": status}
                ):
                    moves.append(f"{case.id}:removed")
            elif status in ("online", "changed") and case.exclusive_url in credited_exclusives:
                if case.state in OPEN_STATES and self._system_move(
                    case, "credit_added", "the recheck found credit on the page", {"online_status": status}
                ):
                    moves.append(f"{case.id}:credit_added")
            elif status in ("online", "changed") and case.state == "removed":
                if self._system_move(case, "confirmed", "the recheck found the copy online again", {}):
                    moves.append(f"{case.id}:confirmed")
        return moves
