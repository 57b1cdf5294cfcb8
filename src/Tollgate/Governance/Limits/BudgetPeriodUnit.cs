namespace Tollgate.Governance.Limits;

/// <summary>The unit of a reset duration; the letters are the ones config files use.</summary>
public enum BudgetPeriodUnit
{
    /// <summary><c>m</c></summary>
    Minute,

    /// <summary><c>h</c></summary>
    Hour,

    /// <summary><c>d</c></summary>
    Day,

    /// <summary><c>w</c></summary>
    Week,

    /// <summary><c>M</c></summary>
    Month,

    /// <summary><c>Y</c></summary>
    Year,
}
