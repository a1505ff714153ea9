"""Copy the built GOV.UK Frontend and MoJ Frontend assets from node_modules into static files.

GOV.UK Frontend's compiled CSS refers to /assets/...; we serve it under /static/vendor/govuk/assets/, so the
copy rewrites those URLs. Run after `npm ci`; whitenoise serves the result. No CDN: kiosks have no internet.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
TARGET = ROOT / "src" / "throughgate" / "core" / "static" / "vendor"


def main() -> int:
    govuk = MODULES / "govuk-frontend" / "dist" / "govuk"
    moj = MODULES / "@ministryofjustice" / "frontend" / "moj"
    for source in (govuk, moj):
        if not source.is_dir():
            print(f"missing {source}: run `npm ci` first", file=sys.stderr)
            return 1
    if TARGET.exists():
        shutil.rmtree(TARGET)
    (TARGET / "govuk").mkdir(parents=True)
    (TARGET / "moj").mkdir(parents=True)
    shutil.copytree(govuk / "assets", TARGET / "govuk" / "assets")
    css = (govuk / "govuk-frontend.min.css").read_text()
    (TARGET / "govuk" / "govuk-frontend.min.css").write_text(
        css.replace("url(/assets/", "url(/static/vendor/govuk/assets/")
    )
    shutil.copy2(govuk / "govuk-frontend.min.js", TARGET / "govuk" / "govuk-frontend.min.js")
    moj_css = (moj / "moj-frontend.min.css").read_text()
    (TARGET / "moj" / "moj-frontend.min.css").write_text(
        moj_css.replace("url(/assets/", "url(/static/vendor/moj/assets/")
    )
    shutil.copy2(moj / "moj-frontend.min.js", TARGET / "moj" / "moj-frontend.min.js")
    # The minified files end with a sourceMappingURL comment: collectstatic's manifest storage (production) fails
    # when the map it names is missing, so the maps travel with them.
    for source, folder in ((govuk, "govuk"), (moj, "moj")):
        for name in (f"{folder}-frontend.min.css.map", f"{folder}-frontend.min.js.map"):
            if (source / name).is_file():
                shutil.copy2(source / name, TARGET / folder / name)
    if (moj / "assets").is_dir():
        shutil.copytree(moj / "assets", TARGET / "moj" / "assets")
    print(f"front-end assets copied to {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
