"""Seats of a registration site: taken by one conditional UPDATE, so a site never holds more than its quota.

`UPDATE sites SET taken = taken + 1 WHERE id = :id AND active AND taken < quota` is atomic in PostgreSQL: of many
transactions racing for the last seat, each waits for the row lock of the one before and re-checks the condition
after it commits, so exactly as many succeed as there were seats (and the CHECK taken <= quota backs it up).
The seat belongs to the enrollment (`seat_held`) from submission until deletion, rejection, abandonment or a
refund; releasing is guarded by that flag inside the enrollment's own row lock, so it happens once.
"""
from sqlalchemy import update

from .domain.problems import Refused
from .models import Enrollment, Site


def take(session, enrollment: Enrollment, site_id: str):
    """Hold a seat at `site_id` for this enrollment (nothing if it already holds one there)."""
    if enrollment.seat_held and enrollment.site_id == site_id:
        return
    if enrollment.seat_held:
        release(session, enrollment)
    result = session.execute(update(Site).where(Site.id == site_id, Site.active.is_(True), Site.taken < Site.quota)
                             .values(taken=Site.taken + 1).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Refused("SITE_FULL", "该报名点名额已满，请选择其他报名点", "site_id")
    enrollment.site_id = site_id
    enrollment.seat_held = True


def release(session, enrollment: Enrollment):
    if not enrollment.seat_held or not enrollment.site_id:
        return
    session.execute(update(Site).where(Site.id == enrollment.site_id, Site.taken > 0)
                    .values(taken=Site.taken - 1).execution_options(synchronize_session=False))
    enrollment.seat_held = False
