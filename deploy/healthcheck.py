"""The image's health check: the app's health endpoint answers "ok" and the pre-warm is done (deploy/entrypoint.sh
writes the marker). Exit status 0 when healthy, 1 otherwise."""
import os
import sys
import urllib.request

port = os.environ.get("DLC_PORT", "8501")
if not os.path.exists(os.environ.get("DLC_READY_FILE", "/tmp/dlc-ready")):
    sys.exit(1)
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as r:
        sys.exit(0 if r.read() == b"ok" else 1)
except OSError:
    sys.exit(1)
