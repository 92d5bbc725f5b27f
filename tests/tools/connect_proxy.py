#!/usr/bin/env python3
"""An HTTP CONNECT proxy on loopback for tests, the kind customer IT runs in
front of a P21 server: it tunnels CONNECT host:port to that host (loopback
targets only), refuses anything else, and appends one line per tunnel to a
log file ("OPEN host:port" when a tunnel opens, "CLOSE host:port bytes_up
bytes_down" when it ends) so a test can prove that traffic went through it.

    connect_proxy.py --port-file FILE --log FILE [--lifetime SECONDS]

It listens on 127.0.0.1 on a free port, writes the port to --port-file and
stops by itself after --lifetime seconds (default 900).
"""
import argparse
import asyncio
import ipaddress
import sys

MAX_HEADER_BYTES = 16 * 1024


def loopback(host):
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


async def pump(reader, writer, counter, index):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            counter[index] += len(data)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def handle(client_reader, client_writer, log_path):
    try:
        head = await asyncio.wait_for(client_reader.readuntil(b"\r\n\r\n"), 30)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError,
            ConnectionError):
        client_writer.close()
        return
    request = head.split(b"\r\n", 1)[0].decode("latin-1")
    parts = request.split()
    if len(parts) != 3 or parts[0] != "CONNECT" or ":" not in parts[1]:
        client_writer.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
        await client_writer.drain()
        client_writer.close()
        return
    host, _, port = parts[1].rpartition(":")
    if not loopback(host):
        client_writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
        await client_writer.drain()
        client_writer.close()
        return
    try:
        upstream_reader, upstream_writer = await asyncio.open_connection(host.strip("[]"), int(port))
    except (OSError, ValueError):
        client_writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
        await client_writer.drain()
        client_writer.close()
        return
    client_writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
    await client_writer.drain()
    with open(log_path, "a") as log:
        log.write(f"OPEN {host}:{port}\n")
    counter = [0, 0]
    await asyncio.gather(pump(client_reader, upstream_writer, counter, 0),
                         pump(upstream_reader, client_writer, counter, 1))
    with open(log_path, "a") as log:
        log.write(f"CLOSE {host}:{port} {counter[0]} {counter[1]}\n")


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--lifetime", type=float, default=900)
    args = parser.parse_args()
    open(args.log, "a").close()
    server = await asyncio.start_server(lambda r, w: handle(r, w, args.log), "127.0.0.1", 0,
                                        limit=MAX_HEADER_BYTES)
    port = server.sockets[0].getsockname()[1]
    with open(args.port_file, "w") as f:
        f.write(f"{port}\n")
    async with server:
        try:
            await asyncio.wait_for(server.serve_forever(), args.lifetime)
        except asyncio.TimeoutError:
            pass


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
