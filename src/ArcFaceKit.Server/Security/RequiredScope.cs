namespace ArcFaceKit.Server.Security;

/// <summary>The scope an endpoint's key needs; <see cref="ScopeCheck"/> refuses (403) a key without it.</summary>
internal sealed record RequiredScope(ApiScopes Scope);

/// <summary>Puts an endpoint (or a group) behind a key with a scope, and says so in the OpenAPI document.</summary>
internal static class RequiredScopes
{
    /// <summary>
    /// The endpoint then answers, besides its own outcomes, 401 (no valid key: <see cref="ApiKeyMiddleware"/>), 403 (a
    /// key without the scope: <see cref="ScopeCheck"/>, or an option that needs more, such as collect=true) and 429
    /// (the key's rate limit: <see cref="RateLimits"/>).
    /// </summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, ApiScopes scope)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredScope(scope))
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
}
