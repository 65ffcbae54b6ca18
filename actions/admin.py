from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from actions.models import (
    ActionTheme,
    CollectiveAction,
    Domain,
    Intervention,
    InterventionDomain,
    InterventionPartner,
    PartnerMeeting,
    PresenceSession,
)
from emps.admin import QuartierChoicesMixin, ReferenceItemAdmin, SharedChoicesInlineMixin

admin.site.register(Domain, ReferenceItemAdmin)
admin.site.register(ActionTheme, ReferenceItemAdmin)


class InterventionDomainInline(SharedChoicesInlineMixin, admin.TabularInline):
    model = InterventionDomain
    fields = ["domain"]
    shared_choices = ("domain",)
    extra = 0
    min_num = 1

    def get_queryset(self, request):
        # Each row prints its intervention (with its youth) and its domain.
        return super().get_queryset(request).select_related("intervention__youth", "domain")


class InterventionPartnerInline(admin.TabularInline):
    model = InterventionPartner
    fields = ["partner"]
    extra = 0
    autocomplete_fields = ["partner"]


@admin.register(Intervention)
class InterventionAdmin(SimpleHistoryAdmin):
    list_display = ["date", "youth", "kind", "author"]
    # A date filter rather than a date hierarchy: the hierarchy's list of years is a DISTINCT over every
    # intervention, on each visit of the list.
    list_filter = [("date", admin.DateFieldListFilter), "kind", "domains", "youth__team"]
    search_fields = ["youth__reference", "youth__first_name"]
    list_select_related = ["youth", "author"]
    show_full_result_count = False  # a second count of every intervention (a million in a federation)
    autocomplete_fields = ["youth", "educators"]
    inlines = [InterventionDomainInline, InterventionPartnerInline]


@admin.register(CollectiveAction)
class CollectiveActionAdmin(QuartierChoicesMixin, admin.ModelAdmin):
    list_display = ["date", "title", "kind", "carrying", "team", "commune", "quartier", "anonymous_participants"]
    list_filter = ["kind", "carrying", "team", "commune", "after_needs_assessment"]
    search_fields = ["title", "description"]
    date_hierarchy = "date"
    list_select_related = ["team", "commune", "quartier__commune"]  # a quartier prints its commune
    autocomplete_fields = ["quartier", "participants", "partners"]


@admin.register(PresenceSession)
class PresenceSessionAdmin(QuartierChoicesMixin, admin.ModelAdmin):
    list_display = ["date", "start_time", "duration_minutes", "place", "team", "commune", "quartier", "educator_count"]
    list_filter = ["place", "team", "commune"]
    date_hierarchy = "date"
    list_select_related = ["team", "commune", "quartier__commune"]  # a quartier prints its commune
    autocomplete_fields = ["quartier", "educators"]


@admin.register(PartnerMeeting)
class PartnerMeetingAdmin(QuartierChoicesMixin, admin.ModelAdmin):
    list_display = ["date", "title", "kind", "duration_minutes", "team", "commune"]
    list_filter = ["kind", "team"]
    search_fields = ["title"]
    date_hierarchy = "date"
    list_select_related = ["team", "commune"]
    autocomplete_fields = ["quartier", "partners", "educators"]
