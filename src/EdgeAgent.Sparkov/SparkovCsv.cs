using System.Globalization;
using System.Text;

namespace EdgeAgent.Sparkov;

/// <summary>
/// Reads Sparkov CSV (RFC 4180, header row; merchant names contain commas) with the columns
/// <c>unix_time,trans_num,cc_num,category,amt,merchant,merch_lat,merch_long,is_fraud</c>.
/// </summary>
public static class SparkovCsv
{
    public const string Header = "unix_time,trans_num,cc_num,category,amt,merchant,merch_lat,merch_long,is_fraud";

    /// <summary>Reads every record after the header.</summary>
    public static IEnumerable<SparkovRecord> Read(TextReader reader)
    {
        var header = reader.ReadLine();
        if (header?.Trim() != Header)
        {
            throw new FormatException($"Expected the Sparkov header '{Header}', found '{header}'.");
        }

        var fields = new List<string>(9);
        var line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            Split(text, fields);
            if (fields.Count != 9)
            {
                throw new FormatException($"Line {line}: expected 9 fields, found {fields.Count}.");
            }

            yield return new SparkovRecord(
                long.Parse(fields[0], CultureInfo.InvariantCulture),
                fields[1],
                fields[2],
                fields[3],
                decimal.Parse(fields[4], CultureInfo.InvariantCulture),
                fields[5],
                double.Parse(fields[6], CultureInfo.InvariantCulture),
                double.Parse(fields[7], CultureInfo.InvariantCulture),
                fields[8] == "1");
        }
    }

    /// <summary>Writes one record as a CSV line, quoting where needed.</summary>
    public static string Format(SparkovRecord r) => string.Join(',',
        r.UnixTime.ToString(CultureInfo.InvariantCulture),
        r.TransactionNumber,
        r.CardNumber,
        r.Category,
        r.Amount.ToString(CultureInfo.InvariantCulture),
        Quote(r.Merchant),
        r.MerchantLatitude.ToString("R", CultureInfo.InvariantCulture),
        r.MerchantLongitude.ToString("R", CultureInfo.InvariantCulture),
        r.IsFraud ? "1" : "0");

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static void Split(string text, List<string> fields)
    {
        fields.Clear();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString());
    }
}
