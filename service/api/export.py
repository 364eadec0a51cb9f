"""Export: every claim the list's filters select, streamed as NDJSON or CSV in constant memory."""
from __future__ import annotations

import datetime

from flask import Response, stream_with_context
from flask.views import MethodView

from schemas.claims import ClaimExportQuerySchema
from service import export
from service.api import context
from service.api.access import requires
from service.api.claims import claim_filters
from service.api.parsing import Blueprint
from service.auth import Permission

blp = Blueprint("export", __name__, url_prefix="/api/v1/export", description="Claims exported whole")


@blp.route("/claims")
class ClaimsExport(MethodView):
    @requires(Permission.READ)
    @blp.arguments(ClaimExportQuerySchema, location="query")
    @blp.response(200, description="NDJSON (a claim per line) or CSV (a header row, then a row per claim)",
                  content_type="application/x-ndjson")
    def get(self, query):
        """Every claim the claims list's filters select, in its order, with no row cap: read a page
        at a time as it is sent. A failure part-way ends the stream without its final chunk, so a
        client sees a broken transfer, never a short file that looks whole."""
        export_format = query["format"]
        lines = export.lines(export.claims(context.store(), claim_filters(query)), export_format)
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        return Response(stream_with_context(lines), mimetype=export.MEDIA_TYPES[export_format].split(";")[0],
                        content_type=export.MEDIA_TYPES[export_format],
                        headers={"Content-Disposition": f'attachment; filename="claims-{stamp}.{export_format}"',
                                 "Cache-Control": "no-store"})
