using System.Text.Json;

namespace Tollgate.Providers.Google;

/// <summary>The fields of a Google service account JSON key that signing needs.</summary>
internal sealed record ServiceAccountKey(string ClientEmail, string PrivateKeyPem, string? PrivateKeyId, string TokenUri)
{
    /// <summary>Reads a key file's JSON; throws <see cref="CredentialException"/> naming what is missing.</summary>
    public static ServiceAccountKey Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            string? Field(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            var email = Field("client_email");
            var key = Field("private_key");
            if (email is null || key is null)
            {
                throw new CredentialException(500, "The Vertex service account key needs client_email and private_key (a service_account JSON key).");
            }

            return new ServiceAccountKey(email, key, Field("private_key_id"), Field("token_uri") ?? GoogleServiceAccountCredential.DefaultTokenUri);
        }
        catch (JsonException)
        {
            throw new CredentialException(500, "The Vertex service account key is not valid JSON.");
        }
    }
}
