"""A synthetic 居民身份证 人像面 (portrait side) with a rendered number, for the OCR of online real-name
verification: the card's proportions (85.6 × 54 mm), its fields in their places, a portrait block, some
background pattern, the 18-character number at the bottom in a sans-serif face."""
import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype")
DIGIT_FONTS = ("DejaVuSans.ttf", "NotoSansCJK-Regular.ttc", "LiberationSans-Regular.ttf")
HAN_FONTS = ("NotoSansCJK-Regular.ttc", "NotoSerifCJK-Regular.ttc")


def _font(names, size):
    for folder in FONT_DIRS:
        for name in names:
            path = Path(folder) / name
            if path.exists():
                return ImageFont.truetype(str(path), size)
    raise RuntimeError(f"none of the fonts {names} is installed (scripts/ensure-infra.sh ocr installs them)")


def id_card_front(number: str, name: str = "陈静", width: int = 1012, seed: int = 3, rotate: float = 0.0,
                  blur: float = 0.0, quality: int = 88, on_table: bool = False) -> bytes:
    """JPEG bytes of a card whose 公民身份号码 is `number`; `on_table`: photographed lying on a darker surface
    with room around it, not filling the picture."""
    rng = random.Random(seed)
    height = round(width * 54 / 85.6)
    card = Image.new("RGB", (width, height), (236, 242, 246))
    draw = ImageDraw.Draw(card)
    for _ in range(60):            # the guilloche-like background
        x, y = rng.randrange(width), rng.randrange(height)
        draw.ellipse([x - 40, y - 40, x + 40, y + 40], outline=(214, 226, 236), width=1)
    s = width / 1012
    try:
        han = _font(HAN_FONTS, int(30 * s))
    except RuntimeError:
        han = None
    if han:
        for i, (label, value) in enumerate((("姓名", name), ("性别", "女"), ("出生", "1990年3月15日"),
                                            ("住址", "浙江省杭州市上城区解放路100号"))):
            draw.text((60 * s, (60 + i * 80) * s), label, fill=(70, 110, 160), font=han)
            draw.text((160 * s, (60 + i * 80) * s), value, fill=(20, 20, 20), font=han)
        draw.text((60 * s, 520 * s), "公民身份号码", fill=(70, 110, 160), font=han)
    draw.rectangle([700 * s, 70 * s, 940 * s, 380 * s], fill=(180, 190, 200))       # the portrait
    draw.text((290 * s, 512 * s), number, fill=(15, 15, 15), font=_font(DIGIT_FONTS, int(44 * s)))
    if rotate:
        card = card.rotate(rotate, expand=True, fillcolor=(255, 255, 255))
    if on_table:
        table = Image.new("RGB", (round(card.width * 1.5), round(card.height * 1.9)), (120, 96, 70))
        table.paste(card, (card.width // 5, card.height // 5))
        card = table
    if blur:
        card = card.filter(ImageFilter.GaussianBlur(blur))
    buffer = io.BytesIO()
    card.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()
