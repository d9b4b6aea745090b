#!/bin/sh
# Entry point of every KAM Workspace container (web, worker, beat, migrate).
#
# Before the web server starts, Django's deploy checks run against the real
# database: they refuse a development SECRET_KEY and a database role that
# would bypass row-level security (kam.E002), so a misconfigured deploy stops
# here instead of serving. Set KAM_SKIP_DEPLOY_CHECK=1 only to debug.
set -eu

if [ "${1:-}" = "gunicorn" ] && [ "${KAM_SKIP_DEPLOY_CHECK:-0}" != "1" ]; then
  python manage.py check --deploy --database default --fail-level ERROR
fi

exec "$@"
