"""The numbered migrations build exactly the tables the models describe (no column missing or left over)."""
from core.models import ALL_MODELS


def test_every_table_has_exactly_the_columns_its_model_declares(db):
    differences = {}
    for model in ALL_MODELS:
        table = model._meta.table_name
        in_database = {column.name for column in db.get_columns(table)}
        declared = {field.column_name for field in model._meta.sorted_fields}
        if in_database != declared:
            differences[table] = {"missing": sorted(declared - in_database), "extra": sorted(in_database - declared)}
    assert differences == {}


def test_every_index_a_model_declares_exists(db):
    missing = []
    for model in ALL_MODELS:
        table = model._meta.table_name
        built = {tuple(index.columns) for index in db.get_indexes(table)}
        for fields, _unique in model._meta.indexes:
            columns = tuple(model._meta.fields[name].column_name for name in fields)
            if columns not in built:
                missing.append(f"{table}{columns}")
    assert missing == []
