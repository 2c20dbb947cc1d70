#!/bin/sh
# The image's entry point: the server, or with `cli` first the `monitor` command (for example `cli db migrate`).
set -e
if [ "$1" = cli ]; then
  shift
  exec dotnet /app/cli/monitor.dll "$@"
fi
exec dotnet /app/Monitor.Server.dll "$@"
