"""The 公民身份号码 read from a photo of an ID card's portrait side (000: "平台自动提取身份证号码区，识别当前用户注册
身份证号与上传身份证是否一致").

The engine is Tesseract (Debian's tesseract-ocr, its English model is enough for digits and X) through pytesseract;
scripts/ensure-infra.sh ocr installs it. Reading only proposes candidates: which of them counts, and what a
difference means, is domain.compare_read_id_number. Nothing here ever blocks a submission: an engine that is
missing, slow or confused reads nothing.
"""
import io
import logging
import os
import re
import time

from PIL import Image, ImageOps

from .domain import mod11_2_check

log = logging.getLogger(__name__)

# Tesseract's OpenMP threads fight each other and the services for the cores: one thread per process read a test
# card in 0.6 s instead of 1.6-1.8 s on this 2-core machine (tesseract's own advice when several run at once).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

# The whole reading stays well inside an RPC's time (RPC_TIMEOUT, 10 s): a clear card takes about half a second;
# a photo the engine cannot make sense of is given up on, not waited for.
BUDGET_SECONDS = 4.0
_DIGITS = "-c tessedit_char_whitelist=0123456789X"
# (top of the part read as a fraction of the height, width to read it at, page segmentation). The number is
# printed low on the card, so a card filling the photo is read there first, as one block; then the whole photo,
# sparse text (a card lying somewhere in a larger photo) at two scales.
PASSES = ((0.55, 1400, 6), (0.0, 1000, 11), (0.0, 1400, 11))
_CANDIDATE = re.compile(r"\d{17}[\dX]")
_RUN = re.compile(r"[\dX]{18,}")
MAX_RUN = 24


def _prepared(data: bytes) -> Image.Image:
    return ImageOps.autocontrast(ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("L"))


def _part(image: Image.Image, top: float, width: int) -> Image.Image:
    part = image.crop((0, int(image.height * top), image.width, image.height)) if top else image
    return part.resize((width, max(1, round(part.height * width / part.width))), Image.LANCZOS)


def candidates_in(text: str) -> list[str]:
    """18-character ID numbers in the engine's text: per line, with the spaces it put between digit groups
    removed; a longer run (a speck read as a digit beside the number) gives each of its 18-character windows.
    In the order found, without repeats."""
    found = []
    for line in text.splitlines():
        for run in _RUN.findall(re.sub(r"\s+", "", line)):
            for start in range(0, min(len(run), MAX_RUN) - 17):
                window = run[start:start + 18]
                if _CANDIDATE.fullmatch(window) and window not in found:
                    found.append(window)
    return found


def read_id_numbers(data: bytes, engine=None) -> list[str] | None:
    """The 18-character numbers the engine reads on the photo ([] when none), or None when it could not run."""
    if engine is None:
        import pytesseract
        engine = pytesseract
    deadline = time.monotonic() + BUDGET_SECONDS
    try:
        image = _prepared(data)
        found: list[str] = []
        for top, width, psm in PASSES:
            left = deadline - time.monotonic()
            if left < 0.5:
                break
            text = engine.image_to_string(_part(image, top, width), lang="eng", config=f"--psm {psm} {_DIGITS}",
                                          timeout=left)
            found += [c for c in candidates_in(text) if c not in found]
            if any(mod11_2_check(c[:17]) == c[17] for c in found):
                break           # a number that checks out: further passes would only slow the answer
        return found
    except Exception as exc:      # noqa: BLE001 - no engine, a timeout, an image it cannot take: nothing read
        log.warning("ID photo OCR read nothing: %s: %s", type(exc).__name__, str(exc)[:200])
        return None
