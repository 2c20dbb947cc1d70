#!/usr/bin/env python3
"""Report-to-alert latency of data sources, end to end (docs/benchmarks.md, "Data sources").

Starts a publisher (a local HTTP server serving SPDR-layout CSV files, answering If-Modified-Since with 304), a webhook
receiver, and one Monitor server process (Release build). Creates N spdr-gld sources polling every minute
("* * * * *"), each first fetched with a report two weeks old, so each raises its sourceLate alert. Then, at random
moments over a minute, publishes a fresh report for each source and measures the time from the file appearing on the
publisher to the alert.resolved webhook of that source arriving (latencyS), and the part of it after the scheduled poll
that first could see the file (afterPollS: fetch, parse, store, alert, webhook). The target: latencyS under the poll
interval (60 s) plus 1 s, that is afterPollS under 1 s.

Usage: tests/Monitor.Benchmarks/sources-benchmark.py [--sources 20] [--seed 1] [extra server settings...]
"""
import argparse
import datetime as dt
import http.server
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from bench_api import KEY, api, free_port

HEADER = "Date,GLD Close,Total Net Asset Value Ounces in the Trust as at 4.15 p.m. NYT\n"


class Server(http.server.ThreadingHTTPServer):
    # The server fetches every due source at once: with Python's default listen backlog of 5, the kernel drops the
    # other connections' SYNs and they retry a second later, a delay of the publisher's, not Monitor's.
    request_queue_size = 128


def serve(handler, port):
    server = Server(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args, settings = parser.parse_known_args()
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    subprocess.run(["dotnet", "build", "src/Monitor.Server", "-c", "Release", "-v", "quiet", "-nologo"], cwd=root, check=True,
                   stdout=subprocess.DEVNULL)
    work = tempfile.mkdtemp(prefix="monitor-sources-bench-")
    files = os.path.join(work, "files")
    os.makedirs(files)

    class Publisher(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=files, **kw)

        def log_message(self, *a):
            pass

    resolved = {}

    class Receiver(http.server.BaseHTTPRequestHandler):
        # Keep-alive, as a real receiver: the dispatcher reuses its connections.
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if body["type"] == "alert.resolved":
                resolved.setdefault(body["data"]["alert"]["ruleId"], time.time())
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *a):
            pass

    publisher_port, receiver_port, port = free_port(), free_port(), free_port()
    serve(Publisher, publisher_port)
    serve(Receiver, receiver_port)
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [os.path.join(root, "src/Monitor.Server/bin/Release/net10.0/Monitor.Server"), f"--urls={base}",
         "--Monitor:DemoFeed:Enabled=false", f"--Monitor:Cluster:SiloPort={free_port()}", f"--Monitor:Cluster:GatewayPort={free_port()}",
         "--Monitor:Auth:ApiKeys:0:Name=bench", f"--Monitor:Auth:ApiKeys:0:Key={KEY}", "--Monitor:Auth:ApiKeys:0:Roles:0=admin",
         "--Monitor:Sources:AllowPrivateNetworks=true", "--Monitor:Webhooks:AllowPrivateNetworks=true",
         "--Logging:LogLevel:Default=Warning", *settings],
        cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while True:
            try:
                urllib.request.urlopen(base + "/health/ready", timeout=2)
                break
            except OSError:
                if time.time() > deadline:
                    sys.exit("the server did not become ready")
                time.sleep(0.2)

        today = dt.datetime.now(dt.timezone.utc).date()
        stale = (today - dt.timedelta(days=14)).isoformat()
        api(base, "POST", "/api/v1/webhooks", {"url": f"http://127.0.0.1:{receiver_port}/hook", "filter": {"events": ["alert.resolved"]}})
        ids = [f"bench-{i}" for i in range(args.sources)]
        for source in ids:
            with open(os.path.join(files, f"{source}.csv"), "w") as f:
                f.write(HEADER + f"{stale},400.10,28000000\n")
            api(base, "POST", "/api/v1/sources", {"id": source, "kind": "spdr-gld", "url": f"http://127.0.0.1:{publisher_port}/{source}.csv",
                                                  "schedule": "* * * * *", "timeZone": "UTC", "calendar": "weekdays", "lateAfter": "P1D"})
            status = api(base, "POST", f"/api/v1/sources/{source}/fetch")
            assert status["late"], status

        # Fresh reports appear at random moments over one poll interval; each is measured to its alert.resolved.
        rng = random.Random(args.seed)
        start = time.time() + 2
        schedule = sorted((start + rng.uniform(0, 60), source) for source in ids)
        published = {}
        for at, source in schedule:
            time.sleep(max(0.0, at - time.time()))
            path = os.path.join(files, f"{source}.csv")
            with open(path + ".tmp", "w") as f:
                f.write(HEADER + f"{stale},400.10,28000000\n{today.isoformat()},400.10,28100000\n")
            os.replace(path + ".tmp", path)
            published[source] = time.time()

        deadline = time.time() + 120
        while len(resolved) < len(ids) and time.time() < deadline:
            time.sleep(0.1)
        arrived = [s for s in ids if f"source:{s}" in resolved]
        if len(arrived) < len(ids):
            print(f"{len(ids) - len(arrived)} of {len(ids)} alerts never arrived", file=sys.stderr)
        latencies = sorted(resolved[f"source:{s}"] - published[s] for s in arrived)
        # The part that is Monitor's own: from the scheduled poll after the file appeared (the next whole minute,
        # the schedule being "* * * * *" in UTC) to the alert's webhook.
        after_poll = sorted(resolved[f"source:{s}"] - (published[s] // 60 + 1) * 60 for s in arrived)

        def stats(values):
            pct = lambda q: values[min(len(values) - 1, int(q * len(values)))]
            return {"min": round(values[0], 3), "p50": round(pct(0.5), 3), "p90": round(pct(0.9), 3), "max": round(values[-1], 3)}

        print(json.dumps({"sources": len(ids), "measured": len(latencies), "pollIntervalS": 60,
                          "latencyS": stats(latencies), "afterPollS": stats(after_poll),
                          "targetS": 61, "withinTarget": len(latencies) == len(ids) and latencies[-1] < 61}))
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
