"""WSGI entry: gunicorn -k gthread gateway.wsgi:app"""
from gateway import create_app

app = create_app()
