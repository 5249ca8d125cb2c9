using System.ComponentModel.DataAnnotations;

namespace Vinted.Orchestration.Http.Security;

/// <summary>
/// The <c>Functions:Keys</c> section. As in Azure Functions, a caller presents a key in the
/// <c>x-functions-key</c> header or the <c>code</c> query parameter. The default key reads and starts;
/// the admin key also terminates, rewinds and purges.
/// </summary>
public sealed class FunctionKeyOptions
{
    public const string Section = "Functions:Keys";

    [Required]
    [MinLength(16, ErrorMessage = "must be at least 16 characters")]
    public string Default { get; set; } = "";

    [Required]
    [MinLength(16, ErrorMessage = "must be at least 16 characters")]
    public string Admin { get; set; } = "";
}
