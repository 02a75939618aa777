#!/usr/bin/env bash
# Starts the whole suite: PostgreSQL, RabbitMQ, the four services and the Aspire dashboard.
# Ctrl+C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh

ensure_prerequisites
trap stop_idle_epmd EXIT
# Ctrl+C reaches the app host directly; this script waits for it to stop everything, then tidies up.
trap ':' INT

build_if_changed
say "Starting the suite; the dashboard login URL follows (http://localhost:18888)"
# Arguments reach the app host: ./run.sh --demo seeds the demonstration year once everything is healthy.
dotnet run --project AppHost -c Release --no-build --launch-profile http -- "$@"
