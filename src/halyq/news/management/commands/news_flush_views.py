"""`halyq news_flush_views`: move counted views from Redis to the database and forget
visitor hashes older than a day.

Run it every minute in production (cron: `* * * * * halyq news_flush_views`, or a
systemd timer with `OnCalendar=minutely`). Without REDIS_URL views are written by the
web processes themselves and this command only prunes.
"""

from django.core.management.base import BaseCommand, CommandError

from halyq.news.counting import build_view_counter, prune_view_records


class Command(BaseCommand):
    help = "Move counted news views from Redis to the database (run every minute)."

    def handle(self, *args, **options):
        import redis

        counter = build_view_counter()
        try:
            moved = counter.flush()
        except redis.RedisError as error:
            raise CommandError(
                f"Redis could not be reached ({type(error).__name__}); views stay in Redis "
                "until it is back. Check REDIS_URL and that the server is running."
            ) from None
        visitors, hours = prune_view_records()
        self.stdout.write(
            f"news views: {moved} new unique views moved ({counter.name} path); "
            f"forgot {visitors} old visitor hashes and {hours} old hour buckets."
        )
