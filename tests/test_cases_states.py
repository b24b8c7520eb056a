"""Case states: every allowed move and every refused one, the append-only history, the rule that
reopens a dismissed copy, credit followed by scans, escalation. Real SQLite store throughout."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from tests.fixtures.findings import make_finding

from copywatch.cases import STATES, TRANSITIONS, CaseBook, CaseMoved, TransitionError
from copywatch.cases.states import CopySnapshot, is_different_copy, overlap
from copywatch.models import Finding, RunInfo, Span
from copywatch.store import ScanResults, Store

EX_TEXT = " ".join(f"word{i}" for i in range(400))


def finding(n: int = 1, **kw: object) -> Finding:
    values: dict[str, object] = dict(
        page_url=f"https://copycat.ma/a/{n}",
        exclusive_url="https://kawalis.ma/x/1",
        spans=(Span(0, 1000, 0, 1000),),
        exclusive_text=EX_TEXT,
    )
    values.update(kw)
    return make_finding(**values)


_RUNS = iter(range(10, 99))


def commit(store: Store, findings: list[Finding], run_id: str = "") -> None:
    run_id = run_id or f"20261129T07{next(_RUNS):02d}00Z"
    run = RunInfo(
        run_id=run_id, started_at="2026-11-29T07:00:00Z", finished_at="2026-11-29T07:01:00Z", status="success"
    )
    store.commit_scan(
        ScanResults(run=run, exclusives=(), pages=(), findings=[replace(f, run_id=run_id) for f in findings])
    )


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "cw.db") as s:
        yield s


def one_case(store: Store) -> tuple[CaseBook, int]:
    commit(store, [finding()])
    book = CaseBook(store)
    book.sync()
    (case,) = book.search()
    return book, case.id


def test_sync_opens_cases_for_uncredited_copies_only(store):
    commit(
        store,
        [
            finding(1),
            finding(2, attribution="link"),
            finding(3, partner=True),
            finding(4, attribution="name"),
        ],
    )
    book = CaseBook(store)
    assert book.sync().created == 1
    assert [c.page_url for c in book.search()] == ["https://copycat.ma/a/1"]
    assert book.sync().created == 0  # idempotent
    (e,) = book.history(1)
    assert (e.actor, e.action, e.to_state) == ("copywatch", "opened", "new")


def _path_to(state: str) -> list[tuple[str, dict[str, str]]]:
    """Moves (with the details each needs) from new to ``state``."""
    need = {
        "dismissed": {"reason": "licensed"},
        "notified": {"notified_to": "editor@copycat.ma", "via": "email"},
    }
    paths = {
        "new": [],
        "confirmed": ["confirmed"],
        "dismissed": ["dismissed"],
        "ignored": ["ignored"],
        "notified": ["confirmed", "notified"],
        "escalated": ["confirmed", "notified", "escalated"],
        "removed": ["removed"],
        "credit_added": ["credit_added"],
    }
    return [(s, need.get(s, {})) for s in paths[state]]


@pytest.mark.parametrize(("source", "target"), [(s, t) for s in STATES for t in STATES], ids=lambda v: str(v))
def test_every_move_is_allowed_or_refused_as_the_table_says(tmp_path, source, target):
    with Store(tmp_path / "cw.db") as store:
        book, cid = one_case(store)
        for step, details in _path_to(source):
            book.set_state(cid, step, actor="tester", **details)
        assert book.get(cid).state == source
        details = {
            "dismissed": {"reason": "too_small"},
            "notified": {"notified_to": "a@b.ma", "via": "letter"},
        }
        before = len(book.history(cid))
        if target in TRANSITIONS[source]:
            case = book.set_state(
                cid, target, actor="tester", note=f"{source}->{target}", **details.get(target, {})
            )
            assert case.state == target
            last = book.history(cid)[-1]
            assert (last.actor, last.from_state, last.to_state, last.note) == (
                "tester",
                source,
                target,
                f"{source}->{target}",
            )
            assert len(book.history(cid)) == before + 1
        else:
            with pytest.raises(TransitionError, match="cannot become"):
                book.set_state(cid, target, actor="tester", **details.get(target, {}))
            assert book.get(cid).state == source
            assert len(book.history(cid)) == before  # a refused move writes nothing


def test_dismissing_needs_a_reason_and_notifying_needs_to_whom_and_how(store):
    book, cid = one_case(store)
    with pytest.raises(TransitionError, match="reason"):
        book.set_state(cid, "dismissed", actor="e")
    with pytest.raises(TransitionError, match="reason"):
        book.set_state(cid, "dismissed", actor="e", reason="because")
    book.set_state(cid, "confirmed", actor="e")
    with pytest.raises(TransitionError, match="to whom"):
        book.set_state(cid, "notified", actor="l", via="email")
    with pytest.raises(TransitionError, match="how"):
        book.set_state(cid, "notified", actor="l", notified_to="x@y.ma", via="pigeon")
    case = book.set_state(cid, "notified", actor="l", notified_to="x@y.ma", via="email", note="first notice")
    assert (case.notified_to, case.notified_via) == ("x@y.ma", "email") and case.notified_at
    assert book.history(cid)[-1].detail == {"to": "x@y.ma", "via": "email"}
    with pytest.raises(TransitionError, match="unknown state"):
        book.set_state(cid, "closed", actor="l")


def test_history_is_append_only_in_the_database_itself(store):
    book, cid = one_case(store)
    book.set_state(cid, "confirmed", actor="edith", note="clear copy")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("UPDATE case_history SET note = 'rewritten'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("DELETE FROM case_history")
    assert [e.note for e in book.history(cid)][-1] == "clear copy"
    assert len(book.history(cid)) == 2


def test_two_people_moving_one_case_at_once_one_wins(store):
    book, cid = one_case(store)
    book.set_state(cid, "confirmed", actor="edith", expect="new")
    with pytest.raises(CaseMoved):
        book.set_state(cid, "dismissed", actor="other", reason="other", expect="new")
    assert book.get(cid).state == "confirmed"


def test_overlap_and_the_reopening_rule():
    assert overlap([(0, 100)], [(0, 100)]) == 1.0
    assert overlap([(0, 100)], [(50, 150)]) == pytest.approx(50 / 150)
    assert overlap([(0, 50), (40, 100)], [(0, 100)]) == 1.0  # overlapping spans merged
    assert overlap([], []) == 1.0
    then = CopySnapshot("a" * 64, 0.40, ((0, 1000),))
    assert not is_different_copy(then, CopySnapshot("a" * 64, 0.9, ((5000, 6000),)))  # same body: same copy
    assert not is_different_copy(then, CopySnapshot("b" * 64, 0.45, ((0, 950),)))  # small edit
    assert is_different_copy(then, CopySnapshot("b" * 64, 0.62, ((0, 1000),)))  # coverage +22 points
    assert is_different_copy(then, CopySnapshot("b" * 64, 0.40, ((3000, 4000),)))  # other passages


def test_dismissed_stays_dismissed_unless_the_copy_becomes_a_different_one(store):
    book, cid = one_case(store)
    book.set_state(cid, "dismissed", actor="edith", reason="too_small", note="a short quote")
    commit(
        store, [finding(sha256="cd" * 32, coverage=0.82, spans=(Span(0, 980, 0, 980),))], "20261129T080000Z"
    )
    assert book.sync().reopened == 0
    assert book.get(cid).state == "dismissed"
    commit(
        store,
        [finding(sha256="ef" * 32, coverage=0.81, spans=(Span(2000, 3000, 0, 1000),))],
        "20261129T090000Z",
    )
    assert book.sync().reopened == 1
    case = book.get(cid)
    assert case.state == "new"
    last = book.history(cid)[-1]
    assert (last.actor, last.from_state, last.to_state) == ("copywatch", "dismissed", "new")
    assert "the page changed" in last.note


def test_a_scan_that_finds_credit_moves_open_cases_and_back(store):
    book, cid = one_case(store)
    book.set_state(cid, "confirmed", actor="edith")
    commit(store, [finding(attribution="link", attribution_evidence="link_article: https://kawalis.ma/x/1")])
    assert book.sync().credit_added == 1
    assert book.get(cid).state == "credit_added"
    commit(store, [finding(attribution="none")])
    assert book.sync().credit_dropped == 1
    assert book.get(cid).state == "confirmed"
    assert [e.to_state for e in book.history(cid)] == ["new", "confirmed", "credit_added", "confirmed"]


def test_recheck_moves(store):
    book, cid = one_case(store)
    book.set_state(cid, "confirmed", actor="edith")
    book.set_state(cid, "notified", actor="layla", notified_to="x@copycat.ma", via="email")
    assert book.after_recheck("https://copycat.ma/a/1", "online") == []
    assert book.after_recheck("https://copycat.ma/a/1", "removed") == [f"{cid}:removed"]
    assert book.after_recheck("https://copycat.ma/a/1", "changed") == [f"{cid}:confirmed"]  # back online
    assert book.after_recheck("https://copycat.ma/a/1", "changed", ["https://kawalis.ma/x/1"]) == [
        f"{cid}:credit_added"
    ]
    assert [e.actor for e in book.history(cid)][-3:] == ["copywatch"] * 3


def test_due_for_escalation(store):
    book, cid = one_case(store)
    book.set_state(cid, "confirmed", actor="edith")
    book.set_state(cid, "notified", actor="layla", notified_to="x@copycat.ma", via="email")
    now = datetime.now(UTC)
    assert book.due_for_escalation(14, now=now) == []
    assert [c.id for c in book.due_for_escalation(14, now=now + timedelta(days=15))] == [cid]
    store.set_online_status("https://copycat.ma/a/1", "removed", "2026-12-01T00:00:00Z")
    assert book.due_for_escalation(14, now=now + timedelta(days=15)) == []


def test_filters(store):
    commit(store, [finding(1, site="a-site"), finding(2, site="b-site", exclusive_title="حصري: الميزانية")])
    book = CaseBook(store)
    book.sync()
    assert [c.site for c in book.search(site="b-site")] == ["b-site"]
    assert [c.site for c in book.search(exclusive="الميزانية")] == ["b-site"]
    assert len(book.search(since="2026-11-29", until="2026-11-29")) == 2
    assert book.search(since="2026-11-30") == []
    assert len(book.search(state="new")) == 2 and book.search(state="confirmed") == []


def test_a_failing_sync_after_a_scan_is_logged_not_raised(store, caplog):
    from copywatch.cases.followup import after_scan

    commit(store, [finding()])
    store.db.execute("DROP TRIGGER case_history_no_delete")  # a damaged store: the history table is gone
    store.db.execute("DROP TABLE case_history")
    with caplog.at_level("ERROR", logger="copywatch.cases"):
        assert after_scan(store).created == 0
    assert "cases could not be updated" in caplog.text
