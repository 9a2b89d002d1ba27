"""Uploads: the gateway refuses a file over its purpose's size limit (the same limit and message the
page checked before sending), then puts the bytes in object storage under a random key; the owning
service checks the content and keeps or removes the object."""
from flask import current_app, request

from ausm_common.storage import ObjectStore
from ausm_common.upload_policies import largest
from ausm_common.uploads import check_not_too_large


def store() -> ObjectStore:
    return current_app.extensions["object_store"]


def store_incoming(owner_id: str, fields, purpose: str) -> dict:
    """Store the multipart files `fields` for `purpose`: {field: key}. `fields` is a tuple of field names,
    or {field: slot} when refusals name the slot the page shows (`file` is uploaded for `basic.photo`).
    Nothing is stored unless every file is within the limit."""
    slots = fields if isinstance(fields, dict) else {f: f for f in fields}
    policy = largest(purpose)        # the service applies the person's own variant (their province's photo rule)
    received = {}
    for field, slot in slots.items():
        upload = request.files.get(field)
        if upload is None or not upload.filename:
            continue
        data = upload.read(policy.max_bytes + 1)
        check_not_too_large(len(data), policy, slot)
        received[field] = (data, upload.mimetype or "application/octet-stream")
    keys = {}
    for field, (data, mimetype) in received.items():
        keys[field] = ObjectStore.new_key(f"incoming/{owner_id}")
        store().put(keys[field], data, mimetype)
    return keys
