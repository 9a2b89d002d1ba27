"""Declare every event consumer's queue before any service publishes.

RabbitMQ drops an event that no queue is bound to yet (pitfalls.md §2.3), so an event published by a service that
starts before its consumers would be lost. `make run` and the deploy's migration jobs run this first: it imports
each registered service, finds its `@handle_event` handlers and declares their queues exactly as nameko will
(`evt-<source>-<type>--<service>.<method>`, durable, bound to `<source>.events` by the event type).

    python -m ausm_common.topology                    every registered service's consumer queues
    python -m ausm_common.topology --service profile  one service's (its deploy migration step runs this)
"""
import importlib
import inspect
import sys

from kombu import Connection, Exchange, Queue

from . import registry
from .config import amqp_uri


def service_class(entry):
    module = importlib.import_module(entry.module)
    for _, cls in inspect.getmembers(module, inspect.isclass):
        if cls.__module__ == module.__name__ and getattr(cls, "name", None) == entry.name:
            return cls
    raise LookupError(f"no service class named {entry.name!r} in {entry.module}")


def consumer_queues(entries=None) -> list[Queue]:
    queues = []
    for entry in entries or registry.services():
        cls = service_class(entry)
        for attr in sorted(dir(cls)):
            marker = getattr(getattr(cls, attr, None), "ausm_event", None)
            if marker:
                source, event_type = marker[0], marker[1]
                exchange = Exchange(f"{source}.events", type="topic", durable=True, auto_delete=False)
                queues.append(Queue(f"evt-{source}-{event_type}--{entry.name}.{attr}", exchange=exchange,
                                    routing_key=event_type, durable=True, auto_delete=False, exclusive=False))
    return queues


def declare(uri: str | None = None, entries=None) -> list[str]:
    queues = consumer_queues(entries)
    with Connection(uri or amqp_uri(), connect_timeout=10) as conn:
        channel = conn.channel()
        for queue in queues:
            queue(channel).declare()
        channel.close()
    return [q.name for q in queues]


def main(argv=None) -> int:
    import argparse
    import warnings
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    parser = argparse.ArgumentParser(prog="python -m ausm_common.topology")
    parser.add_argument("--service", help="only this service's consumer queues")
    args = parser.parse_args(argv)
    entries = [registry.get(args.service)] if args.service else None
    for name in declare(entries=entries):
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
