#!/usr/bin/env python3
"""Restart with a large catalog and stored history, measured from outside (embedded SQLite, or PostgreSQL).

1. Seeds stored history before the server first runs (Monitor.Benchmarks seed-bars, rows written straight into the
   bars table, progress every 5 s): for each of INSTRUMENTS instruments (BULK:I0...) a year of minute, hourly and daily
   bars before today (00:00 UTC) for the first YEAR_INSTRUMENTS; for the others the last MINUTE_DAYS days of minute bars,
   the last HOUR_DAYS days of hourly bars and a year of daily bars (more than the warm-up reads). A year of minute bars
   for all 10,000 would be 5.3 billion rows (300 GB in SQLite): see BarSeeder.cs.
2. Starts the server, adds the instruments and one RSI rule each, in batches of 1,000 through PUT /api/v1/instruments
   and PUT /api/v1/rules (each batch timed: the bulk administration figure).
3. The live session before the restart: one tick per instrument at 00:00 UTC today, right after its stored history, so
   each instrument's saved state has its bars open there, as a server that was running has. Then a clean stop (each
   grain writes its state as it deactivates). With --reuse-seed the store as these steps leave it is kept under a name
   made of the history's numbers (a copy of the data directory in --seed-dir, or a PostgreSQL database used as a
   template), and a later run with the same numbers starts from a copy of it, at step 4.
4. Starts the server again and measures, from the process start: when /health/ready answers 200 (and the server's
   CPU seconds by then), when the first tick (to an instrument with a year of minute bars) is acknowledged, the
   acknowledgement time of a first tick to each of SAMPLE other instruments, one after another, half of them with a
   year of minute bars (each activates its grain: saved state, warm-up from the bars, rules), and then requests of
   1,000 ticks, one after another, with a tick for every instrument not yet woken: the whole catalog back, as a feed
   reconnecting after the restart does.

Timing on a loaded machine is indicative only; the CPU seconds are less sensitive to the load than the wall time.

usage: python3 -u tests/Monitor.Benchmarks/restart-benchmark.py [--instruments 10000] [--minute-days 2] [--hour-days 30]
           [--year-instruments 50] [--sample 200] [--postgres 'Host=127.0.0.1;Port=5432;Username=postgres']
           [--reuse-seed] [--seed-dir /tmp/monitor-restart-seed] [--keep]
"""
import argparse, json, os, random, re, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.error, urllib.request
from datetime import datetime, timedelta, timezone

KEY = "bench-key-0123456789abcdef"
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# Ticks per ingest request: a feed's batch. Each tick of these requests wakes another instrument's grain, so a larger
# request is that many activations at once, and the last of them can outlast Orleans' 30 s grain call timeout.
MAX_ITEMS = 1_000


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port


def request(url, method="GET", body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data, {"Content-Type": "application/json", "X-Api-Key": KEY}, method=method)
    with urllib.request.urlopen(req, timeout=600) as response:
        body = response.read()
        # /health/ready answers plain text ("Healthy"); the API answers JSON.
        is_json = response.headers.get_content_type().endswith("json")
        return response.status, json.loads(body) if is_json and body else None


class Server:
    def __init__(self, work, storage_args):
        self.work, self.storage_args, self.port, self.process = work, storage_args, free_port(), None
        self.log = os.path.join(work, "server.log")

    def start(self):
        binary = os.path.join(ROOT, "src/Monitor.Server/bin/Release/net10.0/Monitor.Server")
        args = [binary, f"--urls=http://127.0.0.1:{self.port}", "--Monitor:DemoFeed:Enabled=false",
                f"--Monitor:Cluster:SiloPort={free_port()}", f"--Monitor:Cluster:GatewayPort={free_port()}",
                "--Monitor:Auth:ApiKeys:0:Name=bench", f"--Monitor:Auth:ApiKeys:0:Key={KEY}", "--Monitor:Auth:ApiKeys:0:Roles:0=admin",
                "--Logging:LogLevel:Default=Warning",
                # Logs each activation that replays ticks stored after its saved state: none after a clean stop.
                "--Logging:LogLevel:Monitor.Grains.InstrumentGrain=Information"] + self.storage_args
        self.log_start = os.path.getsize(self.log) if os.path.exists(self.log) else 0
        self.started = time.monotonic()
        self.process = subprocess.Popen(args, cwd=self.work, stdout=open(self.log, "a"), stderr=subprocess.STDOUT)

    def wait_ready(self, deadline_s=600):
        limit = time.monotonic() + deadline_s
        while time.monotonic() < limit:
            if self.process.poll() is not None:
                sys.exit(f"the server exited ({self.process.returncode}); see {self.log}")
            try:
                if request(self.url("/health/ready"))[0] == 200:
                    return time.monotonic() - self.started
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.05)
        sys.exit("the server did not become ready")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=600)

    def cpu_s(self):
        fields = open(f"/proc/{self.process.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def rss_mb(self):
        for line in open(f"/proc/{self.process.pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0

    def replays_logged(self):
        with open(self.log) as log:
            log.seek(self.log_start)
            return sum("replayed the ticks stored after index" in line for line in log)

    def ticks(self, instruments, at):
        """Posts one tick per instrument at `at`, in requests of at most MAX_ITEMS; fails unless every one is accepted."""
        ts = at.isoformat().replace("+00:00", "Z")
        for first in range(0, len(instruments), MAX_ITEMS):
            chunk = instruments[first:first + MAX_ITEMS]
            status, body = request(self.url("/api/v1/ticks"), "POST", [{"instrument": i, "ts": ts, "price": 100.0} for i in chunk])
            if status != 200 or body.get("accepted") != len(chunk):
                sys.exit(f"ticks to {len(chunk)} instruments not all accepted: {status} {body}")


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary(latencies):
    return f"p50 {percentile(latencies, 50):.0f} ms, p99 {percentile(latencies, 99):.0f} ms, max {max(latencies):.0f} ms"


def psql(connection_string, sql):
    """Runs one statement with psql against the server of an Npgsql connection string (Host, Port, Username, Database)."""
    parts = dict(p.split("=", 1) for p in connection_string.split(";") if "=" in p)
    url = f"postgresql://{parts.get('Username', 'postgres')}@{parts.get('Host', '127.0.0.1')}:{parts.get('Port', '5432')}/{parts.get('Database', 'postgres')}"
    return subprocess.run(["psql", url, "-qAtc", sql], check=True, capture_output=True, text=True).stdout.strip()


def prepare(options, server, store, database, ids, today):
    """Steps 1-3: seeds the history into `store` (the run's SQLite file or database), adds the catalog, runs the live session
    and stops the server cleanly."""
    began = time.monotonic()
    subprocess.run(["dotnet", os.path.join(ROOT, "tests/Monitor.Benchmarks/bin/Release/net10.0/Monitor.Benchmarks.dll"), "seed-bars",
                    store, "BULK:I", str(options.instruments), str(options.minute_days), str(options.hour_days),
                    str(options.year_instruments), today.isoformat()], check=True)
    size_gb = (int(psql(store, "SELECT pg_database_size(current_database())")) if database else os.path.getsize(store)) / 1e9
    print(f"history seeded in {time.monotonic() - began:.0f} s; store {size_gb:.1f} GB")

    server.start()
    server.wait_ready()
    batch_times = []
    for first in range(0, len(ids), 1000):
        chunk = ids[first:first + 1000]
        began = time.monotonic()
        request(server.url("/api/v1/instruments"), "PUT",
                [{"id": i, "name": i, "kind": "future", "unit": "USD/t", "intervals": ["1m", "1h", "1d"]} for i in chunk])
        instruments_s = time.monotonic() - began
        began = time.monotonic()
        request(server.url("/api/v1/rules"), "PUT",
                [{"id": "rsi-" + i.replace(":", "-"), "type": "threshold", "params": {"input": i + "@rsi(14)", "op": "above", "value": 70}} for i in chunk])
        batch_times.append((instruments_s, time.monotonic() - began))
        print(f"  catalog: {first + len(chunk)} instruments and rules, this batch {instruments_s:.1f} s and {batch_times[-1][1]:.1f} s")
    print(f"catalog: {len(ids)} instruments and rules in batches of 1,000; per batch: instruments "
          f"{max(t[0] for t in batch_times):.2f} s at most (mean {sum(t[0] for t in batch_times) / len(batch_times):.2f} s), "
          f"rules {max(t[1] for t in batch_times):.2f} s at most (mean {sum(t[1] for t in batch_times) / len(batch_times):.2f} s)")
    began = time.monotonic()
    server.ticks(ids, today)
    print(f"live session: a tick to each of {len(ids)} instruments at {today:%Y-%m-%d %H:%M} UTC in {time.monotonic() - began:.1f} s")
    began = time.monotonic()
    server.stop()
    print(f"clean stop in {time.monotonic() - began:.1f} s")


class KeptStore:
    """--reuse-seed: the store as steps 1-3 leave it, kept under a name made of the history's numbers (a copy of the SQLite
    data directory, or a PostgreSQL database used as a template), so later runs go straight to the restart."""

    def __init__(self, options, work, database):
        shape = f"i{options.instruments}_m{options.minute_days}_h{options.hour_days}_y{options.year_instruments}"
        self.options, self.data, self.database = options, os.path.join(work, "data"), database
        self.name = f"monitor_restart_seed_{shape}" if database else os.path.join(options.seed_dir, f"restart-{shape}")

    def exists(self):
        if self.database:
            return psql(self.options.postgres, f"SELECT 1 FROM pg_database WHERE datname = '{self.name}'") == "1"
        return os.path.isdir(self.name)

    def save(self):
        if self.database:
            psql(self.options.postgres, f"CREATE DATABASE {self.name} TEMPLATE {self.database}")
        else:
            shutil.copytree(self.data, self.name + ".partial")
            os.rename(self.name + ".partial", self.name)  # only a finished store is reused
        print(f"kept the prepared store as {self.name}")

    def restore(self):
        if self.database:
            psql(self.options.postgres, f"DROP DATABASE {self.database}")
            psql(self.options.postgres, f"CREATE DATABASE {self.database} TEMPLATE {self.name}")
        else:
            shutil.copytree(self.name, self.data)
        print(f"reusing the prepared store {self.name} (history, catalog and live session of an earlier run)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--instruments", type=int, default=10000)
    parser.add_argument("--minute-days", type=int, default=2, help="days of minute bars of the instruments without a year")
    parser.add_argument("--hour-days", type=int, default=30, help="days of hourly bars of the instruments without a year")
    parser.add_argument("--year-instruments", type=int, default=50, help="instruments with a year of every interval")
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--postgres", help="an Npgsql connection string to a server the benchmark may create a database on")
    parser.add_argument("--reuse-seed", action="store_true", help="keep the store steps 1-3 leave and start later runs from a copy of it")
    parser.add_argument("--seed-dir", default="/tmp/monitor-restart-seed", help="where --reuse-seed keeps SQLite stores")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (and the PostgreSQL database)")
    options = parser.parse_args()
    options.year_instruments = min(options.year_instruments, options.instruments)

    for project in ("src/Monitor.Server", "tests/Monitor.Benchmarks"):
        subprocess.run(["dotnet", "build", project, "-c", "Release", "-v", "quiet", "-nologo"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    work = tempfile.mkdtemp(prefix="monitor-restart.")
    database = None
    if options.postgres:
        database = f"monitor_restart_{os.getpid()}"
        psql(options.postgres, f"CREATE DATABASE {database}")
        store = re.sub(r";?Database=[^;]*", "", options.postgres) + f";Database={database}"
        storage_args = ["--Monitor:Storage:Provider=postgres", f"--ConnectionStrings:Monitor={store}"]
    else:
        store = os.path.join(work, "data/monitor.db")
        storage_args = []
    ids = [f"BULK:I{i}" for i in range(options.instruments)]
    with_year, without_year = ids[:options.year_instruments], ids[options.year_instruments:]
    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    server = Server(work, storage_args)
    try:
        kept = KeptStore(options, work, database) if options.reuse_seed else None
        if kept and kept.exists():
            began = time.monotonic()
            kept.restore()
            print(f"store copied in {time.monotonic() - began:.0f} s")
        else:
            prepare(options, server, store, database, ids, today)
            if kept:
                kept.save()

        server.start()
        ready = server.wait_ready()
        ready_cpu = server.cpu_s()
        rng = random.Random(1)
        first = rng.choice(with_year)
        began = time.monotonic()
        server.ticks([first], datetime.now(timezone.utc))
        first_ack = time.monotonic() - server.started
        first_ms = (time.monotonic() - began) * 1000
        latencies = {"a year": [], "the last days": []}
        half = options.sample // 2
        woken = {first}
        for group, pool in (("a year", with_year), ("the last days", without_year)):
            candidates = [i for i in pool if i not in woken]
            for instrument in rng.sample(candidates, min(half if group == "a year" else options.sample - half, len(candidates))):
                began = time.monotonic()
                server.ticks([instrument], datetime.now(timezone.utc))
                latencies[group].append((time.monotonic() - began) * 1000)
                woken.add(instrument)
        print(f"restart: ready {ready:.1f} s after start (server CPU {ready_cpu:.1f} s); first tick ({first}) acknowledged "
              f"{first_ack:.1f} s after start, {first_ms:.0f} ms after it was sent")
        for group, values in latencies.items():
            if values:
                print(f"first tick to {len(values)} other instruments with {group} of minute bars (one after another, each "
                      f"activates its grain): {summary(values)}")
        rest = [i for i in ids if i not in woken]
        cpu_before, began = server.cpu_s(), time.monotonic()
        server.ticks(rest, datetime.now(timezone.utc))
        print(f"the rest of the catalog: a tick to each of {len(rest)} instruments acknowledged in {time.monotonic() - began:.1f} s "
              f"(server CPU {server.cpu_s() - cpu_before:.1f} s); all {len(ids)} active {time.monotonic() - server.started:.1f} s after start; "
              f"server RSS {server.rss_mb():.0f} MB; activations that replayed ticks stored after their saved state: {server.replays_logged()}")
        server.stop()
    finally:
        if server.process and server.process.poll() is None:
            server.process.kill()  # a run that failed half way leaves no server behind
        if options.keep:
            print(f"work directory: {work}" + (f"; database: {database}" if database else ""))
        else:
            shutil.rmtree(work, ignore_errors=True)
            if database:
                psql(options.postgres, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


if __name__ == "__main__":
    main()
