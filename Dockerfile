# KAM Workspace: one image for every process of the full stack (web, worker,
# beat, migrate); docker-compose.yml picks the command.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    KAM_ENV=production \
    KAM_VAR_DIR=/data \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media

# Pango and HarfBuzz for WeasyPrint (PDF), Graphviz for relationship maps,
# fonts so PDFs look the same on every host.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libharfbuzz0b \
        graphviz fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so a code change does not
# reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

# Static files are collected into the image (served by WhiteNoise with hashed
# names). The key only exists for this build step; the real one comes from the
# environment at run time.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput -v0

# Run as an unprivileged user; only /data (uploads, beat schedule) is writable.
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin kam \
    && mkdir -p /data/media \
    && chown -R kam:kam /data \
    && chmod +x docker/entrypoint.sh
USER kam
VOLUME ["/data"]

EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "kam.wsgi:application", "--bind", "0.0.0.0:8000"]
