using System.Text;

namespace CqtMl.MLNet.DataSources;

/// <summary>
/// A small RFC 4180 CSV reader: comma-separated fields, optional double quotes around a field, doubled quotes inside
/// quotes, and line breaks inside quoted fields (FMA's tracks.csv has multi-line biographies).
/// </summary>
internal static class CsvReader
{
    /// <summary>Reads all records of <paramref name="path"/>.</summary>
    public static IEnumerable<string[]> ReadRecords(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        var field = new StringBuilder();
        var record = new List<string>();
        bool inQuotes = false, any = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            char ch = (char)c;
            any = true;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        field.Append('"');
                        reader.Read();
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    field.Append(ch);
                }

                continue;
            }

            switch (ch)
            {
                case '"' when field.Length == 0:
                    inQuotes = true;
                    break;
                case ',':
                    record.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    record.Add(field.ToString());
                    field.Clear();
                    yield return record.ToArray();
                    record.Clear();
                    any = false;
                    break;
                default:
                    field.Append(ch);
                    break;
            }
        }

        if (inQuotes)
        {
            throw new InvalidDataException($"{path}: unterminated quoted field at the end of the file");
        }

        if (any)
        {
            record.Add(field.ToString());
            yield return record.ToArray();
        }
    }
}
