using System.Globalization;

namespace Monitor.Sources.Tables;

/// <summary>
/// A sheet of cells as a report holds them: a worksheet of a workbook (cells are numbers, dates or text) or a CSV file
/// (cells are text; blank lines are empty rows, so row <c>i</c> is line <c>i + 1</c>). Places are named the way a person
/// finds them: <c>sheet Silver, cell B12</c> or <c>line 14</c>.
/// </summary>
internal sealed class Grid(string? sheetName, IReadOnlyList<object?[]> rows)
{
    public int RowCount => rows.Count;

    public int ColumnCount(int row) => rows[row].Length;

    public object? Value(int row, int column) =>
        row < rows.Count && column < rows[row].Length ? rows[row][column] : null;

    /// <summary>The cell as trimmed text ("" when empty); numbers in invariant form.</summary>
    public string Text(int row, int column) => Value(row, column) switch
    {
        null => "",
        string text => text.Trim(),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        DateTime time => time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        var other => Convert.ToString(other, CultureInfo.InvariantCulture)?.Trim() ?? "",
    };

    /// <summary>Whether every cell of the row is empty.</summary>
    public bool IsBlank(int row)
    {
        for (int column = 0; column < rows[row].Length; column++)
        {
            if (Text(row, column).Length > 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A number cell, or text that reads as one (thousands separators, a currency sign); the reason when not.</summary>
    public bool TryNumber(int row, int column, string field, out double value, out string error)
    {
        error = "";
        switch (Value(row, column))
        {
            case double number when double.IsFinite(number):
                value = number;
                return true;
            case int or long or decimal or float:
                value = Convert.ToDouble(Value(row, column), CultureInfo.InvariantCulture);
                return true;
            default:
                return ImportValues.TryParseNumber(Text(row, column), field, out value, out error);
        }
    }

    /// <summary>Where a cell is: <c>sheet Silver, cell B12</c>, or <c>line 14</c> in a CSV file.</summary>
    public string Where(int row, int column) =>
        sheetName is null ? $"line {row + 1}" : $"sheet {sheetName}, cell {ColumnName(column)}{row + 1}";

    /// <summary>Where a row is: <c>sheet Silver, row 12</c>, or <c>line 12</c> in a CSV file.</summary>
    public string WhereRow(int row) => sheetName is null ? $"line {row + 1}" : $"sheet {sheetName}, row {row + 1}";

    /// <summary>Spreadsheet column letters: A..Z, AA..</summary>
    public static string ColumnName(int column)
    {
        string name = "";
        for (int n = column + 1; n > 0; n = (n - 1) / 26)
        {
            name = (char)('A' + ((n - 1) % 26)) + name;
        }

        return name;
    }
}
