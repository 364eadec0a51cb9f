"""marshmallow schemas: the HTTP contract, one module per resource."""
