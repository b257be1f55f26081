"""CSV downloads that open cleanly in a French spreadsheet (semicolons, UTF-8 with BOM)."""
import csv
import io

from flask import Response

from aap.core.text import spreadsheet_cell


def csv_response(filename: str, header: list[str], rows) -> Response:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_cell(value) for value in row])
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
