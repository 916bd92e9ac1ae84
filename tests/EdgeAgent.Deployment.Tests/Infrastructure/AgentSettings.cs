using System.Collections;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;

namespace EdgeAgent.Deployment.Tests.Infrastructure;

/// <summary>
/// The settings the agent reads, found by reflection in the agent and the assemblies it links: every class with a
/// <c>public const string SectionName</c>, its public settable properties and nested sections, plus the few keys the
/// host reads itself. Checks an environment variable as the agent would take it (<c>EdgeAgent__Section__Key</c>).
/// </summary>
public sealed class AgentSettings
{
    public const string EnvironmentPrefix = "EdgeAgent__";

    /// <summary>Keys the host reads outside the options classes (src/EdgeAgent/Hosting/AgentHost.cs, Commands/HealthCommand.cs).</summary>
    public static readonly IReadOnlyDictionary<string, Type> HostKeys = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        ["Http:Urls"] = typeof(string),
        ["Logging:Json"] = typeof(bool),
    };

    /// <summary>Serilog reads its own section, free-form.</summary>
    public const string SerilogSection = "Serilog";

    private static readonly Lazy<AgentSettings> Instance = new(Discover);

    private AgentSettings(IReadOnlyDictionary<string, Type> sections) => Sections = sections;

    public static AgentSettings Current => Instance.Value;

    /// <summary>Section name to options class.</summary>
    public IReadOnlyDictionary<string, Type> Sections { get; }

    /// <summary>Null when <paramref name="name"/>=<paramref name="value"/> is a setting the agent reads and accepts; else why not.</summary>
    public string? Check(string name, string value)
    {
        if (!name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return $"{name} does not start with {EnvironmentPrefix}";
        }

        var key = name[EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal);
        var segments = key.Split(':');
        if (segments.Any(string.IsNullOrWhiteSpace))
        {
            return $"{name}: empty key segment in '{key}'";
        }

        if (HostKeys.TryGetValue(key, out var hostType))
        {
            return CheckValue(name, value, hostType, []);
        }

        if (string.Equals(segments[0], SerilogSection, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (!Sections.TryGetValue(segments[0], out var type))
        {
            return $"{name}: the agent has no section '{segments[0]}' (sections: {string.Join(", ", Sections.Keys.Order(StringComparer.Ordinal))})";
        }

        return CheckPath(name, value, type, segments.AsSpan(1));
    }

    private static string? CheckPath(string name, string value, Type type, ReadOnlySpan<string> segments)
    {
        if (segments.IsEmpty)
        {
            return $"{name} names the section {type.Name}, not a key in it";
        }

        if (ElementType(type) is { } element)
        {
            return segments.Length == 1 && IsSimple(element)
                ? CheckValue(name, value, element, [])
                : CheckPath(name, value, element, segments[1..]);
        }

        var property = type.GetProperty(segments[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null || property.GetIndexParameters().Length > 0)
        {
            var known = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => p.Name);
            return $"{name}: {type.Name} has no setting '{segments[0]}' (it has {string.Join(", ", known)})";
        }

        if (IsSimple(property.PropertyType))
        {
            if (segments.Length > 1)
            {
                return $"{name}: {type.Name}.{property.Name} is a value, not a section";
            }

            if (property.SetMethod is not { IsPublic: true })
            {
                return $"{name}: {type.Name}.{property.Name} cannot be set from configuration";
            }

            return CheckValue(name, value, property.PropertyType, property.GetCustomAttributes<ValidationAttribute>());
        }

        return CheckPath(name, value, property.PropertyType, segments[1..]);
    }

    private static string? CheckValue(string name, string value, Type type, IEnumerable<ValidationAttribute> rules)
    {
        if (Placeholder.IsPlaceholder(value))
        {
            return null;
        }

        var target = Nullable.GetUnderlyingType(type) ?? type;
        object? converted;
        try
        {
            converted = target == typeof(string) ? value : TypeDescriptor.GetConverter(target).ConvertFromInvariantString(value);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            return $"{name}='{value}' is not a {target.Name} ({ex.Message})";
        }

        if (target.IsEnum && (converted is null || !Enum.IsDefined(target, converted)))
        {
            return $"{name}='{value}' is not one of {string.Join(", ", Enum.GetNames(target))}";
        }

        var results = new List<ValidationResult>();
        var context = new ValidationContext(new object()) { MemberName = name, DisplayName = name };
        return Validator.TryValidateValue(converted!, context, results, rules)
            ? null
            : $"{name}='{value}': {string.Join("; ", results.Select(r => r.ErrorMessage))}";
    }

    private static bool IsSimple(Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target.IsPrimitive || target.IsEnum || target == typeof(string) || target == typeof(decimal) || target == typeof(TimeSpan)
               || target == typeof(DateTime) || target == typeof(DateTimeOffset) || target == typeof(Guid) || target == typeof(Uri);
    }

    /// <summary>The element type of an array, list or string-keyed dictionary: configuration indexes them by a key segment.</summary>
    private static Type? ElementType(Type type)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        var generic = type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType
            && (i.GetGenericTypeDefinition() == typeof(IDictionary<,>) || i.GetGenericTypeDefinition() == typeof(IEnumerable<>)));
        return generic?.GetGenericArguments()[^1];
    }

    private static AgentSettings Discover()
    {
        var sections = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        foreach (var assembly in AgentAssemblies())
        {
            foreach (var type in assembly.GetExportedTypes())
            {
                var field = type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static);
                if (field is { IsLiteral: true } && field.FieldType == typeof(string) && field.GetRawConstantValue() is string section)
                {
                    sections.Add(section, type);
                }
            }
        }

        return new AgentSettings(sections);
    }

    /// <summary>The agent's assembly and every EdgeAgent.* assembly it links, directly or not.</summary>
    private static List<Assembly> AgentAssemblies()
    {
        var seen = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>([typeof(EdgeAgent.Hosting.AgentHost).Assembly]);
        while (pending.TryPop(out var assembly))
        {
            if (!seen.TryAdd(assembly.GetName().Name!, assembly))
            {
                continue;
            }

            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (reference.Name!.StartsWith("EdgeAgent", StringComparison.Ordinal) && !seen.ContainsKey(reference.Name))
                {
                    pending.Push(Assembly.Load(reference));
                }
            }
        }

        return seen.Values.ToList();
    }
}
