namespace ArcFaceKit.Server.Api;

/// <summary>What the OpenAPI document lists as a route's refusals, beside the outcomes its typed result declares.</summary>
internal static class ProblemResponses
{
    /// <summary>
    /// The problem statuses a route answers besides those of its key (<see cref="Security.RequiredScopes.RequireScope"/>):
    /// its own refusals (<see cref="Refusals"/>) and those of the layers under and before it (<see cref="ProblemMapping"/>,
    /// <see cref="UploadForms"/>, the framework's binding, Kestrel's body size limit).
    /// </summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder route, params int[] statuses)
    {
        foreach (int status in statuses)
        {
            route.ProducesProblem(status);
        }

        return route;
    }
}
