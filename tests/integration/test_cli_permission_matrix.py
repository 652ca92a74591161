"""Every protected command, for every role and with no sign-in: allowed, or refused in one
line with a non-zero exit and no traceback. The role checks are the use cases' own
(docs/security.md); the command line only says who is asking."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from dispatch_desktop import cli
from tests.security_helpers import cheap_argon2, sign_in_as  # noqa: F401  (autouse fixture)

ROLES = ("dispatcher", "supervisor", "administrator", "auditor", "service")

# command (after the program name) -> the roles that may run it. Each needs only an empty,
# migrated database to show whether it is allowed; files are written in the test's folder.
COMMANDS: dict[str, tuple[list[str], set[str]]] = {
    "purge": (["purge", "--dry-run"], {"administrator"}),
    "keys rotate": (["keys", "rotate"], {"administrator"}),
    "users list": (["users", "list"], {"administrator"}),
    "users unlock": (
        ["users", "unlock", "cli-dispatcher", "--reason", "checked"],
        {"administrator"},
    ),
    "audit verify": (["audit", "verify"], {"administrator", "auditor"}),
    "audit export": (["audit", "export", "--csv", "out"], {"supervisor", "auditor"}),
    "report": (
        ["report", "--from", "2026-11-01", "--to", "2026-11-02", "--out", "out.csv"],
        {"supervisor", "administrator", "auditor"},
    ),
    "review export-labels": (["review", "export-labels", "--out", "out"], {"supervisor"}),
    "lookup": (
        ["lookup", "--batch", "queries.jsonl", "--reason", "matrix check"],
        {"dispatcher", "supervisor"},
    ),
    "persons import": (
        ["persons", "import", "people.csv", "--source", "matrix"],
        {"administrator", "service"},
    ),
    "persons export": (
        ["persons", "export", "P-1", "--source", "matrix", "--reason", "matrix check"],
        {"administrator"},
    ),
    "handoff": (["handoff", "1", "--out", "out.pdf"], {"dispatcher", "supervisor"}),
}

PERSONS_CSV = "external_id,first_name,last_name\nP-1,Ada,Quill\n"


@pytest.fixture
def run(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DISPATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DISPATCH_SETTINGS", str(tmp_path / "none.toml"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "people.csv").write_text(PERSONS_CSV)
    (tmp_path / "queries.jsonl").write_text('{"id": "a", "name": "Ada Quill"}\n')

    def _run(argv: list[str]) -> tuple[int, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(""))
        code = cli.main(["--db", db_url, *argv])
        return code, capsys.readouterr().err

    return _run


def _one_clear_line(err: str) -> None:
    lines = [line for line in err.strip().splitlines() if not line.startswith("WARNING")]
    assert len(lines) == 1, err
    assert "Traceback" not in err


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_protected_command_needs_a_signed_in_user(run, command: str) -> None:  # type: ignore[no-untyped-def]
    argv, _ = COMMANDS[command]
    code, err = run(argv)
    assert code != 0
    assert "needs a signed-in user" in err and "--as USER" in err
    _one_clear_line(err)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_protected_command_for_every_role(
    run, db_url: str, monkeypatch: pytest.MonkeyPatch, command: str, role: str
) -> None:  # type: ignore[no-untyped-def]
    argv, allowed = COMMANDS[command]
    signed_in = sign_in_as(db_url, role, monkeypatch)
    code, err = run([*argv, *signed_in])
    if role in allowed:
        assert "may not" not in err, err
    else:
        assert code != 0 and f"({role}) may not" in err
        _one_clear_line(err)


def test_a_wrong_password_is_one_line_and_refused(
    run, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    signed_in = sign_in_as(db_url, "administrator", monkeypatch)
    monkeypatch.setenv("DISPATCH_PASSWORD", "not the password at all")
    code, err = run(["purge", "--dry-run", *signed_in])
    assert code != 0 and "user name or password is not right" in err
    _one_clear_line(err)


def test_users_unlock_requires_a_reason(run, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    signed_in = sign_in_as(db_url, "administrator", monkeypatch)
    with pytest.raises(SystemExit) as exit_:
        run(["users", "unlock", "cli-administrator", *signed_in])
    assert exit_.value.code != 0
