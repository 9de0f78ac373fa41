#!/usr/bin/env bash
# Start the portal on its embedded defaults: the demo MAS company, SQLite, the ORM broker.
# The web server and the django-q2 cluster run together in the foreground; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${PORT:-8000}
# Where the settings keep the SQLite files and logs (WOSCAN_VAR_DIR, default var/; a leading ~ as the settings read it).
VAR_DIR=${WOSCAN_VAR_DIR:-var}
VAR_DIR=${VAR_DIR/#\~/$HOME}

$PY manage.py build_demo_mas
$PY manage.py migrate --noinput
$PY manage.py create_demo_users

# The cluster in a session of its own: a SIGTERM to this script's process group (a terminal
# closing, a service manager) would reach all its processes at once, and django-q2's cluster
# then never exits (django-q2 issue #346); the trap below stops it through its main process.
setsid $PY manage.py qcluster &
cluster=$!
# On the first start, fill the mirror from the demo company in the background (Time Between
# Syncs pauses between tables, as in production); the administrator's page shows it running.
mkdir -p "$VAR_DIR"
$PY manage.py pull_mas --if-never-pulled >"$VAR_DIR/first-pull.log" 2>&1 &
first_pull=$!
printf '\n\033[1mWOScan Portal: http://127.0.0.1:%s/  (Ctrl-C stops the web server and the cluster)\033[0m\n\n' "$PORT"
# gunicorn in the background and waited for, so that this script takes the signal itself: a
# closed terminal (SIGHUP) would otherwise only make gunicorn reload and keep the port.
# No proxy in front here: four threads a worker, so a handheld on slow Wi-Fi holds only one of them.
.venv/bin/gunicorn woscan_portal.wsgi --bind "127.0.0.1:$PORT" --workers 2 --threads 4 --worker-connections 4 \
  --graceful-timeout 5 --access-logfile - --error-logfile - --log-level warning &
web=$!
trap 'kill -TERM $web $cluster $first_pull 2>/dev/null || true; wait 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM HUP
wait $web
