using ArcFaceKit.Server.Api;

namespace ArcFaceKit.Server.Security;

/// <summary>
/// Refuses (403) a request whose key lacks the scope its endpoint requires (<see cref="RequiredScopes.RequireScope"/>).
/// A middleware rather than an endpoint filter: filters run after the framework has bound the request, and a key that
/// may not call an endpoint is refused before its upload is read.
/// </summary>
internal sealed class ScopeCheck(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        foreach (var required in http.GetEndpoint()?.Metadata.GetOrderedMetadata<RequiredScope>() ?? [])
        {
            var key = ApiKeyMiddleware.Caller(http);
            if (!ApiKeys.ScopesOf(key).HasFlag(required.Scope))
            {
                throw new ApiProblem(StatusCodes.Status403Forbidden, "Forbidden", $"The key '{key.Name}' lacks the {required.Scope.ToString().ToLowerInvariant()} scope.");
            }
        }

        return next(http);
    }
}
