import csv
import io
from decimal import Decimal

import pytest

from aap.core.exports import csv_response


def cells(*values):
    text = csv_response("x.csv", ["a"] * len(values), [list(values)]).get_data(as_text=True)
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))[1]


@pytest.mark.parametrize("hostile", [
    "=1+1", " =1+1", "\n=1+1", "\u3000=1+1", "\u200b=1+1", "＝1+1", "﹦1+1", "＋1+1", "－1+1", "＠SUM(A1)",
    "\t=1+1", "\r=1+1", "+33 1 23 45 67 89", "-1+2", "@SUM(A1:A2)",
])
def test_a_cell_that_a_spreadsheet_would_run_is_written_as_text(hostile):
    assert cells(hostile) == ["'" + hostile]


def test_numbers_stay_numbers_even_negative():
    assert cells(-500, Decimal("-500.50"), Decimal("12000"), 2.5, "-500", "-1,50", "3") == [
        "-500", "-500,50", "12000", "2,5", "-500", "-1,50", "3"]


def test_ordinary_text_is_written_as_typed():
    assert cells("Vélos solidaires", "", None, "Saint-Denis", "a=b") == [
        "Vélos solidaires", "", "", "Saint-Denis", "a=b"]
