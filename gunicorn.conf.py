"""gunicorn settings for production. Override with GUNICORN_CMD_ARGS."""

import multiprocessing

bind = "0.0.0.0:8000"
workers = multiprocessing.cpu_count() * 2 + 1
worker_class = "gthread"
threads = 4
timeout = 30
graceful_timeout = 30
accesslog = "-"
forwarded_allow_ips = "*"
