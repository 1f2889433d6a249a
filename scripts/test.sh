#!/usr/bin/env bash
# Every test (pytest.ini: three xdist workers), then the claim tests again in the second arithmetic mode (two
# intra-op threads: another summation order; plain optimizers instead of fused/foreach kernels), as another
# machine would compute them. One after the other: run side by side on two cores (tried on 2026-12-07), the two
# took 23-27 min against about 22 min in turn, the training tests of both slowing each other more than the
# browser tests' idle time made up.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pytest
DLC_THREADS=2 DLC_PLAIN_OPTIM=1 OMP_WAIT_POLICY=PASSIVE python -m pytest -m claim
