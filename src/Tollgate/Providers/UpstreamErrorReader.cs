using System.Text;
using System.Text.Json;
using Tollgate.Inference;

namespace Tollgate.Providers;

/// <summary>
/// Turns an upstream's error response into an OpenAI-shaped <see cref="GatewayError"/> with the same status. Understands
/// OpenAI/Azure (<c>{"error":{...}}</c>), Anthropic (<c>{"type":"error","error":{"type","message"}}</c>) and Databricks
/// (<c>{"error_code","message"}</c>, where <c>error_code</c> may be a number), Google (<c>{"error":{"code","message","status"}}</c>)
/// and Cohere and Bedrock (<c>{"message"}</c>).
/// </summary>
internal static class UpstreamErrorReader
{
    private const int MaxPlainTextMessage = 300;

    public static GatewayError Read(int status, ReadOnlySpan<byte> body, string provider, int? retryAfterSeconds)
    {
        string? message = null, type = null, code = null, param = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals(JsonFields.Error.EncodedUtf8Bytes))
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.StartObject)
                        {
                            ReadErrorObject(ref reader, ref message, ref type, ref code, ref param);
                        }
                        else
                        {
                            // Some servers send {"error":"text"} (OAuth endpoints, older vLLM).
                            message ??= ScalarToString(ref reader);
                        }
                    }
                    else if (reader.ValueTextEquals(JsonFields.ErrorCode.EncodedUtf8Bytes))
                    {
                        reader.Read();
                        code = ScalarToString(ref reader);
                    }
                    else if (reader.ValueTextEquals(JsonFields.Message.EncodedUtf8Bytes) || reader.ValueTextEquals("detail"u8))
                    {
                        reader.Read();
                        message ??= ScalarToString(ref reader);
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
        }
        catch (JsonException)
        {
            message = null;
        }

        if (string.IsNullOrEmpty(message))
        {
            var text = body.Length > 0 ? Encoding.UTF8.GetString(body[..Math.Min(body.Length, MaxPlainTextMessage)]).Trim() : string.Empty;
            message = text.Length > 0 && !text.StartsWith('{') && !text.StartsWith('<')
                ? $"Upstream provider '{provider}' returned HTTP {status}: {text}"
                : $"Upstream provider '{provider}' returned HTTP {status}.";
        }

        // Anthropic puts its category in error.type (rate_limit_error, overloaded_error): keep it as the code too.
        var error = new GatewayError(status, message, type ?? ErrorTypes.ForStatus(status), code ?? type, param)
        {
            RetryAfterSeconds = retryAfterSeconds,
            Retryable = IsRetryable(status),
        };
        return error;
    }

    public static bool IsRetryable(int status) => status is 408 or 409 or 429 or >= 500;

    private static void ReadErrorObject(ref Utf8JsonReader reader, ref string? message, ref string? type, ref string? code, ref string? param)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(JsonFields.Message.EncodedUtf8Bytes))
            {
                reader.Read();
                message = ScalarToString(ref reader);
            }
            else if (reader.ValueTextEquals(JsonFields.Type.EncodedUtf8Bytes))
            {
                reader.Read();
                type = ScalarToString(ref reader);
            }
            else if (reader.ValueTextEquals(JsonFields.Code.EncodedUtf8Bytes))
            {
                reader.Read();
                code ??= ScalarToString(ref reader);
            }
            else if (reader.ValueTextEquals("status"u8))
            {
                // Google's {"error":{"code":429,"message","status":"RESOURCE_EXHAUSTED"}}: the status name is the useful code.
                reader.Read();
                code = ScalarToString(ref reader) ?? code;
            }
            else if (reader.ValueTextEquals(JsonFields.Param.EncodedUtf8Bytes))
            {
                reader.Read();
                param = ScalarToString(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static string? ScalarToString(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                return Encoding.UTF8.GetString(reader.ValueSpan);
            case JsonTokenType.True:
                return "true";
            case JsonTokenType.False:
                return "false";
            default:
                reader.Skip();
                return null;
        }
    }
}
