"""Rebuilds the product search index from scratch (after a restore, or when the index
and the products have drifted apart): `manage.py marketplace_search_index`."""

from django.core.management.base import BaseCommand

from digitalstadt.marketplace.search_index import index_products


class Command(BaseCommand):
    help = "Rebuild the marketplace's product search index (products of live shops)."

    def handle(self, *args, **options):
        count = index_products()
        self.stdout.write(f"{count} products indexed")
