"""At log-in, remember in the session whether the user has a second factor to enter."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from emps.accounts.otp import remember_device_state


@receiver(user_logged_in, dispatch_uid="remember_otp_device_state")
def remember_otp_device_state(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        remember_device_state(request, user)
