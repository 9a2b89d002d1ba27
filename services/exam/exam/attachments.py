"""证明材料上传: which files an enrollment needs (the region's proofs for all routes and for the chosen one, the
photo when the collection has none, the 属地 proof when registering outside one's region), each checked by
content on arrival; and the collection's photo copied at submission so a later change there cannot change a
submitted form."""
import copy

from ausm_common.upload_policies import policy_for
from ausm_common.uploads import check_upload

from .domain.codes import LOCALITY_REASONS
from .domain.problems import Refused
from . import enrollments
from .models import Enrollment, RegionWindow

PHOTO_SLOT = "photo"
LOCALITY_SLOT = "locality_proof"


def required_slots(enrollment: Enrollment, w: RegionWindow) -> dict[str, str]:
    """slot → label: the region's proofs for every route and for the chosen one, the photo of a candidate without
    a collection photo, and the 属地 proof when registering outside one's own region."""
    out = {}
    if not (enrollment.profile or {}).get("photo"):
        out[PHOTO_SLOT] = "报名照片"
    for key in ("*", enrollment.route or ""):
        for slot in (w.required_proofs or {}).get(key, []):
            out[slot["slot"]] = slot["label"]
    if (enrollment.locality or {}).get("proof_required"):
        out[LOCALITY_SLOT] = f"属地证明材料（{LOCALITY_REASONS.get(enrollment.locality.get('reason'), '')}）"
    return out


def attach(enrollment: Enrollment, w: RegionWindow, store, slot: str, key: str, now) -> dict:
    """Check an uploaded object by content for its slot; keep it, or delete it and refuse."""
    prefix = f"incoming/{enrollment.account_id}/"
    try:
        enrollments.editable(enrollment)
        if not key or not key.startswith(prefix):
            raise Refused("UPLOAD_EMPTY", "请选择要上传的文件", slot, status=422)
        slots = required_slots(enrollment, w)
        if slot not in slots:
            raise Refused("PROOF_NOT_NEEDED", "该项无需上传证明材料", slot, status=422)
        purpose = "photo" if slot == PHOTO_SLOT else "proof"
        info = check_upload(store.get(key), policy_for(purpose, enrollment.region_code), field=slot, label=slots[slot])
    except Exception:
        if key and key.startswith(prefix):
            store.delete(key)
        raise
    meta = {"key": key, "label": slots[slot], "content_type": info.content_type, "size": info.size,
            "width": info.width, "height": info.height, "uploaded_at": now.isoformat()}
    if slot == PHOTO_SLOT:
        old, enrollment.photo = enrollment.photo, meta
    else:
        proofs = copy.deepcopy(enrollment.proofs or {})
        old, proofs[slot] = proofs.get(slot), meta
        enrollment.proofs = proofs
    if old and old.get("key") not in (None, key):
        store.delete(old["key"])
    if enrollment.status == "returned":
        enrollment.return_reasons = {k: v for k, v in (enrollment.return_reasons or {}).items() if k != slot}
    enrollments.touch(enrollment, now, 5 if not missing_slots(enrollment, w) else None)
    return meta


def missing_slots(enrollment: Enrollment, w: RegionWindow) -> dict[str, str]:
    have = set(enrollment.proofs or {}) | ({PHOTO_SLOT} if enrollment.photo else set())
    return {slot: label for slot, label in required_slots(enrollment, w).items() if slot not in have}


def snapshot_photo(enrollment: Enrollment, store):
    """The collection's photo is copied: a later change there must not change a submitted form."""
    photo = (enrollment.profile or {}).get("photo")
    if not photo or (enrollment.photo or {}).get("source_key") == photo.get("key"):
        return
    key = store.new_key(f"exam/photos/{enrollment.account_id}")
    store.put(key, store.get(photo["key"]), photo.get("content_type") or "image/jpeg")
    enrollment.photo = {**photo, "key": key, "source_key": photo["key"]}
