using Tollgate.Storage;

namespace Tollgate.Api.Auth;

/// <summary>A user as the API shows it: never the password hash. <see cref="TeamId"/> is set for a team-scoped role.</summary>
internal sealed record UserView(string Username, string Role, string? TeamId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static UserView Of(StoredUser user)
    {
        var role = AdminRoles.TryParseStored(user.Role, out var parsed, out var teamId) ? AdminRoles.Name(parsed) : user.Role;
        return new(user.Username, role, teamId, user.CreatedAt, user.UpdatedAt);
    }
}
