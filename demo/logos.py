"""Logos of the demo team's bilan: drawn by Pillow, so that the demo ships no third party's trademark."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from emps.models import Team, User
from reports.logos import clean_logo
from reports.models import BilanLogo, FinancialPartner

# (name printed in the bilan, letters of the drawn logo, colour)
FINANCIAL_PARTNERS = [
    ("Agence nationale de la cohésion des territoires (ANCT)", "ANCT", (0, 83, 155)),
    ("Département du Pas-de-Calais", "62", (196, 30, 58)),
]
ASSOCIATION_LOGO = ("ARL", (29, 79, 145))


def drawn_logo(letters: str, colour: tuple[int, int, int]) -> bytes:
    """A plain PNG: a coloured band and the letters in white, with a transparent margin."""
    image = Image.new("RGBA", (480, 200), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((8, 8, 472, 192), radius=28, fill=(*colour, 255))
    font = ImageFont.load_default(size=110)
    box = draw.textbbox((0, 0), letters, font=font)
    x = (480 - (box[2] - box[0])) / 2 - box[0]
    y = (200 - (box[3] - box[1])) / 2 - box[1]
    draw.text((x, y), letters, font=font, fill=(255, 255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _stored(letters, colour):
    return clean_logo(SimpleUploadedFile(f"{letters}.png", drawn_logo(letters, colour), content_type="image/png"))


def create_bilan_header(*, team: Team, by: User) -> None:
    """The team's financial partners in the bilan's order, each with a logo, and the association's logo."""
    for order, (name, letters, colour) in enumerate(FINANCIAL_PARTNERS, start=1):
        partner = FinancialPartner.objects.create(team=team, name=name, order=order)
        stored = _stored(letters, colour)
        BilanLogo.objects.create(
            team=team,
            financial_partner=partner,
            png=stored.png,
            width=stored.width,
            height=stored.height,
            sha256=stored.sha256,
            updated_by=by,
        )
    stored = _stored(*ASSOCIATION_LOGO)
    BilanLogo.objects.create(
        team=team, png=stored.png, width=stored.width, height=stored.height, sha256=stored.sha256, updated_by=by
    )
