using System.Text.Json;
using Tollgate.Inference;

namespace Tollgate.Api.Responses;

/// <summary>
/// The fields of a Responses <c>response</c> object around its <c>output</c>: identity and status, and the request
/// parameters OpenAI echoes back, which SDKs read (the Agents SDK and the .NET SDK look at tools, tool_choice and text).
/// </summary>
/// <remarks>
/// The echoed values are copied out of the request once, as raw JSON, because a stream writes the object three times
/// (created, in_progress, completed) and may outlive the request's document. WriteChatRequest validated the request,
/// so the values have the right kinds.
/// </remarks>
internal sealed class ResponseEnvelope
{
    private readonly byte[]? _instructions;
    private readonly byte[]? _maxOutputTokens;
    private readonly byte[]? _parallelToolCalls;
    private readonly byte[]? _previousResponseId;
    private readonly byte[]? _reasoning;
    private readonly byte[]? _store;
    private readonly byte[]? _temperature;
    private readonly byte[]? _text;
    private readonly byte[]? _toolChoice;
    private readonly byte[]? _tools;
    private readonly byte[]? _topP;
    private readonly byte[]? _truncation;
    private readonly byte[]? _user;
    private readonly byte[]? _metadata;

    public ResponseEnvelope(JsonElement request)
    {
        if (request.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        _instructions = Raw(request, "instructions"u8);
        _maxOutputTokens = Raw(request, "max_output_tokens"u8);
        _parallelToolCalls = Raw(request, "parallel_tool_calls"u8);
        _previousResponseId = Raw(request, "previous_response_id"u8);
        _reasoning = Raw(request, "reasoning"u8);
        _store = Raw(request, "store"u8);
        _temperature = Raw(request, "temperature"u8);
        _text = Raw(request, "text"u8);
        _toolChoice = Raw(request, "tool_choice"u8);
        _tools = Raw(request, "tools"u8);
        _topP = Raw(request, "top_p"u8);
        _truncation = Raw(request, "truncation"u8);
        _user = Raw(request, "user"u8);
        _metadata = Raw(request, "metadata"u8);
    }

    /// <summary>Opens the response object and writes up to and including the <c>output</c> property name.</summary>
    /// <param name="status">"in_progress", "completed", "incomplete" or "failed".</param>
    /// <param name="incompleteReason">incomplete_details.reason when the status is incomplete.</param>
    /// <param name="errorCode">With <paramref name="errorMessage"/>, the error of a failed response.</param>
    public void WriteStart(Utf8JsonWriter writer, string id, long createdAt, string status, string model, string? incompleteReason = null,
        string? errorCode = null, string? errorMessage = null)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, id);
        writer.WriteString("object"u8, "response"u8);
        writer.WriteNumber("created_at"u8, createdAt);
        writer.WriteString("status"u8, status);
        writer.WriteBoolean("background"u8, false);
        if (errorMessage is not null)
        {
            writer.WriteStartObject("error"u8);
            writer.WriteString("code"u8, errorCode);
            writer.WriteString("message"u8, errorMessage);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("error"u8);
        }

        if (incompleteReason is not null)
        {
            writer.WriteStartObject("incomplete_details"u8);
            writer.WriteString("reason"u8, incompleteReason);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("incomplete_details"u8);
        }

        WriteRaw(writer, "instructions"u8, _instructions, "null"u8);
        WriteRaw(writer, "max_output_tokens"u8, _maxOutputTokens, "null"u8);
        writer.WriteString("model"u8, model);
        writer.WritePropertyName("output"u8);
    }

    /// <summary>Writes everything after <c>output</c> and closes the object; <paramref name="usage"/> is null until known.</summary>
    public void WriteEnd(Utf8JsonWriter writer, TokenUsage? usage, int reasoningTokens = 0)
    {
        WriteRaw(writer, "parallel_tool_calls"u8, _parallelToolCalls, "true"u8);
        WriteRaw(writer, "previous_response_id"u8, _previousResponseId, "null"u8);
        WriteRaw(writer, "reasoning"u8, _reasoning, """{"effort":null,"summary":null}"""u8);
        WriteRaw(writer, "store"u8, _store, "true"u8);
        WriteRaw(writer, "temperature"u8, _temperature, "null"u8);
        WriteRaw(writer, "text"u8, _text, """{"format":{"type":"text"}}"""u8);
        WriteRaw(writer, "tool_choice"u8, _toolChoice, "\"auto\""u8);
        WriteRaw(writer, "tools"u8, _tools, "[]"u8);
        WriteRaw(writer, "top_p"u8, _topP, "null"u8);
        WriteRaw(writer, "truncation"u8, _truncation, "\"disabled\""u8);
        if (usage is { } counts)
        {
            ResponsesUsage.Write(counts, reasoningTokens, writer);
        }
        else
        {
            writer.WriteNull("usage"u8);
        }

        WriteRaw(writer, "user"u8, _user, "null"u8);
        WriteRaw(writer, "metadata"u8, _metadata, "{}"u8);
        writer.WriteEndObject();
    }

    private static byte[]? Raw(JsonElement request, ReadOnlySpan<byte> name) =>
        request.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value).ToArray()
            : null;

    private static void WriteRaw(Utf8JsonWriter writer, ReadOnlySpan<byte> name, byte[]? value, ReadOnlySpan<byte> fallback)
    {
        writer.WritePropertyName(name);
        writer.WriteRawValue(value is null ? fallback : value, skipInputValidation: true);
    }
}
