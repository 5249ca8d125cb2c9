using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
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
/// (admin key). Training starts as any orchestration: <c>POST /api/orchestrators/TrainModel</c>.
/// </summary>
public static class PriceApi
{
    public static IEndpointRouteBuilder MapPriceApi(this IEndpointRouteBuilder app)
    {
        var price = app.MapGroup("/api/price");
        price.MapPost("/estimate", EstimateAsync).RequireFunctionKey();
        price.MapGet("/models", async (ModelRegistry registry, CancellationToken cancellationToken) => TypedResults.Ok(await registry.VersionsAsync(cancellationToken)))
            .RequireFunctionKey();
        price.MapPost("/models/{model}/production", PromoteAsync).RequireFunctionKey(KeyLevel.Admin);
        price.MapPost("/models/{model}/rollback", RollBackAsync).RequireFunctionKey(KeyLevel.Admin);
        return app;
    }

    /// <summary>The body of a promotion.</summary>
    public sealed record PromoteBody(int? Version);

    private static async Task<IResult> EstimateAsync(HttpRequest request, PriceEstimator estimator, IOptions<PriceModelOptions> options, CancellationToken cancellationToken)
    {
        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, EstimateItem.Json, cancellationToken);
        }
        catch (JsonException e)
        {
            return Invalid("body", $"not JSON: {e.Message}");
        }

        var itemsElement = default(JsonElement);
        var batch = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("items", out itemsElement);
        if (batch && (itemsElement.ValueKind != JsonValueKind.Array || itemsElement.GetArrayLength() == 0 || itemsElement.GetArrayLength() > options.Value.MaxBatch))
        {
            return Invalid("items", $"an array of 1 to {options.Value.MaxBatch} items.");
        }

        if (batch && body.EnumerateObject().Count() != 1)
        {
            return Invalid(body.EnumerateObject().First(p => p.Name != "items").Name, "a batch holds only 'items'.");
        }

        var elements = batch ? [.. itemsElement.EnumerateArray()] : new List<JsonElement> { body };
        var items = new List<EstimateItem>(elements.Count);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        for (var i = 0; i < elements.Count; i++)
        {
            var path = batch ? $"items[{i}]." : "";
            var item = Read(elements[i], path, errors);
            if (item is not null)
            {
                foreach (var (field, message) in item.Check(path))
                {
                    errors[field] = [message];
                }

                items.Add(item);
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid estimate request");
        }

        var answers = new EstimateAnswer[items.Count];
        foreach (var group in items.Select((item, index) => (item, index)).GroupBy(x => x.item.Currency!, StringComparer.Ordinal))
        {
            var estimates = await estimator.EstimateAsync(group.Key, [.. group.Select(x => x.item.ToFeatures())], cancellationToken);
            if (estimates is null)
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status404NotFound, title: $"No production price model for {group.Key}",
                    detail: $"Model '{ModelRegistry.ModelName(group.Key)}' has no version promoted to production: train one (POST /api/orchestrators/TrainModel).");
            }

            foreach (var ((_, index), estimate) in group.Zip(estimates))
            {
                answers[index] = new EstimateAnswer(estimate.Estimate, estimate.Currency, estimate.ModelName, estimate.ModelVersion);
            }
        }

        return batch ? TypedResults.Ok(new EstimateBatchAnswer(answers)) : TypedResults.Ok(answers[0]);
    }

    private static EstimateItem? Read(JsonElement element, string path, Dictionary<string, string[]> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors[path.Length == 0 ? "body" : path.TrimEnd('.')] = ["an object with the item's fields."];
            return null;
        }

        try
        {
            return element.Deserialize<EstimateItem>(EstimateItem.Json);
        }
        catch (JsonException e)
        {
            // The reader's path ($.photoCount) names the field; an unknown field is named in the message.
            var field = e.Path is { Length: > 2 } p ? p[2..] : "body";
            errors[path + field] = [e.Message];
            return null;
        }
    }

    private static async Task<Results<Ok<ModelPointer>, ValidationProblem, ProblemHttpResult>> PromoteAsync(
        string model, PromoteBody? body, ModelRegistry registry, CancellationToken cancellationToken)
    {
        if (!ModelRegistry.IsModelName(model))
        {
            return NoSuchModel(model);
        }

        if (body?.Version is not { } version || version <= 0)
        {
            return Invalid("version", "required: the version to promote.", "Invalid promotion");
        }

        try
        {
            await registry.PromoteAsync(model, version, "promoted over HTTP", cancellationToken);
        }
        catch (RegistryException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not promoted", detail: e.Message);
        }

        return TypedResults.Ok((await registry.ProductionAsync(model, cancellationToken))!);
    }

    private static async Task<Results<Ok<ModelPointer>, ProblemHttpResult>> RollBackAsync(string model, ModelRegistry registry, CancellationToken cancellationToken)
    {
        if (!ModelRegistry.IsModelName(model))
        {
            return NoSuchModel(model);
        }

        try
        {
            await registry.RollBackAsync(model, cancellationToken);
        }
        catch (RegistryException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not rolled back", detail: e.Message);
        }

        return TypedResults.Ok((await registry.ProductionAsync(model, cancellationToken))!);
    }

    private static ProblemHttpResult NoSuchModel(string model) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such model", detail: $"Models are named price-{{currency}} (price-eur); '{model}' is not one.");

    private static ValidationProblem Invalid(string field, string message, string title = "Invalid estimate request") =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: title);
}
