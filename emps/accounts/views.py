from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from emps.accounts.forms import TokenForm
from emps.accounts.journal import log_account_action
from emps.accounts.otp import (
    HAS_DEVICE_SESSION_KEY,
    confirmed_device,
    forget_devices,
    pending_device,
    qr_code_data_uri,
    readable_secret,
    two_factor_required,
)
from emps.journal import Action, log_access
from emps.models import User
from emps.permissions import (
    account_teams,
    can_manage_account,
    is_coordinator,
    is_signed_in,
    permission,
    teams_of_accounts,
)


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


@permission(is_signed_in)
def account(request: HttpRequest) -> HttpResponse:
    """The user's own account: role, teams, two-factor authentication, password."""
    context = {
        "device": confirmed_device(request.user),
        "two_factor_required": two_factor_required(request.user),
        "teams": list(request.user.teams.all()),
    }
    return render(request, "registration/account.html", context)


@permission(is_signed_in)
class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("accounts:detail")

    def form_valid(self, form):
        response = super().form_valid(form)
        log_access(request=self.request, action=Action.UPDATE, obj=self.request.user, detail="mot de passe modifié")
        messages.success(self.request, _("Votre mot de passe a été modifié."))
        return response


@permission(is_signed_in)
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Show a QR code for an authenticator application, then confirm it with a first code."""
    if confirmed_device(request.user) is not None:
        messages.info(request, _("La double authentification est déjà activée sur votre compte."))
        return redirect("accounts:detail")
    device = pending_device(request.user)
    form = TokenForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session[HAS_DEVICE_SESSION_KEY] = True
            log_access(
                request=request, action=Action.UPDATE, obj=request.user, detail="double authentification activée"
            )
            messages.success(
                request, _("Double authentification activée : ce code vous sera demandé à chaque connexion.")
            )
            return redirect(_next_url(request, reverse("accounts:detail")))
        form.add_error("token", _("Ce code ne correspond pas. Vérifiez l'heure de votre téléphone et réessayez."))
    context = {
        "form": form,
        "qr_code": qr_code_data_uri(device),
        "secret": readable_secret(device),
        "required": two_factor_required(request.user),
        "next": _next_url(request, ""),
    }
    return render(request, "registration/otp_setup.html", context)


@permission(is_signed_in)
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Second step of the log-in: the code of the user's authenticator application."""
    destination = _next_url(request, reverse("home"))
    device = confirmed_device(request.user)
    if device is None:
        request.session[HAS_DEVICE_SESSION_KEY] = False
        return redirect(destination)
    if request.user.is_verified():
        return redirect(destination)
    form = TokenForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, throttle = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", _("Trop de codes erronés : patientez quelques secondes avant de réessayer."))
        elif device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            log_access(request=request, action=Action.LOGIN, detail="second facteur validé")
            return redirect(destination)
        else:
            log_access(request=request, action=Action.LOGIN_FAILED, detail="code de double authentification erroné")
            form.add_error(
                "token", _("Ce code n'est pas le bon, ou il a expiré. Saisissez le code affiché maintenant.")
            )
    return render(request, "registration/otp_verify.html", {"form": form, "next": destination})


@require_POST
@permission(is_signed_in)
def otp_disable(request: HttpRequest) -> HttpResponse:
    """Remove one's own second factor, proving it with a current code."""
    if two_factor_required(request.user):
        messages.error(request, _("La double authentification est obligatoire pour votre rôle : elle reste active."))
        return redirect("accounts:detail")
    device = confirmed_device(request.user)
    if device is None:
        return redirect("accounts:detail")
    form = TokenForm(data=request.POST)
    if not form.is_valid() or not device.verify_token(form.cleaned_data["token"]):
        messages.error(request, _("Code incorrect : la double authentification reste active."))
        return redirect("accounts:detail")
    forget_devices(request, request.user)
    log_access(request=request, action=Action.UPDATE, obj=request.user, detail="double authentification désactivée")
    messages.success(request, _("La double authentification est désactivée."))
    return redirect("accounts:detail")


def _team_members(user):
    """Accounts a coordinator manages: the members of their teams, except administrators."""
    return (
        User.objects.filter(teams__in=user.teams.values("pk"))
        .exclude(is_superuser=True)
        .distinct()
        .annotate(has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
    )


def _managed_member(request: HttpRequest, pk: int) -> tuple[User, list]:
    """A member of the coordinator's teams (404 otherwise) that they may manage (403 when the account is
    shared with a team they do not coordinate), with the account's teams."""
    member = get_object_or_404(_team_members(request.user), pk=pk)
    teams = account_teams(member)
    if not can_manage_account(request.user, member, teams):
        raise PermissionDenied(
            _(
                "Ce compte est partagé avec une autre équipe : seuls les coordinateurs de toutes ses équipes ou "
                "un administrateur peuvent le gérer."
            )
        )
    return member, teams


@permission(is_coordinator)
def team_accounts(request: HttpRequest) -> HttpResponse:
    """Coordinators deactivate the account of someone who leaves (accounts are never deleted); an account
    shared with another team is shown without its actions (`can_manage_account`)."""
    members = list(_team_members(request.user).prefetch_related("teams").order_by("-is_active", "last_name"))
    own = set(request.user.teams.values_list("pk", flat=True))
    teams = teams_of_accounts(members)
    for member in members:
        member.manageable = can_manage_account(request.user, member, teams[member.pk], own=own)
    return render(request, "registration/team_accounts.html", {"members": members})


@require_POST
@permission(is_coordinator)
def account_set_active(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    member, teams = _managed_member(request, pk)
    if member.pk == request.user.pk:
        messages.error(request, _("Vous ne pouvez pas désactiver votre propre compte."))
        return redirect("accounts:team")
    member.is_active = active
    member.save(update_fields=["is_active"])
    log_account_action(
        request=request,
        action=Action.UPDATE,
        account=member,
        teams=teams,
        detail="compte réactivé" if active else "compte désactivé",
    )
    if active:
        messages.success(request, _("Le compte de %(name)s est réactivé.") % {"name": member})
    else:
        messages.success(
            request,
            _("Le compte de %(name)s est désactivé : plus aucune connexion possible. Ses saisies restent.")
            % {"name": member},
        )
    return redirect("accounts:team")


@require_POST
@permission(is_coordinator)
def account_reset_otp(request: HttpRequest, pk: int) -> HttpResponse:
    """For a member who lost their phone: remove their second factor so that they set up a new one."""
    member, teams = _managed_member(request, pk)
    forget_devices(None, member)
    log_account_action(
        request=request,
        action=Action.UPDATE,
        account=member,
        teams=teams,
        detail="double authentification réinitialisée",
    )
    messages.success(
        request,
        _(
            "La double authentification de %(name)s est réinitialisée : "
            "à sa prochaine connexion, il ou elle la reconfigure si besoin."
        )
        % {"name": member},
    )
    return redirect("accounts:team")
