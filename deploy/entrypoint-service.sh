#!/bin/sh
# Entrypoint of a nameko service image (deploy/Dockerfile.service). SERVICE (the directory under
# services/) and SERVICE_MODULE (the module nameko loads, default $SERVICE.service) are baked in at build time.
#
#   run (default)   alembic upgrade head first when MIGRATE=1, then `nameko run` (PID 1, so SIGTERM
#                   reaches nameko, which lets in-flight workers finish)
#   migrate [CMD..] alembic upgrade head, declare the service's event queues, then run CMD if given (reference data that needs the new
#                   schema: `migrate python -m profiles.seed`), then exit (compose `<service>-migrate`,
#                   the Kubernetes Jobs)
#   wait-migrated   wait until the database is at the newest revision, then exit (Kubernetes init
#                   container: service pods do not start on an old schema while the Job runs)
#   anything else   executed as given, e.g. `nameko shell --config services/identity/config.yml`
#
# For a service whose package is named differently from its directory, SERVICE_MODULE says which
# module to run: services/profile holds `profiles` (`profile` is a standard-library module).
#
# MIGRATE=1 is for a single instance only: alembic takes no lock, so several replicas migrating
# at once race each other. With more than one instance use the one-shot `migrate` instead.
set -eu
: "${SERVICE:?SERVICE is not set: build the image with --build-arg SERVICE=<name>}"
cd /app

migrate() {
    echo "[$SERVICE] alembic upgrade head"
    (cd "services/$SERVICE" && alembic upgrade head)
    # The queues of this service's event handlers exist before any producer publishes (else events are dropped).
    echo "[$SERVICE] declaring event consumer queues"
    python -m ausm_common.topology --service "$SERVICE"
}

# First column of `alembic current` / `alembic heads`, sorted (one line per head).
revisions() {
    (cd "services/$SERVICE" && alembic "$1" 2>/dev/null | awk '{print $1}' | sort)
}

case "${1:-run}" in
    run)
        if [ "${MIGRATE:-0}" = "1" ]; then
            migrate
        fi
        exec nameko run --config "services/$SERVICE/config.yml" "${SERVICE_MODULE:-$SERVICE.service}"
        ;;
    migrate)
        shift
        migrate
        if [ "$#" -gt 0 ]; then
            # Idempotent follow-up work (e.g. loading reference data); runs on every deployment.
            echo "[$SERVICE] $*"
            exec "$@"
        fi
        ;;
    wait-migrated)
        heads="$(revisions heads)"
        until [ -n "$heads" ] && [ "$(revisions current)" = "$heads" ]; do
            echo "[$SERVICE] waiting for the database to reach revision $heads"
            sleep 3
        done
        ;;
    *)
        exec "$@"
        ;;
esac
