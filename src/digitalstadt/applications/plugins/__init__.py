"""Service plugins: one module per online service, registered on import."""

from . import bewohnerparkausweis, gewerbeanmeldung, hundesteuer, meldebescheinigung, sperrmuell, ummeldung  # noqa: F401
