"""Piccolo configuration: the engine (from COSEARCH_DATABASE_URL) and the app registry.

The engine built here is what the `piccolo` command line uses; the service replaces it at start-up
through `coresearch.lib.db.open_database`.
"""

from piccolo.conf.apps import AppRegistry

from coresearch.lib.db import engine_from_url
from coresearch.settings import database_url_from_environment

DB = engine_from_url(database_url_from_environment())

APP_REGISTRY = AppRegistry(apps=["coresearch.piccolo_app"])
