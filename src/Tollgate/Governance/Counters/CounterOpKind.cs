namespace Tollgate.Governance.Counters;

/// <summary>
/// What one step of a counter batch does. Admission batches hold <see cref="GateEnter"/>, <see cref="Take"/>,
/// <see cref="Peek"/> and <see cref="Reserve"/>; settlement batches hold <see cref="GateExit"/>, <see cref="Adjust"/> and
/// <see cref="Settle"/>. The meaning of <see cref="CounterOp"/>'s A-D fields depends on the kind.
/// </summary>
internal enum CounterOpKind : byte
{
    /// <summary>Enter a concurrency gate. A = max in flight (cluster-wide).</summary>
    GateEnter,

    /// <summary>Take from a token bucket. A = limit, B = window in ms, C = amount.</summary>
    Take,

    /// <summary>Like <see cref="Take"/> but takes nothing: passes while the bucket has C units (output-token limits).</summary>
    Peek,

    /// <summary>Reserve on a budget. A = limit (nano-USD), B = window start (unix ms), C = amount, D = window end (unix ms).</summary>
    Reserve,

    /// <summary>Leave a concurrency gate entered by this instance.</summary>
    GateExit,

    /// <summary>Correct a token bucket. A = limit, B = window in ms, C = delta (positive takes, negative gives back).</summary>
    Adjust,

    /// <summary>Settle a reservation. A = reserved, B = current window start (unix ms), C = actual cost, D = window end.</summary>
    Settle,
}
