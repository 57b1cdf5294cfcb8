using System.Globalization;

namespace Tollgate.Bench.Tools;

/// <summary>CPU time (utime + stime) and RSS of another process, from /proc.</summary>
internal readonly record struct ProcessSample(double CpuSeconds, double RssMb)
{
    private static readonly double TicksPerSecond = 100; // getconf CLK_TCK on Linux

    public static ProcessSample Read(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name (which may contain spaces) start at field 3; utime and stime are 14 and 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        var rssLine = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var rssKb = double.Parse(rssLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return new ProcessSample(cpu, rssKb / 1024);
    }
}
