"""coresearch: research projects with co-researchers (medforskere)."""

import os

# Piccolo finds its engine and app registry through this module path.
os.environ.setdefault("PICCOLO_CONF", "coresearch.piccolo_conf")

__version__ = "0.1.0"
