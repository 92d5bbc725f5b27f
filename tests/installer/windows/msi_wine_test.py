#!/usr/bin/env python3
"""The Windows agent end to end under Wine, as customer IT installs it.

One `msiexec /i ... /qn RELAY_URL=... PROXY_URL=... SITE_KEY_FILE=...` with the
signed MSI of scripts/package windows; Wine's Service Control Manager starts
the service; the site comes online at a Linux relay (TLS through an HTTP
CONNECT proxy started here, the relay's CA trusted only through the Windows
root store, as group policy deploys a company CA); after the administrator
adds the P21 source (the P21 simulator over HTTPS) and a drop folder at a
path with spaces, PostgreSQL holds exactly the source rows; `sync_now` sent
through the REST API runs on the Windows agent and its result shows in the
API; a stop during a large commit ends within the wait hint and loses
nothing; an upgrade to a newer build keeps config, secrets and state and the
next sync is incremental; uninstalling removes the service and keeps the
data unless REMOVE_DATA=1; a site key on the command line is refused.

    msi_wine_test.py SOURCE_DIR LINUX_BUILD_DIR WINDOWS_BUILD_DIR

Needs CS_TEST_PG_DSN (scripts/test starts PostgreSQL); exit 77 without it or
without Wine. KEEP=1 keeps the work folder (logs, Wine prefix).
"""
import csv
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

from wine_test_support import Relay, jsonc, make_tls, p21_rows, psql, psql_rows, run, wait_for

SRC, LINUX, WINDOWS = (os.path.abspath(p) for p in sys.argv[1:4])
failures = []


def log(text):
    print(text, flush=True)


def check(ok, what, detail=""):
    log(("PASS " if ok else "FAIL ") + what + ("" if ok or not detail else f": {detail}"))
    if not ok:
        failures.append(what)
    return ok


class Env:
    def __init__(self, work):
        self.work = work
        self.procs = []
        self.prefix = os.path.join(work, "wine")
        os.environ.update(WINEPREFIX=self.prefix, WINEDEBUG="-all",
                          WINEDLLOVERRIDES="mscoree,mshtml=")
        self.drive_c = os.path.join(self.prefix, "drive_c")
        self.data = os.path.join(self.drive_c, "ProgramData", "ContractSync", "Agent")
        self.exe = os.path.join(self.drive_c, "Program Files", "ContractSync", "Agent",
                                "contractsync-agent.exe")

    def start(self, cmd, name, **kw):
        out = open(os.path.join(self.work, name + ".log"), "w")
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, **kw)
        self.procs.append(proc)
        return proc

    def stop_all(self):
        subprocess.run(["wineserver", "-k"], capture_output=True)
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def win(path):
    return "Z:" + path.replace("/", "\\")


def wine(*args, timeout=120, check_rc=True, stdin=None):
    return run(["wine", *args], timeout=timeout, check_rc=check_rc, input=stdin)


def service_state():
    out = wine("sc", "query", "ContractSyncAgent", check_rc=False, timeout=60).stdout
    m = re.search(r"STATE\s*:\s*\d+\s+(\w+)", out)
    return m.group(1) if m else None


def agent_processes():
    """The agent's Windows processes, as Linux sees them under Wine."""
    out = subprocess.run(["pgrep", "-f", r"contractsync-agent\.exe run"], capture_output=True,
                         text=True).stdout
    return out.split()


def restart_service(what):
    """sc stop, until the process has exited, then sc start, until RUNNING."""
    wine("sc", "stop", "ContractSyncAgent", check_rc=False)
    wait_for("stopped", lambda: service_state() == "STOPPED", 130, interval=0.2)
    wait_for("exited", lambda: not agent_processes(), 60, interval=0.2)
    started = wine("sc", "start", "ContractSyncAgent", check_rc=False)
    return check(wait_for("running", lambda: service_state() == "RUNNING", 60) is not None,
                 what, started.stdout + started.stderr)


def msiexec(*args, timeout=300):
    return run(["wine", "msiexec", *args], timeout=timeout, check_rc=False).returncode


def msi_log_excerpt(path):
    """What explains a failed msiexec: its error and custom-action lines, then its end."""
    if not os.path.exists(path):
        return "(no log)"
    lines = open(path, errors="ignore").read().splitlines()
    telling = [line for line in lines if "Return value 3" in line or "ContractSync:" in line
               or "rror" in line or "Note: " in line or "failed" in line]
    return "\n".join(telling[-40:] + ["--- the end of the log"] + lines[-25:])


def main():
    if shutil.which("wine") is None or not os.environ.get("CS_TEST_PG_DSN"):
        log("SKIP: needs wine and CS_TEST_PG_DSN (scripts/test starts PostgreSQL)")
        return 77
    version = re.search(r"project\(ContractSync VERSION ([0-9.]+)",
                        open(os.path.join(SRC, "CMakeLists.txt")).read()).group(1)
    msi = os.path.join(WINDOWS, f"contractsync-agent-{version}-x64.msi")
    for path in (msi, os.path.join(WINDOWS, "agent", "contractsync-agent-next.exe"),
                 os.path.join(WINDOWS, "tests", "windows", "add_root_ca.exe")):
        if not os.path.exists(path):
            log(f"FAIL {path} is missing: run scripts/package windows")
            return 1
    work = tempfile.mkdtemp(prefix="cs-msi-e2e.")
    env = Env(work)
    db = f"cs_msi_e2e_{os.getpid()}"
    base_dsn = os.environ["CS_TEST_PG_DSN"]
    dsn = base_dsn.replace("dbname=postgres", f"dbname={db}")
    psql(base_dsn, f"CREATE DATABASE {db}")
    try:
        return scenario(env, msi, version, dsn)
    finally:
        env.stop_all()
        run(["psql", base_dsn, "-qc", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"],
            check_rc=False)
        if os.environ.get("KEEP"):
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def scenario(env, msi, version, dsn):
    started = time.monotonic()
    tls = make_tls(env.work)
    relay = Relay(env, tls, dsn, LINUX)
    relay.serve()
    relay.admin("admin", "create-tenant", "--name", "Acme Supply")
    site = json.loads(relay.admin("admin", "create-site", "--tenant", "Acme Supply", "--name",
                                  "Acme main branch (Windows)", "--json"))
    site_id, site_key = site["site_id"], site["site_key"]
    password = secrets.token_urlsafe(18)
    password_file = os.path.join(env.work, "admin.password")
    with open(password_file, "w") as f:
        f.write(password + "\n")
    os.chmod(password_file, 0o600)
    relay.admin("admin", "create-user", "--email", "it@acme.test", "--role", "admin", "--tenant",
                "Acme Supply", "--password-file", password_file)
    relay.login("it@acme.test", password)

    p21_password = secrets.token_hex(16)
    sim = env.start([os.path.join(LINUX, "tests", "tools", "p21sim", "p21sim"), "--listen",
                     "127.0.0.1:0", "--user", "contractsync", "--single-session", "false",
                     "--rows", "supplier=25,inv_mast=400,item_uom=0,inventory_supplier=0",
                     "--tls-cert", os.path.join(tls, "p21.pem"), "--tls-key",
                     os.path.join(tls, "p21.key")],
                    "p21sim", env=dict(os.environ, P21SIM_PASSWORD=p21_password))
    sim_log = os.path.join(env.work, "p21sim.log")
    p21_url = wait_for("p21sim", lambda: (re.search(r"p21sim listening on (\S+)",
                                                    open(sim_log).read()) or [None, None])[1], 30)
    if not p21_url:
        raise RuntimeError("the P21 simulator did not start")
    proxy_log = os.path.join(env.work, "proxy-tunnels.log")
    proxy_port_file = os.path.join(env.work, "proxy.port")
    env.start([sys.executable, os.path.join(SRC, "tests", "tools", "connect_proxy.py"),
               "--port-file", proxy_port_file, "--log", proxy_log, "--lifetime", "1500"], "proxy")
    proxy_port = wait_for("proxy", lambda: os.path.exists(proxy_port_file)
                          and open(proxy_port_file).read().strip(), 15)

    log(f"== a fresh Wine prefix; the company CA into the machine's root store")
    os.makedirs(env.prefix)
    subprocess.run(["wineserver", "-p"], check=True)
    # The first command starts the prefix's services.exe; it and every
    # service process it starts write to this file, Wine's reports of
    # unhandled exceptions included.
    with open(os.path.join(env.work, "wine-services.log"), "w") as out:
        subprocess.run(["wine", "cmd", "/c", "exit"], stdout=out, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, timeout=300)
    out = wine(os.path.join(WINDOWS, "tests", "windows", "add_root_ca.exe"),
               win(os.path.join(tls, "ca.der"))).stdout
    check("added" in out, "the company CA is in LocalMachine\\Root (no file for the agent)")

    key_file = os.path.join(env.drive_c, "Users", "Public", "contractsync-site.key")
    os.makedirs(os.path.dirname(key_file), exist_ok=True)
    with open(key_file, "w") as f:
        f.write(site_key + "\r\n")
    relay_url = f"wss://127.0.0.1:{relay.port}/v1/agent"
    proxy_url = f"http://127.0.0.1:{proxy_port}"

    log("== the site key on the command line is refused")
    rc = msiexec("/i", win(msi), "/qn", f"SITE_KEY={site_key}", f"RELAY_URL={relay_url}")
    check(rc != 0 and service_state() is None,
          "msiexec with SITE_KEY= fails and installs nothing", f"exit {rc}")

    log("== msiexec /i ... /qn RELAY_URL= PROXY_URL= SITE_KEY_FILE=")
    t0 = time.monotonic()
    rc = msiexec("/i", win(msi), "/qn", f"RELAY_URL={relay_url}", f"PROXY_URL={proxy_url}",
                 "SITE_KEY_FILE=C:\\Users\\Public\\contractsync-site.key", "/l*v",
                 win(os.path.join(env.work, "install.log")))
    check(rc == 0, "the MSI installs", f"exit {rc}")
    check(os.path.exists(env.exe), "contractsync-agent.exe is in Program Files")
    check(os.path.exists(os.path.join(os.path.dirname(env.exe), "tzdata", "windowsZones.xml")),
          "the tz database is installed beside it")
    config_text = open(os.path.join(env.data, "agent.json"), encoding="utf-8").read()
    check(f'"url": "{relay_url}"' in config_text and f'"proxy": "{proxy_url}"' in config_text,
          "agent.json has RELAY_URL and PROXY_URL")
    check(os.path.exists(os.path.join(env.data, "secret-site_key.sealed"))
          or os.path.exists(os.path.join(env.data, "state", "secrets", "secrets.json")),
          "the site key was sealed")
    plain = [os.path.join(d, n) for d, _, names in os.walk(env.data) for n in names
             if site_key.encode() in open(os.path.join(d, n), "rb").read()]
    check(not plain, "the site key is nowhere in plain text under ProgramData", str(plain))
    install_log = open(os.path.join(env.work, "install.log"), "rb").read()
    check(site_key.encode() not in install_log and site_key.encode("utf-16-le") not in install_log,
          "the site key is not in the installer log")
    check(wait_for("service", lambda: service_state() == "RUNNING", 60) is not None,
          "Wine's SCM runs the ContractSyncAgent service")
    online = wait_for("online", lambda: psql(dsn, f"SELECT os || '|' || agent_version FROM sites "
                                                  f"WHERE site_id = '{site_id}' AND online"), 90)
    check(bool(online) and online.startswith("Windows "),
          "the site comes online at the relay, reporting Windows", str(online))
    check(bool(online) and online.split("|")[1] == run([os.path.join(LINUX, "agent",
                                                                     "contractsync-agent"),
                                                        "--version"]).stdout.strip(),
          "the Windows agent reports the same version as the Linux build", str(online))
    if online:
        log(f"   online {time.monotonic() - t0:.1f} s after msiexec started")
    tunnels = open(proxy_log).read()
    check(f"OPEN 127.0.0.1:{relay.port}" in tunnels,
          "the uplink went through the HTTP CONNECT proxy", tunnels[-300:])

    log("== the administrator adds P21 and a drop folder, and restarts the service")
    preset = jsonc(open(os.path.join(SRC, "config", "p21-items.jsonc")).read())
    config = jsonc(config_text)
    p21 = dict(preset["sources"]["p21"], base_url=p21_url, proxy="direct",
               password={"secret": "p21_password"}, time_zone="Central Standard Time",
               poll="1h")
    drop = "C:\\Vendor Files\\Acme Drop"
    config["sources"] = {"p21": p21, "contracts": dict(config["sources"]["contracts"], path=drop,
                                                       stable_for="2s", poll="3s")}
    prices = {"name": "price_list", "source": "contracts", "mode": "snapshot",
              "files": {"patterns": ["*prices*.csv"]}, "key": ["item_id"],
              "max_delete_fraction": 1.0,
              "fields": [{"name": "item_id", "required": True},
                         {"name": "price", "type": "decimal", "scale": 4}]}
    config["entities"] = [e for e in preset["entities"] if e["name"] in ("supplier", "inv_mast")]
    config["entities"] += jsonc(config_text)["entities"] + [prices]
    with open(os.path.join(env.data, "agent.json"), "w", encoding="utf-8", newline="\r\n") as f:
        f.write("\ufeff// edited by the administrator\n" + json.dumps(config, indent=2) + "\n")
    config_arg = ["--config", "C:\\ProgramData\\ContractSync\\Agent\\agent.json"]
    wine(env.exe, "secret", "set", "p21_password", *config_arg, stdin=p21_password + "\n")
    checked = wine(env.exe, "check-config", *config_arg, check_rc=False)
    check(checked.returncode == 0, "check-config accepts the edited config (BOM, CRLF)",
          checked.stdout + checked.stderr)
    drop_dir = os.path.join(env.drive_c, "Vendor Files", "Acme Drop")
    os.makedirs(drop_dir, exist_ok=True)
    contract = os.path.join(SRC, "config", "samples", "acme_contract_2026.csv")
    shutil.copy(contract, os.path.join(drop_dir, "acme contract 2026.csv"))
    restart_service("the service runs again with the new config")

    expected_items = {(str(r["inv_mast_uid"]), r["item_id"], r["item_desc"]) for r in
                      p21_rows(p21_url, os.path.join(tls, "ca.pem"), p21_password, "inv_mast",
                               "inv_mast_uid,item_id,item_desc")}
    expected_suppliers = {str(r["supplier_id"]) for r in p21_rows(
        p21_url, os.path.join(tls, "ca.pem"), p21_password, "supplier", "supplier_id")}
    with open(contract, newline="") as f:
        lines = list(csv.DictReader(f))

    def count(entity):
        return int(psql(dsn, f"SELECT count(*) FROM records WHERE site_id = '{site_id}' AND "
                             f"entity = '{entity}' AND NOT deleted") or 0)

    arrived = wait_for("rows", lambda: count("inv_mast") == len(expected_items)
                       and count("supplier") == len(expected_suppliers)
                       and count("contract_lines") > 0, 180, interval=1)
    check(arrived is not None, "P21 and the drop folder reach PostgreSQL",
          f"inv_mast {count('inv_mast')}/{len(expected_items)}, supplier "
          f"{count('supplier')}/{len(expected_suppliers)}, contract_lines {count('contract_lines')}")
    got_items = psql_rows(dsn, ["data->>'inv_mast_uid'", "data->>'item_id'", "data->>'item_desc'"],
                          f"site_id = '{site_id}' AND entity = 'inv_mast'")
    check(got_items == expected_items, f"PostgreSQL holds exactly P21's {len(expected_items)} items",
          f"{len(got_items ^ expected_items)} differ")
    got_suppliers = set(psql(dsn, f"SELECT data->>'supplier_id' FROM records WHERE site_id = "
                                  f"'{site_id}' AND entity = 'supplier' AND NOT deleted").split())
    check(got_suppliers == expected_suppliers, "and exactly its suppliers")
    got_lines = psql_rows(dsn, ["data->>'contract_no'", "data->>'item_id'"],
                          f"site_id = '{site_id}' AND entity = 'contract_lines'")
    want_lines = {(row["Contract #"].upper(), row["Item ID"]) for row in lines
                  if row.get("Contract #") and row.get("Item ID") and row.get("Price")}
    check(got_lines == want_lines, f"and the {len(want_lines)} contract lines of the dropped file",
          f"got {sorted(got_lines)[:3]}, want {sorted(want_lines)[:3]}")
    check(os.path.exists(os.path.join(drop_dir, "processed", "acme contract 2026.csv")),
          "the dropped file moved to processed\\")

    log("== sync_now through the REST API")
    command = relay.api("POST", f"/sites/{site_id}/commands",
                        {"command": "sync_now", "entity": "inv_mast"})
    done = wait_for("command", lambda: (lambda c: c if c["status"] in ("succeeded", "failed")
                                        else None)(
        relay.api("GET", f"/sites/{site_id}/commands/{command['command_id']}")), 90)
    check(bool(done) and done["status"] == "succeeded" and done.get("run_id"),
          "the Windows agent ran sync_now and its result is in the API", str(done))
    if done and done.get("run_id"):
        runs = relay.api("GET", f"/sites/{site_id}/runs?entity=inv_mast")
        items = runs.get("items", runs.get("runs", [])) if isinstance(runs, dict) else runs
        check(any(r.get("run_id") == done["run_id"] for r in items),
              "the command's run is listed under /runs")

    log("== a stop while a large file commits")
    big = os.path.join(env.work, "prices.csv")
    rows = 600_000
    with open(big, "w", newline="") as f:
        f.write("item_id,price\r\n")
        for i in range(rows):
            f.write(f"ITEM-{i:07d},{i % 9973}.{i % 100:02d}\r\n")
    # The stop comes while the state store is being written: its WAL grows
    # with every batch the run commits.
    wal = os.path.join(env.data, "state", "state.db-wal")
    wal_before = os.path.getsize(wal) if os.path.exists(wal) else 0
    shutil.copy(big, os.path.join(drop_dir, "big prices.csv"))
    committing = wait_for("committing", lambda: os.path.exists(wal) and
                          os.path.getsize(wal) > wal_before + (8 << 20), 60, interval=0.05)
    check(committing is not None, "the large file is being committed when the stop comes")
    t0 = time.monotonic()
    wine("sc", "stop", "ContractSyncAgent", check_rc=False)
    stopped = wait_for("stopped", lambda: service_state() == "STOPPED", 130, interval=0.2)
    check(stopped is not None and time.monotonic() - t0 < 120,
          "the service stops within its 120 s wait hint", f"{time.monotonic() - t0:.1f} s")
    log(f"   STOPPED {time.monotonic() - t0:.1f} s after sc stop")
    exited = wait_for("exited", lambda: not agent_processes(), 60, interval=0.1)
    log(f"   the process exited {time.monotonic() - t0:.1f} s after sc stop")
    check(exited is not None, "and its process exits")
    agent_log = os.path.join(env.data, "logs", "agent.log")
    tail = open(agent_log, errors="ignore").read()[-3000:]
    check("price_list" in tail and ("paused" in tail or "stopped" in tail or "stopping" in tail),
          "the run stopped at a batch boundary and said so", tail[-600:])
    start = wine("sc", "start", "ContractSyncAgent", check_rc=False)
    check(wait_for("running", lambda: service_state() == "RUNNING", 60) is not None,
          "the service starts again", start.stdout + start.stderr)
    landed = wait_for("prices", lambda: count("price_list") == rows, 300, interval=2)
    check(landed is not None, f"after the restart all {rows} rows are in PostgreSQL",
          f"{count('price_list')}")
    digest = psql(dsn, f"SELECT count(*), count(DISTINCT data->>'item_id'), "
                       f"sum((data->>'price')::numeric) FROM records WHERE site_id = '{site_id}' "
                       f"AND entity = 'price_list' AND NOT deleted")
    want_sum = sum(int(f"{i % 9973}{i % 100:02d}") for i in range(rows)) / 100
    n, distinct, total = digest.split("|")
    check(int(n) == rows and int(distinct) == rows and abs(float(total) - want_sum) < 0.005,
          "nothing lost, nothing doubled, every price as written", digest)

    log("== upgrade to a newer build")
    changes_before = psql(dsn, f"SELECT count(*) FROM change_log WHERE site_id = '{site_id}'")
    sealed_before = {n: open(os.path.join(d, n), "rb").read() for d, _, names in
                     os.walk(env.data) for n in names if "secret" in n}
    next_version = version.rsplit(".", 1)[0] + "." + str(int(version.rsplit(".", 1)[1]) + 1)
    stage = os.path.join(env.work, "next")
    os.makedirs(stage)
    shutil.copy(os.path.join(WINDOWS, "agent", "contractsync-agent-next.exe"),
                os.path.join(stage, "contractsync-agent.exe"))
    next_msi = os.path.join(env.work, f"contractsync-agent-{next_version}-x64.msi")
    run([os.path.join(SRC, "installer", "windows", "build_msi.sh"), next_msi, next_version,
         os.path.join(stage, "contractsync-agent.exe"),
         os.path.join(WINDOWS, "package", "contractsync_msi_actions.dll"),
         os.path.join(WINDOWS, "agent", "tzdata")])
    upgrade_log = os.path.join(env.work, "upgrade.log")
    rc = msiexec("/i", win(next_msi), "/qn", f"RELAY_URL=wss://elsewhere.example.com/v1/agent",
                 "/l*v", win(upgrade_log))
    check(rc == 0, f"the {next_version} MSI installs over {version}",
          f"exit {rc}:\n" + msi_log_excerpt(upgrade_log))
    # Under Wine, StopAgentService finds no service in an upgrade (Wine has
    # handled the service tables by then); what it did is shown, and the
    # REMOVE_DATA uninstall below checks that it waits for the agent.
    for line in open(upgrade_log, errors="ignore") if os.path.exists(upgrade_log) else []:
        if "ContractSync: StopAgentService" in line:
            log("  " + line.strip())
    new_version = wine(env.exe, "--version").stdout.strip()
    check(new_version.startswith(next_version + "+") or new_version == next_version,
          "Program Files holds the new build", new_version)
    config_after = open(os.path.join(env.data, "agent.json"), encoding="utf-8-sig").read()
    check(config_after.startswith("// edited by the administrator")
          and "elsewhere.example.com" not in config_after,
          "the upgrade keeps the administrator's config")
    sealed_after = {n: open(os.path.join(d, n), "rb").read() for d, _, names in
                    os.walk(env.data) for n in names if "secret" in n}
    check(sealed_after == sealed_before and sealed_before, "and the sealed secrets")
    check(wait_for("running", lambda: service_state() == "RUNNING", 60) is not None,
          "the service runs the new build")
    reported = wait_for("new version", lambda: psql(
        dsn, f"SELECT agent_version FROM sites WHERE site_id = '{site_id}' AND online AND "
             f"agent_version LIKE '{next_version}%'"), 90)
    check(bool(reported), "the site reports the new version", str(reported))
    command = relay.api("POST", f"/sites/{site_id}/commands", {"command": "sync_now"})
    done = wait_for("command", lambda: (lambda c: c if c["status"] in ("succeeded", "failed")
                                        else None)(
        relay.api("GET", f"/sites/{site_id}/commands/{command['command_id']}")), 120)
    check(bool(done) and done["status"] == "succeeded", "sync_now after the upgrade", str(done))
    changes_after = psql(dsn, f"SELECT count(*) FROM change_log WHERE site_id = '{site_id}'")
    check(changes_after == changes_before,
          "the next sync is incremental: nothing re-sent from the kept state",
          f"change_log {changes_before} -> {changes_after}")

    log("== uninstall")
    # Wine's RemoveExistingProducts is a stub: both versions stay registered.
    msiexec("/x", win(next_msi), "/qn")
    msiexec("/x", win(msi), "/qn")
    check(service_state() is None, "uninstall removes the service")
    check(os.path.exists(os.path.join(env.data, "agent.json"))
          and os.path.exists(os.path.join(env.data, "state", "state.db")),
          "and keeps config and state")
    msiexec("/i", win(msi), "/qn", f"RELAY_URL={relay_url}")
    # Installed again and running (Wine's StopServices does not wait for a
    # service that is still starting).
    wait_for("running", lambda: service_state() == "RUNNING" and agent_processes(), 60)
    log("== stops while the service is still starting")
    for i in range(6):
        wine("sc", "stop", "ContractSyncAgent", check_rc=False)
        wait_for("stopped", lambda: service_state() == "STOPPED", 130, interval=0.1)
        wine("sc", "start", "ContractSyncAgent", check_rc=False)
        time.sleep(0.1 * i)
    wait_for("running", lambda: service_state() == "RUNNING" and agent_processes(), 60)
    crashes = [line.strip() for line in open(os.path.join(env.work, "wine-services.log"),
                                             errors="ignore") if "Unhandled" in line]
    check(not crashes, "no agent process crashed, at any stop of this test", "\n".join(crashes))
    remove_log = os.path.join(env.work, "remove-data.log")
    rc = msiexec("/x", win(msi), "/qn", "REMOVE_DATA=1", "/l*v", win(remove_log))
    left = [os.path.join(d, n) for d, _, names in os.walk(env.data) for n in names]
    for line in open(remove_log, errors="ignore"):
        if "ContractSync: " in line:
            log("  " + line.strip())
    if left:
        log(f"agent processes after the uninstall: {agent_processes()}")
        agent_log = os.path.join(env.data, "logs", "agent.log")
        if os.path.exists(agent_log):
            lines = open(agent_log, errors="ignore").read().splitlines()
            last = max((i for i, line in enumerate(lines) if " running: " in line), default=0)
            log("--- agent.log since the last start\n" + "\n".join(lines[last:])[-6000:])
    check(re.search(r"ContractSync: StopAgentService: agent process \d+ has exited",
                    open(remove_log, errors="ignore").read()),
          "the uninstall stopped the service and waited for its process to exit",
          msi_log_excerpt(remove_log))
    check(rc == 0 and not os.path.exists(env.data),
          "REMOVE_DATA=1 deletes C:\\ProgramData\\ContractSync\\Agent",
          f"exit {rc}, left {left[:5]}: " + "".join(
              line for line in open(remove_log, errors="ignore")
              if "RemoveAgentData" in line or "ContractSync:" in line or "REMOVE" in line)[-3000:])
    log(f"{len(failures)} failure(s) in {time.monotonic() - started:.0f} s")
    if failures:
        for name in ("relay/relay.log", "p21sim.log"):
            path = os.path.join(env.work, name)
            if os.path.exists(path):
                log(f"--- {name} (tail)\n" + open(path, errors="ignore").read()[-3000:])
        agent_log = os.path.join(env.data, "logs", "agent.log")
        if os.path.exists(agent_log):
            log("--- agent.log (tail)\n" + open(agent_log, errors="ignore").read()[-4000:])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
