"""Runs the helper: ``python3 -m throughgate_squid_helper --url ...``. ``throughgate access squid-conf`` copies this
file as ``squid_helper.py`` next to the package, and Squid runs that file (its folder is then on the import path)."""

from throughgate_squid_helper.serve import main

if __name__ == "__main__":
    main()
