"""The demo county's roster (units, shifts, zones) and its console users."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy.orm import Session

from dispatch_desktop.models import Unit, UnitCapabilityRow, User
from dispatch_desktop.models.domain import Role, UnitCapability
from dispatch_desktop.services.security.auth import set_demo_passwords

ZONES = ("1", "2", "3", "4", "5", "6")

DEMO_USERS: tuple[tuple[str, str, Role], ...] = (
    ("jortiz", "J. Ortiz", Role.DISPATCHER),
    ("mchen", "M. Chen", Role.DISPATCHER),
    ("akowalski", "A. Kowalski", Role.DISPATCHER),
    ("tbrooks", "T. Brooks", Role.SUPERVISOR),
    ("admin", "Console Administrator", Role.ADMINISTRATOR),
    ("auditor", "R. Auditor", Role.AUDITOR),
)


def build_users(session: Session) -> None:
    for username, display, role in DEMO_USERS:
        session.add(User(username=username, display_name=display, role=str(role)))
    session.flush()
    set_demo_passwords(session, [username for username, _, _ in DEMO_USERS])


def _unit(
    call_sign: str,
    kind: str,
    zone: str,
    zones: list[str],
    start: int,
    end: int,
    caps: list[UnitCapability],
    members: str,
) -> Unit:
    unit = Unit(
        call_sign=call_sign,
        kind=kind,
        home_zone=zone,
        zones=zones,
        shift_start=dt.time(start),
        shift_end=dt.time(end),
        members=members,
        status="available",
    )
    unit.capabilities = [UnitCapabilityRow(capability=str(c)) for c in caps]
    return unit


def build_roster(session: Session, rng: random.Random) -> int:
    """Patrol units on two 12-hour shifts (about half CIT-trained), co-responder teams in
    the busiest zones on evening hours, LEAD case managers on days, and one mobile crisis
    team (off in the default policy, present for agencies that enable it)."""
    units: list[Unit] = []
    for zone in ZONES:
        for shift, (start, end) in (("D", (6, 18)), ("N", (18, 6))):
            for n in range(1, 4):
                caps = [UnitCapability.PATROL]
                if rng.random() < 0.5:
                    caps.append(UnitCapability.CIT)
                units.append(
                    _unit(
                        f"{zone}{shift}{n}",
                        "patrol",
                        zone,
                        [zone],
                        start,
                        end,
                        caps,
                        "Officer",
                    )
                )
    for call_sign, zone, zones, start, end in (
        ("CR31", "3", ["3", "4"], 12, 4),
        ("CR12", "1", ["1", "2"], 8, 20),
        ("CR56", "5", ["5", "6"], 14, 2),
    ):
        units.append(
            _unit(
                call_sign,
                "co_responder_team",
                zone,
                zones,
                start,
                end,
                [UnitCapability.CO_RESPONDER, UnitCapability.CIT],
                "Clinician and CIT officer",
            )
        )
    for call_sign, zone in (("LEAD1", "2"), ("LEAD2", "4")):
        units.append(
            _unit(
                call_sign,
                "lead",
                zone,
                list(ZONES),
                8,
                18,
                [UnitCapability.LEAD_CASE_MANAGER],
                "LEAD case manager",
            )
        )
    units.append(
        _unit(
            "MC1",
            "mobile_crisis",
            "3",
            list(ZONES),
            9,
            23,
            [UnitCapability.MOBILE_CRISIS],
            "Medic and crisis worker",
        )
    )
    for zone in ("1", "3", "5"):
        units.append(
            _unit(f"M{zone}", "ems", zone, list(ZONES), 0, 0, [UnitCapability.EMS], "Medic unit")
        )
    session.add_all(units)
    session.flush()
    return len(units)
