"""API keys, for admins: create (the secret is shown once), list, revoke."""
from __future__ import annotations

from flask.views import MethodView

from schemas.keys import KeyCreateSchema, KeyListSchema, KeySchema
from service.api import context
from service.api.access import requires
from service.api.parsing import Blueprint
from service.auth import Permission, create_key

blp = Blueprint("keys", __name__, url_prefix="/api/v1/keys", description="API keys (admin)")


@blp.route("")
class Keys(MethodView):
    @requires(Permission.ADMIN)
    @blp.response(200, KeyListSchema)
    def get(self):
        """Every key: id, name, role, created, last used, revoked."""
        return {"keys": context.store().list_keys()}

    @requires(Permission.ADMIN)
    @blp.arguments(KeyCreateSchema)
    @blp.response(201, KeySchema)
    def post(self, data):
        """Create a key; its secret is in this answer only."""
        record, secret = create_key(context.store(), role=data["role"], name=data["name"])
        return {**record, "secret": secret}


@blp.route("/<string:key_id>")
class Key(MethodView):
    @requires(Permission.ADMIN)
    @blp.response(200, KeySchema)
    def delete(self, key_id):
        """Revoke a key: it stops working at once."""
        return context.store().revoke_key(key_id)
