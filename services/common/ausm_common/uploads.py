"""Uploads are checked by content, not by name: magic bytes, size, pixel size."""
import io
from dataclasses import dataclass

from .errors import ValidationFailed

MAGIC = {
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "pdf": (b"%PDF-",),
}
LABELS = {"jpeg": "JPG", "png": "PNG", "pdf": "PDF"}
CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}


@dataclass(frozen=True)
class UploadPolicy:
    purpose: str
    kinds: tuple[str, ...]          # "jpeg", "png", "pdf"
    min_bytes: int = 1
    max_bytes: int = 10 * 1024 * 1024
    min_width: int = 0
    min_height: int = 0

    def describe(self) -> str:
        kinds = "/".join(LABELS[k] for k in self.kinds)
        text = f"{kinds}格式，{human_size(self.min_bytes)}～{human_size(self.max_bytes)}"
        if self.min_width:
            text += f"，像素不小于{self.min_width}×{self.min_height}"
        return text


@dataclass(frozen=True)
class FileInfo:
    kind: str
    size: int
    width: int = 0
    height: int = 0

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:g}MB"
    if n >= 1024:
        return f"{n / 1024:g}KB"
    return f"{n}B"


def sniff(data: bytes) -> str | None:
    for kind, prefixes in MAGIC.items():
        if any(data.startswith(p) for p in prefixes):
            return kind
    return None


def _fail(code, message, field):
    return ValidationFailed(code, message, {field: message} if field else {})


def check_upload(data: bytes, policy: UploadPolicy, field: str | None = None, label: str = "文件") -> FileInfo:
    """Raise ValidationFailed with a clear Chinese message, or describe the file."""
    kind = sniff(data or b"")
    allowed = "/".join(LABELS[k] for k in policy.kinds)
    if not data:
        raise _fail("UPLOAD_EMPTY", f"请上传{label}", field)
    if kind not in policy.kinds:
        raise _fail("UPLOAD_TYPE", f"{label}格式不正确，只能上传{allowed}文件（按文件内容识别，不看扩展名）", field)
    if len(data) < policy.min_bytes:
        raise _fail("UPLOAD_TOO_SMALL", f"{label}不能小于{human_size(policy.min_bytes)}", field)
    if len(data) > policy.max_bytes:
        raise _fail("UPLOAD_TOO_LARGE", f"{label}不能超过{human_size(policy.max_bytes)}", field)
    width = height = 0
    if kind in ("jpeg", "png"):
        width, height = _image_size(data, label, field)
        if width < policy.min_width or height < policy.min_height:
            raise _fail("UPLOAD_PIXELS",
                        f"{label}像素为{width}×{height}，要求不小于{policy.min_width}×{policy.min_height}", field)
    elif kind == "pdf":
        _check_pdf(data, label, field)
    return FileInfo(kind=kind, size=len(data), width=width, height=height)


def _image_size(data: bytes, label: str, field):
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _fail("UPLOAD_CORRUPT", f"{label}无法识别或已损坏，请重新上传", field)


def _check_pdf(data: bytes, label: str, field):
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        if len(PdfReader(io.BytesIO(data)).pages) < 1:
            raise PdfReadError("no pages")
    except (PdfReadError, ValueError, OSError):
        raise _fail("UPLOAD_CORRUPT", f"{label}不是可读取的PDF文件", field)
