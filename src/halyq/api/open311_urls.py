"""Open311 GeoReport v2 routes (/open311/v2/…): every resource as `.json` or `.xml`."""

from django.urls import re_path

from halyq.api import open311

FORMAT = r"\.(?P<format>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, open311.DiscoveryView.as_view(), name="open311-discovery"),
    re_path(r"^services" + FORMAT, open311.ServiceListView.as_view(), name="open311-services"),
    re_path(
        r"^services/(?P<service_code>[-a-zA-Z0-9_]{1,40})" + FORMAT,
        open311.ServiceDefinitionView.as_view(),
        name="open311-service",
    ),
    re_path(r"^requests" + FORMAT, open311.RequestListView.as_view(), name="open311-requests"),
    re_path(
        r"^requests/(?P<service_request_id>[0-9a-zA-Z]{1,64})" + FORMAT,
        open311.RequestDetailView.as_view(),
        name="open311-request",
    ),
    re_path(r"^", open311.NotFoundView.as_view(), name="open311-not-found"),
]
