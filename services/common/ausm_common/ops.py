"""Operations from the command line, signed as the `ops` service (needs the platform's SECRET_KEY and AMQP_URI).

    python -m ausm_common.ops status                       outbox backlog and dead letters of every service
    python -m ausm_common.ops dead-letters profile         parked events of one service, with their last error
    python -m ausm_common.ops replay profile 42            put dead letter 42 back in line
"""
import argparse
import json
import sys

from . import registry
from .config import amqp_uri
from .rpc import RpcClient


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ausm_common.ops", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("status")
    letters = sub.add_parser("dead-letters")
    letters.add_argument("service")
    letters.add_argument("--status", default="parked", choices=["parked", "retrying", "resolved", "all"])
    again = sub.add_parser("replay")
    again.add_argument("service")
    again.add_argument("dead_letter_id", type=int)
    args = parser.parse_args(argv)

    client = RpcClient(amqp_uri(), timeout=10, name="ops")
    ops = client.as_service("ops")
    try:
        if args.command == "status":
            result = {}
            for name in registry.names():
                try:
                    result[name] = getattr(ops, name).ops_status()
                except Exception as exc:   # one service down must not hide the others
                    result[name] = {"error": repr(exc)}
        elif args.command == "dead-letters":
            result = getattr(ops, args.service).ops_dead_letters(None if args.status == "all" else args.status)
        else:
            result = getattr(ops, args.service).ops_replay_dead_letter(args.dead_letter_id)
    finally:
        client.close()
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
