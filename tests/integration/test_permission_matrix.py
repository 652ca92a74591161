"""Every use case as every role: allowed or refused, and audited, as docs/security.md says.

The role table in docs/security.md is the single source: this module reads it, checks that
`auth.ROLE_PERMISSIONS` is the same table, then calls each use case as each role on a small
synthetic county and checks the outcome and the audit event the call leaves.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from sqlalchemy import select

from dispatch_desktop.models import AuditEvent, CallPerson, Person, RecommendationRow, User
from dispatch_desktop.models.domain import (
    Actor,
    DecisionKind,
    Disposition,
    IntakePerson,
    IntakeRecord,
    Role,
)
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import calls, console, decisions, pipeline
from dispatch_desktop.services.dispatch.snapshot import get_call
from dispatch_desktop.services.handoff.handoff import print_handoff
from dispatch_desktop.services.link import audit_checkpoints
from dispatch_desktop.services.registry import access, registry
from dispatch_desktop.services.registry.lookup import PersonQuery
from dispatch_desktop.services.security import audit, audit_log, auth, retention
from dispatch_desktop.services.supervision import outcomes, review
from dispatch_desktop.services.supervision.metrics import Period
from dispatch_desktop.services.supervision.report import Labels, write_report
from dispatch_desktop.tools.demo.roster import build_roster
from tests.data import handoff_calls

DOCS = Path(__file__).resolve().parents[2] / "docs" / "security.md"
PERSONS_CSV = Path(__file__).resolve().parents[1] / "data" / "persons_small.csv"
ROLES = ("dispatcher", "supervisor", "administrator", "auditor", "service")


def documented_matrix() -> dict[auth.Permission, frozenset[Role]]:
    """The role table of docs/security.md: permission -> roles with a tick."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## Roles") : text.index("## Passwords and sign-in")]
    header = next(line for line in section.splitlines() if line.startswith("| permission"))
    columns = [c.strip() for c in header.strip("|").split("|")]
    assert tuple(columns[2:]) == ROLES, "the role table's columns changed"
    table: dict[auth.Permission, frozenset[Role]] = {}
    for line in section.splitlines():
        found = re.match(r"\|\s*\**`(\w+)`", line)
        if not found:
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        ticks = {Role(role) for role, cell in zip(ROLES, cells[2:], strict=True) if cell == "✔"}
        table[auth.Permission(found.group(1))] = frozenset(ticks)
    return table


def test_the_code_grants_exactly_what_the_documented_table_says() -> None:
    table = documented_matrix()
    assert set(table) == set(auth.Permission), "every permission has one row"
    for role in Role:
        documented = {p for p, roles in table.items() if role in roles}
        assert auth.ROLE_PERMISSIONS[role] == documented, role


@dataclass
class County:
    """A synthetic county with one call of each kind a use case needs."""

    ctx: AppContext
    tmp: Path
    decided_call: int  # the welfare check: decided, assigned, a confirmed person with a plan
    fresh_call: int  # a new call, triaged, its recommendation not yet decided
    recommendation: int
    call_person: int  # the fresh call's person with a registry match to confirm
    person: Person
    free_unit: int

    def as_(self, actor: Actor) -> AppContext:
        return replace(self.ctx, actor=actor)


UseCase = Callable[[County, Actor], object]


def _triage(c: County, a: Actor) -> object:
    return pipeline.process_call(c.as_(a), c.fresh_call)


def _take(c: County, a: Actor) -> object:
    record = IntakeRecord(external_id="", nature_text="WELFARE CHECK", narrative="RP WORRIED")
    with c.ctx.db.transaction() as session:
        return calls.create_call(session, record, a)


def _note(c: County, a: Actor) -> object:
    with c.ctx.db.transaction() as session:
        calls.add_note(session, a, c.fresh_call, "caller called back")
    return None


def _confirm(c: County, a: Actor) -> object:
    with c.ctx.db.transaction() as session:
        calls.confirm_match(session, a, c.call_person)
    return None


def _decide(c: County, a: Actor) -> object:
    return decisions.decide(
        c.ctx.db, c.recommendation, actor=a, kind=DecisionKind.ACCEPT, policy=c.ctx.agency.policy
    )


def _assign(c: County, a: Actor) -> object:
    dispatcher = Actor("jortiz", Role.DISPATCHER, "CONSOLE-07")
    policy = c.ctx.agency.policy
    decisions.decide(
        c.ctx.db, c.recommendation, actor=dispatcher, kind=DecisionKind.ACCEPT, policy=policy
    )
    console.release_calls(c.as_(dispatcher), "console locked")  # free for ``a`` to assign
    with c.ctx.db.uow() as session:
        version = get_call(session, c.fresh_call).version
    return decisions.assign_unit(
        c.ctx.db, c.fresh_call, c.free_unit, actor=a, seen_version=version, policy=policy
    )


def _take_over(c: County, a: Actor) -> object:
    console.take_call(c.as_(Actor("jortiz", Role.DISPATCHER, "CONSOLE-07")), c.fresh_call)
    return console.take_over(c.as_(a), c.fresh_call, "J. Ortiz is on another line")


def _lookup(c: County, a: Actor) -> object:
    query = PersonQuery(name="Daniel Reyes")
    with c.ctx.db.transaction() as session:
        return access.lookup_with_audit(session, a, query, reason="matrix: welfare follow-up")


def _export(c: County, a: Actor) -> object:
    cipher = c.ctx.cipher
    with c.ctx.db.transaction() as session:
        return registry.export_person(
            session,
            cipher,
            a,
            source=c.person.source,
            external_id=c.person.external_id,
            reason="matrix: subject request",
        )


def _outcome(c: County, a: Actor) -> object:
    data = outcomes.OutcomeInput(disposition=Disposition.RESOLVED_ON_SCENE)
    return outcomes.record_outcome(c.ctx.db, a, c.decided_call, data)


def _report(c: County, a: Actor) -> object:
    period = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    out = c.tmp / f"{a.username}.csv"
    labels = Labels.of(c.ctx.agency)
    return write_report(c.ctx.db, a, period, out, labels=labels, agency="Test County")


def _verify_audit(c: County, a: Actor) -> object:
    checkpoints, also = audit_checkpoints.sinks(c.ctx)
    return audit_log.verify(c.ctx.db, a, checkpoints, also=also)


# Use cases whose success leaves no event of their own every time: a re-triage that changes
# nothing, and viewing a call that has no plan this role may see.
QUIET = {"call.triage", "call.view"}

USE_CASES: dict[str, tuple[auth.Permission, str, UseCase]] = {
    "view a call": (
        auth.Permission.VIEW_CALLS, "call.view",
        lambda c, a: console.reload_detail(c.as_(a), c.decided_call),
    ),
    "take a call": (auth.Permission.TAKE_CALLS, "call.create", _take),
    "open a call to work it": (
        auth.Permission.TAKE_CALLS, "call.take",
        lambda c, a: console.take_call(c.as_(a), c.fresh_call),
    ),
    "take over a call": (auth.Permission.TAKE_CALLS, "call.takeover", _take_over),
    "add a note": (auth.Permission.TAKE_CALLS, "call.note", _note),
    "triage": (auth.Permission.TAKE_CALLS, "call.triage", _triage),  # audits only changes
    "confirm a match": (auth.Permission.LOOKUP_PERSON, "match.confirm", _confirm),
    "decide": (auth.Permission.TRIAGE_CALLS, "routing.accept", _decide),
    "assign": (auth.Permission.TRIAGE_CALLS, "call.assign", _assign),
    "print handoff": (
        auth.Permission.PRINT_HANDOFF, "handoff.save",
        lambda c, a: print_handoff(c.as_(a), c.decided_call, io.BytesIO()),
    ),
    "look up": (auth.Permission.LOOKUP_PERSON, "person.lookup", _lookup),
    "review": (
        auth.Permission.REVIEW_CALLS, "review.view",
        lambda c, a: review.review_detail(c.ctx.db, a, c.decided_call),
    ),
    "record outcome": (auth.Permission.RECORD_OUTCOME, "outcome.record", _outcome),
    "import": (
        auth.Permission.IMPORT_REGISTRY, "registry.import",
        lambda c, a: registry.import_file(
            c.ctx.db, lambda: c.ctx.cipher, a, PERSONS_CSV, source="matrix", retention_days=365
        ),
    ),
    "subject-access export": (auth.Permission.SUBJECT_ACCESS_EXPORT, "registry.export", _export),
    "purge": (
        auth.Permission.PURGE, "retention.purge",
        lambda c, a: retention.purge_expired(c.ctx.db, a, review_days=365),
    ),
    "report": (auth.Permission.VIEW_METRICS, "report.export", _report),
    "view audit": (
        auth.Permission.VIEW_AUDIT, "audit.view",
        lambda c, a: audit_log.query_events(c.ctx.db, a),
    ),
    "export audit": (
        auth.Permission.EXPORT_AUDIT, "audit.export",
        lambda c, a: audit_log.export_events(c.ctx.db, a, audit_log.AuditFilter(), len, where=""),
    ),
    "verify audit": (auth.Permission.VERIFY_AUDIT, "audit.verify", _verify_audit),
    "list users": (
        auth.Permission.MANAGE_USERS, "user.list", lambda c, a: auth.list_users(c.ctx.db, a)
    ),
    "unlock a user": (
        auth.Permission.UNLOCK_USERS, "user.unlock",
        lambda c, a: auth.unlock_user(c.ctx.db, a, "jortiz", reason="identity checked"),
    ),
}  # fmt: skip


@pytest.fixture
def county(ctx: AppContext, tmp_path: Path) -> County:
    with ctx.db.transaction() as session:
        build_roster(session, random.Random(2611))
        for role in ROLES:
            session.add(User(username=f"m-{role}", display_name=f"M. {role}", role=role))
    welfare = handoff_calls.welfare_check(ctx)
    dispatcher = Actor("jortiz", Role.DISPATCHER, "CONSOLE-07")
    with ctx.db.transaction() as session:
        session.add(User(username="jortiz", display_name="J. Ortiz", role="dispatcher"))
        person = session.execute(select(Person).where(Person.last_name == "Reyes")).scalar_one()
        record = IntakeRecord(
            external_id="matrix-1",
            nature_text="WELFARE CHECK",
            narrative="RP SAYS DANIEL REYES IS HEARING VOICES, OFF MEDS, NO WEAPONS",
            location="1420 Alder St Apt 3B",
            persons=(IntakePerson(name="Daniel Reyes", dob="1997-03-14"),),
        )
        fresh = calls.create_call(session, record, dispatcher)
    detail = pipeline.process_call(replace(ctx, actor=dispatcher), fresh).detail
    with ctx.db.uow() as session:
        rec = session.execute(
            select(RecommendationRow.id).where(RecommendationRow.call_id == fresh)
        ).scalar_one()
        free = console.units_for(session, ctx.agency, detail)[0].unit_id
    with ctx.db.transaction() as session:
        # The registry's suggestion, as the lookup would leave it (this person is not indexed).
        suggested = session.get(CallPerson, detail.persons[0].call_person_id)
        assert suggested is not None
        suggested.person_id = person.id
        matched = suggested.id
    return County(ctx, tmp_path, welfare.call_id, fresh, rec, matched, person, free)


def _events(county: County, username: str, action: str) -> list[str]:
    with county.ctx.db.uow() as session:
        return list(
            session.execute(
                select(AuditEvent.outcome)
                .where(AuditEvent.username == username, AuditEvent.action == action)
                .order_by(AuditEvent.id)
            ).scalars()
        )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("use_case", sorted(USE_CASES))
def test_every_use_case_as_every_role(county: County, use_case: str, role: str) -> None:
    permission, action, call = USE_CASES[use_case]
    actor = Actor(f"m-{role}", Role(role), "CONSOLE-09", display_name=f"M. {role}")
    if Role(role) in documented_matrix()[permission]:
        call(county, actor)
        outcomes_seen = _events(county, actor.username, action)
        assert auth.REFUSED not in outcomes_seen
        assert outcomes_seen or action in QUIET
    else:
        with pytest.raises(auth.PermissionDenied, match="may not"):
            call(county, actor)
        assert _events(county, actor.username, action) == [auth.REFUSED]
    with county.ctx.db.uow() as session:
        assert audit.verify_chain(session).ok


def test_a_user_who_has_not_signed_in_may_do_nothing(county: County) -> None:
    nobody = auth.anonymous_actor("os:someone", "CONSOLE-09")
    for use_case, (_, action, call) in sorted(USE_CASES.items()):
        with pytest.raises(auth.PermissionDenied, match="Only a signed-in user"):
            call(county, nobody)
        assert _events(county, nobody.username, action)[-1] == auth.REFUSED, use_case
