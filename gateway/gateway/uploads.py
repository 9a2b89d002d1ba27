"""Uploads: the gateway checks the HTTP shape and puts the bytes in object storage under a
random key; the owning service checks the content and keeps or removes the object."""
from flask import current_app, request

from ausm_common.errors import ValidationFailed
from ausm_common.storage import ObjectStore


def store() -> ObjectStore:
    return current_app.extensions["object_store"]


def store_incoming(owner_id: str, fields: tuple[str, ...]) -> dict:
    keys = {}
    for field in fields:
        upload = request.files.get(field)
        if upload is None or not upload.filename:
            continue
        data = upload.read(current_app.config["MAX_UPLOAD_BYTES"] + 1)
        if len(data) > current_app.config["MAX_UPLOAD_BYTES"]:
            for key in keys.values():
                store().delete(key)
            limit = current_app.config["MAX_UPLOAD_BYTES"] // 1024 // 1024
            raise ValidationFailed("UPLOAD_TOO_LARGE", f"上传的文件不能超过{limit}MB", {field: "文件过大"})
        key = ObjectStore.new_key(f"incoming/{owner_id}")
        store().put(key, data, upload.mimetype or "application/octet-stream")
        keys[field] = key
    return keys
