# The one image behind the web, worker and beat services of docker-compose.yml.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=soberhouse.settings \
    # The checkout in /app comes first on the path, so that settings find templates/ and static/
    # beside it (BASE_DIR) whichever command starts the process.
    PYTHONPATH=/app

WORKDIR /app

RUN groupadd --system soberhouse \
    && useradd --system --gid soberhouse --home-dir /app --no-create-home soberhouse

COPY . .
RUN pip install -c requirements.lock .

# Settings refuse to load with DEBUG off unless production values are given; these dummies exist
# only for this one command and are not kept in the image.
RUN DEBUG=false \
    SECRET_KEY=build-time-only-collectstatic-key-never-used-to-sign-anything-at-all \
    ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 \
    EMAIL_URL=console: \
    DEFAULT_FROM_EMAIL=build@build.invalid \
    SITE_URL=https://build.invalid \
    python manage.py collectstatic --noinput

USER soberhouse
EXPOSE 8000
CMD ["gunicorn", "soberhouse.wsgi:application", "--bind", "0.0.0.0:8000"]
