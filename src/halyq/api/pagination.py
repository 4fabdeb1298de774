"""Page-number pagination with a stable order, strict about its parameters.

Every list is ordered on a unique key (its natural order, then id), so pages never
repeat or skip rows. `page` must be a whole number from 1 (else 400 `invalid_page`);
a page past the last is 404 `page_out_of_range` (page 1 of an empty list is fine);
`page_size` is 1–100 (default 25), anything else is 400.
"""

from __future__ import annotations

from django.core.paginator import InvalidPage
from django.utils.translation import gettext_lazy as _
from rest_framework import pagination

from halyq.api.problems import ApiProblem

MAX_PAGE_SIZE = 100


def _positive_int(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 9 or int(raw) < 1:
        raise ValueError(raw)
    return int(raw)


class PagePagination(pagination.PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        try:
            size = _positive_int(request.query_params.get(self.page_size_query_param))
        except ValueError:
            size = 0
        if size is None:
            return self.page_size
        if not 1 <= size <= self.max_page_size:
            raise ApiProblem(
                code="invalid_page",
                detail=_("page_size must be a whole number from 1 to %(max)s.")
                % {"max": self.max_page_size},
            )
        return size

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        try:
            number = _positive_int(request.query_params.get(self.page_query_param)) or 1
        except ValueError:
            raise ApiProblem(
                code="invalid_page", detail=_("page must be a whole number from 1.")
            ) from None
        paginator = self.django_paginator_class(queryset, page_size)
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            raise ApiProblem(
                code="page_out_of_range",
                detail=_("The last page is %(count)s; page %(number)s does not exist.")
                % {"count": paginator.num_pages, "number": number},
            ) from None
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Page number, from 1.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page, 1–{self.max_page_size} (default 25).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
