"""The ``backup`` serialization format: Django's JSON fixture format with exact times.

Django's JSON encoder cuts times to milliseconds (ECMA-262's date format); a backup keeps them to the
microsecond, as the database does. Anything Django's ``json`` deserializer reads, this one reads.
Registered in settings.SERIALIZATION_MODULES, so a file named ``*.backup`` (or ``*.backup.gz``...) is loaded
with it.
"""

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, except that datetimes and times keep their microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder


Deserializer = django_json.Deserializer
