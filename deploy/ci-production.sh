#!/usr/bin/env bash
# CI step: build the wheel, install it into a fresh venv outside the checkout, and run the production smoke test
# (deploy/smoke.py) from an empty folder against the PostgreSQL in LAWREQ_SMOKE_PG.
set -euo pipefail
checkout="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/lawreq-wheel-XXXXXX)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/build-env"
"$work/build-env/bin/pip" install -q build
(cd "$checkout" && "$work/build-env/bin/python" -m build --wheel --outdir "$work/dist" . >"$work/build.log" 2>&1) \
  || { cat "$work/build.log"; exit 1; }
wheel="$(ls "$work"/dist/lawreq-*.whl)"
echo "+ built $(basename "$wheel")"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "${wheel}[prod]" "aiosmtpd>=1.4.6"
mkdir "$work/empty"
cd "$work/empty"
"$work/venv/bin/python" -c 'import lawreq, sys; p = lawreq.__file__; print("+ lawreq from", p); sys.exit(p.startswith(sys.argv[1]))' "$checkout"
"$work/venv/bin/lawreq" rules check
LAWREQ_SMOKE_PG="${LAWREQ_SMOKE_PG:-postgresql://postgres@127.0.0.1:5432/postgres}" \
  "$work/venv/bin/python" "$checkout/deploy/smoke.py"
