namespace Tollgate.Secrets;

/// <summary>
/// A parsed <c>vault.&lt;store&gt;/&lt;path&gt;#&lt;field&gt;</c> reference. The path may hold slashes (AWS names, Vault
/// paths); the field is what follows the last <c>#</c> and is optional where a secret is one value.
/// </summary>
public readonly record struct VaultReference(string Store, string Path, string? Field)
{
    public const string Prefix = "vault.";

    public static bool IsReference(string value) => value.StartsWith(Prefix, StringComparison.Ordinal);

    public static bool TryParse(string value, out VaultReference reference)
    {
        reference = default;
        if (!IsReference(value))
        {
            return false;
        }

        var body = value.AsSpan(Prefix.Length);
        var slash = body.IndexOf('/');
        if (slash <= 0 || slash == body.Length - 1)
        {
            return false;
        }

        var store = body[..slash].ToString();
        var rest = body[(slash + 1)..];
        string? field = null;
        var hash = rest.LastIndexOf('#');
        if (hash >= 0)
        {
            if (hash == rest.Length - 1 || hash == 0)
            {
                return false;
            }

            field = rest[(hash + 1)..].ToString();
            rest = rest[..hash];
        }

        reference = new VaultReference(store, rest.ToString(), field);
        return true;
    }

    public override string ToString() => Field is null ? $"{Prefix}{Store}/{Path}" : $"{Prefix}{Store}/{Path}#{Field}";
}
