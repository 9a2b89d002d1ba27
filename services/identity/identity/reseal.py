"""Re-encrypt every sealed column under the current SECRET_KEY, after a rotation (README, Configuration):

    SECRET_KEY=<new> SECRET_KEY_PREVIOUS=<old> IDENTITY_DATABASE_URL=… python -m identity.reseal [--dry-run]

(`make reseal` with the same environment). One transaction per table with its rows locked, so the service may run
meanwhile; a value already under the current key is left as it is, so a second run changes nothing. A value no
configured key opens leaves its whole table unchanged and the command exits 1. Prints what it did per column.
No nameko: it needs the database and the secrets only.
"""
import argparse
import os
import sys
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

from sqlalchemy import select  # noqa: E402

from ausm_common.config import production_secrets, sandbox_enabled, secret_problems  # noqa: E402
from ausm_common.db import SessionFactory, make_engine  # noqa: E402

from . import sealing  # noqa: E402
from .models import SigningKey, WebhookSubscription  # noqa: E402

# Every column written with api_clients.seal: a new one belongs here.
SEALED = ((SigningKey, "private_key"), (WebhookSubscription, "secret"))


def reseal_column(session, model, column: str, keys) -> dict:
    """Counts of the values re-sealed and of those already under the current key."""
    counts = {"resealed": 0, "current": 0}
    for row in session.scalars(select(model).order_by(*model.__table__.primary_key.columns).with_for_update()):
        value = getattr(row, column)
        if sealing.is_current(value, keys):
            counts["current"] += 1
            continue
        setattr(row, column, sealing.reseal(value, keys))
        counts["resealed"] += 1
    return counts


def run(factory, keys, dry_run: bool = False, out=sys.stdout) -> bool:
    ok = True
    for model, column in SEALED:
        name = f"{model.__tablename__}.{column}"
        try:
            with factory.get_session() as session:
                counts = reseal_column(session, model, column, keys)
                if dry_run:
                    session.rollback()
        except sealing.SealKeyMissing as exc:
            ok = False
            print(f"{name}: unchanged, {exc}", file=out)
            continue
        verb = "would re-seal" if dry_run else "re-sealed"
        print(f"{name}: {verb} {counts['resealed']}, {counts['current']} already under the current key "
              f"({keys[0].kid})", file=out)
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m identity.reseal", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="count, change nothing")
    args = parser.parse_args(argv)
    problems = [] if sandbox_enabled() else [p for p in secret_problems(production_secrets())
                                             if p.startswith("SECRET_KEY ")]
    if problems:            # never re-seal everything under the public development key
        print(f"refusing to re-seal (SANDBOX=false): {'; '.join(problems)}", file=sys.stderr)
        return 2
    url = os.environ.get("IDENTITY_DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/ausm_identity")
    factory = SessionFactory(make_engine(url, pool_size=1))
    try:
        return 0 if run(factory, sealing.configured_keys(), args.dry_run) else 1
    finally:
        factory.engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
