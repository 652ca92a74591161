#!/usr/bin/env bash
# Smoke test of the frozen build, as a dispatch-floor PC runs it: the bundle copied to a
# clean folder, started with an empty environment (env -i), no venv, and no Python on
# PATH. Each step must succeed and leave what a user would check for.
#
#   bash packaging/smoke.sh [dist/dispatch-desktop]      (make dist-smoke)
#
# If protected commands come to need a signed-in console user (`--as USER`), set
# AS_USER (a demo account; jortiz, a dispatcher, by default) and the script signs in with the demo
# county's documented passphrase on stdin; nothing else needs to change.
set -euo pipefail

BUNDLE=$(cd "${1:-dist/dispatch-desktop}" && pwd)
REPO=$(cd "$(dirname "$0")/.." && pwd)
AS_USER=${AS_USER:-jortiz}
DEMO_PASSPHRASE="demo county console"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/dd-smoke.XXXXXX")
trap '[ -n "${KEEP_SMOKE:-}" ] || rm -rf "$WORK"' EXIT
mkdir -p "$WORK/home" "$WORK/bin" "$WORK/xdg" "$WORK/share"
cp -a "$BUNDLE" "$WORK/app"  # relocated: nothing may point back at the build tree
APP="$WORK/app/dispatch-desktop"
cp "$REPO/tests/data/calls.jsonl" "$WORK/sample.jsonl"

# Only what the machine itself offers: an empty bin folder on PATH, no Python, no venv.
run() {
  env -i HOME="$WORK/home" PATH="$WORK/bin" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
    XDG_CONFIG_DIRS="$WORK/xdg" TMPDIR="$WORK" "$APP" "$@"
}
signed_in() {  # the command, as AS_USER when set
  if [ -n "$AS_USER" ]; then
    printf '%s\n' "$DEMO_PASSPHRASE" | run "$@" --as "$AS_USER" --password-stdin
  else
    run "$@"
  fi
}
step() { printf '== %s\n' "$*"; }
fail() { printf 'smoke: FAILED: %s\n' "$*" >&2; exit 1; }

step "no Python reachable from the test environment"
if env -i PATH="$WORK/bin" /bin/bash -c 'command -v python3 || command -v python' >/dev/null; then
  fail "a Python is on the test PATH"
fi

started=$(date +%s)
step "--version"
run --version | grep -q "^dispatch-desktop " || fail "--version"

step "site-managed settings and the agency share"
# Fresh release on the "share", published by the frozen build itself.
cp "$BUNDLE"/_internal/dispatch_desktop/resources/{routing_policy,lexicon,nature_codes,zones,shifts}.yaml \
  "$WORK/share/"
run agency publish "$WORK/share" --version smoke-1
mkdir -p "$WORK/xdg/dispatch-desktop"
printf 'agency = "Smoke County ECC"\nagency_share = "%s"\n' "$WORK/share" \
  >"$WORK/xdg/dispatch-desktop/settings.toml"
run agency status | tee "$WORK/agency.txt"
grep -q "Agency files smoke-1: verified from" "$WORK/agency.txt" || fail "agency share not used"

step "db upgrade"
run db upgrade | grep -q "schema at revision" || fail "db upgrade"

step "demo --persons 500"
run demo --persons 500 | tee "$WORK/demo.txt"
grep -q "500 persons" "$WORK/demo.txt" || fail "demo"

step "screenshot --out"
signed_in screenshot --out "$WORK/console.png"
[ "$(head -c 8 "$WORK/console.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] \
  || fail "screenshot is not a PNG"
[ "$(stat -c %s "$WORK/console.png")" -gt 20000 ] || fail "screenshot is too small to show the console"

step "triage of a sample"
head -n 20 "$WORK/sample.jsonl" | run triage - >"$WORK/triage.jsonl"
[ "$(wc -l <"$WORK/triage.jsonl")" -eq 20 ] || fail "triage did not answer every call"
grep -q '"behavioral_health": true' "$WORK/triage.jsonl" || fail "triage found no BH call"
# A call type squeezed into a short CAD field is split against the bundled English word list.
printf '%s\n' '{"id": "sq", "nature": "SUICTHRTWPN", "narrative": ""}' | run triage - >"$WORK/squeezed.jsonl"
grep -q '"behavioral_health": true' "$WORK/squeezed.jsonl" || fail "a squeezed call type was not read"

step "handoff to PDF"
signed_in handoff 1 --out "$WORK/handoff.pdf"
[ "$(head -c 5 "$WORK/handoff.pdf")" = "%PDF-" ] || fail "handoff is not a PDF"

step "the share goes away: the last good copy stays in force"
mv "$WORK/share" "$WORK/share-offline"
run agency status 2>/dev/null | grep -q "smoke-1: last good copy" || fail "no cached agency files"

step "doctor"
set +e
run doctor | tee "$WORK/doctor.txt"
set -e
grep -q "^ok    database" "$WORK/doctor.txt" || fail "doctor: database"
grep -q "^ok    fonts" "$WORK/doctor.txt" || fail "doctor: fonts"
grep -q "^warn  agency files" "$WORK/doctor.txt" || fail "doctor: agency files offline"

echo "smoke: all steps passed in $(($(date +%s) - started)) s ($(du -sh "$WORK/app" | cut -f1) bundle)"
