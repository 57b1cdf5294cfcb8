using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Tollgate.Emulator.Pipeline;
using Tollgate.Emulator.Script;

namespace Tollgate.Emulator.Providers;

/// <summary>
/// The Bedrock runtime under <c>/bedrock</c>: <c>POST /model/{modelId}/converse</c>, <c>/converse-stream</c> (AWS binary event
/// stream: length-prefixed messages with string headers, prelude and message CRC32s, payloads padded with a <c>p</c> field as
/// Bedrock does) and <c>/invoke</c> (Titan and Cohere embeddings). Auth is SigV4, verified in full (canonical request over
/// the raw path, signed headers, body hash, 15-minute clock skew) against <see cref="EmulatorState.AwsSecretFor"/>, or a
/// Bedrock API key as Bearer starting <c>bedrock-api-key-test</c>. Errors are <c>{"message"}</c> with
/// <c>x-amzn-ErrorType</c>; exceptions inside a stream are <c>:message-type exception</c> messages.
/// </summary>
internal static class BedrockApi
{
    public const string ApiKeyPrefix = "bedrock-api-key-test";

    public static void MapBedrock(this IEndpointRouteBuilder app)
    {
        app.MapPost("/bedrock/model/{modelId}/converse", ctx => ConverseAsync(ctx, stream: false));
        app.MapPost("/bedrock/model/{modelId}/converse-stream", ctx => ConverseAsync(ctx, stream: true));
        app.MapPost("/bedrock/model/{modelId}/invoke", InvokeAsync);
    }

    private static async Task<JsonObject?> AuthorizeAsync(HttpContext ctx)
    {
        var problem = Authenticate(ctx);
        if (problem is not null)
        {
            await WriteErrorAsync(ctx, 403, problem.Value.Type, problem.Value.Message);
            return null;
        }

        var model = ctx.RouteString("modelId") ?? string.Empty;
        if (model.Contains(OpenAIFamily.UnknownModelMarker, StringComparison.Ordinal))
        {
            await WriteErrorAsync(ctx, 400, "ValidationException", "The provided model identifier is invalid.");
            return null;
        }

        if (ctx.Emu().Json is not JsonObject body)
        {
            await WriteErrorAsync(ctx, 400, "SerializationException", "Unexpected token while parsing the request body.");
            return null;
        }

        return body;
    }

    private static (string Type, string Message)? Authenticate(HttpContext ctx)
    {
        var authorization = ctx.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return authorization["Bearer ".Length..].StartsWith(ApiKeyPrefix, StringComparison.Ordinal)
                ? null
                : ("UnrecognizedClientException", "Invalid API Key format: Must start with pre-defined prefix");
        }

        if (!authorization.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal))
        {
            return ("MissingAuthenticationTokenException", "Missing Authentication Token");
        }

        var fields = authorization["AWS4-HMAC-SHA256 ".Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);
        if (!fields.TryGetValue("Credential", out var credential) || !fields.TryGetValue("SignedHeaders", out var signedHeaders) || !fields.TryGetValue("Signature", out var signature))
        {
            return ("IncompleteSignatureException", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[3] != "bedrock" || scope[4] != "aws4_request")
        {
            return ("InvalidSignatureException", "Credential should be scoped to correct service: 'bedrock'.");
        }

        var accessKey = scope[0];
        if (!accessKey.StartsWith(EmulatorState.AwsAccessKeyPrefix, StringComparison.Ordinal))
        {
            return ("UnrecognizedClientException", "The security token included in the request is invalid.");
        }

        var amzDate = ctx.Request.Headers["x-amz-date"].ToString();
        if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt)
            || Math.Abs((DateTimeOffset.UtcNow - signedAt).TotalMinutes) > 15 || scope[1] != amzDate[..8])
        {
            return ("InvalidSignatureException", "Signature expired or the credential date does not match x-amz-date.");
        }

        var names = signedHeaders.Split(';');
        if (!names.Contains("host") || !names.Contains("x-amz-date"))
        {
            return ("InvalidSignatureException", "'Host' and 'X-Amz-Date' must be signed headers.");
        }

        var bodyHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ctx.Emu().Body)));
        if (ctx.Request.Headers.TryGetValue("x-amz-content-sha256", out var declared) && declared.ToString() != bodyHash)
        {
            return ("InvalidSignatureException", "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }

        // The raw target as sent (still percent-encoded): Kestrel's Path is decoded, but SigV4 signs the encoded form.
        var raw = ctx.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var rawPath = raw.Split('?')[0];
        var canonical = new StringBuilder()
            .Append(ctx.Request.Method).Append('\n')
            .Append(string.Join('/', rawPath.Split('/').Select(Uri.EscapeDataString))).Append('\n')
            .Append('\n');
        foreach (var name in names)
        {
            var value = name == "host" ? ctx.Request.Host.Value : ctx.Request.Headers[name].ToString();
            canonical.Append(name).Append(':').Append(value?.Trim()).Append('\n');
        }

        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(bodyHash);
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope[1]}/{scope[2]}/{scope[3]}/aws4_request\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + EmulatorState.AwsSecretFor(accessKey)), Encoding.UTF8.GetBytes(scope[1]));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(scope[2]));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(scope[3]));
        key = HMACSHA256.HashData(key, "aws4_request"u8);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        return expected == signature
            ? null
            : ("InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
    }

    private static async Task ConverseAsync(HttpContext ctx, bool stream)
    {
        if (await AuthorizeAsync(ctx) is not JsonObject body)
        {
            return;
        }

        ChatInput input;
        try
        {
            input = ChatInput.FromBedrock(body);
        }
        catch (FormatException e)
        {
            await WriteErrorAsync(ctx, 400, "ValidationException", e.Message);
            return;
        }

        var plan = ReplyPlanner.Plan(input, ProviderNames.Bedrock);
        var stopReason = plan.Finish switch
        {
            FinishKind.Length => "max_tokens",
            FinishKind.ToolCall => "tool_use",
            FinishKind.StopSequence => "stop_sequence",
            _ => "end_turn",
        };
        var usage = new JsonObject { ["inputTokens"] = plan.PromptTokens, ["outputTokens"] = plan.CompletionTokens, ["totalTokens"] = plan.PromptTokens + plan.CompletionTokens };
        const string toolUseId = "tooluse_emu_1";
        if (!stream)
        {
            JsonObject block = plan.ToolCall is ToolCallPlan call
                ? new JsonObject { ["toolUse"] = new JsonObject { ["toolUseId"] = toolUseId, ["name"] = call.Name, ["input"] = JsonNode.Parse(call.ArgumentsJson) } }
                : new JsonObject { ["text"] = plan.Text };
            await JsonOut.WriteAsync(ctx, 200, new JsonObject
            {
                ["output"] = new JsonObject { ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = new JsonArray { block } } },
                ["stopReason"] = stopReason,
                ["usage"] = usage,
                ["metrics"] = new JsonObject { ["latencyMs"] = 12 },
            });
            return;
        }

        var writer = SseWriter.For(ctx);
        if (!await writer.StartAsync("application/vnd.amazon.eventstream"))
        {
            return;
        }

        var events = new List<(string Type, JsonObject Payload)> { ("messageStart", new JsonObject { ["role"] = "assistant" }) };
        if (plan.ToolCall is ToolCallPlan toolCall)
        {
            events.Add(("contentBlockStart", new JsonObject { ["contentBlockIndex"] = 0, ["start"] = new JsonObject { ["toolUse"] = new JsonObject { ["toolUseId"] = toolUseId, ["name"] = toolCall.Name } } }));
            events.AddRange(toolCall.ArgumentFragments.Select(f =>
                ("contentBlockDelta", new JsonObject { ["contentBlockIndex"] = 0, ["delta"] = new JsonObject { ["toolUse"] = new JsonObject { ["input"] = f } } })));
        }
        else
        {
            events.AddRange(plan.Pieces().Select(p => ("contentBlockDelta", new JsonObject { ["contentBlockIndex"] = 0, ["delta"] = new JsonObject { ["text"] = p } })));
        }

        events.Add(("contentBlockStop", new JsonObject { ["contentBlockIndex"] = 0 }));
        events.Add(("messageStop", new JsonObject { ["stopReason"] = stopReason }));
        events.Add(("metadata", new JsonObject { ["usage"] = usage, ["metrics"] = new JsonObject { ["latencyMs"] = 12 } }));
        foreach (var (type, payload) in events)
        {
            // Bedrock pads payloads with a "p" field of varying length, so event sizes do not reveal the text.
            payload["p"] = "abcdefghijklmnopqrstuvwxyzABCDEF"[..(1 + (type.Length % 20))];
            if (!await writer.WriteBytesAsync(EventStreamMessage.Event(type, Encoding.UTF8.GetBytes(JsonOut.Serialize(payload)))))
            {
                return;
            }
        }
    }

    private static async Task InvokeAsync(HttpContext ctx)
    {
        if (await AuthorizeAsync(ctx) is not JsonObject body)
        {
            return;
        }

        var model = ctx.RouteString("modelId")!;
        if (model.StartsWith("cohere.embed", StringComparison.Ordinal))
        {
            var texts = (body["texts"] as JsonArray ?? []).Select(t => t.AsString() ?? string.Empty).ToList();
            await JsonOut.WriteAsync(ctx, 200, new JsonObject
            {
                ["embeddings"] = new JsonArray(texts.Select(t => (JsonNode)Vector(t)).ToArray()),
                ["id"] = Guid.NewGuid().ToString(),
                ["response_type"] = "embeddings_floats",
                ["texts"] = new JsonArray(texts.Select(t => (JsonNode)t).ToArray()),
            });
            return;
        }

        if (body.GetString("inputText") is not string text)
        {
            await WriteErrorAsync(ctx, 400, "ValidationException", "Malformed input request: #: required key [inputText] not found, please reformat your input and try again.");
            return;
        }

        await JsonOut.WriteAsync(ctx, 200, new JsonObject
        {
            ["embedding"] = Vector(text),
            ["embeddingsByType"] = new JsonObject { ["float"] = Vector(text) },
            ["inputTextTokenCount"] = Words.Count(text),
        });
    }

    private static JsonArray Vector(string text) => new(Embedder.Embed(text).Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    private static Task WriteErrorAsync(HttpContext ctx, int status, string type, string message)
    {
        ctx.Response.Headers["x-amzn-ErrorType"] = type + ":http://internal.amazon.com/coral/com.amazon.bedrock/";
        return JsonOut.WriteAsync(ctx, status, ErrorBodies.Aws(message));
    }
}

/// <summary>Encodes AWS event stream messages (prelude, string headers, payload, both CRC32s).</summary>
internal static class EventStreamMessage
{
    public static byte[] Event(string eventType, byte[] payload) =>
        Encode([(":event-type", eventType), (":content-type", "application/json"), (":message-type", "event")], payload);

    public static byte[] Exception(string exceptionType, byte[] payload) =>
        Encode([(":exception-type", exceptionType), (":content-type", "application/json"), (":message-type", "exception")], payload);

    public static byte[] Encode(IReadOnlyList<(string Name, string Value)> headers, byte[] payload)
    {
        using var headerBytes = new MemoryStream();
        Span<byte> length = stackalloc byte[2];
        foreach (var (name, value) in headers)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var valueBytes = Encoding.UTF8.GetBytes(value);
            headerBytes.WriteByte((byte)nameBytes.Length);
            headerBytes.Write(nameBytes);
            headerBytes.WriteByte(7);
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)valueBytes.Length);
            headerBytes.Write(length);
            headerBytes.Write(valueBytes);
        }

        var headerArray = headerBytes.ToArray();
        var total = 12 + headerArray.Length + payload.Length + 4;
        var message = new byte[total];
        BinaryPrimitives.WriteUInt32BigEndian(message, (uint)total);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), (uint)headerArray.Length);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(8), Crc32(message.AsSpan(0, 8)));
        headerArray.CopyTo(message, 12);
        payload.CopyTo(message, 12 + headerArray.Length);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(total - 4), Crc32(message.AsSpan(0, total - 4)));
        return message;
    }

    /// <summary>CRC-32/ISO-HDLC, bit by bit (independent of the gateway's table-driven one, so each checks the other).</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
