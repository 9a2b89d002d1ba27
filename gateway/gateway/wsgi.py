"""WSGI entry: gunicorn -k gthread gateway.wsgi:app"""
from gateway import create_app
from gateway.server_errors import install as json_server_errors

json_server_errors()
app = create_app()
