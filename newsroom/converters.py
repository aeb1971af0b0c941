"""URL converters shared by the apps' URLconfs."""

from django.urls import register_converter


class NewsCodeConverter:
    """A news code: 1 to 2,147,483,647 (the column's range on every database). Anything else is
    a 404 at the URL, never a value that reaches the database or the view counter."""

    regex = "[0-9]{1,10}"
    MAX = 2_147_483_647

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= self.MAX:
            raise ValueError(value)  # the URL resolver treats this as "no match"
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(NewsCodeConverter, "code")


class PageNumberConverter:
    """A comment page number: 1 to 99,999 (a larger one is a 404, never an OFFSET to run)."""

    regex = "[0-9]{1,5}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number < 1:
            raise ValueError(value)
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(PageNumberConverter, "pagenum")
