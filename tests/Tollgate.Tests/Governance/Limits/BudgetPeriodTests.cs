using Tollgate.Governance.Limits;

namespace Tollgate.Tests.Governance.Limits;

public sealed class BudgetPeriodTests
{
    private static readonly DateTimeOffset Unused = DateTimeOffset.UnixEpoch;

    private static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    [Theory]
    [InlineData("1m", BudgetPeriodUnit.Minute, 1)]
    [InlineData("15m", BudgetPeriodUnit.Minute, 15)]
    [InlineData("1h", BudgetPeriodUnit.Hour, 1)]
    [InlineData("6h", BudgetPeriodUnit.Hour, 6)]
    [InlineData("1d", BudgetPeriodUnit.Day, 1)]
    [InlineData("30d", BudgetPeriodUnit.Day, 30)]
    [InlineData("1w", BudgetPeriodUnit.Week, 1)]
    [InlineData("2w", BudgetPeriodUnit.Week, 2)]
    [InlineData("1M", BudgetPeriodUnit.Month, 1)]
    [InlineData("3M", BudgetPeriodUnit.Month, 3)]
    [InlineData("1Y", BudgetPeriodUnit.Year, 1)]
    [InlineData("100Y", BudgetPeriodUnit.Year, 100)]
    [InlineData("007d", BudgetPeriodUnit.Day, 7)]
    public void TryParse_ValidDuration_ReturnsUnitAndCount(string text, BudgetPeriodUnit unit, int count)
    {
        Assert.True(BudgetPeriod.TryParse(text, calendarAligned: true, out var period, out var error), error);
        Assert.Equal(unit, period.Unit);
        Assert.Equal(count, period.Count);
        Assert.True(period.CalendarAligned);
    }

    [Theory]
    [InlineData(null, "is empty")]
    [InlineData("", "is empty")]
    [InlineData("d", "does not start with a number")]
    [InlineData(" 1d", "does not start with a number")]
    [InlineData("-1d", "does not start with a number")]
    [InlineData("+1d", "does not start with a number")]
    [InlineData("1", "has no unit")]
    [InlineData("1d ", "not a whole number followed by one unit letter")]
    [InlineData("1.5d", "not a whole number followed by one unit letter")]
    [InlineData("1dd", "not a whole number followed by one unit letter")]
    [InlineData("0d", "at least 1d")]
    [InlineData("1D", "did you mean 'd'")]
    [InlineData("1H", "did you mean 'h'")]
    [InlineData("1W", "did you mean 'w'")]
    [InlineData("1y", "did you mean 'Y'")]
    [InlineData("30s", "seconds are not a budget period")]
    [InlineData("1x", "unknown unit 'x'")]
    [InlineData("101Y", "longer than 100 years (at most 100Y)")]
    [InlineData("99999999999999999999d", "longer than 100 years")]
    [InlineData("\u0661d", "does not start with a number")] // Arabic-Indic one: char.IsDigit says yes, we say no
    public void TryParse_InvalidDuration_FailsWithClearMessage(string? text, string expected)
    {
        Assert.False(BudgetPeriod.TryParse(text, calendarAligned: false, out var period, out var error));
        Assert.Null(period);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_UnknownUnit_ListsTheUnits()
    {
        Assert.False(BudgetPeriod.TryParse("1q", false, out _, out var error));
        Assert.Equal(
            "'1q' has an unknown unit 'q'; expected a whole number of at least 1 followed by a unit: m (minute), " +
            "h (hour), d (day), w (week), M (month) or Y (year), e.g. 1d or 1M",
            error);
    }

    [Fact]
    public void Parse_InvalidDuration_ThrowsFormatExceptionWithTheMessage()
    {
        var ex = Assert.Throws<FormatException>(() => BudgetPeriod.Parse("1D"));
        Assert.StartsWith("Reset duration '1D' has an unknown unit 'D'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_ReturnsConfigText_AndEqualityIsByValue()
    {
        Assert.Equal("15m", BudgetPeriod.Parse("15m").ToString());
        Assert.Equal("1M", BudgetPeriod.Create(BudgetPeriodUnit.Month, 1).ToString());
        Assert.Equal(BudgetPeriod.Parse("1M", true), BudgetPeriod.Create(BudgetPeriodUnit.Month, 1, true));
        Assert.NotEqual(BudgetPeriod.Parse("1M", true), BudgetPeriod.Parse("1M", false));
    }

    [Fact]
    public void TryGetFixedLength_FixedUnits_ReturnLength_MonthsAndYearsDoNot()
    {
        Assert.True(BudgetPeriod.Parse("2w").TryGetFixedLength(out var twoWeeks));
        Assert.Equal(TimeSpan.FromDays(14), twoWeeks);
        Assert.True(BudgetPeriod.Parse("1m").TryGetFixedLength(out var minute));
        Assert.Equal(TimeSpan.FromMinutes(1), minute);
        Assert.False(BudgetPeriod.Parse("1M").TryGetFixedLength(out _));
        Assert.False(BudgetPeriod.Parse("1Y").TryGetFixedLength(out _));
    }

    [Theory]
    [InlineData("1m", "2025-03-14T10:15:42Z", "2025-03-14T10:15:00Z", "2025-03-14T10:16:00Z")]
    [InlineData("15m", "2025-03-14T10:29:59Z", "2025-03-14T10:15:00Z", "2025-03-14T10:30:00Z")]
    [InlineData("1h", "2025-03-14T10:15:42Z", "2025-03-14T10:00:00Z", "2025-03-14T11:00:00Z")]
    [InlineData("6h", "2025-03-14T13:00:00Z", "2025-03-14T12:00:00Z", "2025-03-14T18:00:00Z")]
    [InlineData("1d", "2025-03-14T23:59:59Z", "2025-03-14T00:00:00Z", "2025-03-15T00:00:00Z")]
    [InlineData("1d", "2025-03-15T00:00:00Z", "2025-03-15T00:00:00Z", "2025-03-16T00:00:00Z")]
    [InlineData("1w", "2025-01-08T12:00:00Z", "2025-01-06T00:00:00Z", "2025-01-13T00:00:00Z")] // Wednesday
    [InlineData("1w", "2025-01-12T23:59:59Z", "2025-01-06T00:00:00Z", "2025-01-13T00:00:00Z")] // Sunday night
    [InlineData("1w", "2025-01-13T00:00:00Z", "2025-01-13T00:00:00Z", "2025-01-20T00:00:00Z")] // Monday
    [InlineData("1w", "2024-12-31T08:00:00Z", "2024-12-30T00:00:00Z", "2025-01-06T00:00:00Z")] // across a year
    [InlineData("1M", "2025-01-31T18:00:00Z", "2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z")]
    [InlineData("1M", "2025-02-01T00:00:00Z", "2025-02-01T00:00:00Z", "2025-03-01T00:00:00Z")]
    [InlineData("1M", "2024-02-29T23:00:00Z", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z")]
    [InlineData("1M", "2025-12-31T23:59:59Z", "2025-12-01T00:00:00Z", "2026-01-01T00:00:00Z")]
    [InlineData("3M", "2025-05-15T00:00:00Z", "2025-04-01T00:00:00Z", "2025-07-01T00:00:00Z")] // quarters
    [InlineData("1Y", "2025-07-04T00:00:00Z", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z")]
    [InlineData("2Y", "2025-07-04T00:00:00Z", "2024-01-01T00:00:00Z", "2026-01-01T00:00:00Z")]
    public void WindowAt_CalendarAligned_StartsOnUtcBoundary(string duration, string now, string start, string end)
    {
        var period = BudgetPeriod.Parse(duration, calendarAligned: true);

        var window = period.WindowAt(DateTimeOffset.Parse(now), Unused);

        Assert.Equal(DateTimeOffset.Parse(start), window.Start);
        Assert.Equal(DateTimeOffset.Parse(end), window.End);
    }

    [Fact]
    public void WindowAt_CalendarAligned_UsesUtcWhateverTheOffsetOfNow()
    {
        // 01:00 on Jan 1st in UTC+2 is still Dec 31st in UTC.
        var now = new DateTimeOffset(2025, 1, 1, 1, 0, 0, TimeSpan.FromHours(2));

        var window = BudgetPeriod.Parse("1d", true).WindowAt(now, Unused);

        Assert.Equal(Utc(2024, 12, 31), window.Start);
        Assert.Equal(TimeSpan.Zero, window.Start.Offset);
    }

    [Fact]
    public void WindowAt_CalendarAlignedTwoWeeks_StartsOnMondayEveryFourteenDaysFromTheEpochMonday()
    {
        var period = BudgetPeriod.Parse("2w", true);
        var firstMonday = Utc(1969, 12, 29);

        for (var day = 0; day < 30; day++)
        {
            var now = Utc(2025, 3, 1).AddDays(day).AddHours(7);
            var (start, end) = period.WindowAt(now, Unused);

            Assert.Equal(DayOfWeek.Monday, start.DayOfWeek);
            Assert.Equal(TimeSpan.Zero, start.TimeOfDay);
            Assert.Equal(TimeSpan.FromDays(14), end - start);
            Assert.InRange(now, start, end.AddTicks(-1));
            Assert.Equal(0, (start - firstMonday).Days % 14);
        }
    }

    [Fact]
    public void WindowAt_Rolling_FixedLengthRepeatsFromAnchor()
    {
        var anchor = Utc(2025, 1, 10, 15, 30);
        var period = BudgetPeriod.Parse("1d");

        Assert.Equal((anchor, anchor.AddDays(1)), period.WindowAt(anchor, anchor));
        Assert.Equal((Utc(2025, 1, 11, 15, 30), Utc(2025, 1, 12, 15, 30)), period.WindowAt(Utc(2025, 1, 12, 10, 0), anchor));
        Assert.Equal((Utc(2025, 1, 12, 15, 30), Utc(2025, 1, 13, 15, 30)), period.WindowAt(Utc(2025, 1, 12, 15, 30), anchor));

        // An anchor in the future still yields a window containing now.
        Assert.Equal((Utc(2025, 1, 9, 15, 30), Utc(2025, 1, 10, 15, 30)), period.WindowAt(Utc(2025, 1, 10, 0, 0), anchor));
    }

    [Fact]
    public void WindowAt_RollingMonth_FromJan31_UsesCalendarArithmeticFromTheAnchor()
    {
        var anchor = Utc(2025, 1, 31, 10, 0);
        var period = BudgetPeriod.Parse("1M");

        Assert.Equal((anchor, Utc(2025, 2, 28, 10, 0)), period.WindowAt(Utc(2025, 2, 27, 0, 0), anchor));
        Assert.Equal((Utc(2025, 2, 28, 10, 0), Utc(2025, 3, 31, 10, 0)), period.WindowAt(Utc(2025, 2, 28, 12, 0), anchor));

        // Not chained from Feb 28: March's window starts on the 31st again, April's on the 30th.
        Assert.Equal((Utc(2025, 3, 31, 10, 0), Utc(2025, 4, 30, 10, 0)), period.WindowAt(Utc(2025, 4, 1), anchor));
        Assert.Equal((Utc(2028, 1, 31, 10, 0), Utc(2028, 2, 29, 10, 0)), period.WindowAt(Utc(2028, 2, 15), anchor));
    }

    [Fact]
    public void WindowAt_RollingMonth_SameDayBeforeAnchorTime_StaysInPreviousWindow()
    {
        var anchor = Utc(2025, 1, 15, 12, 0);

        var window = BudgetPeriod.Parse("1M").WindowAt(Utc(2025, 3, 15, 11, 59), anchor);

        Assert.Equal((Utc(2025, 2, 15, 12, 0), Utc(2025, 3, 15, 12, 0)), window);
    }

    [Fact]
    public void WindowAt_RollingYear_FromLeapDay()
    {
        var anchor = Utc(2024, 2, 29);
        var period = BudgetPeriod.Parse("1Y");

        Assert.Equal((Utc(2025, 2, 28), Utc(2026, 2, 28)), period.WindowAt(Utc(2025, 6, 1), anchor));
        Assert.Equal((Utc(2027, 2, 28), Utc(2028, 2, 29)), period.WindowAt(Utc(2027, 12, 31), anchor));
    }

    [Fact]
    public void WindowAt_RollingQuarter_StepsThreeMonthsFromAnchor()
    {
        var anchor = Utc(2025, 2, 10);

        var window = BudgetPeriod.Parse("3M").WindowAt(Utc(2025, 9, 1), anchor);

        Assert.Equal((Utc(2025, 8, 10), Utc(2025, 11, 10)), window);
    }
}
