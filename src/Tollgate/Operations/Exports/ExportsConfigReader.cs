using System.Collections.Frozen;
using System.Globalization;
using Cronos;
using Tollgate.Configuration;

namespace Tollgate.Operations.Exports;

/// <summary>Reads and validates <c>exports</c>; every error names the JSON path of the bad field.</summary>
internal static class ExportsConfigReader
{
    public static string Name(ExportFormat format) => format switch
    {
        ExportFormat.Csv => "csv",
        ExportFormat.Parquet => "parquet",
        _ => "jsonl",
    };

    public static string Name(ExportDestinationType type) => type == ExportDestinationType.S3 ? "s3" : "directory";

    public static ExportsConfig Read(JsonObjectReader section, ISecretResolver secrets)
    {
        var destinations = section.Array("destinations").Select(d => ReadDestination(new JsonObjectReader(d.Element, d.Path), secrets)).ToList();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < destinations.Count; i++)
        {
            if (!ids.Add(destinations[i].Id))
            {
                throw new ConfigException($"{section.PathOf("destinations")}[{i}].id", $"destination id '{destinations[i].Id}' is declared twice");
            }
        }

        var schedules = section.Array("schedules").Select(s => ReadSchedule(new JsonObjectReader(s.Element, s.Path), ids)).ToList();
        var scheduleIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < schedules.Count; i++)
        {
            if (!scheduleIds.Add(schedules[i].Id))
            {
                throw new ConfigException($"{section.PathOf("schedules")}[{i}].id", $"schedule id '{schedules[i].Id}' is declared twice");
            }
        }

        section.Finish(FrozenSet<string>.Empty, []);
        return new ExportsConfig { Destinations = destinations, Schedules = schedules };
    }

    private static ExportDestinationConfig ReadDestination(JsonObjectReader reader, ISecretResolver secrets)
    {
        var id = SafeId(reader);
        var typeName = reader.RequiredString("type");
        var type = typeName switch
        {
            "directory" => ExportDestinationType.Directory,
            "s3" => ExportDestinationType.S3,
            _ => throw new ConfigException(reader.PathOf("type"), $"unknown destination type '{typeName}' (directory, s3)"),
        };
        string? Secret(string name) => reader.String(name) is { } value ? secrets.Resolve(value, reader.PathOf(name)) : null;
        var destination = new ExportDestinationConfig
        {
            Id = id,
            Type = type,
            Path = type == ExportDestinationType.Directory ? reader.RequiredString("path") : null,
            Bucket = type == ExportDestinationType.S3 ? reader.RequiredString("bucket") : null,
            Prefix = (reader.String("prefix") ?? "").Trim('/'),
            Region = type == ExportDestinationType.S3 ? reader.String("region") ?? "us-east-1" : "us-east-1",
            Endpoint = type == ExportDestinationType.S3 ? reader.String("endpoint") : null,
            ForcePathStyle = type == ExportDestinationType.S3 && (reader.Bool("force_path_style") ?? false),
            AccessKeyId = type == ExportDestinationType.S3 ? Secret("access_key_id") : null,
            SecretAccessKey = type == ExportDestinationType.S3 ? Secret("secret_access_key") : null,
        };
        if (destination.Endpoint is { } endpoint && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            throw new ConfigException(reader.PathOf("endpoint"), "must be an absolute http or https URL");
        }

        if (destination.Prefix.Split('/').Any(part => part == ".."))
        {
            throw new ConfigException(reader.PathOf("prefix"), "may not contain '..'");
        }

        reader.Finish(FrozenSet<string>.Empty, []);
        return destination;
    }

    private static ExportScheduleConfig ReadSchedule(JsonObjectReader reader, HashSet<string> destinations)
    {
        var id = SafeId(reader);
        var destination = reader.RequiredString("destination");
        if (!destinations.Contains(destination))
        {
            throw new ConfigException(reader.PathOf("destination"), $"no destination with id '{destination}' in exports.destinations");
        }

        var formatName = reader.RequiredString("format");
        var format = formatName switch
        {
            "jsonl" => ExportFormat.Jsonl,
            "csv" => ExportFormat.Csv,
            "parquet" => ExportFormat.Parquet,
            _ => throw new ConfigException(reader.PathOf("format"), $"unknown format '{formatName}' (jsonl, csv, parquet)"),
        };
        var cronText = reader.RequiredString("cron");
        CronExpression cron;
        try
        {
            cron = CronExpression.Parse(cronText, cronText.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException ex)
        {
            throw new ConfigException(reader.PathOf("cron"), $"not a cron expression: {ex.Message}");
        }

        DateTimeOffset? start = null;
        if (reader.String("start") is { } startText)
        {
            start = DateTimeOffset.TryParse(startText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed.ToUniversalTime()
                : throw new ConfigException(reader.PathOf("start"), "expected an ISO 8601 time");
        }

        var schedule = new ExportScheduleConfig
        {
            Id = id,
            Destination = destination,
            Format = format,
            Cron = cron,
            CronText = cronText,
            Gzip = reader.Bool("gzip") ?? false,
            IncludeContent = reader.Bool("include_content") ?? false,
            Delay = TimeSpan.FromSeconds(reader.Int("delay_seconds", 0, 86_400) ?? 300),
            Start = start,
        };
        if (format == ExportFormat.Parquet && schedule.Gzip)
        {
            throw new ConfigException(reader.PathOf("gzip"), "Parquet compresses its own columns (snappy); gzip applies to jsonl and csv");
        }

        reader.Finish(FrozenSet<string>.Empty, []);
        return schedule;
    }

    /// <summary>Ids end up in file names and object keys: letters, digits, '-', '_' and '.' only.</summary>
    private static string SafeId(JsonObjectReader reader)
    {
        var id = reader.RequiredString("id");
        if (id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) || id.StartsWith('.'))
        {
            throw new ConfigException(reader.PathOf("id"), "may hold only letters, digits, '-', '_' and '.' (it names files)");
        }

        return id;
    }
}
