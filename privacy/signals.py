"""Log-ins, log-outs and failed log-ins go to the access journal (who, when, from where; no password)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from emps.journal import Action, client_ip, log_access
from emps.models import AccessLog

LOCKED_OUT_DETAIL = "compte verrouillé après trop d'échecs"
ACCOUNT_LOCKED_OUT_DETAIL = "compte verrouillé pour toutes les adresses après trop d'échecs"


@receiver(user_logged_in, dispatch_uid="journal_login")
def journal_login(sender, request, user, **kwargs):
    log_access(request=request, user=user, action=Action.LOGIN)


@receiver(user_logged_out, dispatch_uid="journal_logout")
def journal_logout(sender, request, user, **kwargs):
    if user is not None:
        log_access(request=request, user=user, action=Action.LOGOUT)


@receiver(user_login_failed, dispatch_uid="journal_login_failed")
def journal_login_failed(sender, credentials, request=None, **kwargs):
    """The attempted user name is kept, even for an unknown account (an auditor needs it); never the password."""
    User = get_user_model()
    username = str(credentials.get(User.USERNAME_FIELD, "") or "")[:150]
    user = User.objects.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    detail = ""
    if getattr(request, "axes_locked_out", False):
        detail = ACCOUNT_LOCKED_OUT_DETAIL if getattr(request, "emps_account_locked", False) else LOCKED_OUT_DETAIL
    if user is not None:
        log_access(request=request, user=user, action=Action.LOGIN_FAILED, detail=detail)
    else:
        AccessLog.objects.create(
            username=username,
            action=Action.LOGIN_FAILED,
            detail=detail or "identifiant inconnu",
            ip_address=client_ip(request),
        )
