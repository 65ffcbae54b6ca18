from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

# The demonstration accounts' password (`seed_demo`): refused at log-in unless DEBUG is on, so that a
# database seeded for a demonstration cannot be opened with it once in production.
DEMO_PASSWORD = "demo"


class LoginForm(AuthenticationForm):
    def clean(self):
        if not settings.DEBUG and self.cleaned_data.get("password") == DEMO_PASSWORD:
            raise forms.ValidationError(
                _(
                    "Le mot de passe de démonstration est refusé sur cette installation. "
                    "Demandez à la coordination ou à l'administrateur de vous en donner un autre."
                ),
                code="demo_password",
            )
        return super().clean()


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code à 6 chiffres"),
        max_length=12,
        error_messages={"required": _("Saisissez le code à 6 chiffres affiché par votre application.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "class": "otp-token"}
        ),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if len(token) != 6 or not token.isdigit():
            raise forms.ValidationError(_("Le code compte exactement 6 chiffres."))
        return token
