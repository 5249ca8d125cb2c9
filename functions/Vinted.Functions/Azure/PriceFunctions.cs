using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Vinted.PriceModel;
using Vinted.PriceModel.Registry;
using Vinted.PriceModel.Serving;

namespace Vinted.Functions.Azure;

/// <summary>
/// The price model over HTTP, answered by <see cref="PriceEndpoints"/> as in the self-host: estimates and the model
/// list with a function key, promotion and rollback at the admin level (the host's master key), where the self-host
/// asks for its admin key.
/// </summary>
public sealed class PriceFunctions(PriceEstimator estimator, ModelRegistry registry, IOptions<PriceModelOptions> options)
{
    [Function("PriceEstimate")]
    public Task<IResult> EstimateAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/price/estimate")] HttpRequest request, CancellationToken cancellationToken) =>
        PriceEndpoints.EstimateAsync(request.Body, estimator, options.Value.MaxBatch, cancellationToken);

    [Function("PriceModels")]
    public Task<IResult> ModelsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/price/models")] HttpRequest request, CancellationToken cancellationToken) =>
        PriceEndpoints.ModelsAsync(registry, cancellationToken);

    [Function("PromotePriceModel")]
    public Task<IResult> PromoteAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "api/price/models/{model}/production")] HttpRequest request, string model, CancellationToken cancellationToken) =>
        PriceEndpoints.PromoteAsync(model, request.Body, registry, cancellationToken);

    [Function("RollBackPriceModel")]
    public Task<IResult> RollBackAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "api/price/models/{model}/rollback")] HttpRequest request, string model, CancellationToken cancellationToken) =>
        PriceEndpoints.RollBackAsync(model, registry, cancellationToken);
}
