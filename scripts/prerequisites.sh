# Sourced by run.sh and test.sh: installs what the suite needs from Debian's packages when it is missing.
# Idempotent: a machine that has everything is left alone.

POSTGRES_BIN=/usr/lib/postgresql/15/bin
RABBITMQ_SERVER=/usr/lib/rabbitmq/bin/rabbitmq-server

say() { printf '==> %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_prerequisites() {
  command -v dotnet >/dev/null || { say "The .NET SDK 10 is required (dotnet is not on PATH)."; return 1; }
  local missing=()
  [ -x "$POSTGRES_BIN/postgres" ] || missing+=(postgresql-15)
  [ -x "$RABBITMQ_SERVER" ] || missing+=(rabbitmq-server)
  command -v setpriv >/dev/null || missing+=(util-linux)
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing ${missing[*]} from Debian's packages (apt-get)"
    as_root apt-get update -qq
    # The packages' own service start is not wanted: the suite runs its own servers on its own ports.
    as_root env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    say "PostgreSQL 15 and RabbitMQ are installed"
  fi
  say "Restoring .NET tools (dotnet-ef)"
  dotnet tool restore >/dev/null
}

# Builds the suite (Release) only when a file has changed since the last build this script made: the build's own
# up-to-date check takes about 4 s, a fifth of a warm start. The fingerprint is every file git would see (tracked or
# new, not ignored) with its size and time to the nanosecond, and the SDK's version, so an edit, a new file, a
# deleted one or another SDK all lead to a build; so does a missing binary.
build_if_changed() {
  local stamp=.local/build/release-fingerprint
  local fingerprint
  fingerprint=$(source_fingerprint)
  local service built=yes
  [ -f AppHost/bin/Release/net10.0/AppHost.dll ] || built=no
  for service in Referrals Meetings Placements Reporting; do
    [ -f "$service.Service/bin/Release/net10.0/$service.Service" ] || built=no
  done
  if [ -n "$fingerprint" ] && [ "$built" = yes ] && [ "$(cat "$stamp" 2>/dev/null)" = "$fingerprint" ]; then
    say "Nothing changed since the last build"
    return
  fi
  say "Building (Release)"
  rm -f "$stamp"
  dotnet build AppHost -c Release --nologo -v quiet
  mkdir -p "$(dirname "$stamp")"
  printf '%s\n' "$fingerprint" > "$stamp"
}

# Empty outside a git work tree (a copy without .git), or when no file could be read: then the suite is always built.
source_fingerprint() {
  git rev-parse --is-inside-work-tree >/dev/null 2>&1 || return 0
  local listing
  # A tracked file deleted from the work tree cannot be stat'ed: it drops out of the listing, which changes it.
  listing=$(git ls-files -z --cached --others --exclude-standard | xargs -0 -r stat -c '%n %s %.9Y' -- 2>/dev/null || true)
  [ -n "$listing" ] || return 0
  printf '%s\n%s\n' "$(dotnet --version)" "$listing" | sha256sum | cut -d' ' -f1
}

# What only the tests need: Python with gRPC, protobuf and an AMQP client (the reporting job docs/events.md shows is run
# as written), protoc for its generated messages, and a font for the charts' text.
ensure_test_prerequisites() {
  local missing=()
  local package
  # chromium: the app-host test looks at the dashboard as an operator would (Playwright drives the system browser).
  for package in python3-grpcio python3-protobuf python3-pika protobuf-compiler fonts-dejavu-core chromium; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing ${missing[*]} for the tests (apt-get)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# Stops the Erlang port mapper once no node is registered with it (RabbitMQ leaves it behind). A node takes a few
# seconds to stop, so wait for it; a node that stays registered belongs to someone else and keeps its epmd.
stop_idle_epmd() {
  command -v epmd >/dev/null 2>&1 || return 0
  for _ in $(seq 1 30); do
    if ! epmd -names 2>/dev/null | grep -q '^name '; then
      epmd -kill >/dev/null 2>&1 || true
      return 0
    fi
    sleep 0.5
  done
}
