"""The offline UK gazetteer: its sources, its build and status, and resolving what people type to a place."""
