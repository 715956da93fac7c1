# One image for every process type of the Procfile (web, worker, release).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PORT=8000

WORKDIR /app
RUN useradd --create-home --uid 1000 app

COPY pyproject.toml ./
COPY project/__init__.py project/__init__.py
RUN pip install --upgrade pip && pip install .

COPY . .
RUN DEBUG=0 SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input \
    && mkdir -p var/media && chown -R app:app var

USER app
EXPOSE 8000
CMD ["sh", "-c", "granian --interface wsgi --host 0.0.0.0 --port ${PORT} --workers ${WEB_CONCURRENCY:-2} --blocking-threads ${GRANIAN_BLOCKING_THREADS:-4} project.wsgi:application"]
