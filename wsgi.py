"""The one entry point: `gunicorn wsgi:app`, `flask --app wsgi run`."""

import gc

from app import create_app

app = create_app()
# What exists now (routes, mappers, translations, settings) lives as long as the process: moved out of the
# collector's generations, a full collection no longer walks it while a page builds its hundreds of rows.
gc.freeze()
