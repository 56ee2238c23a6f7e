"""Periodic job (every five minutes): expire waiting-list offers and unpaid holds (the
seats go to the next waiting person) and send the reminders due. Safe to run at any
time and twice."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Expire seat offers and payment holds of event registrations; send the day and hour reminders."

    def handle(self, *args, **options):
        from digitalstadt.business.registration_reminders import reminders_send
        from digitalstadt.business.waitlist import holds_expire

        expired = holds_expire()
        sent = reminders_send()
        self.stdout.write(f"expired: {expired}, reminders: {sent['day_before']} day, {sent['hour_before']} hour")
