using System.Text.RegularExpressions;

namespace EdgeAgent.Onnx;

/// <summary>
/// ONNX Runtime's error when a GPU provider cannot start, said in one line: the library that is missing when that is
/// the cause ("libcublasLt.so.13 not found"), else the message's first line with every path cut to its file name. The
/// whole message names the agent's install folder, which the anonymous status page must not show; the log keeps it.
/// </summary>
public static partial class ProviderFailure
{
    private const int MaxLength = 160;

    public static string Summarize(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (MissingLibrary().Match(message) is { Success: true } missing)
        {
            return Path.GetFileName(missing.Groups["library"].Value) + " not found";
        }

        var line = FirstLine(message);
        line = SourceLocation().Replace(line, string.Empty);
        line = AbsolutePath().Replace(line, match => Path.GetFileName(match.Value.TrimEnd('/')));
        line = line.Trim();
        return line.Length <= MaxLength ? line : line[..(MaxLength - 1)] + "…";
    }

    internal static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    // dlopen's wording: "<library>: cannot open shared object file"; the last one named is the one missing.
    [GeneratedRegex(@"(?<library>[^\s:()]+\.so(?:\.\d+)*): cannot open shared object file", RegexOptions.CultureInvariant | RegexOptions.RightToLeft)]
    private static partial Regex MissingLibrary();

    // "[ErrorCode:Fail] /onnxruntime_src/…/provider_bridge_ort.cc:2043 onnxruntime::Provider& onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL :"
    [GeneratedRegex(@"^\[ErrorCode:\w+\]\s*(?:\S+:\d+\s+.*?\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*\w+\s*:\s*)?", RegexOptions.CultureInvariant)]
    private static partial Regex SourceLocation();

    [GeneratedRegex(@"(?<![\w.])(?:[A-Za-z]:)?(?:[/\\][^\s/\\:()""']+)+[/\\]?", RegexOptions.CultureInvariant)]
    private static partial Regex AbsolutePath();
}
