"""The base every table derives from: bound to the one database proxy, snake_case table names."""
from peewee import Model

from core.db import database


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False
