namespace Tollgate.Api.Responses;

/// <summary>Maps OpenAI's chat <c>finish_reason</c> to a Responses status and <c>incomplete_details.reason</c>.</summary>
internal static class ResponsesStatus
{
    /// <param name="finishReason">The unescaped finish reason; empty when the upstream sent none.</param>
    /// <returns>
    /// The reason the response is incomplete, as OpenAI names it, or null when it is complete: a model cut off by its
    /// token limit, or stopped by a content filter, did not finish what it was saying.
    /// </returns>
    public static string? IncompleteReason(ReadOnlySpan<byte> finishReason)
    {
        if (finishReason.SequenceEqual("length"u8))
        {
            return "max_output_tokens";
        }

        return finishReason.SequenceEqual("content_filter"u8) ? "content_filter" : null;
    }
}
