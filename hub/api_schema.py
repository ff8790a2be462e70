"""OpenAPI schema pieces shared by every API module (drf-spectacular).

`paginated(Serializer)` documents a list endpoint's envelope
``{count, next, previous, results: [...]}``.
"""

from functools import cache

from rest_framework import serializers


@cache
def paginated(serializer_class):
    """A serializer describing one page of `serializer_class` items."""
    name = serializer_class.__name__
    for suffix in ("Serializer", "Output"):
        name = name.removesuffix(suffix)
    return type(
        f"Paginated{name}List",
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(min_value=0),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
            "__module__": serializer_class.__module__,
        },
    )
