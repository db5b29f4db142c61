"""Request schemas (pydantic v2): they validate bodies and generate the OpenAPI document."""
