"""One django-import-export resource per kind of file, in the order a new team imports them."""

from emps.transfer.resources.activity import ActionResource, InterventionResource, MeetingResource, PresenceResource
from emps.transfer.resources.base import TransferResource
from emps.transfer.resources.territory import PartnerResource, TerritoryResource
from emps.transfer.resources.youths import YouthResource

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
