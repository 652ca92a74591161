"""One call, read one way: the console, the handoff sheet and supervisor review all show the
call's `CallSnapshot`, under the same rules, and a pipeline run decrypts each plan once."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select

from dispatch_desktop.models import Consent, CrisisPlan, Person, PremiseAlert, utcnow
from dispatch_desktop.models.domain import Actor, IntakeRecord, Role
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import calls, console, pipeline
from dispatch_desktop.services.dispatch.snapshot import evidence_json
from dispatch_desktop.services.handoff import handoff
from dispatch_desktop.services.registry.lookup import CONSENT_NOT_IN_FORCE
from dispatch_desktop.services.registry.normalize import normalize_address
from dispatch_desktop.services.registry.plans import CONTACT_CONTEXT, PLAN_CONTEXT
from dispatch_desktop.services.supervision import review
from dispatch_desktop.tools.demo import scene as demo_scene
from tests.data import handoff_calls as hc


def _supervisor(ctx: AppContext) -> Actor:
    return replace(ctx.actor, username="tbrooks", role=Role.SUPERVISOR)


def _new_call(ctx: AppContext, record: IntakeRecord) -> int:
    with ctx.db.transaction() as session:
        return calls.create_call(session, record, ctx.actor)


def _alert(ctx: AppContext, address: str, category: str, reason: str, **kw: Any) -> PremiseAlert:
    normalized = normalize_address(address)
    assert normalized is not None
    return PremiseAlert(
        address_normalized=normalized.normalized,
        address_raw=address,
        category=category,
        reason_enc=ctx.cipher.encrypt_json(reason, "premise_alert.reason"),
        key_id=ctx.cipher.active_key_id,
        source="Olympia PD",
        **kw,
    )


def test_console_handoff_sheet_and_review_show_the_same_premise_alerts(ctx: AppContext) -> None:
    demo_scene.build_scene(ctx)
    now = utcnow()
    with ctx.db.transaction() as session:
        resident = Person(source="demo", external_id="ELM-4", first_name="Kim", last_name="Ash")
        session.add(resident)
        session.flush()
        revoked = Consent(
            person_id=resident.id,
            discloser="County BH",
            scope=["safety_notes"],
            effective_at=now - dt.timedelta(days=100),
            revoked_at=now - dt.timedelta(days=1),
        )
        session.add(revoked)
        session.flush()
        session.add_all(
            [
                _alert(ctx, "12 Elm St", "weapons", "Rifle kept in the lobby office"),
                _alert(ctx, "12 Elm St Apt 4", "hazard", "Hoarding blocks the back door"),
                _alert(ctx, "12 Elm St Apt 7", "animal", "Large dog in flat seven"),
                _alert(
                    ctx,
                    "12 Elm St",
                    "violence",
                    "Old fight long ago",
                    expires_at=now - dt.timedelta(days=2),
                ),
                _alert(
                    ctx,
                    "12 Elm St Apt 4",
                    "bh_plan",
                    "Resident's plan says speak softly",
                    consent_id=revoked.id,
                ),
            ]
        )
    call_id = _new_call(
        ctx,
        IntakeRecord(
            external_id="elm-4",
            nature_text="WELFARE CHECK",
            narrative="Neighbour reports the resident is shouting and not answering the door.",
            location="12 Elm St Apt 4",
            source="cad",
        ),
    )
    expected = {
        ("weapons", "Rifle kept in the lobby office"),
        ("hazard", "Hoarding blocks the back door"),
        ("bh_plan", CONSENT_NOT_IN_FORCE),
    }

    shown = pipeline.process_call(ctx, call_id).detail
    assert {(a.category, a.reason) for a in shown.premise_alerts} == expected
    assert {(a.category, a.reason) for a in console.reload_detail(ctx, call_id).premise_alerts} == (
        expected
    )

    reviewed = review.review_detail(ctx.db, _supervisor(ctx), call_id, cipher=ctx.cipher)
    assert {(a.category, a.reason) for a in reviewed.premise_alerts} == expected

    buffer = io.BytesIO()
    handoff.print_handoff(ctx, call_id, buffer)
    text = " ".join(" ".join(hc.page_texts(buffer.getvalue())).split())
    for present in (
        "PREMISE ALERT: WEAPONS",
        "Rifle kept in the lobby office",
        "PREMISE ALERT: HAZARD",
        "Hoarding blocks the back door",
        "PREMISE ALERT: CRISIS PLAN ON FILE",
        CONSENT_NOT_IN_FORCE,
    ):
        assert present in text, present
    for absent in (
        "Large dog",  # another flat's alert
        "PREMISE ALERT: ANIMAL",
        "Old fight",  # expired
        "PREMISE ALERT: VIOLENCE",
        "speak softly",  # its consent was revoked: the category shows, never the reason
    ):
        assert absent not in text, absent


def test_one_pipeline_run_decrypts_each_plan_field_once(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo_scene.build_scene(ctx)
    call_id = _new_call(ctx, demo_scene.STORY_CALLS[0])
    person = pipeline.process_call(ctx, call_id).detail.persons[0]
    with ctx.db.transaction() as session:
        calls.confirm_match(session, ctx.actor, person.call_person_id)
        plan = session.scalars(
            select(CrisisPlan).where(CrisisPlan.person_id == person.person_id)
        ).one()
        plan_fields = {(PLAN_CONTEXT, bytes(plan.content_enc))} | {
            (CONTACT_CONTEXT, bytes(contact.data_enc)) for contact in plan.contacts
        }
    assert len(plan_fields) >= 3  # the body, the case manager and a support contact

    cipher = ctx.cipher
    real = cipher.decrypt_json
    decrypted: Counter[tuple[str, bytes]] = Counter()

    def counting(blob: bytes, context: str, key_id: str) -> Any:
        decrypted[(context, bytes(blob))] += 1
        return real(blob, context, key_id)

    monkeypatch.setattr(cipher, "decrypt_json", counting)
    shown = pipeline.process_call(ctx, call_id).detail
    plan_view = shown.persons[0].plans[0]
    assert plan_view.content is not None and plan_view.content.case_manager is not None
    from_plans = {key: n for key, n in decrypted.items() if key[0] != "premise_alert.reason"}
    assert from_plans == dict.fromkeys(plan_fields, 1)


def test_review_and_call_view_give_identical_evidence_json(ctx: AppContext) -> None:
    demo_scene.build_scene(ctx)
    call_id = _new_call(
        ctx,
        IntakeRecord(
            external_id="evidence-1",
            nature_text="WELFARE CHECK",
            narrative="Mother says her son is possibly hearing voices, history of suicide "
            "attempts, off his meds.",
            location="300 E 4th Ave",
            source="cad",
        ),
    )
    pipeline.process_call(ctx, call_id)
    shown = console.reload_detail(ctx, call_id).classification
    reviewed = review.review_detail(ctx.db, _supervisor(ctx), call_id).classification
    assert shown is not None and reviewed is not None
    # "possibly" and "history of" qualify what fired: the supervisor must see that too.
    assert {span.qualifier for span in shown.evidence} >= {"possible", "history"}
    assert evidence_json(reviewed.evidence) == evidence_json(shown.evidence)
