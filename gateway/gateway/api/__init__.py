"""The JSON API's blueprints read request bodies through the edge (gateway/edge.py)."""
from flask_smorest import Api as _Api
from flask_smorest import Blueprint as _Blueprint

from ..edge import EdgeParser
from ..schemas import ErrorOut


class Blueprint(_Blueprint):
    ARGUMENTS_PARSER = EdgeParser()

    def arguments(self, schema, **kwargs):
        """A schema class is made an instance once, here: webargs would build one per request (about 60 µs of
        every request with arguments; marshmallow's load keeps no state in the instance)."""
        return super().arguments(schema() if isinstance(schema, type) else schema, **kwargs)


class Api(_Api):
    ERROR_SCHEMA = ErrorOut
