"""Benchmark driver for scripts/bench. Prints one JSON object per line and case.

Every measured command runs as a child process; its wall time comes from a
monotonic clock around it and its peak RSS from wait4(), so figures belong to
that process alone. Each case runs --runs times and reports medians.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_measured(argv, env=None, cwd=None):
    """Runs argv; returns (seconds, peak_rss_mb). Raises on a non-zero exit."""
    # Output into files, not pipes: a program's background helpers (Wine's)
    # may keep a pipe open long after it exited.
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        start = time.monotonic()
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out_file, stderr=err_file)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.monotonic() - start
        out_file.seek(0)
        err_file.seek(0)
        out = out_file.read().decode(errors="replace")
        err = err_file.read().decode(errors="replace")
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}\n{out}\n{err}")
    return seconds, usage.ru_maxrss / 1024.0


def emit(record):
    print(json.dumps(record), flush=True)


def ensure_csv(build, rows, variant):
    data = os.path.join(build, "data")
    os.makedirs(data, exist_ok=True)
    path = os.path.join(data, f"contracts-{rows}-{variant}.csv")
    if not os.path.exists(path):
        gen = os.path.join(build, "tests/tools/bench_data/gen_contract_csv")
        subprocess.run([gen, str(rows), path + ".tmp", "--variant", variant], check=True)
        os.rename(path + ".tmp", path)
    return path


def sqlite_import(csv_path, workdir):
    db = os.path.join(workdir, "baseline.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    seconds, _ = run_measured(["sqlite3", db, "PRAGMA journal_mode=WAL;", f".import --csv {csv_path} t"])
    return seconds


def windows_first_sync(args, base, template):
    """The 1M-row first sync by the cross-built Windows agent under Wine (one run)."""
    exe = os.path.join(args.windows, "agent", "contractsync-agent.exe")
    work = tempfile.mkdtemp(prefix="cs-bench-windows-", dir=os.path.join(args.build, "data"))
    try:
        drop = os.path.join(work, "drop")
        os.makedirs(drop)
        shutil.copy(template, os.path.join(work, "agent.json"))
        os.link(base, os.path.join(drop, "first.csv"))
        os.utime(os.path.join(drop, "first.csv"), (time.time() - 3600, time.time() - 3600))
        config = "Z:" + os.path.join(work, "agent.json").replace("/", "\\")
        return run_measured(["wine", exe, "sync", "--config", config])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench_agent(args):
    agent = os.path.join(args.build, "agent/contractsync-agent")
    base = ensure_csv(args.build, args.rows, "base")
    changed = ensure_csv(args.build, args.rows, "changed")
    template = os.path.join(ROOT, "tests/data/bench/agent.json")
    results = {"first": [], "unchanged": [], "changed": []}
    baselines, rss = [], {"first": [], "unchanged": [], "changed": []}
    windows, windows_rss = [], []
    if args.windows:
        os.environ.update(WINEPREFIX=os.path.join(args.windows, "wine-bench"), WINEDEBUG="-all",
                          WINEDLLOVERRIDES="mscoree,mshtml=")
        os.makedirs(os.environ["WINEPREFIX"], exist_ok=True)
        subprocess.run(["wineserver", "-p"], check=True)
        # No pipes: Wine's background processes would hold them open.
        subprocess.run(["wine", "cmd", "/c", "exit"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=300)
    for _ in range(args.runs):
        work = tempfile.mkdtemp(prefix="cs-bench-agent-", dir=os.path.join(args.build, "data"))
        try:
            drop = os.path.join(work, "drop")
            os.makedirs(drop)
            config = os.path.join(work, "agent.json")
            shutil.copy(template, config)
            baselines.append(sqlite_import(base, work))

            def sync(csv_path, name, extra):
                os.link(csv_path, os.path.join(drop, name))
                os.utime(os.path.join(drop, name), (time.time() - 3600, time.time() - 3600))
                return run_measured([agent, "sync", "--config", config, *extra])

            for case, path, extra in (("first", base, []),
                                      # --full: compare every row, not just the file fingerprint
                                      ("unchanged", base, ["--full"]),
                                      ("changed", changed, [])):
                seconds, peak = sync(path, f"{case}.csv", extra)
                results[case].append(seconds)
                rss[case].append(peak)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        if args.windows:
            seconds, peak = windows_first_sync(args, base, template)
            windows.append(seconds)
            windows_rss.append(peak)
    baseline = statistics.median(baselines)
    for case in ("first", "unchanged", "changed"):
        seconds = statistics.median(results[case])
        emit({"case": case, "rows": args.rows, "seconds": round(seconds, 3),
              "baseline_seconds": round(baseline, 3), "ratio": round(seconds / baseline, 3),
              "peak_rss_mb": round(max(rss[case]), 1)})
    if args.windows:
        subprocess.run(["wineserver", "-k"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        linux = statistics.median(results["first"])
        seconds = statistics.median(windows)
        # Informational: Wine translates every system call; Windows itself does not.
        emit({"case": "first_windows_wine", "rows": args.rows, "seconds": round(seconds, 3),
              "linux_seconds": round(linux, 3), "ratio_to_linux": round(seconds / linux, 3),
              "baseline_seconds": round(baseline, 3), "ratio": round(seconds / baseline, 3),
              "peak_rss_mb": round(max(windows_rss), 1)})


class PgCluster:
    """A private PostgreSQL cluster (scripts/pg-cluster) for one benchmark."""

    def __init__(self, build):
        self.dir = tempfile.mkdtemp(prefix="cs-bench-pg-", dir=os.path.join(build, "data"))
        os.chmod(self.dir, 0o755)
        self.tool = os.path.join(ROOT, "scripts/pg-cluster")
        self.dsn = subprocess.run([self.tool, "start", self.dir], check=True,
                                  stdout=subprocess.PIPE, text=True).stdout.strip()

    def sql(self, dbname, statement):
        return subprocess.run(["psql", f"{self.dsn} dbname={dbname}", "-v", "ON_ERROR_STOP=1",
                               "-qAtc", statement], check=True, stdout=subprocess.PIPE,
                              text=True).stdout.strip()

    def close(self):
        subprocess.run([self.tool, "destroy", self.dir], check=False)


def csv_copy_baseline(pg, dbname, csv_path):
    """psql \\copy of the raw CSV into a table keyed like the relay's records."""
    pg.sql(dbname, "DROP TABLE IF EXISTS baseline; CREATE TABLE baseline (contract_no text, "
                   "item_id text PRIMARY KEY, description text, vendor text, uom text, "
                   "price text, qty text, start_date text, end_date text, updated text)")
    pg.sql(dbname, "CHECKPOINT")
    seconds, _ = run_measured(["psql", f"{pg.dsn} dbname={dbname}", "-v", "ON_ERROR_STOP=1", "-qc",
                               f"\\copy baseline FROM '{csv_path}' WITH (FORMAT csv, HEADER true)"])
    return seconds


def wait_for_file(path, proc, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if os.path.exists(path) and open(path).read().strip():
            return open(path).read().strip()
        if proc.poll() is not None:
            raise RuntimeError(f"the relay exited with {proc.returncode}")
        time.sleep(0.05)
    raise RuntimeError(f"{path} did not appear")


def end_to_end_run(args, pg, run, csv_path):
    """One agent sync + push of the CSV into a fresh database through a real relay.
    Returns (seconds, baseline_seconds, wire_bytes_per_row, json_bytes_per_row)."""
    relay_bin = os.path.join(args.build, "relay/contractsync-relay")
    agent_bin = os.path.join(args.build, "agent/contractsync-agent")
    tls = os.path.join(ROOT, "tests/data/tls/agent")
    dbname = f"cs_bench_e2e_{os.getpid()}_{run}"
    pg.sql("postgres", f"CREATE DATABASE {dbname}")
    work = tempfile.mkdtemp(prefix="cs-bench-e2e-", dir=os.path.join(args.build, "data"))
    relay = None
    try:
        relay_json = os.path.join(work, "relay.json")
        with open(relay_json, "w") as f:
            json.dump({"listen": {"address": "127.0.0.1", "port": 0},
                       "tls": {"certificate_file": os.path.join(tls, "server.pem"),
                               "private_key_file": os.path.join(tls, "server.key")},
                       "database": {"dsn": f"{pg.dsn} dbname={dbname}"},
                       "metrics": {"listen": "127.0.0.1:0"},
                       "data_dir": work, "logging": {"level": "warn"}}, f)
        subprocess.run([relay_bin, "migrate", "--config", relay_json], check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([relay_bin, "admin", "create-tenant", "--config", relay_json,
                        "--name", "bench"], check=True, stdout=subprocess.DEVNULL)
        site = json.loads(subprocess.run(
            [relay_bin, "admin", "create-site", "--config", relay_json, "--tenant", "bench",
             "--name", "bench", "--json"], check=True, stdout=subprocess.PIPE).stdout)
        key_file = os.path.join(work, "site.key")
        with open(os.open(key_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write(site["site_key"] + "\n")
        relay = subprocess.Popen([relay_bin, "serve", "--config", relay_json],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port = wait_for_file(os.path.join(work, "relay.port"), relay)

        with open(os.path.join(ROOT, "tests/data/bench/agent.json")) as f:
            text = f.read()
        config = json.loads("\n".join(line for line in text.splitlines()
                                       if not line.lstrip().startswith("//")))
        config["relay"] = {"url": f"wss://127.0.0.1:{port}/v1/agent",
                           "site_key": {"file": key_file},
                           "ca_file": os.path.join(tls, "ca.pem"), "proxy": "direct"}
        config_path = os.path.join(work, "agent.json")
        with open(config_path, "w") as f:
            json.dump(config, f)
        drop = os.path.join(work, "drop")
        os.makedirs(drop)
        os.link(csv_path, os.path.join(drop, "contracts.csv"))
        os.utime(os.path.join(drop, "contracts.csv"), (time.time() - 3600, time.time() - 3600))

        pg.sql(dbname, "CHECKPOINT")
        start = time.monotonic()
        run_measured([agent_bin, "sync", "--config", config_path])
        sync_done = time.monotonic()
        wire = outbox_wire(agent_bin, config_path, os.path.join(work, "state/state.db"))
        paused = time.monotonic() - sync_done  # measuring the outbox is not part of the run
        run_measured([agent_bin, "push", "--config", config_path, "--timeout", "30m"])
        seconds = time.monotonic() - start - paused
        applied = int(pg.sql(dbname, "SELECT count(*) FROM records WHERE NOT deleted"))
        if applied != wire["rows"]:
            raise RuntimeError(f"{wire['rows']} rows shipped but {applied} in records")
        baseline = csv_copy_baseline(pg, dbname, csv_path)
        return seconds, baseline, wire["bytes"] / wire["rows"], wire["json_per_row"]
    finally:
        if relay is not None:
            relay.terminate()
            relay.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)
        pg.sql("postgres", f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")


def outbox_wire(agent_bin, config_path, state_db):
    """Wire bytes of the outbox, and the plain JSON size of the same rows' values
    (compact JSON objects, measured on the first change set's rows)."""
    import sqlite3
    with sqlite3.connect(state_db) as db:
        frame_bytes, rows = db.execute("SELECT sum(length(frame)), sum(row_count) FROM outbox").fetchone()
    dump = subprocess.run([agent_bin, "outbox", "dump", "--config", config_path, "--limit", "1"],
                          check=True, stdout=subprocess.PIPE, text=True).stdout
    sample = json.loads(dump.splitlines()[0])["rows"]
    json_bytes = sum(len(json.dumps(r["values"], separators=(",", ":")).encode()) for r in sample)
    return {"bytes": frame_bytes, "rows": rows, "json_per_row": json_bytes / len(sample)}


def bench_relay(args):
    pg = PgCluster(args.build)
    try:
        # Relay apply vs COPY: the program prints its own JSON lines (medians).
        out = subprocess.run([os.path.join(args.build, "tests/bench/relay_apply_bench"),
                              "--dsn", pg.dsn, "--rows", str(args.rows), "--runs", str(args.runs)],
                             check=True, stdout=subprocess.PIPE, text=True).stdout
        copy_baseline = None
        for line in out.splitlines():
            record = json.loads(line)
            if record["case"] == "apply":
                copy_baseline = record["baseline_seconds"]
            emit(record)
        # End to end is held against the same plain COPY of the rows into a
        # same-keyed table; the raw CSV's \\copy into a text table is shown too.
        csv_path = ensure_csv(args.build, args.rows, "base")
        runs = [end_to_end_run(args, pg, run, csv_path) for run in range(args.runs)]
        seconds = statistics.median(r[0] for r in runs)
        emit({"case": "end_to_end", "rows": args.rows, "seconds": round(seconds, 3),
              "baseline_seconds": copy_baseline, "ratio": round(seconds / copy_baseline, 3),
              "csv_copy_seconds": round(statistics.median(r[1] for r in runs), 3)})
        wire, plain = runs[0][2], runs[0][3]
        emit({"case": "wire", "seconds": None, "baseline_seconds": None,
              "ratio": round(wire / plain, 3), "wire_bytes_per_row": round(wire, 1),
              "json_bytes_per_row": round(plain, 1)})
    finally:
        pg.close()


def load_jsonc(path):
    """The example configs are JSON with // comments; drop them outside strings."""
    import re
    text = open(path).read()
    return json.loads(re.sub(r'("(?:\\.|[^"\\])*")|//[^\n]*', lambda m: m.group(1) or "", text))


def bench_odata(args):
    """A full read of inv_mast from the P21 simulator on loopback into the outbox."""
    sim_bin = os.path.join(args.build, "tests/tools/p21sim/p21sim")
    agent_bin = os.path.join(args.build, "agent/contractsync-agent")
    preset = load_jsonc(os.path.join(ROOT, "config/p21-items.jsonc"))
    entity = next(e for e in preset["entities"] if e["name"] == "inv_mast")
    env = dict(os.environ, P21SIM_PASSWORD="bench-password", CS_BENCH_P21_PASSWORD="bench-password")
    sim = subprocess.Popen([sim_bin, "--listen", "127.0.0.1:0", "--rows", f"inv_mast={args.rows}"],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = sim.stdout.readline().strip()
        if not line.startswith("p21sim listening on "):
            raise RuntimeError(f"p21sim did not start: {line!r}")
        base_url = line.rsplit(" ", 1)[1]
        results, rss = [], []
        for _ in range(args.runs):
            work = tempfile.mkdtemp(prefix="cs-bench-odata-", dir=os.path.join(args.build, "data"))
            try:
                # The preset's request limits protect a real P21 (120 pages a
                # minute caps a read at 2,000 rows/s); the benchmark measures
                # the agent, so they are lifted here.
                source = dict(preset["sources"]["p21"], base_url=base_url, username="p21sim",
                              password={"env": "CS_BENCH_P21_PASSWORD"},
                              requests_per_minute=100_000, requests_per_hour=1_000_000)
                config = {"agent": {"state_dir": "state", "log": {"level": "warn"}},
                          "sources": {"p21": source}, "entities": [entity]}
                path = os.path.join(work, "agent.json")
                with open(path, "w") as f:
                    json.dump(config, f)
                seconds, peak = run_measured([agent_bin, "sync", "--config", path], env=env)
                import sqlite3
                with sqlite3.connect(os.path.join(work, "state/state.db")) as db:
                    shipped = db.execute("SELECT sum(row_count) FROM outbox").fetchone()[0]
                if shipped != args.rows:
                    raise RuntimeError(f"the outbox holds {shipped} rows, not {args.rows}")
                results.append(seconds)
                rss.append(peak)
            finally:
                shutil.rmtree(work, ignore_errors=True)
        seconds = statistics.median(results)
        emit({"case": "odata_full", "rows": args.rows, "seconds": round(seconds, 3),
              "rows_per_s": round(args.rows / seconds), "peak_rss_mb": round(max(rss), 1)})
    finally:
        sim.terminate()
        sim.wait(timeout=30)


def bench_recon(args):
    """A full reconciliation run: --lines contract lines against --rows P21 items."""
    os.makedirs(os.path.join(args.build, "data"), exist_ok=True)
    pg = PgCluster(args.build)
    try:
        out = subprocess.run([os.path.join(args.build, "tests/bench/recon_bench"),
                              "--dsn", pg.dsn, "--items", str(args.rows),
                              "--lines", str(args.lines), "--runs", str(args.runs)],
                             check=True, stdout=subprocess.PIPE, text=True).stdout
        for line in out.splitlines():
            emit(json.loads(line))
    finally:
        pg.close()


def bench_api(args):
    """Other tenants' latency while one tenant's reconciliation run is stalled."""
    os.makedirs(os.path.join(args.build, "data"), exist_ok=True)
    pg = PgCluster(args.build)
    try:
        out = subprocess.run([os.path.join(args.build, "tests/bench/api_bench"),
                              "--dsn", pg.dsn], check=True, stdout=subprocess.PIPE,
                             text=True).stdout
        for line in out.splitlines():
            emit(json.loads(line))
    finally:
        pg.close()


def bench_http(args):
    """Response latency of the relay's TLS server by size, on one kept-alive connection."""
    out = subprocess.run([os.path.join(args.build, "tests/bench/http_bench")], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    for line in out.splitlines():
        emit(json.loads(line))


CASES = {"agent": bench_agent, "relay": bench_relay, "odata": bench_odata, "recon": bench_recon,
         "api": bench_api, "http": bench_http}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--windows", help="agent: also the Windows build in this folder, under Wine")
    parser.add_argument("case", choices=sorted(CASES) + ["all"])
    args = parser.parse_args()
    args.build = os.path.abspath(args.build)
    for name in (sorted(CASES) if args.case == "all" else [args.case]):
        CASES[name](args)


if __name__ == "__main__":
    sys.exit(main())
