"""Reads an amzdb workbook with openpyxl (a real reader) and prints what the tests check,
as JSON on stdout.

    python workbook.py amzdb.xlsx            # every sheet: header, types, formats, panes
    python workbook.py amzdb.xlsx SHEET      # that sheet's rows as JSON lists

Summary, one object per sheet, in workbook order:
  name, header (the first row), rows (data rows), freeze ("A2" when the header is frozen),
  filter (the autofilter range), formulas (cells whose type is 'f', or whose value is a
  formula object), quote_prefix (cells with the guard-apostrophe style),
  columns: {header: {"types": {type: count}, "formats": {format: count}, "width": w}}
Cell types are openpyxl's: 'n' number, 's' text, 'd' date, 'b' bool, 'f' formula
(empty cells are not counted).
"""
import datetime
import json
import sys

import openpyxl


def value(cell):
    v = cell.value
    if isinstance(v, datetime.datetime):
        return v.date().isoformat() if v.time() == datetime.time(0) else v.isoformat()
    if isinstance(v, datetime.date):
        return v.isoformat()
    return v


def summary(book):
    sheets = []
    for ws in book.worksheets:
        rows = list(ws.iter_rows())
        header = [c.value for c in rows[0]] if rows else []
        columns = {str(h): {"types": {}, "formats": {}, "width": None} for h in header}
        formulas, quoted = [], []
        for row in rows:
            for cell in row:
                if cell.value is None:
                    continue
                if cell.data_type == "f" or type(cell.value).__name__ in (
                    "ArrayFormula",
                    "DataTableFormula",
                ):
                    formulas.append(cell.coordinate)
                if cell.quotePrefix:
                    quoted.append(cell.coordinate)
                if cell.row == 1 or cell.column > len(header):
                    continue
                column = columns[str(header[cell.column - 1])]
                column["types"][cell.data_type] = column["types"].get(cell.data_type, 0) + 1
                fmt = cell.number_format
                column["formats"][fmt] = column["formats"].get(fmt, 0) + 1
        # A <col> element may span several columns of one width (openpyxl keys it by
        # its first column).
        widths = {}
        for dim in ws.column_dimensions.values():
            for i in range(dim.min or 0, (dim.max or 0) + 1):
                widths[i] = dim.width
        for i, h in enumerate(header, start=1):
            columns[str(h)]["width"] = widths.get(i)
        sheets.append(
            {
                "name": ws.title,
                "header": header,
                "rows": max(len(rows) - 1, 0),
                "freeze": ws.freeze_panes,
                "filter": ws.auto_filter.ref,
                "formulas": formulas,
                "quote_prefix": quoted,
                "columns": columns,
            }
        )
    return sheets


def main():
    book = openpyxl.load_workbook(sys.argv[1])
    if len(sys.argv) > 2:
        ws = book[sys.argv[2]]
        json.dump([[value(c) for c in row] for row in ws.iter_rows()], sys.stdout, ensure_ascii=False)
    else:
        json.dump(summary(book), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
