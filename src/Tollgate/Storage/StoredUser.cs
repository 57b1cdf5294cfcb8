namespace Tollgate.Storage;

/// <summary>
/// An admin user as the store keeps it. <see cref="Role"/> is the role's name (<c>admin</c>, <c>editor</c>,
/// <c>viewer</c>); <see cref="PasswordHash"/> is self-describing (algorithm, iterations, salt, hash), so the work factor
/// can be raised later without a migration.
/// </summary>
public sealed record StoredUser(string Username, string Role, string PasswordHash, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>The role the store protects: the last user holding it can be neither deleted nor demoted.</summary>
    public const string AdminRole = "admin";
}
