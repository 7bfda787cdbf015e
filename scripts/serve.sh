#!/usr/bin/env bash
# Set up (once) and run the service on 127.0.0.1:8000; the list store is var/prescreen.db,
# seeded from data/ on the first start (PRESCREEN_DATABASE_URL to put it elsewhere).
# Extra arguments go to `prescreen serve` (e.g. --port 9000 --workers 2).
EXTRAS="" source "$(dirname "$0")/venv.sh"
exec .venv/bin/prescreen serve "$@"
