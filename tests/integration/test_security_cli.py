"""The security commands: users, audit verify (exit code on a broken chain), export, keys,
purge. Run in-process through cli.main against both backends, signed in as the
administrator ``ops`` (password from $DISPATCH_PASSWORD, as a script would)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import bindparam, text

from dispatch_desktop import cli
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import audit, auth
from tests.security_helpers import add_site_settings, cheap_argon2  # noqa: F401  (autouse fixture)

PASSWORD = "amber kettle orbit"
ADMIN = Actor(username="cli:ops", role=Role.ADMINISTRATOR, workstation="SERVER")


@pytest.fixture
def run(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DISPATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DISPATCH_SETTINGS", str(tmp_path / "none.toml"))
    monkeypatch.setenv("DISPATCH_PASSWORD", PASSWORD)
    auth.add_user(
        Database.from_url(db_url), ADMIN, "ops", "O. Perator", Role.ADMINISTRATOR, PASSWORD
    )

    def _run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = cli.main(["--db", db_url, *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return _run


def test_users_add_list_set_password_and_unlock(run, db: Database) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(
        "users", "add", "dlee", "--name", "D. Lee", "--role", "dispatcher", "--as", "ops",
        "--password-stdin",
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip
    assert code == 0 and "Added dlee" in out
    assert PASSWORD not in out

    code, _, err = run(
        "users", "add", "weak", "--name", "W", "--role", "dispatcher", "--as", "ops",
        "--password-stdin",
        stdin="password123\npassword123\n",
    )  # fmt: skip
    assert code == 1 and "commonly used passwords" in err

    code, _, err = run(
        "users", "add", "typo", "--name", "T", "--role", "dispatcher", "--as", "ops",
        "--password-stdin",
        stdin=f"{PASSWORD}\n{PASSWORD}x\n",
    )  # fmt: skip
    assert code == 1 and "differ" in err

    for _ in range(5):
        with pytest.raises((auth.SignInFailed, auth.AccountLocked)):
            auth.sign_in(db, "dlee", "wrong guess here", workstation="C")
    code, out, _ = run("users", "list", "--as", "ops")
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith("dlee"))
    assert "locked" in row

    code, out, _ = run("users", "unlock", "dlee", "--reason", "called in", "--as", "ops")
    assert code == 0 and "Unlocked dlee" in out
    auth.sign_in(db, "dlee", PASSWORD, workstation="C")

    code, out, _ = run(
        "users", "set-password", "dlee", "--as", "ops", "--password-stdin",
        stdin="violet harbor engine\nviolet harbor engine\n",
    )  # fmt: skip
    assert code == 0
    auth.sign_in(db, "dlee", "violet harbor engine", workstation="C")


def test_the_first_administrator_is_added_without_signing_in_and_only_once(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DISPATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DISPATCH_SETTINGS", str(tmp_path / "none.toml"))
    add_site_settings('agency = "Harbor County ECC"\n')

    def add(name: str, password: str) -> tuple[int, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(f"{password}\n{password}\n"))
        code = cli.main(["--db", db_url, "users", "add", name, "--name", name.title(),
                         "--role", "administrator", "--password-stdin"])  # fmt: skip
        out = capsys.readouterr()
        return code, out.out + out.err

    # The first administrator's password meets the same policy as any other's.
    code, text_ = add("root", "harbor county ecc admin")
    assert code == 1 and "agency" in text_
    code, text_ = add("root", PASSWORD)
    assert code == 0 and "the first administrator" in text_
    code, text_ = add("second", "violet harbor engine")
    assert code == 1 and "needs a signed-in user" in text_


def test_audit_verify_exits_nonzero_at_the_first_broken_link(run, db: Database) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        for i in range(4):
            audit.record(s, ADMIN, "call.view", object_type="call", object_ids=[i])
    code, out, _ = run("audit", "verify", "--as", "ops")
    # The four, the fixture adding ops, the first start recording the policy, the sign-in.
    assert code == 0 and "intact" in out and "7 event(s)" in out

    with db.transaction() as s:
        target = s.execute(text("SELECT id FROM audit_event ORDER BY id LIMIT 1 OFFSET 2")).scalar()
        s.execute(text("UPDATE audit_event SET outcome = 'ok!' WHERE id = :i"), {"i": target})
    code, out, err = run("audit", "verify", "--as", "ops")
    assert code == 1
    assert f"BROKEN at event {target}" in err and "changed" in err


def test_audit_verify_catches_a_truncation_made_after_the_last_verify(
    run, db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        for i in range(4):
            audit.record(s, ADMIN, "call.view", object_type="call", object_ids=[i])
    code, out, _ = run("audit", "verify", "--as", "ops")
    assert code == 0 and "no checkpoint" in out
    # The checkpoint written after that verify covers its own audit.verify event (and the
    # sign-in before it); `audit checkpoint` is a scheduler's command, with no sign-in.
    code, out, _ = run("audit", "checkpoint")
    assert code == 0 and "8 event(s)" in out
    assert (tmp_path / "data" / "audit-checkpoints.jsonl").exists()

    # The insider drops the newest two events: the chain stays whole. (Signing in to verify
    # appends one event, so a one-event truncation reads as a rewrite of the last event.)
    with db.transaction() as s:
        newest = s.execute(text("SELECT id FROM audit_event ORDER BY id DESC LIMIT 2")).scalars()
        s.execute(text("DELETE FROM audit_event WHERE id IN :ids").bindparams(
            bindparam("ids", expanding=True)), {"ids": list(newest)})  # fmt: skip
    code, _, err = run("audit", "verify", "--as", "ops")
    assert code == 1
    assert "truncated" in err and "recorded 8 event(s)" in err and "only 7 remain" in err


def test_audit_export_csv_needs_an_auditor_and_writes_the_events(
    run, db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    auth.add_user(db, ADMIN, "ravi", "R. Auditor", Role.AUDITOR, PASSWORD)
    with pytest.raises(auth.SignInFailed):
        auth.sign_in(db, '=HYPERLINK("x")', "nope nope nope", workstation="C")
    target = tmp_path / "audit.csv"

    code, _, err = run("audit", "export", "--csv", str(target), "--as", "ops")
    assert code == 1 and "may not export the audit log" in err and not target.exists()

    code, out, _ = run(
        "audit", "export", "--csv", str(target), "--action", "auth.", "--as", "ravi",
        "--password-stdin", stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert code == 0 and "Wrote" in out
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert rows and all(r["action"].startswith("auth.") for r in rows)
    assert {"at_utc", "username", "role", "workstation", "outcome", "hash"} <= set(rows[0])
    hostile = next(r for r in rows if "HYPERLINK" in r["username"])
    assert hostile["username"].startswith("'=")  # not a live spreadsheet formula
    assert rows[0]["at_utc"][-3] == "."  # hundredths of a second


def test_keys_rotate_and_purge_commands(run, db: Database) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("keys", "rotate", "--as", "ops")
    assert code == 0 and "Rotated to data key" in out
    code, out, _ = run("purge", "--dry-run", "--as", "ops")
    assert code == 0 and "would remove 0 crisis plan(s)" in out
    assert "Every crisis plan kept was reviewed within 365 days." in out
    code, out, _ = run("purge", "--as", "ops")
    assert code == 0 and "removed 0 crisis plan(s)" in out


def test_a_non_administrator_cannot_purge_from_the_cli(run, db: Database) -> None:  # type: ignore[no-untyped-def]
    auth.add_user(db, ADMIN, "tb", "T. Brooks", Role.SUPERVISOR, PASSWORD)
    code, _, err = run("purge", "--as", "tb", "--password-stdin", stdin=f"{PASSWORD}\n")
    assert code == 1 and "may not purge" in err


def test_secrets_set_and_status_never_print_the_value(run, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    token = "hubtok-5e1d0c9b7a"
    code, out, err = run(
        "secrets", "set", "hub_token", "--as", "ops", "--password-stdin", stdin=f"{token}\n"
    )
    assert code == 0 and token not in out + err
    assert token in memory_keyring.store.values()
    code, out, _ = run("secrets", "status")
    assert "hub_token: stored" in out and "cad_token: not stored" in out and token not in out
    code, out, _ = run("secrets", "delete", "hub_token", "--as", "ops")
    assert code == 0 and token not in memory_keyring.store.values()


def test_a_checkpoint_goes_to_cad_through_the_outbox_and_to_the_sites_file(
    run, db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    site_file = tmp_path / "worm" / "checkpoints.log"
    add_site_settings(f'cad_url = "http://127.0.0.1:9"\naudit_checkpoint_file = "{site_file}"\n')
    code, out, _ = run("audit", "checkpoint")
    assert code == 0 and str(site_file) in out
    assert '"kind": "audit.checkpoint"' in site_file.read_text()
    with db.uow() as s:
        queued = s.execute(
            text("SELECT destination, payload FROM outbox_message WHERE kind = 'audit.checkpoint'")
        ).all()
    assert len(queued) == 1 and queued[0][0] == "cad"
