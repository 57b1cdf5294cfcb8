using System.Globalization;
using System.Text;

namespace Tollgate.Bench.Logs;

internal static class Report
{
    public static void Write(StringBuilder md, List<BackendResult> results, int rows)
    {
        var inv = CultureInfo.InvariantCulture;
        md.Append(inv, $"# Request log at {rows:N0} rows ({DateTime.UtcNow:yyyy-MM-dd})\n\n");
        md.Append(inv, $"`bench/logs/run.sh` on this machine ({Environment.ProcessorCount} cores, shared with other work). ");
        md.Append("Rows cover 30 days; each query ran once to warm up, then 5 times (3 for the rows-only and filtered stats over 30 d, and export); times in ms, median and max. ");
        md.Append("List queries ask for 50 rows (51 read, to know whether a next page exists). Goal: every list shape and stats 24 h under 300 ms.\n\n");
        foreach (var result in results)
        {
            md.Append(inv, $"- **{result.Name}**: ").AppendJoin("\n- ", result.Notes).Append('\n');
        }

        md.Append("\n| query | ");
        md.AppendJoin(" | ", results.Select(r => $"{r.Name} median | {r.Name} max"));
        md.Append(" |\n|---|");
        md.AppendJoin("", results.Select(_ => "---:|---:|"));
        md.Append('\n');
        for (var i = 0; i < results[0].Rows.Count; i++)
        {
            md.Append("| ").Append(results[0].Rows[i].Name).Append(" | ");
            md.AppendJoin(" | ", results.Select(r => i < r.Rows.Count ? $"{r.Rows[i].Median.ToString("0.0", inv)} | {r.Rows[i].Max.ToString("0.0", inv)}" : "– | –"));
            md.Append(" |\n");
        }

        foreach (var result in results)
        {
            md.Append(inv, $"\n## Plans: {result.Name}\n\n");
            foreach (var row in result.Rows.Where(r => r.Plan is not null))
            {
                md.Append(inv, $"**{row.Name}**\n\n```\n{row.Plan}\n```\n\n");
            }
        }
    }
}
