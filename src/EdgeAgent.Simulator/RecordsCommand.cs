using System.ComponentModel.DataAnnotations;
using EdgeAgent.Hosting;
using EdgeAgent.Shared.Uplink;
using Microsoft.Extensions.Configuration;

namespace EdgeAgent.Simulator;

/// <summary>
/// The cloud side's reader of the agent's messages, for a person or a script: each body (an Avro records batch, a
/// gzip'd snapshot batch or a plain alert batch) as its JSON batch, one a line. The input holds one body a line in hex,
/// as <c>mosquitto_sub -F %x</c> prints them (what <c>scripts/uplink-capture.sh</c> keeps), or is one raw body.
/// </summary>
public static class RecordsCommand
{
    public const string SectionName = "Records";

    public static async Task<int> RunAsync(string[] settings)
    {
        var configuration = AgentConfiguration.Build(settings);
        var options = new RecordsOptions();
        configuration.GetSection(SectionName).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);

        if (!File.Exists(options.Input))
        {
            await Console.Error.WriteLineAsync($"--Records:Input={options.Input}: no such file.");
            return 2;
        }

        var bytes = await File.ReadAllBytesAsync(options.Input);
        var bodies = RecordBatchFormat.IsContainer(bytes) || UplinkPayload.IsCompressed(bytes)
            ? [bytes]
            : System.Text.Encoding.ASCII.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Convert.FromHexString).ToList();
        using var output = Console.OpenStandardOutput();
        var failed = 0;
        foreach (var body in bodies)
        {
            var result = UplinkPayload.TryOpen(body, UplinkPayload.MaxInflatedBytes, out var json);
            if (result is UplinkOpenResult.Corrupt or UplinkOpenResult.TooLarge)
            {
                await Console.Error.WriteLineAsync($"A body of {body.Length} bytes does not open: {result}.");
                failed++;
                continue;
            }

            await output.WriteAsync(json);
            output.WriteByte((byte)'\n');
        }

        return failed == 0 ? 0 : 1;
    }
}

/// <summary>What <see cref="RecordsCommand"/> reads.</summary>
public sealed class RecordsOptions
{
    /// <summary>A file of bodies in hex, one a line, or one raw body.</summary>
    [Required]
    public string? Input { get; set; }
}
