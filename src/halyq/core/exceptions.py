from django.core.exceptions import BadRequest


class PublicBadRequest(BadRequest):
    """A 400 whose message is written for the reader and may be shown on the error page."""

    public = True
