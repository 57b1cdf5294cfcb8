using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Tollgate.Governance.Limits;

/// <summary>
/// A reset duration (<c>1m</c>, <c>1h</c>, <c>1d</c>, <c>1w</c>, <c>1M</c>, <c>1Y</c>, or <c>N</c> of any of them) and
/// how its windows are placed in time. All windows are computed in UTC.
/// <list type="bullet">
/// <item><b>Calendar-aligned</b> windows start on UTC boundaries: the minute, the hour, midnight, Monday 00:00, the
/// 1st of the month, January 1st. For N &gt; 1 the boundaries are counted from fixed origins so that every node and
/// every restart agrees without stored state: minutes, hours and days from the Unix epoch (1970-01-01, so <c>15m</c>
/// gives :00/:15/:30/:45 and <c>6h</c> gives 00/06/12/18); weeks from Monday 1969-12-29 (the Monday before the
/// epoch); months from January of year 0 (<c>3M</c> = calendar quarters, <c>6M</c> = halves); years from year 0
/// (<c>2Y</c> starts on even years, <c>10Y</c> on decades).</item>
/// <item><b>Rolling</b> windows start at the anchor (e.g. the budget's creation) and repeat every period. Minutes to
/// weeks are fixed lengths. Months and years use calendar arithmetic, always from the anchor and never chained
/// (window k starts at <c>anchor + k×N months</c>): an anchor on Jan 31 gives Feb 28 (29), Mar 31, Apr 30, ... rather
/// than drifting to the 28th forever.</item>
/// </list>
/// </summary>
public sealed record BudgetPeriod
{
    private const string Expected =
        "expected a whole number of at least 1 followed by a unit: m (minute), h (hour), d (day), w (week), " +
        "M (month) or Y (year), e.g. 1d or 1M";

    // Every N is capped at 100 years: longer is never a budget, and the cap keeps every window inside
    // DateTime's range and every tick product inside a long.
    private const int MaxYears = 100;

    private static readonly long UnixEpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;

    // 1970-01-01 was a Thursday; weeks are counted from the Monday before it.
    private static readonly long FirstMondayTicks = UnixEpochTicks - (3 * TimeSpan.TicksPerDay);

    private BudgetPeriod(BudgetPeriodUnit unit, int count, bool calendarAligned)
    {
        Unit = unit;
        Count = count;
        CalendarAligned = calendarAligned;
    }

    public BudgetPeriodUnit Unit { get; }

    /// <summary>N in "N units"; at least 1.</summary>
    public int Count { get; }

    /// <summary>True: windows start on UTC calendar boundaries. False: windows roll from the anchor.</summary>
    public bool CalendarAligned { get; }

    /// <summary>Builds a period from parts; throws on a count below 1 or above 100 years.</summary>
    public static BudgetPeriod Create(BudgetPeriodUnit unit, int count, bool calendarAligned = false)
    {
        if (!Enum.IsDefined(unit))
        {
            throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown period unit.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxCount(unit));
        return new BudgetPeriod(unit, count, calendarAligned);
    }

    /// <summary>
    /// Parses a reset duration. Units are case-sensitive (<c>m</c> is minutes, <c>M</c> months), and nothing else is
    /// accepted: no spaces, signs, fractions or other units. On failure <paramref name="error"/> says what is wrong in
    /// words meant to follow the field name (<c>"budgets[0].reset_duration: " + error</c>).
    /// </summary>
    public static bool TryParse(
        string? text,
        bool calendarAligned,
        [NotNullWhen(true)] out BudgetPeriod? period,
        [NotNullWhen(false)] out string? error)
    {
        period = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "is empty; " + Expected;
            return false;
        }

        var digits = 0;
        long count = 0;
        while (digits < text.Length && text[digits] is >= '0' and <= '9')
        {
            // Keep accumulating only while it can still matter; anything past the cap is rejected below anyway.
            if (count <= int.MaxValue)
            {
                count = (count * 10) + (text[digits] - '0');
            }

            digits++;
        }

        if (digits == 0)
        {
            error = $"'{text}' does not start with a number; {Expected}";
            return false;
        }

        if (digits == text.Length)
        {
            error = $"'{text}' has no unit; {Expected}";
            return false;
        }

        if (digits != text.Length - 1)
        {
            error = $"'{text}' is not a whole number followed by one unit letter; {Expected}";
            return false;
        }

        var letter = text[digits];
        if (!TryUnit(letter, out var unit))
        {
            error = $"'{text}' has an unknown unit '{letter}'{CaseHint(letter)}; {Expected}";
            return false;
        }

        if (count < 1)
        {
            error = $"'{text}' must be at least 1{letter}";
            return false;
        }

        var max = MaxCount(unit);
        if (count > max)
        {
            error = $"'{text}' is longer than {MaxYears} years (at most {max.ToString(CultureInfo.InvariantCulture)}{letter})";
            return false;
        }

        period = new BudgetPeriod(unit, (int)count, calendarAligned);
        error = null;
        return true;
    }

    /// <summary>Like <see cref="TryParse"/>, throwing <see cref="FormatException"/> with the same message.</summary>
    public static BudgetPeriod Parse(string text, bool calendarAligned = false)
    {
        if (!TryParse(text, calendarAligned, out var period, out var error))
        {
            throw new FormatException("Reset duration " + error);
        }

        return period;
    }

    /// <summary>
    /// The length of one window when it is fixed (minutes to weeks), e.g. to turn a rate limit's reset duration into
    /// a <see cref="RateLimitDefinition.Window"/>. Months and years vary, so they return false.
    /// </summary>
    public bool TryGetFixedLength(out TimeSpan length)
    {
        var ticks = FixedUnitTicks(Unit);
        length = ticks == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(ticks * Count);
        return ticks != 0;
    }

    /// <summary>
    /// The window containing <paramref name="now"/>: <c>Start &lt;= now &lt; End</c>, both UTC.
    /// <paramref name="anchor"/> places rolling windows and is ignored when <see cref="CalendarAligned"/>.
    /// </summary>
    public (DateTimeOffset Start, DateTimeOffset End) WindowAt(DateTimeOffset now, DateTimeOffset anchor)
    {
        var nowTicks = now.UtcTicks;
        var fixedTicks = FixedUnitTicks(Unit);
        if (fixedTicks != 0)
        {
            var origin = !CalendarAligned ? anchor.UtcTicks
                : Unit == BudgetPeriodUnit.Week ? FirstMondayTicks
                : UnixEpochTicks;
            return FixedWindow(nowTicks, origin, fixedTicks * Count);
        }

        var monthsPerWindow = Unit == BudgetPeriodUnit.Year ? 12 * Count : Count;
        return CalendarAligned
            ? AlignedMonthWindow(nowTicks, monthsPerWindow)
            : RollingMonthWindow(nowTicks, anchor.UtcTicks, monthsPerWindow);
    }

    /// <summary>The duration as written in config: <c>1M</c>, <c>15m</c>, ...</summary>
    public override string ToString() => Count.ToString(CultureInfo.InvariantCulture) + UnitLetter(Unit);

    private static (DateTimeOffset, DateTimeOffset) FixedWindow(long nowTicks, long originTicks, long lengthTicks)
    {
        // Floor division, so instants before the origin (a rolling anchor in the future) still land in a window.
        var offset = nowTicks - originTicks;
        var index = offset / lengthTicks;
        if (offset % lengthTicks < 0)
        {
            index--;
        }

        var start = originTicks + (index * lengthTicks);
        return (Utc(start), Utc(start + lengthTicks));
    }

    private static (DateTimeOffset, DateTimeOffset) AlignedMonthWindow(long nowTicks, int monthsPerWindow)
    {
        var now = new DateTime(nowTicks, DateTimeKind.Utc);
        var index = (now.Year * 12) + now.Month - 1;

        // Months counted from January of year 0; year 0 itself does not exist in DateTime, so clamp to year 1
        // (only reachable for instants in the first century, i.e. never in practice).
        var startIndex = Math.Max(12, index - (index % monthsPerWindow));
        var start = new DateTime(startIndex / 12, (startIndex % 12) + 1, 1, 0, 0, 0, DateTimeKind.Utc);
        return (Utc(start.Ticks), Utc(start.AddMonths(monthsPerWindow).Ticks));
    }

    private static (DateTimeOffset, DateTimeOffset) RollingMonthWindow(long nowTicks, long anchorTicks, int monthsPerWindow)
    {
        var now = new DateTime(nowTicks, DateTimeKind.Utc);
        var anchor = new DateTime(anchorTicks, DateTimeKind.Utc);
        var months = ((now.Year - anchor.Year) * 12) + now.Month - anchor.Month;
        var index = months / monthsPerWindow;
        if (months % monthsPerWindow < 0)
        {
            index--;
        }

        // The month difference ignores day and time, so the estimate can be one window off either way.
        var start = anchor.AddMonths(index * monthsPerWindow);
        while (start > now)
        {
            index--;
            start = anchor.AddMonths(index * monthsPerWindow);
        }

        var end = anchor.AddMonths((index + 1) * monthsPerWindow);
        while (end <= now)
        {
            index++;
            start = end;
            end = anchor.AddMonths((index + 1) * monthsPerWindow);
        }

        return (Utc(start.Ticks), Utc(end.Ticks));
    }

    private static DateTimeOffset Utc(long ticks) => new(ticks, TimeSpan.Zero);

    private static long FixedUnitTicks(BudgetPeriodUnit unit) => unit switch
    {
        BudgetPeriodUnit.Minute => TimeSpan.TicksPerMinute,
        BudgetPeriodUnit.Hour => TimeSpan.TicksPerHour,
        BudgetPeriodUnit.Day => TimeSpan.TicksPerDay,
        BudgetPeriodUnit.Week => 7 * TimeSpan.TicksPerDay,
        _ => 0,
    };

    private static int MaxCount(BudgetPeriodUnit unit) => unit switch
    {
        BudgetPeriodUnit.Minute => MaxYears * 365 * 24 * 60,
        BudgetPeriodUnit.Hour => MaxYears * 365 * 24,
        BudgetPeriodUnit.Day => MaxYears * 365,
        BudgetPeriodUnit.Week => MaxYears * 52,
        BudgetPeriodUnit.Month => MaxYears * 12,
        _ => MaxYears,
    };

    private static bool TryUnit(char letter, out BudgetPeriodUnit unit)
    {
        switch (letter)
        {
            case 'm':
                unit = BudgetPeriodUnit.Minute;
                return true;
            case 'h':
                unit = BudgetPeriodUnit.Hour;
                return true;
            case 'd':
                unit = BudgetPeriodUnit.Day;
                return true;
            case 'w':
                unit = BudgetPeriodUnit.Week;
                return true;
            case 'M':
                unit = BudgetPeriodUnit.Month;
                return true;
            case 'Y':
                unit = BudgetPeriodUnit.Year;
                return true;
            default:
                unit = default;
                return false;
        }
    }

    private static string UnitLetter(BudgetPeriodUnit unit) => unit switch
    {
        BudgetPeriodUnit.Minute => "m",
        BudgetPeriodUnit.Hour => "h",
        BudgetPeriodUnit.Day => "d",
        BudgetPeriodUnit.Week => "w",
        BudgetPeriodUnit.Month => "M",
        _ => "Y",
    };

    // 'D', 'H', 'W' and 'y' are the likely slips; say which letter was meant instead of only listing the units.
    private static string CaseHint(char letter) => letter switch
    {
        'D' => " (units are case-sensitive: did you mean 'd' for days?)",
        'H' => " (units are case-sensitive: did you mean 'h' for hours?)",
        'W' => " (units are case-sensitive: did you mean 'w' for weeks?)",
        'y' => " (units are case-sensitive: did you mean 'Y' for years?)",
        's' => " (seconds are not a budget period)",
        _ => string.Empty,
    };
}
