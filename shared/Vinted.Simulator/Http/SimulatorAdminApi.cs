using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Vinted.Simulator.Market;

namespace Vinted.Simulator.Http;

/// <summary>
/// <c>/__sim</c>: change faults and the date at runtime, read counters, export the ground truth. Never part of the
/// real API, so a client bug that calls it shows up as a 404 against Vinted.
/// </summary>
internal static class SimulatorAdminApi
{
    public static IEndpointRouteBuilder MapSimulatorAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/__sim");
        admin.MapGet("/stats", (SimulatorState state) => TypedResults.Ok(new { date = state.Date, faults = state.Faults, counters = state.Stats }));
        admin.MapPost("/stats/reset", (SimulatorState state) =>
        {
            state.ResetStats();
            return TypedResults.NoContent();
        });
        admin.MapGet("/faults", (SimulatorState state) => TypedResults.Ok(state.Faults));
        admin.MapPost("/faults", Results<Ok<SimulatorFaults>, ValidationProblem> (SimulatorState state, SimulatorFaults faults) =>
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(faults, new ValidationContext(faults), results, validateAllProperties: true))
            {
                return TypedResults.ValidationProblem(results.ToDictionary(r => string.Join(",", r.MemberNames), r => new[] { r.ErrorMessage ?? "invalid" }));
            }

            state.Faults = faults;
            return TypedResults.Ok(faults);
        });
        admin.MapGet("/date", (SimulatorState state) => TypedResults.Ok(new { date = state.Date }));
        admin.MapPost("/date", Results<Ok<DateOnly>, BadRequest<string>> (SimulatorState state, string date) =>
        {
            if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                return TypedResults.BadRequest("date must be yyyy-MM-dd");
            }

            state.Date = parsed;
            return TypedResults.Ok(parsed);
        });
        admin.MapGet("/ground-truth", Results<Ok<GroundTruthResult>, BadRequest<string>> (HttpContext context, SimulatorState state, SimulatorOptions options, Marketplace market) =>
        {
            var query = context.Request.Query;
            var domain = query["domain"].ToString() is { Length: > 0 } d ? d : options.DefaultDomain;
            var date = DateOnly.TryParseExact(query["date"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var asked) ? asked : state.Date;
            try
            {
                return TypedResults.Ok(market.GroundTruth(date, QueryReader.Search(query, domain)));
            }
            catch (ArgumentException exception)
            {
                return TypedResults.BadRequest(exception.Message);
            }
        });
        admin.MapGet("/changes", Results<Ok<SearchChanges>, BadRequest<string>> (HttpContext context, SimulatorOptions options, Marketplace market) =>
        {
            var query = context.Request.Query;
            var domain = query["domain"].ToString() is { Length: > 0 } d ? d : options.DefaultDomain;
            if (!DateOnly.TryParseExact(query["from"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
                || !DateOnly.TryParseExact(query["to"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to))
            {
                return TypedResults.BadRequest("from and to must be yyyy-MM-dd");
            }

            try
            {
                return TypedResults.Ok(market.Changes(from, to, QueryReader.Search(query, domain)));
            }
            catch (ArgumentException exception)
            {
                return TypedResults.BadRequest(exception.Message);
            }
        });
        return app;
    }
}
