"""Copy the front-end files the platform serves from node_modules into static/vendor.

Only the needed dist files are copied (no source maps, no unused packages)."""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE = ROOT / "node_modules"
VENDOR = ROOT / "src" / "digitalstadt" / "static" / "vendor"

FILES = {
    "@kern-ux/native/dist/kern.min.css": "kern/kern.min.css",
    "@kern-ux/native/dist/fonts/fira-sans.css": "kern/fonts/fira-sans.css",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    # ALTCHA widget, CSP-friendly build: no injected <style>, no blob: workers; the SHA
    # worker is registered from static by static/js/altcha-setup.js.
    "altcha/dist/external/altcha.min.js": "altcha/altcha.min.js",
    "altcha/dist/external/altcha.css": "altcha/altcha.css",
    "altcha/dist/workers/sha.js": "altcha/workers/sha.js",
    "altcha/dist/i18n/de.js": "altcha/i18n/de.js",
    # QR scanner for the shops' pickup page (static/js/pickup-scan.js): Chromium on
    # Linux has no BarcodeDetector.
    "jsqr/dist/jsQR.js": "jsqr/jsQR.js",
    # Leaflet for maps (the shop directory); the pages draw circle markers, the marker
    # images are copied for Leaflet's CSS references only.
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    "leaflet/dist/images/layers.png": "leaflet/images/layers.png",
    "leaflet/dist/images/layers-2x.png": "leaflet/images/layers-2x.png",
    "leaflet/dist/images/marker-icon.png": "leaflet/images/marker-icon.png",
    "leaflet/dist/images/marker-icon-2x.png": "leaflet/images/marker-icon-2x.png",
    "leaflet/dist/images/marker-shadow.png": "leaflet/images/marker-shadow.png",
}
FONT_WEIGHTS = ["Light", "LightItalic", "Regular", "Italic", "Medium", "MediumItalic", "SemiBold",
                "SemiBoldItalic", "Bold", "BoldItalic"]


def main() -> int:
    if not NODE.exists():
        print("node_modules missing: run `npm ci` first", file=sys.stderr)
        return 1
    for src, dest in FILES.items():
        target = VENDOR / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NODE / src, target)
    fonts_src = NODE / "@kern-ux/native/dist/fonts/fira-sans"
    fonts_dest = VENDOR / "kern/fonts/fira-sans"
    fonts_dest.mkdir(parents=True, exist_ok=True)
    for font in fonts_src.glob("*.woff2"):
        shutil.copyfile(font, fonts_dest / font.name)
    # axe-core is only for the browser tests; it stays out of static.
    return 0


if __name__ == "__main__":
    sys.exit(main())
