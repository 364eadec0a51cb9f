"""The calling key itself: who it is and what its role may do."""
from __future__ import annotations

from flask.views import MethodView

from schemas.keys import CallerSchema
from service.api.access import current_actor, requires
from service.api.parsing import Blueprint
from service.auth import ROLE_PERMISSIONS, Permission

blp = Blueprint("me", __name__, url_prefix="/api/v1/me", description="The calling API key")


@blp.route("")
class Me(MethodView):
    @requires(Permission.READ)
    @blp.response(200, CallerSchema)
    def get(self):
        """The key's id, name, role and permissions, so a client shows only what it may do."""
        actor = current_actor()
        granted = ROLE_PERMISSIONS[actor.role]
        return {"key_id": actor.key_id, "name": actor.name, "role": actor.role,
                "permissions": [p.value for p in Permission if p in granted]}
