using System.ComponentModel.DataAnnotations;

namespace Vinted.Platform.Postgres;

/// <summary>The <c>ConnectionStrings</c> section: where the warehouse lives.</summary>
public sealed class PostgresOptions
{
    public const string Section = "ConnectionStrings";

    /// <summary>Npgsql connection string of the PostgreSQL database.</summary>
    [Required]
    [NpgsqlConnectionString]
    public string Warehouse { get; set; } = "";
}
