"""Images built with Pillow for the photo tests: a JPEG carrying GPS EXIF, a
PNG, a decompression bomb (a tiny file declaring a huge size)."""
from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def jpeg_with_gps(width: int = 2400, height: int = 1200) -> bytes:
    """A JPEG whose EXIF names a camera, a place (GPS) and an orientation."""
    image = Image.new("RGB", (width, height), (40, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "Test Camera"  # Make
    exif[0x0112] = 1  # Orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (38.0, 25.0, 30.0)  # GPSLatitudeRef, GPSLatitude
    gps[3], gps[4] = "E", (27.0, 8.0, 30.0)  # GPSLongitudeRef, GPSLongitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"secret comment")
    return out.getvalue()


def png(width: int = 300, height: int = 200) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (200, 30, 30, 128)).save(out, format="PNG")
    return out.getvalue()


def png_bomb(side: int = 100_000) -> bytes:
    """A valid PNG header declaring side × side pixels, with almost no data."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))
