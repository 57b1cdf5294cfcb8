namespace Tollgate.Governance;

/// <summary>Rate-limit windows written as a count and a unit: <c>1s</c>, <c>10s</c>, <c>1m</c>, <c>1h</c>, <c>1d</c>.</summary>
public static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrEmpty(text) || text.Length < 2 || !long.TryParse(text.AsSpan(0, text.Length - 1), out var count) || count < 1 || count > 1_000_000)
        {
            return false;
        }

        duration = text[^1] switch
        {
            's' => TimeSpan.FromSeconds(count),
            'm' => TimeSpan.FromMinutes(count),
            'h' => TimeSpan.FromHours(count),
            'd' => TimeSpan.FromDays(count),
            _ => TimeSpan.Zero,
        };
        return duration > TimeSpan.Zero;
    }
}
