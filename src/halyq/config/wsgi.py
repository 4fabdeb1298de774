import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halyq.config.settings.production")
application = get_wsgi_application()

# Import every view now, then put what start-up built out of the garbage collector's
# reach: otherwise each full collection scans all of Django, DRF and NumPy again and adds
# 100-200 ms to whichever request it lands in (bench/bench_people_list.py measures it).
get_resolver().url_patterns  # noqa: B018 — the attribute loads the URLconf and views
gc.freeze()
