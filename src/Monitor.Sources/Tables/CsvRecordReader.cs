using System.Text;

namespace Monitor.Sources.Tables;

/// <summary>
/// Streams CSV records (RFC 4180: quoted fields, doubled quotes, CRLF or LF) from a reader, one record at a time,
/// with the line number each record starts on. A UTF-8 byte order mark is skipped by the reader's decoding.
/// </summary>
internal sealed class CsvRecordReader(TextReader reader)
{
    private readonly StringBuilder _field = new();
    private int _line;

    /// <summary>Reads the next non-blank record; false at the end of the input.</summary>
    public bool TryRead(List<string> fields, out int lineNumber)
    {
        while (true)
        {
            fields.Clear();
            string? line = reader.ReadLine();
            if (line is null)
            {
                lineNumber = _line;
                return false;
            }

            lineNumber = ++_line;
            if (line.Length == 0)
            {
                continue;
            }

            Split(line, fields);
            return true;
        }
    }

    private void Split(string line, List<string> fields)
    {
        if (!line.Contains('"', StringComparison.Ordinal))
        {
            // Most lines quote nothing: cut them at the commas.
            int start = 0;
            for (int comma; (comma = line.IndexOf(',', start)) >= 0; start = comma + 1)
            {
                fields.Add(line[start..comma]);
            }

            fields.Add(line[start..]);
            return;
        }

        _field.Clear();
        bool quoted = false;
        for (int i = 0; ; i++)
        {
            if (i == line.Length)
            {
                if (!quoted)
                {
                    break;
                }

                // A quoted field spans lines: keep the line break and continue on the next line.
                string? next = reader.ReadLine();
                if (next is null)
                {
                    break;
                }

                _line++;
                _field.Append('\n');
                line = next;
                i = -1;
                continue;
            }

            char c = line[i];
            if (quoted)
            {
                if (c != '"')
                {
                    _field.Append(c);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    _field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(_field.ToString());
                _field.Clear();
            }
            else
            {
                _field.Append(c);
            }
        }

        fields.Add(_field.ToString());
    }
}
