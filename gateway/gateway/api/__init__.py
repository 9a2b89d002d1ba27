"""The JSON API's blueprints read request bodies through the edge (gateway/edge.py)."""
from flask_smorest import Api as _Api
from flask_smorest import Blueprint as _Blueprint

from ..edge import EdgeParser
from ..schemas import ErrorOut


class Blueprint(_Blueprint):
    ARGUMENTS_PARSER = EdgeParser()


class Api(_Api):
    ERROR_SCHEMA = ErrorOut
