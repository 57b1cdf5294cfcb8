using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tollgate.Api.Auth;

/// <summary>
/// Source-generated JSON for the auth and user endpoints, with the same output settings as <see cref="JsonOutput"/>.
/// Unknown request fields are refused: a mistyped <c>"rol"</c> must not pass as "nothing to change".
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(PasswordChangeRequest))]
[JsonSerializable(typeof(UserCreateRequest))]
[JsonSerializable(typeof(UserUpdateRequest))]
[JsonSerializable(typeof(AuthIdentity))]
[JsonSerializable(typeof(UserView))]
[JsonSerializable(typeof(List<UserView>))]
internal sealed partial class AuthJsonContext : JsonSerializerContext
{
    public static readonly AuthJsonContext Output = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    });
}
