using System.Diagnostics;

namespace ArcFaceKit.Server.Security;

/// <summary>
/// The server's own request log, in place of ASP.NET Core's (which writes every URL, with subject names and any key
/// sent in a query string): method, the route's pattern (never the path itself), status, time and the key's id.
/// </summary>
internal sealed partial class RequestLog(RequestDelegate next, ILogger<RequestLog> log)
{
    public async Task InvokeAsync(HttpContext http)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            await next(http);
        }
        finally
        {
            string route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? (http.Request.Path.StartsWithSegments("/v1") ? "/v1/(no route)" : "(static)");
            Logged(log, http.Request.Method, route, http.Response.StatusCode, Stopwatch.GetElapsedTime(start).TotalMilliseconds, ApiKeyMiddleware.CallerOrNull(http)?.Id ?? "-");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Route} {Status} {Milliseconds:F0} ms key {KeyId}")]
    private static partial void Logged(ILogger logger, string method, string route, int status, double milliseconds, string keyId);
}
