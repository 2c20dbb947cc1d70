#!/usr/bin/env bash
# Takes the README's pictures of the board: the server with its simulated demo feed (which seeds the default rules
# and their minute-bar demo versions) in a throwaway directory, a wait until the demo's episodes have raised a few
# alerts, then headless Chromium on the board and on one instrument.
# Usage: dashboards/screenshot.sh [min alerts, default 3] [wait limit in seconds, default 600]
set -euo pipefail
cd "$(dirname "$0")/.."
min_alerts=${1:-3}
limit=${2:-600}

dotnet build src/Monitor.Server -c Release -v quiet -nologo
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
url="http://127.0.0.1:$port"
work=$(mktemp -d /tmp/monitor-screenshot.XXXXXX)
server="$PWD/src/Monitor.Server/bin/Release/net10.0/Monitor.Server"
key="screenshot-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
(cd "$work" && exec "$server" --urls="$url" --Monitor:Cluster:SiloPort="$(free_port)" --Monitor:Cluster:GatewayPort="$(free_port)" \
  --Monitor:Auth:ApiKeys:0:Name=desk --Monitor:Auth:ApiKeys:0:Key="$key" --Monitor:Auth:ApiKeys:0:Roles:0=admin >server.log 2>&1) &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

deadline=$((SECONDS + limit))
until curl -sf "$url/health/ready" >/dev/null; do
  ((SECONDS < deadline)) || { echo "the server did not start:"; cat "$work/server.log"; exit 1; }
  sleep 1
done
until [ "$(curl -sf "$url/api/v1/alerts" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')" -ge "$min_alerts" ]; do
  ((SECONDS < deadline)) || { echo "fewer than $min_alerts alerts after ${limit}s; taking the pictures anyway"; break; }
  sleep 5
done

shoot() {
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$work/profile" --window-size=1920,1080 \
    --virtual-time-budget=6000 --screenshot="$1" "$2" 2>/dev/null
}
shoot docs/board.png "$url/?key=$key"
shoot docs/board-instrument.png "$url/#/instrument/COMEX:SI"
echo "wrote docs/board.png and docs/board-instrument.png"
