#!/usr/bin/env bash
# Every test (pytest.ini: three xdist workers), and beside it, at the same time, the claim tests again in the second
# arithmetic mode (two intra-op threads: another summation order; plain optimizers instead of fused/foreach kernels),
# as another machine would compute them. The main run leaves about a third of two cores idle (the browser tests
# wait on Chromium and on the page), which the second run fills: one worker, its threads waiting passively.
# Its output is printed after the main run's; the exit status is the first failure's.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
DLC_THREADS=2 DLC_PLAIN_OPTIM=1 OMP_WAIT_POLICY=PASSIVE python -m pytest -m claim -n 1 >"$log" 2>&1 &
second=$!
python -m pytest
main=$?
wait "$second"
claims=$?
echo
echo "======== the claim tests again in the second arithmetic mode (DLC_THREADS=2 DLC_PLAIN_OPTIM=1), run beside the above"
cat "$log"
rm -f "$log"
if [ "$main" -ne 0 ]; then exit "$main"; fi
exit "$claims"
