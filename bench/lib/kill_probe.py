#!/usr/bin/env python3
"""Kills a postmaster and times how long an HTTP probe keeps answering 200.

usage: kill_probe.py --port PORT --path PATH --pid POSTMASTER_PID [--every-ms 1] [--timeout-s 30]

First checks that the probe answers 200, then sends SIGKILL to the postmaster and polls the
probe on one kept-alive loopback connection every --every-ms until it answers anything but 200.
Prints one line: "<milliseconds from the kill to the first non-200> <status> <polls>".
Exit status: 0 detected, 1 not detected within --timeout-s, 2 the probe was not 200 before.
"""

import argparse
import http.client
import os
import signal
import sys
import time


class Probe:
    """GET on a kept-alive connection; reconnects when the server closed it."""

    def __init__(self, port, path):
        self.port = port
        self.path = path
        self.conn = None

    def status(self):
        for _ in range(3):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                self.conn.request("GET", self.path)
                response = self.conn.getresponse()
                response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status
            except (http.client.HTTPException, OSError):
                # Kept-alive connections are closed by the server after a while or a number of
                # requests: that says nothing about the probe, so ask again on a new one.
                self.close()
        return 0

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--every-ms", type=float, default=1.0)
    parser.add_argument("--timeout-s", type=float, default=30.0)
    args = parser.parse_args()

    probe = Probe(args.port, args.path)
    before = probe.status()
    if before != 200:
        print(f"probe answered {before} before the kill", file=sys.stderr)
        return 2

    step = args.every_ms / 1000.0
    os.kill(args.pid, signal.SIGKILL)
    killed = time.monotonic()
    deadline = killed + args.timeout_s
    polls = 0
    next_poll = killed
    while True:
        status = probe.status()
        now = time.monotonic()
        polls += 1
        if status not in (200, 0):
            print(f"{(now - killed) * 1000:.1f} {status} {polls}")
            return 0
        if now >= deadline:
            print(f"not detected after {args.timeout_s:.0f} s ({polls} polls)", file=sys.stderr)
            return 1
        next_poll += step
        delay = next_poll - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        else:
            next_poll = time.monotonic()


if __name__ == "__main__":
    sys.exit(main())
