#!/usr/bin/env python3
"""Restart with a large catalog and stored history (embedded default), measured from outside.

1. Starts a server on an empty store and adds INSTRUMENTS instruments (BULK:I0...) and one RSI rule each, in batches of
   1,000 through PUT /api/v1/instruments and PUT /api/v1/rules (each batch timed: the bulk administration figure).
2. Stops it and seeds stored history through the store's own bar writes (Monitor.Benchmarks seed-bars): minute bars for
   the last MINUTE_DAYS days, hourly and daily bars for a year.
3. Starts it again and measures, from the process start: when /health/ready answers 200, when the first tick (to a
   random instrument) is acknowledged, and then the acknowledgement time of a first tick to each of SAMPLE other random
   instruments, one after another (each activates its grain: state, warm-up from bars, rules).

usage: python3 tests/Monitor.Benchmarks/restart-benchmark.py [--instruments 10000] [--minute-days 7] [--sample 200]
"""
import argparse, json, os, random, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.error, urllib.request
from datetime import datetime, timezone

KEY = "bench-key-0123456789abcdef"
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port


def request(url, method="GET", body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data, {"Content-Type": "application/json", "X-Api-Key": KEY}, method=method)
    with urllib.request.urlopen(req, timeout=120) as response:
        body = response.read()
        # /health/ready answers plain text ("Healthy"); the API answers JSON.
        is_json = response.headers.get_content_type().endswith("json")
        return response.status, json.loads(body) if is_json and body else None


def start_server(work, port):
    binary = os.path.join(ROOT, "src/Monitor.Server/bin/Release/net10.0/Monitor.Server")
    args = [binary, f"--urls=http://127.0.0.1:{port}", "--Monitor:DemoFeed:Enabled=false",
            f"--Monitor:Cluster:SiloPort={free_port()}", f"--Monitor:Cluster:GatewayPort={free_port()}",
            "--Monitor:Auth:ApiKeys:0:Name=bench", f"--Monitor:Auth:ApiKeys:0:Key={KEY}", "--Monitor:Auth:ApiKeys:0:Roles:0=admin",
            "--Logging:LogLevel:Default=Warning"]
    started = time.monotonic()
    process = subprocess.Popen(args, cwd=work, stdout=open(os.path.join(work, "server.log"), "a"), stderr=subprocess.STDOUT)
    return process, started


def wait_ready(port, deadline_s=300):
    limit = time.monotonic() + deadline_s
    while time.monotonic() < limit:
        try:
            if request(f"http://127.0.0.1:{port}/health/ready")[0] == 200:
                return time.monotonic()
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.05)
    sys.exit("the server did not become ready")


def stop(process):
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=120)


def rss_mb(process):
    for line in open(f"/proc/{process.pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0


def tick(port, instrument):
    now = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
    status, body = request(f"http://127.0.0.1:{port}/api/v1/ticks", "POST", [{"instrument": instrument, "ts": now, "price": 100.0}])
    if status != 200 or body.get("accepted") != 1:
        sys.exit(f"tick to {instrument} not accepted: {status} {body}")


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--instruments", type=int, default=10000)
    parser.add_argument("--minute-days", type=int, default=7)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    options = parser.parse_args()

    for project in ("src/Monitor.Server", "tests/Monitor.Benchmarks"):
        subprocess.run(["dotnet", "build", project, "-c", "Release", "-v", "quiet", "-nologo"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    work = tempfile.mkdtemp(prefix="monitor-restart.")
    port = free_port()
    ids = [f"BULK:I{i}" for i in range(options.instruments)]
    try:
        process, _ = start_server(work, port)
        wait_ready(port)
        batch_times = []
        for first in range(0, len(ids), 1000):
            chunk = ids[first:first + 1000]
            began = time.monotonic()
            request(f"http://127.0.0.1:{port}/api/v1/instruments", "PUT",
                    [{"id": i, "name": i, "kind": "future", "unit": "USD/t", "intervals": ["1m", "1h", "1d"]} for i in chunk])
            instruments_s = time.monotonic() - began
            began = time.monotonic()
            request(f"http://127.0.0.1:{port}/api/v1/rules", "PUT",
                    [{"id": "rsi-" + i.replace(":", "-"), "type": "threshold", "params": {"input": i + "@rsi(14)", "op": "above", "value": 70}} for i in chunk])
            batch_times.append((instruments_s, time.monotonic() - began))
        print(f"catalog: {len(ids)} instruments and rules in batches of 1,000; per batch: instruments "
              f"{max(t[0] for t in batch_times):.2f} s at most (mean {sum(t[0] for t in batch_times) / len(batch_times):.2f} s), "
              f"rules {max(t[1] for t in batch_times):.2f} s at most (mean {sum(t[1] for t in batch_times) / len(batch_times):.2f} s)")
        stop(process)

        began = time.monotonic()
        subprocess.run(["dotnet", os.path.join(ROOT, "tests/Monitor.Benchmarks/bin/Release/net10.0/Monitor.Benchmarks.dll"), "seed-bars",
                        os.path.join(work, "data/monitor.db"), "BULK:I", str(options.instruments), str(options.minute_days)], check=True)
        size_gb = os.path.getsize(os.path.join(work, "data/monitor.db")) / 1e9
        print(f"history seeded in {time.monotonic() - began:.0f} s; store {size_gb:.1f} GB")

        process, started = start_server(work, port)
        ready = wait_ready(port) - started
        rng = random.Random(1)
        first = rng.choice(ids)
        tick(port, first)
        first_ack = time.monotonic() - started
        latencies = []
        for instrument in rng.sample([i for i in ids if i != first], min(options.sample, len(ids) - 1)):
            began = time.monotonic()
            tick(port, instrument)
            latencies.append((time.monotonic() - began) * 1000)
        print(f"restart: ready {ready:.1f} s after start; first tick ({first}) acknowledged {first_ack:.1f} s after start")
        print(f"first tick to {len(latencies)} other instruments (each activates its grain): "
              f"p50 {percentile(latencies, 50):.0f} ms, p99 {percentile(latencies, 99):.0f} ms, max {max(latencies):.0f} ms; "
              f"server RSS {rss_mb(process):.0f} MB")
        stop(process)
    finally:
        if options.keep:
            print(f"work directory: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
