using System.Runtime.InteropServices;
using System.Text.Json;
using Tollgate.Api.Anthropic;

namespace Tollgate.Api.Responses;

/// <summary>
/// An assistant turn being gathered from Responses input items: the text of a message item and the function calls
/// that follow it, written as one chat assistant message once something else comes.
/// </summary>
internal sealed class PendingAssistant
{
    private readonly List<JsonElement> _texts = [];
    private readonly List<JsonElement> _calls = [];
    private bool _open;

    /// <summary>Adds an assistant message item's content; a second text turn, or text after calls, starts a new message.</summary>
    public ResponsesError? AddMessage(JsonElement content, int index, Utf8JsonWriter writer)
    {
        if (_open)
        {
            Flush(writer);
        }

        _open = true;
        return ResponsesInputWriter.CollectTexts(content, index, _texts, allowRefusal: true);
    }

    /// <summary>Adds a function_call item (already checked to have call_id, name and arguments strings).</summary>
    public void AddCall(JsonElement call)
    {
        _open = true;
        _calls.Add(call);
    }

    public void Flush(Utf8JsonWriter writer)
    {
        if (!_open)
        {
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("role"u8, "assistant"u8);
        writer.WritePropertyName("content"u8);
        if (_texts.Count > 0)
        {
            // Parts of one answer, joined as they are: that is how it read when it was said.
            JsonTextJoiner.Write(CollectionsMarshal.AsSpan(_texts), default, default, writer);
        }
        else if (_calls.Count > 0)
        {
            // What OpenAI itself returns next to tool calls.
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(""u8);
        }

        if (_calls.Count > 0)
        {
            writer.WriteStartArray("tool_calls"u8);
            foreach (var call in _calls)
            {
                writer.WriteStartObject();
                writer.WritePropertyName("id"u8);
                call.GetProperty("call_id"u8).WriteTo(writer);
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WritePropertyName("name"u8);
                call.GetProperty("name"u8).WriteTo(writer);
                writer.WritePropertyName("arguments"u8);
                call.GetProperty("arguments"u8).WriteTo(writer);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        _texts.Clear();
        _calls.Clear();
        _open = false;
    }
}
