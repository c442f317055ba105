"""REST endpoints of the collaboration links. Team members may add and edit them. Thin."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter

from keystage.accounts.roles import Perm
from keystage.planning.models.collaboration import LinkKind
from keystage.planning.selectors import collaboration as selectors
from keystage.planning.serializers.collaboration import (
    CollaborationLinkSerializer,
    CollaborationLinkWriteSerializer,
)
from keystage.planning.services import collaboration as services
from keystage.portfolio.record_api import record_views

CollaborationLinkListView, CollaborationLinkDetailView = record_views(
    noun="collaboration link",
    id_kwarg="link_id",
    output=CollaborationLinkSerializer,
    write=CollaborationLinkWriteSerializer,
    perm=Perm.CONTRIBUTE,
    list_fn=selectors.collaboration_link_list,
    get_fn=selectors.collaboration_link_get,
    create_fn=services.collaboration_link_create,
    update_fn=services.collaboration_link_update,
    delete_fn=services.collaboration_link_delete,
    instance_kwarg="link",
    list_params=[OpenApiParameter("kind", str, enum=LinkKind.values)],
)
