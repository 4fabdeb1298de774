"""The public open-data page and the downloads of the served export."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from halyq.opendata import selectors
from halyq.opendata.package import LICENSE
from halyq.ratings.snapshots import latest_public_snapshot

# The files' titles in the reader's language (datapackage.json holds them in English).
TITLES = {
    "persons": _("People (Popolo persons)"),
    "organizations": _("Organisations (Popolo)"),
    "memberships": _("Memberships (Popolo)"),
    "posts": _("Posts (Popolo)"),
    "areas": _("Regions and districts (Popolo areas)"),
    "events": _("Event log, pseudonymised"),
    "snapshots": _("All published rating snapshots"),
    "rating-latest-json": _("Latest rating (JSON)"),
    "rating-latest": _("Latest rating (CSV)"),
    "rating-history": _("Rating history (CSV)"),
    "methodology": _("Methodology versions"),
    "appeals-by-district": _("Appeals by district, category and month (CSV)"),
    "programmes": _("Election programmes"),
    "programme-measures": _("Programme measures"),
    "programme-mandates": _("Voters' mandates"),
    "programme-history": _("Programme history"),
    "readme": _("Read me: the files, the rules and how to verify"),
}


@require_safe
def index(request):
    export = selectors.current_export()
    snapshot = latest_public_snapshot()
    files, inputs = [], []
    if export is not None:
        files = [
            (file, TITLES.get(file.resource, file.title))
            for file in export.files
            if "/" not in file.name
        ]
        # The latest snapshot's inputs on the page; all of them are in datapackage.json.
        latest = (export.anchors.get("latest_snapshot") or {}).get("snapshot_id")
        prefix = f"snapshot_inputs/{latest}/"
        inputs = [file for file in export.files if file.name.startswith(prefix)]
    return render(
        request,
        "opendata/index.html",
        {
            "export": export,
            "files": files,
            "inputs": inputs,
            "snapshot": snapshot,
            "license": LICENSE,
        },
    )


@require_safe
def download(request, name):
    try:
        path, media_type = selectors.export_file(name)
    except selectors.ExportFileMissing:
        raise Http404 from None
    try:
        handle = path.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=name.replace("/", "_"), content_type=media_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=300"
    return response
