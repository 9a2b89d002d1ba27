"""Real image bytes for upload tests."""
import io
import random

from PIL import Image


def jpeg(width=640, height=480, min_bytes=0, seed=1) -> bytes:
    """A noisy JPEG (noise keeps it from compressing below min_bytes)."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height))
    image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(width * height)])
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    data = buffer.getvalue()
    assert len(data) >= min_bytes
    return data


def png(width=400, height=400, seed=2) -> bytes:
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height))
    image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(width * height)])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
