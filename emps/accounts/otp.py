"""Two-factor authentication with django-otp's TOTP devices (any authenticator application)."""

import base64
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from emps.permissions import is_coordinator

# Whether the logged-in user has a confirmed device, cached in the session at log-in.
HAS_DEVICE_SESSION_KEY = "emps_has_otp_device"
DEVICE_NAME = "Application d'authentification"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def remember_device_state(request: HttpRequest, user) -> bool:
    has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    request.session[HAS_DEVICE_SESSION_KEY] = has_device
    return has_device


def two_factor_required(user) -> bool:
    """Coordinators must use two-factor authentication when the association's setting says so."""
    return settings.EMPS_REQUIRE_2FA_FOR_COORDINATORS and is_coordinator(user)


def pending_step(request: HttpRequest) -> str | None:
    """'verify' when a second factor must be entered, 'setup' when one must be created, else None."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    has_device = request.session.get(HAS_DEVICE_SESSION_KEY)
    if has_device is None:
        has_device = remember_device_state(request, user)
    if has_device:
        return "verify"
    if two_factor_required(user):
        return "setup"
    return None


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device shown during setup (the same secret on every reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def forget_devices(request: HttpRequest | None, user) -> int:
    deleted, _detail = TOTPDevice.objects.filter(user=user).delete()
    if request is not None and request.user.pk == user.pk:
        request.session[HAS_DEVICE_SESSION_KEY] = False
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
    return deleted


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The provisioning QR code as an SVG data URI, rendered on the server (no third party, no script)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def readable_secret(device: TOTPDevice) -> str:
    """The secret in base 32, in groups of four, for typing into the application by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
