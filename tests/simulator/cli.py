"""Command line: run the simulator in the foreground until SIGTERM or SIGINT."""

import argparse
import json
import logging
import os
import shutil
import signal
import sys
import tempfile

from .fleet import MAX_DEVICES, Fleet

STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def parse_args(argv):
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="python tests/simulator", description="Vendor REST API simulator (HTTPS).")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8443, help="port, 0 picks a free one (default 8443)")
    parser.add_argument("--state-dir", help="where ca.pem and simulator.json go (default: a temporary directory)")
    parser.add_argument("--settings", metavar="FILE.json", help="JSON object of settings (flags below win)")
    parser.add_argument("--sbc-token-lifetime", type=float, help="SBC token lifetime in seconds (600)")
    parser.add_argument("--bigid-token-lifetime", type=float, help="BigID system token lifetime in seconds (300)")
    parser.add_argument("--latency", type=float, help="seconds added to every vendor request (0)")
    parser.add_argument("--login-latency", type=float, help="seconds added to every login and re-authentication (0)")
    parser.add_argument("--async-delay", type=float, help="seconds until save/verify/activate succeed (0.2)")
    parser.add_argument("--devices", type=int, default=1,
                        help="serve this many independent virtual devices, one port each (--port 0: free ports, "
                             "else port, port+1, ...); their URLs go to simulator.json as 'devices' (1, at most %d)" % MAX_DEVICES)
    parser.add_argument("-v", "--verbose", action="store_true", help="log one line per request to stderr")
    return parser, parser.parse_args(argv)


def _load_settings(parser, args):
    settings = {}
    if args.settings:
        try:
            with open(args.settings, encoding="utf-8") as handle:
                settings = json.load(handle)
        except (OSError, ValueError) as exc:
            parser.error("cannot read --settings: %s" % exc)
        if not isinstance(settings, dict):
            parser.error("--settings must hold a JSON object")
    for name in ("sbc_token_lifetime", "bigid_token_lifetime", "latency", "login_latency", "async_delay"):
        value = getattr(args, name)
        if value is not None:
            settings[name] = value
    return settings


def _write_json(path, data):
    """Write atomically so a poller never reads half a file."""
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    os.replace(tmp, path)


def main(argv=None):
    """Run until SIGTERM/SIGINT; returns the exit status."""
    parser, args = parse_args(argv)
    settings = _load_settings(parser, args)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # Block the stop signals before any thread starts: every thread inherits the mask and sigwait() below
    # receives them, so shutdown always happens on the main thread.
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        fleet = Fleet(args.devices, args.host, args.port, **settings)
    except (TypeError, ValueError) as exc:
        parser.error(str(exc))
    own_dir = args.state_dir is None
    state_dir = tempfile.mkdtemp(prefix="apiauth-sim-") if own_dir else os.path.abspath(args.state_dir)
    fleet.state_dir = state_dir
    info_path = os.path.join(state_dir, "simulator.json")
    try:
        try:
            fleet.start()
        except OSError as exc:
            print("simulator: cannot listen on %s:%s: %s" % (args.host, args.port, exc), file=sys.stderr)
            return 1
        urls = fleet.urls
        _write_json(info_path, {"url": urls[0], "ca_path": fleet.ca_path, "pid": os.getpid(), "devices": urls})
        print("simulator ready url=%s ca=%s%s" % (urls[0], fleet.ca_path, " devices=%d" % len(urls) if len(urls) > 1 else ""),
              flush=True)
        signal.sigwait(STOP_SIGNALS)
    finally:
        fleet.stop()
        if os.path.exists(info_path):
            os.remove(info_path)
        if own_dir:
            shutil.rmtree(state_dir, ignore_errors=True)
    return 0
