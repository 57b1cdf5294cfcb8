namespace Tollgate.Pipeline;

internal enum StoredAnswerFormat : byte
{
    /// <summary>A whole JSON answer.</summary>
    Json = 1,

    /// <summary>SSE frames of a stream.</summary>
    Stream = 2,
}
