#!/usr/bin/env python3
"""Echo server for the ping-pong benchmark (bench/echo.sh): asyncio or uvloop.

    python3 bench/echo_server.py --loop asyncio [--addr 127.0.0.1:7878]
    python3 bench/echo_server.py --loop uvloop  [--addr 127.0.0.1:7878]
    python3 bench/echo_server.py --loop uvloop --probe   # exit 0 if uvloop imports, 3 if not

An `asyncio.Protocol` whose `data_received` writes the data back: the fastest way either loop
offers (streams cost more), the same shape as uvloop's own echo benchmark. uvloop is not in the
standard library: `bench/echo.sh` installs it with pip into a virtual environment and runs this
script with that environment's interpreter.
"""
import argparse
import asyncio
import ipaddress
import os
import sys


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)

    def connection_lost(self, exc):
        self.transport = None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
    p.add_argument("--addr", default="127.0.0.1:7878")
    p.add_argument("--probe", action="store_true")
    a = p.parse_args()
    host, _, port = a.addr.rpartition(":")
    if not ipaddress.ip_address(host.strip("[]")).is_loopback:
        sys.exit(f"--addr {a.addr}: loopback addresses only")

    if a.loop == "uvloop":
        try:
            import uvloop
        except ImportError as e:
            print(f"uvloop is not installed for {sys.executable}: {e}", file=sys.stderr)
            sys.exit(3)
        new_loop = uvloop.new_event_loop
        name = f"uvloop {uvloop.__version__}"
    else:
        new_loop = asyncio.new_event_loop
        name = "asyncio"
    if a.probe:
        print(f"{name}: ok")
        return

    loop = new_loop()
    asyncio.set_event_loop(loop)
    # Both loops set TCP_NODELAY on accepted TCP transports themselves.
    server = loop.run_until_complete(
        loop.create_server(Echo, host.strip("[]"), int(port), backlog=1024)
    )
    print(f"{name} (Python {sys.version.split()[0]}) listening on {a.addr} (pid {os.getpid()})",
          flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    main()
