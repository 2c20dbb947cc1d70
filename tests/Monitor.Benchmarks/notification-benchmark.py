#!/usr/bin/python3
"""Notifications per second through the policy and the outbox, per receiver kind (docs/benchmarks.md, "Notifications").

For each receiver kind (slack, teams, telegram, webhook, email) a fresh Monitor server process (Release build) gets a
notification policy with one receiver of that kind, every alert its own group (groupBy "...", groupWait 0s), and N
threshold rules that fire on the first tick (evaluate: tick), spread over 20 instruments. One request posts a tick per
instrument, so N alerts fire at once; the script counts the requests that reach its local receivers: HTTP stand-ins
for Slack, Teams, the Telegram Bot API and a webhook endpoint (Python's threading HTTP server, keep-alive), and an
aiosmtpd SMTP server (plain SMTP, no TLS) for email, all in this process. Per kind it prints one JSON line:
  endToEndPerS  N / (last notification received - tick posted): ingest, rules, the policy runner, outbox and sends;
  deliveryPerS  (N - 1) / (last received - first received): the outbox's sending rate once notifications flow;
  receiverCpuS  this script's CPU seconds over the phase (the receivers run here, on one core because of Python's GIL:
                near wallS means the receiver, not the server, set the pace);
  serverCpuS    the server process's CPU seconds over the phase.
Needs Debian's python3-aiosmtpd (./test.sh installs it), hence /usr/bin/python3.

Usage: /usr/bin/python3 tests/Monitor.Benchmarks/notification-benchmark.py [--notifications 2000] [--kinds slack,email]
       [extra server settings, e.g. --Monitor:Storage:Provider=postgres --ConnectionStrings:Monitor=Host=...]
"""
import argparse
import datetime as dt
import http.server
import json
import os
import resource
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request

from aiosmtpd.controller import Controller

from bench_api import KEY, api, free_port

BOT_TOKEN = "123456:bench-token"
KINDS = ["slack", "teams", "telegram", "webhook", "email"]
INSTRUMENTS = ["LME:CA", "LME:AH", "LME:ZS", "COMEX:HG", "COMEX:SI", "COMEX:GC", "NYMEX:PL", "NYMEX:PA", "ETF:SLV", "ETF:GLD",
               "ETF:SIL", "ETF:GDX", "ETF:COPX", "ETF:REMX", "ETF:SMH", "ETF:LIT", "ETF:URA", "ETF:XME", "LME:CA.CASH", "LME:NI"]


class Arrivals:
    """Arrival times of the requests each kind's receiver accepted."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times = {kind: [] for kind in KINDS}

    def add(self, kind):
        with self.lock:
            self.times[kind].append(time.time())

    def of(self, kind):
        with self.lock:
            return list(self.times[kind])


def start_receivers(arrivals):
    """The HTTP stand-ins (answering as each service does) and the SMTP server; returns their ports."""

    class Receiver(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path.startswith("/services/"):
                self.answer("slack", 200, b"ok", "text/plain")
            elif self.path.startswith("/teams/"):
                self.answer("teams", 202, b"", "text/plain")
            elif self.path.startswith(f"/bot{BOT_TOKEN}/sendMessage"):
                self.answer("telegram", 200, b'{"ok":true,"result":{"message_id":1}}', "application/json")
            else:
                self.answer("webhook", 204, b"", "text/plain")

        def answer(self, kind, status, body, content_type):
            arrivals.add(kind)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    http_port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", http_port), Receiver)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()

    class Mailbox:
        async def handle_DATA(self, server, session, envelope):
            arrivals.add("email")
            return "250 OK"

    smtp_port = free_port()
    smtp = Controller(Mailbox(), hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    return http_port, smtp_port


def receiver(kind, http_port, smtp_port, webhook_id):
    base = f"http://127.0.0.1:{http_port}"
    return {
        "slack": {"slack": {"url": f"{base}/services/T000/B000/BENCH"}},
        "teams": {"teams": {"url": f"{base}/teams/bench"}},
        "telegram": {"telegram": {"botToken": BOT_TOKEN, "chatId": "-100123", "apiBase": base}},
        "webhook": {"webhook": {"id": webhook_id}},
        "email": {"email": {"to": ["desk@example.com"], "from": "monitor@example.com",
                            "smtp": {"host": "127.0.0.1", "port": smtp_port, "startTls": False}}},
    }[kind]


def server_cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def phase(kind, count, binary, settings, arrivals, http_port, smtp_port):
    work = tempfile.mkdtemp(prefix="monitor-notify-bench-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(os.path.join(work, "server.log"), "w")
    process = subprocess.Popen(
        [binary, f"--urls={base}", "--Monitor:DemoFeed:Enabled=false", f"--Monitor:Cluster:SiloPort={free_port()}",
         f"--Monitor:Cluster:GatewayPort={free_port()}", "--Monitor:Auth:ApiKeys:0:Name=bench", f"--Monitor:Auth:ApiKeys:0:Key={KEY}",
         "--Monitor:Auth:ApiKeys:0:Roles:0=admin", "--Monitor:Webhooks:AllowPrivateNetworks=true", "--Logging:LogLevel:Default=Warning",
         *settings],
        cwd=work, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(base + "/health/ready", timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        webhook_id = api(base, "POST", "/api/v1/webhooks", {"url": f"http://127.0.0.1:{http_port}/hook"})["id"]
        api(base, "PUT", "/api/v1/notifications", {
            "receivers": [{"name": "bench", **receiver(kind, http_port, smtp_port, webhook_id)}],
            "route": {"receiver": "bench", "groupBy": ["..."], "groupWait": "0s", "groupInterval": "1h", "repeatInterval": "24h"}})
        rules = [{"id": f"bench-{i}", "type": "threshold", "interval": "1m", "evaluate": "tick",
                  "params": {"input": INSTRUMENTS[i % len(INSTRUMENTS)], "op": "above", "value": 1}} for i in range(count)]
        for start in range(0, count, 1000):
            api(base, "PUT", "/api/v1/rules", rules[start:start + 1000])

        before = len(arrivals.of(kind))
        cpu, own = server_cpu(process.pid), resource.getrusage(resource.RUSAGE_SELF)
        posted = time.time()
        now = dt.datetime.now(dt.timezone.utc).isoformat()
        api(base, "POST", "/api/v1/ticks", [{"instrument": i, "ts": now, "price": 100, "volume": 1} for i in INSTRUMENTS])
        deadline = time.time() + max(300, count / 5)
        while len(arrivals.of(kind)) - before < count and time.time() < deadline:
            time.sleep(0.05)
        times = arrivals.of(kind)[before:]
        own_after = resource.getrusage(resource.RUSAGE_SELF)
        result = {"kind": kind, "notifications": len(times), "expected": count}
        if times:
            result.update({
                "wallS": round(times[-1] - posted, 3),
                "endToEndPerS": round(len(times) / (times[-1] - posted), 1),
                "deliveryPerS": round((len(times) - 1) / (times[-1] - times[0]), 1) if len(times) > 1 and times[-1] > times[0] else None,
                "receiverCpuS": round(own_after.ru_utime + own_after.ru_stime - own.ru_utime - own.ru_stime, 2),
                "serverCpuS": round(server_cpu(process.pid) - cpu, 2),
            })
        failed = [n for n in api(base, "GET", "/api/v1/notifications/log?limit=1000") if n["state"] == "failed"]
        if failed:
            result["failedExample"] = failed[0]["attempts"][-1]["error"]
        print(json.dumps(result), flush=True)
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--notifications", type=int, default=2000)
    parser.add_argument("--kinds", default=",".join(KINDS))
    args, settings = parser.parse_known_args()
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    subprocess.run(["dotnet", "build", "src/Monitor.Server", "-c", "Release", "-v", "quiet", "-nologo"], cwd=root, check=True,
                   stdout=subprocess.DEVNULL)
    binary = os.path.join(root, "src", "Monitor.Server", "bin", "Release", "net10.0", "Monitor.Server")
    arrivals = Arrivals()
    http_port, smtp_port = start_receivers(arrivals)
    for kind in args.kinds.split(","):
        phase(kind, args.notifications, binary, settings, arrivals, http_port, smtp_port)


if __name__ == "__main__":
    main()
