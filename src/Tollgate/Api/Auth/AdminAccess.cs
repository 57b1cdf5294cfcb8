namespace Tollgate.Api.Auth;

/// <summary>
/// Endpoint metadata saying who may call an admin endpoint. <see cref="AdminAuthMiddleware"/> applies it to every
/// request under <c>/api</c>; an endpoint without it gets <see cref="Default"/>, so a route someone forgot to mark is
/// still protected rather than public.
/// </summary>
internal sealed class AdminAccess
{
    private readonly AdminRole _minimum;
    private readonly bool _selfService;

    private AdminAccess(AdminRole minimum, bool selfService, bool anonymous)
    {
        _minimum = minimum;
        _selfService = selfService;
        IsAnonymous = anonymous;
    }

    /// <summary>Reading needs viewer, changing anything needs editor.</summary>
    public static readonly AdminAccess Default = new(AdminRole.Viewer, selfService: false, anonymous: false);

    /// <summary>No credentials at all: only the login endpoint.</summary>
    public static readonly AdminAccess Anonymous = new(AdminRole.Viewer, selfService: false, anonymous: true);

    /// <summary>Any signed-in caller, whatever the method: a viewer may still log out and change their own password.</summary>
    public static readonly AdminAccess SelfService = new(AdminRole.Viewer, selfService: true, anonymous: false);

    public bool IsAnonymous { get; }

    /// <summary>About the caller's own account (log out, password, who am I): open to team-scoped callers too.</summary>
    public bool IsSelfService => _selfService;

    public static AdminAccess AtLeast(AdminRole minimum) => minimum == AdminRole.Viewer ? Default : new(minimum, selfService: false, anonymous: false);

    public AdminRole RequiredRole(string method)
    {
        if (_selfService)
        {
            return AdminRole.Viewer;
        }

        var forMethod = IsSafe(method) ? AdminRole.Viewer : AdminRole.Editor;
        return forMethod > _minimum ? forMethod : _minimum;
    }

    /// <summary>Methods that change nothing; every other one needs editor and, with a session, the CSRF header.</summary>
    public static bool IsSafe(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
}
