"""An import-linter contract type: apps meet only through each other's public API.

`public_api` (see `[tool.importlinter]` in pyproject.toml): for every app listed, a
module outside the app may import only the app's public modules (`services`,
`selectors`, `types`, `registry`, each a module or a package, imported as a whole).
Models, views, forms,
admin, plugins and every other module stay private to their app. Tests, migrations
and the project's wiring modules (settings, root urls, the API root) are exempt.

Why a contract type of our own: import-linter's built-in types forbid named modules;
here everything that is *not* public is forbidden, so a new private module is covered
the day it is written.
"""

from __future__ import annotations

import fnmatch

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class PublicApiContract(Contract):
    type_name = "public_api"

    apps = fields.ListField(subfield=fields.StringField())
    public = fields.ListField(subfield=fields.StringField())
    exempt_importers = fields.ListField(subfield=fields.StringField(), required=False, default=[])

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        violations = []
        apps = list(self.apps)
        for importer in sorted(graph.modules):
            if self._exempt(importer):
                continue
            importer_app = self._app_of(importer, apps)
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                imported_app = self._app_of(imported, apps)
                if imported_app is None or imported_app == importer_app or self._is_public(imported, imported_app):
                    continue
                details = graph.get_import_details(importer=importer, imported=imported)
                violations.append({
                    "importer": importer, "imported": imported,
                    "lines": [(d["line_number"], d["line_contents"]) for d in details],
                })
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for violation in check.metadata["violations"]:
            output.print_error(f"{violation['importer']} imports {violation['imported']}, which is not public:")
            output.indent_cursor()
            for line_number, contents in violation["lines"]:
                output.print_error(f"line {line_number}: {contents}", bold=False)
            output.new_line()
        output.print(
            "Import only an app's public modules (" + ", ".join(self.public) + "), or move what you need there.")

    @staticmethod
    def _app_of(module: str, apps: list[str]) -> str | None:
        for app in apps:
            if module == app or module.startswith(app + "."):
                return app
        return None

    def _is_public(self, module: str, app: str) -> bool:
        """Only the public module itself (`app.services`), not a module inside a public
        package (`app.services.statements` is the package's own business)."""
        tail = module[len(app) + 1:] if module != app else ""
        return tail in self.public

    def _exempt(self, module: str) -> bool:
        return any(fnmatch.fnmatchcase(module, pattern) for pattern in self.exempt_importers)
