using System.Text.Json;

namespace Tollgate.Inference;

/// <summary>Pre-encoded JSON property names, so matching and writing them costs no transcoding.</summary>
internal static class JsonFields
{
    public static readonly JsonEncodedText Model = JsonEncodedText.Encode("model");
    public static readonly JsonEncodedText Stream = JsonEncodedText.Encode("stream");
    public static readonly JsonEncodedText StreamOptions = JsonEncodedText.Encode("stream_options");
    public static readonly JsonEncodedText IncludeUsage = JsonEncodedText.Encode("include_usage");
    public static readonly JsonEncodedText MaxTokens = JsonEncodedText.Encode("max_tokens");
    public static readonly JsonEncodedText MaxCompletionTokens = JsonEncodedText.Encode("max_completion_tokens");
    public static readonly JsonEncodedText EncodingFormat = JsonEncodedText.Encode("encoding_format");
    public static readonly JsonEncodedText Base64 = JsonEncodedText.Encode("base64");
    public static readonly JsonEncodedText Fallbacks = JsonEncodedText.Encode("fallbacks");
    public static readonly JsonEncodedText Usage = JsonEncodedText.Encode("usage");
    public static readonly JsonEncodedText PromptTokens = JsonEncodedText.Encode("prompt_tokens");
    public static readonly JsonEncodedText CompletionTokens = JsonEncodedText.Encode("completion_tokens");
    public static readonly JsonEncodedText TotalTokens = JsonEncodedText.Encode("total_tokens");
    public static readonly JsonEncodedText PromptTokensDetails = JsonEncodedText.Encode("prompt_tokens_details");
    public static readonly JsonEncodedText CachedTokens = JsonEncodedText.Encode("cached_tokens");
    public static readonly JsonEncodedText Choices = JsonEncodedText.Encode("choices");
    public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    public static readonly JsonEncodedText Object = JsonEncodedText.Encode("object");
    public static readonly JsonEncodedText Created = JsonEncodedText.Encode("created");
    public static readonly JsonEncodedText Embedding = JsonEncodedText.Encode("embedding");
    public static readonly JsonEncodedText Data = JsonEncodedText.Encode("data");
    public static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");
    public static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");
    public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    public static readonly JsonEncodedText Code = JsonEncodedText.Encode("code");
    public static readonly JsonEncodedText Param = JsonEncodedText.Encode("param");
    public static readonly JsonEncodedText ErrorCode = JsonEncodedText.Encode("error_code");
}
