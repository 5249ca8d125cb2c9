using Microsoft.Extensions.Options;
using Vinted.Orchestration.Http.Security;
using Vinted.PriceModel;
using Vinted.PriceModel.Registry;
using Vinted.PriceModel.Serving;

namespace Vinted.SelfHost.PriceModel;

/// <summary>
/// The price model over HTTP: <c>POST /api/price/estimate</c> (one item, or <c>{"items": [...]}</c>) answered by each
/// currency's production model; <c>GET /api/price/models</c> (every version with its metrics and aliases);
/// <c>POST /api/price/models/{model}/production</c> (<c>{"version": n}</c>) and <c>POST /api/price/models/{model}/rollback</c>
/// (admin key). Training starts as any orchestration: <c>POST /api/orchestrators/TrainModel</c>. The answers are
/// <see cref="PriceEndpoints"/>'s, which the Azure Functions app serves too.
/// </summary>
public static class PriceApi
{
    public static IEndpointRouteBuilder MapPriceApi(this IEndpointRouteBuilder app)
    {
        var price = app.MapGroup("/api/price");
        price.MapPost("/estimate", (HttpRequest request, PriceEstimator estimator, IOptions<PriceModelOptions> options, CancellationToken cancellationToken) =>
                PriceEndpoints.EstimateAsync(request.Body, estimator, options.Value.MaxBatch, cancellationToken))
            .RequireFunctionKey();
        // Lambdas, not the shared methods as groups: ASP.NET Core's route handler analyzer throws on a method group from
        // another assembly whose route has parameters (AD0001, IndexOutOfRangeException).
        price.MapGet("/models", (ModelRegistry registry, CancellationToken cancellationToken) => PriceEndpoints.ModelsAsync(registry, cancellationToken))
            .RequireFunctionKey();
        price.MapPost("/models/{model}/production", (string model, HttpRequest request, ModelRegistry registry, CancellationToken cancellationToken) =>
                PriceEndpoints.PromoteAsync(model, request.Body, registry, cancellationToken))
            .RequireFunctionKey(KeyLevel.Admin);
        price.MapPost("/models/{model}/rollback", (string model, ModelRegistry registry, CancellationToken cancellationToken) =>
                PriceEndpoints.RollBackAsync(model, registry, cancellationToken))
            .RequireFunctionKey(KeyLevel.Admin);
        return app;
    }
}
