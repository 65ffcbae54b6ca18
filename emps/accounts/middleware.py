"""Send a logged-in user who still owes a second factor to the verification (or setup) page."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from emps.accounts.otp import pending_step

# Pages reachable before the second factor: the step itself, leaving, and public pages.
ALWAYS_ALLOWED = {"logout", "login", "health", "admin:logout"}
STEP_URLS = {"verify": "accounts:otp_verify", "setup": "accounts:otp_setup"}


class TwoFactorMiddleware:
    """Install after django_otp's OTPMiddleware and Django's LoginRequiredMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(settings.STATIC_URL):
            return None
        step = pending_step(request)
        if step is None:
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in ALWAYS_ALLOWED or name == STEP_URLS[step]:
            return None
        target = reverse(STEP_URLS[step])
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)


class NoStoreWhenSignedInMiddleware:
    """Pages served to a signed-in person hold personal data: no cache (browser, proxy) may keep them.

    Install after Django's AuthenticationMiddleware. Static files are served before (WhiteNoise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
