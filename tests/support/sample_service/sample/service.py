"""The sample service: a note-taking entrypoint that announces `noted` through the outbox, and handlers that apply
events once. Test hooks (in Redis, outside the transaction): `fail:<event_id>` makes the handler fail that many
times; `slow:<event_id>` makes it sleep that many seconds before committing; `started:<event_id>` is set when the
handler begins."""
import time

import redis
from nameko.extensions import DependencyProvider
from sqlalchemy import func, select

from ausm_common import service as kit
from ausm_common.config import redis_url
from ausm_common.errors import Conflict
from ausm_common.outbox import record_event
from ausm_common.service import entrypoint, handle_event, load

from . import domain, schemas
from .models import KIT, Applied, Note


class Hooks(DependencyProvider):
    def setup(self):
        self.redis = redis.Redis.from_url(redis_url())

    def get_dependency(self, worker_ctx):
        return self.redis


class SampleService(kit.ServiceBase):
    name = "sample"
    tables = KIT

    hooks = Hooks()

    @entrypoint
    def add_note(self, data):
        data = load(schemas.NoteSchema(), data)
        text = domain.check_text(data["text"])
        with self.db.get_session() as session:
            if session.get(Note, data["key"]):
                raise Conflict("NOTE_EXISTS", "该记录已存在")
            session.add(Note(key=data["key"], text=text, created_at=self.clock.now()))
            record_event(session, KIT.outbox, "noted", {"key": data["key"], "amount": len(text)})
        return {"key": data["key"]}

    @entrypoint
    def whoami(self):
        return {"user": self.caller.user, "via": self.caller.via}

    @entrypoint
    def nap(self, seconds, mark=None):
        """A call that takes a while (graceful-shutdown tests); `started:<mark>` is set when it begins."""
        if mark:
            self.hooks.set(f"started:{mark}", 1, ex=600)
        time.sleep(float(seconds))
        return {"slept": float(seconds)}

    @entrypoint
    def explode(self):
        raise RuntimeError("a bug with internal details")

    @entrypoint
    def counts(self):
        with self.db.get_session() as session:
            rows = session.execute(select(Applied.source_key, func.count()).group_by(Applied.source_key)).all()
            return {key: n for key, n in rows}

    def _apply(self, session, event):
        event_id = event["event_id"]
        self.hooks.set(f"started:{event_id}", 1, ex=600)
        failures_left = int(self.hooks.get(f"fail:{event_id}") or 0)
        if failures_left:
            self.hooks.decr(f"fail:{event_id}")
            raise RuntimeError(f"planned failure ({failures_left} left)")
        session.add(Applied(source_key=event["key"], amount=int(event["amount"])))
        session.flush()
        time.sleep(float(self.hooks.get(f"slow:{event_id}") or 0))

    @handle_event("sample", "noted")
    def handle_noted(self, session, event):
        self._apply(session, event)

    @handle_event("elsewhere", "credited")
    def handle_credited(self, session, event):
        self._apply(session, event)
