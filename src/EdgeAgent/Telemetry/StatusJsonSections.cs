using System.Text.Json;
using EdgeAgent.Core.Telemetry;

namespace EdgeAgent.Telemetry;

/// <summary>The sections of <see cref="StatusJson"/> that read the instruments generically.</summary>
internal static class StatusJsonSections
{
    /// <summary>Instruments /status already shows in its own sections; any other on the meter goes to <c>instruments</c>.</summary>
    private static readonly HashSet<string> Shown = new(
        typeof(MetricNames).GetFields().Concat(typeof(AgentInstruments).GetFields()).Concat(typeof(Cloud.Telemetry.CloudInstruments).GetFields())
            .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!),
        StringComparer.Ordinal);

    public static void WriteLatencies(Utf8JsonWriter json, PipelineMetrics metrics)
    {
        json.WriteStartObject("latencyMs");
        foreach (var stage in Enum.GetValues<PipelineStage>())
        {
            var timer = metrics.Stage(stage);
            var snapshot = timer.Snapshot();
            json.WriteStartObject(timer.Name);
            json.WriteNumber("count", snapshot.Count);
            json.WriteNumber("p50", Math.Round(snapshot.Percentile(0.5) / 1000, 3));
            json.WriteNumber("p90", Math.Round(snapshot.Percentile(0.9) / 1000, 3));
            json.WriteNumber("p99", Math.Round(snapshot.Percentile(0.99) / 1000, 3));
            json.WriteNumber("max", Math.Round(snapshot.MaxMicros / 1000.0, 3));
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    public static void WriteRecentRejections(Utf8JsonWriter json, RecentRejections rejections)
    {
        json.WriteStartArray("recentRejections");
        foreach (var rejection in rejections.Latest())
        {
            json.WriteStartObject();
            json.WriteString("code", rejection.Code);
            json.WriteString("store", rejection.StoreId);
            json.WriteString("terminal", rejection.TerminalId);
            json.WriteString("at", rejection.At);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>Instruments other components added to the meter (a drift monitor's, say), each series with its tags.</summary>
    public static void WriteOtherInstruments(Utf8JsonWriter json, MeterReader reader)
    {
        json.WriteStartObject("instruments");
        foreach (var name in reader.Instruments.Where(n => !Shown.Contains(n)).Order(StringComparer.Ordinal))
        {
            var instrument = reader.Instrument(name)!;
            json.WriteStartObject(name);
            json.WriteString("kind", instrument.Kind.ToString().ToLowerInvariant());
            json.WriteString("unit", instrument.Unit);
            json.WriteStartArray("series");
            foreach (var series in instrument.Series)
            {
                json.WriteStartObject();
                json.WriteStartObject("tags");
                foreach (var (key, value) in series.Tags)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
                json.WriteNumber(instrument.Kind == InstrumentKind.Histogram ? "sum" : "value", Math.Round(series.Value, 6));
                if (instrument.Kind == InstrumentKind.Histogram)
                {
                    json.WriteNumber("count", series.Count);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    public static void WriteResources(Utf8JsonWriter json)
    {
        var usage = ResourceUsage.Now();
        json.WriteStartObject("resources");
        json.WriteNumber("cpuSeconds", Math.Round(usage.CpuSeconds, 3));
        json.WriteNumber("workingSetBytes", usage.WorkingSetBytes);
        json.WriteNumber("managedHeapBytes", usage.ManagedHeapBytes);
        json.WriteNumber("gen0Collections", usage.Gen0Collections);
        json.WriteNumber("gen1Collections", usage.Gen1Collections);
        json.WriteNumber("gen2Collections", usage.Gen2Collections);
        json.WriteNumber("gcPauseSeconds", Math.Round(usage.GcPauseSeconds, 4));
        json.WriteNumber("threadPoolThreads", usage.ThreadPoolThreads);
        json.WriteNumber("allocatedBytes", usage.AllocatedBytes);
        json.WriteEndObject();
    }
}
