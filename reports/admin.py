from django.contrib import admin

from reports.models import BilanNarrative


@admin.register(BilanNarrative)
class BilanNarrativeAdmin(admin.ModelAdmin):
    list_display = ["team", "commune", "start", "end", "updated_at", "updated_by"]
    list_filter = ["team"]
    list_select_related = ["team", "commune", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]
