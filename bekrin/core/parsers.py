"""The one JSON parser of every view (DEFAULT_PARSER_CLASSES, and the views that also take forms).

DRF's parser answers malformed JSON with a 400, but a body nested deeply enough to exhaust Python's recursion
(`[[[[…]]]]` 100,000 deep) raises RecursionError, which would be a 500.
"""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class JsonParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply.")) from None
