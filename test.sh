#!/usr/bin/env bash
# Runs every test against a throwaway PostgreSQL and RabbitMQ that this script starts and stops itself, so it
# never touches the servers ./run.sh uses. Ends with the line "N passed, N failed[, N skipped]".
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh

ensure_prerequisites
ensure_test_prerequisites

work=$(mktemp -d /tmp/inclusion-tests.XXXXXX)
chmod 755 "$work"
pg_pid=""
rabbit_pid=""

stop_servers() {
  if [ -n "$pg_pid" ] && kill -0 "$pg_pid" 2>/dev/null; then
    kill -INT "$pg_pid" 2>/dev/null || true   # fast shutdown: tests are over, no session needs waiting for
  fi
  if [ -n "$rabbit_pid" ] && kill -0 "$rabbit_pid" 2>/dev/null; then
    kill -TERM "$rabbit_pid" 2>/dev/null || true
  fi
  for pid in $pg_pid $rabbit_pid; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  stop_idle_epmd
  rm -rf "$work"
}
trap stop_servers EXIT

free_port() {
  local port
  while :; do
    port=$(( (RANDOM % 20000) + 20000 ))
    if ! ss -ltn "( sport = :$port or sport = :$((port + 2)) )" | grep -q LISTEN; then echo "$port"; return; fi
  done
}

# PostgreSQL: a fresh cluster in a temporary folder (under a second), owned by postgres when run as root.
pg_port=$(free_port)
pg_password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
mkdir -p "$work/postgres"
(umask 077; printf '%s' "$pg_password" > "$work/postgres/password")
run_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown -R postgres:postgres "$work/postgres"
  run_pg=(setpriv --reuid=postgres --regid=postgres --init-groups)
fi
say "Starting a throwaway PostgreSQL on 127.0.0.1:$pg_port"
"${run_pg[@]}" "$POSTGRES_BIN/initdb" -D "$work/postgres/data" -U postgres --auth=scram-sha-256 \
  --pwfile="$work/postgres/password" --encoding=UTF8 --no-locale >"$work/initdb.log" 2>&1 \
  || { cat "$work/initdb.log"; exit 1; }
"${run_pg[@]}" "$POSTGRES_BIN/postgres" -D "$work/postgres/data" -p "$pg_port" -c listen_addresses=127.0.0.1 \
  -c unix_socket_directories="$work/postgres" -c max_connections=300 -c fsync=off -c synchronous_commit=off \
  >"$work/postgres.log" 2>&1 &
pg_pid=$!

# RabbitMQ: its own node name, ports, data and Erlang cookie.
amqp_port=$(free_port)
rabbit_password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
mkdir -p "$work/rabbitmq/home" "$work/rabbitmq/mnesia" "$work/rabbitmq/log"
management_port=$(free_port)
cat >"$work/rabbitmq/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$amqp_port
management.tcp.ip = 127.0.0.1
management.tcp.port = $management_port
default_user = tests
default_pass = $rabbit_password
default_user_tags.administrator = true
CONF
# The management API lets each test class make a virtual host of its own, so queues never mix between tests.
echo '[rabbitmq_management].' >"$work/rabbitmq/enabled_plugins"
say "Starting a throwaway RabbitMQ on 127.0.0.1:$amqp_port"
env RABBITMQ_NODENAME="inclusion-tests-$amqp_port@localhost" RABBITMQ_NODE_PORT="$amqp_port" \
  RABBITMQ_DIST_PORT=$((amqp_port + 2)) RABBITMQ_MNESIA_BASE="$work/rabbitmq/mnesia" \
  RABBITMQ_LOG_BASE="$work/rabbitmq/log" RABBITMQ_LOGS=- RABBITMQ_CONFIG_FILE="$work/rabbitmq/rabbitmq.conf" \
  RABBITMQ_ENABLED_PLUGINS_FILE="$work/rabbitmq/enabled_plugins" HOME="$work/rabbitmq/home" \
  RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" ERL_EPMD_ADDRESS=127.0.0.1 \
  "$RABBITMQ_SERVER" >"$work/rabbitmq.log" 2>&1 &
rabbit_pid=$!

say "Building"
dotnet build InclusionServices.sln -c Release -nologo -v quiet -clp:ErrorsOnly

wait_for() {  # name, command...
  local name=$1; shift
  for _ in $(seq 1 120); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  say "$name did not start; its log:"; cat "$work/$name.log"; exit 1
}
wait_for postgres "$POSTGRES_BIN/pg_isready" -h 127.0.0.1 -p "$pg_port"
wait_for rabbitmq bash -c "grep -q 'Server startup complete' '$work/rabbitmq.log'"

export INCLUSION_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Password=$pg_password"
export INCLUSION_TEST_RABBITMQ="amqp://tests:$rabbit_password@127.0.0.1:$amqp_port/"
export INCLUSION_TEST_RABBITMQ_MANAGEMENT="http://tests:$rabbit_password@127.0.0.1:$management_port/"
# The app host test runs its own local servers: on free ports, with data in the throwaway folder.
export INCLUSION_TEST_WORK="$work"
# The fault tests start, stop and restart servers of their own from the same binaries.
export INCLUSION_TEST_POSTGRES_BIN="$POSTGRES_BIN" INCLUSION_TEST_RABBITMQ_SERVER="$RABBITMQ_SERVER"

say "Running tests"
status=0
# One test project at a time: the app-host test starts a whole suite of processes and must not compete with the
# service tests for the two cores.
# The fault tests (Category=Faults) stop and restart servers and services of their own, so they run on their own too.
run_tests() {  # project, filter, results prefix, extra arguments...
  local project=$1 filter=$2 prefix=$3; shift 3
  dotnet test "$project" -c Release --no-build --nologo --filter "$filter" \
    --logger "trx;LogFilePrefix=$prefix" --results-directory "$work/results" "$@" || status=$?
}
for project in $(find tests -mindepth 2 -maxdepth 2 -name '*.Tests.csproj' ! -name 'AppHost.Tests.csproj' | sort); do
  run_tests "$project" "Category!=Faults" "$(basename "$project" .csproj)" "$@"
done
run_tests tests/Services.Tests/Services.Tests.csproj "Category=Faults" Faults "$@"
run_tests tests/AppHost.Tests/AppHost.Tests.csproj "Category!=Faults" AppHost.Tests "$@"

# dotnet test prints per-project summaries; CI reads one closing line for the whole run.
passed=0; failed=0; skipped=0
for trx in "$work"/results/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed)))
  skipped=$((skipped + $(value notExecuted)))
done
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  say "No test results were written"; failed=1
fi
summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
