"""Structured JSON logs (structlog) from every process, with the request id of what is being served.

One JSON object per line on stderr: `ts`, `level`, `logger`, `event` (the message), `process` (gateway, identity,
…), `request_id` when the line was written while serving a request, and whatever else was bound or passed. Lines
of the standard library's loggers (nameko, kombu, gunicorn, our own `logging.getLogger`) go through the same
processors, so every line of a process is JSON, not only those written through structlog.

The request id lives in a context variable: each gateway request thread and each nameko worker greenthread has its
own context (greenlet gives every greenthread a fresh one), so binding it at the start of a request or worker is
enough and nothing leaks into the next one.

    nameko:   config.yml LOGGING formatter `"()": ausm_common.logs.JsonFormatter` (the kit puts it on the root
              handlers when a config forgot it); LOG_FORMAT=plain: readable lines with the same fields
    gateway:  gateway/gunicorn.conf.py and create_app call `configure("gateway")`
"""
import logging
import os
import re
import uuid

import structlog
from structlog.contextvars import bind_contextvars, clear_contextvars, get_contextvars

REQUEST_ID_FIELD = "x_request_id"   # the request id inside an outbox event's payload (not `request_id`: some
                                    # events already use that name for a request of their own domain)
_REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_process = {"name": None}


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


def clean_request_id(value) -> str | None:
    """A request id a client or another process sent, if it is a sane token (else None: make a new one)."""
    if isinstance(value, str) and _REQUEST_ID_RE.fullmatch(value):
        return value
    return None


def current_request_id() -> str | None:
    return get_contextvars().get("request_id")


def bind_request(request_id: str | None, **fields) -> None:
    """Start the log context of one request or worker: what was bound before is dropped."""
    clear_contextvars()
    values = {k: v for k, v in fields.items() if v is not None}
    if request_id:
        values["request_id"] = request_id
    if values:
        bind_contextvars(**values)


def clear() -> None:
    clear_contextvars()


def _add_process(logger, method_name, event_dict):
    if _process["name"] and "process" not in event_dict:
        event_dict["process"] = _process["name"]
    return event_dict


def _shared_processors():
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="ts"),
        _add_process,
        structlog.stdlib.PositionalArgumentsFormatter(),
        structlog.stdlib.ExtraAdder(),
    ]


class JsonFormatter(structlog.stdlib.ProcessorFormatter):
    """A logging.Formatter writing one JSON object per record (usable from a logging dictConfig with `()`);
    with LOG_FORMAT=plain, one readable line with the same fields instead."""

    def __init__(self, process: str | None = None, *args, **kwargs):
        if process:
            set_process(process)
        renderer = (structlog.dev.ConsoleRenderer(colors=False) if plain_requested()
                    else structlog.processors.JSONRenderer(ensure_ascii=False, default=str))
        super().__init__(
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
            foreign_pre_chain=_shared_processors(),
        )


def set_process(name: str) -> None:
    _process["name"] = name


_configured = {"done": False}


def configure_structlog() -> None:
    """structlog's own loggers (`structlog.get_logger()`) hand their events to the standard library's handlers,
    whose JsonFormatter renders them like every other line."""
    if _configured["done"]:
        return
    structlog.configure(
        processors=[*_shared_processors(), structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    _configured["done"] = True


def plain_requested() -> bool:
    return (os.environ.get("LOG_FORMAT") or "json").lower() == "plain"


def ensure_json(process: str) -> None:
    """Put JsonFormatter on the root logger's handlers (adding a stderr handler when there is none). Idempotent."""
    set_process(process)
    configure_structlog()
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    for handler in root.handlers:   # plain stream/file handlers only (not a test runner's capture handlers)
        if type(handler) in (logging.StreamHandler, logging.FileHandler) \
                and not isinstance(handler.formatter, JsonFormatter):
            handler.setFormatter(JsonFormatter())


def configure(process: str, level: str | None = None) -> None:
    """A process that has no logging configuration of its own (the gateway, tools): JSON on stderr."""
    root = logging.getLogger()
    root.setLevel(level or os.environ.get("LOG_LEVEL", "INFO"))
    ensure_json(process)


def get_logger(name: str | None = None):
    configure_structlog()
    return structlog.get_logger(name)
