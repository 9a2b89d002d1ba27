"""Asynchronous notifications as the channels send them: signed afresh for every attempt, resent on the channel's
own schedule while the answer is not the expected acknowledgement (domain-rules.md §9):

    alipay    answer the body `success`;   resent after 4m, 10m, 10m, 1h, 2h, 6h, 15h (8 deliveries, ~25 h)
    wechat    answer HTTP 200 or 204;      resent after 15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m, 60m, 3h, 3h,
                                           3h, 6h, 6h (24h4m in all)
    unionpay  answer HTTP 200;             resent after 1m, 2m, 4m, 8m, 16m (recalled from UnionPay's acp
                                           documentation, not confirmed from a public source here)

The schedule runs `time_scale` times faster than the channel's (time_scale 60: Alipay's 4 minutes become 4
seconds), so that a tester or a test sees every retry without waiting hours. Every attempt is kept in `log`."""
import heapq
import itertools
import logging
import threading
import time
from dataclasses import dataclass, field

import requests

log = logging.getLogger(__name__)

SCHEDULES = {
    "alipay": [240, 600, 600, 3600, 7200, 21600, 54000],
    "wechat": [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600],
    "unionpay": [60, 120, 240, 480, 960],
}


@dataclass(order=True)
class Job:
    due: float
    seq: int
    channel: str = field(compare=False)
    order_no: str = field(compare=False)
    label: str = field(compare=False)            # e.g. "TRADE_SUCCESS 2026…" (what the notification says)
    build: object = field(compare=False)         # () -> (url, headers, body): signed at each attempt
    acknowledged: object = field(compare=False)  # (response) -> bool
    attempt: int = field(compare=False, default=1)
    retry: bool = field(compare=False, default=True)


class Notifier:
    def __init__(self, time_scale: float = 1.0):
        self.time_scale = max(float(time_scale), 1e-9)
        self.queue: list[Job] = []
        self.log: list[dict] = []
        self.cond = threading.Condition()
        self.seq = itertools.count()
        self.session = requests.Session()
        self.thread = threading.Thread(target=self._run, name="sandbox-notifier", daemon=True)
        self.thread.start()

    def send(self, channel, order_no, label, build, acknowledged, delay: float = 0.0, retry: bool = True):
        """Deliver after `delay` real seconds, then on the channel's schedule while unacknowledged."""
        with self.cond:
            heapq.heappush(self.queue, Job(time.monotonic() + delay, next(self.seq), channel, order_no, label,
                                           build, acknowledged, 1, retry))
            self.cond.notify()

    def pending(self, order_no: str | None = None) -> int:
        with self.cond:
            return sum(1 for job in self.queue if order_no in (None, job.order_no))

    def _run(self):
        while True:
            with self.cond:
                while not self.queue or self.queue[0].due > time.monotonic():
                    self.cond.wait(None if not self.queue else max(self.queue[0].due - time.monotonic(), 0))
                job = heapq.heappop(self.queue)
            self._deliver(job)

    def _deliver(self, job: Job):
        status, acked, error = None, False, ""
        try:
            url, headers, body = job.build()
            response = self.session.post(url, data=body.encode("utf-8"), headers=headers, timeout=10)
            status, acked = response.status_code, bool(job.acknowledged(response))
        except Exception as exc:              # our side down or the build failed: the channel just retries
            error = repr(exc)
        schedule = SCHEDULES[job.channel]
        retry_in = schedule[job.attempt - 1] / self.time_scale if not acked and job.retry \
            and job.attempt <= len(schedule) else None
        entry = {"channel": job.channel, "order_no": job.order_no, "label": job.label, "attempt": job.attempt,
                 "status": status, "acknowledged": acked, "error": error, "at": time.time(),
                 "next_in_seconds": retry_in}
        with self.cond:
            self.log.append(entry)
            del self.log[:-5000]
            if retry_in is not None:
                job.attempt += 1
                job.due = time.monotonic() + retry_in
                heapq.heappush(self.queue, job)
                self.cond.notify()
        log.info("notify %s %s attempt %d -> %s%s", job.channel, job.label, entry["attempt"], status or error,
                 "" if acked else f" (retry in {retry_in}s)" if retry_in is not None else " (given up)")
