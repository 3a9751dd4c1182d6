using ArcFaceKit.Server.Security;
using ArcFaceKit.Server.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ArcFaceKit.Server.Api;

/// <summary>
/// Webhooks for camera events (the cameras scope), each key's own: register (the signing secret answered once), list,
/// remove, and read the delivery log. Targets are limited to the hosts the operator allows.
/// </summary>
internal static class WebhookEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        var webhooks = v1.MapGroup("/webhooks").RequireScope(ApiScopes.Cameras).DisableAntiforgery();
        webhooks.MapPost("", AddAsync).ProducesProblems(400, 409, 413, 415)
            .WithSummary("Registers a webhook (url, filter: camera, subject, unknown, kinds) for this key; the answer alone carries its signing secret. 403 for a target the operator does not allow.");
        webhooks.MapGet("", ListAsync).WithSummary("This key's webhooks (without their secrets).");
        webhooks.MapDelete("/{id}", DeleteAsync).ProducesProblems(404, 503).WithSummary("Removes one of this key's webhooks; events not yet delivered to it are dropped.");
        webhooks.MapGet("/{id}/deliveries", Deliveries).ProducesProblems(404)
            .WithSummary("The webhook's last deliveries, oldest first: event, attempt, time, HTTP status or error, next attempt.");
    }

    public static async Task<Created<WebhookJson>> AddAsync(WebhookRequest body, WebhookDispatcher webhooks, HttpContext http, CancellationToken cancellationToken)
    {
        var added = await webhooks.AddAsync(body, Caller(http), cancellationToken);
        return TypedResults.Created($"/v1/webhooks/{added.Id}", added);
    }

    public static async Task<Ok<IReadOnlyList<WebhookJson>>> ListAsync(WebhookDispatcher webhooks, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(await webhooks.ListAsync(Caller(http), cancellationToken));

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(long id, WebhookDispatcher webhooks, HttpContext http, CancellationToken cancellationToken) =>
        await webhooks.DeleteAsync(id, Caller(http), cancellationToken) ? TypedResults.NoContent() : NoWebhook(id);

    public static Results<Ok<IReadOnlyList<WebhookDeliveryJson>>, ProblemHttpResult> Deliveries(long id, WebhookDispatcher webhooks, HttpContext http) =>
        webhooks.Deliveries(id, Caller(http)) is { } log ? TypedResults.Ok(log) : NoWebhook(id);

    private static ProblemHttpResult NoWebhook(long id) => Refusals.NotFound($"This key has no webhook {id}.");

    private static string Caller(HttpContext http) => ApiKeyMiddleware.Caller(http).Id;
}
