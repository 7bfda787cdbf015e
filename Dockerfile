# Listing infringement pre-screener: the service with its lists baked in.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PRESCREEN_HOST=0.0.0.0 \
    PRESCREEN_PORT=8000 \
    PRESCREEN_DATA_DIR=/app/data \
    PRESCREEN_DATABASE_URL=sqlite:////var/lib/prescreen/prescreen.db \
    PRESCREEN_JOBS_DIR=/var/lib/prescreen/jobs \
    PRESCREEN_ENGINE_CACHE_DIR=/var/lib/prescreen/engine-cache

WORKDIR /app
COPY pyproject.toml README.md ./
COPY app ./app
COPY data ./data
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /app prescreen \
    && mkdir -p /var/lib/prescreen \
    && chown -R prescreen /app /var/lib/prescreen

# the list store, catalogue jobs and engine snapshots: keep them on a volume so they outlive
# the container (a new container then starts from the snapshot instead of building)
VOLUME /var/lib/prescreen

USER prescreen
# Warm jieba's dictionary cache as the service user so the first start is quick.
RUN python -c "import jieba; jieba.initialize()"

EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2).status == 200 else 1)"

CMD ["prescreen", "serve"]
