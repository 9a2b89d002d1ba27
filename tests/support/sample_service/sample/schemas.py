from marshmallow import Schema, fields, validate


class NoteSchema(Schema):
    key = fields.String(required=True, validate=validate.Length(min=1, max=64))
    text = fields.String(required=True, validate=validate.Length(min=1, max=200))
