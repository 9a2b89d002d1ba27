"""The bare side of `make bench`'s reference-read figure: a Flask app that only serves fixed bytes.

    BARE_BODY_FILE=/tmp/body.json gunicorn -k gthread --threads 16 --chdir bench bare_app:app

It answers GET /api/v1/departments with the bytes the gateway served for that URL, as `application/json`.
"""
import os

from flask import Flask, Response

BODY = open(os.environ["BARE_BODY_FILE"], "rb").read()

app = Flask(__name__)


@app.get("/api/v1/departments")
def departments():
    return Response(BODY, mimetype="application/json")
