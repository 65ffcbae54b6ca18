from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from emps.admin import QuartierChoicesMixin, ReferenceItemAdmin, SharedChoicesInlineMixin
from youths.models import EndReason, Origin, Situation, SituationRecord, SupportEpisode, Youth

admin.site.register(Origin, ReferenceItemAdmin)
admin.site.register(Situation, ReferenceItemAdmin)
admin.site.register(EndReason, ReferenceItemAdmin)


class SupportEpisodeInline(SharedChoicesInlineMixin, admin.TabularInline):
    model = SupportEpisode
    extra = 0
    shared_choices = ("end_reason",)
    fields = ["level", "started_on", "ended_on", "end_reason"]


class SituationRecordInline(SharedChoicesInlineMixin, admin.TabularInline):
    model = SituationRecord
    extra = 0
    shared_choices = ("situation",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("situation")  # each row prints its situation


@admin.register(Youth)
class YouthAdmin(QuartierChoicesMixin, SimpleHistoryAdmin):
    list_display = ["reference", "first_name", "team", "sex", "birth_year", "commune", "quartier", "first_met_on"]
    list_filter = ["team", "sex", "commune", "origin", "anonymised_at"]
    search_fields = ["reference", "first_name", "last_name"]
    list_select_related = ["team", "commune", "quartier__commune"]  # a quartier prints its commune
    date_hierarchy = "first_met_on"
    inlines = [SupportEpisodeInline, SituationRecordInline]
    autocomplete_fields = ["quartier", "origin_partner", "referent"]

    def has_change_permission(self, request, obj=None):
        """An anonymised record is shown read-only: its identity must not be typed back."""
        if obj is not None and obj.is_anonymised:
            return False
        return super().has_change_permission(request, obj)


@admin.register(SupportEpisode)
class SupportEpisodeAdmin(admin.ModelAdmin):
    list_display = ["youth", "level", "started_on", "ended_on", "end_reason"]
    list_filter = ["level", "youth__team"]
    search_fields = ["youth__reference", "youth__first_name"]
    list_select_related = ["youth", "end_reason"]
    autocomplete_fields = ["youth"]


@admin.register(SituationRecord)
class SituationRecordAdmin(admin.ModelAdmin):
    list_display = ["youth", "situation", "started_on"]
    list_filter = ["situation"]
    search_fields = ["youth__reference", "youth__first_name"]
    list_select_related = ["youth", "situation"]
    autocomplete_fields = ["youth"]
