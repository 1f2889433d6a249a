# One app replica for a school (compose.yaml runs N of them behind nginx). CPU only: torch from PyTorch's CPU
# wheel index, as environment.yml does for Streamlit Community Cloud (the default Linux wheel brings about 2.5 GB of
# CUDA libraries a CPU container cannot use); every other package as pinned in requirements.txt.
#   docker build -t dlc .   &&   docker run -p 8501:8501 dlc
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DLC_PORT=8501

WORKDIR /app
COPY requirements.txt ./
# torch first, from the CPU index only (the pin in requirements.txt then finds it installed: 2.13.0+cpu satisfies
# ==2.13.0), then the rest from PyPI
RUN TORCH="$(grep -E '^torch==' requirements.txt | cut -d' ' -f1)" \
 && pip install --index-url https://download.pytorch.org/whl/cpu "$TORCH" \
 && pip install -r requirements.txt

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin dlc
COPY --chown=dlc:dlc . .
USER dlc

EXPOSE 8501
# healthy once the server answers on /_stcore/health and the pre-warm is done (deploy/entrypoint.sh); the start
# period covers the pre-warm of every page's presets
HEALTHCHECK --interval=10s --timeout=6s --start-period=600s --retries=3 CMD ["python", "deploy/healthcheck.py"]
CMD ["sh", "deploy/entrypoint.sh"]
