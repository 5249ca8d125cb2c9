using System.ComponentModel.DataAnnotations;

namespace Vinted.RawZone;

/// <summary>The <c>S3</c> settings: where the raw zone lives. Keys come from local.settings.json or the environment.</summary>
public sealed class S3Options
{
    public const string Section = "S3";

    /// <summary>An S3-compatible endpoint (MinIO, Ceph, a local server); empty for AWS itself.</summary>
    [Vinted.Settings.Validation.AbsoluteUrl]
    public string ServiceUrl { get; set; } = "";

    /// <summary>The AWS region (for AWS, or the signing region of a compatible server).</summary>
    [Required]
    public string Region { get; set; } = "us-east-1";

    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", ErrorMessage = "must be a valid S3 bucket name")]
    public string Bucket { get; set; } = "";

    [Required]
    public string AccessKey { get; set; } = "";

    [Required]
    public string SecretKey { get; set; } = "";

    /// <summary>How a written object is checked: <c>ETag</c> (the server's MD5 of what it stored) or <c>ReadBack</c> (read it again and hash).</summary>
    public VerifyMode Verify { get; set; } = VerifyMode.ETag;

    /// <summary>The top of every key this product writes.</summary>
    [Required]
    public string Prefix { get; set; } = "vinted";
}

/// <summary>How an object is verified after it is written.</summary>
public enum VerifyMode
{
    ETag,
    ReadBack,
}
