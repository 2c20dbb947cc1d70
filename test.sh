#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine (PostgreSQL 15 and Chromium from Debian's packages; npm ci
# for the board), lints the board and runs its unit tests, checks the C# layout, starts a throwaway PostgreSQL on a free
# loopback port, runs every .NET test, and stops it again.
set -euo pipefail
cd "$(dirname "$0")"

# The browser tests drive Debian's Chromium; Playwright must never download a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -x /usr/bin/chromium ]; then
  echo "installing Chromium from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi

# The notification tests send email to a real SMTP server: Debian's aiosmtpd, run by /usr/bin/python3.
if ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
  echo "installing python3-aiosmtpd from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq python3-aiosmtpd >/dev/null
fi

work=$(mktemp -d /tmp/monitor-test.XXXXXX)
chmod 755 "$work"
cleanup() {
  deploy/postgres-local.sh stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT

# The board's linter and unit tests, from its lock file (the server's build finds node_modules up to date then).
(cd dashboards && npm ci --ignore-scripts --no-audit --no-fund && npm run --silent lint && npm test)

# The C# layout .editorconfig sets (indentation, spacing, line breaks); the build runs the analyzers, warnings as errors.
dotnet format whitespace --folder --verify-no-changes --exclude dashboards/node_modules

MONITOR_TEST_POSTGRES=$(deploy/postgres-local.sh start "$work/pg")
export MONITOR_TEST_POSTGRES
echo "PostgreSQL for the tests: $MONITOR_TEST_POSTGRES"

dotnet test Monitor.sln -c Release "$@"
