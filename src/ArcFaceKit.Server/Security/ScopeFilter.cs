using ArcFaceKit.Server.Api;

namespace ArcFaceKit.Server.Security;

/// <summary>Refuses (403) a request whose key lacks the scope an endpoint needs.</summary>
internal static class ScopeFilter
{
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, ApiScopes scope)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var key = ApiKeyMiddleware.Caller(context.HttpContext);
            if (!ApiKeys.ScopesOf(key).HasFlag(scope))
            {
                throw new ApiProblem(StatusCodes.Status403Forbidden, "Forbidden", $"The key '{key.Name}' lacks the {scope.ToString().ToLowerInvariant()} scope.");
            }

            return await next(context);
        });
}
