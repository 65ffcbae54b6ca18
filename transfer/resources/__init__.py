"""One django-import-export resource per kind of file, in the order a new team imports them."""

from transfer.resources.activity import ActionResource, InterventionResource, MeetingResource, PresenceResource
from transfer.resources.base import TransferResource
from transfer.resources.territory import PartnerResource, TerritoryResource
from transfer.resources.youths import YouthResource

KINDS: dict[str, type[TransferResource]] = {
    resource.kind: resource
    for resource in (
        TerritoryResource,
        PartnerResource,
        YouthResource,
        InterventionResource,
        PresenceResource,
        ActionResource,
        MeetingResource,
    )
}

__all__ = ["KINDS", "TransferResource"]
