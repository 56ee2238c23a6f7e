"""The product search index: the document and vocabulary tables, and per database the
full-text parts Django's models cannot declare.

- Both: triggers on the variants keep the document's `in_stock` current.
- SQLite: an FTS5 table of the stemmed words (rowid = product id, one column per
  weighted field, and `parts`: the tails of compound words) and an FTS5 trigram table over the vocabulary for typo corrections.
- PostgreSQL: a `document` tsvector column with a GIN index, and pg_trgm's GIN index on
  the vocabulary for similarity look-ups.
"""

import django.db.models.deletion
from django.db import migrations, models

# "Some variant available now" (on_hand > reserved) answered from the index, once per hit.
VARIANT_STOCK_INDEX = ("CREATE INDEX marketplace_variant_stock_cover ON marketplace_variant "
                       "(product_id, on_hand, reserved)")
# The document's `in_stock` follows every stock write (till report, checkout hold, API,
# admin, bulk update): an index the database keeps, like the full-text ones, not a rule
# of the shop. Variants never move to another product.
_IN_STOCK = ("UPDATE marketplace_searchdocument SET in_stock = EXISTS (SELECT 1 FROM marketplace_variant v "
             "WHERE v.product_id = {row}.product_id AND v.on_hand > v.reserved) WHERE product_id = {row}.product_id")
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER marketplace_variant_search_stock_update AFTER UPDATE OF on_hand, reserved ON marketplace_variant "
    f"BEGIN {_IN_STOCK.format(row='NEW')}; END",
    f"CREATE TRIGGER marketplace_variant_search_stock_insert AFTER INSERT ON marketplace_variant "
    f"BEGIN {_IN_STOCK.format(row='NEW')}; END",
    f"CREATE TRIGGER marketplace_variant_search_stock_delete AFTER DELETE ON marketplace_variant "
    f"BEGIN {_IN_STOCK.format(row='OLD')}; END",
]
POSTGRES_TRIGGERS = [
    "CREATE FUNCTION marketplace_variant_search_stock() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "DECLARE row_product bigint; BEGIN "
    "IF TG_OP = 'DELETE' THEN row_product := OLD.product_id; ELSE row_product := NEW.product_id; END IF; "
    "UPDATE marketplace_searchdocument SET in_stock = EXISTS (SELECT 1 FROM marketplace_variant v "
    "WHERE v.product_id = row_product AND v.on_hand > v.reserved) WHERE product_id = row_product; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER marketplace_variant_search_stock AFTER INSERT OR DELETE OR UPDATE OF on_hand, reserved "
    "ON marketplace_variant FOR EACH ROW EXECUTE FUNCTION marketplace_variant_search_stock()",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE marketplace_search_fts USING fts5("
    "title, brand, category, description, shop, parts, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE marketplace_search_words_trigram USING fts5(word, tokenize = 'trigram')",
    # The facet columns read from the index alone, once per hit (the table's key is no rowid alias).
    "CREATE INDEX marketplace_searchdocument_facets ON marketplace_searchdocument "
    "(product_id, shop_id, category_id, district, price_cents, in_stock)",
    VARIANT_STOCK_INDEX,
    *SQLITE_TRIGGERS,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS marketplace_variant_search_stock_update",
    "DROP TRIGGER IF EXISTS marketplace_variant_search_stock_insert",
    "DROP TRIGGER IF EXISTS marketplace_variant_search_stock_delete",
    "DROP INDEX IF EXISTS marketplace_variant_stock_cover",
    "DROP INDEX IF EXISTS marketplace_searchdocument_facets",
    "DROP TABLE IF EXISTS marketplace_search_words_trigram",
    "DROP TABLE IF EXISTS marketplace_search_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE marketplace_searchdocument ADD COLUMN document tsvector NOT NULL DEFAULT ''::tsvector",
    "CREATE INDEX marketplace_searchdocument_document_gin ON marketplace_searchdocument USING gin (document)",
    "CREATE INDEX marketplace_searchword_word_trgm ON marketplace_searchword USING gin (word gin_trgm_ops)",
    VARIANT_STOCK_INDEX,
    *POSTGRES_TRIGGERS,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS marketplace_variant_search_stock ON marketplace_variant",
    "DROP FUNCTION IF EXISTS marketplace_variant_search_stock()",
    "DROP INDEX IF EXISTS marketplace_variant_stock_cover",
    "DROP INDEX IF EXISTS marketplace_searchword_word_trgm",
    "DROP INDEX IF EXISTS marketplace_searchdocument_document_gin",
    "ALTER TABLE marketplace_searchdocument DROP COLUMN IF EXISTS document",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("marketplace", "0003_orders"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("product", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                                                 related_name="+", serialize=False, to="marketplace.product")),
                ("district", models.CharField(blank=True, db_index=True, max_length=100)),
                ("price_cents", models.PositiveIntegerField(default=0)),
                ("in_stock", models.BooleanField(default=False)),
                ("indexed_at", models.DateTimeField(auto_now=True)),
                ("category", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                               related_name="+", to="marketplace.category")),
                ("shop", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                           to="marketplace.shop")),
            ],
        ),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("word", models.CharField(max_length=64, unique=True)),
            ],
        ),
        migrations.RunPython(_run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
                             _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD})),
    ]
