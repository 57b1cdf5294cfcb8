namespace Tollgate.Api.Auth;

/// <summary>What an admin API caller may do; ordered, so "at least editor" is a comparison.</summary>
internal enum AdminRole
{
    /// <summary>Reads everything (GET/HEAD).</summary>
    Viewer = 0,

    /// <summary>Also changes providers, keys, governance and routing.</summary>
    Editor = 1,

    /// <summary>Also manages users.</summary>
    Admin = 2,
}
