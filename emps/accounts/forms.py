from django import forms
from django.utils.translation import gettext_lazy as _


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
