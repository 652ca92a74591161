"""The console's outside links: another console's decision shows up here by itself, and a
call dropped by CAD arrives in the queue already classified."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from dispatch_desktop.models.domain import Actor, DecisionKind, Role
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import calls, console, pipeline
from dispatch_desktop.tools.cad_simulator import build_document
from dispatch_desktop.tools.demo import scene as demo_scene
from dispatch_desktop.views.links import ConsoleLinks
from dispatch_desktop.views.main_window import MainWindow

WAIT = 20_000


@pytest.fixture
def linked(qtbot: QtBot, ctx: AppContext) -> Iterator[tuple[MainWindow, ConsoleLinks]]:
    demo_scene.build_scene(ctx)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    links = ConsoleLinks(ctx, win)
    links.start()
    yield win, links
    links.stop()


def test_a_decision_on_another_console_appears_here(
    qtbot: QtBot, ctx: AppContext, linked: tuple[MainWindow, ConsoleLinks]
) -> None:
    win, _links = linked
    with ctx.db.transaction() as session:
        call_id = calls.create_call(session, demo_scene.STORY_CALLS[1], ctx.actor)
    detail = pipeline.process_call(ctx, call_id).detail
    qtbot.waitUntil(lambda: win.queue.model.rowCount() == 1, timeout=WAIT)
    win.queue.select_call(call_id)
    qtbot.waitUntil(lambda: win.card.accept_button.isEnabled(), timeout=WAIT)

    other = AppContext(
        settings=ctx.settings,
        db=ctx.db,
        actor=Actor("mchen", Role.DISPATCHER, "CONSOLE-02", display_name="M. Chen"),
    )
    assert detail.recommendation_id is not None
    console.decide(other, detail.recommendation_id, DecisionKind.ACCEPT)
    qtbot.waitUntil(lambda: "Accepted by mchen" in win.card.decision.text(), timeout=WAIT)
    assert not win.card.accept_button.isEnabled()


def test_a_call_from_the_cad_drop_folder_reaches_the_queue(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    demo_scene.build_scene(ctx)
    drop = tmp_path / "cad-drop"
    drop.mkdir()
    settings = ctx.settings.model_copy(update={"cad_drop_folder": drop})
    linked_ctx = AppContext(settings=settings, db=ctx.db, actor=ctx.actor)
    win = MainWindow(linked_ctx)
    qtbot.addWidget(win)
    win.show()
    links = ConsoleLinks(linked_ctx, win)
    links.start()
    try:
        document = build_document(
            "urn:emergency:uid:incidentid:gui0001:cad.demo-county.example",
            1,
            when=dt.datetime.now(dt.UTC),
            nature_code="WELF",
            nature_text="WELFARE CHECK",
            narrative="RP ADV ADULT SON OFF MEDS 2 WKS, HEARING VOICES. NO WEAPONS SEEN.",
            address=demo_scene.DANNY_ADDRESS,
            cross_street=None,
            persons=[("Subject", "Danny Reyes", None, None)],
        )
        (drop / "call.json").write_text(json.dumps(document))
        qtbot.waitUntil(lambda: win.queue.model.rowCount() == 1, timeout=WAIT)
        qtbot.waitUntil(
            lambda: "BH: mental health" in str(win.queue.model.index(0, 1).data()),
            timeout=WAIT,
        )
    finally:
        links.stop()
