using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Inference;
using Tollgate.Pipeline;
using Tollgate.Streaming;

namespace Tollgate.Caching;

/// <summary>
/// The stream flag is not part of the key, so an answer stored as JSON may be asked for as a stream and the other way
/// round. For chat completions in OpenAI's dialect the other shape is made here (one content chunk per choice, tool
/// calls whole, then the finish reason; or the chunks folded back into one message); anything else serves only the
/// shape it was stored in.
/// </summary>
internal static class AnswerShapes
{
    public static StoredAnswer? For(StoredAnswer answer, InferenceRequest request)
    {
        var stream = request.Sniff.Stream && request.Operation != InferenceOperation.Embeddings;
        if ((answer.Format == StoredAnswerFormat.Stream) == stream)
        {
            return answer;
        }

        if (request.Operation != InferenceOperation.ChatCompletions)
        {
            return null;
        }

        try
        {
            var payload = stream ? ToFrames(answer.Payload.Span) : ToJson(answer.Payload.Span);
            return payload is null ? null : new StoredAnswer
            {
                Format = stream ? StoredAnswerFormat.Stream : StoredAnswerFormat.Json,
                Provider = answer.Provider,
                Model = answer.Model,
                Usage = answer.Usage,
                CostNano = answer.CostNano,
                Payload = payload,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A chat.completion as chat.completion.chunk frames (without usage: the replay adds it if asked).</summary>
    public static byte[]? ToFrames(ReadOnlySpan<byte> json)
    {
        if (JsonNode.Parse(json) is not JsonObject root || root["choices"] is not JsonArray choices)
        {
            return null;
        }

        using var output = new PooledBufferWriter(json.Length + 512);
        void Frame(JsonObject choice)
        {
            var chunk = new JsonObject
            {
                ["id"] = root["id"]?.DeepClone(),
                ["object"] = "chat.completion.chunk",
                ["created"] = root["created"]?.DeepClone(),
                ["model"] = root["model"]?.DeepClone(),
                ["choices"] = new JsonArray(choice),
            };
            output.Write(SseFrames.DataPrefix);
            using (var writer = new Utf8JsonWriter(output))
            {
                chunk.WriteTo(writer);
            }

            output.Write(SseFrames.EventEnd);
        }

        foreach (var node in choices)
        {
            if (node is not JsonObject choice)
            {
                continue;
            }

            var index = choice["index"]?.GetValue<int>() ?? 0;
            var message = choice["message"] as JsonObject;
            var delta = new JsonObject { ["role"] = message?["role"]?.DeepClone() ?? "assistant" };
            if (message?["content"] is { } content)
            {
                delta["content"] = content.DeepClone();
            }

            if (message?["tool_calls"] is JsonArray calls)
            {
                var indexed = new JsonArray();
                var i = 0;
                foreach (var call in calls)
                {
                    if (call?.DeepClone() is JsonObject copy)
                    {
                        copy["index"] = i++;
                        indexed.Add(copy);
                    }
                }

                delta["tool_calls"] = indexed;
            }

            Frame(new JsonObject { ["index"] = index, ["delta"] = delta, ["finish_reason"] = null });
            Frame(new JsonObject { ["index"] = index, ["delta"] = new JsonObject(), ["finish_reason"] = choice["finish_reason"]?.DeepClone() });
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>chat.completion.chunk frames folded into one chat.completion.</summary>
    public static byte[]? ToJson(ReadOnlySpan<byte> frames)
    {
        string? id = null, model = null;
        long created = 0;
        var choices = new SortedDictionary<int, (System.Text.StringBuilder Content, List<JsonObject> Tools, string? Finish, bool HasContent)>();
        while (frames.Length > 0)
        {
            var end = frames.IndexOf(SseFrames.EventEnd);
            var frame = end < 0 ? frames : frames[..end];
            frames = end < 0 ? default : frames[(end + SseFrames.EventEnd.Length)..];
            var data = StoredAnswerReplay.Split(frame, out _);
            if (data.IsEmpty || JsonNode.Parse(data) is not JsonObject chunk)
            {
                continue;
            }

            id ??= chunk["id"]?.GetValue<string>();
            model ??= chunk["model"]?.GetValue<string>();
            created = created == 0 && chunk["created"] is JsonValue c && c.TryGetValue<long>(out var time) ? time : created;
            if (chunk["choices"] is not JsonArray list)
            {
                continue;
            }

            foreach (var node in list)
            {
                if (node is not JsonObject choice)
                {
                    continue;
                }

                var index = choice["index"]?.GetValue<int>() ?? 0;
                var state = choices.TryGetValue(index, out var found) ? found : (new System.Text.StringBuilder(), new List<JsonObject>(), null, false);
                if (choice["delta"] is JsonObject delta)
                {
                    if (delta["content"] is JsonValue text && text.TryGetValue<string>(out var piece))
                    {
                        state.Content.Append(piece);
                        state.HasContent = true;
                    }

                    if (delta["tool_calls"] is JsonArray tools)
                    {
                        foreach (var tool in tools.OfType<JsonObject>())
                        {
                            Merge(state.Tools, tool);
                        }
                    }
                }

                if (choice["finish_reason"] is JsonValue finish && finish.TryGetValue<string>(out var reason))
                {
                    state.Finish = reason;
                }

                choices[index] = state;
            }
        }

        var answer = new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion",
            ["created"] = created,
            ["model"] = model,
            ["choices"] = new JsonArray([.. choices.Select(pair =>
            {
                var message = new JsonObject { ["role"] = "assistant", ["content"] = pair.Value.HasContent ? pair.Value.Content.ToString() : null };
                if (pair.Value.Tools.Count > 0)
                {
                    message["tool_calls"] = new JsonArray([.. pair.Value.Tools]);
                }

                return (JsonNode)new JsonObject { ["index"] = pair.Key, ["message"] = message, ["finish_reason"] = pair.Value.Finish };
            })]),
        };
        return JsonSerializer.SerializeToUtf8Bytes(answer, CachingJsonContext.Default.JsonObject);
    }

    /// <summary>Folds one streamed tool-call fragment (by its index) into the calls so far.</summary>
    private static void Merge(List<JsonObject> calls, JsonObject fragment)
    {
        var index = fragment["index"]?.GetValue<int>() ?? calls.Count;
        while (calls.Count <= index)
        {
            calls.Add(new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = "", ["arguments"] = "" } });
        }

        var call = calls[index];
        if (fragment["id"]?.GetValue<string>() is { } callId)
        {
            call["id"] = callId;
        }

        if (fragment["function"] is JsonObject function)
        {
            var target = (JsonObject)call["function"]!;
            if (function["name"]?.GetValue<string>() is { Length: > 0 } name)
            {
                target["name"] = name;
            }

            if (function["arguments"]?.GetValue<string>() is { } arguments)
            {
                target["arguments"] = target["arguments"]!.GetValue<string>() + arguments;
            }
        }
    }
}
