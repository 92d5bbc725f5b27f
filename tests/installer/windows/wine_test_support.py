"""What msi_wine_test.py needs besides Wine: running commands without pipes
Wine's background processes would hold open, waiting, JSONC, a company CA
with server certificates, a Linux relay with a REST API session, and reading
what PostgreSQL and the P21 simulator hold."""

import http.cookiejar
import json
import os
import re
import ssl
import subprocess
import tempfile
import time
import urllib.request


def run(cmd, timeout=120, check_rc=True, input=None, **kw):
    # Output goes through files, not pipes: Wine's background processes
    # (services, wineboot) inherit a pipe and would hold it open after the
    # command itself has exited.
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        stdin = None
        if input is not None:
            stdin = tempfile.TemporaryFile("w+")
            stdin.write(input)
            stdin.seek(0)
        try:
            returncode = subprocess.run(cmd, stdin=stdin, stdout=out, stderr=err,
                                        timeout=timeout, **kw).returncode
        finally:
            if stdin is not None:
                stdin.close()
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(cmd, returncode, out.read(), err.read())
    if check_rc and result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {result.returncode}: "
                           f"{(result.stdout + result.stderr)[-2000:]}")
    return result


def wait_for(what, predicate, timeout, interval=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


def jsonc(text):
    # Comments outside strings go; the rest is JSON.
    return json.loads(re.sub(r'("(?:\\.|[^"\\])*")|//[^\n]*', lambda m: m.group(1) or "", text))


def make_tls(work):
    """A company CA (the one group policy would deploy) and server certificates under it."""
    tls = os.path.join(work, "tls")
    os.makedirs(tls)

    def openssl(*args):
        run(["openssl", *args], cwd=tls)

    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-days", "2", "-subj", "/CN=Acme Supply internal CA", "-keyout", "ca.key", "-out",
            "ca.pem")
    openssl("x509", "-in", "ca.pem", "-outform", "DER", "-out", "ca.der")
    with open(os.path.join(tls, "san.ext"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    for name in ("relay", "p21"):
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj",
                "/CN=localhost", "-keyout", f"{name}.key", "-out", f"{name}.csr")
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", f"{name}.pem")
    return tls


class Relay:
    def __init__(self, env, tls, dsn, linux_build):
        self.env = env
        self.dir = os.path.join(env.work, "relay")
        os.makedirs(self.dir)
        self.bin = os.path.join(linux_build, "relay", "contractsync-relay")
        self.config = os.path.join(self.dir, "relay.json")
        with open(self.config, "w") as f:
            json.dump({
                "listen": {"address": "127.0.0.1", "port": 0},
                "tls": {"certificate_file": os.path.join(tls, "relay.pem"),
                        "private_key_file": os.path.join(tls, "relay.key")},
                "database": {"dsn": dsn},
                "metrics": {"listen": "127.0.0.1:0"},
                "data_dir": self.dir,
                "logging": {"level": "info", "file": os.path.join(self.dir, "relay.log")},
            }, f)
        self.ctx = ssl.create_default_context(cafile=os.path.join(tls, "ca.pem"))
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=self.ctx),
            urllib.request.HTTPCookieProcessor(self.cookies))
        self.csrf = None

    def admin(self, *args):
        return run([self.bin, *args, "--config", self.config]).stdout

    def serve(self):
        run([self.bin, "migrate", "--config", self.config])
        self.env.start([self.bin, "serve", "--config", self.config], "relay-serve")
        port_file = os.path.join(self.dir, "relay.port")
        self.port = wait_for("relay port", lambda: os.path.exists(port_file)
                             and open(port_file).read().strip(), 30)
        if not self.port:
            raise RuntimeError("the relay did not start")

    def api(self, method, path, body=None):
        req = urllib.request.Request(f"https://127.0.0.1:{self.port}/api/v1{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode())
        req.add_header("Content-Type", "application/json")
        if self.csrf:
            req.add_header("X-CSRF-Token", self.csrf)
        with self.opener.open(req, timeout=30) as resp:
            return json.loads(resp.read() or b"null")

    def login(self, email, password):
        self.csrf = self.api("POST", "/auth/login", {"email": email, "password": password})["csrf_token"]


def psql(dsn, sql):
    return run(["psql", dsn, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql]).stdout.strip()


def psql_rows(dsn, select, where):
    """Rows of `select` (SQL expressions) from records, as a set of tuples of text."""
    columns = ", ".join(select)
    out = psql(dsn, f"SELECT coalesce(json_agg(json_build_array({columns})), '[]') FROM records "
                    f"WHERE {where} AND NOT deleted")
    return {tuple(row) for row in json.loads(out)}


def p21_rows(base_url, cafile, password, table, select):
    """What the P21 simulator holds, read over its OData API as any client would."""
    ctx = ssl.create_default_context(cafile=cafile)

    def call(url, body=None, token=None):
        req = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode())
        req.add_header("Accept", "application/json")
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        with urllib.request.urlopen(req, context=ctx, timeout=60) as resp:
            return json.loads(resp.read())

    token = call(base_url + "/api/security/token/v2",
                 {"username": "contractsync", "password": password})["AccessToken"]
    rows = call(f"{base_url}/odataservice/odata/table/{table}?$select={select}&$top=1000000",
                token=token)["value"]
    return rows
