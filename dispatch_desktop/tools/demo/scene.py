"""The console stories' people and calls, for the demo county, screenshots and tests.

It holds the people from the console stories in ../shared/SCENARIOS.md (all invented:
Daniel Reyes with a crisis plan, a namesake who must not look probable, a LEAD participant)
and a premise alert at Daniel's address, and the story calls. `build_scene` makes a small
database of just these (plus users and roster); the demo county adds them to its registry
and puts the story calls in the incoming queue, so the console opens on live work.
"""

from __future__ import annotations

import datetime as dt
import random

from dispatch_desktop.models import AppMeta, utcnow
from dispatch_desktop.models.domain import CallPersonRole, IntakePerson, IntakeRecord
from dispatch_desktop.models.records import Contact, PlanContent
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import calls, pipeline
from dispatch_desktop.services.registry import registry
from dispatch_desktop.services.registry.normalize import NormalizedAddress, normalize_address
from dispatch_desktop.tools.demo.roster import build_roster, build_users

DANNY_ADDRESS = "1412 W Elm St"
SOURCE = "demo-scene"


def _address(raw: str) -> tuple[str, NormalizedAddress]:
    normalized = normalize_address(raw)
    assert normalized is not None, raw
    return raw, normalized


def _danny_plan(now: dt.datetime) -> registry.PlanRecord:
    return registry.PlanRecord(
        external_id="SCENE-PLAN-1",
        content=PlanContent(
            summary="Schizoaffective; does well when approached calmly by few people.",
            what_helps=("Speak slowly, use his name (Danny)", "Let him pace; give space"),
            deescalation=("Offer water; sit down if he sits",),
            triggers=("Raised voices", "Uniforms close in", "Being touched without warning"),
            communication_needs=("Needs extra time to answer",),
            safety_notes=("No known weapons access", "No history of violence toward responders"),
            support_contacts=(
                Contact(
                    role="family", name="Maria Reyes", relationship="mother", phone="(360) 555-0142"
                ),
            ),
            case_manager=Contact(
                role="case_manager",
                name="Alex Moreno",
                organization="Behavioral Health Resources",
                phone="(360) 555-0110",
                after_hours_phone="(360) 555-0199",
            ),
            preferred_destination="Crisis stabilization center, not the emergency department",
            lead_status=None,
        ),
        last_reviewed=(now - dt.timedelta(days=40)).date(),
        expires_at=now + dt.timedelta(days=300),
        consent_scope=registry.DEFAULT_SCOPE,
        consent_expires=now + dt.timedelta(days=300),
        consent_part2=False,
    )


def _lead_plan(now: dt.datetime) -> registry.PlanRecord:
    return registry.PlanRecord(
        external_id="SCENE-PLAN-2",
        content=PlanContent(
            summary="Active LEAD participant; engaged with her case manager weekly.",
            what_helps=("Ask for her by first name", "Offer a ride to the LEAD office"),
            triggers=("Being threatened with arrest",),
            safety_notes=("Carries used syringes; ask before searching",),
            case_manager=Contact(
                role="case_manager",
                name="Sam Okafor",
                organization="LEAD Thurston",
                phone="(360) 555-0120",
                after_hours_phone="(360) 555-0121",
            ),
            lead_status="active",
        ),
        last_reviewed=(now - dt.timedelta(days=20)).date(),
        expires_at=now + dt.timedelta(days=200),
        consent_scope=registry.DEFAULT_SCOPE,
        consent_expires=now + dt.timedelta(days=200),
        consent_part2=False,
    )


def build_scene(ctx: AppContext, *, seed: int = 2611) -> None:
    """Users, roster and the story people, in an empty database."""
    with ctx.db.transaction() as session:
        # A synthetic database: it may keep its key in a demo key file without a keyring.
        session.merge(AppMeta(key="demo", value="1"))
    with ctx.db.transaction() as session:
        build_users(session)
        build_roster(session, random.Random(seed))
    add_story_people(ctx)


def add_story_people(ctx: AppContext) -> None:
    """The story people, their plans and Daniel's premise alert, into the registry."""
    now = utcnow()
    cipher = ctx.cipher
    danny_home = _address(DANNY_ADDRESS)
    people = [
        registry.PersonRecord(
            row=1,
            external_id="SCENE-1",
            first_name="Daniel",
            middle_name="",
            last_name="Reyes",
            dob=dt.date(1997, 4, 12),
            sex="male",
            phones=(("(360) 555-0143", "+13605550143"),),
            addresses=(danny_home,),
            plan=_danny_plan(now),
            alerts=(
                registry.AlertRecord(
                    external_id="SCENE-ALERT-1",
                    address=danny_home[1],
                    address_raw=danny_home[0],
                    category="bh_plan",
                    reason="Resident has a crisis plan; approach calmly, few officers",
                    expires_at=now + dt.timedelta(days=300),
                ),
            ),
        ),
        registry.PersonRecord(
            row=2,
            external_id="SCENE-2",
            first_name="Daniel",
            middle_name="J",
            last_name="Reyes",
            dob=dt.date(1961, 9, 30),
            sex="male",
            addresses=(_address("88 Harbor View Dr"),),
        ),
        registry.PersonRecord(
            row=3,
            external_id="SCENE-3",
            first_name="Tanya",
            middle_name="",
            last_name="Birch",
            dob=dt.date(1988, 2, 3),
            sex="female",
            addresses=(_address("300 E 4th Ave"),),
            plan=_lead_plan(now),
        ),
    ]
    with ctx.db.transaction() as session:
        registry.write_records(
            session, cipher, SOURCE, people,
            retention_days=ctx.settings.retention_days_after_consent,
        )  # fmt: skip


STORY_CALLS: tuple[IntakeRecord, ...] = (
    IntakeRecord(
        external_id="scene-call-1",
        nature_code="WELF",
        nature_text="WELFARE CHECK",
        narrative="RP ADV ADULT SON OFF MEDS 2 WKS, HEARING VOICES, PACING IN YARD. "
        "NO WEAPONS SEEN.",
        location=DANNY_ADDRESS,
        persons=(IntakePerson(name="Danny Reyes", dob="29", role=CallPersonRole.SUBJECT),),
        source="cad",
    ),
    IntakeRecord(
        external_id="scene-call-2",
        nature_text="SUICIDAL SUBJECT",
        narrative="Male sitting on the outside of the bridge railing, told a passerby he "
        "wants to die.",
        location="4th Ave Bridge",
        source="cad",
    ),
    IntakeRecord(
        external_id="scene-call-3",
        nature_text="TRAFFIC COLLISION",
        narrative="Two cars, minor damage, no injuries, crazy traffic backing up.",
        location="Capitol Way and 11th Ave",
        source="cad",
    ),
    IntakeRecord(
        external_id="scene-call-4",
        nature_text="DRUG ACTIVITY",
        narrative="RP REPORTS FEMALE INJECTING IN THE ALLEY BEHIND 300 E 4TH AVE, ALERT, "
        "WALKING AROUND. SAYS HER NAME IS TANYA.",
        location="300 E 4th Ave",
        persons=(IntakePerson(name="Tanya Birch", role=CallPersonRole.SUBJECT),),
        source="cad",
    ),
)


def add_incoming_story_calls(ctx: AppContext) -> tuple[int, ...]:
    """The story calls as new incoming calls, each classified, matched and routed."""
    ids: list[int] = []
    for record in reversed(STORY_CALLS):
        with ctx.db.transaction() as session:
            ids.append(calls.create_call(session, record, ctx.actor))
        pipeline.process_call(ctx, ids[-1])
    return tuple(ids)
