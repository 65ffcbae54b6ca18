"""Logos uploaded by coordinators for the bilan's first page: checked, then re-encoded by Pillow.

What is kept is never the uploaded file: only a PNG drawn again from the decoded pixels, at most
`STORED_MAX_SIDE` pixels a side, without any of the original's metadata (EXIF, text chunks, ICC).
An SVG, an HTML page or a script named `.png` is refused on its first bytes, before Pillow reads it;
a decompression bomb is refused on the size its header announces, before its pixels are decoded.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 25_000_000  # what the header may announce: a 5000 × 5000 scan, far from a bomb
STORED_MAX_SIDE = 600

SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
}


@dataclass(frozen=True)
class StoredLogo:
    png: bytes
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.png).hexdigest()


def _format_of(head: bytes) -> str | None:
    for signature, name in SIGNATURES.items():
        if head.startswith(signature):
            return name
    return None


def clean_logo(upload) -> StoredLogo:
    """The uploaded file as a clean PNG, or a ValidationError saying in French what is wrong with it."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("Ce fichier pèse %(size)s : un logo ne doit pas dépasser %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(MAX_UPLOAD_BYTES)},
            code="too_large",
        )
    upload.seek(0)
    kind = _format_of(upload.read(8))
    if kind is None:
        raise ValidationError(
            _("Ce fichier n'est pas une image PNG ou JPEG (les SVG et autres formats sont refusés)."),
            code="not_an_image",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[kind]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise ValidationError(
                        _("Cette image fait %(width)s × %(height)s pixels : un logo doit en compter moins de %(max)s.")
                        % {"width": image.width, "height": image.height, "max": f"{MAX_PIXELS:,}".replace(",", " ")},
                        code="too_many_pixels",
                    )
                image.load()
                return _redrawn(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("Cette image compte trop de pixels : un logo doit en compter moins de %(max)s.")
            % {"max": f"{MAX_PIXELS:,}".replace(",", " ")},
            code="too_many_pixels",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationError(
            _("Cette image est illisible ou abîmée : enregistrez-la de nouveau en PNG ou en JPEG."),
            code="unreadable",
        ) from None


def _redrawn(image: Image.Image) -> StoredLogo:
    """A new PNG from the pixels only: reduced to `STORED_MAX_SIDE`, no metadata carried over."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    pixels = image.convert("RGBA" if has_alpha else "RGB")
    pixels.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE), Image.Resampling.LANCZOS)
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return StoredLogo(png=out.getvalue(), width=clean.width, height=clean.height)
