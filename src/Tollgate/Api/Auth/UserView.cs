using Tollgate.Storage;

namespace Tollgate.Api.Auth;

/// <summary>A user as the API shows it: never the password hash.</summary>
internal sealed record UserView(string Username, string Role, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static UserView Of(StoredUser user) => new(user.Username, user.Role, user.CreatedAt, user.UpdatedAt);
}
