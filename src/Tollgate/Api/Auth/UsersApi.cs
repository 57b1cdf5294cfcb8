namespace Tollgate.Api.Auth;

/// <summary>
/// User management, admins only: <c>GET/POST /api/users</c>, <c>PUT/DELETE /api/users/{username}</c>. Changing a user's
/// role or password, or deleting them, ends their sessions; the last admin can be neither demoted nor deleted.
/// </summary>
internal static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/users").RequireAdmin(AdminRole.Admin).WithTags("Admin: users");
        group.MapGet("/", (UserService users) =>
            Results.Json(users.List().Select(UserView.Of).ToList(), AuthJsonContext.Output.ListUserView));
        group.MapPost("/", CreateAsync);
        group.MapPut("/{username}", UpdateAsync);
        group.MapDelete("/{username}", async (HttpContext context, string username, UserService users) =>
        {
            if (users.Delete(AdminCaller.Of(context), username) is { } error)
            {
                await ErrorResponses.WriteAsync(context, error).ConfigureAwait(false);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });
        return endpoints;
    }

    private static async Task CreateAsync(HttpContext context, UserService users)
    {
        var (request, error) = await AuthBody.ReadAsync(context, AuthJsonContext.Output.UserCreateRequest).ConfigureAwait(false);
        var (user, createError) = request is null ? (null, error) : users.Create(AdminCaller.Of(context), request.Username, request.Password, request.Role, request.TeamId);
        if (user is null)
        {
            await ErrorResponses.WriteAsync(context, createError!).ConfigureAwait(false);
            return;
        }

        await Results.Json(UserView.Of(user), AuthJsonContext.Output.UserView, statusCode: StatusCodes.Status201Created).ExecuteAsync(context).ConfigureAwait(false);
    }

    private static async Task UpdateAsync(HttpContext context, string username, UserService users)
    {
        var (request, error) = await AuthBody.ReadAsync(context, AuthJsonContext.Output.UserUpdateRequest).ConfigureAwait(false);
        var (user, updateError) = request is null ? (null, error) : users.Update(AdminCaller.Of(context), username, request.Role, request.Password, request.TeamId);
        if (user is null)
        {
            await ErrorResponses.WriteAsync(context, updateError!).ConfigureAwait(false);
            return;
        }

        await Results.Json(UserView.Of(user), AuthJsonContext.Output.UserView).ExecuteAsync(context).ConfigureAwait(false);
    }
}
