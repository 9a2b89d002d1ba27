"""Uploads are checked by content, not by name: magic bytes, size, pixels, a full decode, PDF pages.

What each purpose allows is an UploadPolicy (the registry is ausm_common.upload_policies); every refusal
message comes from the policy, so the page, the gateway and the service say the same thing.
"""
import io
import warnings
from dataclasses import dataclass

from .errors import ValidationFailed

MAGIC = {
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "pdf": (b"%PDF-",),
}
LABELS = {"jpeg": "JPG", "png": "PNG", "pdf": "PDF"}
CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}
EXTENSIONS = {"jpeg": (".jpg", ".jpeg"), "png": (".png",), "pdf": (".pdf",)}
IMAGE_KINDS = ("jpeg", "png")
MEGAPIXEL = 1_000_000


@dataclass(frozen=True)
class UploadPolicy:
    purpose: str
    kinds: tuple[str, ...]          # "jpeg", "png", "pdf"
    min_bytes: int = 1
    max_bytes: int = 10 * 1024 * 1024
    min_width: int = 0
    min_height: int = 0
    max_pixels: int = 25 * MEGAPIXEL   # width × height, read from the header before decoding
    max_pages: int = 20                # PDFs: the page tree is walked up to here
    label: str = "文件"                # how messages name the file: 照片, 证明材料
    note: str = ""                     # what the rules cannot check, shown before them

    @property
    def allowed(self) -> str:
        return "/".join(LABELS[k] for k in self.kinds)

    @property
    def images(self) -> bool:
        return any(k in IMAGE_KINDS for k in self.kinds)

    def describe(self) -> str:
        sizes = f"{human_size(self.min_bytes)}～" if self.min_bytes > 1 else "不超过"
        text = f"{self.allowed}格式，{sizes}{human_size(self.max_bytes)}"
        if self.min_width:
            text += f"，像素不小于{self.min_width}×{self.min_height}"
        if "pdf" in self.kinds:
            text += f"，不超过{self.max_pages}页"
        return f"{self.note}，{text}" if self.note else text

    def messages(self) -> dict[str, str]:
        """Every refusal of this policy; `pixels` has {width} and {height} for the actual size."""
        label = self.label
        out = {"type": f"{label}格式不正确，只能上传{self.allowed}文件（按文件内容识别，不看扩展名）",
               "too_small": f"{label}不能小于{human_size(self.min_bytes)}",
               "too_large": f"{label}不能超过{human_size(self.max_bytes)}",
               "corrupt": f"{label}无法识别、不完整或已损坏，请重新上传"}
        if self.images:
            out["pixels"] = f"{label}像素为{{width}}×{{height}}，要求不小于{self.min_width}×{self.min_height}"
            out["too_many_pixels"] = \
                f"{label}像素过大，不能超过{self.max_pixels // 10000}万像素，请缩小后重新上传"
        if "pdf" in self.kinds:
            out["pages"] = f"{label}不能超过{self.max_pages}页"
            out["encrypted"] = f"{label}已加密或设有密码，请上传未加密的PDF文件"
        return out

    def view(self, province: str | None = None) -> dict:
        """What a page needs to check a file before sending it (GET /api/v1/upload-policies)."""
        return {"purpose": self.purpose, "province": province, "label": self.label, "kinds": list(self.kinds),
                "content_types": [CONTENT_TYPES[k] for k in self.kinds],
                "extensions": [e for k in self.kinds for e in EXTENSIONS[k]],
                "signatures": {k: [m.hex() for m in MAGIC[k]] for k in self.kinds},
                "min_bytes": self.min_bytes, "max_bytes": self.max_bytes, "min_width": self.min_width,
                "min_height": self.min_height, "max_pixels": self.max_pixels if self.images else 0,
                "max_pages": self.max_pages if "pdf" in self.kinds else 0, "text": self.describe(),
                "messages": self.messages()}


@dataclass(frozen=True)
class FileInfo:
    kind: str
    size: int
    width: int = 0
    height: int = 0
    pages: int = 0

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{round(n / 1024 / 1024, 2):g}MB"
    if n >= 1024:
        return f"{round(n / 1024, 2):g}KB"
    return f"{n}B"


def sniff(data: bytes) -> str | None:
    for kind, prefixes in MAGIC.items():
        if any(data.startswith(p) for p in prefixes):
            return kind
    return None


def _fail(code, message, field):
    return ValidationFailed(code, message, {field: message} if field else {})


def check_not_too_large(size: int, policy: UploadPolicy, field: str | None = None):
    """The upper byte limit alone: the gateway applies it before storing, the service again with the rest."""
    if size > policy.max_bytes:
        raise _fail("UPLOAD_TOO_LARGE", policy.messages()["too_large"], field)


def check_upload(data: bytes, policy: UploadPolicy, field: str | None = None, label: str | None = None) -> FileInfo:
    """Raise ValidationFailed with the policy's Chinese message, or describe the file.

    `label` names the slot in "请上传…" (证件人像面照片); the rules speak of the policy's label."""
    if not data:
        raise _fail("UPLOAD_EMPTY", f"请上传{label or policy.label}", field)
    kind = sniff(data)
    if kind not in policy.kinds:
        raise _fail("UPLOAD_TYPE", policy.messages()["type"], field)
    if len(data) < policy.min_bytes:
        raise _fail("UPLOAD_TOO_SMALL", policy.messages()["too_small"], field)
    check_not_too_large(len(data), policy, field)
    if kind in IMAGE_KINDS:
        width, height = _check_image(data, kind, policy, field)
        return FileInfo(kind=kind, size=len(data), width=width, height=height)
    return FileInfo(kind=kind, size=len(data), pages=_check_pdf(data, policy, field))


def _pillow():
    """Pillow refuses any header above the largest photo a policy allows, and never pads truncated data."""
    from PIL import Image, ImageFile

    from .upload_policies import MAX_IMAGE_PIXELS

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return Image


def _check_image(data: bytes, kind: str, policy: UploadPolicy, field) -> tuple[int, int]:
    Image = _pillow()
    messages = policy.messages()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                _check_pixels(width, height, policy, field)
                image.verify()                 # PNG chunk checksums; the image must be opened again after it
            with Image.open(io.BytesIO(data)) as image:
                if kind == "jpeg":             # decode every byte at 1/8 scale: same checks, 1/64 of the memory
                    image.draft("RGB", (max(width // 8, 1), max(height // 8, 1)))
                image.load()                   # a truncated or corrupt file fails here, not only its header
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _fail("UPLOAD_PIXELS_TOO_MANY", messages["too_many_pixels"], field)
    except ValidationFailed:
        raise
    except Exception:                          # whatever the decoder trips on, the file is not a usable image
        raise _fail("UPLOAD_CORRUPT", messages["corrupt"], field)
    return width, height


def _check_pixels(width: int, height: int, policy: UploadPolicy, field):
    messages = policy.messages()
    if width * height > policy.max_pixels:
        raise _fail("UPLOAD_PIXELS_TOO_MANY", messages["too_many_pixels"], field)
    if width < policy.min_width or height < policy.min_height:
        raise _fail("UPLOAD_PIXELS", messages["pixels"].format(width=width, height=height), field)


def _check_pdf(data: bytes, policy: UploadPolicy, field) -> int:
    """Parse the page tree (at most max_pages pages); encrypted or unreadable files are refused."""
    from pypdf import PdfReader

    messages = policy.messages()
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
        count = 0 if encrypted else len(reader.pages)
        for page in reader.pages[:policy.max_pages] if count else ():
            page.mediabox                      # every page object parses
    except Exception:                          # pypdf raises many kinds on malformed input; all mean unreadable
        raise _fail("UPLOAD_CORRUPT", messages["corrupt"], field)
    if encrypted:
        raise _fail("UPLOAD_PDF_ENCRYPTED", messages["encrypted"], field)
    if count < 1:
        raise _fail("UPLOAD_CORRUPT", messages["corrupt"], field)
    if count > policy.max_pages:
        raise _fail("UPLOAD_PDF_PAGES", messages["pages"], field)
    return count
