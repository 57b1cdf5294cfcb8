using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Tollgate.Api;
using Tollgate.Observability.RequestLogs;

namespace Tollgate.Operations.Exports;

/// <summary>
/// Writes a window's entries to a local file in the schedule's format, streaming (a window never sits in memory whole;
/// Parquet buffers one row group). JSONL and CSV rows are the on-demand export's (<c>/api/logs/export</c>), so files
/// from both read alike.
/// </summary>
internal static class ExportFileWriter
{
    private const int RowGroupSize = 50_000;

    public static string Extension(ExportScheduleConfig schedule) => ExportsConfigReader.Name(schedule.Format) + (schedule.Gzip ? ".gz" : "");

    public static string ContentType(ExportScheduleConfig schedule) => schedule.Gzip ? "application/gzip" : schedule.Format switch
    {
        ExportFormat.Csv => "text/csv; charset=utf-8",
        ExportFormat.Parquet => "application/vnd.apache.parquet",
        _ => "application/x-ndjson; charset=utf-8",
    };

    /// <summary>Returns the number of rows written.</summary>
    public static async Task<long> WriteAsync(IAsyncEnumerable<RequestLogEntry> rows, string path, ExportScheduleConfig schedule, CancellationToken cancellationToken)
    {
        await using var file = File.Create(path);
        Stream output = schedule.Gzip ? new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true) : file;
        try
        {
            return schedule.Format switch
            {
                ExportFormat.Csv => await WriteCsvAsync(rows, output, schedule.IncludeContent, cancellationToken).ConfigureAwait(false),
                ExportFormat.Parquet => await WriteParquetAsync(rows, output, schedule.IncludeContent, cancellationToken).ConfigureAwait(false),
                _ => await WriteJsonLinesAsync(rows, output, schedule.IncludeContent, cancellationToken).ConfigureAwait(false),
            };
        }
        finally
        {
            if (schedule.Gzip)
            {
                await output.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<long> WriteJsonLinesAsync(IAsyncEnumerable<RequestLogEntry> rows, Stream output, bool content, CancellationToken cancellationToken)
    {
        long count = 0;
        await using var writer = new Utf8JsonWriter(output, JsonOutput.WriterOptions);
        await foreach (var entry in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (content)
            {
                JsonSerializer.Serialize(writer, RequestLogDetailView.From(entry), RequestLogJsonContext.Output.RequestLogDetailView);
            }
            else
            {
                JsonSerializer.Serialize(writer, RequestLogView.From(entry), RequestLogJsonContext.Output.RequestLogView);
            }

            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            writer.Reset();
            output.WriteByte((byte)'\n');
            count++;
        }

        return count;
    }

    private static async Task<long> WriteCsvAsync(IAsyncEnumerable<RequestLogEntry> rows, Stream output, bool content, CancellationToken cancellationToken)
    {
        long count = 0;
        var text = new StringBuilder(content ? RequestLogCsv.HeaderWithContent : RequestLogCsv.Header, 8192);
        await foreach (var entry in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (content)
            {
                RequestLogCsv.AppendRowWithContent(text, entry);
            }
            else
            {
                RequestLogCsv.AppendRow(text, entry);
            }

            if (++count % 256 == 0)
            {
                await FlushAsync(text, output, cancellationToken).ConfigureAwait(false);
            }
        }

        await FlushAsync(text, output, cancellationToken).ConfigureAwait(false);
        return count;
    }

    private static async Task FlushAsync(StringBuilder text, Stream output, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        text.Clear();
        await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long> WriteParquetAsync(IAsyncEnumerable<RequestLogEntry> rows, Stream output, bool content, CancellationToken cancellationToken)
    {
        var schema = ParquetColumns.Schema(content);
        long count = 0;
        var buffer = new List<RequestLogEntry>(RowGroupSize);
        await using var writer = await ParquetWriter.CreateAsync(schema, output, cancellationToken: cancellationToken).ConfigureAwait(false);
        await foreach (var entry in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            buffer.Add(entry);
            count++;
            if (buffer.Count == RowGroupSize)
            {
                await ParquetColumns.WriteRowGroupAsync(writer, schema, buffer, content, cancellationToken).ConfigureAwait(false);
                buffer.Clear();
            }
        }

        // A file without rows still gets one (empty) row group: readers then see the schema and zero rows.
        await ParquetColumns.WriteRowGroupAsync(writer, schema, buffer, content, cancellationToken).ConfigureAwait(false);
        return count;
    }
}
