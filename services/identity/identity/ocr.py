"""The 公民身份号码 read from a photo of an ID card's portrait side (000: "平台自动提取身份证号码区，识别当前用户注册
身份证号与上传身份证是否一致").

The engine is Tesseract (Debian's tesseract-ocr, its English model is enough for digits and X) through pytesseract;
scripts/ensure-infra.sh ocr installs it. Reading only proposes candidates: which of them counts, and what a
difference means, is domain.compare_read_id_number. Nothing here ever blocks a submission: an engine that is
missing, slow or confused reads nothing.
"""
import io
import logging
import re
import time

from PIL import Image, ImageOps

log = logging.getLogger(__name__)

# The whole reading stays well inside an RPC's time (RPC_TIMEOUT, 10 s): a clear card takes about half a second;
# a photo the engine cannot make sense of is given up on, not waited for.
BUDGET_SECONDS = 4.0
WORK_WIDTH = 1400                 # pixels across the card the engine reads best at (digits ~40 px high)
_DIGITS = "-c tessedit_char_whitelist=0123456789X"
# Whole card, sparse text; then the lower part (where the number is printed) as one block.
PASSES = (("whole", f"--psm 11 {_DIGITS}"), ("bottom", f"--psm 6 {_DIGITS}"))
_CANDIDATE = re.compile(r"\d{17}[\dX]")
_RUN = re.compile(r"[\dX]{18,}")
MAX_RUN = 24


def _prepared(data: bytes) -> Image.Image:
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    image = ImageOps.autocontrast(image.convert("L"))
    if image.width != WORK_WIDTH:
        image = image.resize((WORK_WIDTH, max(1, round(image.height * WORK_WIDTH / image.width))), Image.LANCZOS)
    return image


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
        for name, config in PASSES:
            left = deadline - time.monotonic()
            if left < 0.5:
                break
            part = image if name == "whole" else image.crop((0, image.height * 55 // 100, image.width, image.height))
            text = engine.image_to_string(part, lang="eng", config=config, timeout=left)
            found += [c for c in candidates_in(text) if c not in found]
            if found:
                break
        return found
    except Exception:      # noqa: BLE001 - no engine, a timeout, an image it cannot take: nothing read
        log.warning("ID photo OCR did not run", exc_info=True)
        return None
