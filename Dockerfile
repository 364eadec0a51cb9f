FROM python:3.12-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY service ./service
COPY workers ./workers
COPY schemas ./schemas
COPY cli ./cli
RUN pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir .
RUN useradd --system --home /app claimtrack && mkdir -p /data && chown claimtrack /data
USER claimtrack
EXPOSE 5000
CMD ["gunicorn", "service.wsgi:app", "--config", "python:service.gunicorn_conf", "--bind", "0.0.0.0:5000", "--limit-request-line", "8190",
     "--limit-request-field_size", "16384", "--limit-request-fields", "200"]
