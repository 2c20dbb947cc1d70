#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine (PostgreSQL 15 from Debian's packages), starts a
# throwaway PostgreSQL on a free loopback port, runs every test, and stops it again.
set -euo pipefail
cd "$(dirname "$0")"

work=$(mktemp -d /tmp/monitor-test.XXXXXX)
chmod 755 "$work"
cleanup() {
  deploy/postgres-local.sh stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT

MONITOR_TEST_POSTGRES=$(deploy/postgres-local.sh start "$work/pg")
export MONITOR_TEST_POSTGRES
echo "PostgreSQL for the tests: $MONITOR_TEST_POSTGRES"

dotnet test Monitor.sln -c Release "$@"
