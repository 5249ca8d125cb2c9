using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Vinted.PriceModel.Registry;

namespace Vinted.PriceModel.Serving;

/// <summary>
/// The price model's HTTP answers, whichever host serves them (the self-host's minimal API, the Azure Functions app's
/// HTTP functions): each reads its request, calls the estimator or the registry and shapes the result or the problem
/// here, so the two hosts cannot answer differently. Routes and keys are the hosts' own.
/// </summary>
public static class PriceEndpoints
{
    /// <summary>The body of a promotion: <c>{"version": n}</c>.</summary>
    public sealed record PromoteBody(int? Version);

    /// <summary>
    /// <c>POST /api/price/estimate</c>: one item, or <c>{"items": [...]}</c> (1 to <paramref name="maxBatch"/>), each
    /// answered by its currency's production model; 400 naming every failing field, 404 when a currency has no
    /// production model.
    /// </summary>
    public static async Task<IResult> EstimateAsync(Stream body, PriceEstimator estimator, int maxBatch, CancellationToken cancellationToken)
    {
        JsonElement json;
        try
        {
            json = await JsonSerializer.DeserializeAsync<JsonElement>(body, EstimateItem.Json, cancellationToken);
        }
        catch (JsonException e)
        {
            return Invalid("body", $"not JSON: {e.Message}");
        }

        var (items, batch, errors) = ReadEstimateRequest(json, maxBatch);
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

    /// <summary>
    /// Reads an estimate request's JSON: one item or a batch of 1 to <paramref name="maxBatch"/>; every failing field is
    /// named in <c>Errors</c> (<c>items[1].catalog</c> in a batch), which is empty when the items can be estimated.
    /// </summary>
    public static (IReadOnlyList<EstimateItem> Items, bool Batch, Dictionary<string, string[]> Errors) ReadEstimateRequest(JsonElement body, int maxBatch)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var itemsElement = default(JsonElement);
        var batch = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("items", out itemsElement);
        if (batch && (itemsElement.ValueKind != JsonValueKind.Array || itemsElement.GetArrayLength() == 0 || itemsElement.GetArrayLength() > maxBatch))
        {
            errors["items"] = [$"an array of 1 to {maxBatch} items."];
            return ([], batch, errors);
        }

        if (batch && body.EnumerateObject().Count() != 1)
        {
            errors[body.EnumerateObject().First(p => p.Name != "items").Name] = ["a batch holds only 'items'."];
            return ([], batch, errors);
        }

        var elements = batch ? [.. itemsElement.EnumerateArray()] : new List<JsonElement> { body };
        var items = new List<EstimateItem>(elements.Count);
        for (var i = 0; i < elements.Count; i++)
        {
            var path = batch ? $"items[{i}]." : "";
            var item = ReadItem(elements[i], path, errors);
            if (item is not null)
            {
                foreach (var (field, message) in item.Check(path))
                {
                    errors[field] = [message];
                }

                items.Add(item);
            }
        }

        return (items, batch, errors);
    }

    /// <summary><c>GET /api/price/models</c>: every version with its metrics and aliases.</summary>
    public static async Task<IResult> ModelsAsync(ModelRegistry registry, CancellationToken cancellationToken) =>
        TypedResults.Ok(await registry.VersionsAsync(cancellationToken));

    /// <summary>
    /// Reads a promotion's body: empty is no body (the version is then missing), otherwise <c>{"version": n}</c>;
    /// no body and an <c>Error</c> when it is not that JSON.
    /// </summary>
    public static async Task<(PromoteBody? Body, string? Error)> ReadPromoteBodyAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length == 0)
        {
            return (null, null);
        }

        try
        {
            return (JsonSerializer.Deserialize<PromoteBody>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), JsonSerializerOptions.Web), null);
        }
        catch (JsonException e)
        {
            return (null, $"not JSON of the shape {{\"version\": n}}: {e.Message}");
        }
    }

    /// <summary><c>POST /api/price/models/{model}/production</c>: promotes a version; the model's new production pointer.</summary>
    public static async Task<IResult> PromoteAsync(string model, Stream body, ModelRegistry registry, CancellationToken cancellationToken)
    {
        if (!ModelRegistry.IsModelName(model))
        {
            return NoSuchModel(model);
        }

        var (promote, error) = await ReadPromoteBodyAsync(body, cancellationToken);
        if (error is not null)
        {
            return Invalid("body", error, "Invalid promotion");
        }

        if (promote?.Version is not { } version || version <= 0)
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

    /// <summary><c>POST /api/price/models/{model}/rollback</c>: production back to the previous version.</summary>
    public static async Task<IResult> RollBackAsync(string model, ModelRegistry registry, CancellationToken cancellationToken)
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

    private static EstimateItem? ReadItem(JsonElement element, string path, Dictionary<string, string[]> errors)
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

    private static ProblemHttpResult NoSuchModel(string model) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such model", detail: $"Models are named price-{{currency}} (price-eur); '{model}' is not one.");

    private static ValidationProblem Invalid(string field, string message, string title = "Invalid estimate request") =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: title);
}
