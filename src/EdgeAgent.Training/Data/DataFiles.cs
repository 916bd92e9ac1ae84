using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace EdgeAgent.Training.Data;

/// <summary>Opens CSV or gzip-compressed CSV and fingerprints the file a model was trained on.</summary>
public static class DataFiles
{
    public static TextReader OpenText(string path)
    {
        var file = File.OpenRead(path);
        Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(file, CompressionMode.Decompress)
            : file;
        return new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
    }

    /// <summary>Lower-case hex SHA-256 of the file's bytes (of the compressed bytes for a .gz).</summary>
    public static string Sha256Of(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    public static string Sha256Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
