from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from emps.journal import Action, changed_fields, log_shared_change
from emps.models import AccessLog, Commune, Partner, PartnerCategory, QpvPeriod, Quartier, Team, User


class QuartierChoicesMixin:
    """For a model admin whose form has a quartier select: a quartier prints its commune, so the select
    reads the communes in the same query (without it, one query per quartier of the federation)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Quartier and "queryset" not in kwargs:
            kwargs["queryset"] = Quartier.objects.select_related("commune")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SharedChoicesInlineMixin:
    """For an inline with selects of reference data (`shared_choices`, field names): its rows share each
    select's options, read once per page. Django's admin reads them again for every row and every empty
    row (a youth's ten episodes: eleven queries of the end reasons)."""

    shared_choices: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in self.shared_choices:
            # Once per request (the admin builds an inline's form class several times a page), and each
            # row's copy of the field keeps the list. `iter`: without it, list() counts the rows first.
            shared = request.__dict__.setdefault("_shared_choices", {})
            key = (db_field.model, db_field.name)
            if key not in shared:
                shared[key] = list(iter(formfield.choices))
            formfield.choices = shared[key]
        return formfield


ADDED = "administration : ajout"


def journal_shared_change(request, obj, form, *, change: bool, teams) -> None:
    """An administrator's change to data teams share, in each concerned team's journal (as in the app)."""
    detail = f"administration : {changed_fields(form)} modifiés" if change else ADDED
    log_shared_change(
        request=request, action=Action.UPDATE if change else Action.CREATE, obj=obj, teams=teams, detail=detail
    )


class SharedListAdmin(SimpleHistoryAdmin):
    """A list every team shares: its history in the admin, and every change journaled for every team."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        journal_shared_change(request, obj, form, change=change, teams=Team.objects.all())


class ReferenceItemAdmin(SharedListAdmin):
    list_display = ["label", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["label", "code"]
    prepopulated_fields = {"code": ["label"]}


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "association", "reference_prefix", "commune_list"]
    search_fields = ["name", "association"]
    filter_horizontal = ["communes"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("communes")

    @admin.display(description=_("communes"))
    def commune_list(self, obj):
        return ", ".join(c.name for c in obj.communes.all())


class QuartierInline(admin.TabularInline):
    model = Quartier
    extra = 0


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee_code"]
    search_fields = ["name", "insee_code"]
    inlines = [QuartierInline]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is not Quartier:
            return
        teams = list(form.instance.teams.all())
        for quartier in formset.new_objects:
            log_shared_change(request=request, action=Action.CREATE, obj=quartier, teams=teams, detail=ADDED)
        for quartier, fields in formset.changed_objects:
            detail = f"administration : {', '.join(fields)} modifiés"
            log_shared_change(request=request, action=Action.UPDATE, obj=quartier, teams=teams, detail=detail)


class QpvPeriodInline(admin.TabularInline):
    """The quartier's dated QPV statuses (the list redrawn on 1 January 2024); outside them, its own."""

    model = QpvPeriod
    extra = 0


@admin.register(Quartier)
class QuartierAdmin(SimpleHistoryAdmin):
    list_display = ["name", "commune", "is_qpv", "qpv_code"]
    inlines = [QpvPeriodInline]
    list_filter = ["is_qpv", "commune"]
    search_fields = ["name", "qpv_code", "commune__name"]
    list_select_related = ["commune"]

    def get_queryset(self, request):
        # The other forms' quartier search (autocomplete) prints each quartier with its commune.
        return super().get_queryset(request).select_related("commune")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        journal_shared_change(request, obj, form, change=change, teams=obj.commune.teams.all())


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "teams"]
    filter_horizontal = ["teams", "communes", "groups", "user_permissions"]
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Rôle et périmètre"), {"fields": ["role", "teams", "communes"]}),)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("Rôle et périmètre"), {"fields": ["role", "teams", "communes"]}),
    )

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated, never deleted: the journal and the records keep their author.
        return False


admin.site.register(PartnerCategory, ReferenceItemAdmin)


@admin.register(Partner)
class PartnerAdmin(SharedListAdmin):
    list_display = ["name", "category", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["name"]
    list_select_related = ["category"]


admin.site.site_header = _("Administration EMPS")
admin.site.site_title = _("EMPS")


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "action", "object_type", "object_id", "team", "ip_address"]
    list_filter = ["action", "object_type", "team"]
    search_fields = ["username", "object_id"]
    date_hierarchy = "at"
    list_select_related = ["team"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
