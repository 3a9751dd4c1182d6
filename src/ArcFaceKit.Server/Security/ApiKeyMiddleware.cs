using ArcFaceKit.Gallery;

namespace ArcFaceKit.Server.Security;

/// <summary>
/// Every /v1 request except health, and the OpenAPI document, must carry a valid, active key in the X-Api-Key header;
/// the key found is kept on the request for scope checks, rate limiting and the audit log. Only the page's static
/// files and health are served without one.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, IApiKeyStore keys, IProblemDetailsService problems)
{
    private static readonly object ItemKey = new();

    public static StoredKey Caller(HttpContext http) =>
        http.Items[ItemKey] as StoredKey ?? throw new InvalidOperationException("No authenticated key on this request.");

    public static StoredKey? CallerOrNull(HttpContext http) => http.Items[ItemKey] as StoredKey;

    public async Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path;
        bool guarded = path.StartsWithSegments("/v1") || path.StartsWithSegments("/openapi");
        if (!guarded || path.StartsWithSegments("/v1/health"))
        {
            await next(http);
            return;
        }

        string? token = http.Request.Headers[ApiKeys.Header].FirstOrDefault();
        var key = await ApiKeys.AuthenticateAsync(keys, token);
        if (key is null)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            http.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{ApiKeys.Header}\"";
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails =
                {
                    Status = StatusCodes.Status401Unauthorized,
                    Title = "API key required",
                    Detail = token is null ? $"Send an API key in the {ApiKeys.Header} header (create one with `arcface-server keys create`)." : "The API key is unknown or revoked.",
                },
            });
            return;
        }

        http.Items[ItemKey] = key;
        await next(http);
    }
}
