"""Real image bytes for upload tests."""
import io
import random
import struct
import zlib

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


# --- hostile files: what a careless or malicious client might send ---------------------------------

def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG whose frame header (SOF0) claims another size: a decompression bomb's header."""
    data = bytearray(jpeg(200, 200, seed=9))
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_claiming(width: int, height: int, padding: int = 20 * 1024) -> bytes:
    """A PNG header claiming width × height, a few rows of data and an ancillary chunk of filler."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\0" * 1000)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"fiLl", random.randbytes(padding)) + \
        _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def png_of_zeros(width: int, height: int) -> bytes:
    """An RGB PNG of black pixels, compressed row by row: 100 megapixels fit in a few hundred KB, and
    would take 300 MB to decode."""
    packer = zlib.compressobj(9)
    row = b"\0" * (1 + 3 * width)           # filter byte + pixels
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def truncated(data: bytes, fraction: float) -> bytes:
    """The first part of a file, as a broken upload leaves it."""
    return data[:int(len(data) * fraction)]


def pdf(pages: int = 1, password: str | None = None) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
