#!/bin/sh
# One app replica (the image's command): the server in the background, then the pre-warm (scripts/prewarm.py:
# every page's default link, its "Try this" presets and the built-in lessons' steps, or the links in
# $DLC_PREWARM_LINKS), then the image's health check passes (deploy/healthcheck.py waits for the marker written
# here), so compose starts nginx, and with it the students' traffic, only on warm replicas. DLC_PREWARM=0 skips
# the pre-warm.
set -u
PORT="${DLC_PORT:-8501}"
READY="${DLC_READY_FILE:-/tmp/dlc-ready}"
rm -f "$READY"

streamlit run app.py --server.address=0.0.0.0 --server.port="$PORT" --server.headless=true \
    --server.fileWatcherType=none --browser.gatherUsageStats=false &
server=$!
# docker stop sends TERM to this shell (PID 1): pass it on to the server and exit with it
trap 'kill -TERM "$server" 2>/dev/null; wait "$server"; exit 143' TERM INT

if [ "${DLC_PREWARM:-1}" != "0" ]; then
    if [ -n "${DLC_PREWARM_LINKS:-}" ]; then
        python scripts/prewarm.py --port "$PORT" --wait 180 --links "$DLC_PREWARM_LINKS" \
            || echo "prewarm: some links failed; serving anyway"
    else
        python scripts/prewarm.py --port "$PORT" --wait 180 || echo "prewarm: some links failed; serving anyway"
    fi
fi
touch "$READY"
wait "$server"
