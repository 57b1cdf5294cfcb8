namespace Tollgate.Api.Auth;

/// <summary>The role names of the API and the store (<c>admin</c>, <c>editor</c>, <c>viewer</c>).</summary>
internal static class AdminRoles
{
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
}
