from django.conf import settings


def site(request):
    return {"site_name": "Halyq", "languages": settings.LANGUAGES}
