"""Periodic job (daily): the forum's e-mail digest for members who track threads or
categories. Safe to run twice: a member gets each post at most once."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Send the forum's daily digest to members tracking threads or categories."

    def handle(self, *args, **options):
        from digitalstadt.exchange.notifications import digest_send

        self.stdout.write(f"{digest_send()} digests sent")
