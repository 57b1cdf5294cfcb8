using System.Text.Json;

namespace Tollgate.Configuration;

/// <summary>
/// Reads one JSON object of the config file field by field, with the JSON path of every field at hand for errors.
/// <see cref="Finish"/> reports the fields nobody asked for: known Bifrost fields become warnings, anything else an error.
/// </summary>
public sealed class JsonObjectReader
{
    private readonly JsonElement _element;
    private readonly HashSet<string> _consumed = new(StringComparer.Ordinal);

    public JsonObjectReader(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ConfigException(path, $"expected an object, found {Describe(element.ValueKind)}");
        }

        _element = element;
        Path = path;
    }

    public string Path { get; }

    public string PathOf(string name) => $"{Path}.{name}";

    public bool TryGet(string name, out JsonElement value)
    {
        _consumed.Add(name);
        if (_element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    public string? String(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new ConfigException(PathOf(name), $"expected a string, found {Describe(value.ValueKind)}");
        }

        return value.GetString();
    }

    public string RequiredString(string name)
    {
        var value = String(name);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ConfigException(PathOf(name), "is required");
        }

        return value;
    }

    public bool? Bool(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ConfigException(PathOf(name), $"expected true or false, found {Describe(value.ValueKind)}"),
        };
    }

    public double? Number(string name, double min = double.MinValue, double max = double.MaxValue)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number))
        {
            throw new ConfigException(PathOf(name), $"expected a number, found {Describe(value.ValueKind)}");
        }

        if (number < min || number > max || double.IsNaN(number))
        {
            throw new ConfigException(PathOf(name), $"must be between {min} and {max}, found {number}");
        }

        return number;
    }

    public int? Int(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        var number = Number(name, min, max);
        if (number is null)
        {
            return null;
        }

        if (number.Value != Math.Floor(number.Value))
        {
            throw new ConfigException(PathOf(name), $"expected a whole number, found {number.Value}");
        }

        return (int)number.Value;
    }

    public JsonObjectReader? Object(string name) => TryGet(name, out var value) ? new JsonObjectReader(value, PathOf(name)) : null;

    /// <summary>The elements of an array field with their paths; an absent field is an empty list.</summary>
    public IEnumerable<(JsonElement Element, string Path)> Array(string name)
    {
        if (!TryGet(name, out var value))
        {
            yield break;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new ConfigException(PathOf(name), $"expected an array, found {Describe(value.ValueKind)}");
        }

        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            yield return (item, $"{PathOf(name)}[{index++}]");
        }
    }

    public IReadOnlyList<string>? StringArray(string name)
    {
        if (!TryGet(name, out _))
        {
            return null;
        }

        var list = new List<string>();
        foreach (var (item, path) in Array(name))
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(item.GetString()))
            {
                throw new ConfigException(path, $"expected a non-empty string, found {Describe(item.ValueKind)}");
            }

            list.Add(item.GetString()!);
        }

        return list;
    }

    public IEnumerable<JsonProperty> Properties() => _element.EnumerateObject();

    /// <summary>Marks fields this version knows it ignores (kept for Bifrost compatibility) as consumed, without warnings.</summary>
    public void Ignore(params string[] names)
    {
        foreach (var name in names)
        {
            _consumed.Add(name);
        }
    }

    public void Finish(IReadOnlySet<string> bifrostFields, List<string> warnings)
    {
        foreach (var property in _element.EnumerateObject())
        {
            if (_consumed.Contains(property.Name))
            {
                continue;
            }

            var path = PathOf(property.Name);
            if (bifrostFields.Contains(property.Name))
            {
                warnings.Add($"{path}: Bifrost field not implemented by Tollgate yet; ignored");
                continue;
            }

            throw new ConfigException(path, "unknown field");
        }
    }

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
