#!/bin/sh
# Hand-run fuzz (docs/security.md, "Fuzzing"): schemathesis against a live,
# production-mode server (gunicorn, DEBUG off, PostgreSQL with its own
# database, seeded demo data) as anonymous, a family, a partner and a manager
# at once, for FUZZ_SECONDS (default an hour), niced. Reports (ndjson, junit,
# a pytest file replaying each failure) go to $OUT/<role>/.
#
#   createdb -h 127.0.0.1 -U postgres fuzz_h6
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/fuzz_h6 tests/fuzz/live_fuzz.sh
set -eu
cd "$(dirname "$0")/../.."
: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database of its own}"
PORT=${PORT:-$(shuf -i 20000-60000 -n 1)}
OUT=${OUT:-/tmp/fuzz-live}
FUZZ_SECONDS=${FUZZ_SECONDS:-3600}
mkdir -p "$OUT"
export DATABASE_URL
export DJANGO_DEBUG=false DJANGO_SECURE_SSL_REDIRECT=false
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-fuzz-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')}"
export MEDIA_ROOT="$OUT/media"
export EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend
# The fuzzer is one caller: without this nearly every request would be a 429.
for scope in ANON USER LOGIN PASSWORD_RESET PARTNER_APPLY SIGNUP REFERRAL PAYMENT; do
    export "THROTTLE_RATE_$scope=1000000/min"
done
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py seed_demo >"$OUT/seed.log" 2>&1 ||
    echo "seed_demo failed (see $OUT/seed.log): fuzzing what it seeded" >&2
token() { .venv/bin/python manage.py drf_create_token "$1" | grep -o '[0-9a-f]\{40\}'; }
FAMILY=$(token family01) PARTNER=$(token partner1) MANAGER=$(token manager1)

nice -n 19 .venv/bin/gunicorn hub.wsgi --bind "127.0.0.1:$PORT" --workers 2 \
    --timeout 120 --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" \
    2>"$OUT/server.log" &
SERVER=$!
trap 'kill $SERVER' EXIT
sleep 5

run() {  # role, then any extra st options
    role=$1; shift
    mkdir -p "$OUT/$role"
    SCHEMATHESIS_HOOKS=tests.fuzz.live_hooks nice -n 19 .venv/bin/st run \
        "http://127.0.0.1:$PORT/api/schema/" "$@" \
        --max-time "$FUZZ_SECONDS" --workers 1 --continue-on-failure \
        --phases examples,coverage,fuzzing,stateful \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,ignored_auth,use_after_free \
        --suppress-health-check all --request-timeout 60 \
        --report junit,ndjson,pytest --report-dir "$OUT/$role" \
        >"$OUT/$role/output.txt" 2>&1 || true
}
run anonymous & A=$!
run family -H "Authorization: Token $FAMILY" & F=$!
run partner -H "Authorization: Token $PARTNER" & P=$!
run manager -H "Authorization: Token $MANAGER" & M=$!
wait $A $F $P $M
grep -h -A3 -E "^(FAILURES|=+ SUMMARY)" "$OUT"/*/output.txt || true
