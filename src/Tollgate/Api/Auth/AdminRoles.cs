namespace Tollgate.Api.Auth;

/// <summary>
/// The role names of the API and the store (<c>admin</c>, <c>editor</c>, <c>viewer</c>). A team-scoped role is stored
/// in the same column as <c>team:&lt;team_id&gt;:&lt;role&gt;</c>: one text keeps every store and session path unchanged,
/// and the store's last-admin guard (which counts exactly <c>admin</c>) rightly never counts a team admin.
/// </summary>
internal static class AdminRoles
{
    private const string TeamPrefix = "team:";

    public const string AdminName = "admin";
    public const string EditorName = "editor";
    public const string ViewerName = "viewer";

    public static string Name(AdminRole role) => role switch
    {
        AdminRole.Admin => AdminName,
        AdminRole.Editor => EditorName,
        _ => ViewerName,
    };

    /// <summary>Exact, lower-case names only: the role is part of the contract, not free text.</summary>
    public static bool TryParse(string? name, out AdminRole role)
    {
        switch (name)
        {
            case AdminName:
                role = AdminRole.Admin;
                return true;
            case EditorName:
                role = AdminRole.Editor;
                return true;
            case ViewerName:
                role = AdminRole.Viewer;
                return true;
            default:
                role = AdminRole.Viewer;
                return false;
        }
    }

    /// <summary>The stored form of a role, global (<paramref name="teamId"/> null) or scoped to one team.</summary>
    public static string Stored(AdminRole role, string? teamId) => teamId is null ? Name(role) : $"{TeamPrefix}{teamId}:{Name(role)}";

    /// <summary>Parses what <see cref="Stored"/> wrote: a global role name, or <c>team:&lt;team_id&gt;:&lt;role&gt;</c>.</summary>
    public static bool TryParseStored(string? stored, out AdminRole role, out string? teamId)
    {
        teamId = null;
        if (stored is null || !stored.StartsWith(TeamPrefix, StringComparison.Ordinal))
        {
            return TryParse(stored, out role);
        }

        var colon = stored.LastIndexOf(':');
        if (colon <= TeamPrefix.Length || !TryParse(stored[(colon + 1)..], out role))
        {
            role = AdminRole.Viewer;
            return false;
        }

        teamId = stored[TeamPrefix.Length..colon];
        return true;
    }
}
